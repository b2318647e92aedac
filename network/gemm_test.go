package network

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// gemmVals returns n values spread over many magnitudes and both signs, so
// that any change of summation order changes some bits.
func gemmVals(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(9)-4))
	}
	return v
}

// gemmRows returns m rows of n values, each starting at a different offset of
// its own backing array (so the rows have every alignment mod 64 bytes).
func gemmRows(rng *rand.Rand, m, n int) [][]float64 {
	rows := make([][]float64, m)
	for s := range rows {
		off := rng.IntN(8)
		rows[s] = gemmVals(rng, off+n+rng.IntN(3))[off : off+n]
	}
	return rows
}

func cloneRows(v [][]float64) [][]float64 {
	c := make([][]float64, len(v))
	for i := range v {
		c[i] = slices.Clone(v[i])
	}
	return c
}

func sameRows(a, b [][]float64) (int, bool) {
	for i := range a {
		if !sameBits(a[i], b[i]) {
			return i, false
		}
	}
	return 0, true
}

// The naive references below spell out gemm.go's orders one output at a time.

func forwardNaive(w, b []float64, in, out int, x, z [][]float64) {
	for s := range x {
		for j := range out {
			var l [lanes]float64
			for k := range in {
				l[k%lanes] = math.FMA(w[j*in+k], x[s][k], l[k%lanes])
			}
			z[s][j] = ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7])) + b[j]
		}
	}
}

func backwardNaive(w []float64, in, out int, d, t [][]float64) {
	for s := range d {
		for k := range in {
			sum := 0.0
			for j := range out {
				sum = math.FMA(w[j*in+k], d[s][j], sum)
			}
			t[s][k] = sum
		}
	}
}

func gradNaive(gw, gb []float64, in, out int, d, a [][]float64) {
	for s := range d {
		for j := range out {
			for k := range in {
				gw[j*in+k] = math.FMA(d[s][j], a[s][k], gw[j*in+k])
			}
			gb[j] += d[s][j]
		}
	}
}

// gemmCase is one layer and batch for the range kernels.
type gemmCase struct {
	in, out, m int
	w, b       []float64
	x, d       [][]float64
	wRows      [][]float64
	bpack      []float64 // δ packed by packSampleTiles
}

func newGemmCase(rng *rand.Rand, in, out, m int) *gemmCase {
	c := &gemmCase{in: in, out: out, m: m, w: gemmVals(rng, in*out), b: gemmVals(rng, out),
		x: gemmRows(rng, m, in), d: gemmRows(rng, m, out)}
	c.wRows = rowsOf(c.w, in, out)
	c.bpack = make([]float64, (m+rankR-1)/rankR*rankR*out)
	packSampleTiles(c.bpack, c.d, out)
	return c
}

// rowsOf returns views of the out rows of an out×in matrix.
func rowsOf(w []float64, in, out int) [][]float64 {
	r := make([][]float64, out)
	for j := range r {
		r[j] = w[j*in : (j+1)*in : (j+1)*in]
	}
	return r
}

func zeros(m, n int) [][]float64 {
	r := make([][]float64, m)
	for i := range r {
		r[i] = make([]float64, n)
	}
	return r
}

// check runs the three range kernels, split into parts at the given
// boundaries, against the naive references.
func (c *gemmCase) check(t *testing.T, parts int) {
	t.Helper()
	name := fmt.Sprintf("in=%d out=%d m=%d parts=%d", c.in, c.out, c.m, parts)
	want, got := zeros(c.m, c.out), zeros(c.m, c.out)
	forwardNaive(c.w, c.b, c.in, c.out, c.x, want)
	for p := range parts {
		lo, hi := splitTiles(c.out, fwdMR, parts, p)
		forwardRange(c.w, c.b, c.in, c.x, got, lo, hi, make([]float64, fwdSpillLen))
	}
	if s, ok := sameRows(want, got); !ok {
		t.Fatalf("%s: forward sample %d\n got %v\nwant %v", name, s, got[s], want[s])
	}

	want, got = zeros(c.m, c.in), zeros(c.m, c.in)
	backwardNaive(c.w, c.in, c.out, c.d, want)
	for p := range parts {
		lo, hi := splitTiles(c.in, rankV*lanes, parts, p)
		backwardRange(c.wRows, c.bpack, got, lo, hi)
	}
	if s, ok := sameRows(want, got); !ok {
		t.Fatalf("%s: backward sample %d\n got %v\nwant %v", name, s, got[s], want[s])
	}

	rng := rand.New(rand.NewPCG(uint64(c.in), uint64(c.m)))
	gw0, gb0 := gemmVals(rng, c.in*c.out), gemmVals(rng, c.out)
	gw, gb := slices.Clone(gw0), slices.Clone(gb0)
	gradNaive(gw0, gb0, c.in, c.out, c.d, c.x)
	// Two calls (samples split at m/3) give the sums of one.
	cut := c.m / 3
	pack := make([]float64, (c.out+rankR-1)/rankR*rankR*c.m)
	for _, r := range [][2]int{{0, cut}, {cut, c.m}} {
		for p := range parts {
			lo, hi := splitTiles(c.out, rankR, parts, p)
			gradRange(rowsOf(gw, c.in, c.out), gb, c.in, c.d[r[0]:r[1]], c.x[r[0]:r[1]], lo, hi, pack, false)
		}
	}
	if !sameBits(gw, gw0) || !sameBits(gb, gb0) {
		t.Fatalf("%s: gradient sums differ", name)
	}
}

// TestGemmRanges checks the range kernels against the naive references, bit
// for bit, across odd sizes, batch sizes and splits.
func TestGemmRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	for _, in := range []int{1, 2, 3, 7, 8, 9, 30, 47, 48, 49, 64, 100, 113} {
		for _, out := range []int{1, 3, 4, 5, 10, 30} {
			for _, m := range []int{1, 2, 5, 6, 7, 10, 13} {
				newGemmCase(rng, in, out, m).check(t, 1+rng.IntN(3))
			}
		}
	}
	// Blocks: of neurons (784×256 in tiles of 6 samples, 2000×61 in tiles of 5), of samples in the
	// rank passes (m = 300).
	for _, sh := range [][3]int{{784, 100, 100}, {784, 30, 10}, {256, 128, 17}, {64, 30, 10}, {257, 9, 7}, {600, 70, 13}, {784, 256, 12}, {2000, 61, 5}, {100, 30, 300}} {
		newGemmCase(rng, sh[0], sh[1], sh[2]).check(t, 2)
	}
}

// TestGemmTilesMatch checks that the assembly tiles (AVX-512 and AVX2, where
// the CPU has them) give the Go tiles' bits for every tile shape, odd sizes
// and alignments.
func TestGemmTilesMatch(t *testing.T) {
	if len(gemmISAs()) == 1 {
		t.Skip("no assembly tiles on this machine or build")
	}
	rng := rand.New(rand.NewPCG(12, 2))
	for _, in := range []int{1, 5, 8, 13, 16, 31, 64, 100, 257, 784} {
		checkTiles(t, rng, in)
	}
}

func checkTiles(t *testing.T, rng *rand.Rand, in int) {
	t.Helper()
	for _, isa := range gemmISAs()[1:] {
		checkTilesISA(t, rng, isa, in)
	}
}

func checkTilesISA(t *testing.T, rng *rand.Rand, isa, in int) {
	t.Helper()
	const out = 11
	w, b := gemmVals(rng, in*out+3)[3:], gemmVals(rng, out)
	for n := 1; n <= fwdNR; n++ {
		for j0 := 0; j0 < out; j0 += 3 {
			for nj := 1; nj <= min(fwdMR, out-j0); nj++ {
				x := gemmRows(rng, n, in)
				z1 := gemmRows(rng, n, out)
				z2 := cloneRows(z1)
				fwdTileISA(isa, z1, j0, nj, w, in, b, x, 0, in, nil, fwdFinish)
				fwdTileGo(z2, j0, nj, w, in, b, x, 0, in, nil, fwdFinish)
				if s, ok := sameRows(z1, z2); !ok {
					t.Fatalf("isa %d fwdTile in=%d n=%d j0=%d nj=%d sample %d:\n asm %v\n  go %v", isa, in, n, j0, nj, s, z1[s], z2[s])
				}
				// In blocks of inputs, the lanes spilled in between.
				if in > lanes {
					z3 := cloneRows(z2)
					sp1, sp2 := make([]float64, fwdSpill), make([]float64, fwdSpill)
					k1 := lanes * (1 + rng.IntN((in-1)/lanes))
					fwdTileISA(isa, z3, j0, nj, w, in, b, x, 0, k1, sp1, 0)
					fwdTileGo(z3, j0, nj, w, in, b, x, 0, k1, sp2, 0)
					for s := range n {
						for r := range nj {
							i := lanes * (fwdMR*s + r)
							if !sameBits(sp1[i:i+lanes], sp2[i:i+lanes]) {
								t.Fatalf("isa %d fwdTile in=%d n=%d nj=%d: spilled lanes of (%d, %d) differ", isa, in, n, nj, r, s)
							}
						}
					}
					fwdTileISA(isa, z3, j0, nj, w, in, b, x, k1, in, sp1, fwdLoad|fwdFinish)
					if s, ok := sameRows(z3, z2); !ok {
						t.Fatalf("isa %d fwdTile in=%d n=%d j0=%d nj=%d in blocks split at %d, sample %d:\n %v\n %v", isa, in, n, j0, nj, k1, s, z3[s], z2[s])
					}
				}
			}
		}
	}
	for r := 1; r <= rankR; r++ {
		for nk := 1; nk <= rankV*lanes; nk += 1 + rng.IntN(3) {
			for _, zero := range []bool{false, true} {
				T := rng.IntN(12)
				k0 := rng.IntN(5)
				c1 := gemmRows(rng, r, k0+nk+rng.IntN(3))
				c2 := cloneRows(c1)
				coef, bb := gemmVals(rng, rankR*T), gemmRows(rng, T, k0+nk)
				rankTileISA(isa, c1, k0, nk, coef, bb, zero)
				rankTileGo(c2, k0, nk, coef, bb, zero)
				if i, ok := sameRows(c1, c2); !ok {
					t.Fatalf("isa %d rankTile r=%d nk=%d T=%d zero=%v row %d:\n asm %v\n  go %v", isa, r, nk, T, zero, i, c1[i], c2[i])
				}
			}
		}
	}
}

// FuzzGemmTiles compares the assembly and Go tiles (where they run) and
// the range kernels with the naive references on fuzzed sizes.
func FuzzGemmTiles(f *testing.F) {
	f.Add(uint16(784), uint8(100), uint8(10), uint64(1))
	f.Add(uint16(9), uint8(5), uint8(7), uint64(2))
	f.Add(uint16(1), uint8(1), uint8(1), uint64(3))
	f.Fuzz(func(t *testing.T, in uint16, out, m uint8, seed uint64) {
		n, o, mm := 1+int(in)%300, 1+int(out)%40, 1+int(m)%20
		rng := rand.New(rand.NewPCG(seed, 7))
		newGemmCase(rng, n, o, mm).check(t, 1+int(seed%3))
		checkTiles(t, rng, n)
	})
}

func TestGemmAllocs(t *testing.T) {
	c := newGemmCase(rand.New(rand.NewPCG(1, 1)), 70, 13, 9)
	z, tt := zeros(c.m, c.out), zeros(c.m, c.in)
	gw, gb := make([]float64, c.in*c.out), make([]float64, c.out)
	gRows := rowsOf(gw, c.in, c.out)
	pack := make([]float64, (c.out+rankR-1)/rankR*rankR*c.m)
	spill := make([]float64, fwdSpillLen)
	a := testing.AllocsPerRun(10, func() {
		forwardRange(c.w, c.b, c.in, c.x, z, 0, c.out, spill)
		backwardRange(c.wRows, c.bpack, tt, 0, c.in)
		gradRange(gRows, gb, c.in, c.d, c.x, 0, c.out, pack, false)
	})
	if a != 0 {
		t.Errorf("%v allocations per forward+backward+gradient, want 0", a)
	}
}

// TestGemmRangeBounds: the once-per-range bounds checks in front of the
// unchecked tiles catch a short row of x or z, a short W or a short b (the
// assembly would read or write past them), on both forward paths, and a
// short row of the rank update's c or b.
func TestGemmRangeBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 3))
	for _, in := range []int{30, 401} {
		const out, m = 8, 6
		for _, short := range []string{"x", "z", "w", "b"} {
			w, b := gemmVals(rng, in*out), gemmVals(rng, out)
			x, z := gemmRows(rng, m, in), gemmRows(rng, m, out)
			switch short { // shorter by one value, their capacity unchanged
			case "x":
				x[m-1] = x[m-1][:in-1]
			case "z":
				z[3] = z[3][:out-1]
			case "w":
				w = w[:in*out-1]
			case "b":
				b = b[:out-1]
			}
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("in=%d, short %s: no panic", in, short)
					}
				}()
				forwardRange(w, b, in, x, z, 0, out, make([]float64, fwdSpillLen))
			}()
		}
	}
}

func TestRankRangeBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 4))
	const n, rows, T = 50, 8, 5
	for _, short := range []string{"c", "b"} {
		c, b := gemmRows(rng, rows, n), gemmRows(rng, T, n)
		pack := gemmVals(rng, rows*T)
		if short == "c" {
			c[5] = c[5][:n-1]
		} else {
			b[T-1] = b[T-1][:n-1]
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("short %s: no panic", short)
				}
			}()
			rankRange(c, 0, n, pack, T, b, 0, rows, false)
		}()
	}
}
