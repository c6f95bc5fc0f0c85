/* SPDX-License-Identifier: MIT */
#include "fs/file.h"
#include "dev/console.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventfd.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/stat.h"
#include "kernel/thread.h"
#include "mm/kmem.h"
#include "mm/vm.h"

uint64_t fd_limit = 1024;

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
	if (f->ops->release)
		f->ops->release(f);
	if (f->inode)
		vfs_inode_release(f->inode);
	kfree(f);
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
	file_put(f);
	return 0;
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

/*
 * The console as a file. With no UART interrupt, input is polled: a
 * character seen by poll() is kept until read() takes it. A read with no
 * byte waiting blocks (-EAGAIN: the caller waits and polls again); it never
 * means end of input. End of input is ^D (EOT, 0x04), a terminal's VEOF:
 * the bytes before it are returned, and from then on every read returns 0,
 * as at the end of a pipe (ci/qemu.py sends one when its piped input ends,
 * so `make run < file` sees the file, then EOF).
 */
#define CONSOLE_EOF 0x04
static int console_peeked = -1;
static bool console_eof;

static long con_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	char *p = buf;
	size_t n = 0;

	(void)f;
	(void)off;
	while (n < len && !console_eof) {
		int c = console_peeked >= 0 ? console_peeked : console_getc();

		console_peeked = -1;
		if (c < 0)
			break;
		if (c == CONSOLE_EOF) {
			console_eof = true;
			break;
		}
		/* A serial terminal sends CR for Enter; a program expects '\n'. */
		p[n++] = c == '\r' ? '\n' : (char)c;
		if (c == '\r' || c == '\n')
			break;
	}
	return n || console_eof ? (long)n : -EAGAIN;
}

/*
 * A serial line is slow (QEMU's 16550 costs a host system call per byte):
 * the bytes go out in chunks with the big lock dropped, so other harts'
 * traps go on meanwhile. Called from write(2), big lock held; the buffer is
 * checked again for every chunk, as another thread may unmap it meanwhile.
 */
static long con_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	char chunk[512];
	size_t done = 0;

	(void)f;
	(void)off;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));

		if (copy_from_user(chunk, (uint64_t)(uintptr_t)buf + done, n))
			break;
		spin_unlock(&big_lock);
		console_write_crlf(chunk, n);
		spin_lock(&big_lock);
		done += n;
	}
	return done ? (long)done : -EFAULT;
}

static uint32_t con_poll(struct file *f)
{
	(void)f;
	if (console_peeked < 0 && !console_eof)
		console_peeked = console_getc();
	return EPOLLOUT | (console_peeked >= 0 || console_eof ? EPOLLIN : 0);
}

static int con_stat(struct file *f, struct kstat *st)
{
	(void)f;
	st->st_mode = S_IFCHR | 0620;
	st->st_rdev = (5u << 8) | 1; /* /dev/console is char 5:1 */
	st->st_blksize = 1024;
	st->st_ino = 3;
	return 0;
}

/* A serial line without a tty layer: no terminal ioctl applies (TCGETS
 * gets ENOTTY, so programs see a plain character device). */
static long con_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	(void)f;
	(void)cmd;
	(void)arg;
	return -ENOTTY;
}

const struct file_ops console_ops = {
	.read = con_read,
	.write = con_write,
	.poll = con_poll,
	.stat = con_stat,
	.ioctl = con_ioctl,
	.polled = true,
};

struct file *console_file(uint32_t flags)
{
	return file_alloc(&console_ops, flags, NULL);
}

void file_init_stdio(void)
{
	static const uint32_t modes[3] = { O_RDONLY, O_WRONLY, O_WRONLY };

	for (int fd = 0; fd < 3; fd++) {
		struct file *f = console_file(modes[fd]);

		if (!f || fd_install_at(fd, f, false) < 0)
			panic("file_init_stdio: no memory for fd %d", fd);
	}
}

/* eventfd (fs/eventfd.c): a 64-bit counter read and written 8 bytes at a time. */
#define EVENTFD_MAX 0xfffffffffffffffeull

struct eventfd {
	uint64_t count;
	bool semaphore;
};

static long efd_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	(void)off;
	if (len < 8)
		return -EINVAL;
	if (!e->count)
		return -EAGAIN;
	v = e->semaphore ? 1 : e->count;
	e->count -= v;
	memcpy(buf, &v, 8);
	file_notify(f);
	return 8;
}

static long efd_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	(void)off;
	if (len < 8)
		return -EINVAL;
	memcpy(&v, buf, 8);
	if (v == UINT64_MAX)
		return -EINVAL;
	if (v > EVENTFD_MAX - e->count)
		return -EAGAIN;
	e->count += v;
	if (v)
		file_notify(f);
	return 8;
}

static uint32_t efd_poll(struct file *f)
{
	struct eventfd *e = f->priv;

	return (e->count ? EPOLLIN : 0) | (e->count < EVENTFD_MAX ? EPOLLOUT : 0);
}

static void efd_release(struct file *f)
{
	kfree(f->priv);
}

static int efd_stat(struct file *f, struct kstat *st)
{
	(void)f;
	st->st_mode = 0600; /* an anonymous inode: no file type bits */
	st->st_blksize = 4096;
	return 0;
}

static const struct file_ops eventfd_ops = {
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.release = efd_release,
	.stat = efd_stat,
};

struct file *eventfd_create(uint64_t initval, uint32_t flags)
{
	struct eventfd *e = kzalloc(sizeof(*e));
	struct file *f;

	if (!e)
		return NULL;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	f = file_alloc(&eventfd_ops, O_RDWR | (flags & O_NONBLOCK), e);
	if (!f)
		kfree(e);
	return f;
}

long file_block(struct thread *t, struct file *f, long r)
{
	if (r != -EAGAIN || (f->flags & O_NONBLOCK))
		return r;
	t->restartable = true;
	return sched_block_poll(t, f->ops->polled);
}
