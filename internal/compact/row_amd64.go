//go:build amd64 && !purego

package compact

import "golang.org/x/sys/cpu"

// rowAVX sets x[j] = b[j]/255 for j < len(b) (len(x) ≥ len(b)), rounded as
// the division is: q = b·r with r = 1/255, then q + fma(−q, 255, b)·r, a
// Newton step that TestRowExact checks gives b/255 exactly for every byte.
//
//go:noescape
func rowAVX(x []float64, b []uint8)

// prefetch asks the cache for the n bytes at b[0:] (one touch a line).
//
//go:noescape
func prefetch(b []uint8)

// useAVX: AVX2 and FMA, decided once (a fact about the machine, not state).
var useAVX = cpu.X86.HasAVX2 && cpu.X86.HasFMA

func row(x []float64, b []uint8, val *[256]float64) {
	if useAVX {
		rowAVX(x, b)
		return
	}
	rowGo(x, b, val)
}
