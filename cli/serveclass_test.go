package cli

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"backprop/internal/testkit"
)

// batchRE finds the status bar's "batch K/N" (or "b K/N").
var batchRE = regexp.MustCompile(`b(atch)? (\d+)/(\d+) `)

// TestServeMNISTClass is issue 13's acceptance: 8 students with the real
// OpenSSH client in tmux open the mnist preset on one `serve --open
// --datasets-dir DIR`; each sees the full training set (5,000 mini-batches
// of 10 an epoch in the status bar, so --max-samples 2000 did not refuse
// it) and trains in run mode; serve's resident memory, sampled every
// 200 ms and its high-water mark at the end, stays under 700 MB (each
// session's own float64 copy took about 380 MB).
func TestServeMNISTClass(t *testing.T) {
	testkit.NeedTools(t, "tmux", "ssh")
	data := testkit.MNISTDir(t)
	_, bin := buildBinary(t)
	const students = 8
	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := gossh.MarshalPrivateKey(priv, "")
	key := filepath.Join(dir, "id")
	os.WriteFile(key, pem.EncodeToMemory(block), 0o600)
	srv := exec.Command(bin, "serve", "--open", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "hk"),
		"--datasets-dir", data, "--preset", "mnist", "--log-format", "json")
	logs, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Signal(os.Interrupt); srv.Wait() })
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			if _, addr, ok := strings.Cut(sc.Text(), `"msg":"listening","addr":"127.0.0.1:`); ok {
				port <- strings.TrimSuffix(addr, `"}`)
			}
		}
	}()
	var p string
	select {
	case p = <-port:
	case <-time.After(time.Minute):
		t.Fatal("serve did not say where it listens")
	}
	var peak int64
	var mu sync.Mutex
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			r := rssOf(srv.Process.Pid)
			mu.Lock()
			peak = max(peak, r)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()

	x := testkit.NewTmux(t)
	x.Timeout = 3 * time.Minute
	panes := make([]*testkit.Pane, students)
	for i := range panes {
		ssh := fmt.Sprintf("ssh -F /dev/null -p %s -i %s -o IdentitiesOnly=yes -o BatchMode=yes "+
			"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -tt student%d@127.0.0.1; echo SSH-EXIT=$?; exec sleep 600",
			p, testkit.ShellQuote(key), i)
		panes[i] = x.StartShell(fmt.Sprintf("s%d", i), 100, 30, ssh)
	}
	for i, pane := range panes {
		scr := pane.WaitFor("the mnist trainer's status bar", func(s string) bool { return batchRE.MatchString(s) })
		sm := batchRE.FindStringSubmatch(scr)
		if n, _ := strconv.Atoi(sm[3]); n != 5000 {
			t.Errorf("student %d: %d mini-batches an epoch, want 5000 (50,000 images in tens):\n%s", i, n, scr)
		}
		pane.Keys("r")
	}
	// Run mode on every session: wait until each has trained some batches.
	for _, pane := range panes {
		pane.WaitFor("run mode past batch 100", func(s string) bool {
			sm := batchRE.FindStringSubmatch(s)
			k := 0
			if sm != nil {
				k, _ = strconv.Atoi(sm[2])
			}
			ep, _, _ := status(s)
			return ep > 0 || k > 100
		})
	}
	time.Sleep(5 * time.Second)
	close(stop)
	<-sampled
	hwm := procStatus(srv.Process.Pid, "VmHWM:")
	mu.Lock()
	t.Logf("serve with %d students on mnist: RSS peak %.0f MB sampled, VmHWM %.0f MB", students, mb(peak), mb(hwm))
	mu.Unlock()
	if hwm <= 0 || hwm >= 700<<20 || peak >= 700<<20 {
		t.Errorf("serve's resident memory reached %.0f MB (sampled %.0f MB), want under 700 MB", mb(hwm), mb(peak))
	}
}

// procStatus is the value in bytes of a kB field of /proc/PID/status (0
// when it cannot be read).
func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
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
