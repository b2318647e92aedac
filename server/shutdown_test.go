package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestShutdownStress starts and stops a server 200 times while clients are
// in every stage of a connection: TCP only (stuck before the handshake),
// in the handshake, just authenticated (the moment the SSH library's
// WaitGroup Add raced with its Shutdown's Wait), and in a session. Run it
// under -race: every Shutdown must return, Serve must report
// ErrServerClosed, and no connection may be left open.
func TestShutdownStress(t *testing.T) {
	rounds := 200
	if testing.Short() {
		rounds = 20
	}
	hostKey := filepath.Join(t.TempDir(), "host_key")
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	for round := range rounds {
		s, err := New(Config{Open: true, NewModel: fakeFactory, HostKeyPath: hostKey, Logger: discard,
			RatePerMinute: -1})
		if err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		served := make(chan error, 1)
		go func() { served <- s.Serve(l) }()

		stop := make(chan struct{})
		var reached [4]chan struct{} // a client of each kind got as far as its stage
		for i := range reached {
			reached[i] = make(chan struct{}, 1)
		}
		var wg sync.WaitGroup
		for kind := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					stressClient(kind, addr, reached[kind])
				}
			}()
		}
		// Stop at a different moment of the clients' progress each round.
		select {
		case <-reached[round%4]:
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: no client of kind %d got through", round, round%4)
		}
		time.Sleep(time.Duration(round%7) * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := s.Shutdown(ctx); err != nil {
			t.Fatalf("round %d: Shutdown: %v", round, err)
		}
		cancel()
		close(stop)
		wg.Wait()
		select {
		case err := <-served:
			if !errors.Is(err, ErrServerClosed) {
				t.Fatalf("round %d: Serve returned %v, want ErrServerClosed", round, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: Serve did not return after Shutdown", round)
		}
		if n := s.track.open(); n != 0 {
			t.Fatalf("round %d: %d connections left open", round, n)
		}
	}
	t.Logf("%d start/stop rounds in %s", rounds, time.Since(start).Round(time.Millisecond))
}

// stressClient makes one connection of the given kind and returns when the
// server (or the client) ends it.
func stressClient(kind int, addr string, reached chan<- struct{}) {
	note := func() {
		select {
		case reached <- struct{}{}:
		default:
		}
	}
	switch kind {
	case 0: // TCP only: never sends a byte
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		note()
		_, _ = io.Copy(io.Discard, c)
		c.Close()
	case 1, 2: // log in and leave at once
		c, err := dial(addr, "stress", gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return nil, nil }))
		if err != nil {
			return
		}
		note()
		c.Close()
	case 3: // a session that draws
		c, err := dial(addr, "stress", gossh.Password("any"))
		if err != nil {
			return
		}
		defer c.Close()
		sess, err := c.NewSession()
		if err != nil {
			return
		}
		defer sess.Close()
		out, err := sess.StdoutPipe()
		if err != nil {
			return
		}
		if sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}) != nil || sess.Shell() != nil {
			return
		}
		note()
		_, _ = io.Copy(io.Discard, out)
	}
}
