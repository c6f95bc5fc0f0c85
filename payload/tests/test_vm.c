// SPDX-License-Identifier: MIT
/*
 * Host tests for payload/mm/vm.c and the page allocator beneath it: the
 * program's mappings over a malloc'd "physical" arena. Demand-zero faults,
 * protections, munmap/MADV_DONTNEED giving pages back (no page leaks), and
 * every allocation failure injected in turn (pmem.fail_after): each must
 * come back as -ENOMEM / -EFAULT with the books balanced, never a crash.
 */
#include <setjmp.h>

#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "mm/vm.h"
#include "test.h"

#define ARENA_PAGES 512
#define ARENA_PA 0x80000000ull
#define PAGE 4096ull

uint64_t host_pa_offset;
static jmp_buf oom_exit;
static int exits;

/* What vm.c calls outside itself. */
void gmsg(const char *fmt, ...)
{
	(void)fmt;
}

void goose_exit(int status)
{
	exits = status;
	longjmp(oom_exit, 1);
}

void smp_tlb_shootdown(uint64_t start, uint64_t size)
{
	(void)start, (void)size;
}

static void *arena;
static uint64_t root_pa;

static void setup(void)
{
	free(arena);
	arena = aligned_alloc(PAGE, ARENA_PAGES * PAGE);
	memset(arena, 0xa5, ARENA_PAGES * PAGE); /* so demand-zero is checked */
	host_pa_offset = (uint64_t)(uintptr_t)arena - ARENA_PA;
	struct pmem_range ram = { ARENA_PA, ARENA_PA + ARENA_PAGES * PAGE };

	CHECK(pmem_init(&pmem, host_pa_offset, &ram, 1, NULL, 0) == 0, "pmem_init");
	root_pa = pmem_alloc_zeroed(&pmem);
	vm_init(PA2VA(root_pa));
	vm_set_commit_limit(UINT64_MAX);
}

/* A user address's bytes, through the page tables. */
static uint8_t *at(uint64_t va)
{
	return vm_kaddr(va);
}

static void test_demand_zero(void)
{
	setup();
	uint64_t free0 = pmem.free_pages, va = 0x100000000ull;

	CHECK(vm_add(va, va + 16 * PAGE, PROT_READ | PROT_WRITE) == 0, "add");
	CHECK(pmem.free_pages == free0, "a mapping costs no page until touched (%lu used)", free0 - pmem.free_pages);
	CHECK(vm_fault(va + 5 * PAGE + 17, PROT_WRITE) == 0, "fault");
	CHECK(at(va + 5 * PAGE) && at(va + 5 * PAGE)[100] == 0, "fresh page reads zero");
	at(va + 5 * PAGE)[100] = 7;
	CHECK(vm_fault(va + 5 * PAGE, PROT_READ) == 0 && at(va + 5 * PAGE)[100] == 7, "second fault keeps data");
	CHECK(vm_resident(va + 5 * PAGE) && !vm_resident(va + 6 * PAGE), "resident");
	CHECK(vm_fault(va + 16 * PAGE, PROT_READ) == -EFAULT, "past the mapping");
	CHECK(vm_fault(0, PROT_READ) == -EFAULT, "page 0");
	/* Discard gives the page back and the next touch gives zeros. */
	uint64_t used = free0 - pmem.free_pages;

	vm_discard(va, va + 16 * PAGE);
	CHECK(free0 - pmem.free_pages < used, "discard frees");
	CHECK(vm_fault(va + 5 * PAGE, PROT_READ) == 0 && at(va + 5 * PAGE)[100] == 0, "zero after discard");
	vm_remove(va, va + 16 * PAGE);
	CHECK(!vm_find(va), "removed");
}

static void test_protect(void)
{
	setup();
	uint64_t va = 0x200000000ull;

	CHECK(vm_add(va, va + 4 * PAGE, PROT_READ) == 0, "add ro");
	CHECK(vm_fault(va, PROT_WRITE) == -EACCES, "write to read-only");
	CHECK(vm_fault(va, PROT_EXEC) == -EACCES, "exec of non-exec");
	CHECK(vm_protect(va, va + 2 * PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect rw");
	CHECK(vm_fault(va, PROT_WRITE) == 0, "write after mprotect");
	at(va)[0] = 42;
	CHECK(vm_protect(va, va + PAGE, PROT_NONE) == 0, "mprotect none");
	CHECK(vm_fault(va, PROT_READ) == -EACCES, "read of PROT_NONE");
	CHECK(vm_protect(va, va + PAGE, PROT_READ) == 0 && vm_fault(va, PROT_READ) == 0 && at(va)[0] == 42,
	      "data survives PROT_NONE and back");
	CHECK(vm_protect(va, va + 8 * PAGE, PROT_READ) == -ENOMEM, "mprotect past the mapping");
	/* Splitting and merging keep the list coherent. */
	CHECK(vm_find(va + PAGE)->prot == (PROT_READ | PROT_WRITE), "split keeps the second page read-write");
	CHECK(vm_find(va + 3 * PAGE)->prot == PROT_READ, "tail untouched");
}

static void test_uaccess(void)
{
	setup();
	uint64_t va = 0x300000000ull;
	char buf[32] = "goose";

	CHECK(vm_add(va, va + 2 * PAGE, PROT_READ | PROT_WRITE) == 0, "add");
	CHECK(copy_to_user(va + PAGE - 3, buf, 6) == 0, "copy across a page boundary");
	memset(buf, 0, sizeof(buf));
	CHECK(copy_from_user(buf, va + PAGE - 3, 6) == 0 && !strcmp(buf, "goose"), "copy back");
	CHECK(copy_to_user(va + 2 * PAGE - 3, buf, 6) == -EFAULT, "past the end");
	CHECK(copy_from_user(buf, USER_TOP - 2, 6) == -EFAULT, "past USER_TOP");
	CHECK(copy_from_user(buf, UINT64_MAX - 2, 6) == -EFAULT, "wrapping");
	CHECK(strncpy_from_user(buf, va + PAGE - 3, sizeof(buf)) == 0 && !strcmp(buf, "goose"), "string");
	CHECK(vm_add(va + 4 * PAGE, va + 5 * PAGE, PROT_READ) == 0, "ro");
	CHECK(copy_to_user(va + 4 * PAGE, buf, 1) == -EFAULT, "write into read-only");
}

/* Leaves with A and D set, and no A, D or U above them: with hardware A/D
 * updating off (Svade, OpenSBI 1.9's default) a leaf without A faults on
 * every access and one without D on every store, forever. */
static int pte_bits_bad(uint64_t pa, int level, int *leaves) // NOLINT(misc-no-recursion): three levels
{
	const uint64_t *pt = PA2VA(pa);
	int bad = 0;

	for (int i = 0; i < 512; i++) {
		uint64_t pte = pt[i];

		if (!(pte & PTE_V))
			continue;
		if (pte & (PTE_R | PTE_W | PTE_X)) {
			++*leaves;
			bad += (pte & (PTE_A | PTE_D)) != (PTE_A | PTE_D);
		} else {
			bad += (pte & (PTE_A | PTE_D | PTE_U)) != 0;
			if (level > 0)
				bad += pte_bits_bad((pte >> PTE_PPN_SHIFT) << PAGE_SHIFT, level - 1, leaves);
		}
	}
	return bad;
}

static void test_pte_ad_bits(void)
{
	setup();
	uint64_t va = 0x400000000ull;
	int leaves = 0;

	CHECK(vm_add(va, va + 4 * PAGE, PROT_READ | PROT_WRITE) == 0, "add rw");
	CHECK(vm_add(va + 8 * PAGE, va + 9 * PAGE, PROT_READ | PROT_EXEC) == 0, "add rx");
	CHECK(vm_fault(va, PROT_READ) == 0 && vm_fault(va + PAGE, PROT_WRITE) == 0 &&
	      vm_fault(va + 8 * PAGE, PROT_EXEC) == 0, "faults");
	CHECK(vm_protect(va, va + PAGE, PROT_READ) == 0, "mprotect ro");
	CHECK(pte_bits_bad(root_pa, 2, &leaves) == 0 && leaves == 3, "A and D on %d leaves, none above", leaves);
}

/* Every allocation a fault path makes, failed in turn. */
static void test_injected_failures(void)
{
	for (int n = 1; n <= 6; n++) {
		setup();
		uint64_t va = 0x3f00000000ull + (uint64_t)n * (1ull << 30); /* fresh table path each time */
		uint64_t free0 = pmem.free_pages;

		CHECK(vm_add(va, va + 64 * PAGE, PROT_READ | PROT_WRITE) == 0, "add");
		pmem.fail_after = (uint64_t)n;
		int r = 0, touched = 0;

		for (int i = 0; i < 64 && !r; i++, touched++)
			r = vm_fault(va + (uint64_t)i * PAGE, PROT_WRITE);
		pmem.fail_after = 0;
		CHECK(r == -ENOMEM, "allocation %d failed: fault gives -ENOMEM, got %d after %d pages", n, r, touched);
		/* The mapping is still sound: the next fault works. */
		CHECK(vm_fault(va, PROT_WRITE) == 0, "after failure %d, faults work again", n);
		vm_remove(va, va + 64 * PAGE);
		/* Only page-table pages stay behind (at most the two levels). */
		CHECK(free0 - pmem.free_pages <= 2, "after failure %d: %lu pages not given back", n,
		      free0 - pmem.free_pages);
	}
	/* A uaccess that cannot get a page is goose's out-of-memory exit. */
	setup();
	uint64_t va = 0x100000000ull;
	char c = 1;

	CHECK(vm_add(va, va + PAGE, PROT_READ | PROT_WRITE) == 0, "add");
	pmem.fail_after = 1;
	exits = 0;
	if (!setjmp(oom_exit))
		copy_to_user(va, &c, 1);
	pmem.fail_after = 0;
	CHECK(exits == 137, "out of memory in a copy ends with 137, got %d", exits);
}

static void test_exhaustion(void)
{
	setup();
	uint64_t va = 0x100000000ull, n = ARENA_PAGES * 2;

	CHECK(vm_add(va, va + n * PAGE, PROT_READ | PROT_WRITE) == 0, "overcommitted mapping");
	int r = 0;
	uint64_t i;

	for (i = 0; i < n && !r; i++)
		r = vm_fault(va + i * PAGE, PROT_WRITE);
	CHECK(r == -ENOMEM && i < ARENA_PAGES, "RAM runs out: %d after %lu pages", r, i);
	vm_remove(va, va + n * PAGE);
	CHECK(pmem.free_pages >= ARENA_PAGES - 4, "all back after munmap: %lu free", pmem.free_pages);
	/* The single-mapping limit (heuristic overcommit). */
	vm_set_commit_limit(100);
	CHECK(vm_add(va, va + 101 * PAGE, PROT_READ | PROT_WRITE) == -ENOMEM, "mapping bigger than the machine");
	CHECK(vm_add(va, va + 101 * PAGE, PROT_NONE) == 0, "a reservation costs nothing");
}

int main(void)
{
	test_demand_zero();
	test_protect();
	test_uaccess();
	test_pte_ad_bits();
	test_injected_failures();
	test_exhaustion();
	free(arena);
	return test_done("vm");
}
