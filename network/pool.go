package network

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// pool runs the parts of a parallel phase on a fixed set of helper
// goroutines plus the calling one. It is made once per stepper and lives as
// long as it (Close, or a cleanup when the stepper is collected, ends it):
// no goroutine is started per step.
//
// A phase is published by bumping gen; helpers spin on gen for a while (the
// phases of one mini-batch follow each other within microseconds) and then
// park on their wake channel, so an idle stepper costs no CPU. Which part a
// goroutine runs never changes a result: every output of a kernel is
// computed by exactly one part, in its fixed order.
type pool struct {
	do      func(part int) // the phase's work; set once, reads the phase state
	helpers []*helper
	gen     atomic.Uint64 // phase counter
	pending atomic.Int32  // helpers still running the current phase
	quit    atomic.Bool
	done    sync.WaitGroup
}

type helper struct {
	sleeping atomic.Bool
	wake     chan struct{}
}

// spinRounds is how many times a waiting goroutine checks for news before it
// parks (helpers) or between yields (the caller); a round is ~0.1–1 µs.
const spinRounds = 2000

// newPool starts n−1 helpers that run do(1) … do(n−1) of every phase; the
// caller of run does do(0).
func newPool(n int, do func(part int)) *pool {
	p := &pool{do: do}
	for i := 1; i < n; i++ {
		h := &helper{wake: make(chan struct{}, 1)}
		p.helpers = append(p.helpers, h)
		p.done.Add(1)
		go p.loop(i, h)
	}
	return p
}

// parts is the number of goroutines a phase is split across.
func (p *pool) parts() int {
	if p == nil {
		return 1
	}
	return len(p.helpers) + 1
}

// run executes one phase: do(0) here and do(i) on helper i, and returns when
// all are finished.
func (p *pool) run() {
	if len(p.helpers) == 0 {
		p.do(0)
		return
	}
	p.pending.Store(int32(len(p.helpers)))
	p.gen.Add(1)
	for _, h := range p.helpers {
		if h.sleeping.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
	p.do(0)
	for i := 0; p.pending.Load() != 0; i++ {
		if i >= spinRounds/10 {
			runtime.Gosched()
		}
	}
}

func (p *pool) loop(part int, h *helper) {
	defer p.done.Done()
	var seen uint64 // gen at newPool (not now: a phase may already be out)
	for {
		for i := 0; p.gen.Load() == seen; i++ {
			if i < spinRounds {
				if i >= spinRounds/10 {
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
			i = 0
		}
		seen = p.gen.Load()
		if p.quit.Load() {
			return
		}
		p.do(part)
		p.pending.Add(-1)
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
