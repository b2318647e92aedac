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
// jlo is a multiple of fwdMR (the tiles of a split line up). spill is
// scratch of fwdSpillLen values, needed when in > fwdKC (else it may be nil).
func forwardRange(w, b []float64, in int, x, z [][]float64, jlo, jhi int, spill []float64) {
	m := len(x)
	if jhi <= jlo || m == 0 {
		return
	}
	// The bounds every tile relies on, checked once here (fwdTile does not),
	// against lengths (by index: a slice expression would allow the
	// capacity).
	_, _ = w[jlo*in], w[jhi*in-1]
	_, _ = b[jlo], b[jhi-1]
	z = z[:m]
	for s, zs := range z {
		_, _ = zs[jlo], zs[jhi-1]
		_ = x[s][in-1]
	}
	// Sample tiles of equal sizes (6 and 5 rather than 6 and 4: a tile of
	// fewer samples loads more of W per multiply-add).
	nt := (m + fwdNR - 1) / fwdNR
	if in <= fwdKC {
		for i := range nt {
			s, e := m*i/nt, m*(i+1)/nt
			xs, zs := x[s:e], z[s:e]
			fwdTiles(zs, jlo, jhi, w, in, b, xs, 0, in, nil, fwdFinish)
		}
		return
	}
	// Cache blocking of a wide layer: a tile's inputs are taken in equal
	// blocks of at most fwdKC, so that the sample tile's block of x stays in
	// the L1 cache while the tiles of a block of neurons use it; the tiles'
	// lanes wait in spill between blocks (exactly: a lane is one float64).
	// The neurons' block is the outer loop: its rows of W (at most
	// fwdWBlock bytes, in equal blocks, or one tile's rows when those are
	// more) stay in the L2 cache while every sample tile passes, so W comes
	// from memory once per call, not once per six samples, and x once per
	// block.
	nb := (in + fwdKC - 1) / fwdKC
	kc := ((in+nb-1)/nb + lanes - 1) &^ (lanes - 1)
	spill = spill[:fwdSpillLen] // every tile's lanes
	tiles := (jhi - jlo + fwdMR - 1) / fwdMR
	jb := min(max(fwdWBlock/(8*fwdMR*in), 1), fwdJB)
	jb = (tiles + (tiles+jb-1)/jb - 1) / ((tiles + jb - 1) / jb) // equal blocks
	for j0 := jlo; j0 < jhi; j0 += jb * fwdMR {
		j1 := min(j0+jb*fwdMR, jhi)
		for i := range nt {
			s, e := m*i/nt, m*(i+1)/nt
			xs, zs := x[s:e], z[s:e]
			for k0 := 0; k0 < in; k0 += kc {
				k1 := min(k0+kc, in)
				flags := 0
				if k0 > 0 {
					flags |= fwdLoad
				}
				if k1 == in {
					flags |= fwdFinish
				}
				fwdTiles(zs, j0, j1, w, in, b, xs, k0, k1, spill, flags)
			}
		}
	}
}

// Cache blocking of the forward pass (measured on a Zen 5 core: 48 KiB L1,
// 1 MiB L2): inputs in blocks of at most fwdKC, neurons in blocks of at most
// fwdJB tiles whose rows of W fill at most fwdWBlock bytes (a block of 392
// KiB at 784×100 read x twice and ran 3–4% slower than one of all 100
// neurons, 612 KiB).
const (
	fwdKC       = 400
	fwdJB       = 64
	fwdWBlock   = 640 << 10
	fwdSpill    = fwdMR * fwdNR * lanes // the lanes of one tile
	fwdSpillLen = fwdJB * fwdSpill
	fwdLoad     = 1 // fwdTile flag: start from the lanes in spill
	fwdFinish   = 2 // fwdTile flag: reduce the lanes into z (else spill them)
)

// backwardRange sets t[s][k] = Σ_j w_jk·δ[s][j] for k in [klo, khi) and every
// sample s. wRows[j] is row j of W; pack is δ packed by packSampleTiles.
func backwardRange(wRows [][]float64, pack []float64, t [][]float64, klo, khi int) {
	rankRange(t, klo, khi, pack, len(wRows), wRows, 0, len(t), true)
}

// gradRange adds every sample's gradient to the batch sums of rows (neurons)
// j in [jlo, jhi): gRows[j][k] += δ[s][j]·a[s][k], samples in order, and
// gb[j] += δ[s][j], starting the sums from zero when zero is set (the first
// samples of a batch: cheaper than clearing them first). gRows[j] is row j
// of ∂W. It packs δ's columns jlo..jhi
// into pack (at least ⌈jhi/4⌉·4·len(d) values; the parts of a split use
// disjoint pieces of one buffer).
func gradRange(gRows [][]float64, gb []float64, in int, d, a [][]float64, jlo, jhi int, pack []float64, zero bool) {
	m := len(d)
	packNeuronTiles(pack, d, jlo, jhi)
	rankRange(gRows, 0, in, pack, m, a, jlo, jhi, zero)
	// ∂b_j is one chain of additions over the samples in order; the chains
	// of the neurons run side by side, a row of d at a time.
	g := gb[jlo:jhi]
	if zero {
		clear(g)
	}
	for _, ds := range d {
		ds = ds[jlo:jhi]
		ds = ds[:len(g)]
		for j, v := range ds {
			g[j] += v
		}
	}
}

// packNeuronTiles writes the coefficients of the gradient's rank tiles:
// pack[(j/4·m + s)·4 + j%4] = d[s][j] for j in [jlo, jhi) (jlo a multiple of
// 4; a last partial tile is padded with zeros).
func packNeuronTiles(pack []float64, d [][]float64, jlo, jhi int) {
	m := len(d)
	for j0 := jlo; j0 < jhi; j0 += rankR {
		tile := pack[j0*m : (j0+rankR)*m]
		nr := min(rankR, jhi-j0)
		if nr == rankR { // four plain moves, not a call to copy
			for s, ds := range d {
				q, v := tile[s*rankR:s*rankR+rankR:s*rankR+rankR], ds[j0:j0+rankR:j0+rankR]
				q[0], q[1], q[2], q[3] = v[0], v[1], v[2], v[3]
			}
			continue
		}
		for s, ds := range d {
			q := tile[s*rankR : s*rankR+rankR]
			copy(q, ds[j0:j0+nr])
			clear(q[nr:])
		}
	}
}

// packSampleTiles writes the coefficients of the backward's rank tiles:
// pack[(s/4·n + j)·4 + s%4] = d[s][j] for the n = len(d[s]) neurons of every
// sample (a last partial tile is padded with zeros). pack holds at least
// ⌈m/4⌉·4·n values.
func packSampleTiles(pack []float64, d [][]float64, n int) {
	m := len(d)
	for s0 := 0; s0 < m; s0 += rankR {
		tile := pack[s0*n : (s0+rankR)*n]
		if s0+rankR <= m { // four samples: each group of four written at once
			d0, d1, d2, d3 := d[s0][:n], d[s0+1][:n], d[s0+2][:n], d[s0+3][:n]
			for j := range n {
				q := tile[j*rankR : j*rankR+rankR : j*rankR+rankR]
				q[0], q[1], q[2], q[3] = d0[j], d1[j], d2[j], d3[j]
			}
			continue
		}
		for r := range rankR {
			if s0+r >= m {
				for j := range n {
					tile[j*rankR+r] = 0
				}
				continue
			}
			ds := d[s0+r][:n]
			for j, v := range ds {
				tile[j*rankR+r] = v
			}
		}
	}
}

// rankBlock is how many terms of a rank update one pass takes: its panel of
// b (rankBlock rows × 8·rankV columns, 48 KiB at most, 37.5 KiB at m = 100)
// stays in the L1 and L2 caches while every row tile uses it. A mini-batch of up to 128 samples is one
// pass, so its gradient sums are never stored and reloaded (measured on a
// Zen 5 core, 784×256 and 256×128 at m = 100: 2–3% faster than two passes
// of 64).
const rankBlock = 128

// rankRange does c[r][k] ← fma(coef(r, t), b[t][k], c[r][k]) for t in order,
// for rows r in [rlo, rhi) (rlo a multiple of 4) and columns k in
// [klo, khi), starting from zero when zero is set; coef(r, t) =
// pack[(r/4·T + t)·4 + r%4]. Each output is one chain over t, so blocking t
// (the sums are stored and reloaded exactly between blocks) changes no bit.
func rankRange(c [][]float64, klo, khi int, pack []float64, T int, b [][]float64, rlo, rhi int, zero bool) {
	if T == 0 {
		if zero {
			for r := rlo; r < rhi; r++ {
				clear(c[r][klo:khi])
			}
		}
		return
	}
	b = b[:T]
	// The bounds every tile relies on, checked once here (rankTile does
	// not), against each row's length (by index: a slice expression would
	// allow its capacity).
	if khi <= klo || rhi <= rlo {
		return
	}
	for r := rlo; r < rhi; r++ {
		_, _ = c[r][klo], c[r][khi-1]
	}
	for _, bt := range b {
		_, _ = bt[klo], bt[khi-1]
	}
	// Column tiles of equal numbers of vectors (5 and 6 rather than 6 and 2).
	nv := (khi - klo + lanes - 1) / lanes
	nt := (nv + rankV - 1) / rankV
	for t0 := 0; t0 < T; t0 += rankBlock {
		t1 := min(t0+rankBlock, T)
		bt := b[t0:t1]
		for i := range nt {
			k := klo + lanes*(nv*i/nt)
			nk := min(klo+lanes*(nv*(i+1)/nt), khi) - k
			rankTiles(c, rlo, rhi, k, nk, pack, T, t0, bt, zero && t0 == 0)
		}
	}
}

// fwdTilesGo runs fwdTile over neurons j0..j1−1 (tiles of fwdMR from j0),
// tile t's lanes at spill[t·fwdSpill:] (spill nil: flags is fwdFinish).
func fwdTilesGo(z [][]float64, j0, j1 int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	for j := j0; j < j1; j += fwdMR {
		fwdTile(z, j, min(fwdMR, j1-j), w, in, b, x, k0, k1, tileSpill(spill, (j-j0)/fwdMR), flags)
	}
}

// tileSpill is the lanes of tile t in spill (nil for a nil spill).
func tileSpill(spill []float64, t int) []float64 {
	if spill == nil {
		return nil
	}
	return spill[t*fwdSpill : (t+1)*fwdSpill]
}

// rankTilesGo runs rankTile over rows rlo..rhi−1 (tiles of rankR from rlo)
// and columns k..k+nk−1, with terms t0..t0+len(b)−1 of T in pack.
func rankTilesGo(c [][]float64, rlo, rhi, k, nk int, pack []float64, T, t0 int, b [][]float64, zero bool) {
	for r := rlo; r < rhi; r += rankR {
		coef := pack[r*T+t0*rankR : r*T+(t0+len(b))*rankR]
		rankTile(c[r:min(r+rankR, rhi)], k, nk, coef, b, zero)
	}
}

// fwdTileGo is the reference forward tile: the lanes of z[s][j0+r] for
// r < nj and every s < len(z), with W row j0+r and input x[s], over inputs
// k0..k1−1, starting from the lanes in spill (flags&fwdLoad) or zero, and
// ending with z = tree(lanes) + b (flags&fwdFinish) or the lanes back in
// spill (lanes of (r, s) at spill[8(4s+r):]). Lanes past in add fma(0, 0, ·),
// as the masked vector loads of the AVX-512 tile do.
func fwdTileGo(z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int) {
	whole := k0 + (k1-k0)&^(lanes-1) // end of the whole vectors
	for s := range z {
		xs := x[s][:in]
		for r := range nj {
			wr := w[(j0+r)*in : (j0+r+1)*in]
			var l [lanes]float64
			if flags&fwdLoad != 0 {
				copy(l[:], spill[lanes*(fwdMR*s+r):])
			}
			l0, l1, l2, l3, l4, l5, l6, l7 := l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]
			for k := k0; k < whole; k += lanes {
				wv, xv := wr[k:k+lanes:k+lanes], xs[k:k+lanes:k+lanes]
				l0 = math.FMA(wv[0], xv[0], l0)
				l1 = math.FMA(wv[1], xv[1], l1)
				l2 = math.FMA(wv[2], xv[2], l2)
				l3 = math.FMA(wv[3], xv[3], l3)
				l4 = math.FMA(wv[4], xv[4], l4)
				l5 = math.FMA(wv[5], xv[5], l5)
				l6 = math.FMA(wv[6], xv[6], l6)
				l7 = math.FMA(wv[7], xv[7], l7)
			}
			l = [lanes]float64{l0, l1, l2, l3, l4, l5, l6, l7}
			if whole < k1 { // the last, partial vector
				for i := range lanes {
					var wk, xk float64
					if k := whole + i; k < in {
						wk, xk = wr[k], xs[k]
					}
					l[i] = math.FMA(wk, xk, l[i])
				}
			}
			if flags&fwdFinish != 0 {
				z[s][j0+r] = laneTree(&l) + b[j0+r]
			} else {
				copy(spill[lanes*(fwdMR*s+r):], l[:])
			}
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
//	c[r][k] ← fma(coef[4t+r], b[t][k], c[r][k]) for t = 0, 1, …, len(b)−1,
//
// starting from c[r][k] = 0 when zero is set.
func rankTileGo(c [][]float64, k0, nk int, coef []float64, b [][]float64, zero bool) {
	for r := range c {
		cr := c[r][k0 : k0+nk]
		if zero {
			clear(cr)
		}
		// Four columns at a time in registers; each is still one chain over t.
		k := 0
		for ; k+4 <= nk; k += 4 {
			q := cr[k : k+4 : k+4]
			c0, c1, c2, c3 := q[0], q[1], q[2], q[3]
			for t, bt := range b {
				f := coef[rankR*t+r]
				v := bt[k0+k : k0+k+4 : k0+k+4]
				c0 = math.FMA(f, v[0], c0)
				c1 = math.FMA(f, v[1], c1)
				c2 = math.FMA(f, v[2], c2)
				c3 = math.FMA(f, v[3], c3)
			}
			q[0], q[1], q[2], q[3] = c0, c1, c2, c3
		}
		for ; k < nk; k++ {
			v := cr[k]
			for t, bt := range b {
				v = math.FMA(coef[rankR*t+r], bt[k0+k], v)
			}
			cr[k] = v
		}
	}
}
