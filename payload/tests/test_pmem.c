// SPDX-License-Identifier: MIT
/*
 * Host tests for payload/mm/pmem.c: free RAM = banks minus holes (any order,
 * overlapping, unaligned), page 0 never handed out, the free list and
 * contiguous runs, exhaustion and injected failures; freed pages kept in
 * batches across many batch pages, and a free of many pages writing into
 * only the batch pages.
 */
#include "mm/pmem.h"
#include "test.h"

#define P 4096ull

struct range_case {
	const char *name;
	struct pmem_range ram[4];
	int nram;
	struct pmem_range holes[4];
	int nholes;
	uint64_t want_pages;
	int want_rc;
};

static const struct range_case cases[] = {
	{ "one bank", { { 0x80000000, 0x80100000 } }, 1, { { 0 } }, 0, 256, 0 },
	{ "hole at the base", { { 0x80000000, 0x80100000 } }, 1, { { 0x80000000, 0x80080000 } }, 1, 128, 0 },
	{ "unaligned bank rounds in", { { 0x80000001, 0x80002fff } }, 1, { { 0 } }, 0, 1, 0 },
	{ "unaligned hole rounds out", { { 0x80000000, 0x80010000 } }, 1, { { 0x80001001, 0x80002001 } }, 1, 14, 0 },
	{ "overlapping holes", { { 0x80000000, 0x80010000 } }, 1,
	  { { 0x80001000, 0x80004000 }, { 0x80002000, 0x80006000 } }, 2, 11, 0 },
	{ "two banks out of order", { { 0x100000000, 0x100010000 }, { 0x80000000, 0x80010000 } }, 2, { { 0 } }, 0,
	  32, 0 },
	{ "hole covers all", { { 0x80000000, 0x80010000 } }, 1, { { 0x70000000, 0x90000000 } }, 1, 0, -1 },
	{ "page 0 never given", { { 0, 0x4000 } }, 1, { { 0 } }, 0, 3, 0 },
	{ "hole to the top of memory", { { 0x80000000, 0x80010000 } }, 1, { { 0x80008000, UINT64_MAX } }, 1, 8, 0 },
	{ "empty bank", { { 0x80000000, 0x80000000 } }, 1, { { 0 } }, 0, 0, -1 },
};

#define NB 2048	/* arena pages for the batch tests: four batches' worth */

static bool all_distinct(const uint64_t *pa, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		for (uint64_t j = 0; j < i; j++)
			if (!pa[i] || pa[i] == pa[j])
				return false;
	return true;
}

/* Frees and takes in uneven steps across batch boundaries: nothing lost,
 * nothing given twice, and a free of many pages writes into few of them. */
static void test_batches(void)
{
	static struct pmem pm;
	static uint64_t pages[NB], again[NB];
	uint8_t *arena = aligned_alloc(P, NB * P);
	struct pmem_range ram = { 0x80000000, 0x80000000 + NB * P };
	uint64_t off = (uint64_t)(uintptr_t)arena - 0x80000000, n = 0, seed = 1;

	CHECK(pmem_init(&pm, off, &ram, 1, NULL, 0) == 0, "batch arena");
	while (n < NB && (pages[n] = pmem_alloc(&pm)))
		n++;
	CHECK(n == NB && pm.free_pages == 0 && all_distinct(pages, n), "all %llu pages, each once",
	      (unsigned long long)n);
	/* Mark every page, give back 1,500 at once: only the batch pages
	 * (1500 / 511, rounded up) may be written. */
	for (uint64_t i = 0; i < n; i++)
		memset(arena + (pages[i] - 0x80000000), 0xa5, P);
	pmem_free_many(&pm, pages, 1500);
	uint64_t written = 0;

	for (uint64_t i = 0; i < 1500; i++)
		for (uint64_t b = 0; b < P; b += 8)
			if (*(uint64_t *)(arena + (pages[i] - 0x80000000) + b) != 0xa5a5a5a5a5a5a5a5ull) {
				written++;
				break;
			}
	CHECK(written == 3 && pm.free_pages == 1500, "1500 pages freed, %llu of them written (want 3 batches)",
	      (unsigned long long)written);
	/* The rest in uneven runs, with takes in between. */
	uint64_t freed = 1500, held = 0;

	while (freed < n || held) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t k = (seed >> 33) % 700 + 1;

		if (freed < n && (seed & 1)) {
			k = k > n - freed ? n - freed : k;
			pmem_free_many(&pm, pages + freed, k);
			freed += k;
		} else if (held) {
			k = k > held ? held : k;
			pmem_free_many(&pm, again + held - k, k);
			held -= k;
		} else {
			k = k > pm.free_pages ? pm.free_pages : k;
			CHECK(pmem_alloc_many(&pm, again, k) == k, "take %llu", (unsigned long long)k);
			held = k;
		}
	}
	CHECK(pm.free_pages == NB, "all back: %llu free", (unsigned long long)pm.free_pages);
	CHECK(pmem_alloc_many(&pm, again, NB) == NB && pm.free_pages == 0 && all_distinct(again, NB),
	      "every page taken again, each once");
	bool same = true;

	for (uint64_t i = 0; i < NB; i++) {
		bool found = false;

		for (uint64_t j = 0; j < NB && !found; j++)
			found = again[i] == pages[j];
		same = same && found;
	}
	CHECK(same && pmem_alloc(&pm) == 0, "the same pages, and no more");
	free(arena);
}

int main(void)
{
	static struct pmem pm;

	test_batches();

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct range_case *c = &cases[i];
		int rc = pmem_init(&pm, 0, c->ram, c->nram, c->holes, c->nholes);

		CHECK(rc == c->want_rc, "%s: rc %d, want %d", c->name, rc, c->want_rc);
		if (!rc)
			CHECK(pm.total_pages == c->want_pages, "%s: %llu pages, want %llu", c->name,
			      (unsigned long long)pm.total_pages, (unsigned long long)c->want_pages);
	}

	/* Allocation over a real arena (va_offset maps "physical" to it). */
	uint8_t *arena = aligned_alloc(P, 64 * P);
	struct pmem_range ram = { 0x80000000, 0x80000000 + 64 * P };
	uint64_t off = (uint64_t)(uintptr_t)arena - 0x80000000;

	CHECK(pmem_init(&pm, off, &ram, 1, NULL, 0) == 0, "arena");
	uint64_t a = pmem_alloc(&pm), b = pmem_alloc_zeroed(&pm);

	CHECK(a && b && a != b && pm.free_pages == 62, "two pages: 0x%llx 0x%llx", (unsigned long long)a,
	      (unsigned long long)b);
	CHECK(arena[b - 0x80000000] == 0 && arena[b - 0x80000000 + P - 1] == 0, "zeroed");
	pmem_free(&pm, a);
	CHECK(pmem_alloc(&pm) == a, "the free list gives back the last freed page");
	uint64_t run = pmem_alloc_contig(&pm, 8);

	CHECK(run && (run & (P - 1)) == 0 && pm.free_pages == 54, "8 contiguous pages: %llu free",
	      (unsigned long long)pm.free_pages);
	CHECK(pmem_alloc_contig(&pm, 1000) == 0, "too big a run");
	CHECK(pmem_alloc_contig(&pm, 0) == 0, "zero pages");
	pm.fail_after = 2;
	CHECK(pmem_alloc(&pm) != 0, "first before the injected failure");
	CHECK(pmem_alloc(&pm) == 0, "injected failure");
	CHECK(pmem_alloc(&pm) != 0, "after it");
	uint64_t many[8], before = pm.free_pages;

	CHECK(pmem_alloc_many(&pm, many, 8) == 8 && pm.free_pages == before - 8, "eight at once");
	bool distinct = true;

	for (int i = 0; i < 8; i++)
		for (int j = 0; j < i; j++)
			distinct = distinct && many[i] != many[j] && many[i];
	CHECK(distinct, "eight different pages");
	pmem_free_many(&pm, many, 8);
	CHECK(pm.free_pages == before, "back at once");
	uint64_t again[8];

	CHECK(pmem_alloc_many(&pm, again, 8) == 8 && again[0] == many[7] && again[7] == many[0],
	      "the free list gives them back, last freed first");
	pmem_free_many(&pm, again, 8);
	pm.fail_after = 3;
	CHECK(pmem_alloc_many(&pm, many, 8) == 2 && pm.free_pages == before - 2, "an injected failure ends the batch");
	pmem_free_many(&pm, many, 2);
	uint64_t got = 0;

	while (pmem_alloc(&pm))
		got++;
	CHECK(pm.free_pages == 0 && pmem_alloc(&pm) == 0, "exhausted after %llu more", (unsigned long long)got);
	CHECK(pmem_alloc_many(&pm, many, 8) == 0, "none at once when none is left");
	free(arena);
	return test_done("pmem");
}
