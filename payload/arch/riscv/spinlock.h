/* SPDX-License-Identifier: MIT */
/*
 * Spinlocks. goose runs with interrupts off (sstatus.SIE = 0) on every hart,
 * so a lock is never taken by an interrupt handler on its own hart. The
 * __atomic builtins compile to amoswap.w.aq / a release store (fence rw,w;
 * sw), the acquire/release pair the RVWMO model asks for (ISA manual vol. I,
 * chapter 17 and appendix A, "lock acquire / release").
 */
#ifndef GOOSE_SPINLOCK_H
#define GOOSE_SPINLOCK_H

struct spinlock {
	int locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
