package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
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
	gossh "golang.org/x/crypto/ssh"

	"backprop/internal/testkit"
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

// The SSH client side of the tests is testkit's (issue 16: one copy).
type term = testkit.SSHTerm

func dial(addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return testkit.DialSSH(addr, user, auth...)
}

// openTerm opens a w×h terminal session on client and starts the shell.
func openTerm(t testing.TB, client *gossh.Client, w, h int) *term {
	t.Helper()
	return testkit.OpenSSHTerm(t, client, w, h)
}

// login dials addr as user, opens a w×h terminal and waits until its screen
// shows want.
func login(t testing.TB, addr, user string, auth gossh.AuthMethod, w, h int, want string) *term {
	t.Helper()
	tm := testkit.LoginSSH(t, addr, user, w, h, auth)
	tm.WaitScreen(want)
	return tm
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
