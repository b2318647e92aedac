package network

import (
	"math/rand/v2"
	"slices"
)

// state is everything training changes: the one value that Undo snapshots
// (clone), Reset and Reseed start afresh (restart) and model files save
// (Model and Model.Stepper, in model.go). A new kind of training state — a
// recurrent layer's hidden state, say — is a field here plus a line in
// each of those three places, all of them in this file or model.go.
//
// Buffers that training writes in place (the weights, sums, moments and
// update record) are copied by clone. Values that training only ever
// replaces (order, initial, div, jump, startMax, seen) are shared by snapshots;
// so are the history series, whose entries are immutable except the last
// one (see series).
type state struct {
	h     Hyper
	c     cursor
	order order // this epoch's training order: the RNG state

	w       params  // the network's weights and biases (views of Network.Layers)
	initial *params // what Reset returns to

	grad  params   // Σ_x ∂C_x/∂w and Σ_x ∂C_x/∂b over the mini-batch so far
	count int      // samples in grad
	loss  float64  // Σ_x C_x over the mini-batch so far
	last  []Update // the last Update, one per layer; nil before the first
	// newStale: last's NewW and NewB are not written yet. They equal the
	// weights until anything else changes them, so the plain SGD step
	// leaves them to freshLast (a write of every weight saved per update).
	newStale bool

	// gradNorm[l] is Σ over this epoch's updates of ‖(1/m) Σ_x ∂C_x/∂W^l‖_F,
	// over gradUpdates updates (EpochStats.GradNorm is their mean).
	gradNorm    []float64
	gradUpdates int
	// gradHist[i] is the mean gradNorm of History's entry i's epoch: a
	// series added to in step with hist, so it has hist's shape.
	gradHist series[[]float64]

	m, v  params // optimizer: momentum's velocity or Adam's first moment m; Adam's second moment v (empty until the first update)
	adamT int    // Adam's t: updates since the optimizer started

	hist        series[EpochStats] // per-epoch metrics (bounded: MaxHistory)
	batchLosses series[float64]    // mean cost of each mini-batch (bounded: MaxBatchLosses)

	status   Status
	div      *Divergence
	jump     *Jump     // the last loss jump detected (blowup.go)
	recent   lossRing  // the last mini-batch losses, for the jump test (blowup.go)
	upd      int       // updates made on this path of training (blowtrail.go)
	path     uint64    // the path: new at a restart and an edit of the weights
	startMax []float64 // max |w| per layer when the epoch began (overshoot check)

	mistakes int         // perceptron: mistakes in this epoch
	seen     [][]float64 // perceptron: epoch-end states (bounded: maxSeenFloats)
}

// cursor is the Stepper's position: the last completed phase of sample
// `sample` of the mini-batch that starts at perm[start] and holds m samples.
// PhaseIdle means "about to load sample `sample`". On a sequence set, t is
// the time step of the Forward, OutputDelta or Backward phase (0-based).
type cursor struct {
	epoch, batch  int
	start, m      int
	sample, index int
	phase         Phase
	layer, neuron int
	t             int
	steps         int
}

// order is an epoch's training order and the seed it was drawn with. It
// depends only on (seed, epoch): see orderFor. perm is replaced, never
// written.
type order struct {
	perm []int
	seed uint64
}

// orderFor returns epoch's training order: rand.New(rand.NewPCG(Seed,
// epoch)).Shuffle of 0..n−1. The perceptron rule keeps the data order, so
// that a repeated state at an epoch end proves a cycle.
func orderFor(h Hyper, n, epoch int) order {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	if h.Rule == Backprop {
		rng := rand.New(rand.NewPCG(h.Seed, uint64(epoch)))
		rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	}
	return order{perm: p, seed: h.Seed}
}

// params holds one value per weight and bias, shaped like the network:
// w[l] is Layers[l].W's shape (Out×In, row-major), b[l] is Out long, and
// wh[l] is a recurrent layer's W_h (Out×Out; nil for a dense layer, and wh
// itself nil when no layer is recurrent). The weights, their gradient sums
// and the optimizer's moments all have this shape.
type params struct{ w, b, wh [][]float64 }

// paramsOf returns views of net's weights and biases.
func paramsOf(net *Network) params {
	var p params
	for _, l := range net.Layers {
		p.w, p.b = append(p.w, l.W), append(p.b, l.B)
	}
	if net.IsRecurrent() {
		for _, l := range net.Layers {
			p.wh = append(p.wh, l.WH)
		}
	}
	return p
}

// zeros returns a params of p's shape, all zero.
func (p params) zeros() params {
	z := func(v [][]float64) [][]float64 {
		if v == nil {
			return nil
		}
		r := make([][]float64, len(v))
		for i := range v {
			if v[i] != nil {
				r[i] = make([]float64, len(v[i]))
			}
		}
		return r
	}
	return params{w: z(p.w), b: z(p.b), wh: z(p.wh)}
}

// clone is a deep copy.
func (p params) clone() params { return params{w: clone2(p.w), b: clone2(p.b), wh: clone2(p.wh)} }

// copyFrom copies q's values into p (same shape).
func (p params) copyFrom(q params) {
	for l := range p.w {
		copy(p.w[l], q.w[l])
		copy(p.b[l], q.b[l])
	}
	for l := range p.wh {
		if l < len(q.wh) {
			copy(p.wh[l], q.wh[l])
		}
	}
}

func (p params) clear() {
	for l := range p.w {
		clear(p.w[l])
		clear(p.b[l])
	}
	for l := range p.wh {
		clear(p.wh[l])
	}
}

func (p params) empty() bool { return p.w == nil }

// floats counts the values.
func (p params) floats() int { return floats2(p.w) + floats2(p.b) + floats2(p.wh) }

func clone2(v [][]float64) [][]float64 {
	if v == nil {
		return nil
	}
	r := make([][]float64, len(v))
	for i := range v {
		r[i] = slices.Clone(v[i])
	}
	return r
}

func floats2(v [][]float64) int {
	n := 0
	for _, r := range v {
		n += len(r)
	}
	return n
}

// restart puts the stepper at the start of epoch 0 with the current weights
// and hyper-parameters: what the literal below names is kept, everything
// else (position, sums, optimizer state, history, status) starts at zero.
func (s *Stepper) restart() {
	st := &s.state
	*st = state{h: st.h, w: st.w, initial: st.initial, grad: st.grad}
	st.grad.clear()
	st.order = orderFor(st.h, s.train.Len(), 0)
	st.c.m = s.batchSize(0)
	st.startMax = maxAbsW(st.w)
	s.newPath()
	s.ev = nil
	s.rows.ensure(s.net, st.c.m)
	s.rows.clearSample()
}

// clone copies st for the undo stack, and counts the bytes the copy holds:
// what it allocates, plus the shared values it keeps alive (so that the
// undo budget bounds memory even when every snapshot pins a different
// history array). With cp.dry it only counts.
func (st *state) clone(cp *copier) state {
	st.freshLast()
	c := *st
	c.w = cp.params(st.w)
	c.grad = cp.params(st.grad)
	c.m, c.v = cp.params(st.m), cp.params(st.v)
	c.last = cp.updates(st.last)
	c.gradNorm = cp.floats(st.gradNorm)
	c.hist = st.hist.snapshot()
	c.batchLosses = st.batchLosses.snapshot()
	c.gradHist = st.gradHist.snapshot()
	cp.shared(st.hist.bytes() + st.batchLosses.bytes() + st.gradHist.bytes() + 8*cap(st.gradHist.v)*len(st.gradNorm) + 8*len(st.order.perm) +
		8*(len(st.startMax)+st.initial.floatsOrZero()+floats2(st.seen)))
	return c
}

// freshLast writes the last Update's new weights and biases when the step
// left them (newStale): they are the current ones. Everything that reads
// last or changes the weights outside an update calls it first (Trace,
// clone, and through clone every undoable edit).
func (st *state) freshLast() {
	if !st.newStale {
		return
	}
	for l, u := range st.last {
		copy(u.NewW, st.w.w[l])
		copy(u.NewB, st.w.b[l])
	}
	st.newStale = false
}

// restoreFrom makes sn (a clone, which it takes over) the current state.
// The weights are copied into the live ones, which the Network shares.
func (st *state) restoreFrom(sn state) {
	st.w.copyFrom(sn.w)
	sn.w = st.w
	sn.hist.restore()
	sn.batchLosses.restore()
	sn.gradHist.restore()
	*st = sn
}

// copier deep-copies a state's buffers and counts bytes (see state.clone).
type copier struct {
	dry   bool
	bytes int
}

func (cp *copier) floats(v []float64) []float64 {
	cp.bytes += 8 * len(v)
	if cp.dry || v == nil {
		return nil
	}
	return slices.Clone(v)
}

func (cp *copier) params(p params) params {
	cp.bytes += 8 * p.floats()
	if cp.dry {
		return params{}
	}
	return p.clone()
}

func (cp *copier) updates(u []Update) []Update {
	if cp.dry {
		for _, x := range u {
			cp.bytes += 8 * (len(x.OldW) + len(x.NewW) + len(x.OldB) + len(x.NewB) + len(x.OldWH) + len(x.NewWH))
		}
		return nil
	}
	if u == nil {
		return nil
	}
	r := make([]Update, len(u))
	for l, x := range u {
		r[l] = Update{OldW: cp.floats(x.OldW), NewW: cp.floats(x.NewW), OldB: cp.floats(x.OldB), NewB: cp.floats(x.NewB),
			OldWH: cp.floats(x.OldWH), NewWH: cp.floats(x.NewWH)}
	}
	return r
}

func (cp *copier) shared(bytes int) { cp.bytes += bytes }

// floatsOrZero counts the values of *p, 0 for nil.
func (p *params) floatsOrZero() int {
	if p == nil {
		return 0
	}
	return p.floats()
}
