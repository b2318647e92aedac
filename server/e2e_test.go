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

	gossh "golang.org/x/crypto/ssh"
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
