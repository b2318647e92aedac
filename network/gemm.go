package network

import "math"

// The batched kernels: forward, backward and the gradient sums of a block of
// samples as register-blocked matrix products. Every output is summed in one
// fixed order, whatever the number of samples in a call, the tile it falls
// in, the thread that computes it or the instruction set:
//
//	forward   z_j = tree(lane_0..lane_7) + b_j, where lane_l = Σ_{k ≡ l mod 8}
//	          w_jk·a_k with one fused multiply-add per term, k ascending, and
//	          tree(l) = ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))
//	backward  t_k = Σ_j w_jk·δ_j, j ascending, one fused multiply-add per term
//	gradient  ∂w_jk ← ∂w_jk + δ_j·a_k, one fused multiply-add per sample, in
//	          sample order;  ∂b_j ← ∂b_j + δ_j
//
// The eight lanes of the forward sum are the lanes of one 512-bit register;
// its tree is how such a register is reduced. The sums over j and over
// samples need no lanes: each output is one chain of fused multiply-adds, so
// vector width never shows. The pure-Go tiles below (gemm_go.go's math.FMA)
// are the reference; the AVX-512 tiles compute the same bits, and
// TestGemmTilesMatch checks it.

// Tile shapes. A forward tile is fwdMR neurons × up to fwdNR samples; a
// rank tile is up to rankR rows × up to rankV vectors of 8 columns.
const (
	fwdMR = 4
	fwdNR = 6
	rankR = 4
	rankV = 6
	lanes = 8
)

// forwardRange sets z[s][j] = Σ_k w_jk·x[s][k] + b_j for j in [jlo, jhi)
// and every sample s, in the order described above. W is out×in, row-major;
// jlo is a multiple of fwdMR (the tiles of a split line up).
func forwardRange(w, b []float64, in int, x, z [][]float64, jlo, jhi int) {
	m := len(x)
	for s := 0; s < m; s += fwdNR {
		nr := min(fwdNR, m-s)
		xs, zs := x[s:s+nr], z[s:s+nr]
		for j := jlo; j < jhi; j += fwdMR {
			fwdTile(zs, j, min(fwdMR, jhi-j), w, in, b, xs)
		}
	}
}

// backwardRange sets t[s][k] = Σ_j w_jk·δ[s][j] for k in [klo, khi) and every
// sample s. wRows[j] is row j of W; dT[j][s] = δ[s][j] (δ transposed).
func backwardRange(wRows, dT, t [][]float64, klo, khi int) {
	rankRange(t, klo, khi, dT, wRows, 0, len(t), true)
}

// gradRange adds every sample's gradient to the batch sums of rows (neurons)
// j in [jlo, jhi): gRows[j][k] += δ[s][j]·a[s][k], samples in order, and
// gb[j] += δ[s][j]. gRows[j] is row j of ∂W.
func gradRange(gRows [][]float64, gb []float64, in int, d, a [][]float64, jlo, jhi int) {
	rankRange(gRows, 0, in, d, a, jlo, jhi, false)
	for j := jlo; j < jhi; j++ {
		g := gb[j]
		for _, ds := range d {
			g += ds[j]
		}
		gb[j] = g
	}
}

// rankBlock is how many terms of a rank update one pass takes: its panel of
// b (rankBlock rows × 8·rankV columns, 24 KiB) stays in the L1 cache while
// every row tile uses it.
const rankBlock = 64

// rankRange does c[r][k] ← fma(coef[t][r], b[t][k], c[r][k]) for t in order,
// for rows r in [rlo, rhi) and columns k in [klo, khi), starting from zero
// when zero is set. Each output is one chain over t, so blocking t (the sums
// are stored and reloaded exactly between blocks) changes no bit.
func rankRange(c [][]float64, klo, khi int, coef, b [][]float64, rlo, rhi int, zero bool) {
	if len(b) == 0 && zero {
		for r := rlo; r < rhi; r++ {
			clear(c[r][klo:khi])
		}
		return
	}
	for t0 := 0; t0 < len(b); t0 += rankBlock {
		t1 := min(t0+rankBlock, len(b))
		cf, bt := coef[t0:t1], b[t0:t1]
		for k := klo; k < khi; k += rankV * lanes {
			nk := min(rankV*lanes, khi-k)
			for r := rlo; r < rhi; r += rankR {
				rankTile(c[r:min(r+rankR, rhi)], k, nk, cf, r, bt, zero && t0 == 0)
			}
		}
	}
}

// fwdTileGo is the reference forward tile: z[s][j0+r] for r < nj and every
// s < len(z), with W row j0+r and input x[s]. Lanes past in add fma(0, 0, ·),
// as the masked vector loads of the AVX-512 tile do.
func fwdTileGo(z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64) {
	for s := range z {
		xs := x[s][:in]
		for r := range nj {
			wr := w[(j0+r)*in : (j0+r+1)*in]
			var l [lanes]float64
			for k0 := 0; k0 < in; k0 += lanes {
				for i := range lanes {
					var wk, xk float64
					if k := k0 + i; k < in {
						wk, xk = wr[k], xs[k]
					}
					l[i] = math.FMA(wk, xk, l[i])
				}
			}
			z[s][j0+r] = laneTree(&l) + b[j0+r]
		}
	}
}

// laneTree sums eight lanes as ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)),
// the order in which a 512-bit register is folded in halves.
func laneTree(l *[lanes]float64) float64 {
	return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

// rankTileGo is the reference rank tile: for every row r < len(c) and column
// k in [k0, k0+nk),
//
//	c[r][k] ← fma(coef[t][r0+r], b[t][k], c[r][k]) for t = 0, 1, …, len(b)−1,
//
// starting from c[r][k] = 0 when zero is set.
func rankTileGo(c [][]float64, k0, nk int, coef [][]float64, r0 int, b [][]float64, zero bool) {
	for r := range c {
		cr := c[r][k0 : k0+nk]
		if zero {
			clear(cr)
		}
		for t, bt := range b {
			f := coef[t][r0+r]
			bt = bt[k0 : k0+nk]
			for k, v := range bt {
				cr[k] = math.FMA(f, v, cr[k])
			}
		}
	}
}
