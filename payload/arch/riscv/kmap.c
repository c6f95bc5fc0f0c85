/* SPDX-License-Identifier: MIT */
#include "arch/riscv/kmap.h"

/* Sv39 (privileged spec 4.4): 9 bits per level, 4 KiB pages. */
#define KMAP_PTE_V 1ull
#define KMAP_PTE_LEAF 0xeull	/* R | W | X: any of them makes a leaf */
#define KMAP_PPN_SHIFT 10
#define KMAP_PAGE_SHIFT 12

static uint64_t level_size(int level)
{
	return 1ull << (KMAP_PAGE_SHIFT + 9 * level);
}

static bool hole_in(const struct kmap *k, uint64_t a, uint64_t b)
{
	for (int i = 0; i < k->nholes; i++)
		if (k->holes[i].base < b && a < k->holes[i].end)
			return true;
	return false;
}

static uint64_t *table_of(const struct kmap *k, uint64_t pte)
{
	uint64_t pa = (pte >> KMAP_PPN_SHIFT) << KMAP_PAGE_SHIFT;
	uint64_t i = (pa - k->pool_pa) >> KMAP_PAGE_SHIFT;

	/* Only tables from the pool are ever linked in. */
	return pa >= k->pool_pa && i < (uint64_t)k->npool ? k->pool[i] : NULL;
}

/* The next-level table behind *pte, made from the pool if needed. */
static uint64_t *table_at(struct kmap *k, uint64_t *pte)
{
	if (*pte & KMAP_PTE_V)
		return table_of(k, *pte);
	if (k->used == k->npool)
		return NULL;
	uint64_t pa = k->pool_pa + ((uint64_t)k->used << KMAP_PAGE_SHIFT);

	memset(k->pool[k->used], 0, sizeof(k->pool[0]));
	k->used++;
	*pte = (pa >> KMAP_PAGE_SHIFT) << KMAP_PPN_SHIFT | KMAP_PTE_V;
	return table_of(k, *pte);
}

/* Map [pa, end) at pa + va_base. */
static int kmap_map(struct kmap *k, uint64_t pa, uint64_t end, uint64_t va_base)
{
	while (pa < end) {
		uint64_t *pt = k->root;
		int level = 2;

		/* Walk down until a page of this level fits whole, aligned and
		 * clear of every hole, or the 4 KiB level is reached. A page
		 * fits only where va and pa agree in its alignment. */
		for (;;) {
			uint64_t size = level_size(level), va = pa + va_base;
			uint64_t *pte = &pt[(va >> (KMAP_PAGE_SHIFT + 9 * level)) & 511];

			if ((*pte & KMAP_PTE_V) && (*pte & KMAP_PTE_LEAF)) {
				/* Already mapped by a larger page: skip its extent. */
				pa = ALIGN_DOWN(pa, size) + size;
				break;
			}
			bool fits = !(pa & (size - 1)) && !(va & (size - 1)) && end - pa >= size &&
				    !hole_in(k, pa, pa + size);

			if (level == 0 || (fits && !(*pte & KMAP_PTE_V))) {
				if (level > 0 || !hole_in(k, pa, pa + size))
					*pte = (pa >> KMAP_PAGE_SHIFT) << KMAP_PPN_SHIFT | k->leaf_flags;
				pa += size;
				break;
			}
			pt = table_at(k, pte);
			if (!pt)
				return -1;
			level--;
		}
	}
	return 0;
}

int kmap_add(struct kmap *k, uint64_t pa, uint64_t end)
{
	if (end > k->va_limit || pa > end)
		return -1;
	return kmap_map(k, pa, end, k->va_base);
}

int kmap_add_at(struct kmap *k, uint64_t va, uint64_t pa, uint64_t end)
{
	if (pa > end || ((va | pa | end) & (level_size(0) - 1)))
		return -1;
	return kmap_map(k, pa, end, va - pa);
}

int64_t kmap_lookup(const struct kmap *k, uint64_t va, int *level)
{
	const uint64_t *pt = k->root;

	for (int l = 2; l >= 0; l--) {
		uint64_t pte = pt[(va >> (KMAP_PAGE_SHIFT + 9 * l)) & 511];

		if (!(pte & KMAP_PTE_V))
			return -1;
		if (pte & KMAP_PTE_LEAF) {
			if (level)
				*level = l;
			return (int64_t)(((pte >> KMAP_PPN_SHIFT) << KMAP_PAGE_SHIFT) + (va & (level_size(l) - 1)));
		}
		pt = table_of(k, pte);
		if (!pt)
			return -1;
	}
	return -1;
}
