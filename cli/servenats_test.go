package cli

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"backprop/internal/testkit"
)

// TestServeNATSUnreachable: serve --nats with nothing there stops at once
// with exit 1, saying what it could not reach.
func TestServeNATSUnreachable(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out, errb bytes.Buffer
	code := Run([]string{"serve", "--open", "--listen", "127.0.0.1:0", "--nats", "nats://" + addr}, &out, &errb)
	want := "backprop serve: cannot reach NATS at nats://" + addr + ": nats: no servers available for connection\n"
	if code != 1 || errb.String() != want {
		t.Errorf("exit %d, stderr %q; want 1, %q", code, errb.String(), want)
	}
	errb.Reset()
	if code := Run([]string{"serve", "--open", "--listen", "127.0.0.1:0", "--nats", "nats://" + addr, "--class", "a.b"}, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), `class "a.b"`) {
		t.Errorf("a bad class: exit %d, %q", code, errb.String())
	}
}

// TestServeNATSCreds: against a NATS that requires credentials, serve
// without --nats-creds, with a user NATS does not know, or with a creds
// file that is not there, stops at once with exit 1 saying what.
func TestServeNATSCreds(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	a := testkit.StartAuthNATS(t)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"none", nil, "(NATS asks for credentials: give --nats-creds FILE)"},
		{"unknown user", []string{"--nats-creds", a.Wrong}, "(NATS refused the credentials in " + a.Wrong + ")"},
		{"no such file", []string{"--nats-creds", a.Wrong + ".gone"}, a.Wrong + ".gone"},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"serve", "--open", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--nats", a.URL}, c.args...)
		code := Run(args, &out, &errb)
		if code != 1 || !strings.HasPrefix(errb.String(), "backprop serve: cannot reach NATS at "+a.URL+": ") ||
			!strings.Contains(errb.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", c.name, code, errb.String(), c.want)
		}
	}
}

// TestServeNATSEmbedded: serve --nats embedded runs NATS in the process
// (its store under --data-dir/.nats), serves a session, and stops cleanly
// on SIGINT.
func TestServeNATSEmbedded(t *testing.T) {
	t.Setenv("BACKPROP_PASSWORD", "pw")
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run([]string{"serve", "--listen", addr, "--host-key", filepath.Join(dir, "hk"),
			"--data-dir", filepath.Join(dir, "users"), "--preset", "xor", "--nats", "embedded",
			"--nats-listen", "127.0.0.1:0", "--shutdown-timeout", "5s"}, &out, &errb)
	}()
	var client *gossh.Client
	for i := 0; i < 400; i++ {
		if client, err = testkit.DialSSH(addr, "student", gossh.Password("pw")); err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited early with %d: %s", code, errb.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	tm := testkit.OpenSSHTerm(t, client, 100, 30)
	tm.WaitScreen("quit")
	if _, err := os.Stat(filepath.Join(dir, "users", ".nats", "jetstream")); err != nil {
		t.Errorf("the embedded store: %v", err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d; stderr:\n%s", code, errb.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after SIGINT")
	}
	for _, want := range []string{"nats embedded server started", "nats connected"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, errb.String())
		}
	}
}
