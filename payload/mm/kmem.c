/* SPDX-License-Identifier: MIT */
#include "mm/kmem.h"

#ifdef GOOSE_HOST
#include <stdlib.h>

static size_t host_used;

void *kzalloc(size_t size)
{
	size_t *p = calloc(1, size + sizeof(size_t));

	if (!p)
		return NULL;
	*p = size;
	host_used += size;
	return p + 1;
}

void kfree(void *p)
{
	if (!p)
		return;
	size_t *h = (size_t *)p - 1;

	host_used -= *h;
	free(h);
}

size_t kmem_used(void)
{
	return host_used;
}

#else
#include "arch/riscv/layout.h"
#include "arch/riscv/spinlock.h"
#include "mm/pmem.h"
#include "mm/vm.h"

#define KMEM_MIN_SHIFT 4	/* 16 bytes */
#define KMEM_MAX_SHIFT 11	/* 2048 bytes */
#define KMEM_CLASSES (KMEM_MAX_SHIFT - KMEM_MIN_SHIFT + 1)
#define KMEM_PAGE 4096ul

/*
 * Every block carries an 16-byte header in front of it: its size class (or,
 * for a large block, its page count), so kfree needs no lookup. Free blocks
 * of a class are on a list threaded through them.
 */
struct kmem_hdr {
	uint32_t cls;		/* class index, or KMEM_LARGE */
	uint32_t pages;		/* large blocks: pages in the run */
	uint64_t pad;
};
#define KMEM_LARGE 0xffffffffu

struct kmem_free {
	struct kmem_free *next;
};

static struct {
	struct spinlock lock;
	struct kmem_free *free[KMEM_CLASSES];
	size_t used;
} km = { .lock = SPINLOCK_INIT("kmem", LOCK_RANK_KMEM) };

static int kmem_class(size_t total)
{
	int c = 0;

	while (((size_t)1 << (c + KMEM_MIN_SHIFT)) < total)
		c++;
	return c;
}

/* Cut a fresh page into blocks of class c. Called with the lock held. */
static bool kmem_refill(int c)
{
	uint64_t pa = pmem_alloc(&pmem);
	size_t bsize = (size_t)1 << (c + KMEM_MIN_SHIFT);

	if (!pa)
		return false;
	uint8_t *page = PA2VA(pa);

	for (size_t off = 0; off + bsize <= KMEM_PAGE; off += bsize) {
		struct kmem_free *f = (struct kmem_free *)(page + off);

		f->next = km.free[c];
		km.free[c] = f;
	}
	return true;
}

void *kzalloc(size_t size)
{
	size_t total = size + sizeof(struct kmem_hdr);
	struct kmem_hdr *h;

	if (size > (1ul << 32))
		return NULL;
	if (total > ((size_t)1 << KMEM_MAX_SHIFT)) {
		uint64_t pages = ALIGN_UP(total, KMEM_PAGE) / KMEM_PAGE;
		uint64_t pa = pmem_alloc_contig(&pmem, pages);

		if (!pa)
			return NULL;
		h = PA2VA(pa);
		memset(h, 0, pages * KMEM_PAGE);
		h->cls = KMEM_LARGE;
		h->pages = (uint32_t)pages;
		spin_lock(&km.lock);
		km.used += pages * KMEM_PAGE;
		spin_unlock(&km.lock);
		return h + 1;
	}
	int c = kmem_class(total);

	spin_lock(&km.lock);
	if (!km.free[c] && !kmem_refill(c)) {
		spin_unlock(&km.lock);
		return NULL;
	}
	h = (struct kmem_hdr *)km.free[c];
	km.free[c] = km.free[c]->next;
	km.used += (size_t)1 << (c + KMEM_MIN_SHIFT);
	spin_unlock(&km.lock);
	memset(h, 0, (size_t)1 << (c + KMEM_MIN_SHIFT));
	h->cls = (uint32_t)c;
	return h + 1;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct kmem_hdr *h = (struct kmem_hdr *)p - 1;

	if (h->cls == KMEM_LARGE) {
		uint64_t pa = VA2PA(h);
		uint32_t pages = h->pages;

		for (uint32_t i = 0; i < pages; i++)
			pmem_free(&pmem, pa + i * KMEM_PAGE);
		spin_lock(&km.lock);
		km.used -= pages * KMEM_PAGE;
		spin_unlock(&km.lock);
		return;
	}
	uint32_t c = h->cls;
	struct kmem_free *f = (struct kmem_free *)h;

	spin_lock(&km.lock);
	f->next = km.free[c];
	km.free[c] = f;
	km.used -= (size_t)1 << (c + KMEM_MIN_SHIFT);
	spin_unlock(&km.lock);
}

size_t kmem_used(void)
{
	return km.used;
}
#endif
