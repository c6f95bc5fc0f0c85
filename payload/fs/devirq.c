/* SPDX-License-Identifier: MIT */
/*
 * /dev/irq/<n>: a file per interrupt source for the Go program, in the
 * manner of Linux's UIO (drivers/uio/uio.c). n = the source's number.
 * Opening it arms the source. read() of 4 bytes blocks until the source has
 * fired since this file last read, and returns the count of interrupts so
 * far (u32). A source that fires is masked until the program writes a u32 1
 * (re-enable; 0 masks it). poll/epoll: EPOLLIN when there is a count to
 * read. The counting and masking are dev/irq.c's.
 */
#include "fs/devirq.h"
#include "dev/console.h"
#include "dev/irq.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "kernel/thread.h"

static uint32_t irq_src(const struct file *f)
{
	return (uint32_t)(uintptr_t)f->priv;
}

/* The file's offset holds the count it last read. */
static uint32_t irq_poll(struct file *f)
{
	uint32_t c = irq_count(irq_src(f));

	/* epoll's edge trigger sees a new count as a new event. */
	f->gen = c;
	return (c != (uint32_t)f->off ? EPOLLIN | EPOLLRDNORM : 0) | EPOLLOUT;
}

static long irq_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	uint32_t c = irq_count(irq_src(f));

	(void)off;
	if (len < sizeof(c))
		return -EINVAL;
	if (c == (uint32_t)f->off)
		return -EAGAIN;
	f->off = c;
	memcpy(buf, &c, sizeof(c));
	return sizeof(c);
}

static long irq_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	uint32_t v;

	(void)off;
	if (len != sizeof(v))
		return -EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v > 1)
		return -EINVAL;
	irq_enable(irq_src(f), v);
	return sizeof(v);
}

static int irq_open(struct file *f)
{
	irq_arm(irq_src(f));
	f->off = irq_count(irq_src(f));
	return 0;
}

static const struct file_ops irq_ops = {
	.open = irq_open,
	.read = irq_read,
	.write = irq_write,
	.poll = irq_poll,
};

void devirq_init(void)
{
	/* Readers block as poll waiters: an interrupt lets them look again. */
	irq_set_notify(sched_wake_pollers);
	for (uint32_t src = 1; src <= irq_nsources(); src++) {
		char path[32];

		snprintf(path, sizeof(path), "/dev/irq/%u", src);
		if (vfs_add_device(path, &irq_ops, 0600, 0, (void *)(uintptr_t)src))
			panic("devirq_init: no memory for %s", path);
	}
}
