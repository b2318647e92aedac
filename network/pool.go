package network

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// pool keeps the helper goroutines of a batch. It is made once per stepper
// and lives as long as it (Close, or a cleanup once the stepper is
// unreachable, ends it): no goroutine is started per step.
//
// run publishes a phase by bumping gen and calls do(0) on the caller's
// goroutine; helper i calls do(i) when it sees the new gen. What do does,
// and which part of the work it takes, is the batch's business (it claims
// chunks, so a helper the OS has not scheduled yet delays nobody). Helpers
// spin on gen for a short while (the phases of a mini-batch follow within
// microseconds) and then park on their wake channel, so an idle stepper
// costs no CPU.
type pool struct {
	do      func(part int)
	helpers []*helper
	gen     atomic.Uint64 // phase counter
	quit    atomic.Bool
	done    sync.WaitGroup
	// yield: fewer Ps than goroutines, so a waiting goroutine must let the
	// others run (runtime.Gosched). With a P each, waiting spins on the
	// atomic alone: Gosched there sends the goroutine through the global
	// run queue and wakes idle threads (futex) on every turn, which cost a
	// quarter of the CPU of a two-thread run.
	yield bool
}

type helper struct {
	sleeping atomic.Bool
	wake     chan struct{}
}

// spinTime is how long a helper waits for the next phase before it parks.
// The caller's serial work between two phases (loading a mini-batch's
// samples, the cost, the update's bookkeeping) can take 100 µs, and a
// parked helper takes tens of microseconds to wake on a virtual machine,
// in which time the caller has taken its chunks (and their rows of W into
// its own cache); at 50 µs the caller ran a quarter of the helper's chunks
// at [784,100,10], m = 100. An idle stepper spins this long once, then
// costs nothing.
const spinTime = 2 * time.Millisecond

// newPool starts n−1 helpers; helper i calls do(i) for every phase.
func newPool(n int, do func(part int)) *pool {
	p := &pool{do: do, yield: runtime.GOMAXPROCS(0) < n}
	for i := 1; i < n; i++ {
		h := &helper{wake: make(chan struct{}, 1)}
		p.helpers = append(p.helpers, h)
		p.done.Add(1)
		go p.loop(i, h)
	}
	return p
}

// parts is the number of goroutines that work on a phase.
func (p *pool) parts() int {
	if p == nil {
		return 1
	}
	return len(p.helpers) + 1
}

// run publishes a phase to the helpers and does do(0). It returns when
// do(0) does; the caller waits for the phase's work as it counts it.
func (p *pool) run() {
	p.gen.Add(1)
	for _, h := range p.helpers {
		if h.sleeping.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
	p.do(0)
}

func (p *pool) loop(part int, h *helper) {
	defer p.done.Done()
	var seen uint64 // gen at newPool (not now: a phase may already be out)
	for {
		t0 := time.Now()
		for i := 0; p.gen.Load() == seen; i++ {
			if i < 64 || i%64 != 0 || time.Since(t0) < spinTime {
				if i >= 64 && p.yield {
					runtime.Gosched()
				}
				continue
			}
			h.sleeping.Store(true)
			if p.gen.Load() != seen {
				if !h.sleeping.CompareAndSwap(true, false) {
					<-h.wake // run took the flag and sent a token
				}
				break
			}
			<-h.wake
			i, t0 = 0, time.Now()
		}
		seen = p.gen.Load()
		if p.quit.Load() {
			return
		}
		p.do(part)
	}
}

// close stops the helpers and waits for them to exit. It is idempotent; no
// phase may run concurrently.
func (p *pool) close() {
	if p == nil || p.quit.Swap(true) {
		return
	}
	p.gen.Add(1)
	for _, h := range p.helpers {
		if h.sleeping.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
	p.done.Wait()
}
