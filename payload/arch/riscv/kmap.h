/* SPDX-License-Identifier: MIT */
/*
 * goose's direct map of physical memory (KERNEL_BASE + pa), built once the
 * FDT is known: RAM banks and device registers, with the largest pages that
 * fit, and never over a hole (firmware's /reserved-memory). Some cores check
 * a superpage's whole extent against PMP on a TLB miss (SiFive U54/U74: an
 * access anywhere in a 1 GiB page that overlaps OpenSBI's protected range
 * faults), so a 1 GiB or 2 MiB page is used only where every byte of it is
 * meant to be reachable.
 *
 * Pure: the tables come from a caller's pool and are addressed through it,
 * so host tests build maps in malloc'd memory.
 */
#ifndef GOOSE_KMAP_H
#define GOOSE_KMAP_H

#include "lib/lib.h"

struct kmap_range {
	uint64_t base;
	uint64_t end;	/* exclusive */
};

struct kmap {
	uint64_t *root;			/* the Sv39 root table to fill (its upper half) */
	uint64_t (*pool)[512];		/* zeroed page-table pages to take */
	int npool;
	int used;
	uint64_t pool_pa;		/* physical address of pool[0]; the rest follow */
	uint64_t va_base;		/* virtual = physical + va_base */
	uint64_t va_limit;		/* no physical address at or past this (direct map size) */
	const struct kmap_range *holes;	/* never mapped */
	int nholes;
	uint64_t leaf_flags;		/* PTE bits of every leaf (V, R, W, X, G, A, D) */
};

/*
 * Map [pa, end) (page-aligned) less the holes. 0, or -1 when the pool ran
 * out or the range passes va_limit.
 */
int kmap_add(struct kmap *k, uint64_t pa, uint64_t end);
/* Map [pa, end) at va instead (all page-aligned): 0 or -1 (the pool). */
int kmap_add_at(struct kmap *k, uint64_t va, uint64_t pa, uint64_t end);

/* The physical address va maps to through k's tables, or -1 (host tests). */
int64_t kmap_lookup(const struct kmap *k, uint64_t va, int *level);

#endif
