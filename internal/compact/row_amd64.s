//go:build amd64 && !purego

#include "textflag.h"

// 1/255 and 255 as float64.
DATA compactConst<>+0(SB)/8, $0x3f70101010101010
DATA compactConst<>+8(SB)/8, $0x406fe00000000000
GLOBL compactConst<>(SB), RODATA|NOPTR, $16

// func rowAVX(x []float64, b []uint8)
// x[j] = q + fma(−q, 255, b[j])·r with q = b[j]·r, r = 1/255: four at a
// time, then one at a time.
TEXT ·rowAVX(SB), NOSPLIT, $0-48
	MOVQ x_base+0(FP), DI
	MOVQ b_base+24(FP), SI
	MOVQ b_len+32(FP), CX
	VBROADCASTSD compactConst<>+0(SB), Y4 // r
	VBROADCASTSD compactConst<>+8(SB), Y5 // 255
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-4, DX
	CMPQ AX, DX
	JGE  tail

loop4:
	VPMOVZXBD   (SI)(AX*1), X0
	VCVTDQ2PD   X0, Y0
	VMULPD      Y4, Y0, Y1          // q = b·r
	VMOVAPD     Y0, Y2
	VFNMADD231PD Y5, Y1, Y2         // e = b − q·255 (exact)
	VFMADD231PD Y4, Y2, Y1          // q + e·r
	VMOVUPD     Y1, (DI)(AX*8)
	ADDQ        $4, AX
	CMPQ        AX, DX
	JLT         loop4

tail:
	CMPQ AX, CX
	JGE  done
	MOVBLZX      (SI)(AX*1), BX
	VCVTSI2SDL   BX, X0, X0
	VMULSD       X4, X0, X1
	VMOVAPD      X0, X2
	VFNMADD231SD X5, X1, X2
	VFMADD231SD  X4, X2, X1
	VMOVSD       X1, (DI)(AX*8)
	INCQ         AX
	JMP          tail

done:
	VZEROUPPER
	RET

// func prefetch(b []uint8)
TEXT ·prefetch(SB), NOSPLIT, $0-24
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	ADDQ SI, CX
pf:
	CMPQ SI, CX
	JGE  pfdone
	PREFETCHT0 (SI)
	ADDQ $64, SI
	JMP  pf
pfdone:
	RET
