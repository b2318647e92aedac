package network

import (
	"slices"
	"unsafe"
)

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
	// Seq holds every time step of the current sequence on a sequence set
	// (nil otherwise); X, Y, Z, A and Delta are then its step Seq.Time and
	// Cost is the whole sequence's C_x = Σ_t C_t.
	Seq *SeqTrace
	// HasTarget is false at a step of a sequence without a target (Y is
	// then zeros); true otherwise.
	HasTarget bool
}

// Update records the weight update just applied to one layer.
type Update struct {
	OldW, NewW []float64
	OldB, NewB []float64
	// A recurrent layer's W_h before and after (nil for a dense layer).
	OldWH, NewWH []float64
}

// rows are the mini-batch's intermediates, one row per sample: z[l][i],
// a[l][i] (a[0][i] is a view of the input), d[l][i] (δ), y[i] (a view of
// the target) and costs[i]. They are work buffers, not state: a row is
// always computed before it is read, and only the current sample's row is
// shown (Trace) and kept by undo (traceRow). A recurrent layer keeps one
// row per sample and time step.
type rows struct {
	z, a, d [][][]float64
	y       [][]float64
	costs   []float64

	yhat, perr []float64 // perceptron: ŷ and y − ŷ of the current sample

	// lost: loaded from a model file at a sample boundary, so the current
	// sample's intermediates are not known (until the next load).
	lost bool

	zeroX, zeroY []float64 // placeholders for rows not yet loaded

	// xbuf[i] is row i's own input buffer, made when a compact set's row
	// is first loaded into it (a float64 set's rows are views instead).
	xbuf [][]float64
}

// input sets a⁰ of row i to sample k of set: X[k] itself, or a compact
// row converted into row i's own buffer (the only per-session copy of a
// shared compact set is these m rows).
func (r *rows) input(i int, set Set, k int) {
	if !set.Compact() {
		r.a[0][i] = set.X[k]
		return
	}
	r.a[0][i] = set.Input(k, r.inputBuf(i, set))
}

// inputBuf is row i's own input buffer for a compact set's rows, made
// when first needed.
func (r *rows) inputBuf(i int, set Set) []float64 {
	for len(r.xbuf) <= i {
		r.xbuf = append(r.xbuf, nil)
	}
	if len(r.xbuf[i]) != set.Inputs() {
		r.xbuf[i] = alignedRows(1, set.Inputs())[0]
	}
	return r.xbuf[i]
}

// ownsInput reports whether a⁰ of row i is row i's own buffer, which the
// next load overwrites (so undo must copy it).
func (r *rows) ownsInput(i int) bool {
	x := r.a[0][i]
	return i < len(r.xbuf) && len(x) > 0 && len(r.xbuf[i]) > 0 && &x[0] == &r.xbuf[i][0]
}

func newRows(net *Network) rows {
	L := len(net.Layers)
	out := net.Sizes[L]
	return rows{z: make([][][]float64, L), a: make([][][]float64, L+1), d: make([][][]float64, L),
		zeroX: make([]float64, net.Sizes[0]), zeroY: make([]float64, out),
		yhat: make([]float64, out), perr: make([]float64, out)}
}

// ensure makes sure the buffers hold m rows.
func (r *rows) ensure(net *Network, m int) {
	k := m - len(r.y)
	if k <= 0 {
		return
	}
	for range k {
		r.y = append(r.y, r.zeroY)
		r.costs = append(r.costs, 0)
		r.a[0] = append(r.a[0], r.zeroX)
	}
	for l, layer := range net.Layers {
		r.z[l] = append(r.z[l], alignedRows(k, layer.Out)...)
		r.a[l+1] = append(r.a[l+1], alignedRows(k, layer.Out)...)
		r.d[l] = append(r.d[l], alignedRows(k, layer.Out)...)
	}
}

// alignedRows returns k rows of n values in one allocation, each starting on
// a 64-byte cache line and an odd number of lines after the last, so that
// the kernels' vectors never straddle two lines and a column of rows does
// not crowd a few cache sets.
func alignedRows(k, n int) [][]float64 {
	stride := alignedStride(n)
	slab := make([]float64, k*stride+lanes)
	off := 0
	for uintptr(unsafe.Pointer(&slab[off]))%64 != 0 {
		off++
	}
	rows := make([][]float64, k)
	for i := range rows {
		rows[i] = slab[off+i*stride : off+i*stride+n : off+i*stride+n]
	}
	return rows
}

// alignedStride is the distance between alignedRows's rows of n values: n
// rounded up to whole vectors, plus one when that makes an even number.
func alignedStride(n int) int {
	stride := (n + lanes - 1) &^ (lanes - 1)
	if stride/lanes%2 == 0 {
		stride += lanes
	}
	return stride
}

// clearSample clears what restart leaves no reason to show.
func (r *rows) clearSample() {
	clear(r.yhat)
	clear(r.perr)
	clear(r.costs)
}

// traceRow is one sample's row, as the undo stack keeps it.
type traceRow struct {
	i       int
	z, a, d [][]float64 // per layer; a[0] is a view of the input (a copy when the rows own it)
	y       []float64   // view of the target
	cost    float64
	yhat    []float64
	perr    []float64
	lost    bool
}

// row copies sample i's row; bytes counts what it allocates.
func (r *rows) row(i int, cp *copier) traceRow {
	t := traceRow{i: i, y: r.y[i], cost: r.costs[i], lost: r.lost,
		yhat: cp.floats(r.yhat), perr: cp.floats(r.perr),
		z: make([][]float64, len(r.z)), a: make([][]float64, len(r.a)), d: make([][]float64, len(r.d))}
	t.a[0] = r.a[0][i]
	if r.ownsInput(i) {
		t.a[0] = cp.floats(t.a[0])
	}
	for l := range r.z {
		t.z[l], t.a[l+1], t.d[l] = cp.floats(r.z[l][i]), cp.floats(r.a[l+1][i]), cp.floats(r.d[l][i])
	}
	return t
}

// setRow puts t back (the buffers already hold row t.i).
func (r *rows) setRow(t traceRow) {
	i := t.i
	r.y[i], r.costs[i], r.lost = t.y, t.cost, t.lost
	copy(r.yhat, t.yhat)
	copy(r.perr, t.perr)
	r.a[0][i] = t.a[0]
	for l := range r.z {
		copy(r.z[l][i], t.z[l])
		copy(r.a[l+1][i], t.a[l+1])
		copy(r.d[l][i], t.d[l])
	}
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
	r := &s.rows
	t.X, t.Y = r.a[0][i], r.y[i]
	for l := range L {
		t.Z[l], t.A[l+1], t.Delta[l] = r.z[l][i], r.a[l+1][i], r.d[l][i]
	}
	t.A[0] = t.X
	t.Cost = r.costs[i]
	t.GradW, t.GradB = s.grad.w, s.grad.b
	s.freshLast()
	t.Count, t.Loss = s.count, s.loss
	t.Last = s.last
	t.YHat, t.Err = nil, nil
	if s.h.Rule == Perceptron {
		t.YHat, t.Err = r.yhat, r.perr
	}
	t.HasTarget = true
	if s.sq != nil {
		s.seqTrace(t) // recurrent_trace.go
	}
	return t
}

// TraceKnown reports whether Trace holds the current sample's numbers. It
// is false after loading a model file saved at a sample boundary (the file
// keeps no intermediates) until the next sample is loaded; then Trace's
// rows are zeros and must not be shown as computed.
func (s *Stepper) TraceKnown() bool { return !s.rows.lost }

// Batch returns the training-set indices of the current mini-batch, in
// order (a fresh slice).
func (s *Stepper) Batch() []int {
	perm := s.order.perm
	end := min(s.c.start+s.c.m, len(perm))
	return slices.Clone(perm[min(s.c.start, end):end])
}

// BatchCount is how many mini-batches the current epoch has: those begun so
// far, then the rest of the epoch at the current batch size. It is ⌈n/m⌉
// unless m changed during the epoch, and Pos().Batch is always below it.
func (s *Stepper) BatchCount() int {
	n, per := s.train.Len(), max(s.h.UpdateEvery(), 1)
	end := min(s.c.start+s.c.m, n)
	return s.c.batch + 1 + (n-end+per-1)/per
}

// BatchSize is the size of the current mini-batch: the batch size it began
// with (a new one applies from the next mini-batch), cut at the epoch's end.
func (s *Stepper) BatchSize() int { return s.c.m }
