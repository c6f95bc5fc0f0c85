/* SPDX-License-Identifier: MIT */
/*
 * goose.trace=<what,...>: an strace-like log on the console, one
 * "goose: [tid] ..." line per event. what: syscalls, faults, signals,
 * threads, enosys (unimplemented calls, once per number), boot (each boot
 * phase with the instructions it took), all.
 * Off by default; when off each hook is one load and a branch.
 */
#ifndef GOOSE_TRACE_H
#define GOOSE_TRACE_H

#include "lib/lib.h"

#define TRACE_SYSCALLS (1u << 0)
#define TRACE_FAULTS (1u << 1)
#define TRACE_SIGNALS (1u << 2)
#define TRACE_THREADS (1u << 3)
#define TRACE_ENOSYS (1u << 4)
#define TRACE_BOOT (1u << 5)

struct thread;

extern uint32_t trace_mask;

/* Parse the option's value; returns -1 (and names the bad word) if unknown. */
int trace_init(const char *spec);
extern const struct boot_option trace_option;

void trace_syscall_enter(struct thread *t);
void trace_syscall_do(struct thread *t, long result);
void trace_resume_do(struct thread *t);
void trace_fault_do(struct thread *t, const char *what, uint64_t addr);
void trace_signal_do(struct thread *t, const char *what, int sig);
void trace_thread_do(struct thread *t, const char *what, int tid);

/* After a call ran (result is what a0 gets, or SYSRET_BLOCKED). */
static inline void trace_syscall(struct thread *t, long result)
{
	if (trace_mask & TRACE_SYSCALLS)
		trace_syscall_do(t, result);
}

/* A thread whose call blocked runs again: its result is known now. */
static inline void trace_resume(struct thread *t)
{
	if (trace_mask & TRACE_SYSCALLS)
		trace_resume_do(t);
}

static inline void trace_fault(struct thread *t, const char *what, uint64_t addr)
{
	if (trace_mask & TRACE_FAULTS)
		trace_fault_do(t, what, addr);
}

static inline void trace_signal(struct thread *t, const char *what, int sig)
{
	if (trace_mask & TRACE_SIGNALS)
		trace_signal_do(t, what, sig);
}

static inline void trace_thread(struct thread *t, const char *what, int tid)
{
	if (trace_mask & TRACE_THREADS)
		trace_thread_do(t, what, tid);
}

/*
 * The boot's phases: trace_boot_phase(name) marks the end of phase name
 * with the instruction counter (instret), always, since most phases end
 * before the options are read; trace_boot_report() prints them, each with
 * the instructions since the mark before it (the first since start, goose's
 * entry), when goose.trace=boot asked for it.
 */
void trace_boot_phase(const char *name);
void trace_boot_report(uint64_t start);

/* "ENOENT" for 2, NULL when unknown. */
const char *errno_name(long e);

#endif
