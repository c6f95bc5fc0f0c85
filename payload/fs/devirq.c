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
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/stat.h"
#include "kernel/thread.h"
#include "mm/kmem.h"

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

/*
 * /dev/irq's nodes are made as they are first looked up (struct
 * dir_hooks), not at boot: a PLIC names up to 1023 sources, and making
 * every node cost more than the rest of the boot. Once made, a node stays
 * (nlink 1), so its inode number and times are stable.
 */
static struct inode **irq_nodes;	/* [1..nsources], made on demand */

/* "1".."nsources", decimal without leading zeros: the source, else 0. */
static uint32_t irq_name(const char *name, size_t len)
{
	uint64_t n = 0;

	if (!len || len > 4 || name[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		n = n * 10 + (uint64_t)(name[i] - '0');
	}
	return n <= irq_nsources() ? (uint32_t)n : 0;
}

static struct inode *irq_node(uint32_t src)
{
	if (!irq_nodes && !(irq_nodes = kzalloc((irq_nsources() + 1) * sizeof(struct inode *))))
		return NULL;
	if (!irq_nodes[src]) {
		struct inode *in = inode_new(S_IFCHR | 0600);

		if (!in)
			return NULL;
		in->nlink = 1;	/* named by the directory: never freed */
		in->dev_ops = &irq_ops;
		in->dev_priv = (void *)(uintptr_t)src;
		irq_nodes[src] = in;
	}
	return irq_nodes[src];
}

static struct inode *irq_lookup(struct inode *dir, const char *name, size_t len)
{
	uint32_t src = irq_name(name, len);

	(void)dir;
	return src ? irq_node(src) : NULL;
}

static struct inode *irq_next(struct inode *dir, uint64_t *index, char name[32])
{
	uint64_t src = MAX(*index, 1);

	(void)dir;
	if (src > irq_nsources())
		return NULL;
	*index = src;
	snprintf(name, 32, "%lu", src);
	return irq_node((uint32_t)src);
}

static const struct dir_hooks irq_hooks = {
	.lookup = irq_lookup,
	.next = irq_next,
};

void devirq_init(void)
{
	struct inode *dir;

	/* Readers block as poll waiters: an interrupt lets them look again. */
	irq_set_notify(sched_wake_pollers);
	if (!irq_nsources())
		return;
	if (!(dir = mkdirs("/dev/irq")))
		panic("devirq_init: no memory for /dev/irq");
	dir->hooks = &irq_hooks;
}
