package network

// The kernels below do all of the engine's multiply-adds. Both the stepped
// path (one sample at a time) and the fast path (a run of samples of one
// mini-batch) call them; with several samples they only reuse each weight
// load across samples. Every sum is accumulated in the same order for every
// sample, so the result for a sample does not depend on how many samples
// share a call. That is what makes stepping bit-identical to running. Products are rounded before
// they are added (the float64 conversions forbid fused multiply-add), so
// results are the same on every platform. (math.FMA would be exact too, but
// without GOAMD64=v3 each call is a branch that spills every register.)

// forwardRows sets z[s] = W·x[s] + b for every sample s. Each dot product
// is summed in four lanes (lane l takes k ≡ l mod 4, below in&^3), reduced
// as (l0 + l2) + (l1 + l3), then the tail k ≥ in&^3 is added in order:
//
//	z_j = ((lane0 + lane2) + (lane1 + lane3) + w_j,n4·x_n4 + …) + b_j
//
// That is the order of one 4-wide AVX register; the Go fallback computes the
// same bits.
func forwardRows(w, b []float64, in, out int, x, z [][]float64) {
	n4 := in &^ 3
	var o [8]float64
	var xs [4][]float64
	m := len(x)
	for s := 0; s < m; s += 4 {
		cnt := min(4, m-s)
		for t := range xs {
			xs[t] = x[s+min(t, cnt-1)][:in] // short groups repeat their last sample
		}
		for j := 0; j < out; j += 2 {
			j1 := min(j+1, out-1)
			w0, w1 := w[j*in:j*in+in], w[j1*in:j1*in+in]
			dot2x4(w0[:n4], w1[:n4], xs[0], xs[1], xs[2], xs[3], &o)
			for t := range cnt {
				zt := z[s+t]
				zt[j] = dotTail(o[t], w0, xs[t], n4) + b[j]
				if j1 != j {
					zt[j1] = dotTail(o[4+t], w1, xs[t], n4) + b[j1]
				}
			}
		}
	}
}

// dotTail adds w_k·x_k for k = n4..len(w)−1, in order, to sum.
func dotTail(sum float64, w, x []float64, n4 int) float64 {
	x = x[:len(w)]
	for k := n4; k < len(w); k++ {
		sum += float64(w[k] * x[k])
	}
	return sum
}

// dot2x4Go is the reference for dot2x4: out[r*4+t] is the four-lane dot
// product of w_r and x_t over len(w0) (a multiple of 4) values.
func dot2x4Go(w0, w1, x0, x1, x2, x3 []float64, out *[8]float64) {
	n := len(w0)
	xs := [4][]float64{x0, x1, x2, x3}
	for r, w := range [2][]float64{w0, w1[:n]} {
		for t, x := range xs {
			x = x[:n]
			var l0, l1, l2, l3 float64
			for k := 0; k+4 <= n; k += 4 {
				l0 += float64(w[k] * x[k])
				l1 += float64(w[k+1] * x[k+1])
				l2 += float64(w[k+2] * x[k+2])
				l3 += float64(w[k+3] * x[k+3])
			}
			out[r*4+t] = (l0 + l2) + (l1 + l3)
		}
	}
}

// backRows sets t[s] = Wᵀ·d[s] for every sample s, where W is out×in:
//
//	t_k = ((w_0k·d_0 + w_1k·d_1) + …), j ascending
//
// The caller multiplies by σ'(z) afterwards.
func backRows(w []float64, in, out int, d, t [][]float64) {
	for s := range d {
		ts := t[s][:in]
		clear(ts)
		ds := d[s][:out]
		for j, dj := range ds {
			wr := w[j*in : j*in+in]
			for k, v := range wr {
				ts[k] += float64(v * dj)
			}
		}
	}
}

// accumRows adds every sample's gradient to the batch sums, samples in order:
//
//	gw_jk ← gw_jk + d_j·a_k,  gb_j ← gb_j + d_j
func accumRows(gw, gb []float64, in, out int, d, a [][]float64) {
	n4 := in &^ 3
	m := len(d)
	s := 0
	for ; s+4 <= m; s += 4 {
		a0, a1, a2, a3 := a[s][:in], a[s+1][:in], a[s+2][:in], a[s+3][:in]
		d0, d1, d2, d3 := d[s][:out], d[s+1][:out], d[s+2][:out], d[s+3][:out]
		for j := range out {
			dd := [4]float64{d0[j], d1[j], d2[j], d3[j]}
			g := gw[j*in : j*in+in]
			accum4(g[:n4], a0, a1, a2, a3, &dd)
			for k := n4; k < in; k++ {
				g[k] = g[k] + float64(dd[0]*a0[k]) + float64(dd[1]*a1[k]) + float64(dd[2]*a2[k]) + float64(dd[3]*a3[k])
			}
			gb[j] = (((gb[j] + dd[0]) + dd[1]) + dd[2]) + dd[3]
		}
	}
	if s+2 <= m {
		a0, a1 := a[s][:in], a[s+1][:in]
		d0, d1 := d[s][:out], d[s+1][:out]
		for j := range out {
			p, q := d0[j], d1[j]
			g := gw[j*in : j*in+in]
			accum2(g[:n4], a0, a1, p, q)
			for k := n4; k < in; k++ {
				g[k] = g[k] + float64(p*a0[k]) + float64(q*a1[k])
			}
			gb[j] = (gb[j] + p) + q
		}
		s += 2
	}
	for ; s < m; s++ {
		a0, d0 := a[s][:in], d[s][:out]
		for j, p := range d0 {
			g := gw[j*in : j*in+in]
			accum1(g[:n4], a0, p)
			for k := n4; k < in; k++ {
				g[k] += float64(p * a0[k])
			}
			gb[j] += p
		}
	}
}

// accum4Go is the reference for accum4:
// g_k ← (((g_k + d0·a0_k) + d1·a1_k) + d2·a2_k) + d3·a3_k.
func accum4Go(g, a0, a1, a2, a3 []float64, d *[4]float64) {
	n := len(g)
	a0, a1, a2, a3 = a0[:n], a1[:n], a2[:n], a3[:n]
	for k := range g {
		g[k] = g[k] + float64(d[0]*a0[k]) + float64(d[1]*a1[k]) + float64(d[2]*a2[k]) + float64(d[3]*a3[k])
	}
}

// accum2Go is the reference for accum2: g_k ← (g_k + d0·a0_k) + d1·a1_k.
func accum2Go(g, a0, a1 []float64, d0, d1 float64) {
	a0, a1 = a0[:len(g)], a1[:len(g)]
	for k := range g {
		g[k] = g[k] + float64(d0*a0[k]) + float64(d1*a1[k])
	}
}

// accum1Go is the reference for accum1: g_k ← g_k + d·a_k.
func accum1Go(g, a []float64, d float64) {
	a = a[:len(g)]
	for k := range g {
		g[k] += float64(d * a[k])
	}
}

// sgdGo is the reference for sgd: w_k ← w_k − η·(g_k·inv), recording the
// old and new values. It returns Σ w_k·0, which is NaN iff some new w_k is
// not finite.
func sgdGo(w, g, oldW, newW []float64, eta, inv float64) (bad float64) {
	g, oldW, newW = g[:len(w)], oldW[:len(w)], newW[:len(w)]
	for k, v := range w {
		nv := v - eta*(g[k]*inv)
		oldW[k], w[k], newW[k] = v, nv, nv
		bad += nv * 0
	}
	return bad
}
