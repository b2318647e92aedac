//go:build !amd64 || purego

package network

const (
	isaGo     = 0
	gemmISA   = isaGo
	useAVX512 = false
)

func fwdTile(z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	fwdTileGo(z, j0, nj, w, in, b, x, k0, k1, spill, flags)
}

func fwdTileISA(_ int, z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	fwdTileGo(z, j0, nj, w, in, b, x, k0, k1, spill, flags)
}

func fwdTiles(z [][]float64, j0, j1 int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	fwdTilesGo(z, j0, j1, w, in, b, x, k0, k1, spill, flags)
}

func rankTiles(c [][]float64, rlo, rhi, k, nk int, pack []float64, T, t0 int, b [][]float64, zero bool) {
	rankTilesGo(c, rlo, rhi, k, nk, pack, T, t0, b, zero)
}

func rankTile(c [][]float64, k0, nk int, coef []float64, b [][]float64, zero bool) {
	rankTileGo(c, k0, nk, coef, b, zero)
}

func rankTileISA(_ int, c [][]float64, k0, nk int, coef []float64, b [][]float64, zero bool) {
	rankTileGo(c, k0, nk, coef, b, zero)
}

func sigmoidRow(z, a []float64) { sigmoidGo(z, a) }

func sigmoidISA(_ int, z, a []float64) { sigmoidGo(z, a) }

func gemmISAs() []int { return []int{isaGo} }
