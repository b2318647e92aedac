package server

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimiter is a token bucket per client IP. Idle buckets (full again) are
// dropped when the table grows, so it stays small.
type ipLimiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu sync.Mutex
	m  map[string]*rate.Limiter
}

// maxLimiterEntries triggers a sweep of full buckets.
const maxLimiterEntries = 4096

func newIPLimiter(perMinute float64, burst int, now func() time.Time) *ipLimiter {
	l := rate.Limit(perMinute / 60)
	if perMinute < 0 {
		l = rate.Inf
	}
	return &ipLimiter{limit: l, burst: burst, now: now, m: map[string]*rate.Limiter{}}
}

// allow takes one token for addr's IP and reports whether it was there, and
// if not how long until one will be.
func (r *ipLimiter) allow(addr net.Addr) (bool, time.Duration) {
	if r.limit == rate.Inf {
		return true, 0
	}
	key := ipOf(addr)
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	lim, ok := r.m[key]
	if !ok {
		if len(r.m) >= maxLimiterEntries {
			for k, v := range r.m {
				if v.TokensAt(now) >= float64(r.burst) {
					delete(r.m, k)
				}
			}
		}
		lim = rate.NewLimiter(r.limit, r.burst)
		r.m[key] = lim
	}
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Minute
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

func ipOf(addr net.Addr) string {
	if t, ok := addr.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	if addr == nil {
		return "unknown"
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	return host
}
