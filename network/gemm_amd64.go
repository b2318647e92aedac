//go:build amd64 && !purego

package network

//go:generate go run ./internal/asmgen -out gemm_amd64.s -go gemm_tiles_amd64.go

// hasAVX512 reports whether the CPU and OS support the AVX-512 foundation,
// doubleword/quadword and vector-length instructions (CPUID.7:EBX bits 16,
// 17 and 31) with the opmask and ZMM state saved (XCR0 bits 1, 2, 5, 6, 7).
func hasAVX512() bool {
	if !hasAVX() {
		return false
	}
	_, b, _, _ := cpuid(7, 0)
	if b&(1<<16) == 0 || b&(1<<17) == 0 || b&(1<<31) == 0 {
		return false
	}
	return xgetbv()&0xe6 == 0xe6
}

// useAVX512 is decided once at start-up and never changes (a fact about the
// machine, like useAVX). The AVX-512 tiles compute the bits of the Go ones
// (TestGemmTilesMatch).
var useAVX512 = hasAVX512()

// fwdTile computes the forward tile of 1 ≤ len(z) ≤ fwdNR samples and
// 1 ≤ nj ≤ fwdMR neurons from j0 (see fwdTileGo).
func fwdTile(z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64) {
	if !useAVX512 || in == 0 {
		fwdTileGo(z, j0, nj, w, in, b, x)
		return
	}
	// The assembly reads W rows j0..j0+nj−1, b[j0:j0+nj] and x[s][:in] and
	// writes z[s][j0:j0+nj] without bounds checks: check them here.
	_ = w[j0*in : (j0+nj)*in]
	_ = b[j0 : j0+nj]
	x = x[:len(z)]
	for s, zs := range z {
		_ = zs[j0 : j0+nj]
		_ = x[s][:in]
	}
	fwdTileAVX512(z, j0, nj, w, in, b, x)
}

// rankTile does rankTileGo's update of 1 ≤ len(c) ≤ rankR rows and
// 1 ≤ nk ≤ 8·rankV columns from k0.
func rankTile(c [][]float64, k0, nk int, coef [][]float64, r0 int, b [][]float64, zero bool) {
	if !useAVX512 {
		rankTileGo(c, k0, nk, coef, r0, b, zero)
		return
	}
	for _, cr := range c {
		_ = cr[k0 : k0+nk]
	}
	coef = coef[:len(b)]
	for t, bt := range b {
		_ = bt[k0 : k0+nk]
		_ = coef[t][r0 : r0+len(c)]
	}
	rankTileAVX512(c, k0, nk, coef, r0, b, zero)
}

// sigmoidRow sets a_i = σ(z_i) (see logistic).
func sigmoidRow(z, a []float64) {
	if !useAVX512 {
		sigmoidGo(z, a)
		return
	}
	sigmoidAVX512(z, a[:len(z)])
}
