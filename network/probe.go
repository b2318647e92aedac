package network

import "fmt"

// probe runs fixed samples through a copy of a network with the Stepper's
// own phases (forwardLayer, backwardLayer, accumulate), so the numbers it
// gives are the ones training computes; CostSurface and GradientFlow are
// built on it. It owns its copy and never writes the network it was made
// from.
type probe struct {
	net  *Network // the copy; CostSurface moves two of its parameters
	set  Set
	idx  []int
	p    *Stepper  // a bare Stepper over net: rows and gradient sums only
	loss float64   // Σ_x C_x of the last gradient()
	seq  *seqProbe // a sequence set's buffer (recurrent_probe.go); nil otherwise
}

// probeChunk is how many samples go through the kernels at once.
const probeChunk = 64

// newProbe copies net for an evaluation over the samples idx of set (nil:
// all of them). It refuses step layers (no gradient) and bad indices.
func newProbe(net *Network, set Set, idx []int) (*probe, error) {
	if err := net.validate(); err != nil {
		return nil, err
	}
	if err := checkRule(net, Backprop); err != nil {
		return nil, err
	}
	if set.Len() != len(set.Y) {
		return nil, fmt.Errorf("network: %d inputs but %d targets", set.Len(), len(set.Y))
	}
	if idx == nil {
		idx = make([]int, set.Len())
		for i := range idx {
			idx[i] = i
		}
	}
	if len(idx) == 0 {
		return nil, ErrSurfaceSamples
	}
	in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]
	for _, i := range idx {
		if i < 0 || i >= set.Len() {
			return nil, fmt.Errorf("network: sample %d out of range 0..%d", i, set.Len()-1)
		}
		if set.Seq == 0 && (set.inputLen(i) != in || len(set.Y[i]) != out) {
			return nil, fmt.Errorf("network: sample %d has %d inputs and %d targets; the network takes %d and gives %d",
				i, set.inputLen(i), len(set.Y[i]), in, out)
		}
	}
	c := net.Clone()
	sq, err := newSeqProbe(c, set, idx)
	if err != nil {
		return nil, err
	}
	p := &Stepper{net: c, rows: newRows(c), bt: newBatch(c, 1)}
	p.w = paramsOf(c)
	p.grad = p.w.zeros()
	if sq == nil {
		p.rows.ensure(c, min(probeChunk, len(idx)))
	}
	return &probe{net: c, set: set, idx: idx, p: p, seq: sq}, nil
}

// each loads the samples a chunk at a time, runs layers 0..first−1 on
// them and calls fn with the chunk's size k (rows 0..k−1 hold it).
func (pr *probe) each(first int, fn func(k int)) {
	r := &pr.p.rows
	for c0 := 0; c0 < len(pr.idx); c0 += probeChunk {
		k := min(probeChunk, len(pr.idx)-c0)
		for i := range k {
			j := pr.idx[c0+i]
			r.input(i, pr.set, j)
			r.y[i] = pr.set.Y[j]
		}
		for l := range min(first, len(pr.net.Layers)) {
			pr.p.forwardLayer(l, 0, k)
		}
		fn(k)
	}
	for i := range r.a[0] {
		r.a[0][i], r.y[i] = r.zeroX, r.zeroY // hold no references to the data
	}
}

// costsFrom runs layers first..L−1 on rows 0..k−1 and adds each sample's
// C_x to *sum, in order.
func (pr *probe) costsFrom(first, k int, sum *float64) {
	L, r := len(pr.net.Layers), &pr.p.rows
	for l := first; l < L; l++ {
		pr.p.forwardLayer(l, 0, k)
	}
	act := pr.net.Layers[L-1].Act
	for i := range k {
		*sum += sampleCost(pr.net.Cost, act, r.a[L][i], r.y[i])
	}
}

// gradient runs every sample forward and backward at the copy's weights,
// leaving Σ_x ∂C_x/∂w in p.grad and Σ_x C_x in loss; after each chunk it
// calls each (if not nil) with the chunk's size, its rows still holding
// z, a and δ. It returns the mean gradient.
func (pr *probe) gradient(each ...func(k int)) meanGrad {
	if pr.seq != nil {
		return pr.seqGradient(nil) // recurrent_probe.go
	}
	p, r := pr.p, &pr.p.rows
	L := len(pr.net.Layers)
	act := pr.net.Layers[L-1].Act
	p.grad.clear()
	p.loss, p.count = 0, 0
	pr.each(L, func(k int) {
		for i := range k {
			r.costs[i] = sampleCost(pr.net.Cost, act, r.a[L][i], r.y[i])
			outputDelta(pr.net.Cost, act, r.z[L-1][i], r.a[L][i], r.y[i], r.d[L-1][i])
		}
		for l := L - 2; l >= 0; l-- {
			p.backwardLayer(l, 0, k)
		}
		p.accumulate(0, k, false)
		for _, f := range each {
			f(k)
		}
	})
	pr.loss = p.loss
	return meanGrad{sums: p.grad, inv: 1 / float64(p.count)}
}

// meanGrad is (1/m) Σ_x ∂C_x/∂w (no regularisation terms).
type meanGrad struct {
	sums params
	inv  float64
}

// at is the mean gradient of parameter q.
func (g meanGrad) at(q Param) float64 {
	if q.IsBias() {
		return g.sums.b[q.Layer][q.J] * g.inv
	}
	in := len(g.sums.w[q.Layer]) / len(g.sums.b[q.Layer])
	return g.sums.w[q.Layer][q.J*in+q.K] * g.inv
}
