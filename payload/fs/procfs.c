/* SPDX-License-Identifier: MIT */
/*
 * Per-thread files under /proc, in Linux's format (fs/proc/array.c):
 * /proc/<tid>/status and /proc/1/task/<tid>/status, made when the thread
 * starts and removed when it ends, and /proc/self/status (the main
 * thread's). What Go's tests and ps-like code read: the name, state, ids,
 * groups and thread count. The rest of /proc/self is in devmem.c (pagemap,
 * maps) and main.c (exe).
 */
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "sys/sys.h"

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
