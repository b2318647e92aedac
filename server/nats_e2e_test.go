package server

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"backprop/internal/testkit"
)

// buildBackprop builds the backprop binary once for the test (instances
// must be processes of their own: SIGKILL).
func buildBackprop(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "backprop")
	cmd := exec.Command("go", "build", "-o", bin, "..")
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// instance is one `backprop serve --nats` process.
type instance struct {
	name, port, dir string
	cmd             *exec.Cmd
	mu              sync.Mutex
	logs            strings.Builder
	exited          chan struct{}
}

func (in *instance) log() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.logs.String()
}

// startInstance runs `backprop serve` sharing the class through natsURL
// and waits until it listens.
func startInstance(t *testing.T, bin, natsURL, name, hostKey string, args ...string) *instance {
	t.Helper()
	in := &instance{name: name, dir: t.TempDir(), exited: make(chan struct{})}
	argv := append([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", hostKey, "--data-dir", in.dir,
		"--nats", natsURL, "--nats-instance", name, "--class", "e2e", "--log-format", "json"}, args...)
	in.cmd = exec.Command(bin, argv...)
	stderr, err := in.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			in.mu.Lock()
			in.logs.WriteString(line + "\n")
			in.mu.Unlock()
			if _, addr, ok := strings.Cut(line, `"msg":"listening","addr":"127.0.0.1:`); ok {
				port <- strings.TrimSuffix(addr, `"}`)
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		_ = in.cmd.Wait()
		close(in.exited)
	}()
	t.Cleanup(func() {
		_ = in.cmd.Process.Signal(os.Interrupt)
		select {
		case <-in.exited:
		case <-time.After(15 * time.Second):
			_ = in.cmd.Process.Kill()
			<-in.exited
		}
	})
	select {
	case in.port = <-port:
	case <-in.exited:
		t.Fatalf("instance %s exited:\n%s", name, in.log())
	case <-time.After(time.Minute):
		t.Fatalf("instance %s did not say where it listens:\n%s", name, in.log())
	}
	return in
}

// kill SIGKILLs the instance and waits for it.
func (in *instance) kill(t *testing.T) {
	t.Helper()
	if err := in.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-in.exited
}

// findFile returns the first file matching glob under the instance's data
// dir whose content holds want ("" if none).
func (in *instance) findFile(glob, want string) string {
	paths, _ := filepath.Glob(filepath.Join(in.dir, glob))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), want) {
			return p
		}
	}
	return ""
}

// TestE2ENATSClassInTmux is issue 20's acceptance test: a real nats-server
// in this process, three `backprop serve --nats` processes on 127.0.0.1,
// real OpenSSH clients in tmux on different instances. The teacher's steps
// reach every following student; the teacher's roster lists every student
// throughout; SIGKILL of one instance and its student reconnecting to
// another resumes their lesson progress and saved models; restarting NATS
// does not end the class.
func TestE2ENATSClassInTmux(t *testing.T) {
	testkit.NeedTools(t, "tmux", "ssh")
	if testing.Short() {
		t.Skip("builds the binary and runs three servers")
	}
	bin := buildBackprop(t)
	n := startTestNATS(t)
	prof, alice, bob := newKey(t), newKey(t), newKey(t)
	alice.authz = strings.TrimSuffix(alice.authz, "\n") + " Alice Smith\n"
	auth := []string{"--authorized-keys", writeAuthorized(t, alice, bob), "--teacher-key", writeAuthorized(t, prof)}
	hostKey := filepath.Join(t.TempDir(), "host_key") // one host key for all, as behind HAProxy
	i1 := startInstance(t, bin, n.url(), "i1", hostKey, auth...)
	i2 := startInstance(t, bin, n.url(), "i2", hostKey, auth...)
	i3 := startInstance(t, bin, n.url(), "i3", hostKey, auth...)
	logs := func() string { return "i1:\n" + i1.log() + "\ni2:\n" + i2.log() + "\ni3:\n" + i3.log() }
	defer func() {
		if t.Failed() {
			t.Log(logs())
		}
	}()

	x := testkit.NewTmux(t)
	x.Timeout = time.Minute
	aliceKey := writeClientKey(t, alice, "id_alice")
	T := x.StartShell("teacher", 120, 40, sshAs(writeClientKey(t, prof, "id_prof"), i1.port, "prof"))
	A := x.StartShell("alice", 80, 24, sshAs(aliceKey, i2.port, "alice"))
	B := x.StartShell("bob", 80, 24, sshAs(writeClientKey(t, bob, "id_bob"), i3.port, "bob"))
	for _, p := range []*testkit.Pane{T, A, B} {
		p.WaitText("guided lessons…")
	}
	// the teacher (on i1) opens the lessons; the students on i2 and i3 follow
	// up from the first item wraps to the last: load a model, open a
	// CSV, guided lessons (whatever presets come before them)
	for i := 0; i < 3; i++ {
		T.Keys("Up")
	}
	T.WaitText("▸ guided lessons…")
	T.Keys("Enter")
	T.WaitText("Every weight is 0")
	T.Keys("b")
	A.WaitText("Every weight is 0")
	B.WaitText("Every weight is 0")
	// Alice answers; the teacher's roster (i1) shows both students, and her answer
	A.Keys("b")
	T.Keys("P")
	T.WaitFor("both students and Alice's answer on the teacher's roster", func(s string) bool {
		return rowWith(s, "Alice Smith", "1/5 ✓····") != "" && rowWith(s, "bob", "1/5 ·····") != ""
	})
	// the teacher's next step reaches both
	T.Keys("P") // closes the roster
	T.WaitFor("the roster closed", func(s string) bool { return !strings.Contains(s, "Roster ·") })
	T.Keys("2", "3")
	T.WaitText("Checkpoint reached")
	T.Keys("NPage")
	A.WaitText("Weights are significance")
	B.WaitText("Weights are significance")

	// Alice answers and forks; a model file she saved lands in her saves
	// on i2 (the trainer's S writes it there; driving the lesson's bench to
	// a trainer is another test's business) and reaches NATS within seconds
	A.Keys("c") // her prediction first: the lesson takes every key until then
	A.WaitText("Goal")
	A.Keys("F")
	A.WaitText("forked")
	saves, _ := filepath.Glob(filepath.Join(i2.dir, "key-*", "saves"))
	if len(saves) != 1 {
		t.Fatalf("alice's saves folder on i2: %v", saves)
	}
	model := `{"layers":[{"inputs":3,"neurons":1,"activation":"step"}],"note":"alice's"}` + "\n"
	if err := os.WriteFile(filepath.Join(saves[0], "mine.json"), []byte(model), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(SaveSyncEvery + 2*time.Second) // the mirror's next copy

	// SIGKILL i2: Alice reconnects to i3 and resumes
	i2.kill(t)
	A.WaitText("SSH-EXIT=255") // her connection is gone with it
	A.Kill()
	T.Keys("P")
	T.WaitFor("Alice still on the roster, as gone", func(s string) bool {
		return strings.Contains(s, "1 here") && strings.Contains(s, "1 left") && rowWith(s, "Alice Smith", "✓") != ""
	})
	A2 := x.StartShell("alice2", 80, 24, sshAs(aliceKey, i3.port, "alice"))
	A2.WaitText("Weights are significance") // the class's current step, from NATS
	T.WaitFor("Alice back on the roster", func(s string) bool {
		return strings.Contains(s, "2 here") && rowWith(s, "Alice Smith", "✓") != ""
	})
	if p := i3.findFile("key-*/state/progress.json", `"option": "stay"`); p == "" {
		t.Error("Alice's progress (her answer) was not restored on i3")
	}
	if p := i3.findFile("key-*/saves/mine.json", `"note":"alice's"`); p == "" {
		t.Error("Alice's saved model was not restored on i3")
	}

	// NATS restarts: the class goes on
	T.Keys("P")
	T.WaitFor("the roster closed", func(s string) bool { return !strings.Contains(s, "Roster ·") })
	n.restart(500 * time.Millisecond)
	T.Keys("PPage")
	B.WaitText("Meet the perceptron")
	A2.WaitText("Meet the perceptron")
	T.Keys("P")
	T.WaitFor("every student on the roster after the restart", func(s string) bool {
		return strings.Contains(s, "2 here, 2 following, 0 left") && rowWith(s, "Alice Smith") != "" && rowWith(s, "bob") != ""
	})
}
