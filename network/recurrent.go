package network

import "math"

// Networks with memory. On a sequence set (Set.Seq > 0) every layer runs at
// every time step t = 0…T−1 of a sample, and a recurrent (Elman) layer l
// also reads its own activations of the step before:
//
//	z^l_t = W^l a^{l−1}_t + W_h^l a^l_{t−1} + b^l     (a^l_{−1} = 0)
//	a^l_t = σ(z^l_t)                                  a^0_t = x_t
//	C_x   = Σ_{t with a target} C(a^L_t, y_t)
//
// Backpropagation through time runs t = T−1…0, and at each t the layers
// top down, so that δ^l_{t+1} is known when δ^l_t is computed:
//
//	δ^L_t   = ∇_a C(a^L_t, y_t) ⊙ σ'(z^L_t)   (0 at a step without target)
//	g^l_t   = (W^{l+1})ᵀ δ^{l+1}_t + (W_h^l)ᵀ δ^l_{t+1}   = ∂C/∂a^l_t
//	δ^l_t   = g^l_t ⊙ σ'(z^l_t)
//	∂C/∂W^l   = Σ_t δ^l_t (a^{l−1}_t)ᵀ,   ∂C/∂b^l = Σ_t δ^l_t
//	∂C/∂W_h^l = Σ_{t≥1} δ^l_t (a^l_{t−1})ᵀ
//
// The W_h δ_{t+1} term is what carries the error back through time; each
// step back multiplies it by W_hᵀ and σ', which is why it fades (or
// explodes) with distance. Truncated BPTT (Hyper.BPTT = K > 0) drops that
// term where t+1 is a multiple of K: the error flows back only within
// windows of K steps, as if h were detached there (the forward pass and
// ∂C/∂W_h's use of a_{t−1} are unchanged).
//
// The stepped and fast paths call the same per-step functions below in the
// same order (plain loops: sequences are small and sequential), so running
// equals stepping bit for bit, for any number of threads (they are not
// used here).

// seqBuf is one sequence's intermediates: z[l][t], a[l][t] (a[0][t] = x_t,
// a[l+1][t] the output of layer l), d[l][t] = δ^l_t, dh[l][t] = g^l_t
// (∂C/∂a^l_t, hidden layers), cost[t] and y[t] (nil: no target).
type seqBuf struct {
	T       int
	y       [][]float64
	z, a, d [][][]float64
	dh      [][][]float64
	cost    []float64
	has     []bool // has[t]: step t has a target
	net     *Network
}

// newSeqBuf returns an empty buffer for net's layers.
func newSeqBuf(net *Network) *seqBuf {
	L := len(net.Layers)
	return &seqBuf{net: net, z: make([][][]float64, L), a: make([][][]float64, L+1),
		d: make([][][]float64, L), dh: make([][][]float64, L)}
}

// set makes b hold the sequence x (T·Seq values) with targets y (T·out).
func (b *seqBuf) set(x, y []float64, seq int) {
	net := b.net
	T := len(x) / seq
	out := net.Sizes[len(net.Sizes)-1]
	b.grow(T)
	b.T = T
	for t := range T {
		b.a[0][t] = x[t*seq : (t+1)*seq : (t+1)*seq]
		yt := y[t*out : (t+1)*out : (t+1)*out]
		b.has[t] = !math.IsNaN(yt[0])
		b.y[t] = yt
		if !b.has[t] {
			b.y[t] = nil
		}
		b.cost[t] = 0
	}
}

// grow makes room for T steps.
func (b *seqBuf) grow(T int) {
	for len(b.y) < T {
		b.y = append(b.y, nil)
		b.cost = append(b.cost, 0)
		b.has = append(b.has, false)
		b.a[0] = append(b.a[0], nil)
		for l, layer := range b.net.Layers {
			b.z[l] = append(b.z[l], make([]float64, layer.Out))
			b.a[l+1] = append(b.a[l+1], make([]float64, layer.Out))
			b.d[l] = append(b.d[l], make([]float64, layer.Out))
			b.dh[l] = append(b.dh[l], make([]float64, layer.Out))
		}
	}
}

// stepLayer computes z = W x + W_h hPrev + b and a = σ(z) for one layer at
// one time step (hPrev nil at t = 0 or for a dense layer). Each z_j sums
// b_j, then W's row, then W_h's row, in index order.
func stepLayer(layer *Layer, x, hPrev, z, a []float64) {
	in, out := layer.In, layer.Out
	for j := range out {
		s := layer.B[j]
		for k, w := range layer.W[j*in : (j+1)*in] {
			s += w * x[k]
		}
		if hPrev != nil && layer.WH != nil {
			for k, w := range layer.WH[j*out : (j+1)*out] {
				s += w * hPrev[k]
			}
		}
		z[j] = s
	}
	layer.Act.apply(z, a)
}

// forward is the Forward phase of layer l at step t.
func (b *seqBuf) forward(l, t int) {
	var hPrev []float64
	if t > 0 {
		hPrev = b.a[l+1][t-1]
	}
	stepLayer(b.net.Layers[l], b.a[l][t], hPrev, b.z[l][t], b.a[l+1][t])
}

// forwardAll runs every step and layer.
func (b *seqBuf) forwardAll() {
	for t := range b.T {
		for l := range b.net.Layers {
			b.forward(l, t)
		}
	}
}

// costs sets cost[t] for the steps with targets and returns C_x = Σ_t cost[t]
// (summed in t order).
func (b *seqBuf) costs() float64 {
	L := len(b.net.Layers)
	act := b.net.Layers[L-1].Act
	sum := 0.0
	for t := range b.T {
		b.cost[t] = 0
		if b.has[t] {
			b.cost[t] = sampleCost(b.net.Cost, act, b.a[L][t], b.y[t])
			sum += b.cost[t]
		}
	}
	return sum
}

// outDelta is the OutputDelta phase at step t: δ^L_t, 0 without a target.
func (b *seqBuf) outDelta(t int) {
	L := len(b.net.Layers)
	if !b.has[t] {
		clear(b.d[L-1][t])
		return
	}
	outputDelta(b.net.Cost, b.net.Layers[L-1].Act, b.z[L-1][t], b.a[L][t], b.y[t], b.d[L-1][t])
}

// flows reports whether the error flows from step t+1 back to step t
// through W_h under truncation bptt (0: always).
func flows(t, T, bptt int) bool {
	return t+1 < T && (bptt == 0 || (t+1)%bptt != 0)
}

// backward is the Backward phase of hidden layer l at step t:
// g = (W^{l+1})ᵀ δ^{l+1}_t [+ (W_h^l)ᵀ δ^l_{t+1}], δ^l_t = g ⊙ σ'(z^l_t).
func (b *seqBuf) backward(l, t, bptt int) {
	layer, next := b.net.Layers[l], b.net.Layers[l+1]
	g, dn := b.dh[l][t], b.d[l+1][t]
	out := layer.Out
	for k := range out {
		s := 0.0
		for j, dj := range dn {
			s += next.W[j*next.In+k] * dj
		}
		g[k] = s
	}
	if layer.WH != nil && flows(t, b.T, bptt) {
		d1 := b.d[l][t+1]
		for k := range out {
			s := g[k]
			for j, dj := range d1 {
				s += layer.WH[j*out+k] * dj
			}
			g[k] = s
		}
	}
	z, a, d := b.z[l][t], b.a[l+1][t], b.d[l][t]
	for k := range out {
		d[k] = g[k] * layer.Act.deriv(z[k], a[k])
	}
}

// backwardAll runs the output δ and every hidden layer, t = T−1…0.
func (b *seqBuf) backwardAll(bptt int) {
	L := len(b.net.Layers)
	for t := b.T - 1; t >= 0; t-- {
		b.outDelta(t)
		for l := L - 2; l >= 0; l-- {
			b.backward(l, t, bptt)
		}
	}
}

// accumulate adds the sequence's gradients to g, layer by layer, t in order:
// ∂W^l += δ^l_t (a^{l−1}_t)ᵀ, ∂b^l += δ^l_t, ∂W_h^l += δ^l_t (a^l_{t−1})ᵀ.
func (b *seqBuf) accumulate(g params) {
	for l, layer := range b.net.Layers {
		in, out := layer.In, layer.Out
		gw, gb := g.w[l], g.b[l]
		var gwh []float64
		if g.wh != nil {
			gwh = g.wh[l]
		}
		for t := range b.T {
			d, x := b.d[l][t], b.a[l][t]
			for j, dj := range d {
				row := gw[j*in : (j+1)*in]
				for k, v := range x {
					row[k] += dj * v
				}
				gb[j] += dj
			}
			if gwh == nil || t == 0 {
				continue
			}
			hp := b.a[l+1][t-1]
			for j, dj := range d {
				row := gwh[j*out : (j+1)*out]
				for k, v := range hp {
					row[k] += dj * v
				}
			}
		}
	}
}

// ForwardSeq runs the sequence x (T·Sizes[0] values, time-major) through n
// from a zero hidden state and returns the output at every step (fresh
// slices). It computes the bits training computes.
func (n *Network) ForwardSeq(x []float64) [][]float64 {
	in := n.Sizes[0]
	if len(x) < in {
		return nil
	}
	b := newSeqBuf(n)
	T := len(x) / in
	b.set(x[:T*in], make([]float64, T*n.Sizes[len(n.Sizes)-1]), in)
	b.forwardAll()
	out := make([][]float64, T)
	for t := range T {
		out[t] = append([]float64(nil), b.a[len(n.Layers)][t]...)
	}
	return out
}

// Runner feeds a network one time step at a time, keeping each recurrent
// layer's state (a text sampler feeds back what it drew). Its numbers are
// ForwardSeq's.
type Runner struct {
	net  *Network
	h    [][]float64 // h[l]: a^l of the previous step (nil before the first)
	z, a [][]float64
}

// NewRunner starts at a zero hidden state.
func (n *Network) NewRunner() *Runner {
	r := &Runner{net: n, h: make([][]float64, len(n.Layers))}
	for _, l := range n.Layers {
		r.z, r.a = append(r.z, make([]float64, l.Out)), append(r.a, make([]float64, l.Out))
	}
	return r
}

// Step feeds x_t (Sizes[0] values) and returns the output a^L_t (owned by
// the Runner until the next Step).
func (r *Runner) Step(x []float64) []float64 {
	in := x
	for l, layer := range r.net.Layers {
		stepLayer(layer, in, r.h[l], r.z[l], r.a[l])
		in = r.a[l]
	}
	for l := range r.net.Layers {
		if r.h[l] == nil {
			r.h[l] = make([]float64, len(r.a[l]))
		}
		copy(r.h[l], r.a[l])
	}
	return in
}

// Reset returns the Runner to the zero hidden state.
func (r *Runner) Reset() { clear(r.h) }

// updateWH applies the optimizer to the recurrent layers' W_h, as update
// does to W (the L1/L2 terms apply: W_h are weights).
func (s *Stepper) updateWH(inv, l1, l2, c1, c2 float64) {
	h := &s.h
	for l, layer := range s.net.Layers {
		if layer.WH == nil {
			continue
		}
		u := &s.last[l]
		g := s.grad.wh[l]
		ok := true
		switch h.Opt {
		case SGD:
			ok = sgdStepRecord(layer.WH, g, u.OldWH, u.NewWH, inv, l1, l2, h.Eta)
		case Momentum:
			copy(u.OldWH, layer.WH)
			ok = momentumStep(layer.WH, s.m.wh[l], g, inv, l1, l2, h.Eta, h.Mu)
			copy(u.NewWH, layer.WH)
		case Adam:
			copy(u.OldWH, layer.WH)
			ok = adamStep(layer.WH, s.m.wh[l], s.v.wh[l], g, inv, l1, l2, h, c1, c2)
			copy(u.NewWH, layer.WH)
		}
		if !ok {
			s.diverge(l, "weights")
		}
	}
}

// clipScale is the factor gradient clipping applies to the batch's mean
// gradient g = inv·Σ_x ∂C_x/∂θ: Clip/‖g‖ when ‖g‖ > Clip, else 1.
func (s *Stepper) clipScale(inv float64) float64 {
	if s.h.Clip <= 0 {
		return 1
	}
	sq := 0.0
	for _, v := range [][][]float64{s.grad.w, s.grad.b, s.grad.wh} {
		for _, r := range v {
			for _, x := range r {
				sq += (x * inv) * (x * inv)
			}
		}
	}
	if n := math.Sqrt(sq); n > s.h.Clip {
		return s.h.Clip / n
	}
	return 1
}
