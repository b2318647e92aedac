package network

// The SGD step's kernel (the batched kernels of forward, backward and the
// gradient sums are in gemm.go). Products are rounded before they are added,
// as the update rules in Go do, so results are the same on every platform.

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
