/* SPDX-License-Identifier: MIT */
/*
 * Trap entry and exit. The Go program runs in S-mode like goose, so a trap
 * does not switch privilege or stack by itself. sscratch tells the two apart:
 * while Go code runs it holds the running thread's struct frame; while goose
 * runs it holds 0 (as in Linux's entry.S, where it tells user from kernel).
 */
#include "arch/riscv/frame.h"
#include "arch/riscv/riscv.h"

	.text
	.align	2
	.globl	trap_entry
trap_entry:
	csrrw	t6, CSR_SSCRATCH, t6
	beqz	t6, .Lfrom_goose

	/* From Go: save every register in the thread's frame. */
	sd	x1, FRAME_X(1)(t6)
	sd	x2, FRAME_X(2)(t6)
	sd	x3, FRAME_X(3)(t6)
	sd	x4, FRAME_X(4)(t6)
	sd	x5, FRAME_X(5)(t6)
	sd	x6, FRAME_X(6)(t6)
	sd	x7, FRAME_X(7)(t6)
	sd	x8, FRAME_X(8)(t6)
	sd	x9, FRAME_X(9)(t6)
	sd	x10, FRAME_X(10)(t6)
	sd	x11, FRAME_X(11)(t6)
	sd	x12, FRAME_X(12)(t6)
	sd	x13, FRAME_X(13)(t6)
	sd	x14, FRAME_X(14)(t6)
	sd	x15, FRAME_X(15)(t6)
	sd	x16, FRAME_X(16)(t6)
	sd	x17, FRAME_X(17)(t6)
	sd	x18, FRAME_X(18)(t6)
	sd	x19, FRAME_X(19)(t6)
	sd	x20, FRAME_X(20)(t6)
	sd	x21, FRAME_X(21)(t6)
	sd	x22, FRAME_X(22)(t6)
	sd	x23, FRAME_X(23)(t6)
	sd	x24, FRAME_X(24)(t6)
	sd	x25, FRAME_X(25)(t6)
	sd	x26, FRAME_X(26)(t6)
	sd	x27, FRAME_X(27)(t6)
	sd	x28, FRAME_X(28)(t6)
	sd	x29, FRAME_X(29)(t6)
	sd	x30, FRAME_X(30)(t6)
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

	ld	x1, FRAME_X(1)(t6)
	ld	x2, FRAME_X(2)(t6)
	ld	x3, FRAME_X(3)(t6)
	ld	x4, FRAME_X(4)(t6)
	ld	x5, FRAME_X(5)(t6)
	ld	x6, FRAME_X(6)(t6)
	ld	x7, FRAME_X(7)(t6)
	ld	x8, FRAME_X(8)(t6)
	ld	x9, FRAME_X(9)(t6)
	ld	x10, FRAME_X(10)(t6)
	ld	x11, FRAME_X(11)(t6)
	ld	x12, FRAME_X(12)(t6)
	ld	x13, FRAME_X(13)(t6)
	ld	x14, FRAME_X(14)(t6)
	ld	x15, FRAME_X(15)(t6)
	ld	x16, FRAME_X(16)(t6)
	ld	x17, FRAME_X(17)(t6)
	ld	x18, FRAME_X(18)(t6)
	ld	x19, FRAME_X(19)(t6)
	ld	x20, FRAME_X(20)(t6)
	ld	x21, FRAME_X(21)(t6)
	ld	x22, FRAME_X(22)(t6)
	ld	x23, FRAME_X(23)(t6)
	ld	x24, FRAME_X(24)(t6)
	ld	x25, FRAME_X(25)(t6)
	ld	x26, FRAME_X(26)(t6)
	ld	x27, FRAME_X(27)(t6)
	ld	x28, FRAME_X(28)(t6)
	ld	x29, FRAME_X(29)(t6)
	ld	x30, FRAME_X(30)(t6)
	/* t6 (x31) last: it held the frame pointer. */
	ld	x31, FRAME_X(31)(t6)
	sret

.Lfrom_goose:
	/* A trap inside goose is a goose bug, unless the instruction expected
	 * it (an exception fixup): save what we can on the current stack and
	 * report it. sscratch goes back to 0. */
	csrrw	t6, CSR_SSCRATCH, t6
	addi	sp, sp, -FRAME_SIZE
	sd	x1, FRAME_X(1)(sp)
	sd	x3, FRAME_X(3)(sp)
	sd	x4, FRAME_X(4)(sp)
	sd	x5, FRAME_X(5)(sp)
	sd	x6, FRAME_X(6)(sp)
	sd	x7, FRAME_X(7)(sp)
	sd	x8, FRAME_X(8)(sp)
	sd	x9, FRAME_X(9)(sp)
	sd	x10, FRAME_X(10)(sp)
	sd	x11, FRAME_X(11)(sp)
	sd	x12, FRAME_X(12)(sp)
	sd	x13, FRAME_X(13)(sp)
	sd	x14, FRAME_X(14)(sp)
	sd	x15, FRAME_X(15)(sp)
	sd	x16, FRAME_X(16)(sp)
	sd	x17, FRAME_X(17)(sp)
	sd	x18, FRAME_X(18)(sp)
	sd	x19, FRAME_X(19)(sp)
	sd	x20, FRAME_X(20)(sp)
	sd	x21, FRAME_X(21)(sp)
	sd	x22, FRAME_X(22)(sp)
	sd	x23, FRAME_X(23)(sp)
	sd	x24, FRAME_X(24)(sp)
	sd	x25, FRAME_X(25)(sp)
	sd	x26, FRAME_X(26)(sp)
	sd	x27, FRAME_X(27)(sp)
	sd	x28, FRAME_X(28)(sp)
	sd	x29, FRAME_X(29)(sp)
	sd	x30, FRAME_X(30)(sp)
	sd	x31, FRAME_X(31)(sp)
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
	ld	x1, FRAME_X(1)(sp)
	ld	x3, FRAME_X(3)(sp)
	ld	x4, FRAME_X(4)(sp)
	ld	x5, FRAME_X(5)(sp)
	ld	x6, FRAME_X(6)(sp)
	ld	x7, FRAME_X(7)(sp)
	ld	x8, FRAME_X(8)(sp)
	ld	x9, FRAME_X(9)(sp)
	ld	x10, FRAME_X(10)(sp)
	ld	x11, FRAME_X(11)(sp)
	ld	x12, FRAME_X(12)(sp)
	ld	x13, FRAME_X(13)(sp)
	ld	x14, FRAME_X(14)(sp)
	ld	x15, FRAME_X(15)(sp)
	ld	x16, FRAME_X(16)(sp)
	ld	x17, FRAME_X(17)(sp)
	ld	x18, FRAME_X(18)(sp)
	ld	x19, FRAME_X(19)(sp)
	ld	x20, FRAME_X(20)(sp)
	ld	x21, FRAME_X(21)(sp)
	ld	x22, FRAME_X(22)(sp)
	ld	x23, FRAME_X(23)(sp)
	ld	x24, FRAME_X(24)(sp)
	ld	x25, FRAME_X(25)(sp)
	ld	x26, FRAME_X(26)(sp)
	ld	x27, FRAME_X(27)(sp)
	ld	x28, FRAME_X(28)(sp)
	ld	x29, FRAME_X(29)(sp)
	ld	x30, FRAME_X(30)(sp)
	ld	x31, FRAME_X(31)(sp)
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
