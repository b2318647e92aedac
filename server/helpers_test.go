package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// fakeModel is a tiny trainer stand-in: space counts, p panics in Update,
// c panics in a Cmd, v panics in View, q quits.
type fakeModel struct {
	user      string
	count     int
	w, h      int
	viewPanic bool
}

type cmdPanicked struct{}

func (m *fakeModel) Init() tea.Cmd { return nil }

func (m *fakeModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyPressMsg:
		switch msg.String() {
		case "space":
			m.count++
		case "p":
			panic("fake model: boom in Update")
		case "c":
			return m, tea.Batch(nil, func() tea.Msg { panic("fake model: boom in Cmd") })
		case "v":
			m.viewPanic = true
		case "q":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m *fakeModel) View() tea.View {
	if m.viewPanic {
		panic("fake model: boom in View")
	}
	v := tea.NewView(fmt.Sprintf("fake trainer user=%s count=%d size=%dx%d", m.user, m.count, m.w, m.h))
	v.AltScreen = true
	return v
}

func fakeFactory(info SessionInfo) (tea.Model, error) {
	return &fakeModel{user: info.User}, nil
}

// testLogger collects log lines for assertions and keeps test output quiet.
type testLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type keyPair struct {
	signer gossh.Signer
	authz  string // authorized_keys line
	priv   ed25519.PrivateKey
}

func newKey(t testing.TB) keyPair {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{signer: s, priv: priv, authz: string(gossh.MarshalAuthorizedKey(s.PublicKey()))}
}

func writeAuthorized(t testing.TB, keys ...keyPair) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# test keys\n\n")
	for _, k := range keys {
		b.WriteString(k.authz)
	}
	p := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// startServer runs a server on 127.0.0.1:0 and shuts it down at cleanup.
func startServer(t testing.TB, cfg Config) (*Server, string, *testLog) {
	t.Helper()
	logs := &testLog{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if cfg.NewModel == nil {
		cfg.NewModel = fakeFactory
	}
	if cfg.HostKeyPath == "" {
		cfg.HostKeyPath = filepath.Join(t.TempDir(), "host_key")
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		select {
		case <-served:
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Shutdown")
		}
	})
	return s, l.Addr().String(), logs
}

func dial(addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
}

// term is an SSH session with a PTY whose output feeds a vt emulator.
type term struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser

	mu   sync.Mutex
	emu  *vt.Emulator
	raw  bytes.Buffer
	outN int64     // bytes of output so far
	outT time.Time // time of last output

	done    chan struct{}
	waitErr error
}

func (tm *term) Write(p []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.raw.Write(p)
	tm.outN += int64(len(p))
	tm.outT = time.Now()
	_, _ = tm.emu.Write(p)
	return len(p), nil
}

// openTerm opens a PTY session (80x24) on client and starts the shell.
func openTerm(t testing.TB, client *gossh.Client, w, h int) *term {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, client: client, sess: sess, emu: vt.NewEmulator(w, h), done: make(chan struct{})}
	_, _ = tm.emu.Write([]byte("\x1b[20h"))
	tm.stdin, err = sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	sess.Stdout = tm
	sess.Stderr = tm
	_ = sess.Setenv("COLORTERM", "truecolor")
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	// Terminal replies (queries answered by the emulator) go back to the server.
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
	t.Cleanup(tm.close)
	return tm
}

func (tm *term) close() {
	_ = tm.sess.Close()
	_ = tm.client.Close()
	// Closing the input pipe ends the reader goroutine (emu.Close would race
	// with emu.Read on the emulator's closed flag).
	if c, ok := tm.emu.InputPipe().(io.Closer); ok {
		_ = c.Close()
	}
}

func (tm *term) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.String()
}

func (tm *term) output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.raw.String()
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, s); err != nil {
		tm.t.Fatalf("send %q: %v", s, err)
	}
}

// waitScreen waits until the screen contains want.
func (tm *term) waitScreen(want string) {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(tm.screen(), want) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	tm.t.Fatalf("screen never showed %q; screen:\n%s", want, tm.screen())
}

// waitScreenGone waits until the screen no longer contains s.
func (tm *term) waitScreenGone(s string) {
	tm.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if !strings.Contains(tm.screen(), s) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	tm.t.Fatalf("screen still shows %q; screen:\n%s", s, tm.screen())
}

// waitOutput waits until the raw output (stdout+stderr) contains want.
func (tm *term) waitOutput(want string) {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(tm.output(), want) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	tm.t.Fatalf("output never contained %q; output:\n%q", want, tm.output())
}

// waitDone waits for the session to end and returns its exit error.
func (tm *term) waitDone() error {
	tm.t.Helper()
	select {
	case <-tm.done:
		return tm.waitErr
	case <-time.After(10 * time.Second):
		tm.t.Fatalf("session did not end; screen:\n%s", tm.screen())
		return nil
	}
}

// runNoPTY runs a session without a PTY and returns its combined output.
func runNoPTY(t testing.TB, client *gossh.Client) (string, error) {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.CombinedOutput("")
	return string(out), err
}

// settleGoroutines waits for the goroutine count to drop to at most base.
func settleGoroutines(t testing.TB, base int) {
	t.Helper()
	var n int
	for i := 0; i < 200; i++ {
		runtime.GC()
		n = runtime.NumGoroutine()
		if n <= base {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	t.Fatalf("goroutines: %d, baseline %d\n%s", n, base, buf)
}
