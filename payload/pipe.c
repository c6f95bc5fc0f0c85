/* SPDX-License-Identifier: MIT */
/*
 * pipe2: a 64 KiB ring (Linux's default pipe capacity, fs/pipe.c) in 16
 * pages. Writes of at most PIPE_BUF bytes are atomic, as pipe(7) promises.
 * A read with no writer left returns 0 (end of file); a write with no reader
 * left fails with EPIPE (goose raises no SIGPIPE: see docs/syscalls.md).
 */
#include "errno.h"
#include "file.h"
#include "kmem.h"
#include "layout.h"
#include "pmem.h"
#include "vm.h"

#define PIPE_PAGES 16
#define PIPE_SIZE (PIPE_PAGES * 4096ul)
#define PIPE_BUF 4096

struct pipe {
	uint8_t *page[PIPE_PAGES];
	uint64_t head;		/* bytes ever written */
	uint64_t tail;		/* bytes ever read */
	struct file *end[2];	/* read end, write end; NULL once closed */
};

static void pipe_copy(struct pipe *p, uint64_t pos, uint8_t *buf, size_t n, bool in)
{
	while (n) {
		size_t at = pos % PIPE_SIZE, chunk = MIN(n, 4096 - at % 4096);
		uint8_t *q = p->page[at / 4096] + at % 4096;

		if (in)
			memcpy(q, buf, chunk);
		else
			memcpy(buf, q, chunk);
		pos += chunk;
		buf += chunk;
		n -= chunk;
	}
}

static void pipe_notify(struct pipe *p)
{
	for (int i = 0; i < 2; i++)
		if (p->end[i])
			file_notify(p->end[i]);
}

static long pipe_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	struct pipe *p = f->priv;
	size_t n = MIN(len, p->head - p->tail);

	(void)off;
	if (len == 0)
		return 0;
	if (n == 0)
		return p->end[1] ? -EAGAIN : 0;
	pipe_copy(p, p->tail, buf, n, false);
	p->tail += n;
	pipe_notify(p);
	return (long)n;
}

static long pipe_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	struct pipe *p = f->priv;
	size_t space = PIPE_SIZE - (p->head - p->tail);

	(void)off;
	if (!p->end[0])
		return -EPIPE;
	if (len == 0)
		return 0;
	/* Small writes go in whole or not at all. */
	if (space == 0 || (len <= PIPE_BUF && space < len))
		return -EAGAIN;
	size_t n = MIN(len, space);

	pipe_copy(p, p->head, (uint8_t *)buf, n, true);
	p->head += n;
	pipe_notify(p);
	return (long)n;
}

static uint32_t pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	uint64_t used = p->head - p->tail;

	if (f == p->end[0])
		return (used ? EPOLLIN | EPOLLRDNORM : 0) | (p->end[1] ? 0 : EPOLLHUP);
	return (PIPE_SIZE - used >= PIPE_BUF ? EPOLLOUT | EPOLLWRNORM : 0) | (p->end[0] ? 0 : EPOLLERR);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	p->end[f == p->end[0] ? 0 : 1] = NULL;
	if (p->end[0] || p->end[1]) {
		pipe_notify(p);
		return;
	}
	for (int i = 0; i < PIPE_PAGES; i++)
		if (p->page[i])
			pmem_free(&pmem, VA2PA(p->page[i]));
	kfree(p);
}

static int pipe_stat(struct file *f, struct kstat *st)
{
	struct pipe *p = f->priv;

	st->st_mode = S_IFIFO | 0600;
	st->st_blksize = 4096;
	st->st_ino = (uint64_t)(uintptr_t)p >> 4;
	return 0;
}

#define FIONREAD 0x541b

static long pipe_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	struct pipe *p = f->priv;
	int n = (int)(p->head - p->tail);

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user(arg, &n, sizeof(n));
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.release = pipe_release,
	.stat = pipe_stat,
	.ioctl = pipe_ioctl,
};

bool file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_ops;
}

int pipe_create(struct file *ends[2], uint32_t flags)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	for (int i = 0; i < PIPE_PAGES; i++) {
		uint64_t pa = pmem_alloc(&pmem);

		if (!pa)
			goto nomem;
		p->page[i] = PA2VA(pa);
	}
	p->end[0] = file_alloc(&pipe_ops, O_RDONLY | (flags & O_NONBLOCK), p);
	p->end[1] = file_alloc(&pipe_ops, O_WRONLY | (flags & O_NONBLOCK), p);
	if (!p->end[0] || !p->end[1])
		goto nomem;
	ends[0] = p->end[0];
	ends[1] = p->end[1];
	return 0;
nomem:
	kfree(p->end[0]);
	kfree(p->end[1]);
	for (int i = 0; i < PIPE_PAGES; i++)
		if (p->page[i])
			pmem_free(&pmem, VA2PA(p->page[i]));
	kfree(p);
	return -ENOMEM;
}
