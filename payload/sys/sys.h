/* SPDX-License-Identifier: MIT */
/*
 * The system-call layer's own header: the handlers (one per call, grouped by
 * subsystem in sys_*.c) and the helpers they share for decoding arguments.
 * kernel/syscall.h is what the rest of goose sees of it.
 */
#ifndef GOOSE_SYS_H
#define GOOSE_SYS_H

#include "kernel/syscall.h"
#include "sys/syscall_table.h"

/*
 * Timeouts become absolute `time` deadlines: 0 waits forever, and a zero
 * timeout gives 1, a tick long past, so the call only polls.
 */
long timeout_from_ms(int ms, uint64_t *deadline);
long timeout_from_timespec(uint64_t uts, uint64_t *deadline);
bool timeout_expired(uint64_t deadline);
/* struct timespec { i64 tv_sec; i64 tv_nsec; } from the program, checked: ns or -EINVAL/-EFAULT. */
long timespec_from_user(uint64_t uts, uint64_t *ns);

typedef long (*syscall_fn)(struct thread *t, const uint64_t *a);
/* What riscv_hwprobe reports: the boot hart's letters (AT_HWCAP) and FDT_EXT_* bits. */
void syscall_set_cpu(uint64_t hwcap, uint32_t ext);
/* Calls done without the big lock when they can be (sys/syscall.c,
 * syscall_lockless): whether this one was (a0 set), else the usual way
 * does it. mmap of new anonymous memory and munmap of it (sys_mm.c), a
 * nanosleep of a few microseconds (sys_time.c), a private futex wake and
 * a sched_yield with nobody to yield to (sys_thread.c). */
bool sys_mmap_lockless(struct thread *t);
bool sys_munmap_lockless(struct thread *t);
bool sys_nanosleep_spin(struct thread *t);
bool sys_futex_lockless(struct thread *t);
bool sys_sched_yield_lockless(struct thread *t);
/* The program break starts at the end of the loaded image. */
void sys_brk_init(uint64_t image_end);

/* fcntl's record-lock commands (sys_lock.c): f is the fd's file, not O_PATH. */
struct file;
long fcntl_lock(struct thread *t, struct file *f, uint32_t cmd, uint64_t uarg);

/* One handler per call, grouped by subsystem (sys_*.c); the declarations
 * come from the table (syscalls.tbl, through ci/mksyscalls.py). */
#define SYSCALL(name) long sys_##name(struct thread *t, const uint64_t *a)

#endif
