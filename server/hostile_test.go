package server

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"backprop/tui"
)

// realTrainer is the trainer serve runs.
func realTrainer(info SessionInfo) (tea.Model, error) {
	m, err := tui.New(info.Options)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// heapSampler records the peak of the Go heap's live objects.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// heapRetained is the heap memory the process holds from the OS (in use or
// free but not yet returned).
func heapRetained() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapSys - m.HeapReleased
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			h.peak = max(h.peak, heapObjects())
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) finish() uint64 {
	close(h.stop)
	<-h.done
	return h.peak
}

// tailWriter keeps the last bytes of a stream (a huge terminal's client
// cannot afford an emulator of its claimed size).
type tailWriter struct {
	mu sync.Mutex
	b  []byte
	n  int64
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += int64(len(p))
	w.b = append(w.b, p...)
	if len(w.b) > 1<<16 {
		w.b = append(w.b[:0], w.b[len(w.b)-1<<15:]...)
	}
	return len(p), nil
}

func (w *tailWriter) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		ok := bytes.Contains(w.b, []byte(want))
		w.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("output never contained %q", want)
}

// TestHugePtyClamped: a client asking for a 65535×65535 terminal (first
// pty request and window changes) gets a screen of at most
// MaxTermWidth×MaxTermHeight; the server's heap grows by less than
// hugePtyBound while it draws, keeps serving others, and gives the memory
// back when the client leaves.
func TestHugePtyClamped(t *testing.T) {
	const hugePtyBound = 48 << 20
	_, addr, logs := startServer(t, Config{Password: "pw", Preset: "xor", NewModel: realTrainer})
	runtime.GC()
	base, baseRetained := heapObjects(), heapRetained()
	h := sampleHeap()

	c, err := dial(addr, "huge", gossh.Password("pw"))
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out := &tailWriter{}
	sess.Stdout, sess.Stderr = out, out
	stdin, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 65535, 65535, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	out.waitFor(t, "quit")
	for _, key := range []string{"s", "s", "?", "?"} {
		_, _ = io.WriteString(stdin, key)
		time.Sleep(20 * time.Millisecond)
	}
	// Window changes as large as the protocol allows.
	for _, wh := range [][2]int{{65535, 65535}, {1 << 31, 1 << 31}, {4000, 4000}} {
		if err := sess.WindowChange(wh[1], wh[0]); err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(stdin, "s")
		time.Sleep(50 * time.Millisecond)
	}

	// Others are still served.
	other := login(t, addr, "other", gossh.Password("pw"), 80, 24, "quit")

	peak := h.finish()
	grew := int64(peak) - int64(base)
	t.Logf("heap: base %d MB, peak %d MB (+%d MB; bound %d MB)", base>>20, peak>>20, grew>>20, hugePtyBound>>20)
	if grew > hugePtyBound {
		t.Errorf("a 65535×65535 pty grew the heap by %d MB, want < %d MB", grew>>20, hugePtyBound>>20)
	}
	if l := logs.String(); !strings.Contains(l, "limit=term-size claimed=65535x65535") ||
		!strings.Contains(l, "width=400 height=160") {
		t.Errorf("clamp not logged:\n%s", l)
	}

	// Both leave: the memory goes back to the OS.
	_ = sess.Close()
	_ = c.Close()
	other.Close()
	deadline := time.Now().Add(2*releaseEvery + 5*time.Second)
	var retained uint64
	for time.Now().Before(deadline) {
		if retained = heapRetained(); retained < baseRetained+16<<20 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("heap held from the OS: %d MB before, %d MB after the sessions ended (objects %d MB)", baseRetained>>20, retained>>20, heapObjects()>>20)
	if retained >= baseRetained+16<<20 {
		t.Errorf("heap held after the sessions ended: %d MB, before: %d MB (live objects %d MB: a leaked program?)",
			retained>>20, baseRetained>>20, heapObjects()>>20)
	}
}

// TestPasteCPU: 1 MB pasted into the save prompt (bracketed, and as raw
// keys from a terminal without bracketed paste) costs the server under a
// second of CPU each (under -race, raceFactor seconds). Client and server
// share this process, so the time measured includes the client's side of
// SSH: an upper bound. CPU time, unlike wall time, does not grow when the
// machine is busy.
func TestPasteCPU(t *testing.T) {
	_, addr, _ := startServer(t, Config{Password: "pw", Preset: "xor", NewModel: realTrainer})
	tm := login(t, addr, "paster", gossh.Password("pw"), 100, 30, "quit")
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	for _, tc := range []struct{ name, data string }{
		{"bracketed", "\x1b[200~" + big + "\x1b[201~"},
		{"raw keys", big},
	} {
		tm.Send("S")
		tm.WaitScreen("save model as")
		before := cpuTime()
		start := time.Now()
		tm.Send(tc.data)
		tm.Send("\x1b") // esc closes the prompt once everything before it is read
		// a million keys under -race on a busy machine can take longer
		// than a wait's usual 30 s of wall time; CPU time is the measure
		for deadline := time.Now().Add(5 * time.Minute); strings.Contains(tm.Screen(), "save model as"); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the prompt is still open 5 minutes after esc:\n%s", tc.name, tm.Screen())
			}
		}
		cpu, wall := cpuTime()-before, time.Since(start)
		t.Logf("%s: 1 MiB paste took %s of CPU (%s wall)", tc.name, cpu.Round(time.Millisecond), wall.Round(time.Millisecond))
		// a guard against work quadratic in the paste (hours), not a
		// timing: raw keys under -race took 10.3 s on a busy 2-core box
		if bound := raceFactor * 3 * time.Second; cpu > bound {
			t.Errorf("%s: a 1 MiB paste took %s of CPU, want < %s", tc.name, cpu, bound)
		}
	}
}

// TestSymlinkOutOfFolder: over SSH, a symlink in a user's folder that leads
// out of it is not followed when the user opens it; one that stays inside
// is.
func TestSymlinkOutOfFolder(t *testing.T) {
	dataDir, outside := t.TempDir(), t.TempDir()
	_, addr, _ := startServer(t, Config{Password: "pw", Preset: "xor", DataDir: dataDir, NewModel: realTrainer})
	tm := login(t, addr, "eve", gossh.Password("pw"), 100, 30, "quit")
	// Save a real model, then move it out of the folder behind a link.
	tm.Send("S")
	tm.WaitScreen("save model as")
	tm.Send("\x15m.json\r") // ctrl+u clears the offered name
	tm.WaitScreen("saved m.json")
	saves := filepath.Join(dataDir, userID("eve"), "saves")
	if err := os.Rename(filepath.Join(saves, "m.json"), filepath.Join(outside, "m.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "m.json"), filepath.Join(saves, "out.json")); err != nil {
		t.Fatal(err)
	}
	tm.Send("O")
	tm.WaitScreen("load model file")
	tm.Send("out.json\r")
	tm.WaitScreen(`"out.json" points outside your folder`)
	tm.Send("\x1b")
	tm.WaitScreenGone("load model file")
	// A link inside the folder is an ordinary name.
	if err := os.Rename(filepath.Join(outside, "m.json"), filepath.Join(saves, "m.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("m.json", filepath.Join(saves, "in.json")); err != nil {
		t.Fatal(err)
	}
	tm.Send("O")
	tm.WaitScreen("load model file")
	tm.Send("in.json\r")
	tm.WaitScreen("loaded in.json")
}
