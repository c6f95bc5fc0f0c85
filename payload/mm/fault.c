/* SPDX-License-Identifier: MIT */
/*
 * Page faults: the page a first touch needs (zeroed, the file's, or a copy
 * of the file's), the rights a PROT_NONE page gets back, and the pages
 * mapped ahead of a touch in address order. vm_fault runs under the big
 * lock; vm_fault_fast without it, for the common case (mm/vm_internal.h).
 */
#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "mm/vm.h"
#include "mm/vm_internal.h"

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

/* A page of the program's own, a copy of the page at from, into *pte. */
static int map_copy(uint64_t *pte, uint64_t from, uint32_t prot)
{
	uint64_t pa = pmem_alloc(&pmem);

	if (!pa)
		return -ENOMEM;
	memcpy(PA2VA(pa), PA2VA(from), PAGE_SIZE);
	*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(prot);
	vm_count_resident(1);
	return 0;
}

/* A file mapping's first touch of va: the file's page, or for a store
 * into a private mapping a copy of it. */
static int fault_file(const struct vma *v, uint64_t va, uint64_t *pte, uint32_t access)
{
	uint64_t pa;
	int r = v->fops->page(v->file, v->pgoff + (va - v->start) / PAGE_SIZE, &pa);

	if (r)
		return r;
	if (vma_cow(v) && (access & PROT_WRITE))
		return map_copy(pte, pa, v->prot);
	*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(vma_cow(v) ? cow_prot(v->prot) : v->prot) |
	       PTE_SW_NOFREE;
	return pte_allows(*pte, access) ? 0 : -EACCES;
}

static int populate_locked(uint64_t start, uint64_t end)
{
	const struct vma *v = vm_find(start);
	uint64_t *pte = NULL, pa, flags = v ? prot_to_pte(vma_cow(v) ? cow_prot(v->prot) : v->prot) | PTE_SW_NOFREE : 0;
	int r;

	if (!v || !v->fops || end > v->end || start > end)
		return -EINVAL;
	for (uint64_t va = start; va < end; va += PAGE_SIZE, pte++) {
		if ((!pte || !(va & (TABLE_SPAN - 1))) && !(pte = pte_walk(va, true)))	/* a walk per table */
			return -ENOMEM;
		if (*pte & (PTE_V | PTE_SW_KEPT))
			continue;
		if ((r = v->fops->page(v->file, v->pgoff + (va - v->start) / PAGE_SIZE, &pa)))
			return r;
		*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags;
	}
	return 0;
}

/*
 * Fault-ahead (Linux's fault-around, for anonymous memory): a first touch of
 * a page whose neighbour below is already the program's own looks like a
 * heap or a buffer being filled in address order, so the next pages of the
 * same mapping and page table come with it, zeroed, and their touches take
 * no trap. A scattered touch maps only its page, so what is mapped ahead and
 * never used is at most one window per stream; and none is mapped once free
 * RAM falls to an eighth, where every page must go where it is needed.
 */
static uint64_t fault_ahead_pages = VM_FAULT_AHEAD_DEFAULT;

void vm_set_fault_ahead(uint64_t pages)
{
	fault_ahead_pages = MAX(MIN(pages, VM_FAULT_AHEAD_MAX), 1);
}

/* How many pages from va's a first touch there maps, its own included: 1,
 * or when the page below is the program's own already, up to
 * fault_ahead_pages of empty PTEs in the mapping and this page table. */
static uint64_t ahead_window(const struct vma *v, uint64_t va, const uint64_t *pte)
{
	uint64_t table_end = ALIGN_DOWN(va, TABLE_SPAN) + TABLE_SPAN;
	uint64_t end = MIN(MIN(v->end, table_end), va + fault_ahead_pages * PAGE_SIZE), n = 1;

	if (va == v->start || end <= va + PAGE_SIZE)
		return 1;
	/* The page below: in this table (pte - 1) unless va starts one. */
	const uint64_t *below = va & (TABLE_SPAN - 1) ? pte - 1 : pte_walk(va - PAGE_SIZE, false);

	if (!below || (*below & (PTE_V | PTE_SW_NOFREE)) != PTE_V)
		return 1;
	while (va + n * PAGE_SIZE < end && !pte[n])
		n++;
	return n;
}

/* May pages be taken for the window past the touched one? Not once free
 * RAM is down to an eighth. */
static bool ahead_room(void)
{
	return pmem.free_pages > pmem.total_pages / 8;
}

static void fault_ahead(const struct vma *v, uint64_t va, uint64_t *pte)
{
	uint64_t n = ahead_window(v, va, pte), i = 1, pa;

	for (; i < n && ahead_room() && (pa = pmem_alloc(&pmem)); i++) {
		memset(PA2VA(pa), 0, PAGE_SIZE);
		pte[i] = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(v->prot);
	}
	vm_count_resident(i - 1);
}

/* May a touch with access fault a page into v (a load also of a
 * write-only mapping, as Sv39 has no write-only pages)? */
static bool fault_permits(const struct vma *v, uint32_t access)
{
	return (access & v->prot) == access || (access == PROT_READ && (v->prot & PROT_WRITE));
}

static int fault_locked(uint64_t va, uint32_t access)
{
	const struct vma *v = vm_find(va);

	if (!v)
		return -EFAULT;
	if (!fault_permits(v, access))
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
		pte_reprotect(va, pte, vma_pte_arg(v));
	} else if (!(*pte & PTE_V)) {
		/* No fence for an invalid-to-valid change: a hart that cached the
		 * invalid entry faults once more and takes the branch below
		 * (Linux's flush_tlb_fix_spurious_fault). On QEMU, where
		 * sfence.vma empties the whole TLB, this halves the cost of a
		 * first touch. */
		if (v->fops)
			return fault_file(v, va, pte, access);
		uint64_t pa = pmem_alloc_zeroed(&pmem);

		if (!pa)
			return -ENOMEM;
		*pte = (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(v->prot);
		vm_count_resident(1);
		if (!pte_allows(*pte, access))
			return -EACCES;
		if (!(v->prot & (VM_DEVICE | VM_SHARED)))
			fault_ahead(v, ALIGN_DOWN(va, PAGE_SIZE), pte);
		return 0;
	}
	/* A store into a private mapping's page that is still the file's:
	 * the program gets a copy, and no hart may keep reading the file's. */
	if ((access & PROT_WRITE) && vma_cow(v) && (*pte & PTE_SW_NOFREE)) {
		int r = map_copy(pte, pte_pa(*pte), v->prot);

		if (!r)
			vm_flush(ALIGN_DOWN(va, PAGE_SIZE), ALIGN_DOWN(va, PAGE_SIZE) + PAGE_SIZE);
		return r;
	}
	/* The page was there: the fault came from a stale TLB entry (this hart
	 * cached the old PTE, or another hart filled it). */
	sfence_vma_page(va);
	return pte_allows(*pte, access) ? 0 : -EACCES;
}

static void *private_kaddr_locked(uint64_t va)
{
	const struct vma *v = vm_find(va);
	uint32_t rights = v && !(v->prot & VM_DEVICE) ? v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC) : 0;
	uint64_t *pte = pte_walk(va, false);

	/* Not device registers, nor a page without rights for its copy. */
	if (!rights || ((!pte || !(*pte & PTE_V)) && (fault_locked(va, rights & -rights) || !(pte = pte_walk(va, false)))))
		return NULL;
	if (*pte & PTE_SW_NOFREE) {
		if (map_copy(pte, pte_pa(*pte), v->prot))
			return NULL;
		vm_flush(ALIGN_DOWN(va, PAGE_SIZE), ALIGN_DOWN(va, PAGE_SIZE) + PAGE_SIZE);
	}
	return vm_kaddr(va);
}

bool vm_allows(uint64_t va, uint32_t access)
{
	uint64_t *pte = pte_walk(va, false);

	return pte && pte_allows(*pte, access);
}

int vm_populate(uint64_t start, uint64_t end)
{
	spin_lock(&mm_lock);
	int r = populate_locked(start, end);

	spin_unlock(&mm_lock);
	return r;
}

void *vm_private_kaddr(uint64_t va)
{
	spin_lock(&mm_lock);
	void *p = private_kaddr_locked(va);

	spin_unlock(&mm_lock);
	return p;
}

int vm_fault(uint64_t va, uint32_t access)
{
	for (;;) {
		spin_lock(&mm_lock);
		int r = fault_locked(va, access);

		spin_unlock(&mm_lock);
		/* No page left: the pages deferred unmaps hold come back first. */
		if (r != -ENOMEM || !vm_settle())
			return r;
	}
}

/*
 * The common fault without the big lock: a first touch of anonymous memory,
 * or a page another hart has just supplied. Pages are taken and zeroed with
 * no lock held, so harts that fault at once zero at once; mm_lock is held
 * only to look (the mapping, the empty PTEs of the window) and then to put
 * the pages in, and if any mapping changed in between (vm_seq), the pages
 * go back and the fault takes the slow way. 0 when served; -EAGAIN for
 * everything else (files, PROT_NONE pages, copies on write, no page left,
 * faults that end in a signal), which vm_fault then does under the big lock.
 */
#define FAST_BATCH 64

#ifdef GOOSE_HOST
/* Host tests: what another hart does while this one zeroes. */
void (*vm_fault_fast_meanwhile)(void);
#endif

int vm_fault_fast(uint64_t va, uint32_t access)
{
	uint64_t pages[FAST_BATCH], n, seq, got, put = 0;
	const struct vma *v;
	uint64_t *pte;
	int r = -EAGAIN;

	va = ALIGN_DOWN(va, PAGE_SIZE);
	spin_lock(&mm_lock);
	v = vm_find(va);
	if (!v || v->fops || (v->prot & (VM_DEVICE | VM_SHARED)) || !fault_permits(v, access) ||
	    !(pte = pte_walk(va, true)))
		goto out;
	if (*pte & PTE_V) {
		/* Supplied meanwhile (another hart), or a stale entry here. */
		sfence_vma_page(va);
		r = pte_allows(*pte, access) ? 0 : -EAGAIN;
		goto out;
	}
	if (*pte)
		goto out;
	/* A window wider than a batch (goose.faultahead above it) is
	 * vm_fault's, which maps it whole. */
	n = ahead_window(v, va, pte);
	if (n > FAST_BATCH)
		goto out;
	seq = vm_seq;
	spin_unlock(&mm_lock);

	got = pmem_alloc_many(&pmem, pages, ahead_room() ? n : 1);
	for (uint64_t i = 0; i < got; i++)
		memset(PA2VA(pages[i]), 0, PAGE_SIZE);
#ifdef GOOSE_HOST
	if (vm_fault_fast_meanwhile)
		vm_fault_fast_meanwhile();
#endif

	spin_lock(&mm_lock);
	if (got && vm_seq == seq) {
		/* Another fault may have filled some of the window meanwhile. */
		for (uint64_t i = 0; i < got; i++) {
			if (pte[i])
				continue;
			pte[i] = (pages[i] >> PAGE_SHIFT) << PTE_PPN_SHIFT | prot_to_pte(v->prot);
			pages[i] = 0;
			put++;
		}
		vm_count_resident(put);
		r = pte_allows(*pte, access) ? 0 : -EAGAIN;
	}
	spin_unlock(&mm_lock);
	/* The pages not put in go back together. */
	uint64_t spare = 0;

	for (uint64_t i = 0; i < got; i++)
		if (pages[i])
			pages[spare++] = pages[i];
	pmem_free_many(&pmem, pages, spare);
	return r;
out:
	spin_unlock(&mm_lock);
	return r;
}
