package network

import (
	"math"
	"runtime"
	"sync/atomic"
)

// batch runs the kernels of one layer, or of all layers, for a block of
// samples, split across the goroutines of a pool. A phase is cut into
// chunks of whole tiles, each owned by one goroutine: the outputs of a
// layer are cut into equal contiguous parts, part p owned by goroutine p,
// the same in every phase and every mini-batch, so that the rows of W and
// ∂W a goroutine works on stay in its core's cache. Every goroutine (the
// caller too) runs its own chunks, then claims any another has not started:
//
//	forward   chunks of the layer's neurons (z and a of all samples)
//	backward  chunks of the layer's inputs k (δ_k of all samples)
//	gradient  chunks of the neurons of every layer (rows of ∂W, ∂b), each
//	          followed by the SGD step of its rows in a batch's last chunk
//	SGD step  chunks of the neurons of every layer (rows of W, b)
//	inputs    a compact set's rows: chunks of samples, or a copy for each
//	          goroutine when the first layer is split
//
// Every output is computed within one chunk, by one goroutine, in the order
// gemm.go fixes, so the results have the same bits for any number of
// threads, whoever runs which chunk (and for one sample at a time). A
// helper the OS has not scheduled delays nothing: the caller takes the
// chunks it has not claimed. A layer too small or narrow to pay for the
// hand-off (layerWork) stays on the caller in every phase.
type batch struct {
	pool    *pool // nil: one thread, or no phase split yet
	want    int   // the goroutines phases may be split across
	ph      phase
	items   [][]item // items[p]: the current phase's chunks that goroutine p owns
	nitems  int      // chunks in the current phase
	minWork int      // fewest multiply-adds a layer needs to be split (tests lower it)
	m       int      // the mini-batch's size, for the split decisions (0: each call's)

	// claim[p] is gen<<32 | len(items[p])<<16 | next: one word, so a
	// goroutine that reads it sees a consistent phase, and claims chunk next
	// of owner p by CAS.
	claim []atomic.Uint64
	done  atomic.Int32 // chunks finished in the current phase
	gen   uint64

	spill [][]float64   // spill[p]: forwardRange's scratch for goroutine p
	bpack []float64     // δ of the layer above, packed by packSampleTiles
	gpack [][]float64   // gpack[l]: δ of layer l, packed by packNeuronTiles
	wRows [][][]float64 // wRows[l][j]: row j of W^l
	gRows [][][]float64 // gRows[l][j]: row j of ∂W^l
	// The SGD step's results per tile of rankR rows of layer l: the tile's
	// share of ‖g·inv‖² and whether its new weights and biases are finite.
	tileSq [][]float64
	tileOK [][]bool
	okL    []bool

	// xown[p][i]: goroutine p's own copy of input row i (p > 0), valid for
	// ownK rows (0: none; see inputs).
	xown [][][]float64
	ownK int
}

type phaseKind uint8

const (
	phForward phaseKind = iota
	phBackward
	phGrad
	phSGD
	phInput
)

// phase is the work of the current chunks; it is set before a phase is
// published and cleared after it, so no stale rows are kept alive.
type phase struct {
	kind phaseKind
	net  *Network
	l    int
	// forward: x → z, a of layer l; backward: δ of layer l into d (z, a
	// of layer l for σ'); gradient: rows first..first+k of every layer.
	x, z, a, d [][]float64
	aa, da     [][][]float64
	first, k   int
	zero       bool // gradient: start the sums from zero
	gw, gb     [][]float64
	// the SGD step (gradient: after the sums, when not nil)
	step *sgdArgs
	// inputs: row i of x (a buffer) gets compact row perm[i] of set; a[i] = x[i]
	set  Set
	perm []int
}

// item is one chunk: outputs lo..hi−1 (neurons or inputs) of layer l.
type item struct{ l, lo, hi int }

// minParallelWork is the fewest multiply-adds (In·Out·m) a layer must have
// for its phases to be split. A hand-off costs a microsecond or two, and the
// helper must first fetch the samples' rows, which the caller loaded, from
// the caller's cache, so a smaller layer trains faster on one core:
// measured end to end on MNIST, two threads lost to one at [784,30] (235k,
// and 2.35M at m = 100, hence minSplitOut) and at [784,100] with m = 10
// (784k), and won at [784,100] with m = 100 (7.8M). chunkWork is the least
// work of a chunk.
const (
	minParallelWork = 1 << 20
	chunkWork       = 1 << 14
	minSplitOut     = 64
	maxOwnInputs    = 1 << 20 // the most input values a helper copies (8 MiB)
	chunksPerThread = 4
)

// DefaultThreads is the number of threads training uses unless told
// otherwise: every core the Go runtime may use.
func DefaultThreads() int { return max(1, runtime.GOMAXPROCS(0)) }

// newBatch returns a batch runner for net with up to threads goroutines
// (helpers start now and run until close).
func newBatch(net *Network, threads int) *batch {
	L := len(net.Layers)
	b := &batch{wRows: make([][][]float64, L), gRows: make([][][]float64, L), gpack: make([][]float64, L),
		minWork: minParallelWork}
	for range max(threads, 1) {
		b.spill = append(b.spill, net.newSpill())
	}
	b.items = make([][]item, max(threads, 1))
	b.claim = make([]atomic.Uint64, max(threads, 1))
	b.xown = make([][][]float64, max(threads, 1))
	b.want = max(threads, 1)
	return b
}

// threads is the number of goroutines phases are split across.
func (b *batch) threads() int { return b.want }

// close stops the helpers.
func (b *batch) close() { b.pool.close() }

// forward sets z = W^l·x + b^l and a = σ(z) for every row.
func (b *batch) forward(net *Network, l int, x, z, a [][]float64) {
	layer := net.Layers[l]
	b.ph = phase{kind: phForward, net: net, l: l, x: x, z: z, a: a}
	b.reset()
	b.cut(l, layer.Out, fwdMR, b.layerWork(layer, len(x)))
	b.exec()
	if layer.Act == Softmax { // needs whole rows
		for r := range z {
			softmax(z[r], a[r])
		}
	}
}

// backward sets d = (W^{l+1})ᵀ·dNext ⊙ σ'(z) for every row, where z and a
// are layer l's and dNext is layer l+1's δ.
func (b *batch) backward(net *Network, l int, z, a, dNext, d [][]float64) {
	next := net.Layers[l+1]
	m := len(d)
	b.bpack = grow(b.bpack, (m+rankR-1)/rankR*rankR*next.Out)
	packSampleTiles(b.bpack, dNext, next.Out)
	b.wRows[l+1] = rowViews(b.wRows[l+1], next.W, next.In, next.Out)
	b.ph = phase{kind: phBackward, net: net, l: l, z: z, a: a, d: d}
	b.reset()
	b.cut(l, next.In, rankV*lanes, b.layerWork(next, m))
	b.exec()
}

// grad adds the gradients of rows first..first+k−1 of every layer to the
// batch sums gw, gb, samples in order: ∂W^l += δ^l·(a^l)ᵀ, ∂b^l += δ^l
// (with zero, the sums start from zero instead). a[l] holds the inputs of
// layer l, d[l] its δ.
//
// With step (the batch's last samples), each chunk then does the SGD step of
// its rows, while they are still in its core's cache: the same values as
// sgd after grad, one hand-off fewer. It reports, as sgd does, which
// layers' new values are finite (nil without step).
func (b *batch) grad(net *Network, a, d [][][]float64, first, k int, gw, gb [][]float64, zero bool, step *sgdArgs) []bool {
	b.ph = phase{kind: phGrad, net: net, aa: a, da: d, first: first, k: k, gw: gw, gb: gb, zero: zero, step: step}
	b.reset()
	if step != nil {
		b.prepSGD(net)
	}
	for l, layer := range net.Layers {
		b.gRows[l] = rowViews(b.gRows[l], gw[l], layer.In, layer.Out)
		b.gpack[l] = grow(b.gpack[l], (layer.Out+rankR-1)/rankR*rankR*k)
		b.cut(l, layer.Out, rankR, b.layerWork(layer, k))
	}
	b.exec()
	if step == nil {
		return nil
	}
	return b.sgdDone(net, step)
}

// reset empties the chunk lists for a new phase.
func (b *batch) reset() {
	for p := range b.items {
		b.items[p] = b.items[p][:0]
	}
	b.nitems = 0
}

// inputs converts row perm[i] of the compact set into the buffer x[i] and
// sets a[i] = x[i], for every i. With own (the stepper's mini-batch, when
// layer 1 is split across threads), every helper also converts the rows
// into its own copy, which its chunks of layer 1's forward and gradient
// phases read instead (until the next inputs): converting 100 rows of 784
// bytes costs less than fetching their 627 KB of float64s from the
// caller's cache.
func (b *batch) inputs(net *Network, set Set, perm []int, x, a [][]float64, own bool) {
	b.ph = phase{kind: phInput, set: set, perm: perm, x: x, a: a}
	b.reset()
	k, in := len(perm), set.Inputs()
	b.ownK = 0
	if own && b.want > 1 && b.layerWork(net.Layers[0], k) >= b.minWork && k*in <= maxOwnInputs {
		// One chunk per goroutine: p's copy (the caller's is x).
		for p := range b.items {
			if p > 0 {
				for len(b.xown[p]) < k {
					b.xown[p] = append(b.xown[p], alignedRows(1, in)[0])
				}
			}
			b.items[p] = append(b.items[p], item{p, 0, k})
			b.nitems++
		}
		b.ownK = k
	} else {
		// A value costs about as long as 4 multiply-adds (a byte read and
		// converted, a float64 written).
		b.cut(0, k, 1, 4*in*k)
	}
	b.exec()
}

// xFor is the rows of layer 1's inputs that goroutine p reads: its own copy
// when inputs made one for these k rows, else rows.
func (b *batch) xFor(p int, rows [][]float64) [][]float64 {
	if p > 0 && b.ownK > 0 && len(rows) == b.ownK {
		return b.xown[p][:b.ownK]
	}
	return rows
}

// endInputs drops the helpers' copies from use (the next phases of layer 1
// read other rows).
func (b *batch) endInputs() { b.ownK = 0 }

// sgdArgs are an SGD step's: w ← w − η·(g·inv) for every weight and bias,
// the old and new values recorded in last, each layer's ‖g·inv‖_F added to
// norms (summed per tile of rankR rows, tiles in order: the same bits for
// any number of threads).
type sgdArgs struct {
	last     []Update
	eta, inv float64
	norms    []float64
}

// sgd does the SGD step of every layer from the batch sums gw, gb and
// reports which layers' new values are all finite.
func (b *batch) sgd(net *Network, gw, gb [][]float64, step *sgdArgs) []bool {
	b.ph = phase{kind: phSGD, net: net, gw: gw, gb: gb, step: step}
	b.reset()
	b.prepSGD(net)
	for l, layer := range net.Layers {
		b.cut(l, layer.Out, rankR, b.layerWork(layer, 1))
	}
	b.exec()
	return b.sgdDone(net, step)
}

// prepSGD makes the per-tile results' room.
func (b *batch) prepSGD(net *Network) {
	L := len(net.Layers)
	if len(b.tileSq) != L {
		b.tileSq, b.tileOK = make([][]float64, L), make([][]bool, L)
	}
	for l, layer := range net.Layers {
		tiles := (layer.Out + rankR - 1) / rankR
		if len(b.tileSq[l]) != tiles {
			b.tileSq[l], b.tileOK[l] = make([]float64, tiles), make([]bool, tiles)
		}
	}
}

// sgdDone adds the tiles' squares to the norms, tiles in order, and reports
// which layers' new values are all finite.
func (b *batch) sgdDone(net *Network, step *sgdArgs) []bool {
	ok := b.okL[:0]
	for l := range net.Layers {
		sq, good := 0.0, true
		for t, v := range b.tileSq[l] {
			sq += v
			good = good && b.tileOK[l][t]
		}
		step.norms[l] += math.Sqrt(sq)
		ok = append(ok, good)
	}
	b.okL = ok
	return ok
}

// sgdRows does the SGD step of rows lo..hi−1 of layer l.
func (b *batch) sgdRows(l, lo, hi int) {
	ph := &b.ph
	layer, st := ph.net.Layers[l], ph.step
	u := &st.last[l]
	t0 := lo / rankR
	// The new values are the weights themselves: freshLast writes them
	// into the record when somebody looks.
	ok := sgdRows(layer.W, ph.gw[l], u.OldW, nil, st.eta, st.inv, layer.In, lo, hi, b.tileSq[l][t0:])
	ok = sgdStepRecord(layer.B[lo:hi], ph.gb[l][lo:hi], u.OldB[lo:hi], nil, st.inv, 0, 0, st.eta) && ok
	for t := t0; t < (hi+rankR-1)/rankR; t++ {
		b.tileOK[l][t] = ok
	}
}

// layerWork is the work a layer's phases are cut by: In·Out·m multiply-adds,
// m the mini-batch's size (when the stepper has set it) even when a call
// has fewer samples k, so that a layer is split alike in every phase and
// call and its rows stay with their owners; 0 (never split) for a layer of
// fewer than minSplitOut neurons, whose split half would be smaller than
// the samples' rows the helper must first fetch from the caller's cache.
func (b *batch) layerWork(layer *Layer, k int) int {
	if b.minWork > 0 && layer.Out < minSplitOut {
		return 0
	}
	return layer.In * layer.Out * max(b.m, k)
}

// cut appends the chunks of n outputs of layer l (tiles of tile outputs,
// work multiply-adds in all): one, owned by the caller, when the phase stays
// on the caller, else about chunksPerThread per goroutine, none smaller than
// chunkWork, the first parts/threads of them owned by goroutine 0, the next
// by goroutine 1, and so on.
func (b *batch) cut(l, n, tile, work int) {
	parts, threads := 1, b.want
	split := threads > 1 && work >= b.minWork
	if split {
		tiles := (n + tile - 1) / tile
		parts = min(tiles, chunksPerThread*threads, max(1, work/chunkWork))
		if b.minWork == 0 { // tests: as many chunks as tiles allow
			parts = min(tiles, chunksPerThread*threads)
		}
	}
	for p := range parts {
		lo, hi := splitTiles(n, tile, parts, p)
		if lo < hi {
			owner := 0
			if split {
				owner = p * threads / parts
			}
			b.items[owner] = append(b.items[owner], item{l, lo, hi})
			b.nitems++
		}
	}
}

// exec runs the current phase's chunks: on the caller alone when it owns
// them all (no layer of the phase was split), else on every goroutine of
// the pool.
func (b *batch) exec() {
	if len(b.items[0]) == b.nitems {
		for _, own := range b.items {
			for _, it := range own {
				b.run(0, it)
			}
		}
	} else {
		if b.pool == nil {
			// The helpers start with the first phase that needs them (a
			// net whose layers are all too small never starts any).
			b.pool = newPool(b.want, b.part)
		}
		b.gen++
		b.done.Store(0)
		for p, own := range b.items {
			b.claim[p].Store(b.gen<<32 | uint64(len(own))<<16)
		}
		b.pool.run()
		for i := 0; int(b.done.Load()) < b.nitems; i++ {
			if i >= 64 && b.pool.yield {
				runtime.Gosched()
			}
		}
	}
	b.ph = phase{}
}

// part is goroutine p's share of a phase: its own chunks, then those of the
// others that nobody has claimed (a helper that wakes late finds a newer
// gen, or nothing left, and returns).
func (b *batch) part(p int) {
	gen := b.claim[p].Load() >> 32
	n := len(b.claim)
	for i := range n {
		q := (p + i) % n
		for {
			c := b.claim[q].Load()
			items, next := c>>16&0xffff, c&0xffff
			if c>>32 != gen || next >= items {
				break
			}
			if b.claim[q].CompareAndSwap(c, c+1) {
				b.run(p, b.items[q][next])
				b.done.Add(1)
			}
		}
	}
}

// run does one chunk on goroutine p.
func (b *batch) run(p int, it item) {
	ph := &b.ph
	lo, hi := it.lo, it.hi
	switch ph.kind {
	case phForward:
		layer := ph.net.Layers[ph.l]
		x := ph.x
		if ph.l == 0 {
			x = b.xFor(p, x)
		}
		forwardRange(layer.W, layer.B, layer.In, x, ph.z, lo, hi, b.spill[p])
		if layer.Act != Softmax {
			for r, z := range ph.z {
				layer.Act.apply(z[lo:hi], ph.a[r][lo:hi])
			}
		}
	case phBackward:
		layer := ph.net.Layers[ph.l]
		backwardRange(b.wRows[ph.l+1], b.bpack, ph.d, lo, hi)
		for r, d := range ph.d {
			layer.Act.mulDeriv(d[lo:hi], ph.z[r][lo:hi], ph.a[r][lo:hi])
		}
	case phGrad:
		l, layer := it.l, ph.net.Layers[it.l]
		end := ph.first + ph.k
		x := ph.aa[l][ph.first:end]
		if l == 0 {
			x = b.xFor(p, x)
		}
		gradRange(b.gRows[l], ph.gb[l], layer.In, ph.da[l][ph.first:end], x, lo, hi, b.gpack[l], ph.zero)
		if ph.step != nil {
			b.sgdRows(l, lo, hi)
		}
	case phInput:
		// Ask for every row first: the rows are scattered (a shuffled
		// order), and their reads overlap only when they are all in flight.
		for _, k := range ph.perm[lo:hi] {
			ph.set.Prefetch(k)
		}
		if b.ownK > 0 && it.l > 0 { // goroutine it.l's own copy
			for i := lo; i < hi; i++ {
				ph.set.Input(ph.perm[i], b.xown[it.l][i])
			}
			break
		}
		for i := lo; i < hi; i++ {
			ph.a[i] = ph.set.Input(ph.perm[i], ph.x[i])
		}
	case phSGD:
		b.sgdRows(it.l, lo, hi)
	}
}

// grow returns v (reused when big enough) with n values.
func grow(v []float64, n int) []float64 {
	if cap(v) < n {
		return make([]float64, n, max(n, 2*cap(v)))
	}
	return v[:n]
}

// rowViews returns v (reused) holding the out rows of the out×in matrix w.
func rowViews(v [][]float64, w []float64, in, out int) [][]float64 {
	if cap(v) < out {
		v = make([][]float64, out)
	}
	v = v[:out]
	for j := range v {
		v[j] = w[j*in : (j+1)*in : (j+1)*in]
	}
	return v
}

// splitTiles returns part p of n items split into parts ranges whose
// boundaries are multiples of tile (so a split never changes a tile).
func splitTiles(n, tile, parts, p int) (lo, hi int) {
	tiles := (n + tile - 1) / tile
	lo = min(n, tiles*p/parts*tile)
	hi = min(n, tiles*(p+1)/parts*tile)
	return lo, hi
}
