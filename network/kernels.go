package network

import "math"

// The kernels below do all of the engine's multiply-adds. Both the stepped
// path (one sample at a time) and the fast path (a run of samples of one
// mini-batch) call them; with several samples they only reuse each weight
// load across samples. Every sum is accumulated in the same order for every
// sample, with math.FMA (exactly rounded on every platform), so the result
// for a sample does not depend on how many samples share a call. That is
// what makes stepping bit-identical to running.

// forwardRows sets z[s] = W·x[s] + b for every sample s:
//
//	z_j = (Σ_k fma over k = 0..in−1 of w_jk·x_k) + b_j
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
				a0 = math.FMA(va, x0[k], a0)
				a1 = math.FMA(va, x1[k], a1)
				a2 = math.FMA(va, x2[k], a2)
				a3 = math.FMA(va, x3[k], a3)
				b0 = math.FMA(vb, x0[k], b0)
				b1 = math.FMA(vb, x1[k], b1)
				b2 = math.FMA(vb, x2[k], b2)
				b3 = math.FMA(vb, x3[k], b3)
			}
			z0[j], z1[j], z2[j], z3[j] = a0+b[j], a1+b[j], a2+b[j], a3+b[j]
			z0[j+1], z1[j+1], z2[j+1], z3[j+1] = b0+b[j+1], b1+b[j+1], b2+b[j+1], b3+b[j+1]
		}
		for ; j < out; j++ {
			wa := w[j*in : j*in+in]
			var a0, a1, a2, a3 float64
			for k, va := range wa {
				a0 = math.FMA(va, x0[k], a0)
				a1 = math.FMA(va, x1[k], a1)
				a2 = math.FMA(va, x2[k], a2)
				a3 = math.FMA(va, x3[k], a3)
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
				a0 = math.FMA(va, x0[k], a0)
				b0 = math.FMA(wb[k], x0[k], b0)
			}
			z0[j], z0[j+1] = a0+b[j], b0+b[j+1]
		}
		for ; j < out; j++ {
			wa := w[j*in : j*in+in]
			var a0 float64
			for k, va := range wa {
				a0 = math.FMA(va, x0[k], a0)
			}
			z0[j] = a0 + b[j]
		}
	}
}

// backRows sets t[s] = Wᵀ·d[s] for every sample s, where W is out×in:
//
//	t_k = Σ_j fma over j = 0..out−1 of w_jk·d_j
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
				ts[k] = math.FMA(v, dj, ts[k])
			}
		}
	}
}

// accumRows adds every sample's gradient to the batch sums, samples in order:
//
//	gw_jk ← fma(d_j, a_k, gw_jk),  gb_j ← gb_j + d_j
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
				ga[k] = math.FMA(p3, u3, math.FMA(p2, u2, math.FMA(p1, u1, math.FMA(p0, u0, ga[k]))))
				gb2[k] = math.FMA(q3, u3, math.FMA(q2, u2, math.FMA(q1, u1, math.FMA(q0, u0, gb2[k]))))
			}
		}
		for ; j < out; j++ {
			ga := gw[j*in : j*in+in]
			p0, p1, p2, p3 := d0[j], d1[j], d2[j], d3[j]
			for k := range ga {
				ga[k] = math.FMA(p3, a3[k], math.FMA(p2, a2[k], math.FMA(p1, a1[k], math.FMA(p0, a0[k], ga[k]))))
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
				ga[k] = math.FMA(p, u, ga[k])
			}
			gb[j] += p
		}
	}
}
