/* SPDX-License-Identifier: MIT */
/*
 * The vector extension for Go threads, kept as Linux keeps it
 * (arch/riscv/kernel/vector.c, signal.c): a thread's sstatus.VS is off
 * until its first vector instruction, which traps; goose then gives it a
 * zeroed vector state and turns VS on. From then on the hart tracks
 * changes: a thread whose VS is dirty has its registers saved when it
 * leaves the hart (then VS is clean), and a thread with VS on has them
 * restored wherever it runs next. Signal frames carry the state in an
 * extension record (RISCV_V_MAGIC) and rt_sigreturn puts it back.
 *
 * All of it only when the boot hart has V and goose.vector=0 was not
 * given; otherwise vector instructions stay illegal (SIGILL) and nothing
 * reports V, as on a CPU without it.
 */
#ifndef GOOSE_KERNEL_VECTOR_H
#define GOOSE_KERNEL_VECTOR_H

#include "lib/bootargs.h"
#include "lib/lib.h"

struct thread;

/* At boot: V is offered when the boot hart's ISA has it and the option
 * does not say 0. Returns whether it is. */
bool vector_init(const struct bootargs *ba, bool hart_has_v);
/* VLEN / 8 when programs may use V, else 0. */
uint64_t vector_vlenb_bytes(void);

/* Illegal instruction at t's pc: true when it was t's first vector
 * instruction and t may now run it (retry), false for SIGILL. */
bool vector_first_use(struct thread *t);
/* t leaves the hart: save its registers if dirty. t comes to the hart:
 * load its registers if it uses V. t runs on this hart: save if dirty,
 * so t->vregs is current (signal frames). */
void vector_leave(struct thread *t);
void vector_enter(struct thread *t);
void vector_sync(struct thread *t);
/* clone: the child starts with V off (it inherits the control word). */
void vector_clone(const struct thread *parent, struct thread *child);
void vector_free(struct thread *t);
/* The program's first thread: V off, control word as after execve. */
void vector_exec(struct thread *t);

/* prctl(PR_RISCV_V_GET_CONTROL / PR_RISCV_V_SET_CONTROL). */
long vector_get_control(const struct thread *t);
long vector_set_control(struct thread *t, uint64_t arg);

/* Signal frames: the bytes the V record adds after the rt_sigframe (0 when
 * t has no vector state), the most it can add (AT_MINSIGSTKSZ); write the
 * records at hdr (the sigcontext's first struct __riscv_ctx_hdr, in user
 * memory), or read them back: 0, or -1 for a frame Linux would refuse. */
size_t vector_sigframe_extra(const struct thread *t);
size_t vector_sigframe_max_extra(void);
int vector_sigframe_save(struct thread *t, uint64_t hdr);
int vector_sigframe_restore(struct thread *t, uint64_t hdr);

#endif
