package network

import "math"

// The trail: while the loss-jump detector is on, the weights at the start
// of the latest updates on the current path of training, so that a blow-up
// is explained from the weights before it began, not only before the last
// update. A jump's costs often show some updates after its cause (XOR at a
// large η: one update saturates the sigmoids, then the samples the
// saturated net still gets right keep the batch costs low for a while), and
// a divergence's last update starts from weights that have already grown
// for several updates.
//
// It keeps the start of the newest update and of every stride-th update
// before it, back over 2a+1 updates (a as in the jump test), in at most
// trailFloats values: stride 1 unless the network is large and the
// mini-batch small. An entry's cost over the confirming subset is worked
// out once, when a jump is tested, and kept.
//
// The trail is not training state: undo does not copy it. Each entry names
// the path it was taken on (state.path, new at a reset, a reseed and an
// edit of the weights, kept by undo) and its update number on that path
// (state.upd), so that after an undo the entries still on the path are
// those with smaller numbers, and a new update drops the rest.

// trailFloats bounds the values the trail holds (8 MiB).
const trailFloats = 1 << 20

// trailEntry is the weights at the start of one update.
type trailEntry struct {
	w            params
	upd          int     // the updates on the path before it (state.upd)
	epoch, batch int     // the update's epoch and mini-batch, counted from 1
	samples      []int   // the update's mini-batch: training rows (a view of the epoch's order)
	eta          float64 // the update's η
	cost         float64 // the confirming subset's mean cost at w; NaN: not worked out
}

// jumpTrail is the trail, oldest entry first.
type jumpTrail struct {
	path    uint64
	sub     *jumpSet // the subset the entries' costs are over
	entries []*trailEntry
}

// jumpBatches is the number a of the newest mini-batches the jump test
// averages: at least JumpSamples samples.
func (s *Stepper) jumpBatches() int {
	m := s.h.UpdateEvery()
	return (JumpSamples + m - 1) / m
}

// pushTrail records the weights at the start of the update about to
// happen (update number s.upd on the path).
func (s *Stepper) pushTrail() {
	t := &s.trail
	if t.path != s.path {
		t.entries, t.path = t.entries[:0], s.path
	}
	var spare *trailEntry
	for n := len(t.entries); n > 0 && t.entries[n-1].upd >= s.upd; n-- {
		spare = t.entries[n-1] // an undone future
		t.entries = t.entries[:n-1]
	}
	want := 2*s.jumpBatches() + 1
	floats := max(s.w.floats(), 1)
	keep := max(2, min(want, trailFloats/floats))
	stride := (want + keep - 1) / keep
	if n := len(t.entries); n > 0 && t.entries[n-1].upd%stride != 0 {
		spare = t.entries[n-1] // the previous newest, off the stride
		t.entries = t.entries[:n-1]
	}
	if len(t.entries) >= keep {
		spare = t.entries[0]
		t.entries = append(t.entries[:0], t.entries[1:]...)
	}
	if spare == nil || spare.w.floats() != s.w.floats() {
		spare = &trailEntry{w: s.w.clone()}
	} else {
		spare.w.copyFrom(s.w)
	}
	spare.upd, spare.epoch, spare.batch, spare.cost = s.upd, s.c.epoch+1, s.c.batch+1, math.NaN()
	spare.samples = s.order.perm[s.c.start : s.c.start+s.c.m] // perm is replaced, never written
	spare.eta = s.h.Eta
	t.entries = append(t.entries, spare)
}

// trailBefore is the trail's entries on the current path from before the
// update that is about to happen, newest first, down to update number
// from. Their costs are over sub (reset when the subset changed).
func (s *Stepper) trailBefore(from int, sub *jumpSet) []*trailEntry {
	t := &s.trail
	if t.path != s.path {
		return nil
	}
	if t.sub != sub {
		for _, e := range t.entries {
			e.cost = math.NaN()
		}
		t.sub = sub
	}
	var out []*trailEntry
	for i := len(t.entries) - 1; i >= 0; i-- {
		e := t.entries[i]
		if e.upd >= s.upd {
			continue // an undone future
		}
		if e.upd < from {
			break
		}
		out = append(out, e)
	}
	return out
}

// newPath starts a new path of training (see jumpTrail).
func (s *Stepper) newPath() {
	s.paths++
	s.path = s.paths
}

// jumpOrigin finds where a jump began: the newest kept weights, from after
// the last jump, from which the subset's cost now (after: over sub at the
// current weights) is more than Factor times larger and more than
// JumpFloor above. Their cost is worked out with scratch, a network of the
// stepper's shape, and kept.
func (s *Stepper) jumpOrigin(after float64, scratch *Network) *trailEntry {
	from := 0
	if j := s.jump; j != nil && j.upd <= s.upd {
		from = j.upd // a jump is explained once
	}
	for _, e := range s.trailBefore(from, s.jumpSub) {
		if math.IsNaN(e.cost) {
			e.cost = evalAt(scratch, e.w, s.jumpSub.set)
		}
		if s.jumped(after, e.cost) {
			return e
		}
	}
	return nil
}

// evalAt is net's mean cost over set with the weights w.
func evalAt(net *Network, w params, set Set) float64 {
	paramsOf(net).copyFrom(w)
	return net.Evaluate(set).Loss
}

// trailCopy is a copy of the trail's entries on the path, newest first,
// for a BlowUpCase (the weights are copied: the trail reuses its buffers).
func (s *Stepper) trailCopy() []trailEntry {
	var out []trailEntry
	for _, e := range s.trailBefore(0, s.trail.sub) {
		c := *e
		c.w = e.w.clone()
		out = append(out, c)
	}
	return out
}

// finite reports whether every value is finite.
func (p params) finite() bool {
	for l := range p.w {
		if !finiteAll(p.w[l]) || !finiteAll(p.b[l]) {
			return false
		}
	}
	for _, v := range p.wh {
		if !finiteAll(v) {
			return false
		}
	}
	return true
}

// clone is a deep copy (a twin keeps its own trail).
func (t jumpTrail) clone() jumpTrail {
	c := jumpTrail{path: t.path, sub: t.sub}
	for _, e := range t.entries {
		x := *e
		x.w = e.w.clone()
		c.entries = append(c.entries, &x)
	}
	return c
}
