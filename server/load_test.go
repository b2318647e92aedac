package server

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"backprop/internal/testkit"
	"backprop/tui"
)

var (
	loadRun     = flag.Bool("load", false, "run TestLoad: many SSH clients training the digits preset at full speed")
	loadClients = flag.Int("load.clients", 50, "TestLoad: clients running at full speed")
	loadPresses = flag.Int("load.presses", 40, "TestLoad: key presses measured on the stepping client")
	loadPreset  = flag.String("load.preset", "digits", "TestLoad: preset every session opens (mnist: the shared MNIST, from testkit.MNISTDir)")
	loadShare   = flag.Float64("load.share", DefaultCPUShare, "TestLoad: --cpu-share")
	loadFPS     = flag.Float64("load.fps", DefaultMaxFrameRate, "TestLoad: --max-fps")
)

// countWriter counts bytes and drops them.
type countWriter struct{ n atomic.Int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestLoad (opt-in: go test ./server -run TestLoad -load -v) starts the
// real trainer for -load.clients sessions that all train the digits preset
// at full speed, plus one session that only steps, and reports the stepping
// client's key-press-to-screen-update latency, memory per session and CPU.
// Server and clients share this process, so memory and CPU include the
// clients' side of SSH (an upper bound for the server).
func TestLoad(t *testing.T) {
	if !*loadRun {
		t.Skip("opt-in: -load")
	}
	var datasetsDir string
	if *loadPreset == "mnist" {
		datasetsDir = testkit.MNISTDir(t)
	}
	s, addr, _ := startServer(t, Config{
		Password:     "pw",
		DatasetsDir:  datasetsDir,
		Preset:       *loadPreset,
		CPUShare:     *loadShare,
		MaxFrameRate: *loadFPS,
		MaxSessions:  *loadClients + 10,
		RateBurst:    *loadClients + 10,
		// every client logs in from 127.0.0.1 at once
		MaxStartups:       *loadClients + 10,
		PerSourceStartups: *loadClients + 10,
		NewModel: func(info SessionInfo) (tea.Model, error) {
			m, err := tui.New(info.Options)
			if err != nil {
				return nil, err
			}
			return m, nil
		},
	})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	// The runners: connect, wait for the first frame, press r (run).
	type runner struct {
		c    *gossh.Client
		sess *gossh.Session
		in   io.WriteCloser
		out  *countWriter
	}
	runners := make([]*runner, *loadClients)
	var wg sync.WaitGroup
	errs := make(chan error, len(runners))
	for i := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dial(addr, fmt.Sprintf("runner%d", i), gossh.Password("pw"))
			if err != nil {
				errs <- err
				return
			}
			sess, err := c.NewSession()
			if err != nil {
				errs <- err
				return
			}
			r := &runner{c: c, sess: sess, out: &countWriter{}}
			sess.Stdout, sess.Stderr = r.out, r.out
			r.in, _ = sess.StdinPipe()
			if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
				errs <- err
				return
			}
			if err := sess.Shell(); err != nil {
				errs <- err
				return
			}
			for r.out.n.Load() < 1000 {
				time.Sleep(10 * time.Millisecond)
			}
			_, _ = io.WriteString(r.in, "r")
			runners[i] = r
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, r := range runners {
			r.sess.Close()
			r.c.Close()
		}
	})

	// The stepper.
	tm := testkit.LoginSSH(t, addr, "stepper", 100, 30, gossh.Password("pw"))
	for tm.Output() == "" || len(tm.Output()) < 1000 {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // let the runners reach full speed

	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	cpu0, wall0 := cpuTime(), time.Now()
	var runBytes0 int64
	for _, r := range runners {
		runBytes0 += r.out.n.Load()
	}
	used0 := s.Scheduler().totalUsed()
	frames0 := s.frames.Load()

	lat := make([]time.Duration, 0, *loadPresses)
	for i := 0; i < *loadPresses; i++ {
		// Wait for a quiet screen so the reply is not an earlier frame.
		for {
			if _, last := tm.Activity(); time.Since(last) > 30*time.Millisecond {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		n0, _ := tm.Activity()
		t0 := time.Now()
		tm.Send("s")
		for {
			if n, at := tm.Activity(); n > n0 {
				lat = append(lat, at.Sub(t0))
				break
			}
			if time.Since(t0) > 5*time.Second {
				t.Fatalf("press %d: no screen update in 5s", i)
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
	}
	wall := time.Since(wall0)
	cpu := cpuTime() - cpu0
	// Memory again at the end: sessions that train for a while hold more
	// (loss history, undo snapshots) than they do 2 s after starting.
	runtime.GC()
	var end runtime.MemStats
	runtime.ReadMemStats(&end)
	used := s.Scheduler().totalUsed() - used0
	frames := s.frames.Load() - frames0
	var runBytes int64
	for _, r := range runners {
		runBytes += r.out.n.Load()
	}
	runBytes -= runBytes0

	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1)+0.5)] }
	sessions := *loadClients + 1
	memPer := float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(sessions) / (1 << 20)
	memEnd := float64(int64(end.HeapInuse)-int64(before.HeapInuse)) / float64(sessions) / (1 << 20)
	t.Logf("sessions: %d running %q at full speed + 1 stepping (GOMAXPROCS=%d)", *loadClients, *loadPreset, runtime.GOMAXPROCS(0))
	t.Logf("step latency key->screen: p50 %v  p95 %v  max %v  (n=%d)", pct(0.5), pct(0.95), lat[len(lat)-1], len(lat))
	t.Logf("memory: heap in use +%.1f MB total, %.2f MB/session 2 s after start; +%.1f MB, %.2f MB/session after %v of training; goroutines %d",
		float64(int64(after.HeapInuse)-int64(before.HeapInuse))/(1<<20), memPer,
		float64(int64(end.HeapInuse)-int64(before.HeapInuse))/(1<<20), memEnd, (wall + 2*time.Second).Round(time.Second), runtime.NumGoroutine())
	t.Logf("cpu: %.2f cores (process, incl. clients) over %v; training %.2f cores (cpu-share %.2f)", cpu.Seconds()/wall.Seconds(), wall.Round(time.Millisecond), used.Seconds()/wall.Seconds(), s.cfg.CPUShare)
	t.Logf("runner output: %.1f KB/s per session; frames drawn: %.1f/s per session (cap %g)",
		float64(runBytes)/wall.Seconds()/float64(max(*loadClients, 1))/1024, float64(frames)/wall.Seconds()/float64(sessions), s.cfg.MaxFrameRate)
	t.Logf("cpu per frame (upper bound: all process cpu / frames): %v", (cpu / time.Duration(max(frames, 1))).Round(10*time.Microsecond))
	t.Logf("load average: %s; scheduler pressure factor at the end %.2f", loadAvg(), s.Scheduler().Factor())
	rss, hwm := procKB("VmRSS:"), procKB("VmHWM:")
	t.Logf("process resident memory (server and its %d in-process clients): %.0f MB now, %.0f MB peak", sessions, float64(rss)/(1<<20), float64(hwm)/(1<<20))
	if hwm > 1536<<20 {
		t.Logf("WARNING: peak RSS %.0f MB above the 1.5 GB target", float64(hwm)/(1<<20))
	}
	if p95 := pct(0.95); p95 > 150*time.Millisecond {
		t.Logf("WARNING: p95 %v above the 150 ms target", p95)
	}
	if m := max(memPer, memEnd); m > 20 {
		t.Logf("WARNING: %.1f MB/session above the 20 MB target", m)
	}
}

// TestSessionCapsWithTrainer checks the per-session caps end to end with the
// real trainer: a preset over the cap is refused with the reason.
func TestSessionCapsWithTrainer(t *testing.T) {
	tests := []struct {
		limits tui.Limits
		want   string
	}{
		{tui.Limits{MaxWeights: 100}, "weights and biases; this session allows 100"},
		{tui.Limits{MaxNeurons: 50}, "neurons; this session allows 50"},
		{tui.Limits{MaxSamples: 1000}, "samples; this session allows 1000"},
	}
	for _, tc := range tests {
		_, addr, _ := startServer(t, Config{
			Password: "pw", Preset: "digits", Limits: tc.limits,
			NewModel: func(info SessionInfo) (tea.Model, error) {
				m, err := tui.New(info.Options)
				if err != nil {
					return nil, err
				}
				return m, nil
			},
		})
		tm := testkit.LoginSSH(t, addr, "u", 100, 30, gossh.Password("pw"))
		tm.WaitOutput("could not start the trainer")
		tm.WaitOutput(tc.want)
		tm.WaitDone()
	}
}

// procKB is a kB field of /proc/self/status in bytes (0 if unreadable).
func procKB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
