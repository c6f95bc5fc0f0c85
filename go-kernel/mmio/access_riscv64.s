// Device register accessors for riscv64: each is one load or store of its
// width between two full fences. Go's FENCE is `fence iorw,iorw` (0x0ff0000f).

#include "textflag.h"

// func load8(p unsafe.Pointer) uint8
TEXT ·load8(SB),NOSPLIT|NOFRAME,$0-9
	MOV	p+0(FP), A0
	FENCE
	MOVBU	(A0), A1
	FENCE
	MOVB	A1, ret+8(FP)
	RET

// func load16(p unsafe.Pointer) uint16
TEXT ·load16(SB),NOSPLIT|NOFRAME,$0-10
	MOV	p+0(FP), A0
	FENCE
	MOVHU	(A0), A1
	FENCE
	MOVH	A1, ret+8(FP)
	RET

// func load32(p unsafe.Pointer) uint32
TEXT ·load32(SB),NOSPLIT|NOFRAME,$0-12
	MOV	p+0(FP), A0
	FENCE
	MOVWU	(A0), A1
	FENCE
	MOVW	A1, ret+8(FP)
	RET

// func load64(p unsafe.Pointer) uint64
TEXT ·load64(SB),NOSPLIT|NOFRAME,$0-16
	MOV	p+0(FP), A0
	FENCE
	MOV	(A0), A1
	FENCE
	MOV	A1, ret+8(FP)
	RET

// func store8(p unsafe.Pointer, v uint8)
TEXT ·store8(SB),NOSPLIT|NOFRAME,$0-9
	MOV	p+0(FP), A0
	MOVBU	v+8(FP), A1
	FENCE
	MOVB	A1, (A0)
	FENCE
	RET

// func store16(p unsafe.Pointer, v uint16)
TEXT ·store16(SB),NOSPLIT|NOFRAME,$0-10
	MOV	p+0(FP), A0
	MOVHU	v+8(FP), A1
	FENCE
	MOVH	A1, (A0)
	FENCE
	RET

// func store32(p unsafe.Pointer, v uint32)
TEXT ·store32(SB),NOSPLIT|NOFRAME,$0-12
	MOV	p+0(FP), A0
	MOVWU	v+8(FP), A1
	FENCE
	MOVW	A1, (A0)
	FENCE
	RET

// func store64(p unsafe.Pointer, v uint64)
TEXT ·store64(SB),NOSPLIT|NOFRAME,$0-16
	MOV	p+0(FP), A0
	MOV	v+8(FP), A1
	FENCE
	MOV	A1, (A0)
	FENCE
	RET

// func fence()
TEXT ·fence(SB),NOSPLIT|NOFRAME,$0-0
	FENCE
	RET
