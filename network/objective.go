package network

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Evaluations, not training: an Objective is the cost as a function of the
// weights, over a fixed set of samples,
//
//	C(w) = (1/m) Σ_{x ∈ S} C_x(w)  +  (λ2 / 2n) Σ_weights w²
//
// (S the chosen samples, m = |S|, n the training set's size, as in the
// update's L2 term; L1 is left out: its Hessian is 0 wherever it exists).
// It owns a copy of the weights and shares the data (read-only), so once
// made it never touches the Stepper: a caller can evaluate it on another
// goroutine while the Stepper trains. Its gradients come from the
// Stepper's own forward, backward and accumulate work (phases.go), so they
// are the numbers training uses. Sharpness (sharpness.go) is built on it.
//
// Vectors over the parameters (gradients, directions, eigenvectors) are
// flat: layer by layer, each layer's weights row-major (W[j*In+k], as in
// Layer.W), then its biases, then a recurrent layer's W_h (row-major, as
// Layer.WH). Param maps an index back. On a sequence set C_x is the
// sequence's cost through time (recurrent.go) and the gradient comes from
// backpropagation through time, truncated as Hyper.BPTT says.

// Objective is the cost over fixed samples at a copy of some weights. It
// is not safe for concurrent use (it has work buffers); make one per
// goroutine.
type Objective struct {
	net  *Network // the copy; its weights are moved by the evaluations
	base []float64
	set  Set
	idx  []int   // the samples, indices into set
	l2   float64 // λ2/n
	p    *Stepper
	off  []int   // off[l]: where layer l starts in a flat vector
	sb   *seqBuf // a sequence set's buffer (nil otherwise)
	bptt int
}

// objectiveChunk is how many samples go through the kernels at once.
const objectiveChunk = 64

// Objective returns the cost at the stepper's current weights over the
// training samples idx (nil: the whole training set), with its L2 term.
// Call it on the goroutine that drives the stepper; the result is
// independent of it.
func (s *Stepper) Objective(idx []int) (*Objective, error) {
	return NewObjective(s.net, s.h, s.train, idx)
}

// NewObjective returns the cost of a copy of net over the samples idx of
// train (nil: all of them), with h's L2 term scaled by 1/train.Len().
func NewObjective(net *Network, h Hyper, train Set, idx []int) (*Objective, error) {
	if err := net.validate(); err != nil {
		return nil, err
	}
	if err := checkRule(net, Backprop); err != nil {
		return nil, err
	}
	if train.Len() == 0 || train.Len() != len(train.Y) {
		return nil, errors.New("network: an objective needs training samples")
	}
	if idx == nil {
		idx = make([]int, train.Len())
		for i := range idx {
			idx[i] = i
		}
	}
	if len(idx) == 0 {
		return nil, errors.New("network: an objective needs at least one sample")
	}
	in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]
	for _, i := range idx {
		if i < 0 || i >= train.Len() {
			return nil, fmt.Errorf("network: sample %d out of range 0..%d", i, train.Len()-1)
		}
		if train.Seq == 0 && (train.inputLen(i) != in || len(train.Y[i]) != out) {
			return nil, fmt.Errorf("network: sample %d has %d inputs and %d targets, the network takes %d and gives %d",
				i, train.inputLen(i), len(train.Y[i]), in, out)
		}
	}
	c := net.Clone()
	o := &Objective{net: c, set: train, idx: idx, l2: h.L2 / float64(train.Len()), bptt: h.BPTT}
	switch {
	case train.Seq > 0:
		if err := checkSeq("training", train.Pick(idx), c); err != nil {
			return nil, err
		}
		o.sb = newSeqBuf(c)
	case c.IsRecurrent():
		return nil, ErrSequence
	}
	p := &Stepper{net: c, rows: newRows(c), bt: newBatch(c, 1)}
	p.w = paramsOf(c)
	p.grad = p.w.zeros()
	if o.sb == nil {
		p.rows.ensure(c, min(objectiveChunk, len(idx)))
	}
	o.p = p
	n := 0
	for _, l := range c.Layers {
		o.off = append(o.off, n)
		n += len(l.W) + len(l.B) + len(l.WH)
	}
	o.base = make([]float64, n)
	o.get(o.base)
	return o, nil
}

// Len is the number of parameters (the length of every flat vector).
func (o *Objective) Len() int { return len(o.base) }

// Samples is the number of samples the cost averages over.
func (o *Objective) Samples() int { return len(o.idx) }

// Weights returns a copy of the weights the objective is at, flat.
func (o *Objective) Weights() []float64 { return append([]float64(nil), o.base...) }

// Param says which parameter flat index i is: weight w^layer_{neuron,input},
// the bias of neuron when input is −1, or a recurrent weight W_h[neuron]
// [input − In] (from h_{t−1}) when input ≥ the layer's In.
func (o *Objective) Param(i int) (layer, neuron, input int) {
	for l := len(o.off) - 1; l >= 0; l-- {
		if i >= o.off[l] {
			ly := o.net.Layers[l]
			k := i - o.off[l]
			if k < len(ly.W) {
				return l, k / ly.In, k % ly.In
			}
			if k -= len(ly.W); k < len(ly.B) {
				return l, k, -1
			}
			k -= len(ly.B)
			return l, k / ly.Out, ly.In + k%ly.Out
		}
	}
	return -1, -1, -1
}

// LayerOf is the layer flat index i belongs to.
func (o *Objective) LayerOf(i int) int {
	l, _, _ := o.Param(i)
	return l
}

// get copies the copy's weights into v (flat).
func (o *Objective) get(v []float64) {
	for l, ly := range o.net.Layers {
		copy(v[o.off[l]:], ly.W)
		copy(v[o.off[l]+len(ly.W):], ly.B)
		copy(v[o.off[l]+len(ly.W)+len(ly.B):], ly.WH)
	}
}

// moveTo sets the weights to base + t·dir (dir nil: base).
func (o *Objective) moveTo(t float64, dir []float64) {
	for l, ly := range o.net.Layers {
		k := o.off[l]
		for i := range ly.W {
			ly.W[i] = o.base[k+i]
			if dir != nil {
				ly.W[i] += t * dir[k+i]
			}
		}
		k += len(ly.W)
		for i := range ly.B {
			ly.B[i] = o.base[k+i]
			if dir != nil {
				ly.B[i] += t * dir[k+i]
			}
		}
		k += len(ly.B)
		for i := range ly.WH {
			ly.WH[i] = o.base[k+i]
			if dir != nil {
				ly.WH[i] += t * dir[k+i]
			}
		}
	}
}

// ErrNotFinite is returned when the cost or its gradient is NaN or ±Inf at
// the weights asked about.
var ErrNotFinite = errors.New("network: the cost or its gradient is NaN or ±Inf at these weights")

// Cost is C at the objective's weights.
func (o *Objective) Cost() (float64, error) {
	o.moveTo(0, nil)
	c := o.sums()
	if !finite(c) {
		return c, ErrNotFinite
	}
	return c, nil
}

// Gradient sets g = ∇C at the objective's weights (g of length Len; nil
// allocates) and returns it with C.
func (o *Objective) Gradient(g []float64) ([]float64, float64, error) {
	return o.gradientAt(0, nil, g)
}

// gradientAt is ∇C at base + t·dir.
func (o *Objective) gradientAt(t float64, dir, g []float64) ([]float64, float64, error) {
	if g == nil {
		g = make([]float64, o.Len())
	}
	o.moveTo(t, dir)
	c := o.sums()
	inv := 1 / float64(len(o.idx))
	p := o.p
	for l, ly := range o.net.Layers {
		k := o.off[l]
		for i, w := range ly.W {
			g[k+i] = p.grad.w[l][i]*inv + o.l2*w
		}
		k += len(ly.W)
		for i := range ly.B {
			g[k+i] = p.grad.b[l][i] * inv
		}
		k += len(ly.B)
		for i, w := range ly.WH {
			g[k+i] = p.grad.wh[l][i]*inv + o.l2*w
		}
	}
	if !finite(c) || !finiteAll(g) {
		return g, c, ErrNotFinite
	}
	return g, c, nil
}

// sums runs every sample through the network at its current weights,
// leaving Σ_x ∂C_x/∂w in p.grad, and returns C (with the L2 term).
func (o *Objective) sums() float64 {
	p, r := o.p, &o.p.rows
	net := o.net
	L := len(net.Layers)
	act := net.Layers[L-1].Act
	p.grad.clear()
	p.loss, p.count = 0, 0
	if o.sb != nil { // sequences, through time
		for _, i := range o.idx {
			b := o.sb
			b.set(o.set.X[i], o.set.Y[i], o.set.Seq)
			b.forwardAll()
			p.loss += b.costs()
			b.backwardAll(o.bptt)
			b.accumulate(p.grad)
		}
	}
	for first := 0; o.sb == nil && first < len(o.idx); first += objectiveChunk {
		k := min(objectiveChunk, len(o.idx)-first)
		for i := range k {
			j := o.idx[first+i]
			r.input(i, o.set, j)
			r.y[i] = o.set.Y[j]
		}
		for l := range L {
			p.forwardLayer(l, 0, k)
		}
		for i := range k {
			r.costs[i] = sampleCost(net.Cost, act, r.a[L][i], r.y[i])
			outputDelta(net.Cost, act, r.z[L-1][i], r.a[L][i], r.y[i], r.d[L-1][i])
		}
		for l := L - 2; l >= 0; l-- {
			p.backwardLayer(l, 0, k)
		}
		p.accumulate(0, k, false)
	}
	for i := range r.a[0] {
		r.a[0][i], r.y[i] = r.zeroX, r.zeroY // hold no references to the data
	}
	c := p.loss / float64(len(o.idx))
	if o.l2 != 0 {
		s := 0.0
		for _, ly := range net.Layers {
			for _, w := range ly.W {
				s += w * w
			}
			for _, w := range ly.WH {
				s += w * w
			}
		}
		c += o.l2 / 2 * s
	}
	return c
}

// SampleIndices returns k indices of 0..n−1: the first k of a permutation
// drawn from seed, sorted. k ≤ 0 or k ≥ n gives all of them in order.
// Sharpness over a large training set uses it to pick a fixed subset.
func SampleIndices(n, k int, seed uint64) []int {
	if k <= 0 || k >= n {
		idx := make([]int, max(n, 0))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	rng := rand.New(rand.NewPCG(seed, sampleStream))
	p := rng.Perm(n)[:k]
	slices.Sort(p)
	return p
}

// sampleStream is the PCG stream of SampleIndices and of Sharpness's
// starting direction.
const sampleStream = 0x5bd1e995

// BatchIndices returns the training indices of the current mini-batch (the
// one the next Update applies, or the last one's at an Update).
func (s *Stepper) BatchIndices() []int {
	c := s.c
	end := min(c.start+c.m, len(s.order.perm))
	return append([]int(nil), s.order.perm[c.start:end]...)
}

// norm2 is the Euclidean norm.
func norm2(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}
