/* SPDX-License-Identifier: MIT */
/*
 * Pipes: pipe2's pairs and named pipes (FIFOs, made by mknodat). A 64 KiB
 * ring (Linux's default pipe capacity, fs/pipe.c) in 16 pages. Writes of at
 * most PIPE_BUF bytes are atomic, as pipe(7) promises. A read with no writer
 * left returns 0 (end of file); a write with no reader left fails with EPIPE
 * (goose raises no SIGPIPE: see docs/syscalls.md).
 *
 * A FIFO's ring exists while some file has it open; any number of files may
 * be open on each side. Opening one side without O_NONBLOCK waits for the
 * other side (fifo(7)); O_WRONLY|O_NONBLOCK with no reader is ENXIO.
 */
#include "arch/riscv/layout.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/ioctls.h"
#include "include/uapi/limits.h"
#include "include/uapi/stat.h"
#include "kernel/thread.h"
#include "mm/kmem.h"
#include "mm/pmem.h"
#include "mm/vm.h"

#define PIPE_PAGES 16
#define PIPE_SIZE (PIPE_PAGES * 4096ul)

/* An open file on a pipe, in the pipe's list (every one hears of changes). */
struct pipe_file {
	struct file *f;
	struct pipe_file *next;
	uint64_t writers_seen;	/* a FIFO reader opened O_NONBLOCK with no writer:
				 * writer_opens then (no hang-up before a writer) */
};

#define FIFO_WAITERS 16

struct pipe {
	uint8_t *page[PIPE_PAGES];
	uint64_t head;		/* bytes ever written */
	uint64_t tail;		/* bytes ever read */
	int readers, writers;	/* open files on each side (O_RDWR: both) */
	uint64_t writer_opens;	/* files ever opened for writing */
	uint64_t reader_opens;	/* files ever opened for reading */
	struct pipe_file *files;
	void **fifo;		/* a FIFO: its inode's slot holding this pipe */
	/* FIFO opens waiting for the other side: they count as that side's,
	 * so two opens waiting for each other both go on. */
	struct {
		int tid;
		bool reader;
		uint64_t partner_opens;	/* the other side's opens when it began to wait */
	} waiting[FIFO_WAITERS];
	int nwaiting;
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
	for (struct pipe_file *pf = p->files; pf; pf = pf->next)
		file_notify(pf->f);	/* each also wakes every poller */
	if (!p->files)
		sched_wake_pollers();	/* FIFO opens waiting for a peer have no file */
}

static bool is_reader(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool is_writer(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

static int waiting(const struct pipe *p, bool reader)
{
	int n = 0;

	for (int i = 0; i < p->nwaiting; i++)
		n += p->waiting[i].reader == reader;
	return n;
}

static long pipe_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	struct pipe *p = f->priv;
	size_t n = MIN(len, p->head - p->tail);

	(void)off;
	if (len == 0)
		return 0;
	if (n == 0)
		return p->writers || waiting(p, false) ? -EAGAIN : 0;
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
	if (!p->readers && !waiting(p, true))
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

static struct pipe_file *pipe_file_of(const struct pipe *p, const struct file *f)
{
	struct pipe_file *pf = p->files;

	while (pf->f != f)
		pf = pf->next;
	return pf;
}

static uint32_t pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	uint64_t used = p->head - p->tail;
	uint32_t ev = 0;

	/* Hung up: no writer, and one has been (a FIFO reader opened
	 * O_NONBLOCK before any writer: since it opened; fs/pipe.c). */
	if (is_reader(f) && used)
		ev |= EPOLLIN | EPOLLRDNORM;
	if (is_reader(f) && !p->writers && pipe_file_of(p, f)->writers_seen != p->writer_opens)
		ev |= EPOLLHUP;
	if (is_writer(f))
		ev |= (PIPE_SIZE - used >= PIPE_BUF ? EPOLLOUT | EPOLLWRNORM : 0) | (p->readers ? 0 : EPOLLERR);
	return ev;
}

static void pipe_free(struct pipe *p)
{
	if (p->fifo)
		*p->fifo = NULL;
	for (int i = 0; i < PIPE_PAGES; i++)
		if (p->page[i])
			pmem_free(&pmem, VA2PA(p->page[i]));
	kfree(p);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	for (struct pipe_file **pp = &p->files; *pp; pp = &(*pp)->next) {
		if ((*pp)->f == f) {
			struct pipe_file *pf = *pp;

			*pp = pf->next;
			kfree(pf);
			break;
		}
	}
	p->readers -= is_reader(f);
	p->writers -= is_writer(f);
	if (p->files || p->nwaiting) {
		pipe_notify(p);
		return;
	}
	pipe_free(p);
}

static int pipe_stat(struct file *f, struct kstat *st)
{
	struct pipe *p = f->priv;

	if (f->inode)
		return vfs_inode_stat(f->inode, st);	/* a FIFO: its node */

	st->st_mode = S_IFIFO | 0600;
	st->st_blksize = 4096;
	st->st_ino = (uint64_t)(uintptr_t)p >> 4;
	return 0;
}

static long pipe_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	struct pipe *p = f->priv;
	int n = (int)(p->head - p->tail);

	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user(arg, &n, sizeof(n));
}

static const struct file_ops pipe_ops;

/* A file on p for one side or both (flags' O_ACCMODE), in p's list. */
static struct file *pipe_file(struct pipe *p, uint32_t flags)
{
	struct pipe_file *pf = kzalloc(sizeof(*pf));
	struct file *f = pf ? file_alloc(&pipe_ops, flags, p) : NULL;

	if (!f) {
		kfree(pf);
		return NULL;
	}
	pf->f = f;
	pf->next = p->files;
	p->files = pf;
	p->readers += is_reader(f);
	p->writers += is_writer(f);
	p->writer_opens += is_writer(f);
	p->reader_opens += is_reader(f);
	return f;
}

static struct pipe *pipe_new(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	for (int i = 0; i < PIPE_PAGES; i++) {
		uint64_t pa = pmem_alloc(&pmem);

		if (!pa) {
			pipe_free(p);
			return NULL;
		}
		p->page[i] = PA2VA(pa);
	}
	return p;
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
	struct pipe *p = pipe_new();

	if (!p)
		return -ENOMEM;
	ends[0] = pipe_file(p, O_RDONLY | (flags & O_NONBLOCK));
	ends[1] = ends[0] ? pipe_file(p, O_WRONLY | (flags & O_NONBLOCK)) : NULL;
	if (!ends[1]) {
		if (ends[0])
			file_put(ends[0]);	/* the last file: frees p */
		else
			pipe_free(p);
		return -ENOMEM;
	}
	return 0;
}

static int fifo_find_waiter(const struct pipe *p, int tid, bool reader)
{
	for (int i = 0; i < p->nwaiting; i++)
		if (p->waiting[i].tid == tid && p->waiting[i].reader == reader)
			return i;
	return -1;
}

long fifo_open(void **slot, uint32_t flags, struct thread *t, struct file **out)
{
	struct pipe *p = *slot;
	uint32_t acc = flags & O_ACCMODE;
	bool reader = acc == O_RDONLY;

	if (!p) {
		if (!(p = pipe_new()))
			return -ENOMEM;
		p->fifo = slot;
		*slot = p;
	}
	int w = fifo_find_waiter(p, t->tid, reader);
	uint64_t partner_opens = reader ? p->writer_opens : p->reader_opens;
	/* The open runs again after each wait (kernel/syscall.h): a partner
	 * that opened since it began waiting lets it go on even if that one
	 * has closed again (fs/pipe.c's wait_for_partner counts opens too). */
	bool partner_came = w >= 0 && p->waiting[w].partner_opens != partner_opens;

	/* One side alone waits for the other (O_RDWR never waits). */
	if (acc != O_RDWR && !partner_came &&
	    !(reader ? p->writers || waiting(p, false) : p->readers || waiting(p, true))) {
		if (!reader && (flags & O_NONBLOCK)) {
			if (!p->files && !p->nwaiting)
				pipe_free(p);
			return -ENXIO;
		}
		if (!reader || !(flags & O_NONBLOCK)) {
			if (w < 0) {
				if (p->nwaiting == FIFO_WAITERS)
					return -EAGAIN;	/* the caller blocks on and tries again */
				p->waiting[p->nwaiting].tid = t->tid;
				p->waiting[p->nwaiting].partner_opens = partner_opens;
				p->waiting[p->nwaiting++].reader = reader;
				pipe_notify(p);
			}
			return -EAGAIN;
		}
	}
	if (w >= 0)
		p->waiting[w] = p->waiting[--p->nwaiting];
	struct file *f = pipe_file(p, flags & ~(uint32_t)(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC));

	if (!f) {
		if (!p->files && !p->nwaiting)
			pipe_free(p);
		return -ENOMEM;
	}
	if (reader && (flags & O_NONBLOCK) && !p->writers)
		pipe_file_of(p, f)->writers_seen = p->writer_opens;
	pipe_notify(p);
	*out = f;
	return 0;
}
