/* SPDX-License-Identifier: MIT */
/*
 * Exception fixups, as Linux's __ex_table (arch/riscv/include/asm/
 * asm-extable.h): an instruction that may trap by design lists its address
 * with where to go on if it does. A trap inside goose whose pc is listed
 * resumes there (kernel/trap.c trap_goose_fault, arch/riscv/trap.S) instead
 * of ending in a panic.
 *
 * What goose uses this for: the optional CSRs a device tree may name that
 * the firmware may still keep closed to S-mode (Zkr's seed needs
 * mseccfg.SSEED, which OpenSBI sets from 1.4 on; Sstc's stimecmp needs
 * menvcfg.STCE). A hart's ISA string is a hint, not a promise.
 */
#ifndef GOOSE_EXTABLE_H
#define GOOSE_EXTABLE_H

#include "lib/lib.h"

struct extable_entry {
	uint64_t insn;	/* the instruction that may trap */
	uint64_t fixup;	/* where to go on when it does */
};

/*
 * Run one instruction (insn: its output operand is %0, inputs given after
 * out are %2...) and give 0, or -1 when it trapped (out is then
 * undefined). The fixup code lives in .text.fixup, out of the way; both
 * labels are local to the asm.
 */
#define EXTABLE_TRY(insn, out, ...)                                      \
	({                                                               \
		long err_ = 0;                                           \
		asm volatile("1:	" insn "\n"                       \
			     "2:\n"                                      \
			     "	.pushsection goose_extable, \"a\"\n"    \
			     "	.balign 8\n"                            \
			     "	.dword 1b, 3f\n"                        \
			     "	.popsection\n"                          \
			     "	.pushsection .text.fixup, \"ax\"\n"     \
			     "3:	li %1, -1\n"                      \
			     "	j 2b\n"                                 \
			     "	.popsection\n"                          \
			     : "=&r"(out), "+r"(err_)                    \
			     : __VA_ARGS__                               \
			     : "memory");                                \
		err_;                                                    \
	})

/* Zkr's seed: a read must be a csrrw (ISA manual, "Entropy Source"). */
static inline long csr_try_swap_seed(uint64_t *v)
{
	return EXTABLE_TRY("csrrw %0, 0x015, x0", *v);
}

/* Sstc's stimecmp (0x14d), read to learn whether S-mode may use it. */
static inline long csr_try_read_stimecmp(uint64_t *v)
{
	return EXTABLE_TRY("csrr %0, 0x14d", *v);
}

/* The fixup for a trap at pc, or 0 when pc has none. */
static inline uint64_t extable_fixup(uint64_t pc)
{
	extern const struct extable_entry __start_goose_extable[] __attribute__((weak));
	extern const struct extable_entry __stop_goose_extable[] __attribute__((weak));

	for (const struct extable_entry *e = __start_goose_extable;
	     (uintptr_t)e < (uintptr_t)__stop_goose_extable; e++)
		if (e->insn == pc)
			return e->fixup;
	return 0;
}

#endif
