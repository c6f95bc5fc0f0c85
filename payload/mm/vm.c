/* SPDX-License-Identifier: MIT */
#include "mm/vm.h"
#include "mm/vm_internal.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "dev/power.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"

struct pmem pmem;
static uint64_t *vm_root;
static struct vma vmas[VM_MAX_VMAS] NOINIT;	/* only [0, nvmas) is read: not cleared at boot */
static int nvmas;

const struct vma *vm_vma_at(int i)
{
	return i >= 0 && i < nvmas ? &vmas[i] : NULL;
}
static uint64_t resident;
/* For /proc: the most pages ever resident at once; bytes mapped now and at most. */
static uint64_t resident_peak, mapped, mapped_peak;
/* Writable pages promised to the program, and the most one mapping may ask (see vm.h). */
static uint64_t committed, commit_limit = UINT64_MAX;

struct spinlock mm_lock = SPINLOCK_INIT("mm", LOCK_RANK_MM);
uint64_t vm_seq;

void vm_count_resident(uint64_t n)
{
	resident += n;
	resident_peak = MAX(resident_peak, resident);
}

void vm_init(uint64_t *root)
{
	vm_root = root;
}

/* The leaf PTE for va; with alloc, page-table pages are created on the way. */
uint64_t *pte_walk(uint64_t va, bool alloc)
{
	uint64_t *pt = vm_root;

	for (int level = 2; level > 0; level--) {
		uint64_t *pte = &pt[(va >> (PAGE_SHIFT + 9 * level)) & 511];

		if (*pte & PTE_V) {
			pt = PA2VA(pte_pa(*pte));
			continue;
		}
		if (!alloc)
			return NULL;
		uint64_t pa = pmem_alloc_zeroed(&pmem);
		if (!pa)
			return NULL;
		*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | PTE_V;
		pt = PA2VA(pa);
	}
	return &pt[(va >> PAGE_SHIFT) & 511];
}

/*
 * Visit every leaf PTE in [start, end) that is not empty, skipping whole
 * 2 MiB and 1 GiB spans whose tables were never made (Go reserves large
 * ranges it never touches, and they must stay cheap to unmap).
 */
#define LEAF_SPAN (1ull << (PAGE_SHIFT + 9))	/* what one leaf table maps */
static void pte_for_range(uint64_t start, uint64_t end, void (*fn)(uint64_t va, uint64_t *pte, uint32_t arg),
			  uint32_t arg)
{
	uint64_t va = start;

	while (va < end) {
		uint64_t *pt = vm_root;
		uint64_t span = 0;

		for (int level = 2; level > 0; level--) {
			uint64_t *pte = &pt[(va >> (PAGE_SHIFT + 9 * level)) & 511];

			if (!(*pte & PTE_V)) {
				span = 1ull << (PAGE_SHIFT + 9 * level);
				break;
			}
			pt = PA2VA(pte_pa(*pte));
		}
		if (span) {
			va = ALIGN_DOWN(va, span) + span;
			continue;
		}
		/* The rest of this leaf table's share of the range, walked once;
		 * an empty entry is nothing to any fn. */
		uint64_t stop = MIN(end, ALIGN_DOWN(va, LEAF_SPAN) + LEAF_SPAN);

		for (; va < stop; va += PAGE_SIZE) {
			uint64_t *pte = &pt[(va >> PAGE_SHIFT) & 511];

			if (*pte)
				fn(va, pte, arg);
		}
	}
}

/*
 * Pages pte_drop takes out of the page tables go back to pmem only once no
 * hart can reach them through its TLB, in vm_flush (Linux's mmu_gather): a
 * fault on another hart takes pages without the big lock, and a page it
 * got while a third hart still held the old entry would be written through
 * that entry. Held by mm_lock.
 */
static uint64_t gathered[VM_GATHER_PAGES], ngathered, gather_lo = UINT64_MAX, gather_hi;
/* Whether pte_drop took out a valid PTE since this was last cleared: a
 * range that had none needs no shootdown (no hart can have cached one). */
static bool dropped_valid;

static void pte_drop(uint64_t va, uint64_t *pte, uint32_t arg)
{
	(void)arg;
	dropped_valid |= *pte & PTE_V;
	if ((*pte & (PTE_V | PTE_SW_KEPT)) && !(*pte & PTE_SW_NOFREE)) {
		if (ngathered == ARRAY_SIZE(gathered))
			vm_flush(gather_lo, gather_hi);
		gathered[ngathered++] = pte_pa(*pte);
		gather_lo = MIN(gather_lo, va);
		gather_hi = MAX(gather_hi, va + PAGE_SIZE);
		resident--;
	}
	*pte = 0;
}

/* Only the file's own pages go; a private mapping's copies stay. */
static void pte_drop_file(uint64_t va, uint64_t *pte, uint32_t arg)
{
	(void)va;
	(void)arg;
	if (*pte & PTE_SW_NOFREE)
		*pte = 0;
}

/* What a private mapping may do with a page that is still the file's: all
 * but write (and, as Sv39 has no write-only pages, read when it may write). */
uint32_t cow_prot(uint32_t prot)
{
	return prot & PROT_WRITE ? (prot & ~(uint32_t)PROT_WRITE) | PROT_READ : prot;
}

void pte_reprotect(uint64_t va, uint64_t *pte, uint32_t arg)
{
	(void)va;
	if (!(*pte & (PTE_V | PTE_SW_KEPT)))
		return;
	uint64_t keep = *pte & (~((1ull << PTE_PPN_SHIFT) - 1) | PTE_SW_NOFREE);
	uint32_t prot = arg & (PROT_READ | PROT_WRITE | PROT_EXEC);

	if ((arg & REPROTECT_COW) && (*pte & PTE_SW_NOFREE))
		prot = cow_prot(prot);
	*pte = prot == PROT_NONE ? keep | PTE_SW_KEPT : keep | prot_to_pte(prot);
}

/* A private file mapping: its pages are the file's until written. */
bool vma_cow(const struct vma *v)
{
	return v->fops && !(v->prot & VM_SHARED);
}

/* pte_reprotect's argument for v's pages. */
uint32_t vma_pte_arg(const struct vma *v)
{
	return (v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) | (vma_cow(v) ? REPROTECT_COW : 0);
}

static int map_device_locked(uint64_t va, uint64_t pa, uint32_t prot)
{
	uint64_t *pte = pte_walk(va, true);

	if (!pte)
		return -ENOMEM;
	*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(prot & ~(uint32_t)PROT_EXEC) | PTE_SW_NOFREE;
	return 0;
}

uint64_t vm_phys(uint64_t va)
{
	uint64_t *pte = pte_walk(va, false);

	return pte && (*pte & (PTE_V | PTE_SW_KEPT)) ? pte_pa(*pte) : 0;
}

static int map_page_locked(uint64_t va, uint64_t pa, uint32_t prot)
{
	uint64_t *pte = pte_walk(va, true);

	if (!pte)
		return -ENOMEM;
	pte_drop(va, pte, 0);	/* a page there before goes after the flush */
	*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(prot);
	vm_count_resident(1);
	return 0;
}

static void gather_reset(void)
{
	ngathered = 0;
	gather_lo = UINT64_MAX;
	gather_hi = 0;
}

/* Entries for [start, end) changed or went: this hart and every other
 * forget them, and then the pages pte_drop gathered go back. */
void vm_flush(uint64_t start, uint64_t end)
{
	if (ngathered) {
		start = MIN(start, gather_lo);
		end = MAX(end, gather_hi);
	}
	sfence_vma_all();
	smp_tlb_shootdown(start, end - start);
	pmem_free_many(&pmem, gathered, ngathered);
	gather_reset();
}

/* A file mapping's VMA holds its file; a copy of the VMA holds it again. */
static void vma_hold(const struct vma *v)
{
	if (v->fops)
		v->fops->get(v->file);
}

static void vma_release(const struct vma *v)
{
	if (v->fops)
		v->fops->put(v->file);
}

/* The first VMA that ends above va (nvmas when none does). */
static int vma_index(uint64_t va)
{
	int lo = 0, hi = nvmas;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (vmas[mid].end <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* v no longer starts where it did but at addr, further on. */
static void vma_move_start(struct vma *v, uint64_t addr)
{
	if (v->fops)
		v->pgoff += (addr - v->start) / PAGE_SIZE;
	v->start = addr;
}

/* Cut the VMA that straddles addr, if one does, in two at addr. */
static int vma_split(uint64_t addr)
{
	int i = vma_index(addr);
	struct vma *v = &vmas[i];

	if (i == nvmas || v->start >= addr)
		return 0;
	if (nvmas == VM_MAX_VMAS)
		return -ENOMEM;
	memmove(v + 1, v, (nvmas - i) * sizeof(*v));
	nvmas++;
	v->end = addr;
	vma_move_start(&v[1], addr);
	vma_hold(&v[1]);
	return 0;
}

/* Could one VMA be both a and b (a just before b)? */
static bool vma_continues(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->fops == b->fops && a->file == b->file &&
	       (!a->fops || a->pgoff + (a->end - a->start) / PAGE_SIZE == b->pgoff);
}

/* Join vmas[i] and vmas[i + 1] when one VMA could be both. */
static void vma_merge_next(int i)
{
	if (i < 0 || i + 1 >= nvmas || !vma_continues(&vmas[i], &vmas[i + 1]))
		return;
	vmas[i].end = vmas[i + 1].end;
	vma_release(&vmas[i + 1]);
	memmove(&vmas[i + 1], &vmas[i + 2], (nvmas - i - 2) * sizeof(vmas[0]));
	nvmas--;
}

/*
 * Take [start, end) out of the VMA list, trimming VMAs that straddle it
 * (only a range inside one VMA needs a new entry), and let go of the files
 * of those that went. The caller has dropped the range's pages already: a
 * file freed here frees its pages too.
 */
static int vma_carve(uint64_t start, uint64_t end)
{
	int i = vma_index(start);

	if (i < nvmas && vmas[i].start < start && vmas[i].end > end) {
		if (nvmas == VM_MAX_VMAS)
			return -ENOMEM;
		memmove(&vmas[i + 1], &vmas[i], (nvmas - i) * sizeof(vmas[0]));
		nvmas++;
		vmas[i].end = start;
		vma_move_start(&vmas[i + 1], end);
		vma_hold(&vmas[i + 1]);
		return 0;
	}
	if (i < nvmas && vmas[i].start < start)
		vmas[i++].end = start;
	int j = i;

	for (; j < nvmas && vmas[j].end <= end; j++)
		vma_release(&vmas[j]);
	if (j < nvmas && vmas[j].start < end)
		vma_move_start(&vmas[j], end);
	memmove(&vmas[i], &vmas[j], (nvmas - j) * sizeof(vmas[0]));
	nvmas -= j - i;
	return 0;
}

/* Insert an anonymous VMA into a free range of the sorted list, merging
 * with equal neighbours. */
static int vma_insert(uint64_t start, uint64_t end, uint32_t prot)
{
	struct vma n = { .start = start, .end = end, .prot = prot };
	int i = vma_index(start);

	if (i > 0 && vma_continues(&vmas[i - 1], &n)) {
		vmas[i - 1].end = end;
		vma_merge_next(i - 1);
		return 0;
	}
	if (i < nvmas && vma_continues(&n, &vmas[i])) {
		vmas[i].start = start;
		return 0;
	}
	if (nvmas == VM_MAX_VMAS)
		return -ENOMEM;
	memmove(&vmas[i + 1], &vmas[i], (nvmas - i) * sizeof(vmas[0]));
	vmas[i] = n;
	nvmas++;
	return 0;
}

/* What the VMAs hold of [start, end), in one walk: the writable pages they
 * promise (private ones, as only those need memory of their own: a shared
 * mapping's pages are its file's), the bytes they cover, and whether all
 * of it is private anonymous memory, which no file holds and no one else
 * can have (its unmap may be deferred: mm/defer.c). */
struct vma_sum {
	uint64_t committed, mapped;
	bool anon;
};

static struct vma_sum vma_sum(uint64_t start, uint64_t end)
{
	struct vma_sum u = { .anon = true };

	for (int i = vma_index(start); i < nvmas && vmas[i].start < end; i++) {
		const struct vma *v = &vmas[i];
		uint64_t bytes = MIN(v->end, end) - MAX(v->start, start);

		u.mapped += bytes;
		if ((v->prot & PROT_WRITE) && !(v->prot & (VM_DEVICE | VM_SHARED)))
			u.committed += bytes / PAGE_SIZE;
		if (v->fops || (v->prot & (VM_DEVICE | VM_SHARED)))
			u.anon = false;
	}
	return u;
}

static int add_locked(uint64_t start, uint64_t end, uint32_t prot)
{
	/* No hart may still reach the old pages of a range mapped again. */
	if (defer_overlap(start, end))
		defer_settle();
	struct vma_sum was = vma_sum(start, end);
	uint64_t before = was.committed;
	uint64_t after = (prot & PROT_WRITE) && !(prot & (VM_DEVICE | VM_SHARED)) ? (end - start) / PAGE_SIZE : 0;

	if (after > before && after - before > commit_limit)
		return -ENOMEM;
	int r = vma_carve(start, end);

	if (r)
		return r;
	r = vma_insert(start, end, prot);
	if (r)
		return r;
	committed = committed - before + after;
	mapped = mapped - was.mapped + (end - start);
	mapped_peak = MAX(mapped_peak, mapped);
	return 0;
}

static int set_file_locked(uint64_t start, uint64_t end, const struct vm_file_ops *ops, void *file,
			   const void *mapping, uint64_t pgoff)
{
	int r = vma_split(start);

	if (!r)
		r = vma_split(end);
	if (r)
		return r;
	int i = vma_index(start);
	struct vma *v = &vmas[i];

	if (i == nvmas || v->start != start || v->end != end || v->fops)
		panic("vm_set_file: [0x%lx, 0x%lx) is not one new mapping", start, end);
	/* A touch on another hart between vm_add and here found an anonymous
	 * mapping (vm_fault_fast): its page goes (after MM_CHANGE's flush),
	 * the file's come on touch. */
	pte_for_range(start, end, pte_drop, 0);
	v->fops = ops;
	v->file = file;
	v->mapping = mapping;
	v->pgoff = pgoff;
	ops->get(file);
	vma_merge_next(i);
	vma_merge_next(i - 1);
	return 0;
}

static void discard_locked(uint64_t start, uint64_t end)
{
	dropped_valid = false;
	pte_for_range(start, end, pte_drop, 0);
	if (dropped_valid || ngathered)
		vm_flush(start, end);
}

/* How remove_range_locked may unmap. */
enum unmap_how {
	UNMAP_NOW,		/* every hart forgets the range before it returns */
	UNMAP_MAY_DEFER,	/* private anonymous memory's shootdown may wait for
				 * the other harts' next traps (mm/defer.c) */
	UNMAP_ANON_ONLY,	/* that, and nothing else is unmapped */
};

/* Take [start, end) out of the mappings; false (UNMAP_ANON_ONLY only): the
 * range holds more than private anonymous memory, and stays. */
static bool remove_range_locked(uint64_t start, uint64_t end, enum unmap_how how)
{
	struct vma_sum u = vma_sum(start, end);

	if (how == UNMAP_ANON_ONLY && !u.anon)
		return false;
	committed -= u.committed;
	mapped -= u.mapped;
	dropped_valid = false;
	pte_for_range(start, end, pte_drop, 0);
	if (dropped_valid || ngathered) {
		if (how != UNMAP_NOW && u.anon &&
		    defer_unmap(MIN(start, gather_lo), MAX(end, gather_hi), gathered, ngathered))
			gather_reset();
		else
			vm_flush(start, end);
	}
	/* Only now, with no hart left to reach them, may a file this was the
	 * last hold on free its pages. */
	vma_carve(start, end);
	return true;
}

static void remove_locked(uint64_t start, uint64_t end)
{
	remove_range_locked(start, end, UNMAP_NOW);
}

static void unmap_file_locked(const void *mapping, uint64_t first, uint64_t end, bool cows)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (int i = 0; i < nvmas; i++) {
		const struct vma *v = &vmas[i];
		uint64_t vend = v->pgoff + (v->end - v->start) / PAGE_SIZE;

		if (!v->fops || v->mapping != mapping || v->pgoff >= end || vend <= first)
			continue;
		uint64_t s = v->start + (MAX(first, v->pgoff) - v->pgoff) * PAGE_SIZE;
		uint64_t e = v->start + (MIN(end, vend) - v->pgoff) * PAGE_SIZE;

		pte_for_range(s, e, cows || (v->prot & VM_SHARED) ? pte_drop : pte_drop_file, 0);
		lo = MIN(lo, s);
		hi = MAX(hi, e);
	}
	if (lo < hi)
		vm_flush(lo, hi);
}

/* Is [start, end) entirely covered by VMAs? */
static bool covered(uint64_t start, uint64_t end)
{
	uint64_t at = start;

	for (int i = vma_index(start); i < nvmas && at < end; i++) {
		if (vmas[i].start > at)
			return false;
		at = vmas[i].end;
	}
	return at >= end;
}

static int protect_locked(uint64_t start, uint64_t end, uint32_t prot)
{
	uint64_t before = vma_sum(start, end).committed, after = 0;

	if (!covered(start, end))
		return -ENOMEM;
	for (int i = vma_index(start); i < nvmas && vmas[i].start < end; i++) {
		const struct vma *v = &vmas[i];

		if ((prot & PROT_WRITE) && (v->prot & VM_SHARED) && !(v->prot & VM_MAYWRITE))
			return -EACCES;
		if ((prot & PROT_WRITE) && !(v->prot & (VM_DEVICE | VM_SHARED)))
			after += (MIN(v->end, end) - MAX(v->start, start)) / PAGE_SIZE;
	}
	if (after > before && after - before > commit_limit)
		return -ENOMEM;
	int r = vma_split(start);

	if (!r)
		r = vma_split(end);
	if (r)
		return r;
	int first = vma_index(start), last = first;

	/* Piece by piece: each VMA keeps its own kind (device, shared, file). */
	for (; last < nvmas && vmas[last].start < end; last++) {
		struct vma *v = &vmas[last];

		v->prot = prot | (v->prot & (VM_DEVICE | VM_SHARED | VM_MAYWRITE));
		pte_for_range(v->start, v->end, pte_reprotect, vma_pte_arg(v));
	}
	committed = committed - before + after;
	for (int i = last - 1; i >= first - 1; i--)
		vma_merge_next(i);
	vm_flush(start, end);
	return 0;
}

static bool range_free(uint64_t start, uint64_t end)
{
	int i = vma_index(start);

	return i == nvmas || vmas[i].start >= end;
}

/* The highest room for len bytes below top, or 0. */
static uint64_t free_below(uint64_t top, uint64_t len)
{
	for (int i = nvmas - 1; i >= 0; i--) {
		if (vmas[i].start >= top)
			continue;
		if (vmas[i].end <= top && top - vmas[i].end >= len && top - len >= USER_MMAP_BOTTOM)
			return top - len;
		top = vmas[i].start;
	}
	if (top >= USER_MMAP_BOTTOM && top - USER_MMAP_BOTTOM >= len)
		return top - len;
	return 0;
}

/* Room for len bytes: at hint if it is free, else the highest room below
 * USER_MMAP_TOP, away from deferred unmaps while there is room elsewhere. */
static uint64_t find_free(uint64_t len, uint64_t hint)
{
	if (hint && hint >= PAGE_SIZE && hint <= USER_MMAP_TOP && len <= USER_MMAP_TOP - hint &&
	    range_free(hint, hint + len) && !defer_overlap(hint, hint + len))
		return hint;
	for (uint64_t top = USER_MMAP_TOP, at; (at = free_below(top, len)); top = defer_overlap(at, at + len))
		if (!defer_overlap(at, at + len))
			return at;
	return free_below(USER_MMAP_TOP, len);
}

const struct vma *vm_find(uint64_t va)
{
	int i = vma_index(va);

	return i < nvmas && vmas[i].start <= va ? &vmas[i] : NULL;
}

/*
 * mremap, as mm/mremap.c checks and does it. goose keeps the vDSO and its
 * data page (as munmap does): ranges reaching them are not goose's to move.
 */
#define REMAP_END (USER_VDSO - PAGE_SIZE)

/* Linux's PAGE_ALIGN: a length within a page of 2^64 wraps to 0. */
static uint64_t page_align(uint64_t len)
{
	return (len + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

/* How far a move shifts the PTEs, and whether making tables for them failed. */
static uint64_t move_delta;
static int move_err;

/* Every table a moved PTE needs, made before anything moves: a move that
 * runs out of memory half way would leave the pages in neither place. */
static void pte_move_prepare(uint64_t va, uint64_t *pte, uint32_t arg)
{
	(void)arg;
	if ((*pte & (PTE_V | PTE_SW_KEPT)) && !pte_walk(va + move_delta, true))
		move_err = -ENOMEM;
}

/* The page itself goes to its new address (the frame, its rights, whether
 * it is the file's): nothing is copied, nothing freed. */
static void pte_move(uint64_t va, uint64_t *pte, uint32_t arg)
{
	(void)arg;
	if (!(*pte & (PTE_V | PTE_SW_KEPT)))
		return;
	uint64_t *to = pte_walk(va + move_delta, false);

	if (*to)
		pte_drop(va + move_delta, to, 0);
	*to = *pte;
	*pte = 0;
}

/*
 * munmap's checks (do_vmi_munmap) for the part mremap lets go of: past the
 * top EINVAL. The vDSO stays, as with munmap.
 */
static int remap_unmap(uint64_t start, uint64_t len)
{
	if (start > USER_TOP || len > USER_TOP - start)
		return -EINVAL;
	if (start < REMAP_END)
		remove_locked(start, MIN(start + len, REMAP_END));
	return 0;
}

/* vma_to_resize: may v's [addr, addr + old_len) become new_len long? */
static int remap_check(const struct vma *v, uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags)
{
	/* A zero old_len duplicates a shared mapping; a private one would be
	 * a new mapping unrelated to the old, which Linux refuses. */
	if (!old_len && !(v->prot & VM_SHARED))
		return -EINVAL;
	/* Device registers (Linux's VM_PFNMAP) cannot be left behind... */
	if ((flags & MREMAP_DONTUNMAP) && (v->prot & VM_DEVICE))
		return -EINVAL;
	/* The range may not cross into another mapping. */
	if (old_len > v->end - addr)
		return -EFAULT;
	if (new_len == old_len)
		return 0;
	/* The file's page index at the end must not wrap. */
	if (v->fops && v->pgoff + (addr - v->start) / PAGE_SIZE + new_len / PAGE_SIZE <
			       v->pgoff + (addr - v->start) / PAGE_SIZE)
		return -EINVAL;
	/* ...nor grow: mmap mapped all of them there are. */
	if (v->prot & VM_DEVICE)
		return -EFAULT;
	return 0;
}

/*
 * move_vma: a mapping of new_len at new_addr (free now) as the one at addr
 * is (protection, kind, the file and the page of it), the pages of [addr,
 * addr + old_len) moved to its start, then the old range unmapped, or with
 * MREMAP_DONTUNMAP left mapped and empty (the next touch gives zeros, or
 * the file's page again).
 */
/* Map [va, va + n) as v is mapped (its rights; for a file mapping the
 * file, from the page v maps at address src): 0, or the error with
 * nothing left mapped there. */
static int map_like(const struct vma *v, uint64_t va, uint64_t n, uint64_t src)
{
	int r = add_locked(va, va + n, v->prot);

	if (!r && v->fops)
		r = set_file_locked(va, va + n, v->fops, v->file, v->mapping, v->pgoff + (src - v->start) / PAGE_SIZE);
	if (r)
		remove_locked(va, va + n);
	return r;
}

static long remap_move(uint64_t addr, uint64_t old_len, uint64_t new_addr, uint64_t new_len, bool dontunmap)
{
	struct vma v = *vm_find(addr);
	int r;

	/* move_vma: room for the pieces (the new one, a split of the old). */
	if (nvmas + 4 > VM_MAX_VMAS)
		return -ENOMEM;
	if ((r = map_like(&v, new_addr, new_len, addr)))
		return r;
	move_delta = new_addr - addr;
	move_err = 0;
	pte_for_range(addr, addr + old_len, pte_move_prepare, 0);
	if (move_err) {
		remove_locked(new_addr, new_addr + new_len);
		return move_err;
	}
	pte_for_range(addr, addr + old_len, pte_move, 0);
	/* No hart may keep the old translations (vm_remove flushes too). */
	if (dontunmap)
		vm_flush(addr, addr + old_len);
	else if (old_len)
		remove_locked(addr, addr + old_len);
	return (long)new_addr;
}

/* mremap_to: MREMAP_FIXED (at new_addr, whatever is there unmapped first)
 * or MREMAP_DONTUNMAP (new_addr a hint). */
static long remap_to(uint64_t addr, uint64_t old_len, uint64_t new_addr, uint64_t new_len, uint64_t flags)
{
	int r;

	if (new_addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (new_len > USER_TOP || new_addr > USER_TOP - new_len)
		return -EINVAL;
	/* The two ranges may not overlap. */
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL;
	/* mremap_to: stay clear of the mapping count limit. */
	if (nvmas + 2 >= VM_MAX_VMAS - 3)
		return -ENOMEM;
	if (flags & MREMAP_FIXED) {
		/* goose's one difference: page 0 and the vDSO are not to be
		 * mapped over (ENOMEM, as mmap's MAP_FIXED there). */
		if (new_addr < PAGE_SIZE || new_addr + new_len > REMAP_END)
			return -ENOMEM;
		remove_locked(new_addr, new_addr + new_len);
	}
	if (old_len > new_len) {
		r = remap_unmap(addr + new_len, old_len - new_len);
		if (r)
			return r;
		old_len = new_len;
	}
	r = remap_check(vm_find(addr), addr, old_len, new_len, flags);
	if (r)
		return r;
	if (!(flags & MREMAP_FIXED)) {
		new_addr = find_free(new_len, new_addr);
		if (!new_addr)
			return -ENOMEM;
	}
	return remap_move(addr, old_len, new_addr, new_len, flags & MREMAP_DONTUNMAP);
}

static long mremap_locked(uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags, uint64_t new_addr)
{
	const struct vma *v;
	int r;

	if (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	/* DONTUNMAP is always a move, and never a resize (lengths as given). */
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	old_len = page_align(old_len);
	new_len = page_align(new_len);
	/* A zero old_len is the duplicate case (remap_check); a zero new_len is nonsense. */
	if (!new_len)
		return -EINVAL;
	v = vm_find(addr);
	if (!v || addr >= REMAP_END)
		return -EFAULT;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return remap_to(addr, old_len, new_addr, new_len, flags);
	/* Shrinking always works: the tail is unmapped, whatever it holds. */
	if (old_len >= new_len) {
		if (old_len > new_len) {
			r = remap_unmap(addr + new_len, old_len - new_len);
			if (r)
				return r;
		}
		return (long)addr;
	}
	r = remap_check(v, addr, old_len, new_len, flags);
	if (r)
		return r;
	/* Growing in place: the range ends where its mapping does and the
	 * pages after are free (vma_expandable). */
	uint64_t end = v->end, delta = new_len - old_len;

	if (old_len == end - addr && delta <= REMAP_END - end && range_free(end, end + delta)) {
		struct vma c = *v;

		return (r = map_like(&c, end, delta, end)) ? r : (long)addr;
	}
	/* Else a move, if the caller allows one, anywhere free. */
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	new_addr = find_free(new_len, 0);
	if (!new_addr)
		return -ENOMEM;
	return remap_move(addr, old_len, new_addr, new_len, false);
}

bool vm_resident(uint64_t va)
{
	uint64_t *pte = pte_walk(va, false);

	return pte && (*pte & (PTE_V | PTE_SW_KEPT));
}

void *vm_kaddr(uint64_t va)
{
	uint64_t *pte = pte_walk(va, false);

	if (!pte || !(*pte & (PTE_V | PTE_SW_KEPT)))
		return NULL;
	return (uint8_t *)PA2VA(pte_pa(*pte)) + (va & (PAGE_SIZE - 1));
}

uint64_t vm_resident_pages(void)
{
	return resident;
}

void vm_usage(struct vm_usage *u)
{
	u->rss = resident;
	u->rss_peak = resident_peak;
	u->size = mapped;
	u->size_peak = mapped_peak;
}

void vm_oom(uint64_t va)
{
	gmsg("out of memory: no page left for address 0x%lx (%lu MiB of %lu MiB in use, %lu MiB by the program)", va,
	     (pmem.total_pages - pmem.free_pages) >> 8, pmem.total_pages >> 8, resident >> 8);
	goose_exit(128 + 9);
}

void vm_set_commit_limit(uint64_t pages)
{
	commit_limit = pages;
}

uint64_t vm_committed_pages(void)
{
	return committed;
}

/* The changes above, each whole under mm_lock and counted in vm_seq; pages
 * one dropped without a flush of its own go after one here. */
#define MM_CHANGE(stmt)                                 \
	do {                                            \
		spin_lock(&mm_lock);                    \
		vm_seq++;                               \
		stmt;                                   \
		if (ngathered)                          \
			vm_flush(gather_lo, gather_hi); \
		defer_retire();                         \
		spin_unlock(&mm_lock);                  \
	} while (0)

int vm_map_device(uint64_t va, uint64_t pa, uint32_t prot)
{
	int r;

	MM_CHANGE(r = map_device_locked(va, pa, prot));
	return r;
}

int vm_map_page(uint64_t va, uint64_t pa, uint32_t prot)
{
	int r;

	MM_CHANGE(r = map_page_locked(va, pa, prot));
	return r;
}

int vm_add(uint64_t start, uint64_t end, uint32_t prot)
{
	int r;

	MM_CHANGE(r = add_locked(start, end, prot));
	return r;
}

int vm_set_file(uint64_t start, uint64_t end, const struct vm_file_ops *ops, void *file, const void *mapping,
		uint64_t pgoff)
{
	int r;

	MM_CHANGE(r = set_file_locked(start, end, ops, file, mapping, pgoff));
	return r;
}

void vm_remove(uint64_t start, uint64_t end)
{
	MM_CHANGE(remove_locked(start, end));
}

void vm_unmap(uint64_t start, uint64_t end)
{
	MM_CHANGE(remove_range_locked(start, end, UNMAP_MAY_DEFER));
}

bool vm_unmap_anon(uint64_t start, uint64_t end)
{
	bool r;

	MM_CHANGE(r = remove_range_locked(start, end, UNMAP_ANON_ONLY));
	return r;
}

static long map_locked(uint64_t addr, uint64_t len, uint32_t prot, enum vm_map_how how)
{
	if (how == VM_MAP_FIXED)
		remove_locked(addr, addr + len);
	else if (how == VM_MAP_NOREPLACE && !range_free(addr, addr + len))
		return -EEXIST;
	else if (how == VM_MAP_ANYWHERE && !(addr = find_free(len, addr)))
		return -ENOMEM;
	return add_locked(addr, addr + len, prot) ? -ENOMEM : (long)addr;
}

long vm_map(uint64_t addr, uint64_t len, uint32_t prot, enum vm_map_how how)
{
	long r;

	MM_CHANGE(r = map_locked(addr, len, prot, how));
	return r;
}

bool vm_covered(uint64_t start, uint64_t end)
{
	spin_lock(&mm_lock);
	bool r = covered(start, end);

	spin_unlock(&mm_lock);
	return r;
}

void vm_lock(void)
{
	spin_lock(&mm_lock);
}

void vm_unlock(void)
{
	spin_unlock(&mm_lock);
}



void vm_discard(uint64_t start, uint64_t end)
{
	MM_CHANGE(discard_locked(start, end));
}

void vm_unmap_file(const void *mapping, uint64_t first, uint64_t end, bool cows)
{
	MM_CHANGE(unmap_file_locked(mapping, first, end, cows));
}

int vm_protect(uint64_t start, uint64_t end, uint32_t prot)
{
	int r;

	MM_CHANGE(r = protect_locked(start, end, prot));
	return r;
}

long vm_mremap(uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags, uint64_t new_addr)
{
	long r;

	MM_CHANGE(r = mremap_locked(addr, old_len, new_len, flags, new_addr));
	return r;
}
