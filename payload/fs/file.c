/* SPDX-License-Identifier: MIT */
/*
 * Open files and the descriptor table (one process: one table, shared by
 * every thread), and file_block, the one way a call waits for a file.
 */
#include "fs/file.h"
#include "fs/locks.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/stat.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "mm/kmem.h"
#include "mm/vm.h"

uint64_t fd_limit = 1024;
struct io_acct io_acct;

static struct {
	struct file *f[MAX_FDS];
	uint64_t cloexec[MAX_FDS / 64];
} fdt;

struct file *file_alloc(const struct file_ops *ops, uint32_t flags, void *priv)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->ops = ops;
	f->refs = 1;
	f->flags = flags;
	f->priv = priv;
	return f;
}

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	if (--f->refs > 0)
		return;
	/* The description's flock and OFD locks go with it (fs/locks.c). */
	locks_file_released(f);
	if (f->ops->release)
		f->ops->release(f);
	if (f->inode)
		vfs_inode_release(f->inode);
	kfree(f->path);
	kfree(f);
}

int file_stat(struct file *f, struct kstat *st)
{
	if (f->ops->stat)
		return f->ops->stat(f, st);
	return f->inode ? vfs_inode_stat(f->inode, st) : -EINVAL;
}

void file_notify(struct file *f)
{
	f->gen++;
	sched_wake_pollers();
}

int fd_install_at(int fd, struct file *f, bool cloexec)
{
	if (fd < 0 || (uint64_t)fd >= MIN(fd_limit, (uint64_t)MAX_FDS))
		return -EBADF;
	if (fdt.f[fd])
		fd_close(fd);
	fdt.f[fd] = f;
	fd_set_cloexec(fd, cloexec);
	return fd;
}

int fd_install(struct file *f, bool cloexec, int min_fd)
{
	uint64_t limit = MIN(fd_limit, (uint64_t)MAX_FDS);

	for (uint64_t fd = (uint64_t)MAX(min_fd, 0); fd < limit; fd++) {
		if (!fdt.f[fd])
			return fd_install_at((int)fd, f, cloexec);
	}
	return -EMFILE;
}

struct file *fd_get(int fd)
{
	if (fd < 0 || fd >= MAX_FDS)
		return NULL;
	return fdt.f[fd];
}

int fd_close(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	fdt.f[fd] = NULL;
	fd_set_cloexec(fd, false);
	epoll_forget_fd(fd, f);
	/* POSIX: closing any fd on a file drops the process's record locks on it. */
	locks_fd_closed(f);
	file_put(f);
	return 0;
}

int fd_next(int fd)
{
	for (; fd >= 0 && fd < MAX_FDS; fd++)
		if (fdt.f[fd])
			return fd;
	return -1;
}

bool fd_cloexec(int fd)
{
	return fdt.cloexec[fd / 64] & (1ull << (fd % 64));
}

void fd_set_cloexec(int fd, bool on)
{
	if (on)
		fdt.cloexec[fd / 64] |= 1ull << (fd % 64);
	else
		fdt.cloexec[fd / 64] &= ~(1ull << (fd % 64));
}

long file_block(struct thread *t, struct file *f, long r)
{
	if (r != -EAGAIN || (f->flags & O_NONBLOCK))
		return r;
	t->restartable = true;
	return syscall_wait(t, f->ops->polled);
}
