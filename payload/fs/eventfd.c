/* SPDX-License-Identifier: MIT */
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventfd.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "mm/kmem.h"

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
