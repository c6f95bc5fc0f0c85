/* SPDX-License-Identifier: MIT */
/*
 * The Go program's address space (the lower half of Sv39): page tables and
 * the list of mappings (VMAs). There is one address space; every hart uses
 * the same root table, whose upper half is goose's direct map.
 *
 * Mappings are demand-zero: a page is taken on the first touch (a page
 * fault, or goose touching it for a system call), so PROT_NONE reservations
 * and untouched heap cost no RAM.
 */
#ifndef GOOSE_VM_H
#define GOOSE_VM_H

#include "lib/lib.h"
#include "mm/pmem.h"

#define VM_MAX_VMAS 4096

/* With the PROT_* bits of a VMA: its frames are device registers (/dev/mem),
 * not RAM goose owns: never freed, never counted, never faulted in. */
#define VM_DEVICE 0x100
/* MAP_SHARED: stores reach the file (or device) itself, and every other
 * mapping and read(2) of it sees them. */
#define VM_SHARED 0x200
/* A shared mapping of a file open for writing: mprotect may add PROT_WRITE
 * (Linux's VM_MAYWRITE; without it, EACCES). */
#define VM_MAYWRITE 0x400

/*
 * What a file mapping asks of its file (fs/ supplies it; mm/ knows no
 * file). A VMA holds the file (get/put) for as long as it maps any of it,
 * so the file, and the pages it keeps, outlive close and unlink. The PTEs
 * of a file mapping point at the file's own pages and own none of them
 * (PTE_SW_NOFREE): the file frees a page only after vm_unmap_file has taken
 * it out of every mapping. A private mapping shows the file's page until
 * the program writes to it, then a copy of its own (copy on write).
 */
struct vm_file_ops {
	void (*get)(void *file);
	void (*put)(void *file);
	/* The file's page at index pgoff, made if it has none yet: 0 with its
	 * physical address in *pa, -EIO when the page lies wholly past the
	 * end of the file, -ENOMEM. */
	int (*page)(void *file, uint64_t pgoff, uint64_t *pa);
};

struct vma {
	uint64_t start;
	uint64_t end;
	uint32_t prot;		/* PROT_* | VM_DEVICE | VM_SHARED | VM_MAYWRITE */
	/* A file mapping: the file (held), what names its pages (the
	 * inode: two open files of one inode map the same pages), and the
	 * page index of the file at start. NULL fops: anonymous. */
	const struct vm_file_ops *fops;
	void *file;
	const void *mapping;
	uint64_t pgoff;
};

extern struct pmem pmem;

void vm_init(uint64_t *root);
/* Map one page now (pa from the allocator), perm = PROT_* bits. */
int vm_map_page(uint64_t va, uint64_t pa, uint32_t prot);
/* Map one page of device registers at physical pa (not owned by goose). */
int vm_map_device(uint64_t va, uint64_t pa, uint32_t prot);
/* Physical address behind va, or 0 when it has no frame (pagemap). */
uint64_t vm_phys(uint64_t va);
/* Add a VMA; the range must be free of other VMAs. */
int vm_add(uint64_t start, uint64_t end, uint32_t prot);
/* Remove [start, end) from VMAs and page tables, freeing the pages. */
void vm_remove(uint64_t start, uint64_t end);
/* munmap: vm_remove, but the shootdown of private anonymous memory is
 * deferred to the other harts' next traps (mm/defer.c). */
void vm_unmap(uint64_t start, uint64_t end);
/* vm_unmap when [start, end) holds only private anonymous memory (whose
 * unmap needs no file, so no big lock): whether it did. */
bool vm_unmap_anon(uint64_t start, uint64_t end);
/* goose.tlbdefer=0: every unmap shoots down at once. */
void vm_set_tlb_defer(bool on);
/* Deferred unmaps every hart has passed let go of their pages (the timer
 * calls it); vm_settle shoots the rest down now: whether it had pages. */
void vm_tick(void);
bool vm_settle(void);
/* A new mapping of [addr, addr + len) as mmap makes one, in one step: with
 * VM_MAP_FIXED whatever is there goes first; VM_MAP_NOREPLACE fails with
 * -EEXIST when anything is there; VM_MAP_ANYWHERE takes room where there
 * is some (addr a hint) or fails with -ENOMEM. The address, or the error. */
enum vm_map_how { VM_MAP_ANYWHERE, VM_MAP_FIXED, VM_MAP_NOREPLACE };
long vm_map(uint64_t addr, uint64_t len, uint32_t prot, enum vm_map_how how);
/* [start, end), one mapping vm_add just made, maps file from page index
 * pgoff (see struct vm_file_ops); the VMA takes a hold on file. 0 or -ENOMEM. */
int vm_set_file(uint64_t start, uint64_t end, const struct vm_file_ops *ops, void *file, const void *mapping,
		uint64_t pgoff);
/* Give [start, end), inside one file mapping, its file's pages now, as
 * first touches would (a private mapping's read-only until written): for
 * the loader, whose program would fault on each page of its text soon
 * after. 0, -EINVAL when [start, end) is not inside one file mapping, or
 * what the file's page() said. */
int vm_populate(uint64_t start, uint64_t end);
/* goose's address of the program's byte va in a page of the program's own:
 * a page that is still a file's (a private mapping's) is copied first,
 * whatever the mapping's protection (the loader's ecall rewrite in text
 * mapped from the ELF). NULL when va is not mapped or no page is left. */
void *vm_private_kaddr(uint64_t va);
/* The file named mapping drops or zeroes its pages [first, end) (page
 * indexes): take them out of every mapping, on every hart, before it does.
 * cows: private copies go too (truncation: the range is past the new end,
 * where every access must fault); else they stay (a punched hole). */
void vm_unmap_file(const void *mapping, uint64_t first, uint64_t end, bool cows);
/* Change protection of [start, end); -ENOMEM when not all mapped, -EACCES
 * when it would make a shared mapping of a file not open for writing writable. */
int vm_protect(uint64_t start, uint64_t end, uint32_t prot);
/* Drop the pages of [start, end): the next touch gives zeros, or the
 * file's bytes again in a file mapping. */
void vm_discard(uint64_t start, uint64_t end);
/* mremap(2) whole, as Linux's mm/mremap.c checks and does it: the new
 * address, or -EINVAL, -EFAULT, -ENOMEM. A move takes the pages along
 * (their PTEs, not copies); see vm.c. */
long vm_mremap(uint64_t addr, uint64_t old_len, uint64_t new_len, uint64_t flags, uint64_t new_addr);
/* Is [start, end) entirely covered by mappings? */
bool vm_covered(uint64_t start, uint64_t end);
/* Has the page at va a frame now (mincore)? */
bool vm_resident(uint64_t va);
/* goose's address (direct map) for the program's va, or NULL when no frame. */
void *vm_kaddr(uint64_t va);
/* The VMA holding va, and the i-th VMA in address order (NULL past the
 * last). Outside mm/, only between vm_lock and vm_unlock: mmap changes the
 * list without the big lock. Nothing in between may fault or take mm_lock. */
const struct vma *vm_find(uint64_t va);
const struct vma *vm_vma_at(int i);
void vm_lock(void);
void vm_unlock(void);

/* A page fault at va: 0 when handled (page supplied), -EFAULT when the
 * address is not mapped, -EACCES when mapped without that access, -EIO
 * when a file mapping's page lies wholly past the end of its file (SIGBUS,
 * BUS_ADRERR), -ENOMEM when no page is left. access: PROT_READ/WRITE/EXEC. */
int vm_fault(uint64_t va, uint32_t access);

/* Pages a first touch in address order maps at once (see vm.c's
 * fault_ahead; goose.faultahead=<pages>, 0 or 1 for one at a time). */
#define VM_FAULT_AHEAD_DEFAULT 16
#define VM_FAULT_AHEAD_MAX 512
void vm_set_fault_ahead(uint64_t pages);

/* vm_fault's common case, without the big lock (mm/fault.c): 0 when the
 * page is there now, -EAGAIN when vm_fault must do it under the big lock. */
int vm_fault_fast(uint64_t va, uint32_t access);

/* No page is left for va: report it and end the program (status 137, as
 * a process the OOM killer's SIGKILL ends). */
void vm_oom(uint64_t va) __attribute__((noreturn));

/* Does the page at va let the program have access now (its PTE)? */
bool vm_allows(uint64_t va, uint32_t access);

/* mm/uaccess.c. Make [va, va+len) safe for goose to read (or write): every page present
 * with the access. 0, or -EFAULT. */
int uaccess_ok(uint64_t va, uint64_t len, uint32_t access);
/* The program's byte at va as goose reaches it once uaccess_ok said so:
 * the very address (one address space), or in host tests through the page
 * tables (so within va's page only). */
static inline void *user_ptr(uint64_t va)
{
#ifdef GOOSE_HOST
	return vm_kaddr(va);
#else
	return (void *)(uintptr_t)va;
#endif
}
int copy_from_user(void *dst, uint64_t src, size_t len);
int copy_to_user(uint64_t dst, const void *src, size_t len);
/* A NUL-terminated string of at most max bytes (incl. NUL); -EFAULT or
 * -ENAMETOOLONG. */
int strncpy_from_user(char *dst, uint64_t src, size_t max);

/* Pages mapped for the Go program right now (for reports). */
uint64_t vm_resident_pages(void);
/* The address space's size for /proc: pages resident now and at most
 * (VmRSS, VmHWM), bytes mapped now and at most (VmSize, VmPeak). */
struct vm_usage {
	uint64_t rss, rss_peak, size, size_peak;
};
void vm_usage(struct vm_usage *u);

/*
 * Overcommit: memory is committed on touch. A mapping is refused with
 * ENOMEM only when its writable pages alone exceed the limit set here,
 * which goose sets to the whole address space (Linux's
 * vm.overcommit_memory=1; its default heuristic also refuses one mapping
 * larger than RAM and swap, which would stop Go on a small machine: the
 * runtime maps a 32 MiB heap-arena index it barely touches); otherwise
 * pages are found when first touched, and a touch no page is left for
 * ends the program with goose's out-of-memory report (vm_oom), as Linux's
 * OOM killer would. Go never returns heap address space, only pages
 * (MADV_DONTNEED), so strict accounting would stop programs Linux runs.
 * PROT_NONE costs nothing.
 */
void vm_set_commit_limit(uint64_t pages);
/* Writable pages of all mappings (touched or not), for reports. */
uint64_t vm_committed_pages(void);

#endif
