// SPDX-License-Identifier: MIT
/*
 * Host tests for payload/mm/vm.c and the page allocator beneath it: the
 * program's mappings over a malloc'd "physical" arena. Demand-zero faults,
 * protections, munmap/MADV_DONTNEED giving pages back (no page leaks), and
 * every allocation failure injected in turn (pmem.fail_after): each must
 * come back as -ENOMEM / -EFAULT with the books balanced, never a crash.
 * File mappings over a stand-in file: shared pages, copy on write, the
 * file's pages taken out of every mapping, SIGBUS past the end, and the
 * holds a VMA keeps on its file through splits, merges and unmaps.
 */
#include <setjmp.h>
#include <stdarg.h>

#include "arch/riscv/hart.h"
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

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* The shootdowns vm.c asked for, and the free pages when it asked. */
static int shootdowns;
static uint64_t free_at_shootdown;

/* The deferred ones (vm.c's deferred unmaps): generations handed out,
 * and the one every other hart has passed, which a test moves on; whether
 * the last one's caller had fenced itself. */
static uint64_t gens, passed;
static bool defer_fenced;
/* The hart the code under test runs on (this_hart()). */
static struct hart hart0;
struct hart *host_hart = &hart0;

void smp_tlb_shootdown(uint64_t start, uint64_t size)
{
	(void)start, (void)size;
	shootdowns++;
	free_at_shootdown = pmem.free_pages;
	passed = gens;	/* every hart fenced */
}

uint64_t smp_tlb_defer(bool fenced)
{
	defer_fenced = fenced;
	return ++gens;
}

uint64_t smp_tlb_passed(void)
{
	return passed;
}

static void *arena;
static uint64_t root_pa;

/* A fresh address space over a RAM of pages pages. */
static void setup_ram(uint64_t pages)
{
	free(arena);
	arena = aligned_alloc(PAGE, pages * PAGE);
	memset(arena, 0xa5, pages * PAGE); /* so demand-zero is checked */
	host_pa_offset = (uint64_t)(uintptr_t)arena - ARENA_PA;
	struct pmem_range ram = { ARENA_PA, ARENA_PA + pages * PAGE };

	CHECK(pmem_init(&pmem, host_pa_offset, &ram, 1, NULL, 0) == 0, "pmem_init");
	root_pa = pmem_alloc_zeroed(&pmem);
	vm_init(PA2VA(root_pa));
	vm_set_commit_limit(UINT64_MAX);
}

static void setup(void)
{
	setup_ram(ARENA_PAGES);
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
	/* Second page first: in address order, the faults would map ahead. */
	CHECK(vm_fault(va + PAGE, PROT_WRITE) == 0 && vm_fault(va, PROT_READ) == 0 &&
	      vm_fault(va + 8 * PAGE, PROT_EXEC) == 0, "faults");
	CHECK(vm_protect(va, va + PAGE, PROT_READ) == 0, "mprotect ro");
	CHECK(pte_bits_bad(root_pa, 2, &leaves) == 0 && leaves == 3, "A and D on %d leaves, none above", leaves);
}

/* Every allocation a fault path makes, failed in turn (one page a fault:
 * test_fault_ahead fails the window's). */
static void test_injected_failures(void)
{
	vm_set_fault_ahead(0);
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
	vm_set_fault_ahead(VM_FAULT_AHEAD_DEFAULT);
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

/* A file for file mappings: its pages from the arena, made on first touch,
 * and the holds VMAs have on it. */
struct fake_file {
	int holds;
	uint64_t size;
	uint64_t pages[16];
};

static void ff_get(void *file)
{
	((struct fake_file *)file)->holds++;
}

static void ff_put(void *file)
{
	((struct fake_file *)file)->holds--;
}

static int ff_page(void *file, uint64_t pgoff, uint64_t *pa)
{
	struct fake_file *f = file;

	if (pgoff >= (f->size + PAGE - 1) / PAGE)
		return -EIO;
	if (!f->pages[pgoff] && !(f->pages[pgoff] = pmem_alloc_zeroed(&pmem)))
		return -ENOMEM;
	*pa = f->pages[pgoff];
	return 0;
}

static const struct vm_file_ops ff_ops = { ff_get, ff_put, ff_page };

static uint8_t *file_byte(struct fake_file *f, uint64_t pgoff, uint64_t off)
{
	return (uint8_t *)PA2VA(f->pages[pgoff]) + off;
}

/* A file mapping as mmap makes one: the VMA, then its file. */
static int map_file(uint64_t va, uint64_t pages, uint32_t prot, struct fake_file *f, uint64_t pgoff)
{
	int r = vm_add(va, va + pages * PAGE, prot);

	return r ? r : vm_set_file(va, va + pages * PAGE, &ff_ops, f, f, pgoff);
}

static void file_drop_pages(struct fake_file *f)
{
	for (int i = 0; i < 16; i++)
		if (f->pages[i])
			pmem_free(&pmem, f->pages[i]);
	memset(f->pages, 0, sizeof(f->pages));
}

static void test_file_shared(void)
{
	setup();
	struct fake_file f = { .size = 2 * PAGE + 100 };
	uint64_t va = 0x500000000ull, va2 = 0x600000000ull, free0 = pmem.free_pages, committed0 = vm_committed_pages();
	uint32_t rw = PROT_READ | PROT_WRITE | VM_SHARED | VM_MAYWRITE;
	char c = 'x';

	CHECK(map_file(va, 4, rw, &f, 0) == 0 && f.holds == 1, "map: holds %d", f.holds);
	CHECK(map_file(va2, 2, rw, &f, 1) == 0 && f.holds == 2, "second mapping at page 1: holds %d", f.holds);
	CHECK(vm_fault(va + PAGE + 8, PROT_WRITE) == 0 && vm_phys(va + PAGE) == f.pages[1], "the file's own page");
	CHECK(copy_to_user(va + PAGE + 8, &c, 1) == 0 && *file_byte(&f, 1, 8) == 'x', "a store reaches the file");
	CHECK(copy_from_user(&c, va2 + 8, 1) == 0 && c == 'x', "and the other mapping");
	*file_byte(&f, 1, 9) = 'y';
	CHECK(copy_from_user(&c, va2 + 9, 1) == 0 && c == 'y', "a write to the file reaches the mapping");
	CHECK(vm_fault(va + 2 * PAGE + 200, PROT_READ) == 0, "the last page, partly past the end");
	CHECK(vm_fault(va + 3 * PAGE, PROT_READ) == -EIO, "a page wholly past the end: SIGBUS");
	CHECK(copy_from_user(&c, va + 3 * PAGE, 1) == -EFAULT, "and EFAULT for a system call");
	CHECK(vm_committed_pages() == committed0, "a shared mapping commits nothing");

	/* MADV_DONTNEED: the mapping forgets the page, the file keeps it. */
	vm_discard(va, va + 4 * PAGE);
	CHECK(!vm_resident(va + PAGE) && f.pages[1] && *file_byte(&f, 1, 8) == 'x', "discard keeps the file's data");
	CHECK(copy_from_user(&c, va + PAGE + 8, 1) == 0 && c == 'x', "the next touch sees the file again");

	/* The file shrinks to one page: pages 1.. leave both mappings. */
	CHECK(vm_fault(va, PROT_READ) == 0 && vm_fault(va2, PROT_READ) == 0, "faults");
	f.size = 100;
	vm_unmap_file(&f, 1, UINT64_MAX, true);
	CHECK(vm_resident(va) && !vm_resident(va + PAGE) && !vm_resident(va2), "pages past the end unmapped");
	CHECK(vm_fault(va2, PROT_READ) == -EIO && vm_fault(va + PAGE, PROT_WRITE) == -EIO, "SIGBUS there now");
	pmem_free(&pmem, f.pages[1]);
	pmem_free(&pmem, f.pages[2]);
	f.pages[1] = f.pages[2] = 0;
	f.size = 3 * PAGE;
	CHECK(copy_from_user(&c, va2 + 9, 1) == 0 && c == 0, "grown again: zeros");

	/* A VMA holds its file once per piece; unmapping lets go. */
	vm_remove(va + PAGE, va + 2 * PAGE);
	CHECK(f.holds == 3, "munmap of a middle page: two pieces hold it, %d holds", f.holds);
	CHECK(vm_find(va + 2 * PAGE) && vm_find(va + 2 * PAGE)->pgoff == 2, "the second piece maps page 2");
	CHECK(vm_protect(va, va + PAGE, PROT_READ) == 0 && f.holds == 3, "mprotect of a whole piece");
	CHECK(vm_protect(va, va + PAGE, PROT_READ | PROT_WRITE) == 0, "and back");
	CHECK(map_file(va + PAGE, 1, rw, &f, 1) == 0 && f.holds == 2 && vm_find(va)->end == va + 4 * PAGE,
	      "mapping page 1 again where it was joins the pieces: %d holds", f.holds);
	CHECK(vm_protect(va + PAGE, va + 2 * PAGE, PROT_READ) == 0 && f.holds == 4, "mprotect splits: %d", f.holds);
	CHECK(vm_protect(va + PAGE, va + 2 * PAGE, PROT_READ | PROT_WRITE) == 0 && f.holds == 2,
	      "and joins again: %d", f.holds);
	vm_remove(va, va + 4 * PAGE);
	vm_remove(va2, va2 + 2 * PAGE);
	CHECK(f.holds == 0, "every hold given back: %d", f.holds);
	file_drop_pages(&f);
	CHECK(free0 - pmem.free_pages <= 4, "only page tables stay: %lu pages", free0 - pmem.free_pages);

	/* A shared mapping of a file not open for writing never becomes writable. */
	CHECK(map_file(va, 1, PROT_READ | VM_SHARED, &f, 0) == 0, "map read-only");
	CHECK(vm_protect(va, va + PAGE, PROT_READ | PROT_WRITE) == -EACCES, "mprotect: EACCES");
	CHECK(vm_protect(va, va + PAGE, PROT_NONE) == 0, "taking rights away is fine");
	vm_remove(va, va + PAGE);
	file_drop_pages(&f);
}

static void test_file_private(void)
{
	setup();
	struct fake_file f = { .size = 4 * PAGE };
	uint64_t va = 0x500000000ull, free0 = pmem.free_pages, resident0 = vm_resident_pages();
	uint64_t committed0 = vm_committed_pages();
	char c;

	CHECK(map_file(va, 4, PROT_READ | PROT_WRITE, &f, 0) == 0, "map private");
	CHECK(vm_committed_pages() == committed0 + 4, "a private writable mapping commits its pages");
	CHECK(vm_fault(va, PROT_READ) == 0 && vm_phys(va) == f.pages[0], "a read maps the file's page");
	*file_byte(&f, 0, 1) = 'f';
	CHECK(copy_from_user(&c, va + 1, 1) == 0 && c == 'f', "which shows the file's later writes");
	c = 'p';
	CHECK(copy_to_user(va + 2, &c, 1) == 0, "a store");
	CHECK(vm_phys(va) != f.pages[0] && *file_byte(&f, 0, 2) == 0, "went to a copy, not the file");
	CHECK(copy_from_user(&c, va + 1, 1) == 0 && c == 'f', "the copy has the file's bytes");
	*file_byte(&f, 0, 1) = 'g';
	CHECK(copy_from_user(&c, va + 1, 1) == 0 && c == 'f', "and no longer follows the file");
	CHECK(vm_resident_pages() == resident0 + 1, "the copy is the program's page");
	/* A first touch that is a store copies at once. */
	CHECK(vm_fault(va + PAGE, PROT_WRITE) == 0 && vm_phys(va + PAGE) != f.pages[1] && f.pages[1],
	      "a store as first touch");
	/* mprotect keeps the file's pages read-only in a private mapping. */
	CHECK(vm_fault(va + 2 * PAGE, PROT_READ) == 0, "read page 2");
	CHECK(vm_protect(va, va + 4 * PAGE, PROT_READ) == 0 && vm_protect(va, va + 4 * PAGE, PROT_NONE) == 0 &&
	      vm_protect(va, va + 4 * PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect around");
	CHECK(vm_phys(va + 2 * PAGE) == f.pages[2], "page 2 is still the file's");
	c = 'q';
	CHECK(copy_to_user(va + 2 * PAGE, &c, 1) == 0 && vm_phys(va + 2 * PAGE) != f.pages[2] &&
	      *file_byte(&f, 2, 0) == 0, "and is copied when written");
	CHECK(copy_from_user(&c, va + 2, 1) == 0 && c == 'p', "the first copy survived PROT_NONE");
	/* A punched hole takes the file's pages, not the copies. */
	CHECK(vm_fault(va + 3 * PAGE, PROT_READ) == 0, "read page 3");
	vm_unmap_file(&f, 0, 4, false);
	CHECK(vm_resident(va) && vm_resident(va + 2 * PAGE) && !vm_resident(va + 3 * PAGE), "copies stay");
	/* Truncation takes both. */
	f.size = 0;
	vm_unmap_file(&f, 0, UINT64_MAX, true);
	CHECK(!vm_resident(va) && !vm_resident(va + PAGE) && vm_resident_pages() == resident0, "all gone");
	CHECK(vm_fault(va, PROT_READ) == -EIO, "SIGBUS past the end, private or not");
	f.size = 4 * PAGE;
	/* MADV_DONTNEED drops the copy: the file shows again. */
	c = 'r';
	CHECK(copy_to_user(va, &c, 1) == 0 && vm_phys(va) != f.pages[0], "copied");
	vm_discard(va, va + PAGE);
	CHECK(copy_from_user(&c, va + 1, 1) == 0 && c == 'g' && vm_phys(va) == f.pages[0], "the file again");
	/* No page for the copy: ENOMEM, and the mapping is still sound. */
	pmem.fail_after = 1;
	CHECK(vm_fault(va, PROT_WRITE) == -ENOMEM, "copy without memory");
	pmem.fail_after = 0;
	CHECK(vm_phys(va) == f.pages[0] && vm_fault(va, PROT_WRITE) == 0 && vm_phys(va) != f.pages[0],
	      "copies once there is memory");
	vm_remove(va, va + 4 * PAGE);
	CHECK(f.holds == 0 && vm_resident_pages() == resident0 && vm_committed_pages() == committed0,
	      "books balanced");
	file_drop_pages(&f);
	CHECK(free0 - pmem.free_pages <= 4, "only page tables stay: %lu pages", free0 - pmem.free_pages);
}

/* The loader's way with a program's text: a private, read-only and
 * executable file mapping given its pages at once, then a page made the
 * program's own to rewrite an instruction in, whatever the mapping allows. */
static void test_file_populate(void)
{
	setup();
	struct fake_file f = { .size = 3 * PAGE };
	uint64_t va = 0x10000, resident0 = vm_resident_pages(), free0 = pmem.free_pages;
	uint32_t rx = PROT_READ | PROT_EXEC;
	uint16_t *p;
	char c;

	CHECK(map_file(va, 3, rx, &f, 0) == 0 && vm_populate(va, va + 3 * PAGE) == 0, "map and populate");
	CHECK(vm_phys(va) == f.pages[0] && vm_phys(va + 2 * PAGE) == f.pages[2] && vm_resident_pages() == resident0,
	      "every page the file's own, none the program's");
	CHECK(vm_fault(va + PAGE, PROT_WRITE) == -EACCES, "not writable");
	CHECK(vm_populate(va, va + 4 * PAGE) == -EINVAL && vm_populate(va + 4 * PAGE, va + 5 * PAGE) == -EINVAL,
	      "only inside one file mapping");
	*file_byte(&f, 1, 4) = 0x73;
	p = vm_private_kaddr(va + PAGE + 4);
	CHECK(p && *p == 0x73 && vm_phys(va + PAGE) != f.pages[1] && vm_resident_pages() == resident0 + 1,
	      "a private copy with the file's bytes");
	*p = 0x9002;
	CHECK(*file_byte(&f, 1, 4) == 0x73 && copy_from_user(&c, va + PAGE + 4, 1) == 0 && (uint8_t)c == 0x02,
	      "the rewrite is the program's, the file unchanged");
	CHECK(vm_private_kaddr(va + PAGE + 6) == (uint8_t *)p + 2, "copied once");
	CHECK(vm_fault(va + PAGE, PROT_WRITE) == -EACCES && vm_fault(va + PAGE, PROT_EXEC) == 0,
	      "still read-only and executable");
	pmem.fail_after = 1;
	CHECK(vm_private_kaddr(va + 2 * PAGE) == NULL && vm_phys(va + 2 * PAGE) == f.pages[2], "no page: NULL");
	pmem.fail_after = 0;
	CHECK(vm_private_kaddr(0x9000) == NULL, "nothing mapped: NULL");
	vm_remove(va, va + 3 * PAGE);
	CHECK(f.holds == 0 && vm_resident_pages() == resident0 && f.pages[0] && f.pages[1],
	      "munmap frees the copy, not the file's pages");
	file_drop_pages(&f);
	CHECK(free0 - pmem.free_pages <= 4, "only page tables stay: %lu pages", free0 - pmem.free_pages);
}

/* Every mapping gone (the VMA list outlives setup()). */
static void unmap_all(void)
{
	for (int i = 0; vm_vma_at(0) && i < 1000; i++)
		vm_remove(vm_vma_at(0)->start, vm_vma_at(0)->end);
}

/* mremap: every check, in Linux's order, over one anonymous mapping. */
static void test_mremap_errors(void)
{
	setup();
	uint64_t va = 0x100000000ull, other = 0x200000000ull;
	struct fake_file f = { .size = 4 * PAGE };
	const uint64_t MM = MREMAP_MAYMOVE, FX = MREMAP_FIXED, DU = MREMAP_DONTUNMAP;
	static const struct {
		const char *what;
		uint64_t addr, old_len, new_len, flags, new_addr;
		long want;
	} cases[] = {
		{ "unknown flag", 0x100000000ull, PAGE, PAGE, 8, 0, -EINVAL },
		{ "FIXED without MAYMOVE", 0x100000000ull, PAGE, PAGE, MREMAP_FIXED, 0x200000000ull, -EINVAL },
		{ "DONTUNMAP without MAYMOVE", 0x100000000ull, PAGE, PAGE, MREMAP_DONTUNMAP, 0, -EINVAL },
		{ "DONTUNMAP resizing", 0x100000000ull, PAGE, 2 * PAGE, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0, -EINVAL },
		{ "DONTUNMAP lengths differ before rounding", 0x100000000ull, PAGE, PAGE - 1,
		  MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0, -EINVAL },
		{ "unaligned address", 0x100000001ull, PAGE, PAGE, 0, 0, -EINVAL },
		{ "zero new length", 0x100000000ull, PAGE, 0, 0, 0, -EINVAL },
		{ "new length wraps when rounded", 0x100000000ull, PAGE, UINT64_MAX, 0, 0, -EINVAL },
		{ "unmapped address", 0x180000000ull, PAGE, PAGE, 0, 0, -EFAULT },
		{ "range past its mapping", 0x100000000ull, 5 * PAGE, 6 * PAGE, MREMAP_MAYMOVE, 0, -EFAULT },
		{ "zero old length of a private mapping", 0x100000000ull, 0, PAGE, MREMAP_MAYMOVE, 0, -EINVAL },
		{ "grow without MAYMOVE, no room", 0x100000000ull, PAGE, 2 * PAGE, 0, 0, -ENOMEM },
		{ "FIXED: unaligned new address", 0x100000000ull, PAGE, PAGE, MREMAP_FIXED | MREMAP_MAYMOVE,
		  0x200000001ull, -EINVAL },
		{ "FIXED: past the top", 0x100000000ull, PAGE, PAGE, MREMAP_FIXED | MREMAP_MAYMOVE, USER_TOP, -EINVAL },
		{ "FIXED: overlapping", 0x100000000ull, 2 * PAGE, 2 * PAGE, MREMAP_FIXED | MREMAP_MAYMOVE,
		  0x100000000ull + PAGE, -EINVAL },
		{ "FIXED: over the vDSO", 0x100000000ull, PAGE, PAGE, MREMAP_FIXED | MREMAP_MAYMOVE, USER_VDSO,
		  -ENOMEM },
		{ "FIXED: page 0", 0x100000000ull, PAGE, PAGE, MREMAP_FIXED | MREMAP_MAYMOVE, 0, -ENOMEM },
		{ "shrink: tail past the top", 0x100000000ull, UINT64_MAX - 2 * PAGE, PAGE, 0, 0, -EINVAL },
		{ "equal: nothing to do", 0x100000000ull, PAGE, PAGE - 5, 0, 0, 0x100000000 },
	};

	(void)MM, (void)FX, (void)DU;
	CHECK(vm_add(va, va + 4 * PAGE, PROT_READ | PROT_WRITE) == 0, "add");
	CHECK(vm_add(va + 4 * PAGE, va + 5 * PAGE, PROT_READ) == 0, "a neighbour");
	CHECK(vm_fault(va, PROT_WRITE) == 0, "touch");
	uint64_t pa = vm_phys(va);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long r = vm_mremap(cases[i].addr, cases[i].old_len, cases[i].new_len, cases[i].flags,
				   cases[i].new_addr);

		CHECK(r == cases[i].want, "%s: %ld, want %ld", cases[i].what, r, cases[i].want);
		CHECK(vm_phys(va) == pa && vm_find(va)->end == va + 4 * PAGE, "%s: the mapping is untouched",
		      cases[i].what);
	}
	/* A device mapping grows nowhere and cannot be left behind. */
	CHECK(vm_add(other, other + PAGE, PROT_READ | PROT_WRITE | VM_DEVICE | VM_SHARED) == 0 &&
	      vm_map_device(other, 0x10000000, PROT_READ | PROT_WRITE) == 0, "device");
	CHECK(vm_mremap(other, PAGE, 2 * PAGE, MM, 0) == -EFAULT, "growing a device mapping: EFAULT");
	CHECK(vm_mremap(other, PAGE, PAGE, MM | DU, 0) == -EINVAL, "DONTUNMAP of a device mapping: EINVAL");
	CHECK(vm_mremap(other, PAGE, PAGE, MM | FX, other + 16 * PAGE) == (long)(other + 16 * PAGE) &&
	      vm_phys(other + 16 * PAGE) == 0x10000000 && !vm_find(other), "but moves whole, registers and all");
	vm_remove(other + 16 * PAGE, other + 17 * PAGE);
	/* The file's page index may not wrap. */
	CHECK(map_file(other, 1, PROT_READ | VM_SHARED, &f, UINT64_MAX - 1) == 0, "map at the last page index");
	CHECK(vm_mremap(other, PAGE, 4 * PAGE, MM, 0) == -EINVAL, "growing past the last page index");
	vm_remove(other, other + PAGE);
	CHECK(f.holds == 0, "holds %d", f.holds);
	unmap_all();
	file_drop_pages(&f);
}

static void test_mremap_anon(void)
{
	setup();
	uint64_t va = 0x100000000ull, free0 = pmem.free_pages, resident0 = vm_resident_pages();
	uint64_t committed0 = vm_committed_pages();
	uint32_t rw = PROT_READ | PROT_WRITE;

	CHECK(vm_add(va, va + 4 * PAGE, rw) == 0, "add");
	for (int i = 0; i < 4; i++) {
		CHECK(vm_fault(va + (uint64_t)i * PAGE, PROT_WRITE) == 0, "touch %d", i);
		at(va + (uint64_t)i * PAGE)[7] = (uint8_t)('a' + i);
	}
	/* Shrink: the tail goes, its pages back to the allocator. */
	CHECK(vm_mremap(va, 4 * PAGE, 3 * PAGE, 0, 0) == (long)va, "shrink");
	CHECK(!vm_find(va + 3 * PAGE) && vm_resident_pages() == resident0 + 3, "the tail page went");
	CHECK(vm_committed_pages() == committed0 + 3, "and its commitment");
	/* Grow in place: free pages after it. */
	CHECK(vm_mremap(va, 3 * PAGE, 6 * PAGE, 0, 0) == (long)va, "grow in place");
	CHECK(vm_find(va)->end == va + 6 * PAGE && at(va + 2 * PAGE)[7] == 'c', "one mapping, data there");
	CHECK(vm_fault(va + 5 * PAGE, PROT_READ) == 0 && at(va + 5 * PAGE)[7] == 0, "the new part is zeros");
	CHECK(vm_committed_pages() == committed0 + 6, "committed %lu", vm_committed_pages() - committed0);
	/* Blocked: without MAYMOVE ENOMEM, with it a move; the pages go along. */
	CHECK(vm_add(va + 6 * PAGE, va + 7 * PAGE, PROT_READ) == 0, "a neighbour");
	uint64_t pa2 = vm_phys(va + 2 * PAGE), resident = vm_resident_pages(), used = pmem.free_pages;

	CHECK(vm_mremap(va, 6 * PAGE, 8 * PAGE, 0, 0) == -ENOMEM, "no room, no MAYMOVE");
	long r = vm_mremap(va, 6 * PAGE, 8 * PAGE, MREMAP_MAYMOVE, 0);
	uint64_t to = (uint64_t)r;

	CHECK(r > 0 && to != va && vm_find(to) && vm_find(to)->end == to + 8 * PAGE &&
	      vm_find(to)->prot == rw, "moved to 0x%lx", to);
	CHECK(vm_phys(to + 2 * PAGE) == pa2 && at(to + 2 * PAGE)[7] == 'c' && at(to)[7] == 'a',
	      "the very pages moved");
	CHECK(vm_resident_pages() == resident && pmem.free_pages + 2 >= used, "nothing copied (%lu, %lu)",
	      vm_resident_pages(), used - pmem.free_pages);
	CHECK(!vm_find(va) && !vm_resident(va) && vm_find(va + 6 * PAGE), "the old range is gone, not its neighbour");
	CHECK(vm_committed_pages() == committed0 + 8, "committed %lu", vm_committed_pages() - committed0);
	/* FIXED over an existing mapping: it is unmapped first (its pages freed). */
	uint64_t fx = 0x300000000ull;

	CHECK(vm_add(fx, fx + 2 * PAGE, rw) == 0 && vm_fault(fx, PROT_WRITE) == 0, "a mapping at the target");
	r = vm_mremap(to, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, fx);
	CHECK(r == (long)fx && at(fx)[7] == 'a' && at(fx + PAGE)[7] == 'b', "FIXED: moved over it");
	CHECK(vm_resident_pages() == resident, "the target's page freed: %lu", vm_resident_pages());
	CHECK(vm_find(to + 2 * PAGE) && !vm_find(to) && vm_find(to + 2 * PAGE)->start == to + 2 * PAGE,
	      "the rest stays where it was");
	/* FIXED and shrinking at once. */
	r = vm_mremap(to + 2 * PAGE, 6 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, fx + 16 * PAGE);
	CHECK(r == (long)(fx + 16 * PAGE) && at(fx + 16 * PAGE)[7] == 'c' && !vm_find(to + 3 * PAGE),
	      "FIXED shrinking: the tail unmapped");
	/* DONTUNMAP: the old range stays mapped and empty. */
	r = vm_mremap(fx, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	to = (uint64_t)r;
	CHECK(r > 0 && to != fx && at(to)[7] == 'a' && at(to + PAGE)[7] == 'b', "DONTUNMAP moved the pages");
	CHECK(vm_find(fx) && vm_find(fx)->end == fx + 2 * PAGE && !vm_resident(fx), "the old range is mapped, empty");
	CHECK(vm_fault(fx, PROT_READ) == 0 && at(fx)[7] == 0, "and reads zeros");
	/* A PROT_NONE page keeps its data through a move. */
	CHECK(vm_protect(to, to + PAGE, PROT_NONE) == 0, "PROT_NONE");
	r = vm_mremap(to, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, fx + 32 * PAGE);
	CHECK(r == (long)(fx + 32 * PAGE) && vm_protect(fx + 32 * PAGE, fx + 33 * PAGE, PROT_READ) == 0 &&
	      vm_fault(fx + 32 * PAGE, PROT_READ) == 0 && at(fx + 32 * PAGE)[7] == 'a', "kept data moved");
	/* No page for a page table: ENOMEM, nothing moved. */
	uint64_t far = 0x3000000000ull;

	pmem.fail_after = 1;
	r = vm_mremap(fx + 16 * PAGE, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, far);
	pmem.fail_after = 0;
	CHECK(r == -ENOMEM && !vm_find(far) && at(fx + 16 * PAGE)[7] == 'c', "ENOMEM, the pages stayed: %ld", r);
	/* Everything unmapped: every page back. */
	unmap_all();
	CHECK(vm_resident_pages() == resident0 && vm_committed_pages() == committed0, "books balanced");
	CHECK(free0 - pmem.free_pages <= 12, "only page tables stay: %lu pages", free0 - pmem.free_pages);
}

/* badger's pattern: a shared file mapping grown after the file was. */
static void test_mremap_file(void)
{
	setup();
	struct fake_file f = { .size = 2 * PAGE };
	uint64_t va = 0x500000000ull;
	uint32_t rw = PROT_READ | PROT_WRITE | VM_SHARED | VM_MAYWRITE;
	char c = 'x';

	CHECK(map_file(va, 2, rw, &f, 0) == 0 && vm_add(va + 2 * PAGE, va + 3 * PAGE, PROT_READ) == 0, "map");
	CHECK(copy_to_user(va + PAGE + 3, &c, 1) == 0, "write through the old view");
	f.size = 4 * PAGE;
	long r = vm_mremap(va, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0);
	uint64_t to = (uint64_t)r;

	CHECK(r > 0 && to != va && f.holds == 1, "moved: holds %d", f.holds);
	CHECK(vm_find(to)->fops == &ff_ops && vm_find(to)->pgoff == 0 && vm_find(to)->prot == rw, "same file, same kind");
	CHECK(copy_from_user(&c, to + PAGE + 3, 1) == 0 && c == 'x' && vm_phys(to + PAGE) == f.pages[1],
	      "the old view's write is there, the file's page");
	c = 'y';
	CHECK(copy_to_user(to + 3 * PAGE, &c, 1) == 0 && *file_byte(&f, 3, 0) == 'y', "a store past the old end reaches the file");
	/* Grow in place: the file continues. */
	vm_remove(va, va + 3 * PAGE);
	f.size = 6 * PAGE;
	CHECK(vm_mremap(to, 4 * PAGE, 6 * PAGE, 0, 0) == (long)to && vm_find(to)->end == to + 6 * PAGE &&
	      f.holds == 1, "grown in place, one mapping: holds %d", f.holds);
	CHECK(vm_fault(to + 5 * PAGE, PROT_READ) == 0 && vm_phys(to + 5 * PAGE) == f.pages[5], "page 5 of the file");
	/* A piece moved from the middle maps the file from its own page. */
	r = vm_mremap(to + 3 * PAGE, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, va);
	CHECK(r == (long)va && vm_find(va)->pgoff == 3 && f.holds == 3, "the middle piece: pgoff %lu, holds %d",
	      vm_find(va)->pgoff, f.holds);
	CHECK(copy_from_user(&c, va, 1) == 0 && c == 'y', "its bytes");
	/* Zero old length: a second mapping of the same pages. */
	r = vm_mremap(to, 0, 2 * PAGE, MREMAP_MAYMOVE, 0);
	CHECK(r > 0 && (uint64_t)r != to && vm_find(to) && f.holds == 4, "duplicated: holds %d", f.holds);
	CHECK(copy_from_user(&c, (uint64_t)r + PAGE + 3, 1) == 0 && c == 'x', "the same file's bytes");
	vm_remove((uint64_t)r, (uint64_t)r + 2 * PAGE);
	/* DONTUNMAP: both views map the file. */
	r = vm_mremap(to, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	CHECK(r > 0 && vm_find(to) && !vm_resident(to) && vm_find((uint64_t)r)->pgoff == 0, "DONTUNMAP of a file mapping");
	vm_remove((uint64_t)r, (uint64_t)r + PAGE);
	vm_remove(to, to + 6 * PAGE);
	vm_remove(va, va + PAGE);
	CHECK(f.holds == 0, "every hold given back: %d", f.holds);
	file_drop_pages(&f);

	/* A private file mapping: copies and the file's pages move alike. */
	f.size = 2 * PAGE;
	CHECK(map_file(va, 2, PROT_READ | PROT_WRITE, &f, 0) == 0, "map private");
	c = 'p';
	CHECK(copy_to_user(va, &c, 1) == 0 && vm_fault(va + PAGE, PROT_READ) == 0, "a copy and a file page");
	r = vm_mremap(va, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, va + 64 * PAGE);
	CHECK(r == (long)(va + 64 * PAGE) && vm_phys(va + 65 * PAGE) == f.pages[1] && at(va + 64 * PAGE)[0] == 'p',
	      "both moved");
	c = 'q';
	CHECK(copy_to_user(va + 65 * PAGE, &c, 1) == 0 && *file_byte(&f, 1, 0) == 0, "still copy on write");
	vm_remove(va + 64 * PAGE, va + 66 * PAGE);
	CHECK(f.holds == 0, "holds %d", f.holds);
	file_drop_pages(&f);
}

/* Faults in address order map a window ahead; scattered ones their page alone. */
static void test_fault_ahead(void)
{
	setup();
	const uint64_t n = VM_FAULT_AHEAD_DEFAULT;
	uint64_t va = 0x10000000, free0 = pmem.free_pages, res0 = vm_resident_pages();

	CHECK(vm_add(va, va + 64 * PAGE, PROT_READ | PROT_WRITE) == 0, "add");
	CHECK(vm_fault(va, PROT_WRITE) == 0 && vm_resident(va) && !vm_resident(va + PAGE),
	      "a mapping's first page: nothing below it, so nothing ahead");
	CHECK(vm_fault(va + PAGE + 8, PROT_READ) == 0, "second page");
	bool all = true;

	for (uint64_t p = va + PAGE; p < va + (1 + n) * PAGE; p += PAGE)
		all = all && vm_resident(p) && at(p)[0] == 0 && at(p)[PAGE - 1] == 0;
	CHECK(all, "the page after a resident one brings %lu zeroed pages", n);
	CHECK(!vm_resident(va + (1 + n) * PAGE), "and no more");
	CHECK(vm_resident_pages() - res0 == 1 + n && free0 - pmem.free_pages == 1 + n + 2 /* two tables */,
	      "counted as resident (%lu), taken from the allocator (%lu)", vm_resident_pages() - res0,
	      free0 - pmem.free_pages);
	CHECK(vm_fault(va + 40 * PAGE, PROT_WRITE) == 0 && vm_resident(va + 40 * PAGE) && !vm_resident(va + 41 * PAGE),
	      "a scattered touch maps its page alone");

	/* A page already there ahead ends the window, its data kept. */
	CHECK(vm_fault(va + 30 * PAGE, PROT_WRITE) == 0, "a page ahead");
	at(va + 30 * PAGE)[5] = 9;
	CHECK(vm_fault(va + (1 + n) * PAGE, PROT_WRITE) == 0 && vm_resident(va + 29 * PAGE) &&
	      at(va + 30 * PAGE)[5] == 9 && !vm_resident(va + 31 * PAGE),
	      "the window stops at a resident page and leaves it as it was");

	/* The window ends with the mapping: its neighbour gets nothing. */
	CHECK(vm_add(va + 64 * PAGE, va + 68 * PAGE, PROT_READ) == 0, "a neighbour");
	CHECK(vm_fault(va + 62 * PAGE, PROT_WRITE) == 0 && vm_fault(va + 63 * PAGE, PROT_WRITE) == 0 &&
	      !vm_resident(va + 64 * PAGE), "nothing past the mapping's end");
	vm_remove(va, va + 68 * PAGE);
	CHECK(vm_resident_pages() == res0, "munmap gives every page back");

	/* Across a page table: the page below is found through the walk, and
	 * the window never crosses into the next table. */
	uint64_t edge = 0x10200000;

	CHECK(vm_add(edge - 4 * PAGE, edge + 32 * PAGE, PROT_READ | PROT_WRITE) == 0, "add across 2 MiB");
	CHECK(vm_fault(edge - 2 * PAGE, PROT_WRITE) == 0 && vm_fault(edge - PAGE, PROT_WRITE) == 0 &&
	      !vm_resident(edge), "the window ends with its table");
	CHECK(vm_fault(edge, PROT_WRITE) == 0 && vm_resident(edge + (n - 1) * PAGE) && !vm_resident(edge + n * PAGE),
	      "and the first page of the next table, below it resident, brings its window");
	vm_remove(edge - 4 * PAGE, edge + 32 * PAGE);

	/* No page for the window: it ends there, and the fault is still served. */
	CHECK(vm_add(va, va + 8 * PAGE, PROT_READ | PROT_WRITE) == 0 && vm_fault(va, PROT_WRITE) == 0, "add");
	pmem.fail_after = 3;	/* the faulting page, the first one ahead, then none */
	CHECK(vm_fault(va + PAGE, PROT_WRITE) == 0 && vm_resident(va + 2 * PAGE) && !vm_resident(va + 3 * PAGE),
	      "a failed page ends the window without failing the fault");
	pmem.fail_after = 0;
	CHECK(vm_fault(va + 3 * PAGE, PROT_WRITE) == 0 && vm_resident(va + 7 * PAGE), "and the next touch goes on");
	vm_remove(va, va + 8 * PAGE);

	/* goose.faultahead=0: one page a fault. */
	vm_set_fault_ahead(0);
	CHECK(vm_add(va, va + 8 * PAGE, PROT_READ | PROT_WRITE) == 0 && vm_fault(va, PROT_WRITE) == 0 &&
	      vm_fault(va + PAGE, PROT_WRITE) == 0 && !vm_resident(va + 2 * PAGE), "off: one page a fault");
	vm_remove(va, va + 8 * PAGE);
	vm_set_fault_ahead(VM_FAULT_AHEAD_DEFAULT);

	/* Short of RAM (an eighth or less free), nothing is mapped ahead. */
	uint64_t hold[ARENA_PAGES], held = 0;

	CHECK(vm_add(va, va + 8 * PAGE, PROT_READ | PROT_WRITE) == 0 && vm_fault(va, PROT_WRITE) == 0, "add");
	while (pmem.free_pages > pmem.total_pages / 8 + 1)
		hold[held++] = pmem_alloc(&pmem);
	CHECK(vm_fault(va + PAGE, PROT_WRITE) == 0 && !vm_resident(va + 2 * PAGE), "low on RAM: one page a fault");
	while (held)
		pmem_free(&pmem, hold[--held]);
	vm_remove(va, va + 8 * PAGE);
	CHECK(vm_resident_pages() == res0, "no page leaked");
}

/* vm_fault_fast: what it serves, what it leaves to vm_fault, and what
 * another hart may do while it zeroes with no lock held. */
extern void (*vm_fault_fast_meanwhile)(void);
static uint64_t meanwhile_va;

static void fill_one(void)
{
	CHECK(vm_fault(meanwhile_va + 3 * PAGE, PROT_WRITE) == 0, "meanwhile: a page of the window faulted in");
	at(meanwhile_va + 3 * PAGE)[0] = 0x5a;
}

static void unmap_meanwhile(void)
{
	vm_remove(meanwhile_va, meanwhile_va + 64 * PAGE);
}

static void test_fault_fast(void)
{
	setup();
	uint64_t va = 0x20000000, free0, res0 = vm_resident_pages();

	CHECK(vm_add(va, va + 64 * PAGE, PROT_READ | PROT_WRITE) == 0, "add");
	CHECK(vm_fault_fast(va + 100, PROT_WRITE) == 0 && vm_resident(va) && at(va)[100] == 0 && !vm_resident(va + PAGE),
	      "a first touch: its page, zeroed");
	CHECK(vm_fault_fast(va + PAGE, PROT_READ) == 0 && vm_resident(va + VM_FAULT_AHEAD_DEFAULT * PAGE) &&
	      !vm_resident(va + (VM_FAULT_AHEAD_DEFAULT + 1) * PAGE) && at(va + 9 * PAGE)[4095] == 0,
	      "the next one maps the window ahead, zeroed");
	CHECK(vm_resident_pages() - res0 == 1 + VM_FAULT_AHEAD_DEFAULT, "counted resident");
	CHECK(vm_fault_fast(va + 5 * PAGE, PROT_WRITE) == 0, "a page already there (a stale TLB entry): served");

	/* Left to vm_fault (under the big lock). */
	CHECK(vm_fault_fast(va + 64 * PAGE, PROT_READ) == -EAGAIN, "unmapped: the slow way (SIGSEGV)");
	CHECK(vm_add(va + 80 * PAGE, va + 81 * PAGE, PROT_READ) == 0 &&
	      vm_fault_fast(va + 80 * PAGE, PROT_WRITE) == -EAGAIN && !vm_resident(va + 80 * PAGE),
	      "a store to a read-only mapping: the slow way");
	CHECK(vm_protect(va + 40 * PAGE, va + 41 * PAGE, PROT_NONE) == 0 &&
	      vm_fault_fast(va + 40 * PAGE, PROT_READ) == -EAGAIN, "PROT_NONE: the slow way");
	CHECK(vm_protect(va + 40 * PAGE, va + 41 * PAGE, PROT_READ | PROT_WRITE) == 0, "back");
	free0 = pmem.free_pages;
	pmem.fail_after = 1;
	CHECK(vm_fault_fast(va + 50 * PAGE, PROT_WRITE) == -EAGAIN && !vm_resident(va + 50 * PAGE) &&
	      pmem.free_pages == free0, "no page left: the slow way (goose's out-of-memory report), nothing taken");
	pmem.fail_after = 0;

	/* Another hart fills part of the window meanwhile: its page stays,
	 * the rest goes in, and the spare page goes back. */
	vm_remove(va, va + 64 * PAGE);
	res0 = vm_resident_pages();
	CHECK(vm_add(va, va + 64 * PAGE, PROT_READ | PROT_WRITE) == 0 && vm_fault_fast(va, PROT_WRITE) == 0, "again");
	free0 = pmem.free_pages;
	meanwhile_va = va;
	vm_fault_fast_meanwhile = fill_one;
	CHECK(vm_fault_fast(va + PAGE, PROT_WRITE) == 0, "fault with a page filled meanwhile");
	vm_fault_fast_meanwhile = NULL;
	CHECK(at(va + 3 * PAGE)[0] == 0x5a && vm_resident(va + VM_FAULT_AHEAD_DEFAULT * PAGE),
	      "the page filled meanwhile kept, the window around it mapped");
	CHECK(vm_resident_pages() - res0 == 1 + VM_FAULT_AHEAD_DEFAULT &&
	      free0 - pmem.free_pages == VM_FAULT_AHEAD_DEFAULT, "no page lost: %lu resident, %lu taken",
	      vm_resident_pages() - res0, free0 - pmem.free_pages);

	/* The mapping goes meanwhile: nothing is put in, every page goes back. */
	vm_remove(va, va + 64 * PAGE);
	CHECK(vm_add(va, va + 64 * PAGE, PROT_READ | PROT_WRITE) == 0 && vm_fault_fast(va, PROT_WRITE) == 0, "again");
	free0 = pmem.free_pages;
	vm_fault_fast_meanwhile = unmap_meanwhile;
	CHECK(vm_fault_fast(va + PAGE, PROT_WRITE) == -EAGAIN, "unmapped meanwhile: the slow way");
	vm_fault_fast_meanwhile = NULL;
	CHECK(!vm_find(va) && !vm_resident(va + PAGE) && pmem.free_pages == free0 + 1,
	      "nothing put into what went, every page back (%ld)", (long)(pmem.free_pages - free0));
	CHECK(vm_resident_pages() == res0, "resident back to where it was");
	vm_remove(va + 80 * PAGE, va + 81 * PAGE);
}

/* Unmapped pages go back only after every hart has forgotten them: one
 * shootdown for up to 4 MiB (1024 pages gathered), another each time that
 * fills. */
static void test_free_after_flush(void)
{
	const uint64_t n = 1024 + 108;	/* 8 discarded, then a full gather and 100 */

	setup_ram(n + 64);
	uint64_t va = 0x30000000, free0;

	CHECK(vm_add(va, va + n * PAGE, PROT_READ | PROT_WRITE) == 0, "add");
	bool touched = true;

	for (uint64_t p = va; p < va + n * PAGE; p += PAGE)
		touched = touched && vm_fault(p, PROT_WRITE) == 0;
	CHECK(touched, "%lu pages touched", n);
	free0 = pmem.free_pages;
	shootdowns = 0;
	vm_discard(va, va + 8 * PAGE);
	CHECK(shootdowns == 1 && free_at_shootdown == free0 && pmem.free_pages == free0 + 8,
	      "MADV_DONTNEED: the shootdown first (%lu free then), the 8 pages after", free_at_shootdown - free0);
	shootdowns = 0;
	vm_remove(va, va + n * PAGE);
	CHECK(shootdowns == 2 && pmem.free_pages == free0 + n,
	      "munmap of %lu pages: a shootdown when 1024 were gathered and one at the end (%d), all back", n - 8,
	      shootdowns);
	CHECK(free_at_shootdown == free0 + 8 + 1024, "the last 100 went back after the last shootdown");
}

/* Touch n pages from va on. */
static bool touch(uint64_t va, uint64_t n)
{
	bool ok = true;

	for (uint64_t i = 0; i < n; i++)
		ok = ok && vm_fault(va + i * PAGE, PROT_WRITE) == 0;
	return ok;
}

/*
 * munmap of private anonymous memory (vm_unmap) waits for no hart: no
 * shootdown, and its pages and addresses stay out of use until every hart
 * has passed its generation; a mapping over the range, or a fault with no
 * page left, shoots down at once. Files, shared and device mappings, and
 * goose.tlbdefer=0 take the usual way.
 */
/* pte_for_range walks a leaf table once for its share of a range: a range
 * over three tables, the middle one never made, loses exactly its own
 * pages, and mprotect reaches every page it covers. */
static void test_walk_tables(void)
{
	setup();
	vm_set_fault_ahead(1);
	const uint64_t t1 = 0x40000000, span = 512 * PAGE;	/* three 2 MiB tables from t1 */
	const uint64_t pages[] = { t1 + 509 * PAGE, t1 + 510 * PAGE, t1 + 511 * PAGE, t1 + 2 * span,
				   t1 + 2 * span + PAGE, t1 + 2 * span + 7 * PAGE };
	const uint64_t lo = t1 + 510 * PAGE, hi = t1 + 2 * span + 7 * PAGE;	/* pages[1..4] inside */
	uint64_t res0 = vm_resident_pages();
	bool ok = true;

	CHECK(vm_add(t1, t1 + 3 * span, PROT_READ | PROT_WRITE) == 0, "add 6 MiB");
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++) {
		ok = ok && vm_fault(pages[i], PROT_WRITE) == 0;
		if (ok)
			at(pages[i])[1] = (uint8_t)(i + 1);
	}
	CHECK(ok && vm_resident_pages() - res0 == ARRAY_SIZE(pages) && !vm_resident(t1 + span),
	      "6 pages in the first and third tables, none in the middle");
	CHECK(vm_protect(lo, hi, PROT_READ) == 0, "mprotect across the three tables");
	CHECK(vm_allows(pages[0], PROT_WRITE) && !vm_allows(pages[1], PROT_WRITE) &&
	      !vm_allows(pages[2], PROT_WRITE) && !vm_allows(pages[3], PROT_WRITE) &&
	      !vm_allows(pages[4], PROT_WRITE) && vm_allows(pages[5], PROT_WRITE),
	      "read-only inside, writable outside");
	vm_unmap(lo, hi);
	ok = true;
	for (size_t i = 1; i <= 4; i++)
		ok = ok && !vm_resident(pages[i]);
	CHECK(ok && vm_resident_pages() - res0 == 2, "the 4 pages inside unmapped, %lu left",
	      vm_resident_pages() - res0);
	CHECK(at(pages[0])[1] == 1 && at(pages[5])[1] == 6, "the pages outside keep their data");
	vm_remove(t1, t1 + 3 * span);
	CHECK(vm_resident_pages() == res0, "no page left");
	vm_set_fault_ahead(VM_FAULT_AHEAD_DEFAULT);
}

static void test_deferred_unmap(void)
{
	setup();
	/* One page a touch; the room for deferred pages is 1/64 of the
	 * arena's 512: 8. */
	vm_set_fault_ahead(1);
	uint64_t hi = USER_MMAP_TOP - 16 * PAGE, free0, a, b;

	passed = gens;
	CHECK(vm_map(0, 16 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE) == (long)hi, "the first mmap goes top-down");
	CHECK(touch(hi, 4), "4 pages touched");
	free0 = pmem.free_pages;
	shootdowns = 0;
	vm_unmap(hi, hi + 16 * PAGE);
	CHECK(shootdowns == 0 && pmem.free_pages == free0 && !vm_find(hi) && !vm_resident(hi),
	      "unmapped with no shootdown, its pages kept (%d shootdowns, %ld pages back)", shootdowns,
	      (long)(pmem.free_pages - free0));
	CHECK(vm_fault(hi, PROT_READ) == -EFAULT && defer_fenced, "the range faults at once on this hart, fenced");
	a = (uint64_t)vm_map(0, 16 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	CHECK(a + 16 * PAGE <= hi, "a new mapping keeps off the range (0x%lx)", a);
	b = (uint64_t)vm_map(hi + 4 * PAGE, PAGE, PROT_READ, VM_MAP_ANYWHERE);
	CHECK(b != hi + 4 * PAGE && b + PAGE <= a, "a hint inside it is not taken (0x%lx)", b);
	vm_remove(b, b + PAGE);
	/* Another hart comes by a trap: the next change lets the pages go. */
	passed = gens;
	vm_tick();
	CHECK(pmem.free_pages == free0 + 4, "passed: the 4 pages back (%ld)", (long)(pmem.free_pages - free0));
	CHECK(vm_map(0, 16 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE) == (long)hi, "and the range free again");
	CHECK(shootdowns == 0, "still no shootdown");

	/* A brief hart (a munmap without the big lock) leaves its fence for
	 * its way out (smp_tlb_active). */
	CHECK(touch(hi, 1), "touched again");
	host_hart->tlb_lazy = TLB_BRIEF;
	CHECK(vm_unmap_anon(hi, hi + 16 * PAGE) && !defer_fenced && shootdowns == 0,
	      "unmapped by a brief hart: deferred, its own fence left for later");
	host_hart->tlb_lazy = TLB_ACTIVE;
	passed = gens;
	vm_tick();
	CHECK(vm_map(0, 16 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE) == (long)hi, "the range mapped again");

	/* MAP_FIXED over a deferred range shoots it down first. */
	CHECK(touch(hi, 2), "touched again");
	vm_unmap(hi, hi + 16 * PAGE);
	free0 = pmem.free_pages;
	CHECK(vm_map(hi, 16 * PAGE, PROT_READ, VM_MAP_FIXED) == (long)hi && shootdowns == 1 &&
		      pmem.free_pages == free0 + 2,
	      "MAP_FIXED over it: one shootdown, the pages back (%d, %ld)", shootdowns,
	      (long)(pmem.free_pages - free0));
	CHECK(vm_map(hi, PAGE, PROT_READ, VM_MAP_NOREPLACE) == -EEXIST, "NOREPLACE over a mapping: EEXIST");
	vm_remove(hi, hi + 16 * PAGE);

	/* No page left: a fault takes the deferred ones back first. */
	setup();
	passed = gens;
	uint64_t big = (uint64_t)vm_map(0, ARENA_PAGES * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	uint64_t n = 0;

	while (n < 4 && vm_fault(big + n * PAGE, PROT_WRITE) == 0)
		n++;
	vm_unmap(big, big + n * PAGE);
	free0 = pmem.free_pages;
	shootdowns = 0;
	for (n = 4; pmem.free_pages > 0 && vm_fault(big + n * PAGE, PROT_WRITE) == 0; n++)
		;
	CHECK(shootdowns == 0, "no shootdown while pages are left");
	CHECK(vm_fault(big + n * PAGE, PROT_WRITE) == 0 && shootdowns == 1,
	      "the fault that finds none shoots down and gets one of the 4 (%d)", shootdowns);
	vm_remove(big, big + ARENA_PAGES * PAGE);

	/* A private file mapping, and goose.tlbdefer=0: at once. */
	setup();
	passed = gens;
	vm_set_tlb_defer(false);
	a = (uint64_t)vm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	CHECK(touch(a, 4), "touched");
	free0 = pmem.free_pages;
	shootdowns = 0;
	vm_unmap(a, a + 4 * PAGE);
	CHECK(shootdowns == 1 && pmem.free_pages == free0 + 4, "tlbdefer=0: a shootdown, the pages back");
	vm_set_tlb_defer(true);

	/* More than the room: at once too. */
	a = (uint64_t)vm_map(0, 16 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	CHECK(touch(a, 9), "touched 9");
	shootdowns = 0;
	vm_unmap(a, a + 16 * PAGE);
	CHECK(shootdowns == 1, "9 pages with room for 8: a shootdown");

	/* With room for 200 (1/64 of 12,800 pages): 128 pages wait, 129 go at
	 * once, every hart fenced before the unmap returns. */
	setup_ram(12800);
	passed = gens;
	a = (uint64_t)vm_map(0, 129 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	CHECK(touch(a, 129), "touched 129");
	shootdowns = 0;
	vm_unmap(a, a + 129 * PAGE);
	CHECK(shootdowns == 1, "129 pages: a shootdown (%d)", shootdowns);
	a = (uint64_t)vm_map(0, 128 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	CHECK(touch(a, 128), "touched 128");
	shootdowns = 0;
	vm_unmap(a, a + 128 * PAGE);
	CHECK(shootdowns == 0, "128 pages: deferred (%d shootdowns)", shootdowns);
	CHECK(vm_settle(), "settled: the 128 pages back before this arena goes");
	vm_set_fault_ahead(VM_FAULT_AHEAD_DEFAULT);
}

/*
 * An unmap next to the newest deferred range joins it: all of it waits for
 * the later unmap's generation, and mmap steps over it as one. One that
 * does not touch it is an entry of its own.
 */
static void test_deferred_join(void)
{
	setup();
	vm_set_fault_ahead(1);
	passed = gens;
	uint64_t x = (uint64_t)vm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	uint64_t y = (uint64_t)vm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	uint64_t z = (uint64_t)vm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);
	uint64_t v = (uint64_t)vm_map(0, 4 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE);

	CHECK(y == x - 4 * PAGE && z == y - 4 * PAGE && v == z - 4 * PAGE, "four mappings side by side, top down");
	CHECK(touch(x, 1) && touch(y, 1) && touch(v, 1), "a page touched in x, y and v");
	uint64_t free0 = pmem.free_pages;

	shootdowns = 0;
	vm_unmap(x, x + 4 * PAGE);
	uint64_t gx = gens;

	vm_unmap(y, y + 4 * PAGE);	/* right below x: joins it */
	uint64_t gy = gens;

	vm_unmap(v, v + 4 * PAGE);	/* z, still mapped, lies between */
	CHECK(shootdowns == 0 && gx < gy && gy < gens, "three unmaps deferred, three generations");
	CHECK((uint64_t)vm_map(0, 8 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE) + 8 * PAGE <= v,
	      "a new mapping keeps off all of them");
	passed = gx;
	vm_tick();
	CHECK(pmem.free_pages == free0, "x's generation passed: its page waits with y's (%ld back)",
	      (long)(pmem.free_pages - free0));
	passed = gy;
	vm_tick();
	CHECK(pmem.free_pages == free0 + 2, "y's passed: both back, v's still waits (%ld back)",
	      (long)(pmem.free_pages - free0));
	passed = gens;
	vm_tick();
	CHECK(pmem.free_pages == free0 + 3 && shootdowns == 0, "v's passed: its page back too, no shootdown");
	CHECK((uint64_t)vm_map(0, 8 * PAGE, PROT_READ | PROT_WRITE, VM_MAP_ANYWHERE) == y,
	      "and the room of x and y is mmap's again");
	vm_set_fault_ahead(VM_FAULT_AHEAD_DEFAULT);
}

int main(void)
{
	test_demand_zero();
	test_fault_ahead();
	test_fault_fast();
	test_free_after_flush();
	test_deferred_unmap();
	test_deferred_join();
	test_walk_tables();
	test_protect();
	test_uaccess();
	test_pte_ad_bits();
	test_injected_failures();
	test_exhaustion();
	test_file_shared();
	test_file_private();
	test_file_populate();
	test_mremap_errors();
	test_mremap_anon();
	test_mremap_file();
	free(arena);
	return test_done("vm");
}
