package server

import (
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"backprop/internal/testkit"
)

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

func sshArgs(key, port string) string {
	return fmt.Sprintf("ssh -F /dev/null -p %s -i %s -o IdentitiesOnly=yes -o BatchMode=yes "+
		"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -tt 127.0.0.1", port, key)
}

// sshInPane is sshArgs followed by ssh's exit status on the pane's screen,
// kept there (tmux 3.3 may report a dead ssh pane without its status, and
// may blank a resized dead pane).
func sshInPane(key, port string) string {
	return sshArgs(key, port) + "; echo SSH-EXIT=$?; exec sleep 600"
}

// TestE2EOpenSSHInTmux drives the server with the real OpenSSH client in
// tmux: two independent sessions, a resize, q disconnects cleanly, and an
// unknown key is rejected.
func TestE2EOpenSSHInTmux(t *testing.T) {
	testkit.NeedTools(t, "tmux", "ssh")
	good, bad := newKey(t), newKey(t)
	_, addr, logs := startServer(t, Config{AuthorizedKeysPath: writeAuthorized(t, good)})
	_, port, _ := strings.Cut(addr, ":")
	goodKey := writeClientKey(t, good, "id_good")
	badKey := writeClientKey(t, bad, "id_bad")

	x := testkit.NewTmux(t)
	a := x.StartShell("a", 90, 25, sshInPane(goodKey, port))
	b := x.StartShell("b", 90, 25, sshInPane(goodKey, port))
	a.WaitText("count=0 size=90x25")
	b.WaitText("count=0 size=90x25")

	// Independent: keys in a do not reach b.
	a.Keys("Space")
	a.Keys("Space")
	a.WaitText("count=2")
	if s := b.Screen(); !strings.Contains(s, "count=0") {
		t.Errorf("session b changed with a's keys:\n%s", s)
	}

	// Resizing the client's window reaches the server.
	b.Resize(110, 30)
	b.WaitText("size=110x30")

	// q quits cleanly with exit status 0, and the other stays up.
	a.Keys("q")
	a.WaitText("SSH-EXIT=0")
	b.Keys("Space")
	b.WaitText("count=1")
	b.Keys("q")
	b.WaitText("SSH-EXIT=0")

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
	testkit.NeedTools(t, "tmux", "ssh")
	k := newKey(t)
	_, addr, logs := startServer(t, Config{
		AuthorizedKeysPath: writeAuthorized(t, k), Preset: "xor", DataDir: t.TempDir(), NewModel: realTrainer,
	})
	_, port, _ := strings.Cut(addr, ":")
	key := writeClientKey(t, k, "id")
	a := testkit.NewTmux(t).StartShell("a", 100, 30, sshInPane(key, port))
	a.WaitText("quit")
	a.Keys("s")
	a.Keys("s")
	// After a resize the trainer redraws for the new size: its key help
	// moves to the new bottom line.
	helpRow := func(screen string) int {
		row := -1
		for i, line := range strings.Split(screen, "\n") {
			if strings.Contains(line, "quit") {
				row = i
			}
		}
		return row
	}
	before := helpRow(a.Screen())
	a.Resize(120, 40)
	a.WaitFor("the key help 10 rows lower", func(s string) bool { return helpRow(s) >= before+10 })
	// two samples were stepped and not saved: q asks first, y quits
	a.Keys("q")
	a.WaitText("Quit? The xor network (epoch 1) is not saved.")
	a.Keys("y")
	a.WaitText("SSH-EXIT=0")
	if l := logs.String(); !strings.Contains(l, "msg=disconnect") || strings.Contains(l, "panic=true") {
		t.Errorf("log:\n%s", l)
	}
}
