package server

import (
	"fmt"
	"math"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// simulate runs `runners` sessions that each ask for a full tick every tick
// and use all they get, for `ticks` ticks of length tick, and returns each
// one's total grant.
func simulate(share float64, runners int, tick time.Duration, ticks int) (*Scheduler, []time.Duration, *fakeClock) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	s := NewScheduler(share, clk.now)
	bs := make([]*Budget, runners)
	for i := range bs {
		bs[i] = s.New()
	}
	got := make([]time.Duration, runners)
	for k := 0; k < ticks; k++ {
		clk.advance(tick)
		for i, b := range bs {
			g := b.Grant(tick)
			b.Done(g)
			got[i] += g
		}
	}
	return s, got, clk
}

func TestSchedulerFairShare(t *testing.T) {
	tests := []struct {
		share   float64
		runners int
	}{
		{1, 1}, {1, 2}, {1, 10}, {1.5, 50}, {0.5, 3},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("share%.1f_runners%d", tc.share, tc.runners), func(t *testing.T) {
			const tick, ticks = 33 * time.Millisecond, 300 // ~10 s
			_, got, _ := simulate(tc.share, tc.runners, tick, ticks)
			wall := float64(tick * ticks)
			want := tc.share / float64(tc.runners) * wall // each session's fair share
			if want > wall {
				want = wall // one session cannot use more than one core
			}
			var total float64
			for i, g := range got {
				total += float64(g)
				if math.Abs(float64(g)-want)/want > 0.05 {
					t.Errorf("session %d got %v, want about %v", i, g, time.Duration(want))
				}
			}
			// Allowed overrun: one initial burst per session.
			if total > tc.share*wall+float64(tc.runners)*float64(minBurst)+float64(time.Millisecond) {
				t.Errorf("total %v exceeds share %.2f of %v", time.Duration(total), tc.share, time.Duration(wall))
			}
		})
	}
}

// A session that only steps asks for a little time now and then; it must
// get all of it at once however many others are running.
func TestSchedulerStepperNotSlowed(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	s := NewScheduler(1, clk.now)
	runners := make([]*Budget, 50)
	for i := range runners {
		runners[i] = s.New()
	}
	stepper := s.New()
	for k := 0; k < 300; k++ {
		clk.advance(33 * time.Millisecond)
		for _, b := range runners {
			b.Done(b.Grant(33 * time.Millisecond))
		}
		if k%60 == 0 { // a key press every 2 s
			if g := stepper.Grant(2 * time.Millisecond); g != 2*time.Millisecond {
				t.Fatalf("tick %d: stepper granted %v, want 2ms", k, g)
			}
			stepper.Done(2 * time.Millisecond)
		}
	}
	if n := s.Active(); n != 50 {
		t.Errorf("Active = %d, want 50 (the stepper is idle between keys)", n)
	}
}

func TestBudgetDebtAndClose(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	s := NewScheduler(1, clk.now)
	b := s.New()
	g := b.Grant(time.Second)
	if g != minBurst {
		t.Fatalf("first grant %v, want the initial bucket %v", g, minBurst)
	}
	b.Done(g + 3*time.Second) // overran: now in debt
	clk.advance(100 * time.Millisecond)
	if g := b.Grant(time.Second); g != 0 {
		t.Errorf("grant while in debt = %v, want 0", g)
	}
	clk.advance(2 * time.Second) // a pause longer than activeWindow repays debt, not forgives it
	if g := b.Grant(time.Second); g != 0 {
		t.Errorf("grant after a pause while in debt = %v, want 0", g)
	}
	clk.advance(time.Second)
	if g := b.Grant(time.Second); g <= 0 || g > minBurst {
		t.Errorf("grant after repaying = %v, want in (0, %v]", g, minBurst)
	}
	if b.Grant(0) != 0 || b.Grant(-time.Second) != 0 {
		t.Error("non-positive want granted time")
	}
	b.Close()
	clk.advance(time.Second)
	if g := b.Grant(time.Second); g != 0 {
		t.Errorf("grant after Close = %v", g)
	}
	if b.Used() != minBurst+3*time.Second {
		t.Errorf("Used = %v", b.Used())
	}
}

func BenchmarkSchedulerGrant(b *testing.B) {
	s := NewScheduler(1, nil)
	bs := make([]*Budget, 51)
	for i := range bs {
		bs[i] = s.New()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := bs[i%len(bs)]
		x.Done(x.Grant(time.Millisecond))
	}
}

// Sessions on a starved machine tick late and overrun their grants; the
// share must still hold (debt is never forgiven).
func TestSchedulerOverrunsStayWithinShare(t *testing.T) {
	for _, tick := range []time.Duration{50 * time.Millisecond, 700 * time.Millisecond, 3 * time.Second} {
		clk := &fakeClock{t: time.Unix(1000, 0)}
		s := NewScheduler(1, clk.now)
		bs := make([]*Budget, 20)
		for i := range bs {
			bs[i] = s.New()
		}
		var used time.Duration
		const wall = 60 * time.Second
		for el := time.Duration(0); el < wall; el += tick {
			clk.advance(tick)
			for _, b := range bs {
				g := b.Grant(tick)
				b.Done(10 * g) // took ten times as long as granted
				used += 10 * g
			}
		}
		limit := wall + time.Duration(len(bs))*10*minBurst
		if used > limit {
			t.Errorf("tick %v: sessions used %v in %v, want <= %v", tick, used, wall, limit)
		}
	}
}

func TestSchedulerSlots(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	s := NewScheduler(1, clk.now) // one slot
	a, b := s.New(), s.New()
	if g := a.Grant(time.Millisecond); g != time.Millisecond {
		t.Fatalf("a: %v", g)
	}
	if g := b.Grant(time.Millisecond); g != 0 {
		t.Fatalf("b granted %v while a holds the only slot", g)
	}
	a.Done(time.Millisecond)
	if g := b.Grant(time.Millisecond); g != time.Millisecond {
		t.Fatalf("b after a's Done: %v", g)
	}
	// b never calls Done: its slot is reclaimed after staleHold.
	clk.advance(staleHold / 2)
	if g := a.Grant(time.Millisecond); g != 0 {
		t.Fatalf("a granted %v while b holds the slot", g)
	}
	clk.advance(staleHold)
	if g := a.Grant(time.Millisecond); g == 0 {
		t.Fatal("stale slot not reclaimed")
	}
	a.Close() // Close releases too
	if g := b.Grant(time.Millisecond); g == 0 {
		t.Fatal("slot not released by Close")
	}
	if n := NewScheduler(1.5, nil).slots; n != 2 {
		t.Errorf("share 1.5: %d slots, want 2", n)
	}
}

func TestSchedulerPressure(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	s := NewScheduler(1, clk.now)
	lat := 50 * time.Millisecond
	s.latency = func() (time.Duration, bool) { return lat, true }
	b := s.New()
	grantPerSecond := func() time.Duration {
		var got time.Duration
		for i := 0; i < 100; i++ {
			clk.advance(10 * time.Millisecond)
			g := b.Grant(10 * time.Millisecond)
			b.Done(g)
			got += g
		}
		return got
	}
	grantPerSecond()
	grantPerSecond()
	if f := s.Factor(); f > 0.11 {
		t.Errorf("after 2 s of high latency factor = %.2f, want the minimum", f)
	}
	if g := grantPerSecond(); g > 150*time.Millisecond {
		t.Errorf("under pressure granted %v per second, want about 10%%", g)
	}
	lat = time.Millisecond
	grantPerSecond()
	grantPerSecond()
	grantPerSecond()
	if f := s.Factor(); f != 1 {
		t.Errorf("after pressure eased factor = %.2f, want 1", f)
	}
	if g := grantPerSecond(); g < 900*time.Millisecond {
		t.Errorf("without pressure granted %v per second, want about 1s", g)
	}
}

func TestSchedLatencyReads(t *testing.T) {
	l := newSchedLatency()
	l.p90() // first call primes
	for i := 0; i < 200; i++ {
		go func() {}()
	}
	time.Sleep(10 * time.Millisecond)
	if p, ok := l.p90(); ok && (p < 0 || p > 10*time.Second) {
		t.Errorf("p90 = %v", p)
	}
}
