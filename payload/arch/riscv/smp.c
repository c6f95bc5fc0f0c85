/* SPDX-License-Identifier: MIT */
/* The harts and what one asks of the others (SBI IPI and RFENCE). */
#include "arch/riscv/hart.h"
#include "arch/riscv/riscv.h"
#include "arch/riscv/spinlock.h"
#include "sbi/sbi.h"

struct hart harts[MAX_HARTS];
int nharts;

/*
 * Shootdowns without waiting for harts that cannot be using the entries:
 * each shootdown takes a new generation (tlb_gen, and tlb_sync_gen for
 * those that fence before they return), and a hart marked lazy is passed
 * by; it flushes its whole TLB when it comes back (smp_tlb_active) if one
 * went by. The order makes it safe without a lock: the shooter bumps the
 * generations and then reads tlb_lazy; the hart clears tlb_lazy and then
 * reads them (all sequentially consistent). Either the shooter sees the
 * hart active and fences it, or the hart sees the new generation and
 * flushes itself.
 *
 * A deferred shootdown (smp_tlb_defer) fences no one: it only takes a
 * generation, and every hart flushes at its next trap (smp_tlb_check, the
 * first thing trap_handler does), which the timer makes sure of within a
 * time slice; not at a fault, mmap or munmap served on the fast path,
 * which reach no program memory and return to the same thread (a brief
 * hart fences for them only TLB_LAG_MAX generations behind). On QEMU a
 * fence flushes the whole TLB, and refilling it costs the hart about as
 * much as the munmap itself: two threads that each map, touch and unmap
 * paid for the other's unmaps too. tlb_seen says how far a hart's TLB is
 * clean; smp_tlb_passed tells the caller (mm/defer.c) how far every
 * hart's is.
 */
uint64_t tlb_gen, tlb_sync_gen;

/* *at becomes at least g; many harts may raise it at once. */
static void raise_to(uint64_t *at, uint64_t g)
{
	uint64_t v = __atomic_load_n(at, __ATOMIC_SEQ_CST);

	while (v < g && !__atomic_compare_exchange_n(at, &v, g, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

/* h's TLB holds nothing from before generation g (it fenced): its
 * tlb_seen is at least g. The hart itself and shooters both write it. */
static void tlb_seen_raise(struct hart *h, uint64_t g)
{
	raise_to(&h->tlb_seen, g);
}

void smp_tlb_catch_up(struct hart *h, uint64_t g)
{
	sfence_vma_all();
	tlb_seen_raise(h, g);
}

void smp_tlb_away(struct hart *h)
{
	__atomic_store_n(&h->tlb_lazy, TLB_AWAY, __ATOMIC_SEQ_CST);
}

void smp_tlb_brief(struct hart *h)
{
	__atomic_store_n(&h->tlb_lazy, TLB_BRIEF, __ATOMIC_SEQ_CST);
}

void smp_tlb_active(struct hart *h)
{
	int was = h->tlb_lazy;
	bool owed = h->tlb_owed;

	h->tlb_owed = false;
	__atomic_store_n(&h->tlb_lazy, TLB_ACTIVE, __ATOMIC_SEQ_CST);
	uint64_t g = __atomic_load_n(&tlb_gen, __ATOMIC_SEQ_CST);
	uint64_t seen = __atomic_load_n(&h->tlb_seen, __ATOMIC_RELAXED);

	/* Away: whatever went by. Brief: the shootdowns that passed it by,
	 * its own deferred unmap, and the others' once it lags far behind. */
	if (seen < g && (was == TLB_AWAY || owed || seen < __atomic_load_n(&tlb_sync_gen, __ATOMIC_SEQ_CST) ||
			 g - seen >= TLB_LAG_MAX))
		smp_tlb_catch_up(h, g);
}

uint64_t smp_tlb_defer(bool fenced)
{
	uint64_t g = __atomic_add_fetch(&tlb_gen, 1, __ATOMIC_SEQ_CST);

	if (fenced)
		tlb_seen_raise(this_hart(), g);
	else
		this_hart()->tlb_owed = true;
	return g;
}

uint64_t smp_tlb_passed(void)
{
	/* Read first: a hart seen lazy fences up to at least this when it
	 * comes back (smp_tlb_active). */
	uint64_t passed = __atomic_load_n(&tlb_gen, __ATOMIC_SEQ_CST);

	for (int i = 0; i < nharts; i++) {
		struct hart *h = &harts[i];

		if (__atomic_load_n(&h->tlb_lazy, __ATOMIC_SEQ_CST) != TLB_AWAY)
			passed = MIN(passed, __atomic_load_n(&h->tlb_seen, __ATOMIC_SEQ_CST));
	}
	return passed;
}

void smp_tlb_shootdown(uint64_t start, uint64_t size)
{
	struct hart *self = this_hart();
	unsigned long mask = 0, base = 0;
	uint64_t g = __atomic_add_fetch(&tlb_gen, 1, __ATOMIC_SEQ_CST);
	uint64_t fenced = 0;	/* by index */

	raise_to(&tlb_sync_gen, g);
	tlb_seen_raise(self, g);
	for (int i = 0; i < nharts; i++) {
		struct hart *h = &harts[i];

		if (h == self || __atomic_load_n(&h->tlb_lazy, __ATOMIC_SEQ_CST))
			continue;
		fenced |= 1ull << i;
		/* One hart mask for SBI RFENCE, from the lowest hart id; a hart
		 * too far above it gets a call of its own. */
		if (!mask) {
			mask = 1;
			base = h->hartid;
		} else if (h->hartid >= base && h->hartid - base < 64) {
			mask |= 1ul << (h->hartid - base);
		} else {
			sbi_remote_sfence_vma(1, h->hartid, start, size);
		}
	}
	/* SBI RFENCE returns once those harts have fenced. */
	if (mask)
		sbi_remote_sfence_vma(mask, base, start, size);
	for (int i = 0; fenced; i++, fenced >>= 1)
		if (fenced & 1)
			tlb_seen_raise(&harts[i], g);
}

/* Interrupt hart h (SBI IPI): it traps, and its sched_resume runs. */
void smp_kick(struct hart *h)
{
	if (h != this_hart())
		sbi_send_ipi(1, h->hartid);
}

void hart_set_timer(struct hart *h, uint64_t when)
{
	/* Reprogramming costs a trap to M-mode (SBI) or a QEMU timer update:
	 * skip it when the deadline stays. A fired timer is always re-armed,
	 * as the trap handler first sets UINT64_MAX. */
	if (when == h->timer_armed)
		return;
	h->timer_armed = when;
	if (h->has_sstc)
		csr_write(CSR_STIMECMP, when); /* stimecmp, CSR 0x14d */
	else
		sbi_set_timer(when);
}

static uint64_t spin_nap_ticks;
/* Spinning this many naps' time comes before the first nap. */
#define SPIN_NAPS_AFTER 3

void smp_set_spin_nap(uint64_t ticks)
{
	spin_nap_ticks = ticks;
}

/*
 * Locks other than the big lock are held for microseconds (a synchronous
 * shootdown under mm_lock for tens), so a wait far longer than that means
 * the holder is not running: QEMU with more vCPUs than host cores, whose
 * host took the holder's core away; spinning on keeps a core from it. So
 * after three naps' time (300 us) of spinning the waiter naps in wfi for
 * spin_nap_ticks (100 us) on its own timer, then spins again. It wakes
 * early for an IPI or a device. The timer never goes off later than the
 * hart had it (its own deadline, if sooner, ends the nap) and gets that
 * deadline back after; a timer interrupt that came meanwhile stays
 * pending. No one is told: the holder lets go as usual and the waiter
 * finds the lock free when it looks again. The big lock's waiters sleep
 * until kicked instead (big_lock_wait): its holds are longer.
 */
void spin_lock_slow(struct spinlock *l)
{
	uint64_t since = 0;

	for (unsigned n = 1;; n++) {
		if (!__atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
		    !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
			return;
		if ((n & 63) || !spin_nap_ticks)
			continue;
		uint64_t now = rdtime();

		if (!since) {
			since = now;
		} else if (now - since >= SPIN_NAPS_AFTER * spin_nap_ticks) {
			struct hart *h = this_hart();
			uint64_t armed = h->timer_armed, sie = csr_read(CSR_SIE);

			/* The boot hart takes locks before it enables its
			 * interrupts: a wfi with none enabled would never end. */
			csr_set(CSR_SIE, SIE_STIE);
			hart_set_timer(h, MIN(armed, now + spin_nap_ticks));
			wfi();
			__atomic_store_n(&h->spin_naps, h->spin_naps + 1, __ATOMIC_RELAXED);
			hart_set_timer(h, armed);
			csr_write(CSR_SIE, sie);
			since = rdtime();
		}
	}
}
