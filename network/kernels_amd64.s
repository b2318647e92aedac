//go:build amd64 && !purego

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

// REDUCE sums the 4 lanes of Y as (l0+l2)+(l1+l3) into the low double of X
// and stores it at off(DX).
#define REDUCE(Y, X, off) \
	VEXTRACTF128 $1, Y, X14 \
	VADDPD       X14, X, X  \
	VPERMILPD    $1, X, X15 \
	VADDSD       X15, X, X  \
	VMOVSD       X, off(DX)

// func dot2x4AVX(w0, w1, x0, x1, x2, x3 []float64, out *[8]float64)
// len(w0) is a multiple of 4; all slices at least that long.
// out[r*4+s] = lanes-of-4 dot product of w_r and x_s, reduced as above.
TEXT ·dot2x4AVX(SB), NOSPLIT, $0-152
	MOVQ w0_base+0(FP), SI
	MOVQ w0_len+8(FP), CX
	MOVQ w1_base+24(FP), DI
	MOVQ x0_base+48(FP), R8
	MOVQ x1_base+72(FP), R9
	MOVQ x2_base+96(FP), R10
	MOVQ x3_base+120(FP), R11
	MOVQ out+144(FP), DX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	SHLQ $3, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  reduce

loop:
	VMOVUPD (SI)(AX*1), Y8
	VMOVUPD (DI)(AX*1), Y9
	VMOVUPD (R8)(AX*1), Y10
	VMULPD  Y8, Y10, Y12
	VADDPD  Y12, Y0, Y0
	VMULPD  Y9, Y10, Y13
	VADDPD  Y13, Y4, Y4
	VMOVUPD (R9)(AX*1), Y11
	VMULPD  Y8, Y11, Y12
	VADDPD  Y12, Y1, Y1
	VMULPD  Y9, Y11, Y13
	VADDPD  Y13, Y5, Y5
	VMOVUPD (R10)(AX*1), Y10
	VMULPD  Y8, Y10, Y12
	VADDPD  Y12, Y2, Y2
	VMULPD  Y9, Y10, Y13
	VADDPD  Y13, Y6, Y6
	VMOVUPD (R11)(AX*1), Y11
	VMULPD  Y8, Y11, Y12
	VADDPD  Y12, Y3, Y3
	VMULPD  Y9, Y11, Y13
	VADDPD  Y13, Y7, Y7
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     loop

reduce:
	REDUCE(Y0, X0, 0)
	REDUCE(Y1, X1, 8)
	REDUCE(Y2, X2, 16)
	REDUCE(Y3, X3, 24)
	REDUCE(Y4, X4, 32)
	REDUCE(Y5, X5, 40)
	REDUCE(Y6, X6, 48)
	REDUCE(Y7, X7, 56)
	VZEROUPPER
	RET

// func accum4AVX(g, a0, a1, a2, a3 []float64, d *[4]float64)
// g[k] = (((g[k] + d0·a0[k]) + d1·a1[k]) + d2·a2[k]) + d3·a3[k]; len(g) is a
// multiple of 4.
TEXT ·accum4AVX(SB), NOSPLIT, $0-128
	MOVQ g_base+0(FP), SI
	MOVQ g_len+8(FP), CX
	MOVQ a0_base+24(FP), R8
	MOVQ a1_base+48(FP), R9
	MOVQ a2_base+72(FP), R10
	MOVQ a3_base+96(FP), R11
	MOVQ d+120(FP), DX
	VBROADCASTSD 0(DX), Y4
	VBROADCASTSD 8(DX), Y5
	VBROADCASTSD 16(DX), Y6
	VBROADCASTSD 24(DX), Y7
	SHLQ $3, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  done4

loop4:
	VMOVUPD (SI)(AX*1), Y0
	VMOVUPD (R8)(AX*1), Y1
	VMULPD  Y4, Y1, Y1
	VADDPD  Y1, Y0, Y0
	VMOVUPD (R9)(AX*1), Y2
	VMULPD  Y5, Y2, Y2
	VADDPD  Y2, Y0, Y0
	VMOVUPD (R10)(AX*1), Y1
	VMULPD  Y6, Y1, Y1
	VADDPD  Y1, Y0, Y0
	VMOVUPD (R11)(AX*1), Y2
	VMULPD  Y7, Y2, Y2
	VADDPD  Y2, Y0, Y0
	VMOVUPD Y0, (SI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     loop4

done4:
	VZEROUPPER
	RET

// func accum1AVX(g, a []float64, d float64)
// g[k] = g[k] + d·a[k]; len(g) is a multiple of 4.
TEXT ·accum1AVX(SB), NOSPLIT, $0-56
	MOVQ g_base+0(FP), SI
	MOVQ g_len+8(FP), CX
	MOVQ a_base+24(FP), R8
	VBROADCASTSD d+48(FP), Y4
	SHLQ $3, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  done1

loop1:
	VMOVUPD (SI)(AX*1), Y0
	VMOVUPD (R8)(AX*1), Y1
	VMULPD  Y4, Y1, Y1
	VADDPD  Y1, Y0, Y0
	VMOVUPD Y0, (SI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     loop1

done1:
	VZEROUPPER
	RET

// func sgdAVX(w, g, oldW, newW []float64, eta, inv float64) (bad float64)
// For each k: old = w[k]; nv = old − eta·(g[k]·inv); oldW[k] = old;
// w[k] = newW[k] = nv. Returns Σ nv·0 over lanes (NaN iff some nv is not
// finite). len(w) is a multiple of 4.
TEXT ·sgdAVX(SB), NOSPLIT, $0-120
	MOVQ w_base+0(FP), SI
	MOVQ w_len+8(FP), CX
	MOVQ g_base+24(FP), R8
	MOVQ oldW_base+48(FP), R9
	MOVQ newW_base+72(FP), R10
	VBROADCASTSD eta+96(FP), Y4
	VBROADCASTSD inv+104(FP), Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	SHLQ $3, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  sgddone

sgdloop:
	VMOVUPD (SI)(AX*1), Y0
	VMOVUPD (R8)(AX*1), Y1
	VMULPD  Y5, Y1, Y1
	VMULPD  Y4, Y1, Y1
	VSUBPD  Y1, Y0, Y2
	VMOVUPD Y0, (R9)(AX*1)
	VMOVUPD Y2, (SI)(AX*1)
	VMOVUPD Y2, (R10)(AX*1)
	VMULPD  Y7, Y2, Y3
	VADDPD  Y3, Y6, Y6
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     sgdloop

sgddone:
	VEXTRACTF128 $1, Y6, X1
	VADDPD       X1, X6, X6
	VPERMILPD    $1, X6, X1
	VADDSD       X1, X6, X6
	VMOVSD       X6, bad+112(FP)
	VZEROUPPER
	RET

// func accum2AVX(g, a0, a1 []float64, d0, d1 float64)
// g[k] = (g[k] + d0·a0[k]) + d1·a1[k]; len(g) is a multiple of 4.
TEXT ·accum2AVX(SB), NOSPLIT, $0-88
	MOVQ g_base+0(FP), SI
	MOVQ g_len+8(FP), CX
	MOVQ a0_base+24(FP), R8
	MOVQ a1_base+48(FP), R9
	VBROADCASTSD d0+72(FP), Y4
	VBROADCASTSD d1+80(FP), Y5
	SHLQ $3, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  done2

loop2:
	VMOVUPD (SI)(AX*1), Y0
	VMOVUPD (R8)(AX*1), Y1
	VMULPD  Y4, Y1, Y1
	VADDPD  Y1, Y0, Y0
	VMOVUPD (R9)(AX*1), Y2
	VMULPD  Y5, Y2, Y2
	VADDPD  Y2, Y0, Y0
	VMOVUPD Y0, (SI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     loop2

done2:
	VZEROUPPER
	RET
