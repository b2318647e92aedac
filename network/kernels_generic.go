//go:build !amd64 || purego

package network

const useAVX = false

func dot2x4(w0, w1, x0, x1, x2, x3 []float64, out *[8]float64) {
	dot2x4Go(w0, w1, x0, x1, x2, x3, out)
}

func accum4(g, a0, a1, a2, a3 []float64, d *[4]float64) { accum4Go(g, a0, a1, a2, a3, d) }

func accum1(g, a []float64, d float64) { accum1Go(g, a, d) }

func sgd(w, g, oldW, newW []float64, eta, inv float64) (bad float64) {
	return sgdGo(w, g, oldW, newW, eta, inv)
}

func accum2(g, a0, a1 []float64, d0, d1 float64) { accum2Go(g, a0, a1, d0, d1) }
