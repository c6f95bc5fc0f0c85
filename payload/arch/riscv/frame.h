/* SPDX-License-Identifier: MIT */
/*
 * The trap frame, shared by trap.S and C. Slot i holds register xi for
 * i = 1..31 and slot 0 holds the pc (sepc): exactly Linux's struct
 * user_regs_struct (arch/riscv/include/uapi/asm/ptrace.h), so a signal frame's
 * sc_regs is a plain copy.
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

/* struct hart: the fields trap.S reads. */
#define HART_KSTACK 0

/* Each hart's goose stack (traps run on it). Its lowest word holds
 * HART_STACK_CANARY; trap_handler checks it on every way out. */
#define HART_STACK_SIZE (32 * 1024)
#define HART_STACK_CANARY 0x676f6f7365537421

#define REG_RA 1
#define REG_SP 2
#define REG_GP 3
#define REG_TP 4
#define REG_T0 5
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14
#define REG_A5 15
#define REG_A6 16
#define REG_A7 17
#define REG_S11 27

#ifndef __ASSEMBLER__
#include <stdint.h>

struct hart;

struct frame {
	uint64_t x[32];		/* x[0] is the pc */
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
	struct hart *hart;
};

_Static_assert(sizeof(struct frame) == FRAME_SIZE, "frame layout");
#endif

#endif
