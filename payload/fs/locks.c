/* SPDX-License-Identifier: MIT */
/*
 * Advisory file locks (locks.h says what they are). Every file that has a
 * lock has a context here, found by its key; a context holds the file's
 * flock locks and its record locks, and goes when it holds none. Locks go
 * before their file does (close, last release), so a key never outlives
 * what it names. Lists are short: each is walked in full.
 */
#include "fs/locks.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/stat.h"
#include "kernel/thread.h"
#include "mm/kmem.h"

/* A held lock. flock: owner is the holding description; record: the owning
 * description, NULL for the process. */
struct lock {
	struct lock *next;
	const struct file *owner;
	int type;
	int64_t start, end;
};

struct lock_ctx {
	struct lock_ctx *next;
	const void *key;
	struct lock *flocks;
	/* Grouped by owner, the groups in the order their owners first took a
	 * lock here, each sorted by start: F_GETLK reports the first conflict
	 * in this order, as Linux's list has it. */
	struct lock *records;
};

static struct lock_ctx *ctxs;

/* What f is: its inode, else the object behind it (a pipe, a socket),
 * else the file itself (the console). */
static const void *lock_key(const struct file *f)
{
	if (f->inode)
		return f->inode;
	return f->priv ? f->priv : (const void *)f;
}

static struct lock_ctx *ctx_find(const struct file *f, bool create)
{
	const void *key = lock_key(f);
	struct lock_ctx *c;

	for (c = ctxs; c; c = c->next)
		if (c->key == key)
			return c;
	if (!create || !(c = kzalloc(sizeof(*c))))
		return NULL;
	c->key = key;
	c->next = ctxs;
	ctxs = c;
	return c;
}

/* Forget c if it holds nothing any more. */
static void ctx_put(struct lock_ctx *c)
{
	if (c->flocks || c->records)
		return;
	for (struct lock_ctx **pp = &ctxs; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			kfree(c);
			return;
		}
	}
}

/* Remove the locks of list *pp that owner holds: whether there were any. */
static bool drop_owner(struct lock **pp, const struct file *owner)
{
	bool dropped = false;

	while (*pp) {
		struct lock *l = *pp;

		if (l->owner == owner) {
			*pp = l->next;
			kfree(l);
			dropped = true;
		} else {
			pp = &l->next;
		}
	}
	return dropped;
}

static bool overlap(const struct lock *l, int64_t start, int64_t end)
{
	return l->start <= end && start <= l->end;
}

/* The link that holds f's flock lock in c, or NULL. */
static struct lock **flock_of(struct lock_ctx *c, const struct file *f)
{
	for (struct lock **pp = &c->flocks; *pp; pp = &(*pp)->next)
		if ((*pp)->owner == f)
			return pp;
	return NULL;
}

int locks_flock(struct file *f, int type)
{
	struct lock_ctx *c = ctx_find(f, type != F_UNLCK);
	struct lock **mine, **tail, *new = NULL;
	int r = 0;

	if (!c)
		return type == F_UNLCK ? 0 : -ENOMEM;
	mine = flock_of(c, f);
	if (mine && (*mine)->type == type)
		return 0;
	if (type != F_UNLCK && !(new = kzalloc(sizeof(*new)))) {
		ctx_put(c);
		return -ENOMEM;
	}
	/* The old lock goes first, whatever comes next; on a pass that then
	 * waits this is the one change made, and the call's next pass finds
	 * it made (Linux too drops it before it waits). A lock that went may
	 * let a waiter in. */
	if (mine) {
		struct lock *old = *mine;

		*mine = old->next;
		kfree(old);
		sched_wake_pollers();
	}
	if (new) {
		for (tail = &c->flocks; *tail && r == 0; tail = &(*tail)->next)
			if ((*tail)->type == F_WRLCK || type == F_WRLCK)
				r = -EAGAIN;
		if (!r) {
			new->owner = f;
			new->type = type;
			new->end = LOCK_OFFSET_MAX;
			*tail = new;
			new = NULL;
		}
	}
	kfree(new);
	ctx_put(c);
	return r;
}

int locks_range(struct file *f, const struct k_flock *fl, struct record_lock *out)
{
	int64_t base, start, end;
	struct kstat st;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->off;
		break;
	case SEEK_END:
		memset(&st, 0, sizeof(st));
		file_stat(f, &st);
		base = st.st_size;
		break;
	default:
		return -EINVAL;
	}
	/* In Linux's order (flock64_to_posix_lock): where the range starts,
	 * where it ends, and only then what kind of lock it is. */
	if (fl->l_start > LOCK_OFFSET_MAX - base)
		return -EOVERFLOW;
	start = base + fl->l_start;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > LOCK_OFFSET_MAX - start)
			return -EOVERFLOW;
		end = start + (fl->l_len - 1);
	} else if (fl->l_len < 0) {
		/* POSIX-2001: the -l_len bytes before l_start. */
		if (start + fl->l_len < 0)
			return -EINVAL;
		end = start - 1;
		start += fl->l_len;
	} else {
		end = LOCK_OFFSET_MAX;
	}
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	out->type = fl->l_type;
	out->start = start;
	out->end = end;
	out->ofd = NULL;
	return 0;
}

/* Does held stand in the way of req? Another owner's lock over some of the
 * same bytes, one of the two a write lock. */
static bool conflicts(const struct record_lock *req, const struct lock *held)
{
	return held->owner != req->ofd && overlap(held, req->start, req->end) &&
	       (held->type == F_WRLCK || req->type == F_WRLCK);
}

/* Take [start, end] out of owner's record locks, splitting one that
 * reaches past it on both sides (into spare, which is then used up).
 * Whether anything changed. */
static bool carve(struct lock_ctx *c, const struct file *owner, int64_t start, int64_t end, struct lock **spare)
{
	bool changed = false;
	struct lock **pp = &c->records;

	while (*pp) {
		struct lock *l = *pp;

		if (l->owner != owner || !overlap(l, start, end)) {
			pp = &l->next;
			continue;
		}
		changed = true;
		if (l->start < start && l->end > end) {
			struct lock *right = *spare;

			*spare = NULL;
			*right = *l;
			right->start = end + 1;
			l->end = start - 1;
			l->next = right;
			return true;	/* nothing else of the owner's can overlap */
		}
		if (l->start < start) {
			l->end = start - 1;
		} else if (l->end > end) {
			l->start = end + 1;
		} else {
			*pp = l->next;
			kfree(l);
			continue;
		}
		pp = &l->next;
	}
	return changed;
}

/* Put new among owner's locks (none of which overlaps it now), in order of
 * start, and join it to a neighbour of the same type that touches it. */
static void insert(struct lock_ctx *c, struct lock *new)
{
	struct lock **pp = &c->records, *prev = NULL;

	while (*pp && (*pp)->owner != new->owner)
		pp = &(*pp)->next;
	while (*pp && (*pp)->owner == new->owner && (*pp)->start < new->start) {
		prev = *pp;
		pp = &prev->next;
	}
	new->next = *pp;
	*pp = new;
	/* Compare with start - 1, not end + 1: end may be LOCK_OFFSET_MAX. */
	struct lock *next = new->next;

	if (next && next->owner == new->owner && next->type == new->type && next->start - 1 == new->end) {
		new->end = next->end;
		new->next = next->next;
		kfree(next);
	}
	if (prev && prev->type == new->type && new->start - 1 == prev->end) {
		prev->end = new->end;
		prev->next = new->next;
		kfree(new);
	}
}

int locks_record_set(struct file *f, const struct record_lock *req)
{
	struct lock_ctx *c = ctx_find(f, req->type != F_UNLCK);
	struct lock *new = NULL, *spare = NULL;
	int r = 0;

	if (!c)
		return req->type == F_UNLCK ? 0 : -ENOLCK;
	if (req->type != F_UNLCK) {
		for (struct lock *l = c->records; l; l = l->next) {
			if (conflicts(req, l)) {
				ctx_put(c);
				return -EAGAIN;
			}
		}
	}
	/* Both pieces a request may need are had before anything changes. */
	spare = kzalloc(sizeof(*spare));
	if (req->type != F_UNLCK)
		new = kzalloc(sizeof(*new));
	if (!spare || (req->type != F_UNLCK && !new)) {
		r = -ENOLCK;
	} else {
		bool changed = carve(c, req->ofd, req->start, req->end, &spare);

		if (new) {
			new->owner = req->ofd;
			new->type = req->type;
			new->start = req->start;
			new->end = req->end;
			insert(c, new);
			new = NULL;
		}
		/* Bytes given up or turned from write to read may let a waiter in. */
		if (changed)
			sched_wake_pollers();
	}
	kfree(new);
	kfree(spare);
	ctx_put(c);
	return r;
}

void locks_record_test(struct file *f, struct record_lock *req)
{
	struct lock_ctx *c = ctx_find(f, false);

	for (struct lock *l = c ? c->records : NULL; l; l = l->next) {
		bool hit = req->type == F_UNLCK ? l->owner == req->ofd && overlap(l, req->start, req->end)
						: conflicts(req, l);

		if (hit) {
			req->type = l->type;
			req->start = l->start;
			req->end = l->end;
			req->ofd = l->owner;
			return;
		}
	}
	req->type = F_UNLCK;
}

int locks_record_list(struct file *f, struct record_lock *out, int max)
{
	struct lock_ctx *c = ctx_find(f, false);
	int n = 0;

	for (struct lock *l = c ? c->records : NULL; l; l = l->next, n++) {
		if (n < max) {
			out[n].type = l->type;
			out[n].start = l->start;
			out[n].end = l->end;
			out[n].ofd = l->owner;
		}
	}
	return n;
}

void locks_fd_closed(struct file *f)
{
	struct lock_ctx *c = ctxs ? ctx_find(f, false) : NULL;

	if (!c)
		return;
	if (drop_owner(&c->records, NULL))
		sched_wake_pollers();
	ctx_put(c);
}

void locks_file_released(struct file *f)
{
	struct lock_ctx *c = ctxs ? ctx_find(f, false) : NULL;

	if (!c)
		return;
	bool dropped = drop_owner(&c->flocks, f);

	if (drop_owner(&c->records, f) || dropped)
		sched_wake_pollers();
	ctx_put(c);
}
