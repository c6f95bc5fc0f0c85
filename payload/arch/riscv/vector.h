/* SPDX-License-Identifier: MIT */
/*
 * A thread's vector state, as arch/riscv/vector.S saves it: the four CSRs
 * in the order of Linux's struct __riscv_v_ext_state
 * (arch/riscv/include/uapi/asm/ptrace.h), then v0-v31, vlenb bytes each,
 * 16-byte aligned.
 */
#ifndef GOOSE_VECTOR_H
#define GOOSE_VECTOR_H

#include <stddef.h>
#include <stdint.h>

struct vregs {
	uint64_t vstart, vl, vtype, vcsr;
	uint8_t v[] __attribute__((aligned(16)));
};

_Static_assert(offsetof(struct vregs, vl) == 8, "vregs: vl (vector.S)");
_Static_assert(offsetof(struct vregs, vtype) == 16, "vregs: vtype (vector.S)");
_Static_assert(offsetof(struct vregs, vcsr) == 24, "vregs: vcsr (vector.S)");
_Static_assert(offsetof(struct vregs, v) == 32, "vregs: v (vector.S)");

/* VLEN / 8; turns the live sstatus.VS on. Only on a hart with V. */
uint64_t vector_vlenb(void);
/* The live vector state to *vs and back (the live sstatus.VS is turned on). */
void vector_save(struct vregs *vs);
void vector_restore(const struct vregs *vs);

#endif
