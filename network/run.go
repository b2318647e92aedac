package network

import (
	"math"
	"time"
	"unsafe"
)

// The fast run path. It trains whole samples with the stepped path's
// per-layer work, but for up to a mini-batch of samples per call
// (forwardLayer, backwardLayer and accumulate over k rows), and checks for
// NaN and Inf afterwards in the stepped path's order (checkSample). Every
// kernel sums each sample in a fixed order, so the bits do not depend on
// how many samples share a call: running equals stepping.
//
// The kernel seams are chunk (per mini-batch chunk: forward, output δ,
// backward, accumulate) and update.

// Run processes up to n whole samples (finishing the current one first) on
// the fast path and returns how many it did. One undo snapshot covers the run.
// With a blow-up factor set, it stops after an Update that records a loss
// jump (so do RunFor, RunUpTo and RunOn).
func (s *Stepper) Run(n int) (int, error) {
	if s.status == Diverged {
		return 0, s.div
	}
	if n <= 0 {
		return 0, nil
	}
	s.pushUndo()
	return s.run(n, time.Time{}, true)
}

// RunFor runs whole samples until budget has elapsed; it checks the clock
// after every chunk of at most 16 samples. An epoch's end evaluation (the
// train and test sets) is spread over as many calls as its budget needs, in
// chunks of 256 samples; meanwhile Pos stays at the epoch's last Update and
// Evaluating reports the progress. Every call makes progress: at least one
// sample, or one chunk of the evaluation. One undo snapshot covers the run.
func (s *Stepper) RunFor(budget time.Duration) (int, error) {
	if s.status == Diverged {
		return 0, s.div
	}
	s.pushUndo()
	return s.run(math.MaxInt, time.Now().Add(budget), true)
}

// RunUpTo is RunFor(budget) that also stops after n samples (n ≤ 0: no
// limit). With n = EpochLeft() it stops at the epoch's end (its evaluation
// spread over calls like RunFor's).
func (s *Stepper) RunUpTo(n int, budget time.Duration) (int, error) {
	if s.status == Diverged {
		return 0, s.div
	}
	s.pushUndo()
	return s.run(noLimit(n), time.Now().Add(budget), true)
}

// RunOn continues a run without recording an undo snapshot, so that one
// undo step covers a whole run made of many calls (the caller's first call
// is Run, RunFor or RunUpTo). With budget > 0 it works like
// RunUpTo(n, budget), else like Run(n).
func (s *Stepper) RunOn(n int, budget time.Duration) (int, error) {
	if s.status == Diverged {
		return 0, s.div
	}
	if budget > 0 {
		return s.run(noLimit(n), time.Now().Add(budget), true)
	}
	if n <= 0 {
		return 0, nil
	}
	return s.run(n, time.Time{}, true)
}

// noLimit maps "no limit" (n ≤ 0) to MaxInt.
func noLimit(n int) int {
	if n <= 0 {
		return math.MaxInt
	}
	return n
}

// EpochLeft is the number of samples left to train in this epoch (all of
// the next one at an epoch's end); 0 when only the epoch's evaluation is
// left (see Evaluating).
func (s *Stepper) EpochLeft() int {
	left := s.train.Len() - s.c.start - s.c.sample
	switch {
	case s.c.phase == PhaseEpochEnd:
		left = s.train.Len()
	case s.c.phase == PhaseUpdate && s.lastBatch():
		left = 0
	case s.sampleEnd():
		left-- // the current sample is complete
	}
	return left
}

// maxChunk bounds the samples per fast-path call between clock checks.
const maxChunk = 16

// run trains up to n samples or until deadline; with stopAtJump it also
// stops after an Update that records a loss jump (see SetBlowupFactor).
func (s *Stepper) run(n int, deadline time.Time, stopAtJump bool) (int, error) {
	done, evaluated := 0, false
	jump := s.jump
	if s.evalDue() {
		// The epoch's evaluation is due (or unfinished): it trains nothing.
		if !s.evaluate(deadline) {
			return 0, nil
		}
		s.finishEpoch()
		s.c.phase = PhaseEpochEnd
		if s.status == Diverged {
			return 0, s.div
		}
		evaluated = true
	}
	if s.c.phase != PhaseIdle && !s.sampleEnd() {
		s.finishSample()
		done++
	}
	for done < n && s.status != Diverged {
		if !deadline.IsZero() && (done > 0 || evaluated) && !time.Now().Before(deadline) {
			break
		}
		if s.h.Rule == Perceptron {
			s.finishSample()
			done++
			continue
		}
		s.readyNext()
		first := s.c.sample
		k := min(n-done, s.c.m-first)
		if !deadline.IsZero() {
			k = min(k, maxChunk)
		}
		updated := s.chunk(first, k)
		if s.status == Diverged && !updated {
			break
		}
		done += k
		if first+k == s.c.m {
			if !updated {
				s.update()
			}
			s.c.phase = PhaseUpdate
			if s.status == Diverged || (stopAtJump && s.jump != jump) {
				break // a jump leaves the epoch's evaluation due, as a spent budget does
			}
			if s.lastBatch() {
				if !s.evaluate(deadline) {
					break // RunFor's budget is spent; the next call goes on
				}
				s.finishEpoch()
				s.c.phase = PhaseEpochEnd
			}
		}
	}
	if s.status == Diverged {
		return done, s.div
	}
	return done, nil
}

// finishSample steps phases to the end of the current sample.
func (s *Stepper) finishSample() {
	for {
		s.advance(false)
		if s.status == Diverged || s.sampleEnd() {
			return
		}
	}
}

// chunk runs samples first..first+k−1 of the current batch through every
// phase up to Accumulate, with the same per-layer work as the stepped path;
// when they end the batch and the update is plain SGD, through Update too,
// which it reports.
func (s *Stepper) chunk(first, k int) (updated bool) {
	if s.sq != nil {
		s.chunkSeq(first, k) // recurrent_phases.go
		return false
	}
	c, r := &s.c, &s.rows
	L := len(s.net.Layers)
	s.bt.m = c.m
	// The batch sums start from zero in the first accumulate, not in a
	// clearing pass of their own.
	zero := first == 0
	s.loadRows(first, k, zero, true)
	defer s.bt.endInputs()
	// Non-finite checks happen per sample below, in the stepped path's order,
	// so compute first and check afterwards.
	for l := range L {
		s.forwardLayer(l, first, k)
	}
	act := s.net.Layers[L-1].Act
	for i := first; i < first+k; i++ {
		r.costs[i] = sampleCost(s.net.Cost, act, r.a[L][i], r.y[i])
		outputDelta(s.net.Cost, act, r.z[L-1][i], r.a[L][i], r.y[i], r.d[L-1][i])
	}
	for l := L - 2; l >= 0; l-- {
		s.backwardLayer(l, first, k)
	}
	if !s.chunkFinite(first, k) {
		for i := first; i < first+k; i++ {
			if s.checkSample(i) {
				if zero {
					s.grad.clear() // as the stepped path's load left them
				}
				return false
			}
		}
	}
	fuse := first+k == c.m && s.sq == nil && s.plainSGD()
	if !fuse {
		s.accumulate(first, k, zero)
	}
	c.sample = first + k - 1
	c.index = s.order.perm[c.start+c.sample]
	c.phase, c.layer, c.neuron = PhaseAccumulate, 0, 0
	c.steps += k
	if fuse {
		// The batch's last samples: each chunk of the gradient sums does
		// the SGD step of its rows right after them, while they are in
		// its core's cache (the Update phase's work and values, at the
		// position update would start from).
		s.addLoss(first, k)
		inv, mean := s.beginUpdate()
		s.sgdDone(s.bt.grad(s.net, r.a, r.d, first, k, s.grad.w, s.grad.b, zero, s.sgdArgs(inv)))
		s.endUpdate(mean)
	}
	return fuse
}

// chunkFinite reports whether every z, a, cost and δ of samples
// first..first+k−1 is finite: one pass summing nonFinite, cheaper than
// checking sample by sample. Only when it fails does checkSample look for
// where, in the stepped path's order. It reads no a: every activation maps
// a finite z to a finite a (softmax subtracts the largest z first).
func (s *Stepper) chunkFinite(first, k int) bool {
	r, end := &s.rows, first+k
	acc := nonFinite(r.costs[first:end])
	for l := range s.net.Layers {
		acc += rowsNonFinite(r.z[l][first:end]) + rowsNonFinite(r.d[l][first:end])
	}
	return acc == 0
}

// rowsNonFinite is nonFinite over every row: over the rows and the padding
// between them in one pass when they lie one after another in one
// allocation (alignedRows's stride apart; its padding is never written),
// else row by row. The rows of the next allocation always start more than
// a stride after the last row of the one before (a slab holds lanes more
// values than its rows), so equal strides mean one allocation.
func rowsNonFinite(rows [][]float64) float64 {
	contiguous := len(rows) > 1 && len(rows[0]) > 0
	if contiguous {
		n := len(rows[0])
		p0, stride := uintptr(unsafe.Pointer(&rows[0][0])), uintptr(8*alignedStride(n))
		for i := 1; contiguous && i < len(rows); i++ {
			contiguous = len(rows[i]) == n && uintptr(unsafe.Pointer(&rows[i][0])) == p0+uintptr(i)*stride
		}
		if contiguous {
			return nonFinite(unsafe.Slice(&rows[0][0], (len(rows)-1)*alignedStride(n)+n))
		}
	}
	acc := 0.0
	for _, v := range rows {
		acc += nonFinite(v)
	}
	return acc
}

// checkSample looks for NaN/Inf in sample i's values in the order the
// stepped path computes them, and marks divergence at the first one.
func (s *Stepper) checkSample(i int) bool {
	L, r := len(s.net.Layers), &s.rows
	c := &s.c
	fail := func(p Phase, l int, what string) bool {
		c.sample, c.index = i, s.order.perm[c.start+i]
		c.phase, c.layer, c.neuron = p, max(l, 0), 0
		s.diverge(l, what)
		return true
	}
	for l := range L {
		if !finiteAll(r.z[l][i]) {
			return fail(PhaseForward, l, "z")
		}
		if !finiteAll(r.a[l+1][i]) {
			return fail(PhaseForward, l, "a")
		}
	}
	if !finite(r.costs[i]) {
		return fail(PhaseCost, -1, "cost")
	}
	for l := L - 1; l >= 0; l-- {
		if !finiteAll(r.d[l][i]) {
			p := PhaseBackward
			if l == L-1 {
				p = PhaseOutputDelta
			}
			return fail(p, l, "δ")
		}
	}
	return false
}
