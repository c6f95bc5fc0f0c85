// SPDX-License-Identifier: MIT
#include "arch/riscv/ioremap.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"

#define IO_MEGA (2ull << 20)

static struct kmap *io_kmap;
static uint64_t io_next = IO_WINDOW_BASE;

void io_init(struct kmap *k)
{
	io_kmap = k;
}

bool io_direct_mapped(uint64_t pa, uint64_t size)
{
	for (uint64_t at = pa; io_kmap && at - pa < size;) {
		int level = 0;

		if (kmap_lookup(io_kmap, (uint64_t)PA2VA(at), &level) != (int64_t)at)
			return false;
		at = ALIGN_DOWN(at, 1ull << (12 + 9 * level)) + (1ull << (12 + 9 * level));
	}
	return io_kmap != NULL;
}

void *ioremap(uint64_t pa, uint64_t size)
{
	if (!size || pa > UINT64_MAX - PAGE_SIZE || size > UINT64_MAX - PAGE_SIZE - pa)
		return NULL;
	uint64_t b = ALIGN_DOWN(pa, PAGE_SIZE), e = ALIGN_UP(pa + size, PAGE_SIZE);

	if (e <= (uint64_t)KERNEL_DIRECT_GIB << 30)
		return PA2VA(pa);
	/* 2 MiB pages where the registers allow them (a PLIC's 64 MiB would
	 * take 32 page-table pages in 4 KiB pages). */
	if (!(b & (IO_MEGA - 1)) && e - b >= IO_MEGA)
		io_next = ALIGN_UP(io_next, IO_MEGA);
	if (!io_kmap || e - b > IO_WINDOW_END - io_next || kmap_add_at(io_kmap, io_next, b, e))
		return NULL;
	sfence_vma_all();
	void *va = (void *)(uintptr_t)(io_next + (pa - b));

	io_next += e - b;
	return va;
}
