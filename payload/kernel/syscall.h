/* SPDX-License-Identifier: MIT */
/*
 * System calls. The Go program's `ecall`s were rewritten to `ebreak`; the
 * trap lands in syscall_handle(), which dispatches on a7 with Linux riscv64
 * numbers (include/uapi/asm-generic/unistd.h) and puts the result in a0.
 * Handlers return -errno (Linux values), or one of the SYSRET_ values below.
 */
#ifndef GOOSE_SYSCALL_H
#define GOOSE_SYSCALL_H

#include "lib/lib.h"

struct thread;

/* The thread blocked; whoever wakes it sets a0. */
#define SYSRET_BLOCKED (-100000)
/* The handler set the whole frame itself (rt_sigreturn); leave a0 alone. */
#define SYSRET_NOREPLY (-100001)

/* Handle the system call t made (its frame has a7 and a0-a5): sys/syscall.c. */
void syscall_handle(struct thread *t);
/* The call's name ("?" when none) and how many arguments it takes (for
 * goose.trace=syscalls), from the system call table (sys/syscalls.tbl). */
const char *syscall_name(unsigned long nr);
int syscall_nargs(unsigned long nr);

#endif
