/* SPDX-License-Identifier: MIT */
/*
 * /proc, in Linux's formats:
 *   /proc/<tid>/status, /proc/1/task/<tid>/status and /proc/self/status (the
 *     main thread's), made when a thread starts and removed when it ends
 *     (fs/proc/array.c): the name, state, ids, groups and thread count, what
 *     Go's tests and ps-like code read;
 *   /proc/self/pagemap: 8 bytes per virtual page, bit 63 present, bits 0-54
 *     the page frame number (fs/proc/task_mmu.c); how a driver learns the
 *     physical address of its DMA buffers;
 *   /proc/self/maps: the mappings, one line each (runtime/pprof reads it);
 *     none names a file;
 *   /proc/self/exe: a symbolic link to the program (procfs_exe);
 *   /proc/self/cmdline and /proc/self/environ: the words the program was
 *     started with, each ending in a NUL (fs/proc/base.c reads them from the
 *     program's stack; goose keeps the boot's copy: procfs_process);
 *   /proc/sys/fs/pipe-max-size: Linux's default, 1048576.
 */
#include "fs/vfs.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "kernel/cred.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "lib/bootargs.h"
#include "mm/vm.h"

static long status_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	const struct thread *t = thread_by_tid((int)(uintptr_t)f->priv);
	const uint32_t *groups;
	int ngroups = cred_groups(&groups);
	char text[1536];
	size_t n;

	if (!t)
		return -ESRCH;
	n = (size_t)snprintf(text, sizeof(text),
			     "Name:\t%s\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t0\nTracerPid:\t0\n"
			     "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t",
			     t->name[0] ? t->name : "goose", t->state == T_RUNNING ? "R (running)" : "S (sleeping)",
			     GOOSE_PID, t->tid, t->uid[0], t->uid[1], t->uid[2], t->uid[3], t->gid[0], t->gid[1], t->gid[2],
			     t->gid[3]);
	for (int i = 0; i < ngroups && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%u ", groups[i]);
	if (n < sizeof(text))
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\nThreads:\t%d\n", thread_count());
	n = MIN(n, sizeof(text) - 1);
	if (*off >= n)
		return 0;
	len = MIN(len, n - *off);
	memcpy(buf, text + *off, len);
	*off += len;
	return (long)len;
}

static const struct file_ops status_ops = {
	.read = status_read,
	.seekable = true,
};

static void status_paths(int tid, char paths[2][48])
{
	snprintf(paths[0], 48, "/proc/%d/status", tid);
	snprintf(paths[1], 48, "/proc/%d/task/%d/status", GOOSE_PID, tid);
}

void proc_thread_add(int tid)
{
	char paths[2][48];

	status_paths(tid, paths);
	/* Out of memory, the files are missing; the thread runs all the same. */
	for (int i = 0; i < 2; i++)
		(void)vfs_add_device(paths[i], &status_ops, 0444, 0, (void *)(uintptr_t)tid);
	if (tid == GOOSE_PID)
		(void)vfs_add_device("/proc/self/status", &status_ops, 0444, 0, (void *)(uintptr_t)tid);
}

void proc_thread_remove(int tid)
{
	char paths[2][48];

	status_paths(tid, paths);
	for (int i = 0; i < 2; i++) {
		char *slash;

		vfs_remove(paths[i]);
		slash = paths[i] + strlen(paths[i]) - strlen("/status");
		*slash = '\0';
		vfs_remove(paths[i]);	/* the directory, now empty */
	}
}

#define PM_PRESENT (1ull << 63)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN_MASK ((1ull << 55) - 1)

/* Linux reads pagemap 8 bytes at a time from an 8-aligned offset. */
static long pagemap_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	uint64_t *out = buf;
	size_t n = len / 8;

	(void)f;
	if ((*off & 7) || (len & 7))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t va = (*off / 8 + i) * PAGE_SIZE;
		uint64_t pa = va < USER_TOP ? vm_phys(va) : 0;

		out[i] = pa ? PM_PRESENT | PM_EXCLUSIVE | ((pa >> PAGE_SHIFT) & PM_PFN_MASK) : 0;
	}
	*off += n * 8;
	return (long)(n * 8);
}

static const struct file_ops pagemap_ops = {
	.read = pagemap_read,
	.seekable = true,
};

/* The lines are made as they are read: the bytes of [*off, *off + len). */
static long maps_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	uint64_t pos = 0, done = 0;
	const struct vma *v;

	(void)f;
	for (int i = 0; (v = vm_vma_at(i)) && done < len; i++) {
		char line[128];
		const char *name = v->start == USER_VDSO - PAGE_SIZE ? "[vvar]" : v->start == USER_VDSO ? "[vdso]" : "";
		int n = snprintf(line, sizeof(line), "%08lx-%08lx %c%c%c%c 00000000 00:00 0%s%s\n", v->start, v->end,
				 v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
				 v->prot & PROT_EXEC ? 'x' : '-', v->prot & (VM_DEVICE | VM_SHARED) ? 's' : 'p', *name ? "    " : " ",
				 name);

		if (pos + (uint64_t)n > *off) {
			uint64_t from = *off > pos ? *off - pos : 0, k = MIN((uint64_t)n - from, len - done);

			memcpy((char *)buf + done, line + from, k);
			done += k;
		}
		pos += (uint64_t)n;
	}
	*off += done;
	return (long)done;
}

static const struct file_ops maps_ops = {
	.read = maps_read,
	.seekable = true,
};

void procfs_init(void)
{
	static const char pipe_max[] = "1048576\n";

	if (vfs_add_device("/proc/self/pagemap", &pagemap_ops, 0400, 0, NULL) ||
	    vfs_add_device("/proc/self/maps", &maps_ops, 0444, 0, NULL) ||
	    vfs_add_static("/proc/sys/fs/pipe-max-size", pipe_max, sizeof(pipe_max) - 1, 0444))
		panic("procfs_init: no memory for /proc");
}

/* w, with its NUL, at buf + *len if it fits in size: false when it does not. */
static bool nul_word(char *buf, size_t size, size_t *len, const char *w)
{
	size_t k = strlen(w) + 1;

	if (*len + k > size)
		return false;
	memcpy(buf + *len, w, k);
	*len += k;
	return true;
}

/* first (when not NULL) and words, each with its NUL, into buf: their
 * length (what does not fit is left out). */
static size_t nul_words(char *buf, size_t size, const char *first, const char *const *words, int n)
{
	size_t len = 0;

	if (first && !nul_word(buf, size, &len, first))
		return 0;
	for (int i = 0; i < n && nul_word(buf, size, &len, words[i]); i++)
		;
	return len;
}

int procfs_process(const char *argv0, const struct bootargs *ba)
{
	static char cmdline[BOOTARGS_MAX_LEN + 256], environ[BOOTARGS_MAX_LEN];
	size_t nc = nul_words(cmdline, sizeof(cmdline), argv0, ba->args, ba->nargs);
	size_t ne = nul_words(environ, sizeof(environ), NULL, ba->env, ba->nenv);

	return vfs_add_static("/proc/self/cmdline", cmdline, nc, 0444) ||
	       vfs_add_static("/proc/self/environ", environ, ne, 0400);
}

int procfs_exe(const char *path)
{
	return vfs_add_symlink("/proc/self/exe", path, strlen(path));
}
