/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks. goose runs with interrupts off (sstatus.SIE = 0) on every hart,
 * so a lock is never taken by an interrupt handler on its own hart. The
 * __atomic builtins compile to amoswap.w.aq / a release store (fence rw,w;
 * sw), the acquire/release pair the RVWMO model asks for (ISA manual vol. I,
 * chapter 17 and appendix A, "lock acquire / release").
 *
 * Every lock has a rank, and a hart takes locks in rising rank only
 * (docs/architecture.md, "Locks", lists them and why). A build with
 * GOOSE_DEBUG=locks (make run/test GOOSE_DEBUG=locks: -DGOOSE_DEBUG_LOCKS,
 * in build/debug-locks/) checks it on every acquisition, and that a hart
 * releases only what it holds, and reports a violation with both call
 * sites (kernel/lockdep.c). Other builds carry neither names nor ranks.
 */
#ifndef GOOSE_SPINLOCK_H
#define GOOSE_SPINLOCK_H

#include <stdbool.h>

/* The ranks: a hart holding a lock takes only locks of a higher rank. */
enum lock_rank {
	LOCK_RANK_BIG = 10,	/* big_lock (kernel/thread.c): threads, scheduler, files, memory maps */
	LOCK_RANK_SCHED = 12,	/* sched_lock (kernel/thread.c): run queue, sleepers, futex and poll waiters */
	LOCK_RANK_MM = 15,	/* mm_lock (mm/vm.c): VMAs, page tables (page faults take it alone) */
	LOCK_RANK_KMEM = 20,	/* kmem (mm/kmem.c): goose's heap */
	LOCK_RANK_PMEM = 30,	/* pmem (mm/pmem.c): free pages */
	LOCK_RANK_RANDOM = 40,	/* the ChaCha20 state (dev/random.c) */
	LOCK_RANK_CONSOLE = 50,	/* the console (dev/console.c): gmsg from anywhere, so last */
};

struct spinlock {
	int locked;
#ifdef GOOSE_DEBUG_LOCKS
	const char *name;
	int rank;
#endif
};

#ifdef GOOSE_DEBUG_LOCKS
#define SPINLOCK_INIT(n, r) { .locked = 0, .name = (n), .rank = (r) }
#else
#define SPINLOCK_INIT(n, r) { .locked = 0 }
#endif

static inline void spin_lock_init(struct spinlock *l, const char *name, int rank)
{
	l->locked = 0;
#ifdef GOOSE_DEBUG_LOCKS
	l->name = name;
	l->rank = rank;
#else
	(void)name;
	(void)rank;
#endif
}

#ifdef GOOSE_HOST
static inline void spin_lock_slow(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}
#else
/* The wait for a lock another hart holds (arch/riscv/smp.c): it spins, and
 * naps in wfi now and then while the wait is long. */
void spin_lock_slow(struct spinlock *l);
#endif

static inline void raw_spin_lock(struct spinlock *l)
{
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		spin_lock_slow(l);
}

static inline void raw_spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool raw_spin_trylock(struct spinlock *l)
{
	return !__atomic_load_n(&l->locked, __ATOMIC_RELAXED) && !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

/* Take l; if another hart holds it, wait(l) returns once this one has
 * taken it (the big lock's waiters end up in wfi: kernel/thread.c). */
static inline void raw_spin_lock_or(struct spinlock *l, void (*wait)(struct spinlock *))
{
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		wait(l);
}

#if defined(GOOSE_DEBUG_LOCKS) && !defined(GOOSE_HOST)
void lockdep_acquire(struct spinlock *l, const char *file, int line);
void lockdep_acquired(struct spinlock *l, const char *file, int line);
void lockdep_release(struct spinlock *l, const char *file, int line);

static inline void spin_lock_at(struct spinlock *l, const char *file, int line)
{
	lockdep_acquire(l, file, line);
	raw_spin_lock(l);
	lockdep_acquired(l, file, line);
}

static inline void spin_lock_or_at(struct spinlock *l, void (*wait)(struct spinlock *), const char *file, int line)
{
	lockdep_acquire(l, file, line);
	raw_spin_lock_or(l, wait);
	lockdep_acquired(l, file, line);
}

static inline void spin_unlock_at(struct spinlock *l, const char *file, int line)
{
	lockdep_release(l, file, line);
	raw_spin_unlock(l);
}
#define spin_lock(l) spin_lock_at((l), __FILE__, __LINE__)
#define spin_lock_or(l, wait) spin_lock_or_at((l), (wait), __FILE__, __LINE__)
#define spin_unlock(l) spin_unlock_at((l), __FILE__, __LINE__)
#else
#define spin_lock(l) raw_spin_lock(l)
#define spin_lock_or(l, wait) raw_spin_lock_or((l), (wait))
#define spin_unlock(l) raw_spin_unlock(l)
#endif

#endif
