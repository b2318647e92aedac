//go:build amd64 && !purego

package network

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax uint32)

//go:noescape
func dot2x4AVX(w0, w1, x0, x1, x2, x3 []float64, out *[8]float64)

//go:noescape
func accum4AVX(g, a0, a1, a2, a3 []float64, d *[4]float64)

//go:noescape
func accum1AVX(g, a []float64, d float64)

//go:noescape
func accum2AVX(g, a0, a1 []float64, d0, d1 float64)

//go:noescape
func sgdAVX(w, g, oldW, newW []float64, eta, inv float64) (bad float64)

// hasAVX reports whether the CPU and OS support AVX (CPUID.1:ECX bits 27
// and 28, and XCR0 saving the YMM state).
func hasAVX() bool {
	_, _, c, _ := cpuid(1, 0)
	if c&(1<<27) == 0 || c&(1<<28) == 0 {
		return false
	}
	return xgetbv()&6 == 6
}

// useAVX is decided once at start-up and never changes: it is a fact about
// the machine, not state. The AVX kernels compute exactly what the Go ones
// do (same operations, same order; TestKernelsMatch checks), so results
// never depend on it.
var useAVX = hasAVX()

func dot2x4(w0, w1, x0, x1, x2, x3 []float64, out *[8]float64) {
	if useAVX {
		dot2x4AVX(w0, w1, x0, x1, x2, x3, out)
		return
	}
	dot2x4Go(w0, w1, x0, x1, x2, x3, out)
}

func accum4(g, a0, a1, a2, a3 []float64, d *[4]float64) {
	if useAVX {
		accum4AVX(g, a0, a1, a2, a3, d)
		return
	}
	accum4Go(g, a0, a1, a2, a3, d)
}

func accum1(g, a []float64, d float64) {
	if useAVX {
		accum1AVX(g, a, d)
		return
	}
	accum1Go(g, a, d)
}

func sgd(w, g, oldW, newW []float64, eta, inv float64) (bad float64) {
	if useAVX {
		return sgdAVX(w, g, oldW, newW, eta, inv)
	}
	return sgdGo(w, g, oldW, newW, eta, inv)
}

func accum2(g, a0, a1 []float64, d0, d1 float64) {
	if useAVX {
		accum2AVX(g, a0, a1, d0, d1)
		return
	}
	accum2Go(g, a0, a1, d0, d1)
}
