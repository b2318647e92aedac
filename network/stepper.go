package network

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// Set is a data set: X[i] is an input vector, Y[i] its target vector.
type Set struct {
	X, Y [][]float64
}

// Pos says where the Stepper is: the last completed step.
type Pos struct {
	Epoch  int   // epochs completed
	Batch  int   // mini-batch index within the epoch
	Sample int   // sample index within the mini-batch
	Index  int   // index of the current sample in the training Set
	Phase  Phase // last completed phase
	Layer  int   // for Forward/Backward: index into Network.Layers
	Neuron int   // for Forward/Backward: last neuron revealed
	Steps  int   // samples processed since the start (monotonic)
}

// Update records the weight update just applied to one layer.
type Update struct {
	OldW, NewW []float64
	OldB, NewB []float64
}

// Trace holds every intermediate of the current sample and mini-batch. The
// UI shows these numbers; it never recomputes them. Slices are owned by the
// Stepper and are overwritten by the next step: copy what you keep.
type Trace struct {
	X, Y  []float64   // current sample's input and target
	Z     [][]float64 // Z[l]: weighted inputs of Layers[l]
	A     [][]float64 // A[0] = x; A[l+1]: activations of Layers[l]
	Delta [][]float64 // Delta[l] = ∂C/∂z of Layers[l]
	Cost  float64     // C_x of the current sample (valid from PhaseCost)
	GradW [][]float64 // GradW[l]: Σ over the batch so far of ∂C_x/∂w (row-major like W), not divided by m
	GradB [][]float64
	Count int      // samples accumulated in GradW/GradB
	Loss  float64  // Σ of C_x over the batch so far
	Last  []Update // the last Update phase, one per layer; nil before the first
	// Perceptron rule: the prediction ŷ and the error y − ŷ of the current sample.
	YHat, Err []float64
}

// EpochStats are the metrics logged at the end of an epoch. TestLoss and
// TestAcc are NaN when there is no test set.
type EpochStats struct {
	Epoch               int
	TrainLoss, TrainAcc float64
	TestLoss, TestAcc   float64
}

// Divergence says where training blew up.
type Divergence struct {
	Layer int    // index into Network.Layers, or −1 for the cost
	What  string // e.g. "weights", "z", "cost"
	Pos   Pos
	// Detail explains a divergence that is not a NaN or Inf (see OvershootRatio).
	Detail string
	// Epoch is the epoch it happened in, counted from 1 (Pos.Epoch counts
	// the epochs completed).
	Epoch int
}

func (d *Divergence) Error() string {
	where := "the cost"
	if d.Layer >= 0 {
		where = fmt.Sprintf("%s of layer %d", d.What, d.Layer)
	}
	what := "is NaN or ±Inf"
	if d.Detail != "" {
		what = "exploded: " + d.Detail
	}
	ep := d.Epoch
	if ep == 0 { // a Divergence built by hand
		ep = d.Pos.Epoch + 1
	}
	return fmt.Sprintf("network: training diverged: %s %s (epoch %d, batch %d, sample %d, training row %d); lower the learning rate or normalise the inputs",
		where, what, ep, d.Pos.Batch+1, d.Pos.Sample+1, d.Pos.Index)
}

// Unwrap makes errors.Is(err, ErrDiverged) true.
func (d *Divergence) Unwrap() error { return ErrDiverged }

// cursor is the Stepper's position: the last completed phase of sample
// `sample` of the mini-batch that starts at perm[start] and holds m samples.
// PhaseIdle means "about to load sample `sample`".
type cursor struct {
	epoch, batch  int
	start, m      int
	sample, index int
	phase         Phase
	layer, neuron int
	steps         int
}

// params is an immutable copy of a network's weights and biases.
type params struct{ w, b [][]float64 }

func paramsOf(n *Network) *params {
	p := &params{}
	for _, l := range n.Layers {
		p.w = append(p.w, slices.Clone(l.W))
		p.b = append(p.b, slices.Clone(l.B))
	}
	return p
}

// Stepper is the caller-driven training state machine. It owns the Network
// passed to NewStepper and changes its weights in place.
type Stepper struct {
	net         *Network
	h           Hyper
	train, test Set
	perm        []int  // training order of this epoch (replaced, never mutated)
	permSeed    uint64 // the seed perm was drawn with
	c           cursor

	// Mini-batch rows: z[l][s], a[l][s] (a[0][s] is a view of the input),
	// d[l][s] (δ), y[s] (view of the target), costs[s].
	z, a, d [][][]float64
	y       [][]float64
	costs   []float64

	gw, gb [][]float64 // batch sums of ∂C_x/∂w, ∂C_x/∂b
	count  int
	loss   float64
	last   []Update

	vw, vb, sw, sb [][]float64 // momentum velocity or Adam first moment; Adam second moment
	adamT          int

	hist        []EpochStats
	batchLosses []float64
	status      Status
	div         *Divergence
	initial     *params

	startMax []float64 // max |w| of each layer when the epoch began (overshoot check)

	yhat, perr []float64   // perceptron
	mistakes   int         // perceptron mistakes in this epoch
	seen       [][]float64 // perceptron epoch-end states

	undo                  []*snapshot
	undoBytes, undoBudget int

	tr       Trace
	zeroX    []float64
	zeroY    []float64
	skipEval bool // benchmarks only: EpochEnd appends no metrics

	// ev is the epoch-end evaluation in progress (RunFor spreads it over
	// several calls). It changes no state that it does not recompute from
	// the weights, so undo, saves and edits simply drop it.
	ev *epochEval

	// traceLost: loaded from a model file at a sample boundary, so the
	// current sample's intermediates are not known (until the next load).
	traceLost bool
}

// epochEval is an unfinished evaluation of the train and test sets.
type epochEval struct{ tr, te *Evaluator }

// evalChunk is how many samples the epoch-end evaluation does between
// clock checks when RunFor has a deadline.
const evalChunk = 256

// DefaultUndoBudget bounds the memory held by undo snapshots.
const DefaultUndoBudget = 64 << 20

// NewStepper validates net, h and the data shapes and returns a Stepper at
// the start of epoch 0. Backprop with a Step layer returns ErrStepBackprop.
// The Stepper takes ownership of net; its weights now are what Reset returns to.
func NewStepper(net *Network, h Hyper, train, test Set) (*Stepper, error) {
	if err := net.validate(); err != nil {
		return nil, err
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	if err := checkRule(net, h.Rule); err != nil {
		return nil, err
	}
	if len(train.X) == 0 {
		return nil, errors.New("network: the training set is empty")
	}
	if err := checkSet("train", train, net); err != nil {
		return nil, err
	}
	if err := checkSet("test", test, net); err != nil {
		return nil, err
	}
	for _, l := range net.Layers {
		if !finiteAll(l.W) || !finiteAll(l.B) {
			return nil, errors.New("network: the initial weights hold NaN or ±Inf")
		}
	}
	s := &Stepper{net: net, h: h, train: train, test: test, undoBudget: DefaultUndoBudget}
	s.initial = paramsOf(net)
	L := len(net.Layers)
	s.gw, s.gb = make([][]float64, L), make([][]float64, L)
	for l, layer := range net.Layers {
		s.gw[l] = make([]float64, len(layer.W))
		s.gb[l] = make([]float64, len(layer.B))
	}
	s.zeroX = make([]float64, net.Sizes[0])
	s.zeroY = make([]float64, net.Sizes[L])
	s.yhat = make([]float64, net.Sizes[L])
	s.perr = make([]float64, net.Sizes[L])
	s.restart()
	return s, nil
}

func checkRule(net *Network, r Rule) error {
	if r == Perceptron {
		if len(net.Layers) != 1 || net.Layers[0].Act != Step {
			return errors.New("network: the perceptron rule needs a single layer with step activation (e.g. sizes 3,1 act step)")
		}
		return nil
	}
	for i, l := range net.Layers {
		if l.Act == Step {
			return fmt.Errorf("layer %d: %w", i, ErrStepBackprop)
		}
	}
	return nil
}

func checkSet(name string, set Set, net *Network) error {
	if len(set.X) != len(set.Y) {
		return fmt.Errorf("network: %s set has %d inputs but %d targets", name, len(set.X), len(set.Y))
	}
	in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]
	for i, x := range set.X {
		if len(x) != in {
			return fmt.Errorf("network: %s.X[%d] has %d values, the network takes %d inputs", name, i, len(x), in)
		}
		if len(set.Y[i]) != out {
			return fmt.Errorf("network: %s.Y[%d] has %d values, the network has %d outputs", name, i, len(set.Y[i]), out)
		}
		for k, v := range x {
			if !finite(v) {
				return fmt.Errorf("network: %s.X[%d][%d] is %v", name, i, k, v)
			}
		}
		for k, v := range set.Y[i] {
			if !finite(v) {
				return fmt.Errorf("network: %s.Y[%d][%d] is %v", name, i, k, v)
			}
		}
	}
	return nil
}

// restart puts the stepper at the start of epoch 0 with the current weights
// and hyper-parameters: no optimizer state, history or sums.
func (s *Stepper) restart() {
	s.ev = nil
	s.c = cursor{}
	s.perm = s.permFor(0)
	s.c.m = s.batchSize(0)
	s.ensureRows(s.c.m)
	s.count, s.loss = 0, 0
	for l := range s.gw {
		clear(s.gw[l])
		clear(s.gb[l])
	}
	s.last = nil
	s.vw, s.vb, s.sw, s.sb, s.adamT = nil, nil, nil, nil, 0
	s.hist, s.batchLosses = nil, nil
	s.status, s.div = Training, nil
	s.mistakes, s.seen = 0, nil
	s.startMax = s.maxAbsW()
	clear(s.yhat)
	clear(s.perr)
	clear(s.costs)
}

// permFor returns the training order of an epoch. It depends only on
// (Seed, epoch): rand.New(rand.NewPCG(Seed, epoch)).Shuffle of 0..n−1.
// The perceptron rule keeps the data order, so that a repeated state at an
// epoch end proves a cycle.
func (s *Stepper) permFor(epoch int) []int {
	s.permSeed = s.h.Seed
	p := make([]int, len(s.train.X))
	for i := range p {
		p[i] = i
	}
	if s.h.Rule == Backprop {
		rng := rand.New(rand.NewPCG(s.h.Seed, uint64(epoch)))
		rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	}
	return p
}

// batchSize is the size of the mini-batch starting at start.
func (s *Stepper) batchSize(start int) int {
	return min(s.h.UpdateEvery(), len(s.train.X)-start)
}

// ensureRows makes sure the batch buffers hold m rows.
func (s *Stepper) ensureRows(m int) {
	L := len(s.net.Layers)
	if s.z == nil {
		s.z, s.a, s.d = make([][][]float64, L), make([][][]float64, L+1), make([][][]float64, L)
	}
	for len(s.y) < m {
		s.y = append(s.y, s.zeroY)
		s.costs = append(s.costs, 0)
		s.a[0] = append(s.a[0], s.zeroX)
		for l, layer := range s.net.Layers {
			s.z[l] = append(s.z[l], make([]float64, layer.Out))
			s.a[l+1] = append(s.a[l+1], make([]float64, layer.Out))
			s.d[l] = append(s.d[l], make([]float64, layer.Out))
		}
	}
}

func (s *Stepper) lastBatch() bool { return s.c.start+s.c.m >= len(s.train.X) }

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
	c.layer, c.neuron = 0, 0
	s.ensureRows(c.m)
}

// load sets a^0 = x and y for the current sample. The first sample of a
// batch clears the batch sums (kept until then so the UI can show what the
// last Update applied).
func (s *Stepper) load(first, n int) {
	c := &s.c
	s.traceLost = false
	if first == 0 {
		s.clearSums()
	}
	for i := first; i < first+n; i++ {
		idx := s.perm[c.start+i]
		s.a[0][i] = s.train.X[idx]
		s.y[i] = s.train.Y[idx]
		c.index = idx
	}
}

func (s *Stepper) clearSums() {
	s.count, s.loss = 0, 0
	for l := range s.gw {
		clear(s.gw[l])
		clear(s.gb[l])
	}
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
	i := c.sample
	rows := func(v [][]float64) [][]float64 { return v[i : i+1] }
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
		s.forward(0, rows)
		enter(PhaseForward, 0)
	case PhaseForward:
		if s.h.Rule == Perceptron {
			s.perceptronUpdate()
			enter(PhaseUpdate, 0)
			c.steps++
			return
		}
		if c.layer < L-1 {
			s.forward(c.layer+1, rows)
			enter(PhaseForward, c.layer+1)
			return
		}
		s.cost(i, 1)
		enter(PhaseCost, 0)
	case PhaseCost:
		s.outDelta(i, 1)
		enter(PhaseOutputDelta, L-1)
	case PhaseOutputDelta, PhaseBackward:
		next := L - 2
		if c.phase == PhaseBackward {
			next = c.layer - 1
		}
		if next >= 0 {
			s.backward(next, rows)
			enter(PhaseBackward, next)
			return
		}
		s.accumulate(i, 1)
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

// forward computes z and a of layer l for the rows rows() selects.
func (s *Stepper) forward(l int, rows func([][]float64) [][]float64) {
	layer := s.net.Layers[l]
	zr, ar := rows(s.z[l]), rows(s.a[l+1])
	forwardRows(layer.W, layer.B, layer.In, layer.Out, rows(s.a[l]), zr)
	for r := range zr {
		layer.Act.apply(zr[r], ar[r])
	}
	if s.h.Rule == Perceptron {
		i := s.c.sample
		y, a := s.y[i], s.a[1][i]
		for j := range s.yhat {
			s.yhat[j] = a[j]
			s.perr[j] = y[j] - a[j]
		}
	}
	for r := range zr {
		if !finiteAll(zr[r]) {
			s.diverge(l, "z")
			return
		}
		if !finiteAll(ar[r]) {
			s.diverge(l, "a")
			return
		}
	}
}

func (s *Stepper) cost(first, n int) {
	L := len(s.net.Layers)
	act := s.net.Layers[L-1].Act
	for i := first; i < first+n; i++ {
		s.costs[i] = sampleCost(s.net.Cost, act, s.a[L][i], s.y[i])
		if !finite(s.costs[i]) {
			s.c.sample = i
			s.diverge(-1, "cost")
			return
		}
	}
}

func (s *Stepper) outDelta(first, n int) {
	L := len(s.net.Layers)
	act := s.net.Layers[L-1].Act
	for i := first; i < first+n; i++ {
		outputDelta(s.net.Cost, act, s.z[L-1][i], s.a[L][i], s.y[i], s.d[L-1][i])
		if !finiteAll(s.d[L-1][i]) {
			s.c.sample = i
			s.diverge(L-1, "δ")
			return
		}
	}
}

// backward computes δ^l = (W^{l+1})ᵀ δ^{l+1} ⊙ σ'(z^l) for the selected rows.
func (s *Stepper) backward(l int, rows func([][]float64) [][]float64) {
	layer, next := s.net.Layers[l], s.net.Layers[l+1]
	dr, zr, ar := rows(s.d[l]), rows(s.z[l]), rows(s.a[l+1])
	backRows(next.W, next.In, next.Out, rows(s.d[l+1]), dr)
	for r := range dr {
		d, z, a := dr[r], zr[r], ar[r]
		for k := range d {
			d[k] *= layer.Act.deriv(z[k], a[k])
		}
		if !finiteAll(d) {
			s.diverge(l, "δ")
			return
		}
	}
}

// accumulate adds the gradients of samples first..first+n−1 to the batch sums.
func (s *Stepper) accumulate(first, n int) {
	for l, layer := range s.net.Layers {
		accumRows(s.gw[l], s.gb[l], layer.In, layer.Out, s.d[l][first:first+n], s.a[l][first:first+n])
	}
	for i := first; i < first+n; i++ {
		s.loss += s.costs[i]
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
func finiteAll(v []float64) bool {
	acc := 0.0
	for _, x := range v {
		acc += x * 0
	}
	return acc == 0
}

// update applies the optimizer to every layer with g = (1/m)Σ∇C_x plus the
// regularisation gradient (λ2/n)w + (λ1/n)sgn(w) (weights only):
//
//	SGD:      w ← w − η·g
//	Momentum: v ← μv − η·g;  w ← w + v
//	Adam:     m ← β1·m + (1−β1)g;  v ← β2·v + (1−β2)g²;
//	          w ← w − η·m̂/(√v̂ + ε),  m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
func (s *Stepper) update() {
	h := &s.h
	L := len(s.net.Layers)
	if s.last == nil {
		s.last = make([]Update, L)
		for l, layer := range s.net.Layers {
			s.last[l] = Update{OldW: make([]float64, len(layer.W)), NewW: make([]float64, len(layer.W)),
				OldB: make([]float64, len(layer.B)), NewB: make([]float64, len(layer.B))}
		}
	}
	if h.Opt != SGD && s.vw == nil {
		s.vw, s.vb = zerosLike(s.gw), zerosLike(s.gb)
		if h.Opt == Adam {
			s.sw, s.sb = zerosLike(s.gw), zerosLike(s.gb)
		}
	}
	inv := 1 / float64(s.count)
	n := float64(len(s.train.X))
	l1, l2 := h.L1/n, h.L2/n
	var c1, c2 float64
	if h.Opt == Adam {
		s.adamT++
		c1 = 1 / (1 - math.Pow(h.Beta1, float64(s.adamT)))
		c2 = 1 / (1 - math.Pow(h.Beta2, float64(s.adamT)))
	}
	for l, layer := range s.net.Layers {
		u := &s.last[l]
		ok := true
		switch h.Opt {
		case SGD:
			// The common case records the update in the same pass.
			ok = sgdStepRecord(layer.W, s.gw[l], u.OldW, u.NewW, inv, l1, l2, h.Eta) &&
				sgdStepRecord(layer.B, s.gb[l], u.OldB, u.NewB, inv, 0, 0, h.Eta)
			if !ok {
				s.diverge(l, "weights")
			}
			continue
		}
		copy(u.OldW, layer.W)
		copy(u.OldB, layer.B)
		switch h.Opt {
		case Momentum:
			ok = momentumStep(layer.W, s.vw[l], s.gw[l], inv, l1, l2, h.Eta, h.Mu) &&
				momentumStep(layer.B, s.vb[l], s.gb[l], inv, 0, 0, h.Eta, h.Mu)
		case Adam:
			ok = adamStep(layer.W, s.vw[l], s.sw[l], s.gw[l], inv, l1, l2, h, c1, c2) &&
				adamStep(layer.B, s.vb[l], s.sb[l], s.gb[l], inv, 0, 0, h, c1, c2)
		}
		copy(u.NewW, layer.W)
		copy(u.NewB, layer.B)
		if !ok {
			s.diverge(l, "weights")
		}
	}
	s.batchLosses = append(s.batchLosses, s.loss*inv)
}

func zerosLike(v [][]float64) [][]float64 {
	r := make([][]float64, len(v))
	for i := range v {
		r[i] = make([]float64, len(v[i]))
	}
	return r
}

func sign(w float64) float64 {
	switch {
	case w > 0:
		return 1
	case w < 0:
		return -1
	}
	return 0
}

// grad returns g·inv + l2·w + l1·sgn(w).
func grad(g, inv, w, l1, l2 float64) float64 {
	r := g * inv
	if l2 != 0 {
		r += l2 * w
	}
	if l1 != 0 {
		r += l1 * sign(w)
	}
	return r
}

// sgdStepRecord does w ← w − η·grad and records the old and new values.
func sgdStepRecord(w, g, oldW, newW []float64, inv, l1, l2, eta float64) bool {
	acc := 0.0
	g, oldW, newW = g[:len(w)], oldW[:len(w)], newW[:len(w)]
	if l1 == 0 && l2 == 0 { // v − η·(g·inv) = v − η·grad(g, inv, v, 0, 0)
		n4 := len(w) &^ 3
		acc = sgd(w[:n4], g[:n4], oldW[:n4], newW[:n4], eta, inv)
		for i := n4; i < len(w); i++ {
			v := w[i]
			nv := v - eta*(g[i]*inv)
			oldW[i], w[i], newW[i] = v, nv, nv
			acc += nv * 0
		}
		return acc == 0
	}
	for i, v := range w {
		nv := v - eta*grad(g[i], inv, v, l1, l2)
		oldW[i], w[i], newW[i] = v, nv, nv
		acc += nv * 0
	}
	return acc == 0
}

func momentumStep(w, vel, g []float64, inv, l1, l2, eta, mu float64) bool {
	acc := 0.0
	for i, v := range w {
		vel[i] = mu*vel[i] - eta*grad(g[i], inv, v, l1, l2)
		nv := v + vel[i]
		w[i] = nv
		acc += nv*0 + vel[i]*0
	}
	return acc == 0
}

func adamStep(w, m1, m2, g []float64, inv, l1, l2 float64, h *Hyper, c1, c2 float64) bool {
	acc := 0.0
	for i, v := range w {
		gi := grad(g[i], inv, v, l1, l2)
		m1[i] = h.Beta1*m1[i] + (1-h.Beta1)*gi
		m2[i] = h.Beta2*m2[i] + (1-h.Beta2)*gi*gi
		nv := v - h.Eta*(m1[i]*c1)/(math.Sqrt(m2[i]*c2)+h.Epsilon)
		w[i] = nv
		acc += nv*0 + m1[i]*0 + m2[i]*0 // an Inf moment is divergence too
	}
	return acc == 0
}

// perceptronUpdate applies w ← w + η(y − ŷ)x, b ← b + η(y − ŷ) for the
// current sample (online).
func (s *Stepper) perceptronUpdate() {
	layer := s.net.Layers[0]
	if s.last == nil {
		s.last = []Update{{OldW: make([]float64, len(layer.W)), NewW: make([]float64, len(layer.W)),
			OldB: make([]float64, len(layer.B)), NewB: make([]float64, len(layer.B))}}
	}
	u := &s.last[0]
	copy(u.OldW, layer.W)
	copy(u.OldB, layer.B)
	x := s.a[0][s.c.sample]
	mistake := false
	for j, e := range s.perr {
		if e == 0 {
			continue
		}
		mistake = true
		step := s.h.Eta * e
		row := layer.W[j*layer.In : (j+1)*layer.In]
		for k, v := range x {
			row[k] += step * v
		}
		layer.B[j] += step
	}
	if mistake {
		s.mistakes++
	}
	copy(u.NewW, layer.W)
	copy(u.NewB, layer.B)
	if !finiteAll(layer.W) || !finiteAll(layer.B) {
		s.diverge(0, "weights")
	}
}

// epochEnd evaluates train and test sets into History, counts the epoch and
// draws the next epoch's order. For the perceptron rule it also decides
// Converged (no mistakes) or NotConverging (an epoch-end state repeats, or
// MaxEpochs passed).
func (s *Stepper) epochEnd() {
	s.evaluate(time.Time{})
	s.finishEpoch()
}

// evaluate runs (or continues) the epoch-end evaluation of the train and
// test sets until it is finished or, with a non-zero deadline, the deadline
// passes (at least one chunk is done per call). When finished it appends the
// epoch's stats to History and reports true.
func (s *Stepper) evaluate(deadline time.Time) bool {
	if s.skipEval {
		return true
	}
	if s.ev == nil {
		s.ev = &epochEval{tr: s.net.NewEvaluator(s.train), te: s.net.NewEvaluator(s.test)}
	}
	for _, e := range [2]*Evaluator{s.ev.tr, s.ev.te} {
		for !e.Finished() {
			if deadline.IsZero() {
				e.Step(e.Len())
				break
			}
			e.Step(evalChunk)
			if !e.Finished() && !time.Now().Before(deadline) {
				return false
			}
		}
	}
	tr, te := s.ev.tr.Metrics(), s.ev.te.Metrics()
	if s.ev.te.Len() == 0 {
		te = Metrics{Loss: math.NaN(), Accuracy: math.NaN()}
	}
	s.hist = append(s.hist, EpochStats{Epoch: s.c.epoch + 1, TrainLoss: tr.Loss, TrainAcc: tr.Accuracy,
		TestLoss: te.Loss, TestAcc: te.Accuracy})
	s.ev = nil
	return true
}

// Evaluating reports the epoch-end evaluation that is due or in progress:
// samples evaluated so far and the total (train + test). total is 0 when
// none is due. RunFor leaves one unfinished when its budget runs out; the
// stepper's position is then the epoch's last Update.
func (s *Stepper) Evaluating() (done, total int) {
	if s.ev != nil {
		return s.ev.tr.Done() + s.ev.te.Done(), s.ev.tr.Len() + s.ev.te.Len()
	}
	if s.evalDue() {
		return 0, len(s.train.X) + len(s.test.X)
	}
	return 0, 0
}

// evalDue: the epoch's last Update is done and its evaluation is next.
func (s *Stepper) evalDue() bool {
	return s.c.phase == PhaseUpdate && s.lastBatch() && s.h.Rule == Backprop && s.status != Diverged && !s.skipEval
}

// EvaluateFor works on a due epoch-end evaluation (see Evaluating) for
// about budget, without training; when it finishes, the epoch ends as the
// next phase step would end it. It reports whether no evaluation is left.
// (It changes no weights, so it records no undo snapshot.)
func (s *Stepper) EvaluateFor(budget time.Duration) bool {
	if !s.evalDue() {
		return true
	}
	if !s.evaluate(time.Now().Add(budget)) {
		return false
	}
	s.finishEpoch()
	s.c.phase = PhaseEpochEnd
	return true
}

// finishEpoch counts the epoch, checks for overshoot and draws the next
// epoch's order.
func (s *Stepper) finishEpoch() {
	if len(s.hist) >= 2 {
		// Per-epoch history takes over: keep only this epoch's mini-batch
		// losses, so a long run's memory and model file stay bounded.
		if keep := s.c.batch + 1; keep < len(s.batchLosses) {
			s.batchLosses = slices.Clone(s.batchLosses[len(s.batchLosses)-keep:])
		}
	}
	s.c.epoch++
	if s.h.Rule == Backprop {
		now := s.maxAbsW()
		for l, m := range now {
			if m > OvershootRatio*(1+s.startMax[l]) {
				s.diverge(l, "weights")
				s.div.Epoch = s.c.epoch // the epoch just counted
				s.div.Detail = fmt.Sprintf("max |w| grew from %.3g to %.3g in one epoch: the learning rate overshoots", s.startMax[l], m)
				break
			}
		}
		s.startMax = now
	}
	if s.h.Rule == Perceptron && s.status == Training {
		layer := s.net.Layers[0]
		state := append(slices.Clone(layer.W), layer.B...)
		switch {
		case s.mistakes == 0:
			s.status = Converged
		case slices.ContainsFunc(s.seen, func(v []float64) bool { return slices.Equal(v, state) }):
			s.status = NotConverging
		case s.c.epoch >= s.h.maxEpochs():
			s.status = NotConverging
		}
		s.seen = append(s.seen, state)
	}
	s.mistakes = 0
	s.perm = s.permFor(s.c.epoch)
}

// OvershootRatio: backprop is declared diverged when, over one epoch, a
// layer's largest |w| grows past OvershootRatio·(1 + its largest |w| at the
// epoch's start). Saturating activations (sigmoid, tanh) otherwise turn a far
// too large learning rate (η = 1e6 on digits) into a frozen network with
// finite numbers instead of NaN.
const OvershootRatio = 100

func (s *Stepper) maxAbsW() []float64 {
	m := make([]float64, len(s.net.Layers))
	for l, layer := range s.net.Layers {
		for _, w := range layer.W {
			m[l] = max(m[l], math.Abs(w))
		}
	}
	return m
}

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
	if g > ByEpoch {
		return fmt.Errorf("network: invalid granularity %d", g)
	}
	s.pushUndo()
	switch {
	case g == ByNeuron, g == ByPhase:
		s.advance(g == ByNeuron)
	case g == ByEpoch && s.h.Rule == Backprop:
		// The rest of the epoch on the fast path (same bits, see run).
		s.run(s.EpochLeft(), time.Time{})
	default:
		for {
			s.advance(false)
			if s.status == Diverged ||
				(g == BySample && s.sampleEnd()) ||
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

// Run processes up to n whole samples (finishing the current one first) on
// the fast path and returns how many it did. One undo snapshot covers the run.
func (s *Stepper) Run(n int) (int, error) {
	if s.status == Diverged {
		return 0, s.div
	}
	if n <= 0 {
		return 0, nil
	}
	s.pushUndo()
	return s.run(n, time.Time{})
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
	return s.run(math.MaxInt, time.Now().Add(budget))
}

// RunUpTo is RunFor(budget) that also stops after n samples (n ≤ 0: no
// limit). With n = EpochLeft() it stops at the epoch's end (its evaluation
// spread over calls like RunFor's).
func (s *Stepper) RunUpTo(n int, budget time.Duration) (int, error) {
	if s.status == Diverged {
		return 0, s.div
	}
	s.pushUndo()
	return s.run(noLimit(n), time.Now().Add(budget))
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
		return s.run(noLimit(n), time.Now().Add(budget))
	}
	if n <= 0 {
		return 0, nil
	}
	return s.run(n, time.Time{})
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
	left := len(s.train.X) - s.c.start - s.c.sample
	switch {
	case s.c.phase == PhaseEpochEnd:
		left = len(s.train.X)
	case s.c.phase == PhaseUpdate && s.lastBatch():
		left = 0
	case s.sampleEnd():
		left-- // the current sample is complete
	}
	return left
}

// maxChunk bounds the samples per fast-path call between clock checks.
const maxChunk = 16

func (s *Stepper) run(n int, deadline time.Time) (int, error) {
	done, evaluated := 0, false
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
		for {
			s.advance(false)
			if s.status == Diverged || s.sampleEnd() {
				break
			}
		}
		done++
	}
	for done < n && s.status != Diverged {
		if !deadline.IsZero() && (done > 0 || evaluated) && !time.Now().Before(deadline) {
			break
		}
		if s.h.Rule == Perceptron {
			for {
				s.advance(false)
				if s.status == Diverged || s.sampleEnd() {
					break
				}
			}
			done++
			continue
		}
		s.readyNext()
		first := s.c.sample
		k := min(n-done, s.c.m-first)
		if !deadline.IsZero() {
			k = min(k, maxChunk)
		}
		s.chunk(first, k)
		if s.status == Diverged {
			break
		}
		done += k
		if first+k == s.c.m {
			s.update()
			s.c.phase = PhaseUpdate
			if s.status == Diverged {
				break
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

// chunk runs samples first..first+k−1 of the current batch through every
// phase up to Accumulate, with the same kernels as the stepped path.
func (s *Stepper) chunk(first, k int) {
	c := &s.c
	L := len(s.net.Layers)
	s.load(first, k)
	rows := func(v [][]float64) [][]float64 { return v[first : first+k] }
	// Non-finite checks happen per sample below, in the stepped path's order,
	// so compute first and check afterwards.
	for l, layer := range s.net.Layers {
		forwardRows(layer.W, layer.B, layer.In, layer.Out, rows(s.a[l]), rows(s.z[l]))
		for r := first; r < first+k; r++ {
			layer.Act.apply(s.z[l][r], s.a[l+1][r])
		}
	}
	act := s.net.Layers[L-1].Act
	for i := first; i < first+k; i++ {
		s.costs[i] = sampleCost(s.net.Cost, act, s.a[L][i], s.y[i])
		outputDelta(s.net.Cost, act, s.z[L-1][i], s.a[L][i], s.y[i], s.d[L-1][i])
	}
	for l := L - 2; l >= 0; l-- {
		layer, next := s.net.Layers[l], s.net.Layers[l+1]
		backRows(next.W, next.In, next.Out, rows(s.d[l+1]), rows(s.d[l]))
		for r := first; r < first+k; r++ {
			d, z, a := s.d[l][r], s.z[l][r], s.a[l+1][r]
			for j := range d {
				d[j] *= layer.Act.deriv(z[j], a[j])
			}
		}
	}
	for i := first; i < first+k; i++ {
		if s.checkSample(i) {
			return
		}
	}
	s.accumulate(first, k)
	c.sample = first + k - 1
	c.index = s.perm[c.start+c.sample]
	c.phase, c.layer, c.neuron = PhaseAccumulate, 0, 0
	c.steps += k
}

// checkSample looks for NaN/Inf in sample i's values in the order the
// stepped path computes them, and marks divergence at the first one.
func (s *Stepper) checkSample(i int) bool {
	L := len(s.net.Layers)
	c := &s.c
	fail := func(p Phase, l int, what string) bool {
		c.sample, c.index = i, s.perm[c.start+i]
		c.phase, c.layer, c.neuron = p, max(l, 0), 0
		s.diverge(l, what)
		return true
	}
	for l := range L {
		if !finiteAll(s.z[l][i]) {
			return fail(PhaseForward, l, "z")
		}
		if !finiteAll(s.a[l+1][i]) {
			return fail(PhaseForward, l, "a")
		}
	}
	if !finite(s.costs[i]) {
		return fail(PhaseCost, -1, "cost")
	}
	for l := L - 1; l >= 0; l-- {
		if !finiteAll(s.d[l][i]) {
			p := PhaseBackward
			if l == L-1 {
				p = PhaseOutputDelta
			}
			return fail(p, l, "δ")
		}
	}
	return false
}

// Net returns the live network (do not modify it; use SetWeight/SetBias).
func (s *Stepper) Net() *Network { return s.net }

// Hyper returns the hyper-parameters in force.
func (s *Stepper) Hyper() Hyper { return s.h }

// Pos returns where the stepper is.
func (s *Stepper) Pos() Pos {
	c := s.c
	return Pos{Epoch: c.epoch, Batch: c.batch, Sample: c.sample, Index: c.index, Phase: c.phase,
		Layer: c.layer, Neuron: c.neuron, Steps: c.steps}
}

// Trace returns the intermediates of the current sample and mini-batch.
// Values of phases not yet reached in this sample are stale.
func (s *Stepper) Trace() *Trace {
	i := s.c.sample
	L := len(s.net.Layers)
	t := &s.tr
	if t.Z == nil {
		t.Z, t.A, t.Delta = make([][]float64, L), make([][]float64, L+1), make([][]float64, L)
	}
	t.X, t.Y = s.a[0][i], s.y[i]
	for l := range L {
		t.Z[l], t.A[l+1], t.Delta[l] = s.z[l][i], s.a[l+1][i], s.d[l][i]
	}
	t.A[0] = t.X
	t.Cost = s.costs[i]
	t.GradW, t.GradB = s.gw, s.gb
	t.Count, t.Loss = s.count, s.loss
	t.Last = s.last
	t.YHat, t.Err = nil, nil
	if s.h.Rule == Perceptron {
		t.YHat, t.Err = s.yhat, s.perr
	}
	return t
}

// Batch returns the training-set indices of the current mini-batch, in
// order (a fresh slice).
func (s *Stepper) Batch() []int {
	end := min(s.c.start+s.c.m, len(s.perm))
	return slices.Clone(s.perm[min(s.c.start, end):end])
}

// TraceKnown reports whether Trace holds the current sample's numbers. It
// is false after loading a model file saved at a sample boundary (the file
// keeps no intermediates) until the next sample is loaded; then Trace's
// rows are zeros and must not be shown as computed.
func (s *Stepper) TraceKnown() bool { return !s.traceLost }

// Status says whether training can go on.
func (s *Stepper) Status() Status { return s.status }

// Divergence is non-nil once the status is Diverged.
func (s *Stepper) Divergence() *Divergence { return s.div }

// History returns the metrics of every finished epoch (shared; don't modify).
func (s *Stepper) History() []EpochStats { return s.hist }

// BatchLosses returns the mean cost of each finished mini-batch (shared):
// all of them until History holds two epochs, then only the current
// epoch's and the last finished one's (so memory stays bounded).
func (s *Stepper) BatchLosses() []float64 { return s.batchLosses }

// Train and Test return the data sets the stepper was built with.
func (s *Stepper) Train() Set { return s.train }
func (s *Stepper) Test() Set  { return s.test }

// SetHyper replaces the hyper-parameters; validated and undoable. A new
// batch size applies from the next mini-batch; a new seed from the next
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
		s.vw, s.vb, s.sw, s.sb, s.adamT = nil, nil, nil, nil, 0
	}
	s.h = h
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
	// A hand-set weight is not an overshoot: raise the epoch's reference.
	s.startMax = slices.Clone(s.startMax)
	for l, m := range s.maxAbsW() {
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
	s.resetTo(s.initial)
}

func (s *Stepper) resetTo(p *params) {
	for l, layer := range s.net.Layers {
		copy(layer.W, p.w[l])
		copy(layer.B, p.b[l])
	}
	s.restart()
}

// Reseed draws new initial weights from NewRand(seed) with the network's
// Init scheme, sets Hyper.Seed = seed (the shuffles) and resets. Undoable.
func (s *Stepper) Reseed(seed uint64) {
	s.pushUndo()
	rng := NewRand(seed)
	p := &params{}
	for _, layer := range s.net.Layers {
		l := &Layer{In: layer.In, Out: layer.Out, W: make([]float64, len(layer.W)), B: make([]float64, len(layer.B))}
		initLayer(l, s.net.Init, rng)
		p.w, p.b = append(p.w, l.W), append(p.b, l.B)
	}
	s.h.Seed = seed
	s.initial = p
	s.resetTo(p)
}
