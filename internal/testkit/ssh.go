package testkit

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// SSHTimeout is how long an SSHTerm's waits poll before they fail: only a
// hang reaches it.
const SSHTimeout = 30 * time.Second

// DialSSH connects to addr as user with the Go SSH client, accepting any
// host key.
func DialSSH(addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	})
}

// LoginSSH dials addr as user (failing the test if it cannot) and opens a
// w×h terminal session: the dial, pty, shell sequence of every SSH test.
func LoginSSH(tb testing.TB, addr, user string, w, h int, auth ...gossh.AuthMethod) *SSHTerm {
	tb.Helper()
	c, err := DialSSH(addr, user, auth...)
	if err != nil {
		tb.Fatalf("ssh %s@%s: %v", user, addr, err)
	}
	return OpenSSHTerm(tb, c, w, h)
}

// SSHTerm is a shell session with a pseudo-terminal ("xterm-256color",
// COLORTERM=truecolor) whose output feeds a vt emulator of the same size;
// the emulator's replies to terminal queries go back to the server.
// t.Cleanup closes it.
type SSHTerm struct {
	Client  *gossh.Client
	Session *gossh.Session

	t     testing.TB
	stdin io.WriteCloser

	mu   sync.Mutex
	emu  *vt.Emulator
	raw  bytes.Buffer
	outN int64     // bytes of output so far
	outT time.Time // time of the last output

	done    chan struct{}
	waitErr error
}

// OpenSSHTerm opens a w×h terminal session on c and starts the shell.
func OpenSSHTerm(tb testing.TB, c *gossh.Client, w, h int) *SSHTerm {
	tb.Helper()
	sess, err := c.NewSession()
	if err != nil {
		tb.Fatal(err)
	}
	tm := &SSHTerm{Client: c, Session: sess, t: tb, emu: vt.NewEmulator(w, h), done: make(chan struct{})}
	_, _ = tm.emu.Write([]byte("\x1b[20h")) // LF also returns the carriage
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	sess.Stdout, sess.Stderr = tm, tm
	_ = sess.Setenv("COLORTERM", "truecolor")
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		tb.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		buf := make([]byte, 1024)
		for {
			n, err := tm.emu.Read(buf)
			if n > 0 {
				_, _ = tm.stdin.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		tm.waitErr = sess.Wait()
		close(tm.done)
	}()
	tb.Cleanup(tm.Close)
	return tm
}

// Write takes the session's output (stdout and stderr).
func (tm *SSHTerm) Write(p []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.raw.Write(p)
	tm.outN += int64(len(p))
	tm.outT = time.Now()
	_, _ = tm.emu.Write(p)
	return len(p), nil
}

// Close ends the session and the connection.
func (tm *SSHTerm) Close() {
	_ = tm.Session.Close()
	_ = tm.Client.Close()
	// Closing the input pipe ends the reply goroutine (emu.Close would
	// race with emu.Read on the emulator's closed flag).
	if c, ok := tm.emu.InputPipe().(io.Closer); ok {
		_ = c.Close()
	}
}

// Screen is the emulator's screen as text.
func (tm *SSHTerm) Screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.String()
}

// Output is everything the session wrote, raw.
func (tm *SSHTerm) Output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.raw.String()
}

// Activity reports how many bytes of output have arrived, and when the last
// did.
func (tm *SSHTerm) Activity() (n int64, last time.Time) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.outN, tm.outT
}

// Send types s.
func (tm *SSHTerm) Send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, s); err != nil {
		tm.t.Fatalf("send %q: %v", s, err)
	}
}

// Resize changes the terminal's size (a window-change request) and the
// emulator's.
func (tm *SSHTerm) Resize(w, h int) {
	tm.t.Helper()
	if err := tm.Session.WindowChange(h, w); err != nil {
		tm.t.Fatal(err)
	}
	tm.mu.Lock()
	tm.emu.Resize(w, h)
	tm.mu.Unlock()
}

// waitFor polls until ok, failing with what after SSHTimeout.
func (tm *SSHTerm) waitFor(what string, ok func() bool, show func() string) {
	tm.t.Helper()
	deadline := time.Now().Add(SSHTimeout)
	for !ok() {
		if time.Now().After(deadline) {
			tm.t.Fatalf("%s; got:\n%s", what, show())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// WaitScreen waits until the screen shows want.
func (tm *SSHTerm) WaitScreen(want string) {
	tm.t.Helper()
	tm.waitFor("screen never showed "+want, func() bool { return strings.Contains(tm.Screen(), want) }, tm.Screen)
}

// WaitScreenGone waits until the screen no longer shows s.
func (tm *SSHTerm) WaitScreenGone(s string) {
	tm.t.Helper()
	tm.waitFor("screen still shows "+s, func() bool { return !strings.Contains(tm.Screen(), s) }, tm.Screen)
}

// WaitOutput waits until the raw output contains want.
func (tm *SSHTerm) WaitOutput(want string) {
	tm.t.Helper()
	tm.waitFor("output never contained "+want, func() bool { return strings.Contains(tm.Output(), want) }, tm.Output)
}

// Done is closed when the session has ended.
func (tm *SSHTerm) Done() <-chan struct{} { return tm.done }

// WaitDone waits for the session to end and returns its exit error.
func (tm *SSHTerm) WaitDone() error {
	tm.t.Helper()
	select {
	case <-tm.done:
		return tm.waitErr
	case <-time.After(SSHTimeout):
		tm.t.Fatalf("session did not end; screen:\n%s", tm.Screen())
		return nil
	}
}
