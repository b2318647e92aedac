package network

import (
	"errors"
	"fmt"
)

// The phase machine on a sequence set. Within a sample (a sequence of T
// steps):
//
//	Load → Forward(t=0: l=0..L−1) → … → Forward(t=T−1: l=0..L−1) → Cost
//	  → OutputDelta(t=T−1) → Backward(t=T−1: l=L−2..0) → …
//	  → OutputDelta(t=0) → Backward(t=0: l=L−2..0) → Accumulate
//
// then Update and EpochEnd as for any set (phases.go). The cursor's t says
// which step a Forward, OutputDelta or Backward phase is at; ByTime stops
// after each step's last layer (and after every other phase).

// ErrSequence: a recurrent network needs a sequence set.
var ErrSequence = errors.New("network: a recurrent layer needs a sequence data set (one sequence per sample)")

// seqRows are a mini-batch's sequences, one seqBuf per sample of the batch.
type seqRows struct {
	bufs []*seqBuf
	seq  int // inputs per step
}

// buf is sample i's buffer (made on first use).
func (q *seqRows) buf(net *Network, i int) *seqBuf {
	for len(q.bufs) <= i {
		q.bufs = append(q.bufs, newSeqBuf(net))
	}
	return q.bufs[i]
}

// checkSeq checks a sequence set against net (checkSet's part for
// sequences): whole steps, T = 1..MaxSteps, targets per step, finite
// inputs, and each step's targets all finite or all NaN (no target).
func checkSeq(name string, set Set, net *Network) error {
	in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]
	if set.Compact() {
		return fmt.Errorf("network: %s set: a sequence set cannot be compact", name)
	}
	if set.Seq != in {
		return fmt.Errorf("network: %s set has %d values a time step, the network takes %d inputs", name, set.Seq, in)
	}
	for i, x := range set.X {
		T := len(x) / in
		if len(x)%in != 0 || T < 1 || T > MaxSteps {
			return fmt.Errorf("network: %s.X[%d] has %d values: want 1..%d whole steps of %d", name, i, len(x), MaxSteps, in)
		}
		if len(set.Y[i]) != T*out {
			return fmt.Errorf("network: %s.Y[%d] has %d values, want %d steps × %d outputs", name, i, len(set.Y[i]), T, out)
		}
		for k, v := range x {
			if !finite(v) {
				return fmt.Errorf("network: %s.X[%d][%d] is %v", name, i, k, v)
			}
		}
		for t := range T {
			y := set.Y[i][t*out : (t+1)*out]
			none := y[0] != y[0]
			for k, v := range y {
				if (v != v) != none || (!none && !finite(v)) {
					return fmt.Errorf("network: %s.Y[%d] step %d value %d is %v (a step's targets are all finite, or all NaN for no target)", name, i, t, k, v)
				}
			}
		}
	}
	return nil
}

// timeEnd reports whether the last advance finished a time step: a Forward
// of the last layer, a Backward of the first (or an OutputDelta when there
// is no hidden layer), or any phase outside the time loop.
func (s *Stepper) timeEnd() bool {
	c := &s.c
	L := len(s.net.Layers)
	last := s.net.Layers[c.layer].Out - 1
	switch c.phase {
	case PhaseForward:
		return c.layer == L-1 && c.neuron == last
	case PhaseBackward:
		return c.layer == 0 && c.neuron == last
	case PhaseOutputDelta:
		return L == 1
	}
	return true
}

// advanceSeq is advance's sequence path for the phases inside a sample
// (Load through Backward); advance does the rest.
func (s *Stepper) advanceSeq(byNeuron bool) {
	c := &s.c
	L := len(s.net.Layers)
	i := c.sample
	b := s.sq.buf(s.net, i)
	enter := func(p Phase, l, t int) {
		c.phase, c.layer, c.neuron, c.t = p, l, 0, t
		if !byNeuron && (p == PhaseForward || p == PhaseBackward) {
			c.neuron = s.net.Layers[l].Out - 1
		}
	}
	switch c.phase {
	case PhaseLoad:
		s.forwardSeq(b, 0, 0)
		enter(PhaseForward, 0, 0)
	case PhaseForward:
		switch {
		case c.layer < L-1:
			s.forwardSeq(b, c.layer+1, c.t)
			enter(PhaseForward, c.layer+1, c.t)
		case c.t < b.T-1:
			s.forwardSeq(b, 0, c.t+1)
			enter(PhaseForward, 0, c.t+1)
		default:
			s.costSeq(b, i)
			enter(PhaseCost, 0, c.t)
		}
	case PhaseCost:
		s.outDeltaSeq(b, b.T-1)
		enter(PhaseOutputDelta, L-1, b.T-1)
	case PhaseOutputDelta, PhaseBackward:
		next := L - 2
		if c.phase == PhaseBackward {
			next = c.layer - 1
		}
		switch {
		case next >= 0:
			s.backwardSeq(b, next, c.t)
			enter(PhaseBackward, next, c.t)
		case c.t > 0:
			s.outDeltaSeq(b, c.t-1)
			enter(PhaseOutputDelta, L-1, c.t-1)
		default:
			s.accumulate(i, 1, false)
			enter(PhaseAccumulate, 0, 0)
			c.steps++
		}
	}
}

func (s *Stepper) forwardSeq(b *seqBuf, l, t int) {
	b.forward(l, t)
	switch {
	case !finiteAll(b.z[l][t]):
		s.diverge(l, "z")
	case !finiteAll(b.a[l+1][t]):
		s.diverge(l, "a")
	}
}

func (s *Stepper) costSeq(b *seqBuf, i int) {
	s.rows.costs[i] = b.costs()
	if !finite(s.rows.costs[i]) {
		s.diverge(-1, "cost")
	}
}

func (s *Stepper) outDeltaSeq(b *seqBuf, t int) {
	L := len(s.net.Layers)
	b.outDelta(t)
	if !finiteAll(b.d[L-1][t]) {
		s.diverge(L-1, "δ")
	}
}

func (s *Stepper) backwardSeq(b *seqBuf, l, t int) {
	b.backward(l, t, s.h.BPTT)
	if !finiteAll(b.d[l][t]) {
		s.diverge(l, "δ")
	}
}

// chunkSeq is chunk's sequence path: samples first..first+k−1 through every
// phase up to Accumulate with the stepped path's functions in its order,
// then the checks in that order.
func (s *Stepper) chunkSeq(first, k int) {
	c, r := &s.c, &s.rows
	s.load(first, k)
	for i := first; i < first+k; i++ {
		b := s.sq.buf(s.net, i)
		b.forwardAll()
		r.costs[i] = b.costs()
		b.backwardAll(s.h.BPTT)
	}
	for i := first; i < first+k; i++ {
		if s.checkSeqSample(i) {
			return
		}
	}
	s.accumulate(first, k, false)
	c.sample = first + k - 1
	c.index = s.order.perm[c.start+c.sample]
	c.phase, c.layer, c.neuron, c.t = PhaseAccumulate, 0, 0, 0
	c.steps += k
}

// checkSeqSample is checkSample for a sequence: the first NaN or Inf in the
// order the stepped path computes the values.
func (s *Stepper) checkSeqSample(i int) bool {
	L := len(s.net.Layers)
	c := &s.c
	b := s.sq.bufs[i]
	fail := func(p Phase, l, t int, what string) bool {
		c.sample, c.index = i, s.order.perm[c.start+i]
		c.phase, c.layer, c.neuron, c.t = p, max(l, 0), 0, t
		s.diverge(l, what)
		return true
	}
	for t := range b.T {
		for l := range L {
			if !finiteAll(b.z[l][t]) {
				return fail(PhaseForward, l, t, "z")
			}
			if !finiteAll(b.a[l+1][t]) {
				return fail(PhaseForward, l, t, "a")
			}
		}
	}
	if !finite(s.rows.costs[i]) {
		return fail(PhaseCost, -1, b.T-1, "cost")
	}
	for t := b.T - 1; t >= 0; t-- {
		for l := L - 1; l >= 0; l-- {
			if !finiteAll(b.d[l][t]) {
				p := PhaseBackward
				if l == L-1 {
					p = PhaseOutputDelta
				}
				return fail(p, l, t, "δ")
			}
		}
	}
	return false
}
