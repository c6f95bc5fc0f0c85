/* SPDX-License-Identifier: MIT */
/*
 * File locks' system calls: flock, and fcntl's record-lock commands
 * (sys_fs.c's fcntl hands them here). The arguments are checked in Linux's
 * order (fs/locks.c); fs/locks.c holds the locks. A request that must wait
 * (flock without LOCK_NB, F_SETLKW, F_OFD_SETLKW) runs again whenever some
 * file changes, a lock's release among them (kernel/syscall.h); signal(7)
 * lists these calls among those SA_RESTART restarts.
 */
#include "fs/file.h"
#include "fs/locks.h"
#include "include/uapi/errno.h"
#include "include/uapi/fcntl.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "mm/vm.h"
#include "sys/sys.h"

/* Wait for the lock, then try again from the start. */
static long lock_wait(struct thread *t)
{
	t->restartable = true;
	return syscall_wait(t, false);
}

/* flock(fd, operation): both arguments are unsigned int on Linux. */
SYSCALL(flock)
{
	uint32_t cmd = (uint32_t)a[1];
	struct file *f = fd_get((int)a[0]);
	int type;

	/* LOCK_MAND is ignored whole, before even the fd is looked at. */
	if (cmd & LOCK_MAND)
		return 0;
	switch (cmd & ~(uint32_t)LOCK_NB) {
	case LOCK_SH:
		type = F_RDLCK;
		break;
	case LOCK_EX:
		type = F_WRLCK;
		break;
	case LOCK_UN:
		type = F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	/* Any file open for reading or writing (O_PATH opens are not). */
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (type != F_UNLCK && (f->flags & O_ACCMODE) == O_ACCMODE)
		return -EBADF;
	int r = locks_flock(f, type);

	if (r == -EAGAIN && !(cmd & LOCK_NB))
		return lock_wait(t);
	return r;
}

/* A read lock needs the file open for reading, a write lock for writing. */
static bool lock_mode_ok(const struct file *f, int type)
{
	uint32_t acc = f->flags & O_ACCMODE;

	if (type == F_RDLCK)
		return acc == O_RDONLY || acc == O_RDWR;
	if (type == F_WRLCK)
		return acc == O_WRONLY || acc == O_RDWR;
	return true;
}

/*
 * F_GETLK, F_SETLK, F_SETLKW and their F_OFD_ twins, on f (not O_PATH),
 * with the struct flock at uarg. In fs/locks.c's order: the struct is
 * read; F_GETLK takes only F_RDLCK and F_WRLCK; the range and type are
 * checked; a set needs the file open for its kind of lock; an OFD command
 * wants l_pid 0.
 */
long fcntl_lock(struct thread *t, struct file *f, uint32_t cmd, uint64_t uarg)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	struct record_lock lk;
	struct k_flock fl;
	long r;

	if (copy_from_user(&fl, uarg, sizeof(fl)))
		return -EFAULT;
	if (cmd == F_GETLK && fl.l_type != F_RDLCK && fl.l_type != F_WRLCK)
		return -EINVAL;
	if ((r = locks_range(f, &fl, &lk)))
		return r;
	if (!get && !lock_mode_ok(f, lk.type))
		return -EBADF;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	lk.ofd = ofd ? f : NULL;
	if (get) {
		locks_record_test(f, &lk);
		fl.l_type = (int16_t)lk.type;
		/* The lock found, as SEEK_SET and a length (0: to any end); its
		 * owner's pid, -1 for an open file description. */
		if (lk.type != F_UNLCK) {
			fl.l_whence = SEEK_SET;
			fl.l_start = lk.start;
			fl.l_len = lk.end == LOCK_OFFSET_MAX ? 0 : lk.end - lk.start + 1;
			fl.l_pid = lk.ofd ? -1 : GOOSE_PID;
		}
		return copy_to_user(uarg, &fl, sizeof(fl));
	}
	r = locks_record_set(f, &lk);
	if (r == -EAGAIN && (cmd == F_SETLKW || cmd == F_OFD_SETLKW))
		return lock_wait(t);
	return r;
}
