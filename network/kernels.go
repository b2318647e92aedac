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

// forwardRows sets z[s] = W·x[s] + b for every sample s:
//
//	z_j = (((w_j0·x_0 + w_j1·x_1) + …) + w_j,in−1·x_in−1) + b_j
func forwardRows(w, b []float64, in, out int, x, z [][]float64) {
	m := len(x)
	s := 0
	for ; s+4 <= m; s += 4 {
		x0, x1, x2, x3 := x[s][:in], x[s+1][:in], x[s+2][:in], x[s+3][:in]
		z0, z1, z2, z3 := z[s][:out], z[s+1][:out], z[s+2][:out], z[s+3][:out]
		j := 0
		for ; j+2 <= out; j += 2 {
			wa := w[j*in : j*in+in]
			wb := w[(j+1)*in : (j+1)*in+in]
			var a0, a1, a2, a3, b0, b1, b2, b3 float64
			for k, va := range wa {
				vb := wb[k]
				a0 += float64(va * x0[k])
				a1 += float64(va * x1[k])
				a2 += float64(va * x2[k])
				a3 += float64(va * x3[k])
				b0 += float64(vb * x0[k])
				b1 += float64(vb * x1[k])
				b2 += float64(vb * x2[k])
				b3 += float64(vb * x3[k])
			}
			z0[j], z1[j], z2[j], z3[j] = a0+b[j], a1+b[j], a2+b[j], a3+b[j]
			z0[j+1], z1[j+1], z2[j+1], z3[j+1] = b0+b[j+1], b1+b[j+1], b2+b[j+1], b3+b[j+1]
		}
		for ; j < out; j++ {
			wa := w[j*in : j*in+in]
			var a0, a1, a2, a3 float64
			for k, va := range wa {
				a0 += float64(va * x0[k])
				a1 += float64(va * x1[k])
				a2 += float64(va * x2[k])
				a3 += float64(va * x3[k])
			}
			z0[j], z1[j], z2[j], z3[j] = a0+b[j], a1+b[j], a2+b[j], a3+b[j]
		}
	}
	for ; s < m; s++ {
		x0, z0 := x[s][:in], z[s][:out]
		j := 0
		for ; j+2 <= out; j += 2 {
			wa := w[j*in : j*in+in]
			wb := w[(j+1)*in : (j+1)*in+in]
			var a0, b0 float64
			for k, va := range wa {
				a0 += float64(va * x0[k])
				b0 += float64(wb[k] * x0[k])
			}
			z0[j], z0[j+1] = a0+b[j], b0+b[j+1]
		}
		for ; j < out; j++ {
			wa := w[j*in : j*in+in]
			var a0 float64
			for k, va := range wa {
				a0 += float64(va * x0[k])
			}
			z0[j] = a0 + b[j]
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
	m := len(d)
	s := 0
	for ; s+4 <= m; s += 4 {
		a0, a1, a2, a3 := a[s][:in], a[s+1][:in], a[s+2][:in], a[s+3][:in]
		d0, d1, d2, d3 := d[s][:out], d[s+1][:out], d[s+2][:out], d[s+3][:out]
		j := 0
		for ; j+2 <= out; j += 2 {
			ga := gw[j*in : j*in+in]
			gb2 := gw[(j+1)*in : (j+1)*in+in]
			p0, p1, p2, p3 := d0[j], d1[j], d2[j], d3[j]
			q0, q1, q2, q3 := d0[j+1], d1[j+1], d2[j+1], d3[j+1]
			for k := range ga {
				u0, u1, u2, u3 := a0[k], a1[k], a2[k], a3[k]
				ga[k] = ga[k] + float64(p0*u0) + float64(p1*u1) + float64(p2*u2) + float64(p3*u3)
				gb2[k] = gb2[k] + float64(q0*u0) + float64(q1*u1) + float64(q2*u2) + float64(q3*u3)
			}
		}
		for ; j < out; j++ {
			ga := gw[j*in : j*in+in]
			p0, p1, p2, p3 := d0[j], d1[j], d2[j], d3[j]
			for k := range ga {
				ga[k] = ga[k] + float64(p0*a0[k]) + float64(p1*a1[k]) + float64(p2*a2[k]) + float64(p3*a3[k])
			}
		}
		for j := range gb[:out] {
			gb[j] = (((gb[j] + d0[j]) + d1[j]) + d2[j]) + d3[j]
		}
	}
	for ; s < m; s++ {
		a0, d0 := a[s][:in], d[s][:out]
		for j, p := range d0 {
			ga := gw[j*in : j*in+in]
			for k, u := range a0 {
				ga[k] += float64(p * u)
			}
			gb[j] += p
		}
	}
}
