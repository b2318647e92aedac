package server

import (
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"backprop/tui"
)

// needTools skips when tmux or ssh is missing, except on CI where the test
// must run (CI installs tmux and openssh-client).
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed (CI must apt-get install tmux openssh-client)", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
}

// writeClientKey writes k as an OpenSSH private key file (0600).
func writeClientKey(t *testing.T, k keyPair, name string) string {
	t.Helper()
	block, err := gossh.MarshalPrivateKey(k.priv, "")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type tmux struct {
	t    *testing.T
	sock string
}

func (x tmux) run(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", x.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (x tmux) capture(target string) string {
	out, _ := exec.Command("tmux", "-L", x.sock, "capture-pane", "-p", "-t", target).CombinedOutput()
	return string(out)
}

func (x tmux) waitFor(target, want string) string {
	x.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		if s = x.capture(target); strings.Contains(s, want) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	x.t.Fatalf("tmux %s never showed %q; screen:\n%s", target, want, s)
	return ""
}

func sshArgs(key, port string) string {
	return fmt.Sprintf("ssh -F /dev/null -p %s -i %s -o IdentitiesOnly=yes -o BatchMode=yes "+
		"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -tt 127.0.0.1", port, key)
}

// TestE2EOpenSSHInTmux drives the server with the real OpenSSH client in
// tmux: two independent sessions, a resize, q disconnects cleanly, and an
// unknown key is rejected.
func TestE2EOpenSSHInTmux(t *testing.T) {
	needTools(t, "tmux", "ssh")
	good, bad := newKey(t), newKey(t)
	_, addr, logs := startServer(t, Config{AuthorizedKeysPath: writeAuthorized(t, good)})
	_, port, _ := strings.Cut(addr, ":")
	goodKey := writeClientKey(t, good, "id_good")
	badKey := writeClientKey(t, bad, "id_bad")

	x := tmux{t: t, sock: fmt.Sprintf("backprop-e2e-%d", os.Getpid())}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", x.sock, "kill-server").Run() })
	for _, name := range []string{"a", "b"} {
		x.run("new-session", "-d", "-s", name, "-x", "90", "-y", "25",
			sshArgs(goodKey, port)+"; echo SSH-EXIT=$?; sleep 60")
	}
	x.waitFor("a", "count=0 size=90x25")
	x.waitFor("b", "count=0 size=90x25")

	// Independent: keys in a do not reach b.
	x.run("send-keys", "-t", "a", "Space")
	x.run("send-keys", "-t", "a", "Space")
	x.waitFor("a", "count=2")
	if s := x.capture("b"); !strings.Contains(s, "count=0") {
		t.Errorf("session b changed with a's keys:\n%s", s)
	}

	// Resizing the client's window reaches the server.
	x.run("resize-window", "-t", "b", "-x", "110", "-y", "30")
	x.waitFor("b", "size=110x30")

	// q quits cleanly with exit status 0, and the other stays up.
	x.run("send-keys", "-t", "a", "q")
	x.waitFor("a", "SSH-EXIT=0")
	x.run("send-keys", "-t", "b", "Space")
	x.waitFor("b", "count=1")
	x.run("send-keys", "-t", "b", "q")
	x.waitFor("b", "SSH-EXIT=0")

	// An unknown key is rejected.
	cmd := exec.Command("sh", "-c", sshArgs(badKey, port)+" true")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Permission denied (publickey)") {
		t.Errorf("unknown key: err=%v output=%q, want Permission denied (publickey): only key auth is offered", err, out)
	}
	// Without a terminal (-T) the user is told how to connect.
	out, _ = exec.Command("sh", "-c", strings.Replace(sshArgs(goodKey, port), "-tt", "-T", 1)).CombinedOutput()
	if !strings.Contains(string(out), "ssh -t -p "+port) {
		t.Errorf("no-PTY output = %q", out)
	}
	if !strings.Contains(logs.String(), gossh.FingerprintSHA256(bad.signer.PublicKey())) {
		t.Error("rejected key's fingerprint not logged")
	}
}

// TestE2ETrainerInTmux is the same walk with the real trainer: OpenSSH in
// tmux opens the xor preset, steps, resizes and quits cleanly.
func TestE2ETrainerInTmux(t *testing.T) {
	needTools(t, "tmux", "ssh")
	k := newKey(t)
	_, addr, logs := startServer(t, Config{
		AuthorizedKeysPath: writeAuthorized(t, k), Preset: "xor", DataDir: t.TempDir(),
		NewModel: func(info SessionInfo) (tea.Model, error) {
			m, err := tui.New(info.Options)
			if err != nil {
				return nil, err
			}
			return m, nil
		},
	})
	_, port, _ := strings.Cut(addr, ":")
	key := writeClientKey(t, k, "id")
	x := tmux{t: t, sock: fmt.Sprintf("backprop-e2e-trainer-%d", os.Getpid())}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", x.sock, "kill-server").Run() })
	x.run("new-session", "-d", "-s", "a", "-x", "100", "-y", "30", sshArgs(key, port)+"; echo SSH-EXIT=$?; sleep 60")
	x.waitFor("a", "quit")
	x.run("send-keys", "-t", "a", "s")
	x.run("send-keys", "-t", "a", "s")
	// After a resize the trainer redraws for the new size: its key help
	// moves to the new bottom line.
	helpRow := func() int {
		row := -1
		for i, line := range strings.Split(x.capture("a"), "\n") {
			if strings.Contains(line, "quit") {
				row = i
			}
		}
		return row
	}
	before := helpRow()
	x.run("resize-window", "-t", "a", "-x", "120", "-y", "40")
	deadline := time.Now().Add(10 * time.Second)
	for helpRow() < before+10 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if r := helpRow(); r < before+10 {
		t.Errorf("help row %d after resize (was %d), want about %d:\n%s", r, before, before+10, x.capture("a"))
	}
	x.run("send-keys", "-t", "a", "q")
	x.waitFor("a", "SSH-EXIT=0")
	if l := logs.String(); !strings.Contains(l, "msg=disconnect") || strings.Contains(l, "panic=true") {
		t.Errorf("log:\n%s", l)
	}
}
