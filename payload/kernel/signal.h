/* SPDX-License-Identifier: MIT */
/*
 * Signals, delivered as Linux delivers them on riscv64: numbers, siginfo,
 * ucontext and the signal frame are include/uapi/signal.h's.
 */
#ifndef GOOSE_SIGNAL_H
#define GOOSE_SIGNAL_H

#include "include/uapi/signal.h"
#include "lib/lib.h"

/* A signal's bit in a sigset_t (a u64 on riscv64). */
#define SIGBIT(sig) (1ull << ((sig)-1))

struct thread;

extern struct k_sigaction sigactions[NSIG + 1];

/* goose runs one process; this is its pid (and every thread's tgid). */
#define GOOSE_PID 1

/* Queue sig for t; wake t if it sleeps interruptibly and does not block sig. */
void signal_send(struct thread *t, int sig);
/* A thread that has just blocked in an interruptible wait with a signal it
 * does not mask pending: the wait ends at once with -EINTR, as the signal
 * would have ended it a moment later (Linux checks signal_pending() before
 * it sleeps). The sender saw it running and only kicked its hart. */
void signal_interrupt_wait(struct thread *t);
/* The same, for a signal the kernel raises itself (an interval timer's):
 * its siginfo says SI_KERNEL. */
void signal_send_kernel(struct thread *t, int sig);
/* A process-directed signal goes to one thread that does not block it
 * (the caller first, as Linux prefers), else to the caller. */
struct thread *signal_process_target(struct thread *self, int sig);
/* sig became ignored: drop it from every pending set. */
void signal_discard(int sig);
/* A synchronous fault in Go code: deliver sig now or die with a report. */
void signal_fault(struct thread *t, int sig, int code, uint64_t addr);
/* Before t returns to Go: set up the frame of one pending, unblocked signal. */
void signal_deliver(struct thread *t);
/* rt_sigreturn: restore t's state from the frame at its sp. */
long signal_return(struct thread *t);

/* "SIGSEGV", or "signal" for one without a name here. */
const char *signal_name(int sig);

/* Print registers and the symbolized pc/ra of a frame (crash reports). */
struct frame;
void signal_dump_frame(const struct frame *f);

#endif
