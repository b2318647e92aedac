package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"backprop/internal/testkit"
	"backprop/tui"
)

func TestNewRefusesWithoutAuth(t *testing.T) {
	_, err := New(Config{NewModel: fakeFactory})
	if !errors.Is(err, ErrNoAuth) {
		t.Fatalf("New without auth: err = %v, want ErrNoAuth", err)
	}
	if !strings.Contains(err.Error(), "--authorized-keys, --password-file, BACKPROP_PASSWORD or --open") {
		t.Errorf("message does not name the options: %q", err)
	}
}

func TestNewBadAuthorizedKeys(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ak")
	if err := os.WriteFile(p, []byte("# ok\nssh-ed25519 AAAAnotbase64!!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{NewModel: fakeFactory, AuthorizedKeysPath: p})
	if err == nil || !strings.Contains(err.Error(), p+":2:") {
		t.Fatalf("err = %v, want it to name %s:2", err, p)
	}
	_, err = New(Config{NewModel: fakeFactory, AuthorizedKeysPath: filepath.Join(t.TempDir(), "missing")})
	if err == nil {
		t.Fatal("missing authorized keys file: no error")
	}
}

func TestHostKeyCreatedOnceWith0600(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "host_ed25519")
	a, err := loadOrCreateHostKey(p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %v, want 0600", st.Mode().Perm())
	}
	b, err := loadOrCreateHostKey(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(a.PublicKey().Marshal()) != string(b.PublicKey().Marshal()) {
		t.Error("host key changed on second load")
	}
	if err := os.WriteFile(p, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrCreateHostKey(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("corrupt host key: err = %v, want error naming the path", err)
	}
	// Nothing written to the working directory.
	if _, err := os.Stat("id_ed25519"); err == nil {
		t.Error("id_ed25519 written into the working directory")
	}
}

func TestAuth(t *testing.T) {
	good, bad := newKey(t), newKey(t)
	_, addr, logs := startServer(t, Config{
		AuthorizedKeysPath: writeAuthorized(t, good),
		Password:           "s3cret",
	})
	tests := []struct {
		name string
		auth gossh.AuthMethod
		ok   bool
	}{
		{"authorized key", gossh.PublicKeys(good.signer), true},
		{"unknown key", gossh.PublicKeys(bad.signer), false},
		{"right password", gossh.Password("s3cret"), true},
		{"wrong password", gossh.Password("s3cret "), false},
		{"empty password", gossh.Password(""), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := dial(addr, "alice", tc.auth)
			if c != nil {
				c.Close()
			}
			if (err == nil) != tc.ok {
				t.Fatalf("dial err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	l := logs.String()
	if !strings.Contains(l, "auth rejected") || !strings.Contains(l, "method=publickey") ||
		!strings.Contains(l, gossh.FingerprintSHA256(bad.signer.PublicKey())) ||
		!strings.Contains(l, "method=password") || !strings.Contains(l, "user=alice") {
		t.Errorf("rejections not logged with method, user and fingerprint:\n%s", l)
	}
}

func TestAuthorizedKeysReloaded(t *testing.T) {
	a, b := newKey(t), newKey(t)
	path := writeAuthorized(t, a)
	_, addr, _ := startServer(t, Config{AuthorizedKeysPath: path})
	if c, err := dial(addr, "bob", gossh.PublicKeys(b.signer)); err == nil {
		c.Close()
		t.Fatal("b accepted before being added")
	}
	if err := os.WriteFile(path, []byte(a.authz+b.authz), 0o600); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(2 * time.Second)
	_ = os.Chtimes(path, future, future)
	c, err := dial(addr, "bob", gossh.PublicKeys(b.signer))
	if err != nil {
		t.Fatalf("b rejected after being added: %v", err)
	}
	c.Close()
}

func TestOpenServer(t *testing.T) {
	_, addr, _ := startServer(t, Config{Open: true})
	login(t, addr, "anyone", gossh.PublicKeys(newKey(t).signer), 80, 24, "fake trainer user=anyone")
	c2, err := dial(addr, "keyless", gossh.KeyboardInteractive(
		func(string, string, []string, []bool) ([]string, error) { return nil, nil }))
	if err != nil {
		t.Fatalf("keyboard-interactive on open server: %v", err)
	}
	c2.Close()
}

func TestSessionRunsAndResizes(t *testing.T) {
	k := newKey(t)
	_, addr, logs := startServer(t, Config{AuthorizedKeysPath: writeAuthorized(t, k)})
	tm := login(t, addr, "alice", gossh.PublicKeys(k.signer), 80, 24, "count=0 size=80x24")
	tm.Send(" ")
	tm.WaitScreen("count=1")
	tm.Resize(100, 30)
	tm.WaitScreen("size=100x30")
	tm.Send("q")
	if err := tm.WaitDone(); err != nil {
		t.Fatalf("q: exit = %v, want clean exit", err)
	}
	l := logs.String()
	for _, want := range []string{"msg=connect", "msg=disconnect", "term=xterm-256color", "reason=quit"} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %q:\n%s", want, l)
		}
	}
}

func TestDisconnectReasonLogged(t *testing.T) {
	k := newKey(t)
	_, addr, logs := startServer(t, Config{AuthorizedKeysPath: writeAuthorized(t, k)})
	tm := login(t, addr, "alice", gossh.PublicKeys(k.signer), 80, 24, "count=0")
	tm.Client.Close() // the client goes away without quitting
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "msg=disconnect") {
		if time.Now().After(deadline) {
			t.Fatalf("no disconnect logged:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if l := logs.String(); !strings.Contains(l, `reason="client disconnected"`) {
		t.Errorf("disconnect without a reason:\n%s", l)
	}
}

func TestFullMessage(t *testing.T) {
	for n, want := range map[int]string{
		1:  "server full: 1 session is running (the maximum); try again later",
		2:  "server full: 2 sessions are running (the maximum); try again later",
		60: "server full: 60 sessions are running (the maximum); try again later",
	} {
		if got := fullMessage(n); got != want {
			t.Errorf("fullMessage(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestEndReason(t *testing.T) {
	gone := errors.New("context canceled")
	for _, tc := range []struct {
		run, conn error
		want      string
	}{
		{nil, nil, "quit"},
		{gone, gone, "client disconnected"},
		{nil, gone, "client disconnected"},
		{errors.New("boom"), nil, "error"},
	} {
		if got := endReason(tc.run, tc.conn); got != tc.want {
			t.Errorf("endReason(%v, %v) = %q, want %q", tc.run, tc.conn, got, tc.want)
		}
	}
}

func TestNoPTYMessage(t *testing.T) {
	_, addr, _ := startServer(t, Config{Password: "pw"})
	c, err := dial(addr, "alice", gossh.Password("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, err := runNoPTY(t, c)
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Errorf("exit = %v, want status 1", err)
	}
	_, port, _ := strings.Cut(addr, ":")
	if !strings.Contains(out, "needs a terminal") || !strings.Contains(out, "ssh -t -p "+port+" 127.0.0.1") {
		t.Errorf("no-PTY output = %q", out)
	}
}

func TestSessionLimit(t *testing.T) {
	_, addr, logs := startServer(t, Config{Password: "pw", MaxSessions: 2})
	var terms []*term
	for i := 0; i < 2; i++ {
		tm := login(t, addr, "u", gossh.Password("pw"), 80, 24, "fake trainer")
		terms = append(terms, tm)
	}
	tm := testkit.LoginSSH(t, addr, "third", 80, 24, gossh.Password("pw"))
	tm.WaitOutput("server full: 2 sessions are running")
	if err := tm.WaitDone(); err == nil {
		t.Error("turned-away session exited 0")
	}
	if !strings.Contains(logs.String(), "limit=sessions") {
		t.Error("session limit not logged")
	}
	// A slot frees up when someone leaves.
	terms[0].Send("q")
	terms[0].WaitDone()
	login(t, addr, "fourth", gossh.Password("pw"), 80, 24, "user=fourth")
}

// TestIdleTimeout: typing keeps a session alive past the idle timeout, and
// a session left alone ends with a message, not before the timeout has
// passed since its last key. Every key is waited for on the screen (the fake
// trainer counts spaces), and the checks compare the session's end with when
// the client sent its last key: the server cannot have seen a key before it
// was sent, so a correct server never ends a session sooner than idle after
// it. A busy machine that holds a key back longer than the timeout cannot
// fail the test (that attempt is retried); a server that ignores keys or ends
// sessions early does.
func TestIdleTimeout(t *testing.T) {
	const idle = time.Second
	_, addr, logs := startServer(t, Config{Password: "pw", IdleTimeout: idle})
	for attempt := 1; ; attempt++ {
		dialed := time.Now()
		tm := login(t, addr, "u", gossh.Password("pw"), 80, 24, "fake trainer")
		typed, stalled := typeFor(t, tm, dialed, 5*idle/2, idle/10, idle)
		if stalled != "" {
			tm.Close()
			if attempt == 3 {
				t.Skipf("the machine held keys back longer than the timeout three times (%s)", stalled)
			}
			t.Logf("attempt %d: %s; again", attempt, stalled)
			continue
		}
		// Left alone, it ends with a message, and not too early.
		tm.WaitOutput("idle timeout")
		if err := tm.WaitDone(); err == nil {
			t.Error("idle session exited 0")
		}
		if after := time.Since(typed); after < idle {
			t.Errorf("the session ended %s after the last key was sent, want ≥ %s", after, idle)
		}
		break
	}
	if !strings.Contains(logs.String(), "limit=idle") {
		t.Error("idle limit not logged")
	}
}

// typeFor types a space every gap for d, waiting for each to show on tm's
// screen, and returns when it sent the last one (at first, when the session
// was dialed). If the session ends
// meanwhile, it fails the test when the end came less than idle after a
// key was sent (the server ignored it), and otherwise returns why the
// attempt says nothing (a key took longer than idle to arrive).
func typeFor(t *testing.T, tm *term, last time.Time, d, gap, idle time.Duration) (time.Time, string) {
	t.Helper()
	start := time.Now()
	ended := func(why string) string {
		if after := time.Since(last); after < idle {
			t.Fatalf("session ended %s after a key was sent (timeout %s) although the user was typing:\n%s",
				after, idle, tm.Output())
		}
		return why
	}
	for n := 1; time.Since(start) < d; n++ {
		time.Sleep(gap)
		select {
		case <-tm.Done():
			return last, ended(fmt.Sprintf("the session ended %s after key %d", time.Since(last).Round(time.Millisecond), n-1))
		default:
		}
		sent := time.Now()
		tm.Send(" ")
		want := fmt.Sprintf("count=%d size", n)
		for !strings.Contains(tm.Screen(), want) {
			select {
			case <-tm.Done():
				return last, ended(fmt.Sprintf("key %d not shown %s after it was sent", n, time.Since(sent).Round(time.Millisecond)))
			case <-time.After(5 * time.Millisecond):
			}
		}
		last = sent
	}
	return last, ""
}

func TestMaxTimeout(t *testing.T) {
	_, addr, _ := startServer(t, Config{Password: "pw", MaxTimeout: 300 * time.Millisecond})
	tm := testkit.LoginSSH(t, addr, "u", 80, 24, gossh.Password("pw"))
	tm.WaitOutput("session time limit of 300ms reached")
	tm.WaitDone()
}

func TestRateLimit(t *testing.T) {
	_, addr, logs := startServer(t, Config{Password: "pw", RatePerMinute: 1, RateBurst: 2})
	for i := 0; i < 2; i++ {
		tm := login(t, addr, "u", gossh.Password("pw"), 80, 24, "fake trainer")
		tm.Send("q")
		tm.WaitDone()
		tm.Close()
	}
	tm := testkit.LoginSSH(t, addr, "u", 80, 24, gossh.Password("pw"))
	tm.WaitOutput("too many connections from 127.0.0.1; try again in")
	tm.WaitDone()
	if !strings.Contains(logs.String(), "limit=rate") {
		t.Error("rate limit not logged")
	}
}

func TestPanicIsolation(t *testing.T) {
	for _, key := range []string{"p", "c", "v"} {
		t.Run(key, func(t *testing.T) {
			_, addr, logs := startServer(t, Config{Password: "pw"})
			a := login(t, addr, "victim", gossh.Password("pw"), 80, 24, "user=victim")
			b := login(t, addr, "other", gossh.Password("pw"), 80, 24, "user=other")
			a.Send(key)
			a.WaitOutput("internal error; this session has ended")
			if err := a.WaitDone(); err == nil {
				t.Error("panicked session exited 0")
			}
			b.Send(" ")
			b.WaitScreen("count=1")
			b.Send(" ")
			b.WaitScreen("count=2")
			l := logs.String()
			if !strings.Contains(l, "session panic") || !strings.Contains(l, "boom in") || !strings.Contains(l, "goroutine") {
				t.Errorf("panic not logged with stack:\n%s", l)
			}
		})
	}
}

func TestFactoryErrorAndPanic(t *testing.T) {
	for name, f := range map[string]ModelFactory{
		"error": func(SessionInfo) (_ tea.Model, err error) { return nil, errors.New("preset too large") },
		"panic": func(SessionInfo) (tea.Model, error) { panic("factory boom") },
	} {
		t.Run(name, func(t *testing.T) {
			_, addr, _ := startServer(t, Config{Password: "pw", NewModel: f})
			tm := testkit.LoginSSH(t, addr, "u", 80, 24, gossh.Password("pw"))
			tm.WaitOutput("could not start the trainer")
			tm.WaitDone()
		})
	}
}

func TestGracefulShutdown(t *testing.T) {
	s, addr, _ := startServer(t, Config{Password: "pw"})
	var terms []*term
	for i := 0; i < 3; i++ {
		tm := login(t, addr, "u", gossh.Password("pw"), 80, 24, "fake trainer")
		terms = append(terms, tm)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for _, tm := range terms {
		tm.WaitOutput("server is stopping")
		tm.WaitDone()
	}
	if _, err := dial(addr, "late", gossh.Password("pw")); err == nil {
		t.Error("dial succeeded after shutdown")
	}
}

func TestGoroutinesBackToBaseline(t *testing.T) {
	k := newKey(t)
	_, addr, _ := startServer(t, Config{AuthorizedKeysPath: writeAuthorized(t, k), Password: "pw"})
	// Warm up once so lazily started runtime goroutines are in the baseline.
	w := login(t, addr, "u", gossh.Password("pw"), 80, 24, "fake trainer")
	w.Send("q")
	w.WaitDone()
	w.Close()
	settleGoroutines(t, runtime.NumGoroutine()+2)
	base := runtime.NumGoroutine()

	for i := 0; i < 8; i++ {
		tm := login(t, addr, "u", gossh.PublicKeys(k.signer), 80, 24, "fake trainer")
		switch i % 4 {
		case 0:
			tm.Send("q")
			tm.WaitDone()
		case 1:
			tm.Send("p") // panic path
			tm.WaitDone()
		case 3:
			// Keys still arriving as the program quits (Bubble Tea's own
			// reader blocked for ever on them, holding the program).
			tm.Send("q" + strings.Repeat("\x1b[A", 4000))
			tm.WaitDone()
		}
		tm.Close() // case 2: client just drops the connection
	}
	// Rejected logins and no-PTY sessions too.
	if c, err := dial(addr, "u", gossh.Password("nope")); err == nil {
		c.Close()
	}
	if c, err := dial(addr, "u", gossh.Password("pw")); err == nil {
		_, _ = runNoPTY(t, c)
		c.Close()
	}
	settleGoroutines(t, base)
}

func TestConnectionCap(t *testing.T) {
	// cap 2*1+16 = 18; startups unlimited to test the cap alone
	s, addr, logs := startServer(t, Config{Password: "pw", MaxSessions: 1, MaxStartups: -1, PerSourceStartups: -1})
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := int64(0); i < s.maxConns(); i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// Wait for the server to count them (each reads the client banner).
	for i := 0; i < 200 && s.conns.Load() < s.maxConns(); i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := dial(addr, "u", gossh.Password("pw")); err == nil {
		t.Fatal("connection over the cap was served")
	}
	if !strings.Contains(logs.String(), "limit=connections") {
		t.Error("connection cap not logged")
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	for i := 0; i < 200 && s.conns.Load() > 0; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	c, err := dial(addr, "u", gossh.Password("pw"))
	if err != nil {
		t.Fatalf("after the idle connections closed: %v", err)
	}
	c.Close()
}

func TestProxyProtocol(t *testing.T) {
	_, addr, logs := startServer(t, Config{Password: "pw", ProxyProtocol: true})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("PROXY TCP4 203.0.113.7 127.0.0.1 40000 2222\r\n")); err != nil {
		t.Fatal(err)
	}
	cc, chans, reqs, err := gossh.NewClientConn(conn, addr, &gossh.ClientConfig{
		User: "u", Auth: []gossh.AuthMethod{gossh.Password("pw")}, HostKeyCallback: gossh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := gossh.NewClient(cc, chans, reqs)
	tm := openTerm(t, c, 80, 24)
	tm.WaitScreen("fake trainer")
	if l := logs.String(); !strings.Contains(l, "remote=203.0.113.7:40000") {
		t.Errorf("real client address not logged:\n%s", l)
	}
}

func TestSessionOptions(t *testing.T) {
	dataDir := t.TempDir()
	k := newKey(t)
	got := make(chan SessionInfo, 2)
	_, addr, _ := startServer(t, Config{
		AuthorizedKeysPath: writeAuthorized(t, k), Password: "pw", DataDir: dataDir,
		Preset: "xor", DatasetsDir: "/srv/mnist", Limits: tui.Limits{MaxNeurons: 7},
		NewModel: func(info SessionInfo) (tea.Model, error) {
			got <- info
			return fakeFactory(info)
		},
	})
	for _, auth := range []gossh.AuthMethod{gossh.PublicKeys(k.signer), gossh.Password("pw")} {
		login(t, addr, "../al ice", auth, 81, 25, "fake trainer")
	}
	keyInfo, pwInfo := <-got, <-got
	o := keyInfo.Options
	if !o.Sandbox || o.Preset != "xor" || o.DataDir != "/srv/mnist" || o.Budget == nil || o.Classroom != nil ||
		o.Limits.MaxNeurons != 7 || o.Limits.MaxWeights != DefaultMaxWeights || o.Limits.MaxSamples != DefaultMaxSamples ||
		o.Limits.UndoBudget != DefaultUndoBudget {
		t.Errorf("options = %+v", o)
	}
	if keyInfo.Width != 81 || keyInfo.Height != 25 || keyInfo.Fingerprint != gossh.FingerprintSHA256(k.signer.PublicKey()) {
		t.Errorf("info = %+v", keyInfo)
	}
	if !strings.HasPrefix(keyInfo.ID, "key-") || pwInfo.ID != "user-_2e_2e_2fal_20ice" {
		t.Errorf("IDs %q, %q", keyInfo.ID, pwInfo.ID)
	}
	for _, info := range []SessionInfo{keyInfo, pwInfo} {
		for _, d := range []string{info.Options.SaveDir, info.Options.StateDir} {
			if filepath.Dir(filepath.Dir(d)) != dataDir {
				t.Errorf("user dir %s escapes %s", d, dataDir)
			}
			if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
				t.Errorf("user dir %s: %v %v", d, st, err)
			}
		}
	}
}

// Only the configured methods are offered, so clients do not try (and the
// log does not fill with) methods that cannot succeed.
func TestOfferedMethods(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Password: "pw"}, "[none password]"},
		{Config{AuthorizedKeysPath: writeAuthorized(t, newKey(t))}, "[none publickey]"},
		{Config{TeacherKeysPath: writeAuthorized(t, newKey(t))}, "[none publickey]"},
	}
	for _, tc := range tests {
		_, addr, logs := startServer(t, tc.cfg)
		_, err := dial(addr, "u", gossh.PublicKeys(newKey(t).signer), gossh.Password("wrong"))
		if err == nil || !strings.Contains(err.Error(), "attempted methods "+tc.want) {
			t.Errorf("%+v: err = %v, want attempted methods %s", tc.cfg, err, tc.want)
		}
		if strings.Count(logs.String(), "auth rejected") != 1 {
			t.Errorf("want exactly one logged rejection:\n%s", logs.String())
		}
	}
}
