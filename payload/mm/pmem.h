/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: 4 KiB pages over the free RAM, that is the FDT's
 * memory banks minus everything that must not be handed out (firmware,
 * goose's own image, the FDT, the initrd, reserved-memory). Freed pages are
 * kept in batches (pmem.c); fresh ones are cut from the free ranges. Pure
 * except for the caller-supplied phys-to-virt offset, so host tests run it
 * over a malloc'd arena.
 */
#ifndef GOOSE_PMEM_H
#define GOOSE_PMEM_H

#include "arch/riscv/spinlock.h"
#include "lib/lib.h"

#define PMEM_MAX_RANGES 64

struct pmem_range {
	uint64_t base;	/* page-aligned */
	uint64_t end;	/* page-aligned, exclusive */
};

struct pmem {
	struct spinlock lock;
	struct pmem_range free[PMEM_MAX_RANGES];	/* ascending, disjoint */
	int nfree;
	uint64_t va_offset;	/* virtual = physical + va_offset */
	uint64_t freelist;	/* the top batch of freed pages (pmem.c), 0 when none */
	uint64_t ntop;		/* pages the top batch lists */
	uint64_t total_pages;	/* pages managed in all */
	uint64_t free_pages;	/* pages available now */
	uint64_t fail_after;	/* host tests: fail the Nth allocation from now (0 = never) */
};

/*
 * Set up *pm over ram[] minus holes[] (any order, may overlap, any alignment:
 * RAM is rounded inward and holes outward to pages). Returns 0, or -1 when no
 * page is left.
 */
int pmem_init(struct pmem *pm, uint64_t va_offset, const struct pmem_range *ram, int nram,
	      const struct pmem_range *holes, int nholes);

/* One page: its physical address, or 0 when none is left. Not zeroed. */
uint64_t pmem_alloc(struct pmem *pm);
/* One zeroed page, or 0. */
uint64_t pmem_alloc_zeroed(struct pmem *pm);
/* n physically contiguous pages taken from the ranges (not the free list), or 0. */
uint64_t pmem_alloc_contig(struct pmem *pm, uint64_t n);
void pmem_free(struct pmem *pm, uint64_t pa);
/* Up to n pages under one taking of the lock (a fault's window): how many,
 * into pa[]. Not zeroed. */
uint64_t pmem_alloc_many(struct pmem *pm, uint64_t *pa, uint64_t n);
/* n pages back under one taking of the lock (an unmap's). */
void pmem_free_many(struct pmem *pm, const uint64_t *pa, uint64_t n);

#endif
