/* SPDX-License-Identifier: MIT */
/*
 * Harts (RISC-V's CPUs) as goose runs on them: one struct hart each, found
 * through tp while goose runs (trap.S keeps it there). Its first fields are
 * what trap.S reads (frame.h's HART_ offsets, asserted below); the rest is
 * the scheduler's per-hart state (kernel/sched.c), kept here so that every
 * layer can name the hart it runs on.
 *
 * smp.c: the harts array, and what one hart asks of the others through SBI
 * (IPI, remote fences).
 */
#ifndef GOOSE_HART_H
#define GOOSE_HART_H

#include "arch/riscv/frame.h"
#include "lib/lib.h"

/* Harts goose runs on at most (the FDT may list more; they stay parked).
 * The scheduler's idle set (kernel/thread.c) and the CPU masks of
 * sched_getaffinity and riscv_hwprobe are one 64-bit word, a bit per
 * hart index: 64 is the ceiling, and the SG2042/SG2044 boards' count. */
#define MAX_HARTS 64
_Static_assert(MAX_HARTS <= 64, "hart index masks are 64-bit words");

struct thread;

struct hart {
	uint64_t kstack_top;	/* HART_KSTACK: must stay first */
	uint64_t *kstack_canary;	/* the stack's lowest word */
	unsigned long hartid;
	int index;
	bool has_sstc;
	/* The scheduler's (kernel/sched.c). */
	struct thread *current;
	uint64_t slice_end;
	uint64_t timer_armed;	/* the deadline programmed now (UINT64_MAX: none) */
	uint64_t spin_naps;	/* waits for a spinlock that napped (smp.c) */
	bool resched;		/* pick the next thread at this trap's end (sched_yield) */
	/* Where its time went, in `time` ticks (/proc/stat): the program,
	 * goose's traps, asleep in wfi; and when it last returned to the program. */
	uint64_t busy_ticks, idle_ticks;
	uint64_t idle_since;	/* in wfi since then (0: not idle) */
	/* TLB shootdown (smp.c). tlb_lazy: TLB_ACTIVE, or the hart uses none
	 * of the program's translations until smp_tlb_active (TLB_AWAY,
	 * TLB_BRIEF). tlb_seen: the shootdown generation its TLB is clean of.
	 * tlb_owed: it unmapped while brief and fences on its way out. */
	int tlb_lazy;
	bool tlb_owed;
	uint64_t tlb_seen;
};

_Static_assert(__builtin_offsetof(struct hart, kstack_top) == HART_KSTACK, "trap.S reads kstack_top at HART_KSTACK");

extern struct hart harts[MAX_HARTS];
/* Harts running goose; harts[0..nharts-1], logical CPU numbers. */
extern int nharts;

#ifdef GOOSE_HOST
/* Host tests: the hart they pretend to run on (tests/host_kernel.c). */
extern struct hart *host_hart;
static inline struct hart *this_hart(void)
{
	return host_hart;
}
#else
static inline struct hart *this_hart(void)
{
	struct hart *h;

	asm volatile("mv %0, tp" : "=r"(h));
	return h;
}
#endif

/* Entries for [start, start + size) changed or went (this hart has flushed
 * its own TLB): every other hart that may use them fences, the lazy ones
 * later (smp_tlb_active). One SBI call for all of them. */
void smp_tlb_shootdown(uint64_t start, uint64_t size);
/* A deferred shootdown: the caller has changed the entries, and fenced
 * itself (fenced) or is brief and will on its way out (smp_tlb_active);
 * the other harts fence later (smp_tlb_check, smp_tlb_active). Its
 * generation, done once smp_tlb_passed reaches it. */
uint64_t smp_tlb_defer(bool fenced);
/* The newest generation every hart's TLB is clean of (an away hart counts
 * as clean of all). */
uint64_t smp_tlb_passed(void);
/* At every trap but the allocator's fast paths (kernel/trap.c): fence if
 * a shootdown (deferred or passed by) went by (generation g, from tlb_gen,
 * the latest). */
extern uint64_t tlb_gen;
void smp_tlb_catch_up(struct hart *h, uint64_t g);
/* The generation h's TLB is behind of, or 0. */
static inline uint64_t smp_tlb_behind(struct hart *h)
{
	uint64_t g = __atomic_load_n(&tlb_gen, __ATOMIC_SEQ_CST);

	return __atomic_load_n(&h->tlb_seen, __ATOMIC_RELAXED) < g ? g : 0;
}
static inline void smp_tlb_check(struct hart *h)
{
	uint64_t g = smp_tlb_behind(h);

	if (g)
		smp_tlb_catch_up(h, g);
}
/*
 * The hart stops using the program's translations, and starts again
 * (smp_tlb_active). Away (wfi, waiting for the big lock): it counts as
 * clean of every shootdown meanwhile and fences on its way back if any
 * went by. Brief (a fault, mmap or munmap served without the big lock):
 * shootdowns pass it by and it fences on its way back for those, and for
 * its own deferred unmap; the deferred unmaps of others wait for its next
 * smp_tlb_check, or until it lags TLB_LAG_MAX generations behind.
 */
enum { TLB_ACTIVE, TLB_BRIEF, TLB_AWAY };
#define TLB_LAG_MAX 16
void smp_tlb_away(struct hart *h);
void smp_tlb_brief(struct hart *h);
void smp_tlb_active(struct hart *h);
/* Make hart h enter goose soon (an IPI), e.g. to deliver a signal. */
void smp_kick(struct hart *h);

/* Program this hart's next timer interrupt at absolute `time` tick when
 * (UINT64_MAX: none). Sstc's stimecmp where the hart has it, else SBI TIME. */
void hart_set_timer(struct hart *h, uint64_t when);
/* How long a long wait for a spinlock naps at a time, in ticks (it spins
 * three times that before each nap); kernel/clock.c sets it from the
 * timebase, and until then waits only spin. */
void smp_set_spin_nap(uint64_t ticks);

#endif
