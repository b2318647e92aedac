package network

import "runtime"

// batch runs the kernels of one layer, or of all layers, for a block of
// samples, split across the goroutines of a pool. Every output is computed
// by exactly one part, in the order gemm.go fixes, so the results have the
// same bits for any number of threads (and for one sample at a time):
//
//	forward   parts take ranges of neurons (z and a of the layer)
//	backward  parts take ranges of the layer's neurons k (δ_k for all samples)
//	gradient  parts take ranges of neurons of every layer (rows of ∂W, ∂b)
//
// A phase too small to pay for the hand-off runs on the caller alone.
type batch struct {
	pool *pool // nil: one thread
	ph   phase

	spill [][]float64   // spill[p]: forwardRange's scratch for part p
	bpack []float64     // δ of the layer above, packed by packSampleTiles
	gpack [][]float64   // gpack[l]: δ of layer l, packed by packNeuronTiles
	wRows [][][]float64 // wRows[l][j]: row j of W^l
	gRows [][][]float64 // gRows[l][j]: row j of ∂W^l
}

type phaseKind uint8

const (
	phForward phaseKind = iota
	phBackward
	phGrad
)

// phase is the work the parts of a pool share; it is set before the pool
// runs and cleared after, so no stale rows are kept alive.
type phase struct {
	kind  phaseKind
	parts int
	net   *Network
	l     int
	// forward: x → z, a of layer l; backward: δ of layer l into d (z, a
	// of layer l for σ'); gradient: rows first..first+k of every layer.
	x, z, a, d [][]float64
	aa, da     [][][]float64
	first, k   int
	gw, gb     [][]float64
}

// minParallelWork is the fewest multiply-adds a phase must have to be split
// (a hand-off costs about a microsecond, ~40k multiply-adds).
const minParallelWork = 1 << 16

// DefaultThreads is the number of threads training uses unless told
// otherwise: every core the Go runtime may use.
func DefaultThreads() int { return max(1, runtime.GOMAXPROCS(0)) }

// newBatch returns a batch runner for net with up to threads goroutines
// (helpers start now and run until close).
func newBatch(net *Network, threads int) *batch {
	L := len(net.Layers)
	b := &batch{wRows: make([][][]float64, L), gRows: make([][][]float64, L), gpack: make([][]float64, L)}
	for range max(threads, 1) {
		b.spill = append(b.spill, make([]float64, fwdSpillLen))
	}
	if threads > 1 {
		b.pool = newPool(threads, b.part)
	}
	return b
}

// threads is the number of goroutines phases are split across.
func (b *batch) threads() int { return b.pool.parts() }

// close stops the helpers.
func (b *batch) close() { b.pool.close() }

func (b *batch) exec(work int) {
	if b.pool == nil || work < minParallelWork {
		b.ph.parts = 1
		b.part(0)
	} else {
		b.ph.parts = b.pool.parts()
		b.pool.run()
	}
	b.ph = phase{}
}

// forward sets z = W^l·x + b^l and a = σ(z) for every row.
func (b *batch) forward(net *Network, l int, x, z, a [][]float64) {
	layer := net.Layers[l]
	b.ph = phase{kind: phForward, net: net, l: l, x: x, z: z, a: a}
	b.exec(layer.In * layer.Out * len(x))
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
	b.exec(next.In * next.Out * m)
}

// grad adds the gradients of rows first..first+k−1 of every layer to the
// batch sums gw, gb, samples in order: ∂W^l += δ^l·(a^l)ᵀ, ∂b^l += δ^l.
// a[l] holds the inputs of layer l, d[l] its δ.
func (b *batch) grad(net *Network, a, d [][][]float64, first, k int, gw, gb [][]float64) {
	work := 0
	for l, layer := range net.Layers {
		b.gRows[l] = rowViews(b.gRows[l], gw[l], layer.In, layer.Out)
		b.gpack[l] = grow(b.gpack[l], (layer.Out+rankR-1)/rankR*rankR*k)
		work += layer.In * layer.Out * k
	}
	b.ph = phase{kind: phGrad, net: net, aa: a, da: d, first: first, k: k, gw: gw, gb: gb}
	b.exec(work)
}

// part does part p of ph.parts of the current phase.
func (b *batch) part(p int) {
	ph := &b.ph
	switch ph.kind {
	case phForward:
		layer := ph.net.Layers[ph.l]
		lo, hi := splitTiles(layer.Out, fwdMR, ph.parts, p)
		if lo == hi {
			return
		}
		forwardRange(layer.W, layer.B, layer.In, ph.x, ph.z, lo, hi, b.spill[p])
		if layer.Act != Softmax {
			for r, z := range ph.z {
				layer.Act.apply(z[lo:hi], ph.a[r][lo:hi])
			}
		}
	case phBackward:
		layer, next := ph.net.Layers[ph.l], ph.net.Layers[ph.l+1]
		lo, hi := splitTiles(next.In, rankV*lanes, ph.parts, p)
		if lo == hi {
			return
		}
		backwardRange(b.wRows[ph.l+1], b.bpack, ph.d, lo, hi)
		for r, d := range ph.d {
			z, a := ph.z[r], ph.a[r]
			for k := lo; k < hi; k++ {
				d[k] *= layer.Act.deriv(z[k], a[k])
			}
		}
	case phGrad:
		rows := func(v [][]float64) [][]float64 { return v[ph.first : ph.first+ph.k] }
		for l, layer := range ph.net.Layers {
			lo, hi := splitTiles(layer.Out, rankR, ph.parts, p)
			if lo < hi {
				gradRange(b.gRows[l], ph.gb[l], layer.In, rows(ph.da[l]), rows(ph.aa[l]), lo, hi, b.gpack[l])
			}
		}
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
