//go:build amd64 && !purego

package network

//go:generate go run ./internal/asmgen -out gemm_amd64.s -go gemm_tiles_amd64.go

// The instruction sets of the batched kernels, best first. All compute the
// bits of the Go tiles (TestGemmTilesMatch checks every one the CPU has).
const (
	isaGo = iota
	isaAVX2
	isaAVX512
)

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

// hasAVX2FMA reports whether the CPU and OS support AVX2 (CPUID.7:EBX bit 5)
// and FMA (CPUID.1:ECX bit 12).
func hasAVX2FMA() bool {
	if !hasAVX() {
		return false
	}
	_, _, c, _ := cpuid(1, 0)
	_, b, _, _ := cpuid(7, 0)
	return c&(1<<12) != 0 && b&(1<<5) != 0
}

func detectISA() int {
	switch {
	case hasAVX512():
		return isaAVX512
	case hasAVX2FMA():
		return isaAVX2
	}
	return isaGo
}

// gemmISA is decided once at start-up and never changes (a fact about the
// machine, like useAVX); results never depend on it.
var gemmISA = detectISA()

// useAVX512 reports whether the AVX-512 tiles run here.
var useAVX512 = gemmISA == isaAVX512

// fwdTile computes (part of) the forward tile of 1 ≤ len(z) ≤ fwdNR samples
// and 1 ≤ nj ≤ fwdMR neurons from j0 (see fwdTileGo). forwardRange, which
// calls it through fwdTiles, has checked the bounds the assembly relies on (see
// fwdTileISA) once for all its tiles: checking them per tile cost a tenth of
// a small layer's forward pass.
func fwdTile(z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	fwdTileUnchecked(gemmISA, z, j0, nj, w, in, b, x, k0, k1, spill, flags)
}

// fwdTileISA is fwdTile on instruction set isa, with its bounds checked.
func fwdTileISA(isa int, z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	if isa != isaGo && k1 > k0 {
		// The assembly reads W rows j0..j0+nj−1, b[j0:j0+nj] and x[s][:in]
		// and writes z[s][j0:j0+nj] and spill without bounds checks.
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
	}
	fwdTileUnchecked(isa, z, j0, nj, w, in, b, x, k0, k1, spill, flags)
}

func fwdTileUnchecked(isa int, z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	if isa == isaGo || k1 == k0 {
		fwdTileGo(z, j0, nj, w, in, b, x, k0, k1, spill, flags)
		return
	}
	if isa == isaAVX512 {
		fwdTileAVX512(z, j0, nj, w, in, b, x, k0, k1, spill, flags)
		return
	}
	// AVX2: sub-tiles of 2 neurons × 2 samples; their lanes sit where the
	// whole tile's would in spill.
	for r := 0; r < nj; r += 2 {
		for s := 0; s < len(z); s += 2 {
			ns := min(2, len(z)-s)
			var sp []float64
			if spill != nil {
				sp = spill[lanes*(fwdMR*s+r):]
			}
			fwdSubAVX2(z[s:s+ns], j0+r, min(2, nj-r), w, in, b, x[s:s+ns], k0, k1, sp, flags)
		}
	}
}

// fwdTiles runs fwdTile over neurons j0..j1−1 (tiles of fwdMR from j0),
// tile t's lanes at spill[t·fwdSpill:] (spill nil: flags is fwdFinish). On
// AVX-512 a tile of 5 or 6 samples calls its assembly directly: the two calls
// in between cost a twentieth of the forward pass (784×256 and 784×100, m =
// 100). The caller has checked the bounds (see fwdTile).
func fwdTiles(z [][]float64, j0, j1 int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	if gemmISA != isaAVX512 || len(z) < fwdNR-1 || k1 == k0 {
		fwdTilesGo(z, j0, j1, w, in, b, x, k0, k1, spill, flags)
		return
	}
	for j := j0; j < j1; j += fwdMR {
		sp := tileSpill(spill, (j-j0)/fwdMR)
		if len(z) == fwdNR {
			fwdTile6AVX512(z, j, min(fwdMR, j1-j), w, in, b, x, k0, k1, sp, flags)
		} else {
			fwdTile5AVX512(z, j, min(fwdMR, j1-j), w, in, b, x, k0, k1, sp, flags)
		}
	}
}

// rankTiles runs rankTile over rows rlo..rhi−1 (tiles of rankR from rlo)
// and columns k..k+nk−1, with terms t0..t0+len(b)−1 of T in pack. On
// AVX-512 the whole tiles of 5 or 6 vectors call their assembly directly.
// The caller has checked the bounds (see rankTile).
func rankTiles(c [][]float64, rlo, rhi, k, nk int, pack []float64, T, t0 int, b [][]float64, zero bool) {
	whole := rlo + (rhi-rlo)&^(rankR-1)
	v := (nk + lanes - 1) / lanes
	if gemmISA != isaAVX512 || len(b) == 0 || (v != 5 && v != 6) {
		whole = rlo
	}
	t1 := t0 + len(b)
	for r := rlo; r < whole; r += rankR {
		cr, coef := c[r:r+rankR], pack[r*T+t0*rankR:r*T+t1*rankR]
		if v == 6 {
			rankTile4x6AVX512(cr, k, nk, coef, b, zero)
		} else {
			rankTile4x5AVX512(cr, k, nk, coef, b, zero)
		}
	}
	if whole < rhi {
		rankTilesGo(c, whole, rhi, k, nk, pack, T, t0, b, zero)
	}
}

// rankTile does rankTileGo's update of 1 ≤ len(c) ≤ rankR rows and
// 1 ≤ nk ≤ 8·rankV columns from k0, with coef packed 4 per term. Its
// caller (rankRange) has checked the bounds the assembly relies on: every
// c[r][k0:k0+nk], b[t][k0:k0+nk] and coef[:4·len(b)] (checking them per
// tile cost a sixth of the gradient's time).
func rankTile(c [][]float64, k0, nk int, coef []float64, b [][]float64, zero bool) {
	rankTileUnchecked(gemmISA, c, k0, nk, coef, b, zero)
}

// rankTileISA is rankTile on instruction set isa, with its bounds checked.
func rankTileISA(isa int, c [][]float64, k0, nk int, coef []float64, b [][]float64, zero bool) {
	if isa != isaGo {
		for _, cr := range c {
			_ = cr[k0 : k0+nk]
		}
		_ = coef[:rankR*len(b)]
		for _, bt := range b {
			_ = bt[k0 : k0+nk]
		}
	}
	rankTileUnchecked(isa, c, k0, nk, coef, b, zero)
}

func rankTileUnchecked(isa int, c [][]float64, k0, nk int, coef []float64, b [][]float64, zero bool) {
	if isa == isaGo {
		rankTileGo(c, k0, nk, coef, b, zero)
		return
	}
	if isa == isaAVX512 {
		rankTileAVX512(c, k0, nk, coef, b, zero)
		return
	}
	// AVX2: sub-tiles of 2 rows × 3 vectors.
	for r := 0; r < len(c); r += 2 {
		nr := min(2, len(c)-r)
		for k := 0; k < nk; k += 3 * lanes {
			rankSubAVX2(c[r:r+nr], k0+k, min(3*lanes, nk-k), coef[min(r, len(coef)):], b, zero)
		}
	}
}

// sigmoidRow sets a_i = σ(z_i) (see sigmoid).
func sigmoidRow(z, a []float64) { sigmoidISA(gemmISA, z, a) }

func sigmoidISA(isa int, z, a []float64) {
	a = a[:len(z)]
	switch isa {
	case isaAVX512:
		sigmoidAVX512(z, a)
	case isaAVX2:
		sigmoidAVX2(z, a)
	default:
		sigmoidGo(z, a)
	}
}

// gemmISAs lists the instruction sets this CPU can run (for tests).
func gemmISAs() []int {
	isas := []int{isaGo}
	if hasAVX2FMA() {
		isas = append(isas, isaAVX2)
	}
	if hasAVX512() {
		isas = append(isas, isaAVX512)
	}
	return isas
}
