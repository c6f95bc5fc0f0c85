/* SPDX-License-Identifier: MIT */
/* The harts and what one asks of the others (SBI IPI and RFENCE). */
#include "arch/riscv/hart.h"
#include "arch/riscv/riscv.h"
#include "sbi/sbi.h"

struct hart harts[MAX_HARTS];
int nharts;

/*
 * Shootdowns without waiting for harts that cannot be using the entries:
 * each shootdown takes a new generation, and a hart marked lazy is passed by;
 * it flushes its whole TLB when it comes back (smp_tlb_active) if the
 * generation moved. The order makes it safe without a lock: the shooter
 * bumps tlb_gen and then reads tlb_lazy; the hart clears tlb_lazy and then
 * reads tlb_gen (all sequentially consistent). Either the shooter sees the
 * hart active and fences it, or the hart sees the new generation and
 * flushes itself.
 *
 * A deferred shootdown (smp_tlb_defer) fences no one: it only takes a
 * generation, and every hart flushes at its next trap (smp_tlb_check, the
 * first thing trap_handler does), which the timer makes sure of within a
 * time slice. tlb_seen says how far a hart's TLB is clean; smp_tlb_passed
 * tells the caller (mm/defer.c) how far every hart's is.
 */
uint64_t tlb_gen;

/* h's TLB holds nothing from before generation g (it fenced): its
 * tlb_seen is at least g. The hart itself and shooters both write it. */
static void tlb_seen_raise(struct hart *h, uint64_t g)
{
	uint64_t seen = __atomic_load_n(&h->tlb_seen, __ATOMIC_SEQ_CST);

	while (seen < g && !__atomic_compare_exchange_n(&h->tlb_seen, &seen, g, false, __ATOMIC_SEQ_CST,
							 __ATOMIC_SEQ_CST))
		;
}

void smp_tlb_catch_up(struct hart *h, uint64_t g)
{
	sfence_vma_all();
	tlb_seen_raise(h, g);
}

void smp_tlb_lazy(struct hart *h)
{
	__atomic_store_n(&h->tlb_lazy, 1, __ATOMIC_SEQ_CST);
}

void smp_tlb_active(struct hart *h)
{
	__atomic_store_n(&h->tlb_lazy, 0, __ATOMIC_SEQ_CST);
	smp_tlb_check(h);
}

uint64_t smp_tlb_defer(bool fenced)
{
	uint64_t g = __atomic_add_fetch(&tlb_gen, 1, __ATOMIC_SEQ_CST);

	if (fenced)
		tlb_seen_raise(this_hart(), g);
	return g;
}

uint64_t smp_tlb_passed(void)
{
	/* Read first: a hart seen lazy fences up to at least this when it
	 * comes back (smp_tlb_active). */
	uint64_t passed = __atomic_load_n(&tlb_gen, __ATOMIC_SEQ_CST);

	for (int i = 0; i < nharts; i++) {
		struct hart *h = &harts[i];

		if (!__atomic_load_n(&h->tlb_lazy, __ATOMIC_SEQ_CST))
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
