package server

import (
	"math"
	"sync"
	"time"

	"backprop/tui"
)

// Scheduler shares training time between sessions. In total, sessions may
// train for at most share core-seconds per second. Each session has a token
// bucket refilled at
//
//	rate = share / active
//
// where active counts sessions that asked for time in the last activeWindow.
// A bucket holds at most max(rate·burstWindow, minBurst). Time while a
// session is not asking is not credited, but a session that asks after a
// pause always finds at least minBurst, so one that only steps now and then
// is never slowed by others' runs. Grant never blocks.
//
// At most ceil(share) sessions train at the same moment (a grant holds a
// slot until Done). Without this cap, many small grants taken at once queue
// up in the Go scheduler and delay every other session's key presses even
// though the total stays within the share.
type Scheduler struct {
	share float64
	slots int
	now   func() time.Time

	mu       sync.Mutex
	sessions map[*Budget]struct{}
	running  int // slots held

	// latency (nil: off) measures run-queue pressure; factor scales the
	// share down while it is high (see pressure.go).
	latency   func() (time.Duration, bool)
	lastAdapt time.Time
	factor    float64
}

// staleHold frees a slot whose holder never called Done.
const staleHold = time.Second

const (
	activeWindow = time.Second
	burstWindow  = 100 * time.Millisecond
	minBurst     = 10 * time.Millisecond
)

// NewScheduler returns a scheduler for share cores (e.g. 1.0 of 2).
// now is the clock; nil means time.Now and also turns on the pressure
// adaptation from the Go scheduler's run-queue latency.
func NewScheduler(share float64, now func() time.Time) *Scheduler {
	var latency func() (time.Duration, bool)
	if now == nil {
		now = time.Now
		latency = newSchedLatency().p90
	}
	slots := int(math.Ceil(share))
	if slots < 1 {
		slots = 1
	}
	return &Scheduler{share: share, slots: slots, now: now, sessions: map[*Budget]struct{}{},
		latency: latency, factor: 1}
}

// Budget is one session's handle; it implements tui.Budget.
type Budget struct {
	s *Scheduler
	// guarded by s.mu
	tokens   time.Duration
	last     time.Time // last refill
	lastWant time.Time // last Grant with want > 0
	used     time.Duration
	closed   bool
	holding  bool      // has a training slot
	held     time.Time // since when
}

var _ tui.Budget = (*Budget)(nil)

// New registers a session. Call Close when the session ends.
func (s *Scheduler) New() *Budget {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	// Start with a small bucket, so many sessions opening at once do not
	// each bring a full burst.
	b := &Budget{s: s, last: now, tokens: minBurst}
	s.sessions[b] = struct{}{}
	return b
}

// Active reports how many sessions asked for time recently.
func (s *Scheduler) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.activeLocked(s.now())
}

func (s *Scheduler) activeLocked(now time.Time) int {
	n := 0
	for b := range s.sessions {
		if !b.lastWant.IsZero() && now.Sub(b.lastWant) < activeWindow {
			n++
		}
	}
	return n
}

// rateLocked is each active session's share of a second, as a fraction.
func (s *Scheduler) rateLocked(now time.Time) float64 {
	n := s.activeLocked(now)
	if n < 1 {
		n = 1
	}
	return s.share * s.factor / float64(n)
}

func (s *Scheduler) capLocked(now time.Time) time.Duration {
	c := time.Duration(s.rateLocked(now) * float64(burstWindow))
	if c < minBurst {
		c = minBurst
	}
	return c
}

// Grant returns how long the session may train now: min(want, tokens), or 0
// when its bucket is empty.
func (b *Budget) Grant(want time.Duration) time.Duration {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.closed || want <= 0 {
		return 0
	}
	now := s.now()
	s.adaptLocked(now)
	wasActive := !b.lastWant.IsZero() && now.Sub(b.lastWant) < activeWindow
	b.lastWant = now
	credit := time.Duration(s.rateLocked(now) * float64(now.Sub(b.last)))
	if wasActive {
		b.tokens += credit
	} else {
		// After a pause, idle time repays debt but fills the bucket only
		// up to minBurst (full buckets for every session that starts at
		// once would overrun the share).
		b.tokens = min(b.tokens+credit, max(b.tokens, minBurst))
	}
	b.last = now
	if c := s.capLocked(now); b.tokens > c {
		b.tokens = c
	}
	if b.tokens <= 0 {
		return 0
	}
	if !b.holding {
		s.reclaimLocked(now)
		if s.running >= s.slots {
			return 0 // someone else is training right now; next tick
		}
		s.running++
		b.holding, b.held = true, now
	}
	return min(want, b.tokens)
}

// reclaimLocked frees slots held for longer than staleHold.
func (s *Scheduler) reclaimLocked(now time.Time) {
	for b := range s.sessions {
		if b.holding && now.Sub(b.held) > staleHold {
			b.releaseLocked()
		}
	}
}

func (b *Budget) releaseLocked() {
	if b.holding {
		b.holding = false
		b.s.running--
	}
}

// Done charges used against the bucket (it may go negative: debt is repaid
// before the next grant).
func (b *Budget) Done(used time.Duration) {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	b.tokens -= used
	b.used += used
	b.releaseLocked()
}

// Used is the total training time charged to this session.
func (b *Budget) Used() time.Duration {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	return b.used
}

// Close unregisters the session; later Grants return 0.
func (b *Budget) Close() {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	b.closed = true
	b.releaseLocked()
	delete(s.sessions, b)
}

// totalUsed sums the training time charged to all open sessions.
func (s *Scheduler) totalUsed() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t time.Duration
	for b := range s.sessions {
		t += b.used
	}
	return t
}
