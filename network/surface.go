package network

import (
	"errors"
	"fmt"
	"math"
)

// The cost surface: an evaluation, not training. Gradient descent walks
// downhill on the cost
//
//	C(w) = (1/m) Σ_{x ∈ S} C_x(w)  +  (λ2/2n) Σ w²  +  (λ1/n) Σ |w|
//
// (S the chosen samples, m = |S|, n the training set's size; the
// regularisation terms over the weights, not the biases, as in update.go),
// whose gradient is the g every update rule steps with. CostSurface holds
// every parameter fixed but two, p and q, and evaluates C over a grid of
// their values around the current ones:
//
//	C(p₀ + u, q₀ + v),  u = (2c/(Cols−1) − 1)·R_p,  v = (2r/(Rows−1) − 1)·R_q
//
// on a copy of the network: the caller's network, and so the Stepper that
// owns it, is never written.

// Param names one parameter of a network: the weight w^l_jk =
// Layers[Layer].W[J·In + K] from neuron K of the layer before to neuron J,
// or the bias b^l_j when K = −1.
type Param struct{ Layer, J, K int }

// IsBias says whether p is a bias.
func (p Param) IsBias() bool { return p.K < 0 }

// ref returns the slice holding p in net and p's index in it, or an error
// naming what is out of range.
func (p Param) ref(net *Network) ([]float64, int, error) {
	if p.Layer < 0 || p.Layer >= len(net.Layers) {
		return nil, 0, fmt.Errorf("network: parameter of layer %d; the network has layers 0..%d", p.Layer, len(net.Layers)-1)
	}
	l := net.Layers[p.Layer]
	if p.J < 0 || p.J >= l.Out {
		return nil, 0, fmt.Errorf("network: neuron %d of layer %d; it has %d", p.J, p.Layer, l.Out)
	}
	if p.K < 0 {
		return l.B, p.J, nil
	}
	if p.K >= l.In {
		return nil, 0, fmt.Errorf("network: weight %d of neuron %d of layer %d; it has %d inputs", p.K, p.J, p.Layer, l.In)
	}
	return l.W, p.J*l.In + p.K, nil
}

// Value is p's value in net (NaN when p is out of range).
func (p Param) Value(net *Network) float64 {
	v, i, err := p.ref(net)
	if err != nil {
		return math.NaN()
	}
	return v[i]
}

// SurfaceSpec says which surface to evaluate.
type SurfaceSpec struct {
	// P are the two parameters; P[1].Layer < 0 asks for the 1-D slice C(p)
	// along P[0] alone (Rows is then 1).
	P [2]Param
	// Radius is the half-width of the window in each parameter (> 0).
	Radius [2]float64
	// Cols × Rows grid points, at least 1 × 1; odd counts put a point
	// exactly on the current values.
	Cols, Rows int
}

// Slice reports whether the spec asks for a 1-D slice.
func (sp SurfaceSpec) Slice() bool { return sp.P[1].Layer < 0 }

// Surface is C over a grid of two parameters' values (see CostSurface).
type Surface struct {
	SurfaceSpec
	// Centre is the parameters' current values (p₀, q₀).
	Centre [2]float64
	// C[r·Cols + c] is the cost at (U(c), V(r)); row 0 is the smallest q.
	C []float64
	// Cost is C at the current weights, and Grad its gradient (∂C/∂p,
	// ∂C/∂q) there, from backprop over the same samples (with the
	// regularisation terms).
	Cost float64
	Grad [2]float64
	// Samples is m, the samples C averages over.
	Samples int
}

// U is p's value at column c; V is q's value at row r.
func (s *Surface) U(c int) float64 { return gridValue(s.Centre[0], s.Radius[0], c, s.Cols) }
func (s *Surface) V(r int) float64 { return gridValue(s.Centre[1], s.Radius[1], r, s.Rows) }

// At is the cost at grid point (c, r).
func (s *Surface) At(c, r int) float64 { return s.C[r*s.Cols+c] }

// gridValue is x₀ + (2i/(n−1) − 1)·R: x₀ itself at i = (n−1)/2 (n odd).
func gridValue(x0, radius float64, i, n int) float64 {
	if n <= 1 {
		return x0
	}
	return x0 + (2*float64(i)/float64(n-1)-1)*radius
}

// SurfaceWork is the multiply-adds CostSurface does for spec over m
// samples: every grid point runs the layers from the first one holding a
// chosen parameter on; the layers before it run once. A caller with a time
// budget sizes the grid by it.
func SurfaceWork(net *Network, spec SurfaceSpec, m int) float64 {
	first := spec.P[0].Layer
	if !spec.Slice() {
		first = min(first, spec.P[1].Layer)
	}
	first = max(min(first, len(net.Layers)), 0)
	var pre, post float64
	for l, layer := range net.Layers {
		if l < first {
			pre += float64(layer.In * layer.Out)
		} else {
			post += float64(layer.In * layer.Out)
		}
	}
	points := float64(max(spec.Cols, 1)) * float64(max(spec.Rows, 1))
	return float64(m) * (pre + points*post)
}

// ErrSurfaceSamples is CostSurface's error for an empty sample list.
var ErrSurfaceSamples = errors.New("network: a cost surface needs at least one sample")

// CostSurface evaluates C (above) over spec's grid, on a copy of net: the
// samples idx of set (nil: all of them), λ1, λ2 from h, n = set.Len().
// The value at the current point has the bits the mean cost of those
// samples gets from Evaluate (plus the regularisation terms), since the
// samples go through the same kernels and are summed in order. The work is
// SurfaceWork; the result depends only on the arguments.
func CostSurface(net *Network, h Hyper, set Set, idx []int, spec SurfaceSpec) (*Surface, error) {
	pr, err := newProbe(net, set, idx)
	if err != nil {
		return nil, err
	}
	if spec.Slice() {
		spec.Rows, spec.Radius[1] = 1, 1
	}
	if err := checkSurface(pr.net, spec); err != nil {
		return nil, err
	}
	s := &Surface{SurfaceSpec: spec, Samples: len(pr.idx)}
	refs := [2]struct {
		v []float64
		i int
	}{}
	n := 2
	if spec.Slice() {
		n = 1
	}
	for k := range n {
		refs[k].v, refs[k].i, _ = spec.P[k].ref(pr.net)
		s.Centre[k] = refs[k].v[refs[k].i]
	}
	reg := regulariser{l1: h.L1 / float64(set.Len()), l2: h.L2 / float64(set.Len())}
	// the gradient at the current point, from backprop over the samples
	if pr.seq != nil {
		pr.seq.bptt = h.BPTT
	}
	g := pr.gradient()
	for k := range n {
		s.Grad[k] = g.at(spec.P[k]) + reg.grad(spec.P[k], s.Centre[k])
	}
	first := spec.P[0].Layer
	if n == 2 {
		first = min(first, spec.P[1].Layer)
	}
	sums := make([]float64, spec.Cols*spec.Rows)
	move := func(p int) { // the two parameters to grid point p
		for t := range n {
			refs[t].v[refs[t].i] = [2]float64{s.U(p % spec.Cols), s.V(p / spec.Cols)}[t]
		}
	}
	reset := func() {
		for t := range n {
			refs[t].v[refs[t].i] = s.Centre[t]
		}
	}
	if pr.seq != nil { // a sequence set: every step of every layer at each point
		for p := range sums {
			move(p)
			sums[p] = pr.seqCost()
		}
		reset()
	} else {
		pr.each(first, func(k int) {
			for p := range sums {
				move(p)
				pr.costsFrom(first, k, &sums[p])
			}
			reset()
		})
	}
	base := reg.cost(pr.net)
	s.C = sums
	for p := range sums {
		u, v := s.U(p%spec.Cols), s.V(p/spec.Cols)
		c := sums[p]/float64(len(pr.idx)) + base
		c += reg.change(spec.P[0], s.Centre[0], u)
		if n == 2 {
			c += reg.change(spec.P[1], s.Centre[1], v)
		}
		s.C[p] = c
	}
	s.Cost = pr.loss/float64(len(pr.idx)) + base
	return s, nil
}

// checkSurface checks spec against net before anything is allocated.
func checkSurface(net *Network, spec SurfaceSpec) error {
	k := 2
	if spec.Slice() {
		k = 1
	}
	for i := range k {
		if _, _, err := spec.P[i].ref(net); err != nil {
			return err
		}
		if r := spec.Radius[i]; !(r > 0) || !finite(r) {
			return fmt.Errorf("network: surface radius %v; want a finite radius > 0", r)
		}
	}
	if k == 2 && spec.P[0] == spec.P[1] {
		return errors.New("network: a cost surface needs two different parameters")
	}
	if spec.Cols < 1 || spec.Rows < 1 || spec.Cols > MaxGridValues || spec.Rows > MaxGridValues/spec.Cols {
		return fmt.Errorf("network: surface grid of %d × %d points; want 1 ≤ points ≤ %d", spec.Cols, spec.Rows, MaxGridValues)
	}
	return nil
}

// regulariser is the update's regularisation terms: λ1/n and λ2/n.
type regulariser struct{ l1, l2 float64 }

// cost is (λ2/2n) Σ w² + (λ1/n) Σ |w| over every weight of net.
func (r regulariser) cost(net *Network) float64 {
	if r.l1 == 0 && r.l2 == 0 {
		return 0
	}
	s := 0.0
	for _, l := range net.Layers {
		for _, w := range l.W {
			s += r.l2/2*w*w + r.l1*math.Abs(w)
		}
	}
	return s
}

// change is how much the terms change when weight p moves from w0 to w
// (0 for a bias).
func (r regulariser) change(p Param, w0, w float64) float64 {
	if p.IsBias() || r.l1 == 0 && r.l2 == 0 {
		return 0
	}
	return r.l2/2*(w*w-w0*w0) + r.l1*(math.Abs(w)-math.Abs(w0))
}

// grad is the terms' derivative at weight p = w: (λ2/n)·w + (λ1/n)·sgn(w).
func (r regulariser) grad(p Param, w float64) float64 {
	if p.IsBias() {
		return 0
	}
	return r.l2*w + r.l1*sign(w)
}
