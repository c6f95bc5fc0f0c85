/* SPDX-License-Identifier: MIT */
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "mm/vm.h"
#include "mm/vm_internal.h"

/*
 * Deferred unmaps (vm_unmap): munmap of private anonymous memory fences
 * this hart only. The other harts fence at their next trap but a fault,
 * mmap or munmap on the fast path (smp_tlb_defer/smp_tlb_check,
 * arch/riscv/smp.c), and until every one has, the range and
 * its pages stay out of use: the pages wait here, mmap looks for room
 * elsewhere, and a mapping made over the range anyway (MAP_FIXED, or no
 * room left) or a page that cannot be had first shoots the rest down the
 * usual way (defer_settle). On QEMU a shootdown costs a wait of 10-15 us
 * for the other hart's IPI; a thread that unmaps while others run paid it
 * on every munmap.
 *
 * What a program can tell: a thread on another hart that still holds a
 * translation of the unmapped pages reads and writes them (the old pages,
 * no one else's) until that hart next enters goose for anything but those,
 * at most a time slice later, where Linux would have it fault at once.
 * goose.tlbdefer=0 turns it off.
 * Held by mm_lock; entries in generation order.
 */
#define DEFER_RANGES 32
#define DEFER_PAGES 1024
/* An unmap of more mapped pages than this (512 KiB) is not deferred: every
 * hart fences before it returns, as Linux's would (the 1 MiB case of
 * munmap_race). The churn the deferral is for, an allocator's, is smaller. */
#define DEFER_UNMAP_MAX 128
/* Each range's pages follow its predecessors' in dpages. */
static struct deferral {
	uint64_t start, end, gen, npages;
} deferred[DEFER_RANGES];
static int ndeferred;
static uint64_t dpages[DEFER_PAGES], ndpages;
static bool defer_on = true;

void vm_set_tlb_defer(bool on)
{
	defer_on = on;
}

void defer_retire(void)
{
	uint64_t passed = ndeferred ? smp_tlb_passed() : 0, n = 0;
	int r = 0;

	for (; r < ndeferred && deferred[r].gen <= passed; r++)
		n += deferred[r].npages;
	pmem_free_many(&pmem, dpages, n);
	memmove(dpages, dpages + n, (ndpages - n) * sizeof(dpages[0]));
	ndpages -= n;
	memmove(deferred, deferred + r, (ndeferred - r) * sizeof(deferred[0]));
	ndeferred -= r;
}

void defer_settle(void)
{
	if (!ndeferred && !ndpages)
		return;
	sfence_vma_all();
	smp_tlb_shootdown(0, USER_TOP);
	pmem_free_many(&pmem, dpages, ndpages);
	ndpages = 0;
	ndeferred = 0;
}

uint64_t defer_overlap(uint64_t start, uint64_t end)
{
	uint64_t lo = 0;

	for (int i = 0; i < ndeferred; i++)
		if (deferred[i].start < end && deferred[i].end > start && (!lo || deferred[i].start < lo))
			lo = deferred[i].start;
	return lo;
}

bool defer_unmap(uint64_t start, uint64_t end, const uint64_t *pages, uint64_t n)
{
	uint64_t room = MIN((uint64_t)DEFER_PAGES, pmem.total_pages / 64);

	defer_retire();
	if (!defer_on || ndeferred == DEFER_RANGES || n > DEFER_UNMAP_MAX || n > room - MIN(room, ndpages))
		return false;
	/* A brief hart (a munmap without the big lock) fences on its way out
	 * (smp_tlb_active), with mm_lock let go: a fence costs QEMU a TLB
	 * flush, and the refills after it, that the other harts would wait
	 * for on mm_lock. Any other fences now. */
	bool fence = __atomic_load_n(&this_hart()->tlb_lazy, __ATOMIC_RELAXED) != TLB_BRIEF;

	if (fence)
		sfence_vma_all();
	uint64_t g = smp_tlb_defer(fence);

	memcpy(dpages + ndpages, pages, n * sizeof(pages[0]));
	ndpages += n;
	/*
	 * A range that touches the newest one joins it: the newest pages
	 * follow its own in dpages, and it takes this generation, so all of
	 * it waits for the later unmap. Unmaps that march down the addresses
	 * (mmap's room is right below the ranges it keeps off) then take one
	 * entry, not one each: while another hart lags (its vCPU off the host
	 * CPU: more vCPUs than host cores), the 32 entries filled in 32
	 * munmaps and every munmap after them shot down synchronously, waiting
	 * for that vCPU; and find_free stepped over one range per look. The
	 * room for pages still bounds what waits: a full room takes the usual
	 * way, whose shootdown passes every generation and frees the lot.
	 */
	struct deferral *last = ndeferred ? &deferred[ndeferred - 1] : NULL;

	if (last && (last->end == start || last->start == end)) {
		last->start = MIN(last->start, start);
		last->end = MAX(last->end, end);
	} else {
		last = &deferred[ndeferred++];
		*last = (struct deferral){ .start = start, .end = end };
	}
	last->npages += n;
	last->gen = g;
	return true;
}

void vm_tick(void)
{
	spin_lock(&mm_lock);
	defer_retire();
	spin_unlock(&mm_lock);
}

bool vm_settle(void)
{
	spin_lock(&mm_lock);
	bool any = ndpages;

	defer_settle();
	spin_unlock(&mm_lock);
	return any;
}
