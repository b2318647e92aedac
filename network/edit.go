package network

import (
	"fmt"
	"slices"
)

// Edits: the learner changes hyper-parameters or a weight by hand, resets
// or reseeds. Each is undoable.

// SetHyper replaces the hyper-parameters; validated and undoable. A new
// batch size applies from the next mini-batch (the current one, when none
// of its samples is loaded yet); a new seed from the next
// epoch's shuffle; a new optimizer starts with zero state. The rule cannot
// change (build a new Stepper).
func (s *Stepper) SetHyper(h Hyper) error {
	if err := h.Validate(); err != nil {
		return err
	}
	if h.Rule != s.h.Rule {
		return fmt.Errorf("network: cannot switch the rule from %v to %v on a running stepper; build a new one", s.h.Rule, h.Rule)
	}
	s.pushUndo()
	if h.Opt != s.h.Opt {
		s.m, s.v, s.adamT = params{}, params{}, 0
	}
	s.h = h
	if c := &s.c; c.phase == PhaseIdle && c.sample == 0 {
		// no sample of the current mini-batch is loaded: it is the next one
		c.m = s.batchSize(c.start)
		s.rows.ensure(s.net, c.m)
	}
	return nil
}

func (s *Stepper) checkIndex(l, j, k int, v float64) error {
	if l < 0 || l >= len(s.net.Layers) {
		return fmt.Errorf("network: layer %d out of range 0..%d", l, len(s.net.Layers)-1)
	}
	layer := s.net.Layers[l]
	if j < 0 || j >= layer.Out {
		return fmt.Errorf("network: layer %d: neuron %d out of range 0..%d", l, j, layer.Out-1)
	}
	if k < 0 || k >= layer.In {
		return fmt.Errorf("network: layer %d: input %d out of range 0..%d", l, k, layer.In-1)
	}
	if !finite(v) {
		return fmt.Errorf("network: layer %d: value %v is not finite", l, v)
	}
	return nil
}

// SetWeight sets w^l_jk (undoable). A converged or non-converging perceptron
// goes back to Training.
func (s *Stepper) SetWeight(l, j, k int, v float64) error {
	if err := s.checkIndex(l, j, k, v); err != nil {
		return err
	}
	s.pushUndo()
	layer := s.net.Layers[l]
	layer.W[j*layer.In+k] = v
	s.edited()
	return nil
}

// SetBias sets b^l_j (undoable).
func (s *Stepper) SetBias(l, j int, v float64) error {
	if err := s.checkIndex(l, j, 0, v); err != nil {
		return err
	}
	s.pushUndo()
	s.net.Layers[l].B[j] = v
	s.edited()
	return nil
}

func (s *Stepper) edited() {
	s.ev = nil
	s.newPath() // the trail's weights do not lead here
	// A hand-set weight is not an overshoot: raise the epoch's reference
	// (a new slice: snapshots share the old one).
	s.startMax = slices.Clone(s.startMax)
	for l, m := range maxAbsW(s.w) {
		s.startMax[l] = max(s.startMax[l], m)
	}
	if s.status == Converged || s.status == NotConverging {
		s.status = Training
		s.seen = nil
	}
}

// Reset returns to the initial weights and epoch 0, with the same seed. It
// is undoable.
func (s *Stepper) Reset() {
	s.pushUndo()
	s.w.copyFrom(*s.initial)
	s.restart()
}

// Reseed draws new initial weights from NewRand(seed) with the network's
// Init scheme, sets Hyper.Seed = seed (the shuffles) and resets. Undoable.
func (s *Stepper) Reseed(seed uint64) {
	s.pushUndo()
	rng := NewRand(seed)
	p := s.w.zeros()
	for l, layer := range s.net.Layers {
		nl := &Layer{In: layer.In, Out: layer.Out, W: p.w[l], B: p.b[l]}
		if p.wh != nil {
			nl.WH = p.wh[l]
		}
		initLayer(nl, s.net.Init, rng)
	}
	s.h.Seed = seed
	s.initial = &p
	s.w.copyFrom(p)
	s.restart()
}
