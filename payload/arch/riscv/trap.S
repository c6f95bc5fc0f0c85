/* SPDX-License-Identifier: MIT */
/*
 * Trap entry and exit. The Go program runs in S-mode like goose, so a trap
 * does not switch privilege or stack by itself. sscratch tells the two apart:
 * while Go code runs it holds the running thread's struct frame; while goose
 * runs it holds 0 (as in Linux's entry.S, where it tells user from kernel).
 */
#include "arch/riscv/frame.h"
#include "arch/riscv/riscv.h"

/* Store (load) registers x<n>... to (from) their slots of the frame at base. */
	.macro	save_x base, regs:vararg
	.irp	n, \regs
	sd	x\n, FRAME_X(\n)(\base)
	.endr
	.endm
	.macro	load_x base, regs:vararg
	.irp	n, \regs
	ld	x\n, FRAME_X(\n)(\base)
	.endr
	.endm

	.text
	.align	2
	.globl	trap_entry
trap_entry:
	csrrw	t6, CSR_SSCRATCH, t6
	beqz	t6, .Lfrom_goose

	/* From Go: save every register in the thread's frame. */
	save_x t6, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	csrr	t5, CSR_SSCRATCH
	sd	t5, FRAME_X(31)(t6)
	csrw	CSR_SSCRATCH, zero

	csrr	t0, CSR_SEPC
	sd	t0, FRAME_PC(t6)
	csrr	t0, CSR_SSTATUS
	sd	t0, FRAME_SSTATUS(t6)
	csrr	t0, CSR_SCAUSE
	sd	t0, FRAME_SCAUSE(t6)
	csrr	t0, CSR_STVAL
	sd	t0, FRAME_STVAL(t6)

	/* goose's tp is this hart's struct hart; its stack is the hart's. */
	ld	tp, FRAME_HART(t6)
	ld	sp, HART_KSTACK(tp)
	mv	a0, t6
	call	trap_handler
	/* fall through: a0 = the frame to resume */

	.globl	trap_resume
trap_resume:
	mv	t6, a0
	/* Status and epc before the GPRs; sstatus keeps SIE = 0 until sret. */
	ld	t0, FRAME_PC(t6)
	csrw	CSR_SEPC, t0
	ld	t0, FRAME_SSTATUS(t6)
	csrw	CSR_SSTATUS, t0
	csrw	CSR_SSCRATCH, t6

	load_x t6, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	/* t6 (x31) last: it held the frame pointer. */
	ld	x31, FRAME_X(31)(t6)
	sret

.Lfrom_goose:
	/* A trap inside goose is a goose bug, unless the instruction expected
	 * it (an exception fixup): save what we can on the current stack and
	 * report it. sscratch goes back to 0. */
	csrrw	t6, CSR_SSCRATCH, t6
	addi	sp, sp, -FRAME_SIZE
	save_x sp, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	addi	t0, sp, FRAME_SIZE
	sd	t0, FRAME_X(2)(sp)
	csrr	t0, CSR_SEPC
	sd	t0, FRAME_PC(sp)
	csrr	t0, CSR_SSTATUS
	sd	t0, FRAME_SSTATUS(sp)
	csrr	t0, CSR_SCAUSE
	sd	t0, FRAME_SCAUSE(sp)
	csrr	t0, CSR_STVAL
	sd	t0, FRAME_STVAL(sp)
	mv	a0, sp
	call	trap_goose_fault
	/* It returns only when the faulting instruction has a fixup
	 * (arch/riscv/extable.h), now in the frame's pc: go on there. */
	ld	t0, FRAME_PC(sp)
	csrw	CSR_SEPC, t0
	ld	t0, FRAME_SSTATUS(sp)
	csrw	CSR_SSTATUS, t0
	load_x sp, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	addi	sp, sp, FRAME_SIZE
	sret

/*
 * FP state: f0-f31 and fcsr. goose's C is built without F/D, so the FP
 * registers always hold the Go thread's values; they are switched only when
 * the hart changes threads.
 */
	.option	push
	.option	arch, +d
	.globl	fp_save
fp_save:
	fsd	f0, 0(a0)
	fsd	f1, 8(a0)
	fsd	f2, 16(a0)
	fsd	f3, 24(a0)
	fsd	f4, 32(a0)
	fsd	f5, 40(a0)
	fsd	f6, 48(a0)
	fsd	f7, 56(a0)
	fsd	f8, 64(a0)
	fsd	f9, 72(a0)
	fsd	f10, 80(a0)
	fsd	f11, 88(a0)
	fsd	f12, 96(a0)
	fsd	f13, 104(a0)
	fsd	f14, 112(a0)
	fsd	f15, 120(a0)
	fsd	f16, 128(a0)
	fsd	f17, 136(a0)
	fsd	f18, 144(a0)
	fsd	f19, 152(a0)
	fsd	f20, 160(a0)
	fsd	f21, 168(a0)
	fsd	f22, 176(a0)
	fsd	f23, 184(a0)
	fsd	f24, 192(a0)
	fsd	f25, 200(a0)
	fsd	f26, 208(a0)
	fsd	f27, 216(a0)
	fsd	f28, 224(a0)
	fsd	f29, 232(a0)
	fsd	f30, 240(a0)
	fsd	f31, 248(a0)
	frcsr	t0
	sw	t0, 256(a0)
	ret

	.globl	fp_restore
fp_restore:
	fld	f0, 0(a0)
	fld	f1, 8(a0)
	fld	f2, 16(a0)
	fld	f3, 24(a0)
	fld	f4, 32(a0)
	fld	f5, 40(a0)
	fld	f6, 48(a0)
	fld	f7, 56(a0)
	fld	f8, 64(a0)
	fld	f9, 72(a0)
	fld	f10, 80(a0)
	fld	f11, 88(a0)
	fld	f12, 96(a0)
	fld	f13, 104(a0)
	fld	f14, 112(a0)
	fld	f15, 120(a0)
	fld	f16, 128(a0)
	fld	f17, 136(a0)
	fld	f18, 144(a0)
	fld	f19, 152(a0)
	fld	f20, 160(a0)
	fld	f21, 168(a0)
	fld	f22, 176(a0)
	fld	f23, 184(a0)
	fld	f24, 192(a0)
	fld	f25, 200(a0)
	fld	f26, 208(a0)
	fld	f27, 216(a0)
	fld	f28, 224(a0)
	fld	f29, 232(a0)
	fld	f30, 240(a0)
	fld	f31, 248(a0)
	lw	t0, 256(a0)
	fscsr	t0
	ret
	.option	pop
