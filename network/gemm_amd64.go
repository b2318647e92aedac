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

// fwdTile computes (part of) the forward tile of 1 ≤ len(z) ≤ fwdNR samples
// and 1 ≤ nj ≤ fwdMR neurons from j0 (see fwdTileGo).
func fwdTile(z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	if !useAVX512 || k1 == k0 {
		fwdTileGo(z, j0, nj, w, in, b, x, k0, k1, spill, flags)
		return
	}
	// The assembly reads W rows j0..j0+nj−1, b[j0:j0+nj] and x[s][:in] and
	// writes z[s][j0:j0+nj] and spill without bounds checks: check them here.
	_ = w[j0*in : (j0+nj)*in]
	_ = b[j0 : j0+nj]
	_ = x[len(z)-1][:in]
	if flags != fwdFinish {
		_ = spill[:fwdMR*len(z)*lanes]
	}
	for s, zs := range z {
		_ = zs[j0 : j0+nj]
		_ = x[s][k0:k1]
	}
	fwdTileAVX512(z, j0, nj, w, in, b, x, k0, k1, spill, flags)
}

// rankTile does rankTileGo's update of 1 ≤ len(c) ≤ rankR rows and
// 1 ≤ nk ≤ 8·rankV columns from k0, with coef packed 4 per term.
func rankTile(c [][]float64, k0, nk int, coef []float64, b [][]float64, zero bool) {
	if !useAVX512 {
		rankTileGo(c, k0, nk, coef, b, zero)
		return
	}
	for _, cr := range c {
		_ = cr[k0 : k0+nk]
	}
	_ = coef[:rankR*len(b)]
	for _, bt := range b {
		_ = bt[k0 : k0+nk]
	}
	rankTileAVX512(c, k0, nk, coef, b, zero)
}

// sigmoidRow sets a_i = σ(z_i) (see logistic).
func sigmoidRow(z, a []float64) {
	if !useAVX512 {
		sigmoidGo(z, a)
		return
	}
	sigmoidAVX512(z, a[:len(z)])
}
