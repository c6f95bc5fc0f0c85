/* SPDX-License-Identifier: MIT */
/*
 * GOOSE_DEBUG=events: a timeline of goose's own work on each hart, read by
 * ci/events.py (docs/debugging.md). Each hart keeps its last EV_RING
 * events: the time CSR, a thread id, a kind and a code; goose prints them
 * as it exits. In every other build the calls compile to nothing.
 * Recorded by kernel/trap.c, kernel/thread.c (idle) and riscv.h (fences);
 * kept by kernel/events.c.
 */
#ifndef GOOSE_ARCH_EVENTS_H
#define GOOSE_ARCH_EVENTS_H

#include <stdint.h>

enum ev_kind {
	EV_ENTER = 1,	/* a trap from the program; code: ev_trap_code */
	EV_EXIT,	/* back to a thread (tid: the one resumed) */
	EV_LOCKED,	/* the trap holds the big lock */
	EV_IDLE,	/* nothing to run: the hart polls, then waits in wfi */
	EV_AWAKE,	/* ... and looks at the run queue again */
	EV_FENCE,	/* sfence.vma; code: the low 32 bits of its address */
};

/* A trap's code: the system call's number, EV_EXCEPTION + scause for
 * another exception, EV_INTERRUPT + the interrupt's number. */
#define EV_EXCEPTION 1000
#define EV_INTERRUPT 2000

#ifdef GOOSE_DEBUG_EVENTS
void ev_start(void);
void ev_record(enum ev_kind kind, uint32_t tid, uint32_t code);
void ev_dump(void);
#else
static inline void ev_start(void)
{
}

/* Not even its arguments are evaluated. */
#define ev_record(kind, tid, code) ((void)0)

static inline void ev_dump(void)
{
}
#endif

#endif
