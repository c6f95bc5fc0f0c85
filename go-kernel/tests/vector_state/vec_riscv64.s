// Vector code for the vector_state test, as WORDs: Go's assembler knows
// no V mnemonics before Go 1.25 and the test builds with every toolchain.
// Each WORD says its instruction (GNU as syntax); registers: t0 X5, t1 X6,
// t2 X7, t3 X28, t4 X29, t5 X30.

#include "textflag.h"

// func vecHold(seed, iters uint64, buf *byte) (vl, vtype uint64)
// Sets v0..v31 to seed+i in each 64-bit element (vl = VLMAX at e64, m1),
// spins iters times on scalar code only, then stores v0..v31 to buf (32 *
// vlenb bytes) and returns vl and vtype as they are at the end.
TEXT ·vecHold(SB), NOSPLIT, $0-40
	MOV	seed+0(FP), X5
	MOV	iters+8(FP), X6
	MOV	buf+16(FP), X7
	WORD	$0x0d807e57	// vsetvli t3, zero, e64, m1, ta, ma
	ADD	$0, X5, X29
	WORD	$0x5e0ec057	// vmv.v.x v0, t4
	ADD	$1, X5, X29
	WORD	$0x5e0ec0d7	// vmv.v.x v1, t4
	ADD	$2, X5, X29
	WORD	$0x5e0ec157	// vmv.v.x v2, t4
	ADD	$3, X5, X29
	WORD	$0x5e0ec1d7	// vmv.v.x v3, t4
	ADD	$4, X5, X29
	WORD	$0x5e0ec257	// vmv.v.x v4, t4
	ADD	$5, X5, X29
	WORD	$0x5e0ec2d7	// vmv.v.x v5, t4
	ADD	$6, X5, X29
	WORD	$0x5e0ec357	// vmv.v.x v6, t4
	ADD	$7, X5, X29
	WORD	$0x5e0ec3d7	// vmv.v.x v7, t4
	ADD	$8, X5, X29
	WORD	$0x5e0ec457	// vmv.v.x v8, t4
	ADD	$9, X5, X29
	WORD	$0x5e0ec4d7	// vmv.v.x v9, t4
	ADD	$10, X5, X29
	WORD	$0x5e0ec557	// vmv.v.x v10, t4
	ADD	$11, X5, X29
	WORD	$0x5e0ec5d7	// vmv.v.x v11, t4
	ADD	$12, X5, X29
	WORD	$0x5e0ec657	// vmv.v.x v12, t4
	ADD	$13, X5, X29
	WORD	$0x5e0ec6d7	// vmv.v.x v13, t4
	ADD	$14, X5, X29
	WORD	$0x5e0ec757	// vmv.v.x v14, t4
	ADD	$15, X5, X29
	WORD	$0x5e0ec7d7	// vmv.v.x v15, t4
	ADD	$16, X5, X29
	WORD	$0x5e0ec857	// vmv.v.x v16, t4
	ADD	$17, X5, X29
	WORD	$0x5e0ec8d7	// vmv.v.x v17, t4
	ADD	$18, X5, X29
	WORD	$0x5e0ec957	// vmv.v.x v18, t4
	ADD	$19, X5, X29
	WORD	$0x5e0ec9d7	// vmv.v.x v19, t4
	ADD	$20, X5, X29
	WORD	$0x5e0eca57	// vmv.v.x v20, t4
	ADD	$21, X5, X29
	WORD	$0x5e0ecad7	// vmv.v.x v21, t4
	ADD	$22, X5, X29
	WORD	$0x5e0ecb57	// vmv.v.x v22, t4
	ADD	$23, X5, X29
	WORD	$0x5e0ecbd7	// vmv.v.x v23, t4
	ADD	$24, X5, X29
	WORD	$0x5e0ecc57	// vmv.v.x v24, t4
	ADD	$25, X5, X29
	WORD	$0x5e0eccd7	// vmv.v.x v25, t4
	ADD	$26, X5, X29
	WORD	$0x5e0ecd57	// vmv.v.x v26, t4
	ADD	$27, X5, X29
	WORD	$0x5e0ecdd7	// vmv.v.x v27, t4
	ADD	$28, X5, X29
	WORD	$0x5e0ece57	// vmv.v.x v28, t4
	ADD	$29, X5, X29
	WORD	$0x5e0eced7	// vmv.v.x v29, t4
	ADD	$30, X5, X29
	WORD	$0x5e0ecf57	// vmv.v.x v30, t4
	ADD	$31, X5, X29
	WORD	$0x5e0ecfd7	// vmv.v.x v31, t4
spin:
	ADD	$-1, X6
	BNEZ	X6, spin
	WORD	$0xc2202f73	// csrr t5, vlenb
	SLL	$3, X30
	WORD	$0xe2838027	// vs8r.v v0, (t2)
	ADD	X30, X7
	WORD	$0xe2838427	// vs8r.v v8, (t2)
	ADD	X30, X7
	WORD	$0xe2838827	// vs8r.v v16, (t2)
	ADD	X30, X7
	WORD	$0xe2838c27	// vs8r.v v24, (t2)
	WORD	$0xc2002ef3	// csrr t4, vl
	MOV	X29, vl+24(FP)
	WORD	$0xc2102ef3	// csrr t4, vtype
	MOV	X29, vtype+32(FP)
	RET

// func vlenb() uint64
TEXT ·vlenb(SB), NOSPLIT, $0-8
	WORD	$0xc2202f73	// csrr t5, vlenb
	MOV	X30, ret+0(FP)
	RET

// func handlerPC() uintptr
TEXT ·handlerPC(SB), NOSPLIT, $0-8
	MOV	$·vecHandler(SB), X5
	MOV	X5, ret+0(FP)
	RET

// A raw SA_SIGINFO handler, called by the kernel (a0 sig, a1 siginfo, a2
// ucontext), never by Go: it looks at the V record of the signal frame,
// counts it in ·good when it holds what vecHold set (·expect5: v5's value,
// ·vlen: vlenb), and then clobbers every vector register and vl/vtype. It
// returns to the kernel's sigreturn trampoline (ra).
TEXT ·vecHandler(SB), NOSPLIT|NOFRAME, $0-0
	MOV	·handled(SB), X5
	ADD	$1, X5
	MOV	X5, ·handled(SB)
	// The first record's header: uc_mcontext (176) + sc_fpregs (256) + 520.
	ADD	$952, X12, X6
	MOVWU	0(X6), X7
	MOV	$0x53465457, X5
	BNE	X5, X7, clobber
	MOVWU	4(X6), X7	// size: 8 + 48 + 32 * vlenb
	MOV	·vlen(SB), X28
	SLL	$5, X28, X29
	ADD	$56, X29
	BNE	X29, X7, clobber
	MOV	40(X6), X7	// vlenb
	BNE	X28, X7, clobber
	MOV	48(X6), X7	// datap: right after the state
	ADD	$56, X6, X29
	BNE	X29, X7, clobber
	MOV	24(X6), X29	// vtype: e64, m1, ta, ma
	MOV	$0xd8, X5
	BNE	X5, X29, clobber
	ADD	X28, X7		// datap + 5 * vlenb: v5
	ADD	X28, X7
	ADD	X28, X7
	ADD	X28, X7
	ADD	X28, X7
	MOV	0(X7), X29
	MOV	·expect5(SB), X5
	BNE	X5, X29, clobber
	MOV	·good(SB), X5
	ADD	$1, X5
	MOV	X5, ·good(SB)
clobber:
	MOV	$0x5a5a5a5a5a5a5a5a, X7
	WORD	$0x0c3072d7	// vsetvli t0, zero, e8, m8, ta, ma
	WORD	$0x5e03c057	// vmv.v.x v0, t2
	WORD	$0x5e03c457	// vmv.v.x v8, t2
	WORD	$0x5e03c857	// vmv.v.x v16, t2
	WORD	$0x5e03cc57	// vmv.v.x v24, t2
	RET
