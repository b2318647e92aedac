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

// func sgdAVX(w, g, oldW, newW []float64, eta, inv float64, sq *[8]float64, far bool) (bad float64)
// For each k: y = g[k]·inv; old = w[k]; nv = old − eta·y; oldW[k] = old;
// w[k] = newW[k] = nv (newW nil: not written); sq[k mod 8] += y·y. Returns Σ nv·0 over lanes (NaN
// iff some nv is not finite; two sums, Y6 and Y14, so that no chain of
// additions waits on the other). len(w) is a multiple of 8. With far set,
// oldW (32-byte aligned) is written around the caches (non-temporal
// stores, fenced at the end), so that its lines are not first read in.
TEXT ·sgdAVX(SB), NOSPLIT, $0-136
	MOVQ w_base+0(FP), SI
	MOVQ w_len+8(FP), CX
	MOVQ g_base+24(FP), R8
	MOVQ oldW_base+48(FP), R9
	MOVQ newW_base+72(FP), R10
	VBROADCASTSD eta+96(FP), Y4
	VBROADCASTSD inv+104(FP), Y5
	MOVQ sq+112(FP), DX
	MOVBQZX far+120(FP), R11
	VMOVUPD (DX), Y8
	VMOVUPD 32(DX), Y9
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y14, Y14, Y14
	SHLQ $3, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  sgddone

sgdloop:
	VMOVUPD (R8)(AX*1), Y1
	VMOVUPD 32(R8)(AX*1), Y11
	VMULPD  Y5, Y1, Y1
	VMULPD  Y5, Y11, Y11
	VMULPD  Y1, Y1, Y2
	VADDPD  Y2, Y8, Y8
	VMULPD  Y11, Y11, Y12
	VADDPD  Y12, Y9, Y9
	VMOVUPD (SI)(AX*1), Y0
	VMOVUPD 32(SI)(AX*1), Y10
	VMULPD  Y4, Y1, Y1
	VMULPD  Y4, Y11, Y11
	VSUBPD  Y1, Y0, Y2
	VSUBPD  Y11, Y10, Y12
	TESTQ   R11, R11
	JNZ     sgdfar
	VMOVUPD Y0, (R9)(AX*1)
	VMOVUPD Y10, 32(R9)(AX*1)

sgdnear:
	VMOVUPD Y2, (SI)(AX*1)
	VMOVUPD Y12, 32(SI)(AX*1)
	TESTQ   R10, R10
	JZ      sgdnonew
	VMOVUPD Y2, (R10)(AX*1)
	VMOVUPD Y12, 32(R10)(AX*1)

sgdnonew:
	VMULPD  Y7, Y2, Y3
	VADDPD  Y3, Y6, Y6
	VMULPD  Y7, Y12, Y13
	VADDPD  Y13, Y14, Y14
	ADDQ    $64, AX
	CMPQ    AX, CX
	JLT     sgdloop

sgddone:
	VADDPD       Y14, Y6, Y6
	VMOVUPD      Y8, (DX)
	VMOVUPD      Y9, 32(DX)
	VEXTRACTF128 $1, Y6, X1
	VADDPD       X1, X6, X6
	VPERMILPD    $1, X6, X1
	VADDSD       X1, X6, X6
	VMOVSD       X6, bad+128(FP)
	TESTQ        R11, R11
	JZ           sgdret
	SFENCE

sgdret:
	VZEROUPPER
	RET

sgdfar:
	VMOVNTPD Y0, (R9)(AX*1)
	VMOVNTPD Y10, 32(R9)(AX*1)
	JMP      sgdnear


// func nonFiniteAVX(v []float64) float64
// Σ v_i·0 in four vector accumulators (0 when every v_i is finite, NaN
// otherwise; the order does not matter: every term is 0 or NaN). len(v) is a
// multiple of 16.
TEXT ·nonFiniteAVX(SB), NOSPLIT, $0-32
	MOVQ v_base+0(FP), SI
	MOVQ v_len+8(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y8, Y8, Y8
	SHLQ $3, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  nfdone

nfloop:
	VMULPD  (SI)(AX*1), Y8, Y4
	VMULPD  32(SI)(AX*1), Y8, Y5
	VMULPD  64(SI)(AX*1), Y8, Y6
	VMULPD  96(SI)(AX*1), Y8, Y7
	VADDPD  Y4, Y0, Y0
	VADDPD  Y5, Y1, Y1
	VADDPD  Y6, Y2, Y2
	VADDPD  Y7, Y3, Y3
	ADDQ    $128, AX
	CMPQ    AX, CX
	JLT     nfloop

nfdone:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VADDSD       X1, X0, X0
	VMOVSD       X0, ret+24(FP)
	VZEROUPPER
	RET

// 1.0, broadcast from memory (the register form of VBROADCASTSD is AVX2).
DATA sdone<>+0(SB)/8, $0x3ff0000000000000
GLOBL sdone<>(SB), RODATA|NOPTR, $8

// func sigmoidDerivAVX(d, a []float64)
// d[k] ← d[k]·(a[k]·(1 − a[k])), each product rounded as in Go (no fused
// multiply-add). len(d) is a multiple of 8; len(a) ≥ len(d).
TEXT ·sigmoidDerivAVX(SB), NOSPLIT, $0-48
	MOVQ d_base+0(FP), DI
	MOVQ d_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	VBROADCASTSD sdone<>(SB), Y7
	SHLQ $3, CX
	XORQ AX, AX
	CMPQ AX, CX
	JGE  sdone

sloop:
	VMOVUPD (SI)(AX*1), Y0
	VMOVUPD 32(SI)(AX*1), Y1
	VSUBPD  Y0, Y7, Y2
	VSUBPD  Y1, Y7, Y3
	VMULPD  Y2, Y0, Y0
	VMULPD  Y3, Y1, Y1
	VMULPD  (DI)(AX*1), Y0, Y0
	VMULPD  32(DI)(AX*1), Y1, Y1
	VMOVUPD Y0, (DI)(AX*1)
	VMOVUPD Y1, 32(DI)(AX*1)
	ADDQ    $64, AX
	CMPQ    AX, CX
	JLT     sloop

sdone:
	VZEROUPPER
	RET
