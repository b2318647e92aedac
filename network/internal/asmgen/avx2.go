package main

import "fmt"

// The AVX2 + FMA sub-tiles, for CPUs without AVX-512. A lane vector of 8 is
// two YMM registers (lanes 0–3 and 4–7), so the lane tree (l0+l4, …) starts
// with their sum; everything else is the AVX-512 tiles' arithmetic, op for
// op. With 16 registers the sub-tiles are smaller; the Go side splits a tile
// into them:
//
//	fwdSub{N}AVX2     2 neurons × N samples (N = 1, 2)
//	rankSub{R}x{V}AVX2  R rows × V vectors (R = 1, 2; V = 1..3)
//	sigmoidAVX2       four at a time

// avx2Header writes the mask table: masktab<>+8(8−c) is the low half's mask
// of a vector with c valid lanes, masktab<>+8(12−c) the high half's.
func (g *gen) avx2Header() {
	for i := range 16 {
		v := "$0"
		if i < 8 {
			v = "$-1"
		}
		g.p("DATA masktab<>+%d(SB)/8, %s", 8*i, v)
	}
	g.p("GLOBL masktab<>(SB), RODATA|NOPTR, $128")
	g.p("")
}

// loadMasks puts the masks of a vector with CX (1..7) valid lanes in lo, hi.
func (g *gen) loadMasks(lo, hi string) {
	g.p("\tLEAQ masktab<>(SB), R12")
	g.p("\tMOVQ $8, R13")
	g.p("\tSUBQ CX, R13")
	g.p("\tVMOVDQU (R12)(R13*8), %s", lo)
	g.p("\tVMOVDQU 32(R12)(R13*8), %s", hi)
}

// fwdSub writes fwdSub{n}AVX2, with fwdTile{n}AVX512's arguments (z and x
// of n ≤ 2 rows, nj ≤ 2). Accumulator (r, s) is Y(4s+2r) (lanes 0–3) and
// Y(4s+2r+1) (lanes 4–7), spilled at spill[8(4s+r):]; W rows in SI, DI;
// x rows in R8, R9.
func (g *gen) fwdSub(n int) {
	name := fmt.Sprintf("fwdSub%dAVX2", n)
	lbl := fmt.Sprintf("fsub%d", n)
	acc := func(r, s, h int) string { return y(4*s + 2*r + h) }
	g.p("// func %s(z [][]float64, j0, nj int, w []float64, in int, b []float64, x [][]float64, k0, k1 int, spill []float64, flags int)", name)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-168", name)
	g.p("\tMOVQ spill_base+136(FP), R10")
	g.p("\tMOVQ flags+160(FP), CX")
	g.p("\tTESTQ $1, CX")
	g.p("\tJZ %szero", lbl)
	for s := range n {
		for r := range 2 {
			for h := range 2 {
				g.p("\tVMOVUPD %d(R10), %s", 64*(4*s+r)+32*h, acc(r, s, h))
			}
		}
	}
	g.p("\tJMP %sready", lbl)
	g.p("%szero:", lbl)
	for i := range 4 * n {
		g.p("\tVXORPD %s, %s, %s", y(i), y(i), y(i))
	}
	g.p("%sready:", lbl)
	g.p("\tMOVQ in+64(FP), R11")
	g.p("\tMOVQ w_base+40(FP), SI")
	g.p("\tMOVQ j0+24(FP), AX")
	g.p("\tIMULQ R11, AX")
	g.p("\tLEAQ (SI)(AX*8), SI")
	g.p("\tMOVQ SI, DI")
	g.p("\tCMPQ nj+32(FP), $1")
	g.p("\tJLE %sone", lbl)
	g.p("\tLEAQ (SI)(R11*8), DI")
	g.p("%sone:", lbl)
	g.p("\tMOVQ x_base+96(FP), R10")
	g.p("\tMOVQ 0(R10), R8")
	if n > 1 {
		g.p("\tMOVQ 24(R10), R9")
	}
	g.p("\tMOVQ k0+120(FP), AX")
	g.p("\tMOVQ k1+128(FP), CX")
	g.p("\tSUBQ AX, CX")
	g.p("\tMOVQ CX, BX")
	g.p("\tANDQ $-8, BX")
	g.p("\tSHLQ $3, AX")
	g.p("\tSHLQ $3, BX")
	g.p("\tADDQ AX, BX")
	g.p("\tANDQ $7, CX")
	xr := []string{"R8", "R9"}
	body := func(masked bool) {
		ld := func(off int, base, dst, mask string) {
			if masked {
				g.p("\tVMASKMOVPD %d(%s)(AX*1), %s, %s", off, base, mask, dst)
			} else {
				g.p("\tVMOVUPD %d(%s)(AX*1), %s", off, base, dst)
			}
		}
		ld(0, "SI", "Y8", "Y14")
		ld(32, "SI", "Y9", "Y15")
		ld(0, "DI", "Y10", "Y14")
		ld(32, "DI", "Y11", "Y15")
		for s := range n {
			ld(0, xr[s], "Y12", "Y14")
			ld(32, xr[s], "Y13", "Y15")
			g.p("\tVFMADD231PD Y8, Y12, %s", acc(0, s, 0))
			g.p("\tVFMADD231PD Y9, Y13, %s", acc(0, s, 1))
			g.p("\tVFMADD231PD Y10, Y12, %s", acc(1, s, 0))
			g.p("\tVFMADD231PD Y11, Y13, %s", acc(1, s, 1))
		}
	}
	g.p("\tCMPQ AX, BX")
	g.p("\tJGE %stail", lbl)
	g.p("%sloop:", lbl)
	body(false)
	g.p("\tADDQ $64, AX")
	g.p("\tCMPQ AX, BX")
	g.p("\tJLT %sloop", lbl)
	g.p("%stail:", lbl)
	g.p("\tTESTQ CX, CX")
	g.p("\tJZ %send", lbl)
	g.loadMasks("Y14", "Y15")
	body(true)
	g.p("%send:", lbl)
	g.p("\tMOVQ flags+160(FP), CX")
	g.p("\tTESTQ $2, CX")
	g.p("\tJNZ %sreduce", lbl)
	g.p("\tMOVQ spill_base+136(FP), R10")
	for s := range n {
		for r := range 2 {
			for h := range 2 {
				g.p("\tVMOVUPD %s, %d(R10)", acc(r, s, h), 64*(4*s+r)+32*h)
			}
		}
	}
	g.p("\tVZEROUPPER")
	g.p("\tRET")
	g.p("%sreduce:", lbl)
	g.p("\tMOVQ b_base+72(FP), SI")
	g.p("\tMOVQ j0+24(FP), DI")
	g.p("\tMOVQ z_base+0(FP), R10")
	g.p("\tMOVQ nj+32(FP), CX")
	for s := range n {
		g.p("\tMOVQ %d(R10), DX", 24*s)
		for r := range 2 {
			if r == 1 {
				g.p("\tCMPQ CX, $1")
				g.p("\tJLE %sskip%d", lbl, s)
			}
			lo, hi := acc(r, s, 0), acc(r, s, 1)
			xlo := "X" + lo[1:]
			// (l0+l4, l1+l5, l2+l6, l3+l7), then the two 128-bit halves,
			// then x0 + x1, then + b.
			g.p("\tVADDPD %s, %s, %s", hi, lo, lo)
			g.p("\tVEXTRACTF128 $1, %s, X12", lo)
			g.p("\tVADDPD X12, %s, %s", xlo, xlo)
			g.p("\tVHADDPD %s, %s, %s", xlo, xlo, xlo)
			g.p("\tVADDSD %d(SI)(DI*8), %s, %s", 8*r, xlo, xlo)
			g.p("\tVMOVSD %s, %d(DX)(DI*8)", xlo, 8*r)
		}
		g.p("%sskip%d:", lbl, s)
	}
	g.p("\tVZEROUPPER")
	g.p("\tRET")
	g.p("")
}

// rankSub writes rankSub{R}x{V}AVX2, with rankTile's arguments (c of R ≤ 2
// rows, nk ≤ 8V columns). Accumulator (r, v) is Y(2(rV+v)) and
// Y(2(rV+v)+1); c rows in R10, R11.
func (g *gen) rankSub(R, V int) {
	name := fmt.Sprintf("rankSub%dx%dAVX2", R, V)
	lbl := fmt.Sprintf("rsub%dx%d", R, V)
	acc := func(r, v, h int) string { return y(2*(r*V+v) + h) }
	cr := []string{"R10", "R11"}
	g.p("// func %s(c [][]float64, k0, nk int, coef []float64, b [][]float64, zero bool)", name)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-89", name)
	// CX: valid lanes of the last vector (1..8).
	g.p("\tMOVQ nk+32(FP), CX")
	g.p("\tSUBQ $%d, CX", 8*(V-1))
	g.p("\tMOVQ k0+24(FP), AX")
	g.p("\tSHLQ $3, AX")
	g.p("\tMOVQ c_base+0(FP), DX")
	for r := range R {
		g.p("\tMOVQ %d(DX), %s", 24*r, cr[r])
	}
	// Masks of the last vector, kept in memory: (SP-free) at R12+R13*8.
	g.p("\tLEAQ masktab<>(SB), R12")
	g.p("\tMOVQ $8, R13")
	g.p("\tSUBQ CX, R13")
	mem := func(base string, v, h int) string { return fmt.Sprintf("%d(%s)(AX*1)", 64*v+32*h, base) }
	maskMem := func(h int) string { return fmt.Sprintf("%d(R12)(R13*8)", 32*h) }
	// load puts c[r] (or b[t]) vector v, half h into dst (masked in the last
	// vector, through the dst register itself as the mask).
	load := func(base string, v, h int, dst string) {
		if v == V-1 {
			g.p("\tVMOVDQU %s, %s", maskMem(h), dst)
			g.p("\tVMASKMOVPD %s, %s, %s", mem(base, v, h), dst, dst)
		} else {
			g.p("\tVMOVUPD %s, %s", mem(base, v, h), dst)
		}
	}
	g.p("\tMOVBLZX zero+88(FP), CX")
	g.p("\tTESTQ CX, CX")
	g.p("\tJNZ %szero", lbl)
	for r := range R {
		for v := range V {
			for h := range 2 {
				load(cr[r], v, h, acc(r, v, h))
			}
		}
	}
	g.p("\tJMP %sstart", lbl)
	g.p("%szero:", lbl)
	for i := range 2 * R * V {
		g.p("\tVXORPD %s, %s, %s", y(i), y(i), y(i))
	}
	g.p("%sstart:", lbl)
	g.p("\tMOVQ coef_base+40(FP), BX")
	g.p("\tMOVQ b_base+64(FP), DX")
	g.p("\tMOVQ b_len+72(FP), CX")
	g.p("\tTESTQ CX, CX")
	g.p("\tJZ %sstore", lbl)
	g.p("%sloop:", lbl)
	g.p("\tMOVQ (DX), R9")
	for r := range R {
		g.p("\tVBROADCASTSD %d(BX), %s", 8*r, y(12+r))
	}
	for v := range V {
		for h := range 2 {
			t := y(14 + h)
			load("R9", v, h, t)
			for r := range R {
				g.p("\tVFMADD231PD %s, %s, %s", y(12+r), t, acc(r, v, h))
			}
		}
	}
	g.p("\tADDQ $32, BX")
	g.p("\tADDQ $24, DX")
	g.p("\tDECQ CX")
	g.p("\tJNZ %sloop", lbl)
	g.p("%sstore:", lbl)
	for r := range R {
		for v := range V {
			for h := range 2 {
				if v == V-1 {
					g.p("\tVMOVDQU %s, Y14", maskMem(h))
					g.p("\tVMASKMOVPD %s, Y14, %s", acc(r, v, h), mem(cr[r], v, h))
				} else {
					g.p("\tVMOVUPD %s, %s", acc(r, v, h), mem(cr[r], v, h))
				}
			}
		}
	}
	g.p("\tVZEROUPPER")
	g.p("\tRET")
	g.p("")
}

// sigmoidAVX2 writes sigmoidAVX2(z, a []float64): sigmoid's operations four
// at a time; the constants are 4-wide in sigconst4<> (memory operands).
func (g *gen) sigmoidAVX2(consts []sigConst, coefs []string) {
	i := 0
	for _, c := range append(append([]sigConst{}, consts...), func() []sigConst {
		var v []sigConst
		for k, s := range coefs {
			v = append(v, sigConst{fmt.Sprintf("1/%d!", 13-k), s})
		}
		return v
	}()...) {
		for range 4 {
			g.p("DATA sigconst4<>+%d(SB)/8, %s // %s", 8*i, c.bits, c.name)
			i++
		}
	}
	g.p("GLOBL sigconst4<>(SB), RODATA|NOPTR, $%d", 8*i)
	g.p("")
	off := func(k int) string { return fmt.Sprintf("%d(DX)", 32*k) }
	nc := len(consts)
	g.p("// func sigmoidAVX2(z, a []float64)")
	g.p("TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48")
	g.p("\tMOVQ z_base+0(FP), SI")
	g.p("\tMOVQ z_len+8(FP), CX")
	g.p("\tMOVQ a_base+24(FP), DI")
	g.p("\tLEAQ sigconst4<>(SB), DX")
	g.p("\tMOVQ CX, BX")
	g.p("\tANDQ $3, BX")
	// Mask of the last vector: lanes < BX, from masktab (low half).
	g.p("\tLEAQ masktab<>(SB), R12")
	g.p("\tMOVQ $8, R13")
	g.p("\tSUBQ BX, R13")
	g.p("\tVMOVDQU (R12)(R13*8), Y15")
	g.p("\tANDQ $-4, CX")
	g.p("\tSHLQ $3, CX")
	g.p("\tXORQ AX, AX")
	body := func(masked bool) {
		if masked {
			g.p("\tVMASKMOVPD (SI)(AX*1), Y15, Y0")
		} else {
			g.p("\tVMOVUPD (SI)(AX*1), Y0")
		}
		g.p("\tVXORPD %s, Y0, Y0", off(0)) // x = −z
		g.p("\tVMOVUPD %s, Y6", off(1))    //
		g.p("\tVMAXPD Y0, Y6, Y0")         // x < lo → lo (NaN stays)
		g.p("\tVMOVUPD %s, Y6", off(2))    //
		g.p("\tVMINPD Y0, Y6, Y0")         // x > hi → hi (NaN stays)
		g.p("\tVMULPD %s, Y0, Y1", off(3)) // x·log2e
		g.p("\tVROUNDPD $0, Y1, Y1")       // n
		g.p("\tVMOVAPD Y0, Y2")            //
		g.p("\tVMOVUPD %s, Y6", off(4))    //
		g.p("\tVFNMADD231PD Y6, Y1, Y2")   // r = x − n·ln2hi
		g.p("\tVMOVUPD %s, Y6", off(5))    //
		g.p("\tVFNMADD231PD Y6, Y1, Y2")   // r −= n·ln2lo
		g.p("\tVMOVUPD %s, Y3", off(nc))   // p = 1/13!
		for k := 1; k < len(coefs); k++ {
			g.p("\tVFMADD213PD %s, Y2, Y3", off(nc+k)) // p = p·r + c
		}
		g.p("\tVCVTPD2DQY Y1, X4") // ni (int32; exact, |n| < 2^11)
		g.p("\tVPSRAD $1, X4, X5") // h = ni >> 1
		g.p("\tVPSUBD X5, X4, X4") // ni − h
		g.p("\tVPMOVSXDQ X5, Y5")
		g.p("\tVPMOVSXDQ X4, Y4")
		g.p("\tVPADDQ %s, Y5, Y5", off(6))
		g.p("\tVPSLLQ $52, Y5, Y5") // 2^h
		g.p("\tVPADDQ %s, Y4, Y4", off(6))
		g.p("\tVPSLLQ $52, Y4, Y4") // 2^(ni−h)
		g.p("\tVMULPD Y5, Y3, Y3")
		g.p("\tVMULPD Y4, Y3, Y3")                    // e^x
		g.p("\tVMOVUPD %s, Y6", off(nc+len(coefs)-1)) // 1
		g.p("\tVADDPD Y6, Y3, Y3")                    // 1 + e^x
		g.p("\tVDIVPD Y3, Y6, Y3")                    // 1/(1 + e^x)
		if masked {
			g.p("\tVMASKMOVPD Y3, Y15, (DI)(AX*1)")
		} else {
			g.p("\tVMOVUPD Y3, (DI)(AX*1)")
		}
	}
	g.p("\tCMPQ AX, CX")
	g.p("\tJGE sig2tail")
	g.p("sig2loop:")
	body(false)
	g.p("\tADDQ $32, AX")
	g.p("\tCMPQ AX, CX")
	g.p("\tJLT sig2loop")
	g.p("sig2tail:")
	g.p("\tTESTQ BX, BX")
	g.p("\tJZ sig2done")
	body(true)
	g.p("sig2done:")
	g.p("\tVZEROUPPER")
	g.p("\tRET")
	g.p("")
}
