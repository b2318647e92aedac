package network

// SeqTrace is the current sequence's intermediates at every time step, on
// a sequence set (Trace.Seq). Slices are the Stepper's, overwritten by the
// next step: copy what you keep. Values of phases not yet reached are stale.
type SeqTrace struct {
	T    int // time steps of the sequence
	Time int // the cursor's step (Pos.Time)
	// X[t] is x_t; Y[t] is y_t, nil at a step without target.
	X, Y [][]float64
	// Z[l][t], A[l+1][t] (A[0] = X), Delta[l][t] = δ^l_t, and DH[l][t] =
	// ∂C/∂a^l_t = (W^{l+1})ᵀδ^{l+1}_t + (W_h^l)ᵀδ^l_{t+1} for the hidden
	// layers (the second term only for a recurrent layer, when the error
	// flows back from t+1: see Hyper.BPTT).
	Z, A, Delta, DH [][][]float64
	Costs           []float64 // C at each step (0 without a target)
	// Flows[t] says whether the W_h δ_{t+1} term reached step t.
	Flows []bool
}

// seqTrace fills t.Seq and the per-step views of Trace for the current
// sequence at the cursor's step.
func (s *Stepper) seqTrace(t *Trace) {
	i := s.c.sample
	b := s.sq.buf(s.net, i)
	if b.T == 0 {
		t.Seq = nil
		return
	}
	tt := min(s.c.t, b.T-1)
	L := len(s.net.Layers)
	q := t.Seq
	if q == nil {
		q = &SeqTrace{}
		t.Seq = q
	}
	q.T, q.Time = b.T, tt
	q.X, q.Y, q.Costs = b.a[0][:b.T], b.y[:b.T], b.cost[:b.T]
	q.Z, q.A, q.Delta, q.DH = make([][][]float64, L), make([][][]float64, L+1), make([][][]float64, L), make([][][]float64, L)
	q.A[0] = q.X
	for l := range L {
		q.Z[l], q.A[l+1], q.Delta[l], q.DH[l] = b.z[l][:b.T], b.a[l+1][:b.T], b.d[l][:b.T], b.dh[l][:b.T]
	}
	q.Flows = make([]bool, b.T)
	for k := range b.T {
		q.Flows[k] = flows(k, b.T, s.h.BPTT)
	}
	t.X = b.a[0][tt]
	t.Y = b.y[tt]
	if t.Y == nil {
		t.Y = s.rows.zeroY
	}
	t.HasTarget = b.has[tt]
	for l := range L {
		t.Z[l], t.A[l+1], t.Delta[l] = b.z[l][tt], b.a[l+1][tt], b.d[l][tt]
	}
	t.A[0] = t.X
}

// seqCopy is a copy of a sequence's buffer for the undo stack.
func (b *seqBuf) copyFor(cp *copier) *seqBuf {
	if b == nil {
		return nil
	}
	c := &seqBuf{T: b.T, net: b.net, y: append([][]float64(nil), b.y[:b.T]...), cost: cp.floats(b.cost[:b.T]),
		has: append([]bool(nil), b.has[:b.T]...)}
	cp.bytes += 9 * b.T
	cp3 := func(v [][][]float64) [][][]float64 {
		r := make([][][]float64, len(v))
		for l := range v {
			r[l] = make([][]float64, b.T)
			for t := range b.T {
				r[l][t] = cp.floats(v[l][t])
			}
		}
		return r
	}
	c.z, c.d, c.dh = cp3(b.z), cp3(b.d), cp3(b.dh)
	c.a = make([][][]float64, len(b.a))
	c.a[0] = append([][]float64(nil), b.a[0][:b.T]...) // views of the set's rows
	cp.bytes += 24 * b.T
	for l := 1; l < len(b.a); l++ {
		c.a[l] = make([][]float64, b.T)
		for t := range b.T {
			c.a[l][t] = cp.floats(b.a[l][t])
		}
	}
	return c
}

// restore copies c (a copyFor) back into b.
func (b *seqBuf) restore(c *seqBuf) {
	b.grow(c.T)
	b.T = c.T
	copy(b.y, c.y)
	copy(b.cost, c.cost)
	copy(b.has, c.has)
	copy(b.a[0], c.a[0])
	for l := range b.z {
		for t := range c.T {
			copy(b.z[l][t], c.z[l][t])
			copy(b.d[l][t], c.d[l][t])
			copy(b.dh[l][t], c.dh[l][t])
			copy(b.a[l+1][t], c.a[l+1][t])
		}
	}
}
