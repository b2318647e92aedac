package server

import (
	"net"
	"sync"
	"time"

	"charm.land/ssh"
)

// maxConns caps open connections (sessions plus handshakes in progress), so
// unauthenticated clients cannot exhaust the server; the excess is closed
// before the SSH handshake.
func (s *Server) maxConns() int64 {
	if s.cfg.MaxSessions < 0 {
		return 1 << 62
	}
	return int64(2*s.cfg.MaxSessions + 16)
}

// countedConn is one admitted connection: it holds a place in the
// connection count, and a startup slot of its source until the client logs
// in. Close gives both back; a startup that ran out of its handshake time
// earns its source a penalty.
type countedConn struct {
	net.Conn
	s     *Server
	src   string
	start time.Time

	mu      sync.Mutex
	pending bool // holds a startup slot
	closed  bool
}

// loggedIn gives the startup slot back: the client has authenticated.
func (c *countedConn) loggedIn() {
	c.mu.Lock()
	pending := c.pending
	c.pending = false
	c.mu.Unlock()
	if pending {
		c.s.gate.done(c.src, time.Now())
	}
}

func (c *countedConn) Close() error {
	c.mu.Lock()
	first, pending := !c.closed, c.pending
	c.closed, c.pending = true, false
	c.mu.Unlock()
	if first {
		now := time.Now()
		c.s.conns.Add(-1)
		if pending {
			c.s.gate.done(c.src, now)
			// The library closes a connection whose handshake deadline
			// passed; one that just gave up earlier is not penalized.
			if now.Sub(c.start) >= c.s.cfg.HandshakeTimeout-time.Second/4 {
				c.s.refused.add(timedOut, c.Conn.RemoteAddr(), now, "after", now.Sub(c.start).Round(time.Millisecond))
				c.s.gate.penalize(c.src, now)
			}
		}
	}
	return c.Conn.Close()
}

// onConn admits a new connection (the library's ConnCallback) or refuses
// it: nil closes it before the SSH banner.
func (s *Server) onConn(ctx ssh.Context, conn net.Conn) net.Conn {
	now := time.Now()
	remote := conn.RemoteAddr() // the real client with --proxy-protocol
	src := sourceOf(remote)
	if why := s.gate.admit(src, now); why != "" {
		s.refused.add(why, remote, now)
		return nil
	}
	if s.conns.Add(1) > s.maxConns() {
		s.conns.Add(-1)
		s.gate.done(src, now)
		s.refused.add(refusedConnections, remote, now, "max", s.maxConns())
		return nil
	}
	if tc := trackedOf(conn); tc != nil {
		ctx.SetValue(ctxKeyTracked, tc)
	}
	cc := &countedConn{Conn: conn, s: s, src: src, start: now, pending: true}
	ctx.SetValue(ctxKeyCounted, cc)
	if ok, wait := s.limiter.allow(remote); !ok {
		s.log.Info("limit hit", "limit", "rate", "remote", remote.String(), "retry_in", wait)
		ctx.SetValue(ctxKeyRateLimited, wait)
	}
	return cc
}

// authenticated records that the connection of ctx has logged in.
func (s *Server) authenticated(ctx ssh.Context) {
	if tc, ok := ctx.Value(ctxKeyTracked).(*trackedConn); ok {
		tc.authed.Store(true)
	}
	if cc, ok := ctx.Value(ctxKeyCounted).(*countedConn); ok {
		cc.loggedIn()
	}
}

// Refused reports how many connections were refused, by reason
// ("connections", "startups", "per-source", "penalty"), and how many
// handshakes timed out ("handshake-timeout").
func (s *Server) Refused() map[string]int64 { return s.refused.snapshot() }
