//go:build amd64 && !purego

package network

import "unsafe"

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax uint32)

//go:noescape
func sgdAVX(w, g, oldW, newW []float64, eta, inv float64, sq *[lanes]float64, far bool) (bad float64)

//go:noescape
func nonFiniteAVX(v []float64) float64

//go:noescape
func sigmoidDerivAVX(d, a []float64)

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
// the machine, not state. The AVX SGD kernel computes exactly what the Go
// one does (same operations, same order; TestKernelsMatch checks), so
// results never depend on it.
var useAVX = hasAVX()

func sgd(w, g, oldW, newW []float64, eta, inv float64, sq *[lanes]float64) (bad float64) {
	if useAVX {
		return sgdAVX(w, g, oldW, newW, eta, inv, sq, false)
	}
	return sgdGo(w, g, oldW, newW, eta, inv, sq)
}

// nonFinite is Σ v_i·0: 0 when every value is finite, NaN otherwise.
func nonFinite(v []float64) float64 {
	if !useAVX || len(v) < 16 {
		return nonFiniteGo(v)
	}
	n := len(v) &^ 15
	return nonFiniteAVX(v[:n]) + nonFiniteGo(v[n:])
}

// sigmoidDeriv sets d_k ← d_k·(a_k·(1 − a_k)) for every k.
func sigmoidDeriv(d, a []float64) {
	a = a[:len(d)]
	n := 0
	if useAVX {
		n = len(d) &^ 7
		sigmoidDerivAVX(d[:n], a[:n])
	}
	sigmoidDerivGo(d[n:], a[n:])
}

// sgdFar is sgd, with oldW written around the caches when far is set (a
// large layer: see sgdFarMin) and oldW is 32-byte aligned: its lines are
// not read in first, and the record is not read again soon.
func sgdFar(w, g, oldW, newW []float64, eta, inv float64, sq *[lanes]float64, far bool) (bad float64) {
	if far && useAVX && len(oldW) > 0 && uintptr(unsafe.Pointer(&oldW[0]))%32 == 0 {
		return sgdAVX(w, g, oldW, newW, eta, inv, sq, true)
	}
	return sgd(w, g, oldW, newW, eta, inv, sq)
}
