/* SPDX-License-Identifier: MIT */
/*
 * epoll (fs/eventpoll.c semantics, simplified): an instance is a list of
 * watched (fd, file) pairs. Readiness is asked of each file when the program
 * waits, so nothing has to be queued when a file changes. Edge-triggered
 * items report a file again only after it changed state (file->gen moved),
 * which is what Go's netpoller (EPOLLET) relies on.
 */
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/stat.h"
#include "mm/kmem.h"
#include "mm/vm.h"

struct epitem {
	struct epitem *next;
	struct epoll *ep;
	int fd;
	struct file *file;
	uint32_t events;
	uint64_t data;
	uint64_t seen_gen;	/* file->gen when last reported (EPOLLET) */
	bool reported;
	bool disabled;		/* EPOLLONESHOT fired; re-armed by EPOLL_CTL_MOD */
};

struct epoll {
	struct epitem *items;
	struct epoll *next_instance;
	struct epoll *prev_instance;
};

/* Every instance, so a closed fd can be dropped from all of them. */
static struct epoll *instances;

struct epoll_event_k {
	uint32_t events;
	uint32_t pad;
	uint64_t data;
};

static const struct file_ops epoll_ops;

bool file_is_epoll(const struct file *f)
{
	return f->ops == &epoll_ops;
}

static void epitem_free(struct epoll *ep, struct epitem **link)
{
	struct epitem *it = *link;

	(void)ep;
	*link = it->next;
	file_put(it->file);
	kfree(it);
}

static uint32_t ep_ready(struct epitem *it)
{
	if (it->disabled || !it->file->ops->poll)
		return 0;
	/* EPOLLERR and EPOLLHUP are reported whether asked for or not. */
	return it->file->ops->poll(it->file) & (it->events | EPOLLERR | EPOLLHUP);
}

int epoll_collect(struct file *epf, uint64_t out, int max)
{
	struct epoll *ep = epf->priv;
	int n = 0;

	for (struct epitem *it = ep->items; it && n < max; it = it->next) {
		uint32_t r = ep_ready(it);

		if (!r)
			continue;
		if ((it->events & EPOLLET) && it->reported && it->seen_gen == it->file->gen)
			continue;
		/* ep_send_events: an event that cannot be stored stays ready; the
		 * call returns what it stored, or EFAULT when that is nothing. */
		struct epoll_event_k ev = { .events = r, .data = it->data };

		if (copy_to_user(out + (uint64_t)n * sizeof(ev), &ev, sizeof(ev)))
			return n ? n : -EFAULT;
		it->reported = true;
		it->seen_gen = it->file->gen;
		if (it->events & EPOLLONESHOT)
			it->disabled = true;
		n++;
	}
	return n;
}

static uint32_t epoll_poll(struct file *f)
{
	struct epoll *ep = f->priv;

	for (struct epitem *it = ep->items; it; it = it->next) {
		uint32_t r = ep_ready(it);

		if (r && !((it->events & EPOLLET) && it->reported && it->seen_gen == it->file->gen))
			return EPOLLIN;
	}
	return 0;
}

bool epoll_has_polled(struct file *f)
{
	struct epoll *ep = f->priv;

	for (struct epitem *it = ep->items; it; it = it->next)
		if (it->file->ops->polled)
			return true;
	return false;
}

static void epoll_release(struct file *f)
{
	struct epoll *ep = f->priv;

	while (ep->items)
		epitem_free(ep, &ep->items);
	if (ep->prev_instance)
		ep->prev_instance->next_instance = ep->next_instance;
	else
		instances = ep->next_instance;
	if (ep->next_instance)
		ep->next_instance->prev_instance = ep->prev_instance;
	kfree(ep);
}

static int epoll_stat(struct file *f, struct kstat *st)
{
	(void)f;
	st->st_mode = 0600;
	st->st_blksize = 4096;
	return 0;
}

static const struct file_ops epoll_ops = {
	.poll = epoll_poll,
	.release = epoll_release,
	.stat = epoll_stat,
};

struct file *epoll_create(uint32_t flags)
{
	struct epoll *ep = kzalloc(sizeof(*ep));
	struct file *f;

	if (!ep)
		return NULL;
	f = file_alloc(&epoll_ops, O_RDWR | (flags & O_NONBLOCK), ep);
	if (!f) {
		kfree(ep);
		return NULL;
	}
	ep->next_instance = instances;
	if (instances)
		instances->prev_instance = ep;
	instances = ep;
	return f;
}

static struct epitem **ep_find(struct epoll *ep, int fd, struct file *target)
{
	struct epitem **link = &ep->items;

	while (*link && !((*link)->fd == fd && (*link)->file == target))
		link = &(*link)->next;
	return link;
}

/*
 * Nested instances (fs/eventpoll.c ep_loop_check): an epoll may watch
 * another, but no loop, and no path longer than EPOLL_MAX_NESTS instances
 * below the top one; otherwise ELOOP. Paths are found by walking items,
 * which the checks below keep finite.
 */
#define EPOLL_MAX_NESTS 4

/* The longest chain of epolls below ep (0: it watches none). */
static int ep_depth_below(const struct epoll *ep) // NOLINT(misc-no-recursion): bounded by EPOLL_MAX_NESTS
{
	int d = 0;

	for (const struct epitem *it = ep->items; it; it = it->next)
		if (file_is_epoll(it->file))
			d = MAX(d, 1 + ep_depth_below(it->file->priv));
	return d;
}

/* The longest chain of epolls watching ep, up to a top one. */
static int ep_depth_above(const struct epoll *ep) // NOLINT(misc-no-recursion): bounded by EPOLL_MAX_NESTS
{
	int d = 0;

	for (const struct epoll *up = instances; up; up = up->next_instance)
		for (const struct epitem *it = up->items; it; it = it->next)
			if (file_is_epoll(it->file) && it->file->priv == ep)
				d = MAX(d, 1 + ep_depth_above(up));
	return d;
}

static bool ep_reaches(const struct epoll *from, const struct epoll *to) // NOLINT(misc-no-recursion): loop-free, bounded
{
	if (from == to)
		return true;
	for (const struct epitem *it = from->items; it; it = it->next)
		if (file_is_epoll(it->file) && ep_reaches(it->file->priv, to))
			return true;
	return false;
}

int epoll_ctl_file(struct file *epf, int op, int fd, struct file *target, uint32_t events, uint64_t data)
{
	struct epoll *ep = epf->priv;
	struct epitem **link = ep_find(ep, fd, target), *it = *link;

	if (target == epf)
		return -EINVAL;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (it)
			return -EEXIST;
		/* Regular files and directories are always ready: Linux refuses them. */
		if (!target->ops->poll)
			return -EPERM;
		if (file_is_epoll(target) &&
		    (ep_reaches(target->priv, ep) ||
		     ep_depth_above(ep) + 1 + ep_depth_below(target->priv) > EPOLL_MAX_NESTS))
			return -ELOOP;
		it = kzalloc(sizeof(*it));
		if (!it)
			return -ENOMEM;
		it->ep = ep;
		it->fd = fd;
		it->file = target;
		file_get(target);
		it->events = events;
		it->data = data;
		it->next = ep->items;
		ep->items = it;
		file_notify(epf);
		return 0;
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		epitem_free(ep, link);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		it->events = events;
		it->data = data;
		it->disabled = false;
		it->reported = false;
		file_notify(epf);
		return 0;
	default:
		return -EINVAL;
	}
}

void epoll_forget_fd(int fd, struct file *f)
{
	for (struct epoll *ep = instances; ep; ep = ep->next_instance) {
		struct epitem **link = ep_find(ep, fd, f);

		if (*link)
			epitem_free(ep, link);
	}
}
