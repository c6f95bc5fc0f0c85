/* SPDX-License-Identifier: MIT */
/*
 * What mm/vm.c shares with mm/fault.c, its page-fault half, and with no one
 * else: the PTE bits goose keeps for itself, the page-table walk, and the
 * lock.
 *
 * mm_lock (LOCK_RANK_MM, taken under the big lock or alone): the VMAs, the
 * page tables and the resident counts. Every public function of vm.c and
 * fault.c that changes them takes it, and the *_locked ones expect it held.
 * VMAs change without the big lock too (mmap of anonymous memory,
 * sys_mmap_lockless), so every reader of them holds mm_lock (vm_lock
 * outside mm/). PTEs change without the big lock only from empty to a page
 * (vm_fault_fast), which a reader under the big lock may see either way,
 * so it reads them without mm_lock. vm_seq counts
 * every change that takes PTEs away or changes a VMA, so a fault that let
 * the lock go to zero its pages knows whether what it saw still holds.
 */
#ifndef GOOSE_VM_INTERNAL_H
#define GOOSE_VM_INTERNAL_H

#include "arch/riscv/riscv.h"
#include "arch/riscv/spinlock.h"
#include "include/uapi/mman.h"
#include "mm/vm.h"

/* A page whose VMA went PROT_NONE keeps its frame in the (invalid) PTE, marked
 * with an RSW bit (privileged spec 4.4.1: bits 8-9 are for software), so a
 * later mprotect brings the data back as Linux does. */
#define PTE_SW_KEPT (1ul << 8)
/* The other RSW bit marks a frame the mapping does not own (device
 * registers, a file's page): unmapping it frees nothing. */
#define PTE_SW_NOFREE (1ul << 9)
/* With pte_reprotect's prot: the VMA is a private file mapping, where a
 * page still the file's (NOFREE) stays read-only: the first store copies it. */
#define REPROTECT_COW 0x80000000u
/* What one leaf page table maps: 2 MiB. */
#define TABLE_SPAN (PAGE_SIZE << 9)
/* Pages an unmap gathers before it must shoot down and give them back (vm.c):
 * 4 MiB, so that an unmap of up to that takes one shootdown (or none, when
 * small enough for mm/defer.c). With 128, a 4 MiB munmap shot down 8 times
 * under mm_lock, each a wait for every other hart. */
#define VM_GATHER_PAGES 1024

extern struct spinlock mm_lock;
extern uint64_t vm_seq;

static inline uint64_t pte_pa(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static inline uint64_t prot_to_pte(uint32_t prot)
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

/* The leaf PTE for va; with alloc, page-table pages are made on the way. */
uint64_t *pte_walk(uint64_t va, bool alloc);

/* Deferred unmaps (mm/defer.c), all under mm_lock. defer_unmap: the PTEs
 * of [start, end) are gone and pages[0..n) were theirs: false when the
 * caller must shoot down and free them itself. defer_overlap: the lowest
 * start of a deferred range [start, end) overlaps, or 0. defer_retire lets
 * go of what every hart has passed; defer_settle shoots all down now. */
bool defer_unmap(uint64_t start, uint64_t end, const uint64_t *pages, uint64_t n);
uint64_t defer_overlap(uint64_t start, uint64_t end);
void defer_retire(void);
void defer_settle(void);
/* Give the page behind *pte the rights arg says (vma_pte_arg). */
void pte_reprotect(uint64_t va, uint64_t *pte, uint32_t arg);
uint32_t cow_prot(uint32_t prot);
bool vma_cow(const struct vma *v);
uint32_t vma_pte_arg(const struct vma *v);
/* Entries for [start, end) changed or went: every hart forgets them. */
void vm_flush(uint64_t start, uint64_t end);
/* n more pages resident (and the peak). */
void vm_count_resident(uint64_t n);

#endif
