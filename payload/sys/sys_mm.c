/* SPDX-License-Identifier: MIT */
/*
 * Memory system calls: mmap, munmap, mprotect, madvise, mincore, msync,
 * brk. Flags are Linux's (include/uapi/asm-generic/mman-common.h, mman.h).
 * Anonymous memory is demand-zero (vm.c); a file mapping maps the file's
 * own pages as they are touched (a private one copies a page it writes).
 */
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/mman.h"
#include "kernel/thread.h"
#include "mm/vm.h"
#include "sys/sys.h"

/* The flags every file mapping takes (include/linux/mman.h); with
 * MAP_SHARED_VALIDATE any other is EOPNOTSUPP (no goose file has more). */
#define LEGACY_MAP_MASK                                                                                       \
	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_UNINITIALIZED | \
	 MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB)

/* The range goose hands out: the program's half, less page 0 and the vDSO pages. */
#define USER_MAP_END (USER_VDSO - PAGE_SIZE)

static bool user_range(uint64_t start, uint64_t len)
{
	return start >= PAGE_SIZE && start < USER_MAP_END && len <= USER_MAP_END - start;
}

/* Touch every page now (MAP_POPULATE, MADV_POPULATE_*): 0, or vm_fault's
 * error at the first page it failed for. */
static int populate(uint64_t start, uint64_t len, uint32_t access)
{
	for (uint64_t va = start; va < start + len; va += PAGE_SIZE) {
		int r = vm_fault(va, access);

		if (r)
			return r;
	}
	return 0;
}

/* One run of physical pages for the whole mapping, if there is one; else
 * populate() takes pages one by one. */
static void populate_contiguous(uint64_t addr, uint64_t len, uint32_t prot)
{
	uint64_t n = len / PAGE_SIZE, pa = pmem_alloc_contig(&pmem, n);

	if (!pa)
		return;
	for (uint64_t i = 0; i < n; i++) {
		memset(PA2VA(pa + i * PAGE_SIZE), 0, PAGE_SIZE);
		if (vm_map_page(addr + i * PAGE_SIZE, pa + i * PAGE_SIZE, prot)) {
			/* Out of page-table pages: hand back what is not mapped. */
			for (uint64_t j = i; j < n; j++)
				pmem_free(&pmem, pa + j * PAGE_SIZE);
			return;
		}
	}
}

SYSCALL(mmap)
{
	uint64_t addr = a[0], len = a[1], off = a[5];
	uint32_t prot = (uint32_t)a[2], flags = (uint32_t)a[3];
	int fd = (int)a[4];
	struct file *f = NULL;
	uint32_t vm_flags = 0;

	(void)t;
	if (!len)
		return -EINVAL;
	/* Longer than the address space (or wrapping when rounded): ENOMEM. */
	if (len > USER_TOP)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	/* Unknown prot bits are ignored (do_mmap: calc_vm_prot_bits). */
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_PRIVATE:
		break;
	case MAP_SHARED_VALIDATE:
		/* do_mmap: a type of file mappings only. */
		if (flags & MAP_ANONYMOUS)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get(fd);
		if (!f || (f->flags & O_PATH))
			return -EBADF;
		if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE && (flags & ~(uint32_t)LEGACY_MAP_MASK))
			return -EOPNOTSUPP;
		if ((f->flags & O_ACCMODE) == O_WRONLY)
			return -EACCES;
		/* A shared writable mapping needs a file open for writing. */
		if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) && (f->flags & O_ACCMODE) != O_RDWR)
			return -EACCES;
		if (!f->ops->mmap)
			return -ENODEV;
		/* file_mmap_ok: the last byte's offset must fit a loff_t. */
		if (off > INT64_MAX - len)
			return -EOVERFLOW;
		vm_flags = f->ops->vm_flags;
		if ((flags & MAP_TYPE) != MAP_PRIVATE)
			vm_flags |= VM_SHARED | ((f->flags & O_ACCMODE) == O_RDWR ? VM_MAYWRITE : 0);
	}
	enum vm_map_how how = VM_MAP_ANYWHERE;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (!user_range(addr, len))
			return -ENOMEM;
		how = flags & MAP_FIXED ? VM_MAP_FIXED : VM_MAP_NOREPLACE;
	}
	long m = vm_map(how == VM_MAP_ANYWHERE ? ALIGN_DOWN(addr, PAGE_SIZE) : addr, len, prot | vm_flags, how);

	if (m < 0)
		return m;
	addr = (uint64_t)m;
	if (f) {
		long r = f->ops->mmap(f, addr, len, prot, off, (flags & MAP_TYPE) != MAP_PRIVATE);

		if (r) {
			vm_remove(addr, addr + len);
			return r;
		}
	}
	/* Pinned and populated anonymous memory is what drivers use for DMA:
	 * goose makes it physically contiguous when it can (/proc/self/pagemap
	 * tells the addresses). */
	if (!f && (flags & MAP_LOCKED) && (flags & MAP_POPULATE) && (prot & PROT_WRITE))
		populate_contiguous(addr, len, prot);
	/* As mm_populate, a page that cannot be had (past a file's end, or
	 * PROT_NONE) ends the populating, not the mmap; goose's one difference:
	 * no memory left is ENOMEM now rather than the OOM killer later. A
	 * private writable mapping is written to, so it has its copies. */
	if (flags & (MAP_POPULATE | MAP_LOCKED)) {
		int r = populate(addr, len, prot & PROT_WRITE ? PROT_WRITE : PROT_READ);

		if (r == -ENOMEM) {
			vm_remove(addr, addr + len);
			return -ENOMEM;
		}
	}
	return (long)addr;
}

/*
 * mmap without the big lock (sys/syscall.c, syscall_lockless): new
 * private anonymous memory anywhere, which reaches nothing but the VMAs
 * (vm_map takes mm_lock for them). false: the usual way does it.
 */
bool sys_mmap_lockless(struct thread *t)
{
	const uint64_t *a = frame_args(&t->frame);
	uint32_t flags = (uint32_t)a[3];

	if ((flags & (MAP_TYPE | MAP_ANONYMOUS | MAP_FIXED | MAP_FIXED_NOREPLACE | MAP_POPULATE | MAP_LOCKED)) !=
	    (MAP_PRIVATE | MAP_ANONYMOUS))
		return false;
	t->frame.a0 = (uint64_t)sys_mmap(t, a);
	return true;
}

/* munmap's range [*start, *end), checked: 0 or -EINVAL. */
static long munmap_range(const uint64_t *a, uint64_t *start, uint64_t *end)
{
	uint64_t addr = a[0], len = a[1] > UINT64_MAX - PAGE_SIZE ? 0 : ALIGN_UP(a[1], PAGE_SIZE);

	if ((addr & (PAGE_SIZE - 1)) || !len || len > USER_TOP || addr >= USER_TOP || len > USER_TOP - addr)
		return -EINVAL;
	/* The vDSO stays: Linux lets it go, but then every signal would crash. */
	if (addr + len > USER_MAP_END)
		len = addr < USER_MAP_END ? USER_MAP_END - addr : 0;
	*start = addr;
	*end = addr + len;
	return 0;
}

SYSCALL(munmap)
{
	uint64_t start, end;
	long r = munmap_range(a, &start, &end);

	(void)t;
	if (!r)
		vm_unmap(start, end);
	return r;
}

/* munmap without the big lock (sys/syscall.c, syscall_lockless): a range
 * of private anonymous memory only, while no holder of the big lock may be
 * reaching the program's memory (kernel/thread.h, lockless_unmap_begin).
 * false: the usual way does it (and any error). */
bool sys_munmap_lockless(struct thread *t)
{
	uint64_t start, end;

	if (munmap_range(frame_args(&t->frame), &start, &end) || !lockless_unmap_begin())
		return false;
	bool done = vm_unmap_anon(start, end);

	lockless_unmap_end();
	if (done)
		t->frame.a0 = 0;
	return done;
}

SYSCALL(mprotect)
{
	uint64_t addr = a[0], len = a[1] > UINT64_MAX - PAGE_SIZE ? 0 : ALIGN_UP(a[1], PAGE_SIZE);
	uint32_t prot = (uint32_t)a[2];

	(void)t;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!a[1])
		return 0;
	/* A length that wraps when rounded up (mm/mprotect.c: end <= start). */
	if (!len)
		return -ENOMEM;
	/* PROT_GROWSDOWN/UP (0x01000000, 0x02000000) only apply to stacks; accept and ignore them. */
	prot &= ~0x03000000u;
	if (prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!user_range(addr, len))
		return -ENOMEM;
	return vm_protect(addr, addr + len, prot);
}

/*
 * As do_madvise (mm/madvise.c): the advice, the alignment, a length that
 * wraps, then a zero length is 0; the mapped parts of the range take the
 * advice and a hole anywhere in it makes the answer ENOMEM
 * (madvise_walk_vmas).
 */
SYSCALL(madvise)
{
	uint64_t addr = a[0], len = a[1] > UINT64_MAX - PAGE_SIZE ? 0 : ALIGN_UP(a[1], PAGE_SIZE);
	bool covered;

	(void)t;
	/* madvise_behavior_valid: 0-4 (NORMAL to DONTNEED), 8-25 (FREE to COLLAPSE). */
	if (a[2] > MADV_COLLAPSE || (a[2] > MADV_DONTNEED && a[2] < MADV_FREE))
		return -EINVAL;
	if ((addr & (PAGE_SIZE - 1)) || (a[1] && !len) || addr + len < addr)
		return -EINVAL;
	if (!len)
		return 0;
	covered = user_range(addr, len) && vm_covered(addr, addr + len);
	switch (a[2]) {
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_REMOVE:
	case MADV_PAGEOUT:
		if (user_range(addr, len))
			vm_discard(addr, addr + len);
		break;
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		if (!covered)
			return -ENOMEM;
		/* madvise_populate: a page that faults (SIGSEGV or SIGBUS) is EFAULT. */
		switch (populate(addr, len, a[2] == MADV_POPULATE_WRITE ? PROT_WRITE : PROT_READ)) {
		case 0:
			return 0;
		case -ENOMEM:
			return -ENOMEM;
		default:
			return -EFAULT;
		}
	default:
		/* Hints about paging policies goose does not have. */
		break;
	}
	return covered ? 0 : -ENOMEM;
}

/* mremap: vm_mremap does it all, with Linux's checks in mm/mremap.c's order. */
SYSCALL(mremap)
{
	(void)t;
	return vm_mremap(a[0], a[1], a[2], a[3], a[4]);
}

/*
 * mlock, mlock2 and munlock as mm/mlock.c's do_mlock and
 * apply_vma_lock_flags check them: the start rounded down, the length
 * (with the start's offset) rounded up, wrapping as Linux's does (a length
 * that rounds to 0 locks nothing and succeeds), an end past the top EINVAL,
 * then a hole anywhere ENOMEM. goose never pages anything out, so a locked
 * page is any page: mlock only brings the range in (__mm_populate, which
 * skips device memory: /dev/mem's). A page that cannot be had, PROT_NONE or
 * past a file's end, is ENOMEM, and no memory left EAGAIN, as
 * __mlock_posix_error_return turns EFAULT and ENOMEM. Root,
 * goose's only user, holds CAP_IPC_LOCK: RLIMIT_MEMLOCK does not apply.
 */
static long lock_range(uint64_t start, uint64_t len, bool bring_in)
{
	uint64_t end;

	len = (len + (start & (PAGE_SIZE - 1)) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	start &= ~(PAGE_SIZE - 1);
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (!user_range(start, len) || !vm_covered(start, end))
		return -ENOMEM;
	if (bring_in) {
		for (uint64_t va = start; va < end; va += PAGE_SIZE) {
			vm_lock();
			const struct vma *v = vm_find(va);
			bool device = v && (v->prot & VM_DEVICE);

			vm_unlock();
			int r = device ? 0 : vm_fault(va, PROT_READ);

			if (r)
				return r == -ENOMEM ? -EAGAIN : -ENOMEM;
		}
	}
	return 0;
}

SYSCALL(mlock)
{
	(void)t;
	return lock_range(a[0], a[1], true);
}

SYSCALL(mlock2)
{
	(void)t;
	if (a[2] & ~(uint64_t)MLOCK_ONFAULT)
		return -EINVAL;
	return lock_range(a[0], a[1], !(a[2] & MLOCK_ONFAULT));
}

SYSCALL(munlock)
{
	(void)t;
	return lock_range(a[0], a[1], false);
}

/* mlockall's flag check (mm/mlock.c); what it would lock is resident for
 * good already, and so is what comes later. */
SYSCALL(mlockall)
{
	(void)t;
	if (!a[0] || (a[0] & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || a[0] == MCL_ONFAULT)
		return -EINVAL;
	return 0;
}

SYSCALL(munlockall)
{
	(void)t;
	(void)a;
	return 0;
}

SYSCALL(mincore)
{
	uint64_t addr = a[0], len = ALIGN_UP(a[1], PAGE_SIZE);

	(void)t;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!user_range(addr, len) || !vm_covered(addr, addr + len))
		return -ENOMEM;
	for (uint64_t va = addr; va < addr + len; va += PAGE_SIZE) {
		uint8_t in = vm_resident(va);

		if (copy_to_user(a[2] + (va - addr) / PAGE_SIZE, &in, 1))
			return -EFAULT;
	}
	return 0;
}

/*
 * msync: a file here is its pages, so a mapping has nothing to write back
 * or to read again; what is left is mm/msync.c's checking, in its order:
 * the flags (MS_ASYNC and MS_SYNC not both), the alignment, a length that
 * wraps when rounded (ENOMEM; one that rounds to 0 is 0), and holes in the
 * range (ENOMEM once the mapped parts are done, at once for MS_ASYNC
 * alone). MS_SYNC of a writable shared mapping fsyncs its file, which
 * /dev/mem cannot be (EINVAL).
 */
static long msync_check(uint64_t start, uint64_t end, uint32_t flags)
{
	long unmapped = 0;
	const struct vma *v;

	for (int i = 0; (v = vm_vma_at(i)); i++) {
		if (v->end <= start)
			continue;
		if (start < v->start) {
			if (flags == MS_ASYNC || v->start >= end)
				return -ENOMEM;
			unmapped = -ENOMEM;
		}
		if ((flags & MS_SYNC) && (v->prot & (VM_SHARED | VM_MAYWRITE | VM_DEVICE)) ==
						 (VM_SHARED | VM_MAYWRITE | VM_DEVICE))
			return -EINVAL;
		start = v->end;
		if (start >= end)
			return unmapped;
	}
	return -ENOMEM;
}

SYSCALL(msync)
{
	uint64_t start = a[0], end;
	uint32_t flags = (uint32_t)a[2];

	(void)t;
	if (flags & ~(uint32_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	end = start + ((a[1] + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	vm_lock();
	long r = msync_check(start, end, flags);

	vm_unlock();
	return r;
}

/* The program break: an anonymous region just past the ELF's last segment. */
static uint64_t brk_start, brk_cur;

void sys_brk_init(uint64_t image_end)
{
	brk_start = brk_cur = ALIGN_UP(image_end, PAGE_SIZE);
}

SYSCALL(brk)
{
	uint64_t want = a[0];

	(void)t;
	if (!want || want < brk_start || want > USER_MMAP_BOTTOM)
		return (long)brk_cur;
	uint64_t old_end = ALIGN_UP(brk_cur, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);

	if (new_end > old_end) {
		if (vm_map(old_end, new_end - old_end, PROT_READ | PROT_WRITE, VM_MAP_NOREPLACE) < 0)
			return (long)brk_cur;
	} else if (new_end < old_end) {
		vm_remove(new_end, old_end);
	}
	brk_cur = want;
	return (long)brk_cur;
}
