/* SPDX-License-Identifier: MIT */
/*
 * Advisory file locks with Linux's semantics (flock(2), fcntl(2); Linux
 * keeps them in fs/locks.c). Two kinds that never meet:
 *
 *  - flock locks cover the whole file, shared or exclusive, and belong to
 *    an open file description: dup'd fds share one, a second open of the
 *    file is another holder. They go with LOCK_UN or the description's
 *    last close.
 *  - record locks (fcntl) cover byte ranges, read or write, and belong
 *    either to the process (POSIX locks: goose runs one process, so these
 *    never conflict with each other) or to an open file description (OFD
 *    locks, F_OFD_*). Both owners share one set, so a process lock and an
 *    OFD lock over the same bytes conflict. The process's locks on a file
 *    go when any of its fds on that file is closed (POSIX's rule), an OFD
 *    lock with its description's last close.
 *
 * A lock lives on what the file is: its inode (tmpfs files, device nodes,
 * FIFOs), else the object behind it (both ends of a pipe share one, as
 * they share one inode on Linux). Nothing here waits: a request another
 * owner's lock stands in the way of returns -EAGAIN, and the system call
 * decides whether to wait and run again (kernel/syscall.h).
 */
#ifndef GOOSE_LOCKS_H
#define GOOSE_LOCKS_H

#include "include/uapi/fcntl.h"
#include "lib/lib.h"

struct file;

/* The last byte a lock can reach (Linux's OFFSET_MAX): a lock that ends
 * here covers the file however far it grows. */
#define LOCK_OFFSET_MAX INT64_MAX

/* A record lock: a request, an answer, or one that is held. */
struct record_lock {
	int type;		/* F_RDLCK, F_WRLCK; F_UNLCK in a request: clear the range */
	int64_t start, end;	/* bytes start..end, both included */
	const struct file *ofd;	/* the owning open file description; NULL: the process */
};

/* flock(2) on f's description: take a shared (F_RDLCK) or exclusive
 * (F_WRLCK) lock, or drop it (F_UNLCK). 0, -EAGAIN when another
 * description holds a lock in the way, -ENOMEM. Changing the kind of lock
 * drops the old one first, as Linux does (flock(2): conversions are not
 * atomic), so a conversion that fails leaves f with none. */
int locks_flock(struct file *f, int type);

/* The bytes a struct flock names on f (l_whence from 0, f's offset or its
 * size; l_len 0: to any end; a negative l_len: the bytes before l_start),
 * and its l_type, into *out (ofd NULL). 0, -EINVAL or -EOVERFLOW, checked
 * in Linux's order. */
int locks_range(struct file *f, const struct k_flock *fl, struct record_lock *out);

/* Set req (its type over its range, for its owner) on f's file: replaces
 * the owner's locks there, splitting and merging them. 0, -EAGAIN when
 * another owner's lock is in the way (nothing changed), -ENOLCK. */
int locks_record_set(struct file *f, const struct record_lock *req);

/* F_GETLK: *req becomes the first lock of another owner that it conflicts
 * with, or its type F_UNLCK when none does. An F_UNLCK request (only
 * F_OFD_GETLK takes one) finds the owner's own lock over the range instead
 * (Linux 6.6 on). */
void locks_record_test(struct file *f, struct record_lock *req);

/* The record locks on f's file, in the order they are looked at: up to max
 * into out; how many there are. */
int locks_record_list(struct file *f, struct record_lock *out, int max);

/* An fd on f was closed: the process's record locks on f's file go. */
void locks_fd_closed(struct file *f);
/* f's description was released: its flock and OFD locks go. */
void locks_file_released(struct file *f);

#endif
