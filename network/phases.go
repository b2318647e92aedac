package network

import (
	"fmt"
	"time"
)

// The phase machine. Within a sample:
//
//	Load → Forward(l=0..L−1) → Cost → OutputDelta → Backward(l=L−2..0) → Accumulate
//
// then Update after the mini-batch's last sample, and EpochEnd after the
// epoch's last mini-batch. advance does one phase (or one neuron of a
// Forward/Backward layer: the numbers are computed for the whole layer at
// once, the cursor only reveals them one neuron at a time). The per-layer
// work — forwardLayer, backwardLayer, accumulate — is shared with the fast
// path (run.go), which runs it over several samples at once.

// Step advances by one unit of g and records an undo snapshot first. After
// divergence it returns a *Divergence and does nothing. A Converged or
// NotConverging perceptron can still be stepped (its status stays); callers
// that train to the end stop on Status() != Training.
//
// BySample ends where the sample is finished: after its Accumulate, or after
// the Update (and EpochEnd) that it completes. ByBatch ends after Update, or
// after EpochEnd for an epoch's last batch.
func (s *Stepper) Step(g Granularity) error {
	if s.status == Diverged {
		return s.div
	}
	if g > ByTime {
		return fmt.Errorf("network: invalid granularity %d", g)
	}
	s.pushUndo()
	switch {
	case g == ByNeuron, g == ByPhase:
		s.advance(g == ByNeuron)
	case g == ByEpoch && s.h.Rule == Backprop:
		// The rest of the epoch on the fast path (same bits, see run).
		s.run(s.EpochLeft(), time.Time{}, false)
	default:
		for {
			s.advance(false)
			if s.status == Diverged ||
				(g == BySample && s.sampleEnd()) ||
				(g == ByTime && s.timeEnd()) ||
				(g == ByBatch && s.batchEnd()) ||
				(g == ByEpoch && s.c.phase == PhaseEpochEnd) {
				break
			}
		}
	}
	if s.status == Diverged {
		return s.div
	}
	return nil
}

// advance performs one neuron (byNeuron) or one phase.
func (s *Stepper) advance(byNeuron bool) {
	c := &s.c
	L := len(s.net.Layers)
	if c.phase == PhaseForward || c.phase == PhaseBackward {
		if last := s.net.Layers[c.layer].Out - 1; c.neuron < last {
			if byNeuron {
				c.neuron++
			} else {
				c.neuron = last
			}
			return
		}
	}
	if s.sq != nil && c.phase >= PhaseLoad && c.phase <= PhaseBackward {
		s.advanceSeq(byNeuron) // recurrent_phases.go
		return
	}
	i := c.sample
	enter := func(p Phase, l int) {
		c.phase, c.layer, c.neuron = p, l, 0
		if !byNeuron && (p == PhaseForward || p == PhaseBackward) {
			c.neuron = s.net.Layers[l].Out - 1
		}
	}
	switch c.phase {
	case PhaseIdle, PhaseEpochEnd:
		s.readyNext()
		s.load(c.sample, 1)
		enter(PhaseLoad, 0)
	case PhaseLoad:
		s.forward(0, i)
		enter(PhaseForward, 0)
	case PhaseForward:
		if s.h.Rule == Perceptron {
			s.perceptronUpdate()
			enter(PhaseUpdate, 0)
			c.steps++
			return
		}
		if c.layer < L-1 {
			s.forward(c.layer+1, i)
			enter(PhaseForward, c.layer+1)
			return
		}
		s.cost(i)
		enter(PhaseCost, 0)
	case PhaseCost:
		s.outDelta(i)
		enter(PhaseOutputDelta, L-1)
	case PhaseOutputDelta, PhaseBackward:
		next := L - 2
		if c.phase == PhaseBackward {
			next = c.layer - 1
		}
		if next >= 0 {
			s.backward(next, i)
			enter(PhaseBackward, next)
			return
		}
		s.accumulate(i, 1, false)
		enter(PhaseAccumulate, 0)
		c.steps++
	case PhaseAccumulate:
		if c.sample < c.m-1 {
			s.readyNext()
			s.load(c.sample, 1)
			enter(PhaseLoad, 0)
			return
		}
		s.update()
		enter(PhaseUpdate, 0)
	case PhaseUpdate:
		if s.lastBatch() {
			s.epochEnd()
			enter(PhaseEpochEnd, 0)
			return
		}
		s.readyNext()
		s.load(0, 1)
		enter(PhaseLoad, 0)
	}
}

// batchSize is the size of the mini-batch starting at start.
func (s *Stepper) batchSize(start int) int {
	return min(s.h.UpdateEvery(), s.train.Len()-start)
}

func (s *Stepper) lastBatch() bool { return s.c.start+s.c.m >= s.train.Len() }

// sampleEnd reports whether the current sample is finished, including the
// Update and EpochEnd that its being last in a batch or epoch triggers.
func (s *Stepper) sampleEnd() bool {
	switch s.c.phase {
	case PhaseAccumulate:
		return s.c.sample < s.c.m-1
	case PhaseUpdate:
		return !s.lastBatch()
	case PhaseEpochEnd:
		return true
	}
	return false
}

func (s *Stepper) batchEnd() bool {
	return (s.c.phase == PhaseUpdate && !s.lastBatch()) || s.c.phase == PhaseEpochEnd
}

// readyNext moves from the end of a sample to "about to load the next one".
func (s *Stepper) readyNext() {
	c := &s.c
	switch c.phase {
	case PhaseAccumulate:
		c.sample++
	case PhaseUpdate:
		c.start += c.m
		c.batch++
		c.sample = 0
		c.m = s.batchSize(c.start)
	case PhaseEpochEnd:
		c.start, c.batch, c.sample = 0, 0, 0
		c.m = s.batchSize(0)
	}
	c.phase = PhaseIdle
	c.layer, c.neuron, c.t = 0, 0, 0
	s.rows.ensure(s.net, c.m)
}

// load sets a^0 = x and y for samples first..first+n−1 of the batch. The
// first sample of a batch clears the batch sums (kept until then so the UI
// can show what the last Update applied).
func (s *Stepper) load(first, n int) { s.loadRows(first, n, false, false) }

// loadRows is load for the fast path's chunks: with keep the batch sums are
// left for the chunk's first accumulate to overwrite, and with own the
// helpers of a split first layer convert compact rows into copies of their
// own too.
func (s *Stepper) loadRows(first, n int, keep, own bool) {
	c, r := &s.c, &s.rows
	r.lost = false
	if first == 0 {
		if !keep {
			s.grad.clear()
		}
		s.count, s.loss = 0, 0
	}
	perm := s.order.perm[c.start+first : c.start+first+n]
	if s.train.Compact() {
		for i := first; i < first+n; i++ {
			r.inputBuf(i, s.train)
		}
		s.bt.inputs(s.net, s.train, perm, r.xbuf[first:first+n], r.a[0][first:first+n], own)
	}
	for i := first; i < first+n; i++ {
		idx := perm[i-first]
		if !s.train.Compact() {
			r.a[0][i] = s.train.X[idx]
		}
		r.y[i] = s.train.Y[idx]
		c.index = idx
		if s.sq != nil {
			s.sq.buf(s.net, i).set(r.a[0][i], r.y[i], s.sq.seq)
		}
	}
}

// forwardLayer computes z^l = W^l a^{l−1} + b^l and a^l = σ(z^l) for
// samples first..first+k−1 (one batched kernel call for all of them, split
// across the stepper's threads when it is big enough).
func (s *Stepper) forwardLayer(l, first, k int) {
	r := &s.rows
	s.bt.forward(s.net, l, r.a[l][first:first+k], r.z[l][first:first+k], r.a[l+1][first:first+k])
}

// backwardLayer computes δ^l = (W^{l+1})ᵀ δ^{l+1} ⊙ σ'(z^l) for samples
// first..first+k−1.
func (s *Stepper) backwardLayer(l, first, k int) {
	r := &s.rows
	rows := func(v [][]float64) [][]float64 { return v[first : first+k] }
	s.bt.backward(s.net, l, rows(r.z[l]), rows(r.a[l+1]), rows(r.d[l+1]), rows(r.d[l]))
}

// forward is the Forward phase of layer l for sample i.
func (s *Stepper) forward(l, i int) {
	s.forwardLayer(l, i, 1)
	r := &s.rows
	if s.h.Rule == Perceptron {
		y, a := r.y[i], r.a[1][i]
		for j := range r.yhat {
			r.yhat[j] = a[j]
			r.perr[j] = y[j] - a[j]
		}
	}
	switch {
	case !finiteAll(r.z[l][i]):
		s.diverge(l, "z")
	case !finiteAll(r.a[l+1][i]):
		s.diverge(l, "a")
	}
}

// cost is the Cost phase: C_x of sample i.
func (s *Stepper) cost(i int) {
	L, r := len(s.net.Layers), &s.rows
	r.costs[i] = sampleCost(s.net.Cost, s.net.Layers[L-1].Act, r.a[L][i], r.y[i])
	if !finite(r.costs[i]) {
		s.diverge(-1, "cost")
	}
}

// outDelta is the OutputDelta phase: δ^L = ∇_a C ⊙ σ'(z^L) of sample i.
func (s *Stepper) outDelta(i int) {
	L, r := len(s.net.Layers), &s.rows
	outputDelta(s.net.Cost, s.net.Layers[L-1].Act, r.z[L-1][i], r.a[L][i], r.y[i], r.d[L-1][i])
	if !finiteAll(r.d[L-1][i]) {
		s.diverge(L-1, "δ")
	}
}

// backward is the Backward phase of layer l for sample i.
func (s *Stepper) backward(l, i int) {
	s.backwardLayer(l, i, 1)
	if !finiteAll(s.rows.d[l][i]) {
		s.diverge(l, "δ")
	}
}

// accumulate adds the gradients of samples first..first+n−1 to the batch
// sums, samples in order: ∂C_x/∂w^l_jk = a^{l−1}_k δ^l_j, ∂C_x/∂b^l_j = δ^l_j.
// With zero the sums start from zero (load kept the last batch's).
func (s *Stepper) accumulate(first, n int, zero bool) {
	r := &s.rows
	if s.sq != nil {
		for i := first; i < first+n; i++ {
			s.sq.bufs[i].accumulate(s.grad) // recurrent.go
		}
	} else {
		s.bt.grad(s.net, r.a, r.d, first, n, s.grad.w, s.grad.b, zero, nil)
	}
	s.addLoss(first, n)
}

// addLoss adds the costs of samples first..first+n−1 to the batch's.
func (s *Stepper) addLoss(first, n int) {
	for _, c := range s.rows.costs[first : first+n] {
		s.loss += c
	}
	s.count += n
}

func (s *Stepper) diverge(layer int, what string) {
	if s.status == Diverged {
		return
	}
	s.status = Diverged
	s.div = &Divergence{Layer: layer, What: what, Pos: s.Pos(), Epoch: s.c.epoch + 1}
}

// finiteAll reports whether every value is finite (x·0 is NaN for NaN and ±Inf).
func finiteAll(v []float64) bool { return nonFinite(v) == 0 }
