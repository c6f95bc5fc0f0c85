/* SPDX-License-Identifier: MIT */
#include "kernel/loader.h"
#include "arch/riscv/ioremap.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "dev/random.h"
#include "include/uapi/auxvec.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "include/uapi/signal.h"
#include "kernel/thread.h"
#include "kernel/trace.h"
#include "kernel/vdso.h"
#include "kernel/vector.h"
#include "lib/bootargs.h"
#include "lib/elf.h"
#include "lib/isa.h"
#include "mm/kmem.h"
#include "mm/vm.h"

BOOT_OPTION(vdso_option, "goose.vdso", "goose.vdso=0",
	    "the vDSO exports no `__vdso_clock_gettime`, so the program reads the clock with the "
	    "`clock_gettime` system call (as Linux's `vdso=0`; make bench's \"before\" of the vDSO). "
	    "`__vdso_rt_sigreturn` stays. Default 1");

/* ebreak: SYSTEM opcode, funct12 = 1 (ISA manual, "EBREAK"); same length as ecall. */
#define INSN_EBREAK 0x00100073u

static struct {
	const void *elf;
	size_t len;
	uint64_t *sites;	/* rewritten ecall addresses, while loading */
	size_t nsites;
	/* The same addresses in an open-addressing table (0: empty), so that
	 * telling a system call's ebreak from the program's costs a probe or
	 * two on every system call, not a binary search. */
	uint64_t *site_set;
	uint64_t site_mask;	/* slots - 1 */
	int site_shift;		/* 64 - log2(slots) */
	uint64_t image_end;
	/* Where the ELF lies (physical), and its length in pages. */
	uint64_t file_pa, file_pages;
} ld;

static int load_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int load_fail(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gmsg("%s", buf);
	return -1;
}

static uint32_t seg_prot(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/*
 * The ELF's own bytes as the pages of a file mapping: where the image or
 * initrd holding it lies page-aligned, its read-only segments are mapped
 * straight from there (private mappings, so a store, should mprotect ever
 * allow one, copies first; so does the ecall rewrite). That memory is never
 * goose's to free (the image and the initrd are kept out of the allocator).
 */
static int elf_file_page(void *file, uint64_t pgoff, uint64_t *pa)
{
	(void)file;
	if (pgoff >= ld.file_pages)
		return -EIO;
	*pa = ld.file_pa + pgoff * PAGE_SIZE;
	return 0;
}

static void elf_file_hold(void *file)
{
	(void)file;
}

static const struct vm_file_ops elf_file_ops = { .get = elf_file_hold, .put = elf_file_hold, .page = elf_file_page };

/* The physical address of goose's own byte p: in its image, or the direct map. */
static uint64_t kernel_pa(const void *p)
{
	return (uint64_t)p >= KERNEL_LINK ? IMAGE_PA(p) : VA2PA(p);
}

/* How a page of the program's image is made. */
enum page_kind { PAGE_NONE, PAGE_FILE, PAGE_COPY, PAGE_ZERO };

/*
 * What page va needs: PAGE_FILE when one read-only segment alone covers
 * it and its file bytes fill it (mapped from the ELF where it lies), else
 * PAGE_COPY when any segment has file bytes in it (a fresh page, the bytes
 * copied: writable data, a page two segments share, a partial last page),
 * else PAGE_ZERO when a segment's memory covers it (.bss: demand-zero).
 * The page's rights are the union of its segments'.
 */
static enum page_kind page_kind(const struct elf_image *img, uint64_t va, uint32_t *prot, int *seg, bool in_place)
{
	enum page_kind kind = PAGE_NONE;
	int covering = 0;

	*prot = 0;
	*seg = -1;
	for (int i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (!s->memsz || s->vaddr >= va + PAGE_SIZE || s->vaddr + s->memsz <= va)
			continue;
		covering++;
		*prot |= seg_prot(s->flags);
		if (s->vaddr < va + PAGE_SIZE && s->vaddr + s->filesz > va) {
			bool whole = ALIGN_DOWN(s->vaddr, PAGE_SIZE) <= va && s->vaddr + s->filesz >= va + PAGE_SIZE;

			kind = in_place && whole && !(s->flags & PF_W) ? PAGE_FILE : PAGE_COPY;
			*seg = i;
		} else if (kind == PAGE_NONE) {
			kind = PAGE_ZERO;
		}
	}
	return covering > 1 && kind == PAGE_FILE ? PAGE_COPY : kind;
}

/*
 * The first page past va where what a page needs may change: a page holding
 * a segment's start, the end of its file bytes or its end, or the page
 * after one. Between two such pages every page is made alike, so the
 * loader classifies one page per stretch, not each of a large .bss's.
 */
static uint64_t next_edge(const struct elf_image *img, uint64_t va)
{
	uint64_t next = img->hi + PAGE_SIZE;

	for (int i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t edges[3] = { s->vaddr, s->vaddr + s->filesz, s->vaddr + s->memsz };

		for (int k = 0; k < 3; k++) {
			uint64_t page = ALIGN_DOWN(edges[k], PAGE_SIZE);

			if (page > va)
				next = MIN(next, page);
			else if (page + PAGE_SIZE > va)
				next = MIN(next, page + PAGE_SIZE);
		}
	}
	return MIN(next, va >= img->hi ? img->hi + PAGE_SIZE : img->hi);
}

/* A run of pages of one kind and rights: its mapping, and for PAGE_COPY its bytes. */
static int map_run(const struct elf_image *img, const uint8_t *file, enum page_kind kind, int seg, uint64_t start,
		   uint64_t end, uint32_t prot)
{
	if (vm_add(start, end, prot))
		return load_fail("loader: out of memory for the mapping list at 0x%lx", start);
	if (kind == PAGE_FILE) {
		/* Offsets and addresses agree modulo the page (elf_parse). */
		const struct elf_segment *s = &img->seg[seg];
		uint64_t pgoff = (s->offset + (start - s->vaddr)) / PAGE_SIZE;

		if (vm_set_file(start, end, &elf_file_ops, NULL, ld.elf, pgoff) || vm_populate(start, end))
			return load_fail("loader: out of memory mapping the program at 0x%lx", start);
		return 0;
	}
	if (kind == PAGE_ZERO)
		return 0;
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t pa = pmem_alloc_zeroed(&pmem);

		if (!pa || vm_map_page(va, pa, prot))
			return load_fail("loader: out of memory copying the program (page 0x%lx; %lu pages free)", va,
					 pmem.free_pages);
		uint8_t *page = PA2VA(pa);

		for (int i = 0; i < img->nseg; i++) {
			const struct elf_segment *s = &img->seg[i];
			uint64_t from = MAX(va, s->vaddr), to = MIN(va + PAGE_SIZE, s->vaddr + s->filesz);

			if (from < to)
				memcpy(page + (from - va), file + s->offset + (from - s->vaddr), to - from);
		}
	}
	return 0;
}

/*
 * Map the segments: read-only ones from the ELF where it lies, when it
 * lies page-aligned (the image's embedded program, an initrd that is the
 * ELF); writable file bytes copied into fresh pages; .bss demand-zero,
 * committed on touch as any anonymous memory (mm/vm.h): a .bss larger than
 * the RAM runs as long as the program does not touch more than there is.
 * Where the ELF is not page-aligned (inside a cpio archive), every page
 * with file bytes is a copy. A page gets the union of the rights of the
 * segments in it, unless that would make it writable and executable.
 */
static int load_segments(const struct elf_image *img, const uint8_t *file, size_t len)
{
	uint64_t run_start = 0;
	uint32_t run_prot = 0;
	int run_seg = -1;
	enum page_kind run_kind = PAGE_NONE;

	ld.file_pa = kernel_pa(file);
	ld.file_pages = ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE;
	/* In place only where goose itself reaches the ELF by its physical
	 * address too (a copy on write reads it there): a tree may leave the
	 * image out of the RAM it describes. */
	bool in_place = !(ld.file_pa & (PAGE_SIZE - 1)) && io_direct_mapped(ld.file_pa, len);

	for (uint64_t va = img->lo; va <= img->hi; va = next_edge(img, va)) {
		uint32_t prot = 0;
		int seg = -1;
		enum page_kind kind = va < img->hi ? page_kind(img, va, &prot, &seg, in_place) : PAGE_NONE;

		if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
			return load_fail("elf: page 0x%lx is both writable and executable (segments share it); "
					 "goose keeps W^X", va);
		/* A file run goes on only where the file's pages do (one segment). */
		if (kind == run_kind && prot == run_prot && (kind != PAGE_FILE || seg == run_seg))
			continue;
		if (run_kind != PAGE_NONE && map_run(img, file, run_kind, run_seg, run_start, va, run_prot))
			return -1;
		run_start = va;
		run_kind = kind;
		run_prot = prot;
		run_seg = seg;
	}
	return 0;
}

/* Fibonacci hashing; ecalls are 2-byte aligned, so bit 0 carries nothing. */
static uint64_t site_slot(uint64_t pc)
{
	return ((pc >> 1) * 0x9e3779b97f4a7c15ull) >> ld.site_shift;
}

/* At most half full: a miss (the program's own ebreak) ends at an empty slot soon. */
static int site_set_build(void)
{
	int bits = 3;

	while ((1ull << bits) < 2 * ld.nsites)
		bits++;
	ld.site_set = kzalloc(sizeof(uint64_t) << bits);
	if (!ld.site_set)
		return load_fail("loader: out of memory for %zu ecall sites", ld.nsites);
	ld.site_mask = (1ull << bits) - 1;
	ld.site_shift = 64 - bits;
	for (size_t i = 0; i < ld.nsites; i++) {
		uint64_t j = site_slot(ld.sites[i]);

		while (ld.site_set[j])
			j = (j + 1) & ld.site_mask;
		ld.site_set[j] = ld.sites[i];
	}
	kfree(ld.sites);
	ld.sites = NULL;
	return 0;
}

/* Room in ld.sites for more sites. */
static int sites_reserve(size_t more)
{
	static size_t cap;
	size_t want = ld.nsites + more;

	if (want <= cap && ld.sites)
		return 0;
	uint64_t *n = kzalloc(MAX(want, 2 * cap) * sizeof(uint64_t) + 8);

	if (!n)
		return load_fail("loader: out of memory for %zu ecall sites", want);
	if (ld.sites)
		memcpy(n, ld.sites, ld.nsites * sizeof(uint64_t));
	kfree(ld.sites);
	ld.sites = n;
	cap = MAX(want, 2 * cap);
	return 0;
}

/*
 * The ecalls of the executable segments' bytes in [lo, hi), the careful
 * way, for code goose knows nothing more of: decoding from each segment's
 * start and again from every function start of the symbol table.
 */
static int scan_careful(const struct elf_image *img, const uint8_t *file, size_t len, uint64_t lo, uint64_t hi)
{
	bool any = false;

	/* Room for an ecall in some executable segment at all? */
	for (int i = 0; i < img->nseg; i++)
		any |= (img->seg[i].flags & PF_X) && MIN(hi, img->seg[i].vaddr + img->seg[i].filesz) >=
							       MAX(lo, img->seg[i].vaddr) + 4;
	if (!any)
		return 0;
	size_t nstarts = elf_func_starts(file, len, lo, hi, NULL, 0);
	uint64_t *starts = nstarts ? kzalloc(nstarts * sizeof(uint64_t)) : NULL;
	int r = 0;

	if (nstarts && !starts)
		return load_fail("loader: out of memory for %zu function starts", nstarts);
	elf_func_starts(file, len, lo, hi, starts, nstarts);
	for (int i = 0; i < img->nseg && !r; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t a = MAX(lo, s->vaddr), b = MIN(hi, s->vaddr + s->filesz);

		if (!(s->flags & PF_X) || a >= b || b - a < 4)
			continue;
		const uint8_t *code = file + s->offset + (a - s->vaddr);
		size_t n = elf_scan_ecalls(code, b - a, a, starts, nstarts, NULL, 0);

		r = sites_reserve(n);
		if (!r)
			ld.nsites += elf_scan_ecalls(code, b - a, a, starts, nstarts, ld.sites + ld.nsites, n);
	}
	kfree(starts);
	return r;
}

/*
 * Where the ecalls are. A Go program's own span of text (runtime.text to
 * runtime.etext) has them only in functions written in assembly, which its
 * .gopclntab flags (elf_go_ecalls): a few KiB to decode instead of all
 * the text. What lies outside that span in the executable sections (an
 * externally linked program's C, crt and libc) is scanned the careful way,
 * as is everything of a program without Go's tables.
 */
static int load_find_ecalls(const struct elf_image *img, const uint8_t *file, size_t len)
{
	uint64_t text = 0, etext = 0, code[8][2];
	long n = sites_reserve(64) ? -2 : elf_go_ecalls(file, len, img, &text, &etext, ld.sites, 64);

	if (n == -2)
		return -1;
	if (n > 64) {
		if (sites_reserve((size_t)n))
			return -1;
		elf_go_ecalls(file, len, img, &text, &etext, ld.sites, (size_t)n);
	}
	/* None found in Go's span: Go's runtime always has some, so the
	 * tables are not what they seem; trust nothing of them. */
	if (n <= 0)
		return scan_careful(img, file, len, img->lo, img->hi);
	ld.nsites = (size_t)n;
	size_t ncode = elf_code_sections(file, len, code, ARRAY_SIZE(code));

	if (!ncode || ncode > ARRAY_SIZE(code))
		return scan_careful(img, file, len, img->lo, text) || scan_careful(img, file, len, etext, img->hi) ? -1
														   : 0;
	for (size_t i = 0; i < ncode; i++) {
		if (code[i][0] < text && scan_careful(img, file, len, code[i][0], MIN(code[i][1], text)))
			return -1;
		if (code[i][1] > etext && scan_careful(img, file, len, MAX(code[i][0], etext), code[i][1]))
			return -1;
	}
	return 0;
}

/* Turn every ecall found into an ebreak in the loaded copy. */
static int load_rewrite_ecalls(const struct elf_image *img, const uint8_t *file, size_t len)
{
	if (load_find_ecalls(img, file, len))
		return -1;
	/* Parcel by parcel: an instruction may straddle two pages, whose
	 * frames need not be neighbours in goose's direct map. */
	for (size_t i = 0; i < ld.nsites; i++) {
		for (int half = 0; half < 2; half++) {
			uint16_t *parcel = vm_private_kaddr(ld.sites[i] + 2 * (uint64_t)half);

			/* Every site is in an executable segment, so mapped: no
			 * page for its private copy is all that can fail. */
			if (!parcel)
				return load_fail("loader: out of memory rewriting the ecall at 0x%lx", ld.sites[i]);
			*parcel = (uint16_t)(INSN_EBREAK >> (16 * half));
		}
	}
	fence_i();
	return site_set_build();
}

/* The initial stack, as Linux's fs/binfmt_elf.c create_elf_tables() lays it out. */
struct stack_builder {
	uint64_t sp;
	bool fail;
};

static uint64_t push_bytes(struct stack_builder *sb, const void *p, size_t n)
{
	sb->sp -= n;
	if (copy_to_user(sb->sp, p, n))
		sb->fail = true;
	return sb->sp;
}

static uint64_t push_str(struct stack_builder *sb, const char *s)
{
	return push_bytes(sb, s, strlen(s) + 1);
}

static int load_stack(const struct loader_info *li, const struct elf_image *img, struct thread *t)
{
	const struct bootargs *ba = li->ba;
	struct stack_builder sb = { .sp = USER_STACK_TOP };
	uint64_t argv[BOOTARGS_MAX_WORDS + 2], envp[BOOTARGS_MAX_WORDS + 1];
	uint8_t rnd[16];
	int argc = 0, envc = 0;

	if (vm_add(USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, PROT_READ | PROT_WRITE))
		return load_fail("loader: cannot map the stack");

	uint64_t execfn = push_str(&sb, li->argv0);

	argv[argc++] = execfn;
	for (int i = 0; i < ba->nargs; i++)
		argv[argc++] = push_str(&sb, ba->args[i]);
	for (int i = 0; i < ba->nenv; i++)
		envp[envc++] = push_str(&sb, ba->env[i]);
	uint64_t platform = push_str(&sb, "riscv64");

	random_fill(rnd, sizeof(rnd));
	sb.sp &= ~0xful;
	uint64_t random = push_bytes(&sb, rnd, sizeof(rnd));

	uint64_t auxv[][2] = {
		{ AT_PHDR, img->phdr_vaddr },
		{ AT_PHENT, img->phentsize },
		{ AT_PHNUM, img->phnum },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, 0 },
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, img->entry },
		{ AT_UID, 0 },
		{ AT_EUID, 0 },
		{ AT_GID, 0 },
		{ AT_EGID, 0 },
		{ AT_PLATFORM, platform },
		{ AT_HWCAP, li->hwcap },
		{ AT_CLKTCK, 100 },
		{ AT_SECURE, 0 },
		{ AT_RANDOM, random },
		{ AT_EXECFN, execfn },
		{ AT_SYSINFO_EHDR, vdso_base() },
		/* The largest signal frame (get_rt_frame_size(true)), as Linux. */
		{ AT_MINSIGSTKSZ, (sizeof(struct k_rt_sigframe) + vector_sigframe_max_extra() + 15) & ~15ul },
		{ AT_NULL, 0 },
	};
	/* argc, argv[], NULL, envp[], NULL, auxv: sp 16-aligned at argc. */
	size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * ARRAY_SIZE(auxv);

	sb.sp = (sb.sp - words * 8) & ~0xful;
	uint64_t sp = sb.sp, at = sp;
	uint64_t argc64 = (uint64_t)argc, zero = 0;

	if (copy_to_user(at, &argc64, 8))
		sb.fail = true;
	at += 8;
	for (int i = 0; i < argc; i++, at += 8)
		sb.fail |= copy_to_user(at, &argv[i], 8) != 0;
	sb.fail |= copy_to_user(at, &zero, 8) != 0;
	at += 8;
	for (int i = 0; i < envc; i++, at += 8)
		sb.fail |= copy_to_user(at, &envp[i], 8) != 0;
	sb.fail |= copy_to_user(at, &zero, 8) != 0;
	at += 8;
	for (size_t i = 0; i < ARRAY_SIZE(auxv); i++) {
		/* Leave out what this image lacks: Go reads only what is there. */
		if ((auxv[i][0] == AT_PHDR && !img->phdr_vaddr) || (auxv[i][0] == AT_SYSINFO_EHDR && !auxv[i][1]))
			continue;
		sb.fail |= copy_to_user(at, auxv[i], 16) != 0;
		at += 16;
	}
	sb.fail |= copy_to_user(at, &zero, 8) != 0;
	if (sb.fail)
		return load_fail("loader: out of memory building the initial stack");

	memset(&t->frame, 0, sizeof(t->frame));
	t->frame.pc = img->entry;
	t->frame.sp = sp;
	/* Return to S-mode with interrupts on and the FPU usable. */
	t->frame.sstatus = SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_FS_INITIAL;
	vector_exec(t);
	return 0;
}

int loader_load(const struct loader_info *li, struct thread *t)
{
	struct elf_image img;
	char err[200];

	if (elf_parse(li->elf, li->len, USER_MMAP_BOTTOM, &img, err, sizeof(err)))
		return load_fail("%s", err);
	ld.elf = li->elf;
	ld.len = li->len;
	ld.image_end = img.hi;
	trace_boot_phase("elf parse");
	if (load_segments(&img, li->elf, li->len))
		return -1;
	trace_boot_phase("elf segments");
	if (load_rewrite_ecalls(&img, li->elf, li->len))
		return -1;
	trace_boot_phase("ecall rewrite");
	if (vdso_map(!li->no_vdso_clock))
		return load_fail("loader: out of memory mapping the vDSO");
	trace_boot_phase("vdso");
	return load_stack(li, &img, t);
}

bool loader_is_syscall_site(uint64_t pc)
{
	if (ld.site_set) {
		for (uint64_t j = site_slot(pc); ld.site_set[j]; j = (j + 1) & ld.site_mask)
			if (ld.site_set[j] == pc)
				return true;
	}
	return vdso_is_syscall_site(pc);
}

const char *loader_symbolize(uint64_t pc, uint64_t *off)
{
	const char *name;

	if (!ld.elf || elf_symbolize(ld.elf, ld.len, pc, &name, off))
		return vdso_symbolize(pc, off);
	return name;
}

int loader_go_line(uint64_t pc, const char **file, int *line)
{
	const char *func;

	return ld.elf ? elf_go_line(ld.elf, ld.len, pc, &func, file, line) : -1;
}

uint64_t loader_sigreturn_trampoline(void)
{
	return vdso_sigreturn();
}

uint64_t loader_image_end(void)
{
	return ld.image_end;
}

size_t loader_nsites(void)
{
	return ld.nsites;
}

uint64_t loader_hwcap(const char *isa)
{
	/* The letters of an rv64 string: bit (letter - 'a'), as Linux's AT_HWCAP. */
	if (strncmp(isa, "rv64", 4) && strncmp(isa, "RV64", 4))
		return 0;
	return isa_letters(isa);
}
