/* SPDX-License-Identifier: MIT */
/*
 * The vector unit's state (RISC-V "V" Vector Extension 1.0): v0-v31 and
 * vstart, vl, vtype, vcsr, to and from a struct vregs (arch/riscv/vector.h).
 * goose's C is built without V, so the vector registers always hold a Go
 * thread's values. Whole-register loads and stores (vl8re8.v, vs8r.v) move
 * eight registers at a time whatever vtype and vl are, so any VLEN works;
 * vsetvl puts vl and vtype back, as they were read.
 */
#include "arch/riscv/riscv.h"

#define VREGS_VSTART 0
#define VREGS_VL 8
#define VREGS_VTYPE 16
#define VREGS_VCSR 24
#define VREGS_V 32

	.text
	.option	push
	.option	arch, +v

	/* uint64_t vector_vlenb(void): VLEN / 8. Turns sstatus.VS on. */
	.globl	vector_vlenb
vector_vlenb:
	li	t0, SSTATUS_VS_INITIAL
	csrs	CSR_SSTATUS, t0
	csrr	a0, CSR_VLENB
	ret

	/* void vector_save(struct vregs *a0). The live state is left as it
	 * was (vstart too), so the thread may go on without a restore. */
	.globl	vector_save
vector_save:
	li	t0, SSTATUS_VS_INITIAL
	csrs	CSR_SSTATUS, t0
	csrr	t2, CSR_VSTART
	sd	t2, VREGS_VSTART(a0)
	csrr	t0, CSR_VL
	sd	t0, VREGS_VL(a0)
	csrr	t0, CSR_VTYPE
	sd	t0, VREGS_VTYPE(a0)
	csrr	t0, CSR_VCSR
	sd	t0, VREGS_VCSR(a0)
	/* Whole-register stores start at element vstart: from 0. */
	csrw	CSR_VSTART, zero
	csrr	t1, CSR_VLENB
	slli	t1, t1, 3
	addi	a1, a0, VREGS_V
	vs8r.v	v0, (a1)
	add	a1, a1, t1
	vs8r.v	v8, (a1)
	add	a1, a1, t1
	vs8r.v	v16, (a1)
	add	a1, a1, t1
	vs8r.v	v24, (a1)
	csrw	CSR_VSTART, t2
	ret

	/* void vector_restore(const struct vregs *a0). */
	.globl	vector_restore
vector_restore:
	li	t0, SSTATUS_VS_INITIAL
	csrs	CSR_SSTATUS, t0
	csrw	CSR_VSTART, zero
	csrr	t1, CSR_VLENB
	slli	t1, t1, 3
	addi	a1, a0, VREGS_V
	vl8re8.v v0, (a1)
	add	a1, a1, t1
	vl8re8.v v8, (a1)
	add	a1, a1, t1
	vl8re8.v v16, (a1)
	add	a1, a1, t1
	vl8re8.v v24, (a1)
	/* vl = min(AVL, VLMAX) = the saved vl, for the saved vtype. */
	ld	t0, VREGS_VL(a0)
	ld	t2, VREGS_VTYPE(a0)
	vsetvl	zero, t0, t2
	ld	t0, VREGS_VCSR(a0)
	csrw	CSR_VCSR, t0
	ld	t0, VREGS_VSTART(a0)
	csrw	CSR_VSTART, t0
	ret
	.option	pop
