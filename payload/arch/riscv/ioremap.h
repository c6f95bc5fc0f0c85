/* SPDX-License-Identifier: MIT */
/*
 * goose's own access to device registers (Linux's ioremap). Devices inside
 * the direct map (physical 0..254 GiB, every device node's registers mapped
 * at boot) are reached there. SoCs that put theirs higher (Sophgo SG2042
 * and SG2044 at 0x70_xxxx_xxxx, T-Head TH1520 near 1 TiB) get pages in a
 * window of their own, the top GiB of the address space, as drivers ask.
 */
#ifndef GOOSE_IOREMAP_H
#define GOOSE_IOREMAP_H

#include "arch/riscv/extable.h"
#include "arch/riscv/kmap.h"

#define IO_WINDOW_BASE 0xffffffffc0000000ull
#define IO_WINDOW_END 0xfffffffffffff000ull	/* the last page stays unmapped */

/* Hand ioremap the boot's table builder (its pool), once the direct map is built. */
void io_init(struct kmap *k);
/*
 * goose's address for the registers [pa, pa+size), or NULL when they are
 * out of reach (the window or the page-table pool ran out). Boot time
 * only, on the boot hart: the new pages are not shot down on other harts.
 */
void *ioremap(uint64_t pa, uint64_t size);

/* Is all of [pa, pa + size) reachable at PA2VA (in the direct map built
 * from the FDT's memory and devices, less the firmware's holes)? */
bool io_direct_mapped(uint64_t pa, uint64_t size);

/*
 * Read a 32-bit register whose device may not be there (a tree can name an
 * address with nothing behind it): 0 and the value, or -1 when the load
 * faulted (an access fault, taken through the exception table).
 */
static inline long io_probe32(const volatile void *reg, uint32_t *v)
{
	uint64_t x;
	long err = EXTABLE_TRY("lwu %0, 0(%2)", x, "r"(reg));

	*v = (uint32_t)x;
	return err;
}

/* The same for a byte-wide register (a 16550 with reg-io-width 1). */
static inline long io_probe8(const volatile void *reg, uint32_t *v)
{
	uint64_t x;
	long err = EXTABLE_TRY("lbu %0, 0(%2)", x, "r"(reg));

	*v = (uint32_t)x;
	return err;
}

#endif
