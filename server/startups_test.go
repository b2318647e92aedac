package server

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func TestSourceGate(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	g := newSourceGate(5, 2, 10*time.Second)
	for i, want := range []string{"", "", refusedPerSource} {
		if got := g.admit("a", clk.now()); got != want {
			t.Fatalf("a #%d: %q, want %q", i, got, want)
		}
	}
	for i, want := range []string{"", "", "", refusedStartups} {
		if got := g.admit(string(rune('b'+i)), clk.now()); got != want {
			t.Fatalf("source %d: %q, want %q", i, got, want)
		}
	}
	g.done("a", clk.now())
	if got := g.admit("a", clk.now()); got != "" {
		t.Fatalf("a after a slot came back: %q", got)
	}
	// One timeout (10 s) is under the 15 s threshold; two enforce it.
	g.penalize("z", clk.now())
	if got := g.admit("z", clk.now()); got != refusedStartups { // (the total is full)
		t.Fatalf("z after one timeout: %q, want only the total refusing", got)
	}
	g.penalize("z", clk.now())
	if got := g.admit("z", clk.now()); got != refusedPenalty {
		t.Fatalf("z after two timeouts: %q, want %q", got, refusedPenalty)
	}
	for _, s := range []string{"a", "a", "b", "c", "d"} {
		g.done(s, clk.now())
	}
	clk.advance(19 * time.Second)
	if got := g.admit("z", clk.now()); got != refusedPenalty {
		t.Fatalf("z after 19 s: %q, want still penalized", got)
	}
	clk.advance(2 * time.Second)
	if got := g.admit("z", clk.now()); got != "" {
		t.Fatalf("z after its penalty expired: %q", got)
	}
	// Penalties add up to at most penaltyMax.
	for range 1000 {
		g.penalize("y", clk.now())
	}
	if until := g.sources["y"].until.Sub(clk.now()); until != penaltyMax {
		t.Errorf("penalty %s, want capped at %s", until, penaltyMax)
	}
	// Sources with nothing left are forgotten.
	g.done("z", clk.now())
	if _, ok := g.sources["z"]; ok {
		t.Error("z kept after its last startup ended")
	}
}

func TestSourceOf(t *testing.T) {
	for in, want := range map[string]string{
		"10.1.2.3:22":                "10.1.2.3",
		"[::ffff:10.1.2.3]:22":       "10.1.2.3",
		"[2001:db8:1:2:3:4:5:6]:22":  "2001:db8:1:2::/64",
		"[2001:db8:1:2:ff::1]:40000": "2001:db8:1:2::/64",
	} {
		addr, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := sourceOf(addr); got != want {
			t.Errorf("sourceOf(%s) = %q, want %q", in, got, want)
		}
	}
}

// flood holds n TCP connections from ip to addr, reopening any the server
// closes, until ctx ends. None of them ever sends a byte.
func flood(ctx context.Context, ip, addr string, n int) *sync.WaitGroup {
	var wg sync.WaitGroup
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: time.Second}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				c, err := d.DialContext(ctx, "tcp", addr)
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				go func() { <-ctx.Done(); c.Close() }()
				var b [1]byte
				for {
					if _, err := c.Read(b[:]); err != nil {
						break // closed by the server (or by us)
					}
				}
				c.Close()
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	return &wg
}

// TestFloodFromOneSource: 200 idle connections held (and reopened) from
// 127.0.0.2 take only that source's share of the startups; a login from
// 127.0.0.1 still gets a session, and the refusals are counted and logged
// a few lines at a time.
func TestFloodFromOneSource(t *testing.T) {
	s, addr, logs := startServer(t, Config{Password: "pw"})
	ctx, cancel := context.WithCancel(context.Background())
	wg := flood(ctx, "127.0.0.2", addr, 200)
	defer func() { cancel(); wg.Wait() }()

	per := s.cfg.PerSourceStartups
	deadline := time.Now().Add(20 * time.Second)
	for s.Refused()[refusedPerSource] < int64(200-per) {
		if time.Now().After(deadline) {
			t.Fatalf("flood not in place: refused %v", s.Refused())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if open := s.track.open(); open > 200 {
		t.Errorf("%d connections open", open)
	}

	start := time.Now()
	login(t, addr, "student", gossh.Password("pw"), 80, 24, "fake trainer user=student")
	t.Logf("login to first screen during a 200-connection flood from 127.0.0.2: %s (%d of %d startups held by the flood; refused %v)",
		time.Since(start).Round(time.Millisecond), per, s.cfg.MaxStartups, s.Refused())

	l := logs.String()
	if !strings.Contains(l, "limit=per-source") || !strings.Contains(l, "source=127.0.0.2") {
		t.Errorf("per-source refusals not logged:\n%s", l)
	}
	if n := strings.Count(l, "limit=per-source"); n > 3 {
		t.Errorf("%d log lines for one flood, want at most a few", n)
	}
}

// TestHandshakePenalty: connections that never log in time out; two
// timeouts put their source under a penalty, and its next connection is
// refused at once while other sources log in.
func TestHandshakePenalty(t *testing.T) {
	s, addr, logs := startServer(t, Config{Password: "pw", HandshakeTimeout: 500 * time.Millisecond})
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.3")}}
	var conns []net.Conn
	for range 2 {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var b [256]byte
		for {
			if _, err := c.Read(b[:]); err != nil {
				break // the server gave up on the handshake
			}
		}
		c.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Refused()[timedOut] < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var b [64]byte
	if n, err := c.Read(b[:]); err == nil {
		t.Errorf("penalized source got %q, want the connection closed before the banner", b[:n])
	}
	if r := s.Refused(); r[timedOut] != 2 || r[refusedPenalty] != 1 {
		t.Errorf("refused = %v, want 2 timeouts and 1 penalty refusal", r)
	}
	ok, err := dial(addr, "other", gossh.Password("pw"))
	if err != nil {
		t.Fatalf("another source during the penalty: %v", err)
	}
	ok.Close()
	if l := logs.String(); !strings.Contains(l, "handshake timed out") || !strings.Contains(l, "limit=penalty") {
		t.Errorf("timeouts and penalty not logged:\n%s", l)
	}
}
