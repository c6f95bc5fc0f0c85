// SPDX-License-Identifier: MIT
/*
 * Host tests for payload/arch/riscv/kmap.c: maps built in a malloc'd pool, checked by
 * walking them (kmap_lookup): the page size chosen for each address, that
 * holes are never reachable, and that the pool running out is reported.
 */
#include "arch/riscv/kmap.h"
#include "test.h"

#define BASE 0xffffffc000000000ull
#define GIB (1ull << 30)
#define MIB (1ull << 20)
#define FLAGS 0xefull /* V R W X G A D */

struct map {
	uint64_t root[512];
	struct kmap k;
};

static struct map *map_new(int npool, const struct kmap_range *holes, int nholes)
{
	struct map *m = calloc(1, sizeof(*m));

	m->k.root = m->root;
	m->k.pool = aligned_alloc(4096, (size_t)npool * 4096);
	m->k.npool = npool;
	m->k.pool_pa = 0x700000000ull; /* any page-aligned value: tables are found through the pool */
	m->k.va_base = BASE;
	m->k.va_limit = 254 * GIB;
	m->k.holes = holes;
	m->k.nholes = nholes;
	m->k.leaf_flags = FLAGS;
	return m;
}

static void map_free(struct map *m)
{
	free(m->k.pool);
	free(m);
}

/* pa must map to itself at the given level (2: 1 GiB, 1: 2 MiB, 0: 4 KiB), or not at all (-1). */
static void expect(struct map *m, uint64_t pa, int want_level, const char *what)
{
	int level = -1;
	int64_t got = kmap_lookup(&m->k, pa + BASE, &level);

	if (want_level < 0) {
		CHECK(got < 0, "%s: 0x%llx is mapped (level %d), want a hole", what, (unsigned long long)pa, level);
		return;
	}
	CHECK(got == (int64_t)pa && level == want_level, "%s: 0x%llx maps to 0x%llx at level %d, want itself at level %d",
	      what, (unsigned long long)pa, (unsigned long long)got, level, want_level);
}

/* kmap_add_at: registers above the direct map at a window's address. */
static void test_add_at(void)
{
	struct map *m = map_new(8, NULL, 0);
	const uint64_t win = 0xffffffffc0000000ull;
	int level = -1;

	/* SG2042's console UART, one page, at the window's start. */
	CHECK(kmap_add_at(&m->k, win, 0x7040000000ull, 0x7040001000ull) == 0, "uart at the window");
	CHECK(kmap_lookup(&m->k, win + 0x10, &level) == 0x7040000010ll && level == 0, "maps to its registers");
	CHECK(kmap_lookup(&m->k, win + 0x1000, NULL) < 0, "and no further");
	/* 2 MiB of registers, 2 MiB aligned in pa but not in va: 4 KiB pages. */
	CHECK(kmap_add_at(&m->k, win + 0x1000, 0x7090000000ull, 0x7090200000ull) == 0, "2 MiB off the va's alignment");
	CHECK(kmap_lookup(&m->k, win + 0x1000 + 0x1ff000, &level) == 0x70901ff000ll && level == 0, "in 4 KiB pages");
	/* Both aligned: one 2 MiB page. */
	CHECK(kmap_add_at(&m->k, win + 0x400000, 0xffd8000000ull, 0xffd8200000ull) == 0, "aligned");
	CHECK(kmap_lookup(&m->k, win + 0x400000, &level) == 0xffd8000000ll && level == 1, "one 2 MiB page");
	CHECK(kmap_add_at(&m->k, win + 0x10, 0x1000, 0x2000) == -1, "an unaligned va is refused");
	map_free(m);
}

int main(void)
{
	test_add_at();
	/* QEMU virt, 512 MiB, OpenSBI's 512 KiB at the base: everything but the
	 * first 2 MiB in 2 MiB pages, that one in 4 KiB pages around the hole. */
	{
		static const struct kmap_range holes[] = { { 0x80000000, 0x80080000 } };
		struct map *m = map_new(8, holes, 1);

		CHECK(kmap_add(&m->k, 0x80000000, 0xa0000000) == 0, "virt RAM");
		expect(m, 0x80000000, -1, "firmware");
		expect(m, 0x8007f000, -1, "firmware end");
		expect(m, 0x80080000, 0, "just past firmware");
		expect(m, 0x801ff000, 0, "end of first 2 MiB");
		expect(m, 0x80200000, 1, "image");
		expect(m, 0x9fe00000, 1, "last 2 MiB");
		expect(m, 0xa0000000, -1, "past RAM");
		CHECK(m->k.used == 2, "tables used: %d, want 2 (one 2 MiB level, one 4 KiB)", m->k.used);
		map_free(m);
	}
	/* A whole clean GiB takes one 1 GiB page and no table. */
	{
		struct map *m = map_new(4, NULL, 0);

		CHECK(kmap_add(&m->k, 0x100000000ull, 0x200000000ull) == 0, "4-8 GiB");
		expect(m, 0x100000000ull, 2, "GiB 4");
		expect(m, 0x1c0000000ull, 2, "GiB 7");
		expect(m, 0x200000000ull, -1, "past");
		CHECK(m->k.used == 0, "tables used: %d, want 0", m->k.used);
		map_free(m);
	}
	/* Devices: a 256-byte UART takes one 4 KiB page, not its neighbours. */
	{
		struct map *m = map_new(8, NULL, 0);

		CHECK(kmap_add(&m->k, 0x10000000, 0x10001000) == 0, "uart");
		CHECK(kmap_add(&m->k, 0x0c000000, 0x0c600000) == 0, "plic");
		expect(m, 0x10000000, 0, "uart");
		expect(m, 0x10001000, -1, "after uart");
		expect(m, 0x0c000000, 1, "plic, 2 MiB pages");
		expect(m, 0x0c400000, 1, "plic end");
		expect(m, 0x0c600000, -1, "after plic");
		/* Adding what is mapped is harmless. */
		CHECK(kmap_add(&m->k, 0x10000000, 0x10001000) == 0, "uart again");
		expect(m, 0x10000000, 0, "uart again");
		map_free(m);
	}
	/* RAM ending mid-GiB, and a hole in the middle of it. */
	{
		static const struct kmap_range holes[] = { { 0x40300000, 0x40301000 } };
		struct map *m = map_new(8, holes, 1);

		CHECK(kmap_add(&m->k, 0x40000000, 0x40a00000) == 0, "visionfive-ish");
		expect(m, 0x40000000, 1, "first 2 MiB");
		expect(m, 0x40200000, 0, "chunk with the hole");
		expect(m, 0x40300000, -1, "the hole");
		expect(m, 0x40301000, 0, "after the hole");
		expect(m, 0x40800000, 1, "later chunk");
		expect(m, 0x40a00000, -1, "end");
		map_free(m);
	}
	/* The pool runs out: reported, not overrun. */
	{
		static const struct kmap_range holes[] = { { 0x80000000, 0x80001000 } };
		struct map *m = map_new(1, holes, 1);

		CHECK(kmap_add(&m->k, 0x80000000, 0x80400000) == -1, "pool of one table must not be enough");
		CHECK(m->k.used == 1, "used %d", m->k.used);
		map_free(m);
	}
	/* Past the direct map's end, and a range backwards. */
	{
		struct map *m = map_new(2, NULL, 0);

		CHECK(kmap_add(&m->k, 300 * GIB, 301 * GIB) == -1, "past va_limit");
		CHECK(kmap_add(&m->k, 0x2000, 0x1000) == -1, "end before start");
		map_free(m);
	}
	return test_done("kmap");
}
