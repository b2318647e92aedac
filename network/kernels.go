package network

// The SGD step's kernel (the batched kernels of forward, backward and the
// gradient sums are in gemm.go). Products are rounded before they are added,
// as the update rules in Go do, so results are the same on every platform.

// sgdGo is the reference for sgd: w_k ← w_k − η·(g_k·inv), recording the
// old and (unless newW is nil) new values, and the squares of y_k = g_k·inv added to eight sums,
// y_k² to sq[k mod 8] (the sums of a gradient norm, as tileNorm takes them).
// It returns Σ w_k·0, which is NaN iff some new w_k is not finite. len(w)
// is a multiple of 8. (The float64 conversions keep the compiler from fusing
// a multiply and an add, which the AVX kernel does not do either.)
func sgdGo(w, g, oldW, newW []float64, eta, inv float64, sq *[lanes]float64) (bad float64) {
	return sgdLanes(w, g, oldW, newW, eta, inv, sq, lanes-1)
}

// sgdLanes is sgdGo with y_k² added to sq[k & mask]: mask lanes−1 for
// sgdGo's eight sums, 0 for sgdTail's one.
func sgdLanes(w, g, oldW, newW []float64, eta, inv float64, sq *[lanes]float64, mask int) (bad float64) {
	g, oldW = g[:len(w)], oldW[:len(w)]
	for k, v := range w {
		y := g[k] * inv
		nv := v - float64(eta*y)
		oldW[k], w[k] = v, nv
		if newW != nil {
			newW[k] = nv
		}
		sq[k&mask] += float64(y * y)
		bad += nv * 0
	}
	return bad
}

// tileNorm is ‖s·v‖² for the rows lo..hi−1 of an n-column matrix v, summed
// in the order the SGD step sums it: per tile of rankR rows, eight sums
// (the tile's element i to sum i mod 8, the odd elements past the last
// eight to sum 0) added as a tree, and the tiles added in order. The order
// depends on the matrix alone, so it is the same for any number of threads.
func tileNorm(v []float64, s float64, n, lo, hi int) float64 {
	sq := 0.0
	for r := lo; r < hi; r += rankR {
		t := v[r*n : min(r+rankR, hi)*n]
		var l [lanes]float64
		whole := len(t) &^ (lanes - 1)
		for k := 0; k < whole; k += lanes {
			q := t[k : k+lanes : k+lanes]
			for i, x := range q {
				y := x * s
				l[i] += float64(y * y)
			}
		}
		for _, x := range t[whole:] {
			y := x * s
			l[0] += float64(y * y)
		}
		sq += laneTree(&l)
	}
	return sq
}

// nonFiniteGo is nonFinite in Go. Eight independent sums keep it off the
// one-add-per-4-cycles chain.
func nonFiniteGo(v []float64) float64 {
	var a0, a1, a2, a3, a4, a5, a6, a7 float64
	i := 0
	for ; i+8 <= len(v); i += 8 {
		q := v[i : i+8 : i+8]
		a0 += q[0] * 0
		a1 += q[1] * 0
		a2 += q[2] * 0
		a3 += q[3] * 0
		a4 += q[4] * 0
		a5 += q[5] * 0
		a6 += q[6] * 0
		a7 += q[7] * 0
	}
	for ; i < len(v); i++ {
		a0 += v[i] * 0
	}
	return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

// sigmoidDerivGo is sigmoidDeriv in Go.
func sigmoidDerivGo(d, a []float64) {
	a = a[:len(d)]
	for k, v := range a {
		d[k] *= v * (1 - v)
	}
}
