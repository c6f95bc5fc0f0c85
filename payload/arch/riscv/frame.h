/* SPDX-License-Identifier: MIT */
/*
 * The trap frame, shared by trap.S and C: the registers of a thread that
 * entered goose, laid out as Linux's struct user_regs_struct
 * (arch/riscv/include/uapi/asm/ptrace.h) so that a signal frame's sc_regs is
 * a plain copy. C names them (f->pc, f->a0, f->sp) or indexes them (f->x[i]
 * is register xi for i = 1..31; x[0] holds the pc, where x0 would be);
 * trap.S uses FRAME_X(i). The asserts below tie the three views together,
 * as OpenSBI's sbi_trap.h does.
 */
#ifndef GOOSE_FRAME_H
#define GOOSE_FRAME_H

#define FRAME_PC 0
#define FRAME_X(n) ((n)*8)
#define FRAME_SSTATUS (32 * 8)
#define FRAME_SCAUSE (33 * 8)
#define FRAME_STVAL (34 * 8)
#define FRAME_HART (35 * 8) /* struct hart * of the hart running this thread */
#define FRAME_SIZE (36 * 8)

/* struct hart: the fields trap.S reads (asserted in hart.h). */
#define HART_KSTACK 0

/* Each hart's goose stack (traps run on it). Its lowest word holds
 * HART_STACK_CANARY; trap_handler checks it on every way out. */
#define HART_STACK_SIZE (32 * 1024)
#define HART_STACK_CANARY 0x676f6f7365537421

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct hart;

struct frame {
	union {
		struct {
			uint64_t pc, ra, sp, gp, tp, t0, t1, t2, s0, s1;
			uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
			uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
			uint64_t t3, t4, t5, t6;
		};
		uint64_t x[32];
	};
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
	struct hart *hart;
};

#define FRAME_ASSERT(field, off) _Static_assert(offsetof(struct frame, field) == (off), "frame: " #field)
FRAME_ASSERT(pc, FRAME_PC);
FRAME_ASSERT(ra, FRAME_X(1));
FRAME_ASSERT(sp, FRAME_X(2));
FRAME_ASSERT(gp, FRAME_X(3));
FRAME_ASSERT(tp, FRAME_X(4));
FRAME_ASSERT(t0, FRAME_X(5));
FRAME_ASSERT(s0, FRAME_X(8));
FRAME_ASSERT(a0, FRAME_X(10));
FRAME_ASSERT(a7, FRAME_X(17));
FRAME_ASSERT(s2, FRAME_X(18));
FRAME_ASSERT(s11, FRAME_X(27));
FRAME_ASSERT(t3, FRAME_X(28));
FRAME_ASSERT(t6, FRAME_X(31));
FRAME_ASSERT(sstatus, FRAME_SSTATUS);
FRAME_ASSERT(scause, FRAME_SCAUSE);
FRAME_ASSERT(stval, FRAME_STVAL);
FRAME_ASSERT(hart, FRAME_HART);
#undef FRAME_ASSERT
_Static_assert(sizeof(struct frame) == FRAME_SIZE, "frame: size");

/* A system call's six arguments: a0-a5, as an array. */
static inline uint64_t *frame_args(struct frame *f)
{
	return &f->x[10];
}
#endif

#endif
