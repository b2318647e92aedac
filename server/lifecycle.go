package server

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
)

// The SSH library (charm.land/ssh, like gliderlabs/ssh issue #117) counts
// its connections in a sync.WaitGroup: a connection that finishes its
// handshake calls Add while the library's Shutdown may already be in Wait,
// which is a data race. So the library's Shutdown is never called. Instead
// a tracker follows every connection from Accept to Close:
//
//  1. stop: refuse new connections (our listener wrappers close, and a
//     connection accepted in the same instant is closed at once);
//  2. wait, bounded, for the tracked connections to close by themselves;
//  4. close what is left (the library's Close and our own list: both take
//     only mutexes, never a WaitGroup), then wait for the closes.
//
// Nothing here waits on a WaitGroup the library can Add to.

// tracker records the listeners and connections of one Server.
type tracker struct {
	mu        sync.Mutex
	stopping  bool
	listeners map[*trackedListener]struct{}
	conns     map[*trackedConn]struct{}
	drained   chan struct{} // closed once stopping and no connection is left
}

func newTracker() *tracker {
	return &tracker{
		listeners: map[*trackedListener]struct{}{},
		conns:     map[*trackedConn]struct{}{},
		drained:   make(chan struct{}),
	}
}

// listen wraps l, or reports false (and closes l) when the server is
// already stopping.
func (t *tracker) listen(l net.Listener) (*trackedListener, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopping {
		_ = l.Close()
		return nil, false
	}
	tl := &trackedListener{Listener: l, t: t}
	t.listeners[tl] = struct{}{}
	return tl, true
}

func (t *tracker) unlisten(tl *trackedListener) {
	t.mu.Lock()
	delete(t.listeners, tl)
	t.mu.Unlock()
}

// stop refuses new connections from now on and closes the listeners.
func (t *tracker) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopping {
		return
	}
	t.stopping = true
	for tl := range t.listeners {
		_ = tl.Listener.Close()
	}
	if len(t.conns) == 0 {
		close(t.drained)
	}
}

func (t *tracker) isStopping() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stopping
}

// add tracks c, or reports false when the server is stopping.
func (t *tracker) add(c net.Conn) (*trackedConn, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopping {
		return nil, false
	}
	tc := &trackedConn{Conn: c, t: t}
	t.conns[tc] = struct{}{}
	return tc, true
}

func (t *tracker) remove(tc *trackedConn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.conns[tc]; !ok {
		return
	}
	delete(t.conns, tc)
	if t.stopping && len(t.conns) == 0 {
		close(t.drained)
	}
}

// open reports how many connections are open.
func (t *tracker) open() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns)
}

// closeAll closes every tracked connection.
func (t *tracker) closeAll() {
	t.mu.Lock()
	list := make([]*trackedConn, 0, len(t.conns))
	for tc := range t.conns {
		list = append(list, tc)
	}
	t.mu.Unlock()
	for _, tc := range list {
		_ = tc.Close()
	}
}

// closeUnauthenticated closes the connections still in their handshake.
func (t *tracker) closeUnauthenticated() {
	t.mu.Lock()
	var list []*trackedConn
	for tc := range t.conns {
		if !tc.authed.Load() {
			list = append(list, tc)
		}
	}
	t.mu.Unlock()
	for _, tc := range list {
		_ = tc.Close()
	}
}

// wait waits until stop has been called and every connection is closed, or
// ctx ends.
func (t *tracker) wait(ctx context.Context) error {
	select {
	case <-t.drained:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// trackedListener hands the library only tracked connections.
type trackedListener struct {
	net.Listener
	t *tracker
}

func (l *trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc, ok := l.t.add(c)
	if !ok {
		_ = c.Close()
		return nil, net.ErrClosed
	}
	return tc, nil
}

// trackedConn leaves the tracker on its first Close. The library closes
// every connection it was handed, on every path (refused, failed
// handshake, panic, normal end).
type trackedConn struct {
	net.Conn
	t      *tracker
	once   sync.Once
	authed atomic.Bool // the client has authenticated
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.t.remove(c) })
	return err
}

// trackedOf finds the trackedConn under c (the library may have wrapped it
// in a PROXY protocol conn), or nil.
func trackedOf(c net.Conn) *trackedConn {
	for c != nil {
		switch v := c.(type) {
		case *trackedConn:
			return v
		case interface{ Raw() net.Conn }:
			c = v.Raw()
		default:
			return nil
		}
	}
	return nil
}
