/* SPDX-License-Identifier: MIT */
#include "mm/vm.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "dev/power.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"

/* A page whose VMA went PROT_NONE keeps its frame in the (invalid) PTE, marked
 * with an RSW bit (privileged spec 4.4.1: bits 8-9 are for software), so a
 * later mprotect brings the data back as Linux does. */
#define PTE_SW_KEPT (1ul << 8)
/* The other RSW bit marks a frame goose does not own (device registers):
 * unmapping it frees nothing. */
#define PTE_SW_NOFREE (1ul << 9)

struct pmem pmem;
static uint64_t *vm_root;
static struct vma vmas[VM_MAX_VMAS];
static int nvmas;

const struct vma *vm_vma_at(int i)
{
	return i >= 0 && i < nvmas ? &vmas[i] : NULL;
}
static uint64_t resident;
/* Writable pages promised to the program, and the most one mapping may ask (see vm.h). */
static uint64_t committed, commit_limit = UINT64_MAX;

void vm_init(uint64_t *root)
{
	vm_root = root;
}

static uint64_t pte_pa(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static uint64_t prot_to_pte(uint32_t prot)
{
	uint64_t pte = PTE_V | PTE_A | PTE_D;

	/* R=0,W=1 is reserved in Sv39: writable pages are readable too. */
	if (prot & (PROT_READ | PROT_WRITE))
		pte |= PTE_R;
	if (prot & PROT_WRITE)
		pte |= PTE_W;
	if (prot & PROT_EXEC)
		pte |= PTE_X;
	return pte;
}

/* The leaf PTE for va; with alloc, page-table pages are created on the way. */
static uint64_t *pte_walk(uint64_t va, bool alloc)
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
 * Visit every leaf PTE slot that exists in [start, end), skipping whole 2 MiB
 * and 1 GiB spans whose tables were never made (Go reserves large ranges it
 * never touches, and they must stay cheap to unmap).
 */
static void pte_for_range(uint64_t start, uint64_t end, void (*fn)(uint64_t va, uint64_t *pte, uint32_t arg),
			  uint32_t arg)
{
	uint64_t va = start;

	while (va < end) {
		uint64_t *pt = vm_root;
		uint64_t skip = 0;

		for (int level = 2; level > 0; level--) {
			uint64_t *pte = &pt[(va >> (PAGE_SHIFT + 9 * level)) & 511];

			if (!(*pte & PTE_V)) {
				skip = 1ull << (PAGE_SHIFT + 9 * level);
				break;
			}
			pt = PA2VA(pte_pa(*pte));
		}
		if (skip) {
			va = ALIGN_DOWN(va, skip) + skip;
			continue;
		}
		fn(va, &pt[(va >> PAGE_SHIFT) & 511], arg);
		va += PAGE_SIZE;
	}
}

static void pte_drop(uint64_t va, uint64_t *pte, uint32_t arg)
{
	(void)va;
	(void)arg;
	if ((*pte & (PTE_V | PTE_SW_KEPT)) && !(*pte & PTE_SW_NOFREE)) {
		pmem_free(&pmem, pte_pa(*pte));
		resident--;
	}
	*pte = 0;
}

static void pte_reprotect(uint64_t va, uint64_t *pte, uint32_t prot)
{
	(void)va;
	if (!(*pte & (PTE_V | PTE_SW_KEPT)))
		return;
	uint64_t keep = *pte & (~((1ull << PTE_PPN_SHIFT) - 1) | PTE_SW_NOFREE);

	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	*pte = prot == PROT_NONE ? keep | PTE_SW_KEPT : keep | prot_to_pte(prot);
}

int vm_map_device(uint64_t va, uint64_t pa, uint32_t prot)
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

int vm_map_page(uint64_t va, uint64_t pa, uint32_t prot)
{
	uint64_t *pte = pte_walk(va, true);

	if (!pte)
		return -ENOMEM;
	if (*pte & (PTE_V | PTE_SW_KEPT))
		pmem_free(&pmem, pte_pa(*pte));
	else
		resident++;
	*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(prot);
	return 0;
}

/* Entries for [start, end) changed or went: this hart and every other forget them. */
static void vm_flush(uint64_t start, uint64_t end)
{
	sfence_vma_all();
	smp_tlb_shootdown(start, end - start);
}

/* Take [start, end) out of the VMA list, splitting VMAs that straddle it. */
static int vma_carve(uint64_t start, uint64_t end)
{
	for (int i = 0; i < nvmas; i++) {
		struct vma *v = &vmas[i];

		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start && v->end > end) {
			if (nvmas == VM_MAX_VMAS)
				return -ENOMEM;
			memmove(v + 2, v + 1, (nvmas - i - 1) * sizeof(*v));
			v[1] = (struct vma){ end, v->end, v->prot };
			v->end = start;
			nvmas++;
			return 0;
		}
		if (v->start >= start && v->end <= end) {
			memmove(v, v + 1, (nvmas - i - 1) * sizeof(*v));
			nvmas--;
			i--;
		} else if (v->start < start) {
			v->end = start;
		} else {
			v->start = end;
		}
	}
	return 0;
}

/* Insert a VMA into the sorted list, merging with equal neighbours. */
static int vma_insert(uint64_t start, uint64_t end, uint32_t prot)
{
	int i = 0;

	while (i < nvmas && vmas[i].start < start)
		i++;
	if (i > 0 && vmas[i - 1].end == start && vmas[i - 1].prot == prot) {
		vmas[i - 1].end = end;
		if (i < nvmas && vmas[i].start == end && vmas[i].prot == prot) {
			vmas[i - 1].end = vmas[i].end;
			memmove(&vmas[i], &vmas[i + 1], (nvmas - i - 1) * sizeof(vmas[0]));
			nvmas--;
		}
		return 0;
	}
	if (i < nvmas && vmas[i].start == end && vmas[i].prot == prot) {
		vmas[i].start = start;
		return 0;
	}
	if (nvmas == VM_MAX_VMAS)
		return -ENOMEM;
	memmove(&vmas[i + 1], &vmas[i], (nvmas - i) * sizeof(vmas[0]));
	vmas[i] = (struct vma){ start, end, prot };
	nvmas++;
	return 0;
}

/* Writable pages the VMAs promise in [start, end). */
static uint64_t committed_in(uint64_t start, uint64_t end)
{
	uint64_t n = 0;

	for (int i = 0; i < nvmas; i++) {
		const struct vma *v = &vmas[i];

		if (v->end > start && v->start < end && (v->prot & PROT_WRITE) && !(v->prot & VM_DEVICE))
			n += (MIN(v->end, end) - MAX(v->start, start)) / PAGE_SIZE;
	}
	return n;
}

int vm_add(uint64_t start, uint64_t end, uint32_t prot)
{
	uint64_t before = committed_in(start, end);
	uint64_t after = (prot & PROT_WRITE) && !(prot & VM_DEVICE) ? (end - start) / PAGE_SIZE : 0;

	if (after > before && after - before > commit_limit)
		return -ENOMEM;
	int r = vma_carve(start, end);

	if (r)
		return r;
	r = vma_insert(start, end, prot);
	if (r)
		return r;
	committed = committed - before + after;
	return 0;
}

void vm_remove(uint64_t start, uint64_t end)
{
	committed -= committed_in(start, end);
	vma_carve(start, end);
	pte_for_range(start, end, pte_drop, 0);
	vm_flush(start, end);
}

void vm_discard(uint64_t start, uint64_t end)
{
	pte_for_range(start, end, pte_drop, 0);
	vm_flush(start, end);
}

/* Is [start, end) entirely covered by VMAs? */
bool vm_covered(uint64_t start, uint64_t end)
{
	uint64_t at = start;

	for (int i = 0; i < nvmas && at < end; i++) {
		if (vmas[i].end <= at)
			continue;
		if (vmas[i].start > at)
			return false;
		at = vmas[i].end;
	}
	return at >= end;
}

int vm_protect(uint64_t start, uint64_t end, uint32_t prot)
{
	if (!vm_covered(start, end))
		return -ENOMEM;
	/* Piece by piece, so each VMA keeps its own VM_DEVICE flag. */
	for (uint64_t at = start; at < end;) {
		const struct vma *v = vm_find(at);
		uint64_t to = MIN(v->end, end);
		int r = vm_add(at, to, prot | (v->prot & VM_DEVICE));

		if (r)
			return r;
		at = to;
	}
	pte_for_range(start, end, pte_reprotect, prot);
	vm_flush(start, end);
	return 0;
}

bool vm_range_free(uint64_t start, uint64_t end)
{
	for (int i = 0; i < nvmas; i++)
		if (vmas[i].start < end && vmas[i].end > start)
			return false;
	return true;
}

uint64_t vm_find_free(uint64_t len, uint64_t hint)
{
	if (hint && hint >= PAGE_SIZE && hint <= USER_MMAP_TOP && len <= USER_MMAP_TOP - hint &&
	    vm_range_free(hint, hint + len))
		return hint;
	uint64_t top = USER_MMAP_TOP;

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

const struct vma *vm_find(uint64_t va)
{
	int lo = 0, hi = nvmas;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (vmas[mid].end <= va)
			lo = mid + 1;
		else if (vmas[mid].start > va)
			hi = mid;
		else
			return &vmas[mid];
	}
	return NULL;
}

static bool pte_allows(uint64_t pte, uint32_t access)
{
	if (!(pte & PTE_V))
		return false;
	if ((access & PROT_WRITE) && !(pte & PTE_W))
		return false;
	if ((access & PROT_READ) && !(pte & PTE_R))
		return false;
	if ((access & PROT_EXEC) && !(pte & PTE_X))
		return false;
	return true;
}

int vm_fault(uint64_t va, uint32_t access)
{
	const struct vma *v = vm_find(va);

	if (!v)
		return -EFAULT;
	if ((access & v->prot) != access && !(access == PROT_READ && (v->prot & PROT_WRITE)))
		return -EACCES;
	/* Device registers are mapped whole at mmap: a hole is not RAM to supply. */
	if (v->prot & VM_DEVICE) {
		uint64_t *pte = pte_walk(va, false);

		if (!pte || !(*pte & (PTE_V | PTE_SW_KEPT)))
			return -EFAULT;
	}
	uint64_t *pte = pte_walk(va, true);

	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_SW_KEPT) {
		pte_reprotect(va, pte, v->prot);
	} else if (!(*pte & PTE_V)) {
		uint64_t pa = pmem_alloc_zeroed(&pmem);

		if (!pa)
			return -ENOMEM;
		*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(v->prot);
		resident++;
		/* No fence for an invalid-to-valid change: a hart that cached the
		 * invalid entry faults once more and takes the branch below
		 * (Linux's flush_tlb_fix_spurious_fault). On QEMU, where
		 * sfence.vma empties the whole TLB, this halves the cost of a
		 * first touch. */
		return pte_allows(*pte, access) ? 0 : -EACCES;
	}
	/* The page was there: the fault came from a stale TLB entry (this hart
	 * cached the old PTE, or another hart filled it). */
	sfence_vma_page(va);
	return pte_allows(*pte, access) ? 0 : -EACCES;
}

int uaccess_ok(uint64_t va, uint64_t len, uint32_t access)
{
	if (len == 0)
		return 0;
	if (va >= USER_TOP || len > USER_TOP - va)
		return -EFAULT;
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len; p += PAGE_SIZE) {
		uint64_t *pte = pte_walk(p, false);

		if (pte && pte_allows(*pte, access))
			continue;
		int r = vm_fault(p, access);

		if (r == -ENOMEM)
			vm_oom(p);
		if (r)
			return -EFAULT;
	}
	return 0;
}

/* Bytes up to the end of va's page. */
static size_t page_left(uint64_t va)
{
	return PAGE_SIZE - (va & (PAGE_SIZE - 1));
}

static int user_copy(void *kbuf, uint64_t uva, size_t len, bool to_user)
{
	uint8_t *k = kbuf;

	if (uaccess_ok(uva, len, to_user ? PROT_WRITE : PROT_READ))
		return -EFAULT;
	while (len) {
		size_t n = MIN(len, page_left(uva));

		if (to_user)
			memcpy(user_ptr(uva), k, n);
		else
			memcpy(k, user_ptr(uva), n);
		k += n;
		uva += n;
		len -= n;
	}
	return 0;
}

int copy_from_user(void *dst, uint64_t src, size_t len)
{
	return user_copy(dst, src, len, false);
}

int copy_to_user(uint64_t dst, const void *src, size_t len)
{
	return user_copy((void *)src, dst, len, true);
}

int strncpy_from_user(char *dst, uint64_t src, size_t max)
{
	size_t i = 0;

	while (i < max) {
		size_t n = MIN(max - i, page_left(src + i));

		if (uaccess_ok(src + i, n, PROT_READ))
			return -EFAULT;
		const char *p = user_ptr(src + i);

		for (size_t j = 0; j < n; j++, i++) {
			dst[i] = p[j];
			if (!dst[i])
				return 0;
		}
	}
	return -ENAMETOOLONG;
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
