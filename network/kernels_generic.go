//go:build !amd64 || purego

package network

const useAVX = false

func sgd(w, g, oldW, newW []float64, eta, inv float64, sq *[lanes]float64) (bad float64) {
	return sgdGo(w, g, oldW, newW, eta, inv, sq)
}

// nonFinite is Σ v_i·0: 0 when every value is finite, NaN otherwise.
func nonFinite(v []float64) float64 { return nonFiniteGo(v) }

// sigmoidDeriv sets d_k ← d_k·(a_k·(1 − a_k)) for every k.
func sigmoidDeriv(d, a []float64) { sigmoidDerivGo(d, a) }

// sgdFar is sgd (far only matters to the AVX kernel).
func sgdFar(w, g, oldW, newW []float64, eta, inv float64, sq *[lanes]float64, _ bool) (bad float64) {
	return sgdGo(w, g, oldW, newW, eta, inv, sq)
}
