/* SPDX-License-Identifier: MIT */
#include "mm/pmem.h"

#define PMEM_PAGE 4096ull

/*
 * Freed pages are kept in batches: a batch is a free page itself, listing
 * up to PMEM_BATCH other free pages and the next batch. Only the top batch
 * (pm->freelist) may list fewer (pm->ntop); a page is taken from its list,
 * or, when that is empty, the batch page itself goes and the next, full
 * batch is the top. A freed page joins the top batch's list, or when that
 * is full (or there is none) becomes the new top batch. Last freed, first
 * taken, as a list threaded through the pages would be; but taking or
 * freeing n pages touches about n / PMEM_BATCH pages under the lock, not
 * n: on QEMU each page touched is a TLB fill, and an unmap gives back
 * hundreds of pages at once while other harts' faults wait for the lock.
 */
#define PMEM_BATCH (PMEM_PAGE / 8 - 1)

struct pmem_batch {
	uint64_t next;
	uint64_t pa[PMEM_BATCH];
};

_Static_assert(sizeof(struct pmem_batch) == PMEM_PAGE, "a batch is one page");

static void *pmem_va(const struct pmem *pm, uint64_t pa)
{
	return (void *)(uintptr_t)(pa + pm->va_offset);
}

/* Remove [base, end) from the sorted, disjoint list; may split one range. */
static int pmem_cut(struct pmem *pm, uint64_t base, uint64_t end)
{
	for (int i = 0; i < pm->nfree; i++) {
		struct pmem_range *r = &pm->free[i];

		if (end <= r->base || base >= r->end)
			continue;
		if (base > r->base && end < r->end) {
			if (pm->nfree == PMEM_MAX_RANGES)
				return -1;
			memmove(&pm->free[i + 2], &pm->free[i + 1], (pm->nfree - i - 1) * sizeof(*r));
			pm->free[i + 1] = (struct pmem_range){ end, r->end };
			r->end = base;
			pm->nfree++;
			i++;
		} else if (base <= r->base && end >= r->end) {
			memmove(r, r + 1, (pm->nfree - i - 1) * sizeof(*r));
			pm->nfree--;
			i--;
		} else if (base <= r->base) {
			r->base = end;
		} else {
			r->end = base;
		}
	}
	return 0;
}

/* Insert [base, end) keeping the list sorted; merges with overlapping ranges. */
static int pmem_add(struct pmem *pm, uint64_t base, uint64_t end)
{
	if (pmem_cut(pm, base, end))
		return -1;
	if (pm->nfree == PMEM_MAX_RANGES)
		return -1;
	int i = 0;

	while (i < pm->nfree && pm->free[i].base < base)
		i++;
	memmove(&pm->free[i + 1], &pm->free[i], (pm->nfree - i) * sizeof(pm->free[0]));
	pm->free[i] = (struct pmem_range){ base, end };
	pm->nfree++;
	return 0;
}

int pmem_init(struct pmem *pm, uint64_t va_offset, const struct pmem_range *ram, int nram,
	      const struct pmem_range *holes, int nholes)
{
	memset(pm, 0, sizeof(*pm));
	spin_lock_init(&pm->lock, "pmem", LOCK_RANK_PMEM);
	pm->va_offset = va_offset;
	for (int i = 0; i < nram; i++) {
		uint64_t base = ALIGN_UP(ram[i].base, PMEM_PAGE);
		uint64_t end = ALIGN_DOWN(ram[i].end, PMEM_PAGE);

		if (ram[i].end < ram[i].base || base >= end)
			continue;
		if (pmem_add(pm, base, end))
			return -1;
	}
	for (int i = 0; i < nholes; i++) {
		uint64_t base = ALIGN_DOWN(holes[i].base, PMEM_PAGE);
		uint64_t end = holes[i].end > UINT64_MAX - PMEM_PAGE ? UINT64_MAX & ~(PMEM_PAGE - 1)
								     : ALIGN_UP(holes[i].end, PMEM_PAGE);

		if (end <= base)
			continue;
		if (pmem_cut(pm, base, end))
			return -1;
	}
	/* Physical page 0 can't be told from "no page": never hand it out. */
	if (pmem_cut(pm, 0, PMEM_PAGE))
		return -1;
	for (int i = 0; i < pm->nfree; i++)
		pm->total_pages += (pm->free[i].end - pm->free[i].base) / PMEM_PAGE;
	pm->free_pages = pm->total_pages;
	return pm->total_pages ? 0 : -1;
}

static bool pmem_injected_failure(struct pmem *pm)
{
	if (!pm->fail_after)
		return false;
	return --pm->fail_after == 0;
}

/* One page, the lock held: 0 when none is left. */
static uint64_t pmem_take(struct pmem *pm)
{
	uint64_t pa = 0;

	if (pmem_injected_failure(pm))
		return 0;
	if (pm->freelist) {
		struct pmem_batch *b = pmem_va(pm, pm->freelist);

		if (pm->ntop) {
			pa = b->pa[--pm->ntop];
		} else {
			pa = pm->freelist;
			pm->freelist = b->next;
			pm->ntop = pm->freelist ? PMEM_BATCH : 0;
		}
	} else if (pm->nfree) {
		/* Cut from the top of the last range: low memory stays for
		 * contiguous requests. */
		struct pmem_range *r = &pm->free[pm->nfree - 1];

		r->end -= PMEM_PAGE;
		pa = r->end;
		if (r->end == r->base)
			pm->nfree--;
	}
	if (pa)
		pm->free_pages--;
	return pa;
}

uint64_t pmem_alloc(struct pmem *pm)
{
	spin_lock(&pm->lock);
	uint64_t pa = pmem_take(pm);

	spin_unlock(&pm->lock);
	return pa;
}

uint64_t pmem_alloc_many(struct pmem *pm, uint64_t *pa, uint64_t n)
{
	uint64_t got = 0;

	spin_lock(&pm->lock);
	while (got < n && (pa[got] = pmem_take(pm)))
		got++;
	spin_unlock(&pm->lock);
	return got;
}

uint64_t pmem_alloc_zeroed(struct pmem *pm)
{
	uint64_t pa = pmem_alloc(pm);

	if (pa)
		memset(pmem_va(pm, pa), 0, PMEM_PAGE);
	return pa;
}

uint64_t pmem_alloc_contig(struct pmem *pm, uint64_t n)
{
	uint64_t pa = 0;

	if (n == 0 || n > UINT64_MAX / PMEM_PAGE)
		return 0;
	spin_lock(&pm->lock);
	if (pmem_injected_failure(pm)) {
		spin_unlock(&pm->lock);
		return 0;
	}
	for (int i = 0; i < pm->nfree; i++) {
		struct pmem_range *r = &pm->free[i];

		if ((r->end - r->base) / PMEM_PAGE >= n) {
			pa = r->base;
			r->base += n * PMEM_PAGE;
			if (r->base == r->end) {
				memmove(r, r + 1, (pm->nfree - i - 1) * sizeof(*r));
				pm->nfree--;
			}
			pm->free_pages -= n;
			break;
		}
	}
	spin_unlock(&pm->lock);
	return pa;
}

void pmem_free(struct pmem *pm, uint64_t pa)
{
	pmem_free_many(pm, &pa, 1);
}

void pmem_free_many(struct pmem *pm, const uint64_t *pa, uint64_t n)
{
	spin_lock(&pm->lock);
	for (uint64_t i = 0; i < n; i++) {
		if (pm->freelist && pm->ntop < PMEM_BATCH) {
			((struct pmem_batch *)pmem_va(pm, pm->freelist))->pa[pm->ntop++] = pa[i];
		} else {
			((struct pmem_batch *)pmem_va(pm, pa[i]))->next = pm->freelist;
			pm->freelist = pa[i];
			pm->ntop = 0;
		}
	}
	pm->free_pages += n;
	spin_unlock(&pm->lock);
}
