package server

import (
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// A connection is unauthenticated ("a startup", as OpenSSH calls it) from
// accept until its client logs in. Startups are limited like OpenSSH's
// MaxStartups, PerSourceMaxStartups and PerSourcePenalties, so that one
// address cannot hold the connection cap and lock a class out:
//
//   - at most MaxStartups at once from all sources, and at most
//     PerSourceStartups from one source (an IPv4 address, or an IPv6 /64);
//   - each startup has HandshakeTimeout to log in;
//   - a source whose startup runs out of that time earns PerSourcePenalty
//     seconds of penalty (they add up, to at most penaltyMax); once a
//     source's penalty reaches penaltyMin, it is refused until it expires.
//
// A refused connection is closed before the SSH banner: it costs the
// server an accept and a close. Refusals are counted by reason and logged,
// at most one line per source and reason every refusalLogEvery.

// Reasons a connection is refused (keys of Server.Refused).
const (
	refusedConnections = "connections" // the global connection cap
	refusedStartups    = "startups"    // MaxStartups
	refusedPerSource   = "per-source"  // PerSourceStartups
	refusedPenalty     = "penalty"     // the source is penalized
	timedOut           = "handshake-timeout"
)

const (
	penaltyMin      = 15 * time.Second
	penaltyMax      = 10 * time.Minute
	refusalLogEvery = 10 * time.Second
	maxSources      = 1 << 16 // sources tracked at once (beyond: no new penalties)
)

// sourceGate counts startups per source and keeps penalties.
type sourceGate struct {
	total, perSource int
	penalty          time.Duration // per handshake timeout; 0: none

	mu      sync.Mutex
	pending int
	sources map[string]*source
}

type source struct {
	pending int
	until   time.Time // penalty expiry
	active  bool      // penalty enforced (it reached penaltyMin)
}

func newSourceGate(total, perSource int, penalty time.Duration) *sourceGate {
	return &sourceGate{total: total, perSource: perSource, penalty: penalty, sources: map[string]*source{}}
}

// admit takes a startup slot for src, or returns why not.
func (g *sourceGate) admit(src string, now time.Time) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	st := g.sources[src]
	if st != nil && st.active {
		if now.Before(st.until) {
			return refusedPenalty
		}
		st.active = false
	}
	if st != nil && st.pending >= g.perSource {
		return refusedPerSource
	}
	if g.pending >= g.total {
		return refusedStartups
	}
	if st == nil {
		g.sweep(now)
		st = &source{}
		g.sources[src] = st
	}
	st.pending++
	g.pending++
	return ""
}

// done returns src's startup slot (the client logged in or left).
func (g *sourceGate) done(src string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if st := g.sources[src]; st != nil && st.pending > 0 {
		st.pending--
		g.pending--
		if st.pending == 0 && !now.Before(st.until) {
			delete(g.sources, src)
		}
	}
}

// penalize adds the handshake-timeout penalty to src.
func (g *sourceGate) penalize(src string, now time.Time) {
	if g.penalty <= 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	st := g.sources[src]
	if st == nil {
		if len(g.sources) >= maxSources {
			g.sweep(now)
			if len(g.sources) >= maxSources {
				return // table full: permissive, like OpenSSH's default
			}
		}
		st = &source{}
		g.sources[src] = st
	}
	if st.until.Before(now) {
		st.until = now
	}
	st.until = st.until.Add(g.penalty)
	if limit := now.Add(penaltyMax); st.until.After(limit) {
		st.until = limit
	}
	if st.until.Sub(now) >= penaltyMin {
		st.active = true
	}
}

// sweep drops sources with nothing pending and no penalty left, when the
// table is large.
func (g *sourceGate) sweep(now time.Time) {
	if len(g.sources) < maxSources {
		return
	}
	for k, st := range g.sources {
		if st.pending == 0 && !now.Before(st.until) {
			delete(g.sources, k)
		}
	}
}

// sourceOf is the unit limits apply to: the IPv4 address, or the IPv6 /64
// (one subscriber's usual allocation).
func sourceOf(addr net.Addr) string {
	ip := net.ParseIP(ipOf(addr))
	if ip == nil {
		return ipOf(addr)
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

// refusals counts refused connections by reason and logs them, at most
// one line per source and reason every refusalLogEvery (with how many were
// not logged).
type refusals struct {
	log    *slog.Logger
	counts map[string]*atomic.Int64 // fixed keys: no lock needed to count

	mu     sync.Mutex
	logged map[string]*logState // reason+source
}

type logState struct {
	at     time.Time
	hidden int64
}

func newRefusals(log *slog.Logger) *refusals {
	r := &refusals{log: log, counts: map[string]*atomic.Int64{}, logged: map[string]*logState{}}
	for _, k := range []string{refusedConnections, refusedStartups, refusedPerSource, refusedPenalty, timedOut} {
		r.counts[k] = new(atomic.Int64)
	}
	return r
}

// add counts one event of kind from remote and maybe logs it.
func (r *refusals) add(kind string, remote net.Addr, now time.Time, attrs ...any) {
	r.counts[kind].Add(1)
	src := sourceOf(remote)
	key := kind + " " + src
	r.mu.Lock()
	st := r.logged[key]
	if st != nil && now.Sub(st.at) < refusalLogEvery {
		st.hidden++
		r.mu.Unlock()
		return
	}
	var hidden int64
	if st != nil {
		hidden = st.hidden
	}
	if len(r.logged) >= maxSources {
		for k, v := range r.logged {
			if now.Sub(v.at) >= refusalLogEvery {
				delete(r.logged, k)
			}
		}
	}
	if len(r.logged) < maxSources {
		r.logged[key] = &logState{at: now}
	}
	r.mu.Unlock()
	msg := "limit hit"
	if kind == timedOut {
		msg = "handshake timed out"
	}
	args := append([]any{"limit", kind, "remote", remote.String(), "source", src}, attrs...)
	if hidden > 0 {
		args = append(args, "not_logged", hidden)
	}
	r.log.Warn(msg, args...)
}

// snapshot returns the counts.
func (r *refusals) snapshot() map[string]int64 {
	out := make(map[string]int64, len(r.counts))
	for k, v := range r.counts {
		out[k] = v.Load()
	}
	return out
}
