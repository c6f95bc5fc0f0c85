/* SPDX-License-Identifier: MIT */
/*
 * File system calls: descriptors, reads and writes, pipes, eventfd, epoll,
 * fcntl, stat, fallocate and the syncs. Paths are resolved by fs/namei.c.
 */
#include "arch/riscv/layout.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/falloc.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/ioctls.h"
#include "include/uapi/limits.h"
#include "include/uapi/mman.h"
#include "include/uapi/stat.h"
#include "include/uapi/unistd.h"
#include "kernel/thread.h"
#include "mm/kmem.h"
#include "mm/vm.h"
#include "net/net.h"
#include "sys/sys.h"

/* Largest single transfer, as Linux's MAX_RW_COUNT (INT_MAX & PAGE_MASK). */
#define RW_MAX 0x7ffff000ul

/* One read or write of a user buffer: pos is NULL to use (and move) the
 * file offset; may_block: wait (unless O_NONBLOCK) instead of -EAGAIN. */
static long rw_one(struct thread *t, int fd, uint64_t ubuf, uint64_t len, uint64_t *pos, bool write, bool may_block)
{
	struct file *f = fd_get(fd);
	uint32_t acc;
	long r;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	acc = f->flags & O_ACCMODE;
	if (write ? acc == O_RDONLY : acc == O_WRONLY)
		return -EBADF;
	if (write ? !f->ops->write : !f->ops->read)
		return f->ops->getdents ? -EISDIR : -EINVAL;
	len = MIN(len, RW_MAX);
	if (uaccess_ok(ubuf, len, write ? PROT_READ : PROT_WRITE))
		return -EFAULT;
	uint64_t *off = pos ? pos : &f->off;
	/* fd_get's file is borrowed for the trap: an op that lets go of the big
	 * lock holds a reference of its own meanwhile, or a close on another
	 * hart could free the file under it. */
	bool hold = write && f->ops->drops_big_lock;

	if (hold)
		file_get(f);
	if (write)
		r = f->ops->write(f, (const void *)ubuf, len, off);
	else
		r = f->ops->read(f, (void *)ubuf, len, off);
	r = may_block ? file_block(t, f, r) : r;
	if (hold)
		file_put(f);
	if (r > 0)
		*(write ? &io_acct.wchar : &io_acct.rchar) += (uint64_t)r;
	return r;
}

/* A read- or write-like call, counted once (not again when it re-runs after a wait). */
static void io_count_call(const struct thread *t, bool write)
{
	if (syscall_first_pass(t))
		(*(write ? &io_acct.syscw : &io_acct.syscr))++;
}

SYSCALL(read)
{
	io_count_call(t, false);
	if (psock_fd(t, (int)a[0]))
		return psock_call(t, SYS_read, a);
	return rw_one(t, (int)a[0], a[1], a[2], NULL, false, true);
}

SYSCALL(write)
{
	io_count_call(t, true);
	if (psock_fd(t, (int)a[0]))
		return psock_call(t, SYS_write, a);
	return rw_one(t, (int)a[0], a[1], a[2], NULL, true, true);
}

static long prw(struct thread *t, const uint64_t *a, bool write)
{
	struct file *f = fd_get((int)a[0]);
	uint64_t pos = a[3];

	io_count_call(t, write);
	if (!f)
		return -EBADF;
	/* As fs/read_write.c: a negative offset, or one the count would carry
	 * past 2^63, is EINVAL before anything else. */
	if ((int64_t)pos < 0 || (int64_t)(pos + MIN(a[2], RW_MAX)) < 0)
		return -EINVAL;
	if (!f->ops->seekable)
		return -ESPIPE;
	return rw_one(t, (int)a[0], a[1], a[2], &pos, write, true);
}

SYSCALL(pread64)
{
	return prw(t, a, false);
}

SYSCALL(pwrite64)
{
	return prw(t, a, true);
}

/*
 * sendfile(out, in, offset, count): in's bytes (a file with an offset) to
 * out, through a bounce buffer. What out takes is what counts: the offset
 * moves by that much, as on Linux. Blocks (unless O_NONBLOCK) when out takes
 * nothing; the call then runs again from the start.
 */
SYSCALL(sendfile)
{
	uint8_t bounce[4096];	/* on this hart's stack: out's write may let go of the big lock */
	struct file *out, *in;

	if (t->net_req)
		return psock_call(t, SYS_sendfile, a);	/* its second pass */
	out = fd_get((int)a[0]);
	in = fd_get((int)a[1]);
	uint64_t count = MIN(a[3], RW_MAX), done = 0, pos = 0;
	long r = 0;

	/* fs/read_write.c (sendfile64, do_sendfile): the offset is read first;
	 * then the input (EBADF; an offset on a file without pread: ESPIPE; a
	 * negative one: EINVAL), then the output. */
	if (a[2] && copy_from_user(&pos, a[2], sizeof(pos)))
		return -EFAULT;
	if (!in || (in->flags & O_PATH) || (in->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (a[2] && !in->ops->seekable)
		return -ESPIPE;
	if ((int64_t)pos < 0)
		return -EINVAL;
	if (!out || (out->flags & O_PATH) || (out->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!in->ops->seekable || !in->ops->read || !out->ops->write || (out->flags & O_APPEND))
		return -EINVAL;
	/* Into a provider socket: the provider's to do, reading the file
	 * itself (one with an offset, checked above: it must never wait). */
	if (psock_file(out))
		return psock_call(t, SYS_sendfile, a);
	uint64_t *off = a[2] ? &pos : &in->off;
	/* Both files stay ours while out's write lets go of the big lock (rw_one). */
	bool hold = out->ops->drops_big_lock;

	if (hold) {
		file_get(in);
		file_get(out);
	}
	while (done < count) {
		uint64_t start = *off;
		long n = in->ops->read(in, bounce, MIN(count - done, sizeof(bounce)), off);

		if (n <= 0) {
			r = n;
			break;
		}
		long w = out->ops->write(out, bounce, (size_t)n, &out->off);

		*off = start + (w > 0 ? (uint64_t)w : 0);
		if (w <= 0) {
			r = w;
			break;
		}
		done += (uint64_t)w;
		if (w < n)
			break;
	}
	if (a[2] && copy_to_user(a[2], &pos, sizeof(pos)))
		r = -EFAULT, done = 0;
	else if (!done && r == -EAGAIN)
		r = file_block(t, out, r);
	if (hold) {
		file_put(in);
		file_put(out);
	}
	return done ? (long)done : r;
}

/* readv/writev: struct iovec { void *base; size_t len; } (include/uapi/linux/uio.h). */
static long rwv(struct thread *t, const uint64_t *a, bool write)
{
	uint64_t iovcnt = a[2], total = 0;
	struct file *f = fd_get((int)a[0]);

	io_count_call(t, write);
	if (psock_fd(t, (int)a[0]))
		return psock_call(t, write ? SYS_writev : SYS_readv, a);
	if (!f)
		return -EBADF;
	if (iovcnt > IOV_MAX)
		return -EINVAL;
	for (uint64_t i = 0; i < iovcnt; i++) {
		uint64_t iov[2];
		long r;

		if (copy_from_user(iov, a[1] + i * 16, sizeof(iov)))
			return total ? (long)total : -EFAULT;
		if ((int64_t)iov[1] < 0)
			return -EINVAL;
		if (!iov[1])
			continue;
		/* Only the first segment may block; later ones take what is there. */
		r = rw_one(t, (int)a[0], iov[0], iov[1], NULL, write, total == 0);
		if (r < 0)
			return total ? (long)total : r;
		total += (uint64_t)r;
		if ((uint64_t)r < iov[1])
			break;
	}
	return (long)total;
}

SYSCALL(readv)
{
	return rwv(t, a, false);
}

SYSCALL(writev)
{
	return rwv(t, a, true);
}

SYSCALL(close)
{
	(void)t;
	return fd_close((int)a[0]);
}

SYSCALL(openat)
{
	char path[VFS_PATH_MAX];
	int r = strncpy_from_user(path, a[1], sizeof(path));

	if (r)
		return r;
	struct file *f;
	long err = vfs_open((int)a[0], path, (uint32_t)a[2], (uint32_t)a[3], &f);

	if (err == -EAGAIN) {
		/* A FIFO waiting for its other side: the open runs again. */
		t->restartable = true;
		return syscall_wait(t, false);
	}
	if (err)
		return err;
	int fd = fd_install(f, a[2] & O_CLOEXEC, 0);

	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL(pipe2)
{
	struct file *ends[2];
	int fds[2];
	uint32_t flags = (uint32_t)a[1];

	(void)t;
	if (flags & ~(uint32_t)(O_NONBLOCK | O_CLOEXEC | O_DIRECT))
		return -EINVAL;
	if (uaccess_ok(a[0], sizeof(fds), PROT_WRITE))
		return -EFAULT;
	int r = pipe_create(ends, flags);

	if (r)
		return r;
	fds[0] = fd_install(ends[0], flags & O_CLOEXEC, 0);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(ends[1], flags & O_CLOEXEC, 0);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			fd_close(fds[0]);
		else
			file_put(ends[0]);
		file_put(ends[1]);
		return -EMFILE;
	}
	/* Checked above, under the lock nobody has dropped since. */
	if (copy_to_user(a[0], fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL(eventfd2)
{
	uint32_t flags = (uint32_t)a[1];

	(void)t;
	if (flags & ~(uint32_t)(O_NONBLOCK | O_CLOEXEC | 1))
		return -EINVAL;
	struct file *f = eventfd_create((uint32_t)a[0], flags);

	if (!f)
		return -ENOMEM;
	int fd = fd_install(f, flags & O_CLOEXEC, 0);

	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL(epoll_create1)
{
	(void)t;
	if (a[0] & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	struct file *f = epoll_create(0);

	if (!f)
		return -ENOMEM;
	int fd = fd_install(f, a[0] & O_CLOEXEC, 0);

	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL(epoll_ctl)
{
	struct file *ep = fd_get((int)a[0]), *target = fd_get((int)a[2]);
	uint32_t ev[4] = { 0 };

	(void)t;
	if (!ep || !target)
		return -EBADF;
	if (!file_is_epoll(ep))
		return -EINVAL;
	/* struct epoll_event: u32 events, 4 bytes of padding, u64 data. */
	if (a[1] != 2 && copy_from_user(ev, a[3], 16))
		return -EFAULT;
	uint64_t data = (uint64_t)ev[2] | (uint64_t)ev[3] << 32;

	/* EPOLLEXCLUSIVE only when adding, and never with EPOLLONESHOT. */
	if ((ev[0] & EPOLLEXCLUSIVE) && (a[1] != 1 || (ev[0] & EPOLLONESHOT)))
		return -EINVAL;
	return epoll_ctl_file(ep, (int)a[1], (int)a[2], target, ev[0], data);
}

/*
 * epoll_pwait(epfd, events, maxevents, timeout_ms, sigmask, sigsetsize) and
 * epoll_pwait2, whose fourth argument is a struct timespec *. In
 * fs/eventpoll.c's order: epoll_pwait2's timeout, the signal mask
 * (set_user_sigmask), maxevents (EP_MAX_EVENTS), the events array's range
 * only (access_ok), the fd, whether it is an epoll instance; the array is
 * written only when an event is ready (ep_send_events).
 */
#define EP_MAX_EVENTS (0x7fffffff / 16)

static long epoll_wait_common(struct thread *t, const uint64_t *a, bool ts)
{
	struct file *ep;
	int max = (int)a[2];
	uint64_t ns;

	if (ts && a[3] && syscall_first_pass(t)) {
		long r = timespec_from_user(a[3], &ns);

		if (r)
			return r;
	}
	/* The signal mask is checked; goose does not swap it in while waiting
	 * (docs/syscalls.md). */
	if (a[4]) {
		uint64_t mask;

		if (a[5] != sizeof(mask))
			return -EINVAL;
		if (copy_from_user(&mask, a[4], sizeof(mask)))
			return -EFAULT;
	}
	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (a[1] >= USER_TOP || (uint64_t)max * 16 > USER_TOP - a[1])
		return -EFAULT;
	if (!(ep = fd_get((int)a[0])))
		return -EBADF;
	if (!file_is_epoll(ep))
		return -EINVAL;
	if (syscall_first_pass(t)) {
		long r = ts ? timeout_from_timespec(a[3], &t->syscall_deadline)
			    : timeout_from_ms((int)a[3], &t->syscall_deadline);

		if (r)
			return r;
	}
	int n = epoll_collect(ep, a[1], max);

	if (n != 0 || timeout_expired(t->syscall_deadline))
		return n;
	return syscall_wait(t, epoll_has_polled(ep));
}

SYSCALL(epoll_pwait)
{
	return epoll_wait_common(t, a, false);
}

SYSCALL(epoll_pwait2)
{
	return epoll_wait_common(t, a, true);
}

SYSCALL(dup)
{
	struct file *f = fd_get((int)a[0]);

	(void)t;
	if (!f)
		return -EBADF;
	file_get(f);
	int fd = fd_install(f, false, 0);

	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL(dup3)
{
	struct file *f = fd_get((int)a[0]);

	(void)t;
	if (a[2] & ~(uint64_t)O_CLOEXEC || a[0] == a[1])
		return -EINVAL;
	if (!f)
		return -EBADF;
	file_get(f);
	int fd = fd_install_at((int)a[1], f, a[2] & O_CLOEXEC);

	if (fd < 0)
		file_put(f);
	return fd;
}

/* fcntl(fd, cmd, arg): cmd is an unsigned int on Linux. An O_PATH fd
 * takes only the descriptor commands and F_GETFL (fs/fcntl.c
 * check_fcntl_cmd). */
SYSCALL(fcntl)
{
	int fd = (int)a[0];
	struct file *f = fd_get(fd);
	uint32_t cmd = (uint32_t)a[1];

	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD &&
	    cmd != F_SETFD && cmd != F_GETFL)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC: {
		if ((int64_t)a[2] < 0 || a[2] >= fd_limit)
			return -EINVAL;
		file_get(f);
		int nfd = fd_install(f, cmd == F_DUPFD_CLOEXEC, (int)a[2]);

		if (nfd < 0)
			file_put(f);
		return nfd;
	}
	case F_GETFD:
		return fd_cloexec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set_cloexec(fd, a[2] & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		/* Only these status flags can change (fs/fcntl.c SETFL_MASK). */
		f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) | ((uint32_t)a[2] & (O_APPEND | O_NONBLOCK));
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_lock(t, f, cmd, a[2]);
	case F_GETPIPE_SZ:
		return file_is_pipe(f) ? 65536 : -EBADF;
	default:
		return -EINVAL;
	}
}

SYSCALL(ioctl)
{
	struct file *f = fd_get((int)a[0]);
	int on;

	if (t->net_req)
		return psock_call(t, SYS_ioctl, a);
	if (!f)
		return -EBADF;
	/* The requests every file answers (fs/ioctl.c do_vfs_ioctl). */
	switch (a[1]) {
	case FIOCLEX:
	case FIONCLEX:
		fd_set_cloexec((int)a[0], a[1] == FIOCLEX);
		return 0;
	case FIONBIO:
		if (copy_from_user(&on, a[2], sizeof(on)))
			return -EFAULT;
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
		return 0;
	}
	if (psock_file(f))
		return psock_call(t, SYS_ioctl, a);	/* the rest are the provider's */
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, a[1], a[2]);
}

SYSCALL(lseek)
{
	struct file *f = fd_get((int)a[0]);
	int64_t off = (int64_t)a[1], base;
	struct kstat st;

	(void)t;
	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return -ESPIPE;
	switch (a[2]) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->off;
		break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		memset(&st, 0, sizeof(st));
		if (file_stat(f, &st))
			return -EINVAL;
		base = st.st_size;
		/* The whole file is data (holes read as zeros but are not tracked). */
		if (a[2] != SEEK_END) {
			if (off < 0 || off >= base)
				return -ENXIO;
			f->off = a[2] == SEEK_DATA ? (uint64_t)off : (uint64_t)base;
			return (long)f->off;
		}
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (long)f->off;
}

static long stat_file(struct file *f, uint64_t ubuf)
{
	struct kstat st;

	memset(&st, 0, sizeof(st));
	st.st_nlink = 1;
	st.st_blksize = 4096;
	int r = file_stat(f, &st);

	if (r && r != -EINVAL)
		return r;
	return copy_to_user(ubuf, &st, sizeof(st));
}

SYSCALL(fstat)
{
	struct file *f = fd_get((int)a[0]);

	(void)t;
	if (!f)
		return -EBADF;
	return stat_file(f, a[1]);
}

SYSCALL(newfstatat)
{
	char path[VFS_PATH_MAX];
	struct file *f;
	int r = strncpy_from_user(path, a[1], sizeof(path));

	(void)t;
	/* AT_NO_AUTOMOUNT (0x800) and the AT_STATX_* sync bits mean nothing here. */
	if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | 0x800 | AT_EMPTY_PATH | 0x6000))
		return -EINVAL;
	if (r)
		return r;
	if (!path[0]) {
		if (!(a[3] & AT_EMPTY_PATH))
			return -ENOENT;
		f = fd_get((int)a[0]);
		return f ? stat_file(f, a[2]) : -EBADF;
	}
	r = vfs_open((int)a[0], path, O_PATH | ((a[3] & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0, &f);
	if (r)
		return r;
	long s = stat_file(f, a[2]);

	file_put(f);
	return s;
}

SYSCALL(getdents64)
{
	struct file *f = fd_get((int)a[0]);

	(void)t;
	if (!f)
		return -EBADF;
	if (!f->ops->getdents)
		return -ENOTDIR;
	if (uaccess_ok(a[1], a[2], PROT_WRITE))
		return -EFAULT;
	return f->ops->getdents(f, (void *)a[1], a[2], &f->off);
}

SYSCALL(ftruncate)
{
	struct file *f = fd_get((int)a[0]);

	(void)t;
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	if (!f->ops->truncate || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	return f->ops->truncate(f, a[1]);
}

/*
 * fallocate (fs/open.c's vfs_fallocate checks, in its order): the range,
 * the mode (each mode alone, PUNCH_HOLE only with KEEP_SIZE), a file open
 * for writing, its kind; then tmpfs's own two modes (mm/shmem.c), the
 * others EOPNOTSUPP. ZERO_RANGE, COLLAPSE_RANGE and the rest are other
 * file systems'.
 */
#define FALLOC_MODE_MASK                                                                                     \
	(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE |    \
	 FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_WRITE_ZEROES)

SYSCALL(fallocate)
{
	struct file *f = fd_get((int)a[0]);
	uint32_t mode = (uint32_t)a[1], type;
	int64_t off = (int64_t)a[2], len = (int64_t)a[3];

	(void)t;
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~(uint32_t)(FALLOC_MODE_MASK | FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	switch (mode & FALLOC_MODE_MASK) {
	case FALLOC_FL_ALLOCATE_RANGE:
	case FALLOC_FL_UNSHARE_RANGE:
	case FALLOC_FL_ZERO_RANGE:
		break;
	case FALLOC_FL_PUNCH_HOLE:
		if (!(mode & FALLOC_FL_KEEP_SIZE))
			return -EOPNOTSUPP;
		break;
	case FALLOC_FL_COLLAPSE_RANGE:
	case FALLOC_FL_INSERT_RANGE:
	case FALLOC_FL_WRITE_ZEROES:
		if (mode & FALLOC_FL_KEEP_SIZE)
			return -EOPNOTSUPP;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	type = vfs_file_type(f);
	if (type == S_IFIFO)
		return -ESPIPE;
	if (type == S_IFDIR)
		return -EISDIR;
	if (type != S_IFREG)
		return -ENODEV;
	if (off > INT64_MAX - len)
		return -EFBIG;
	if (mode & ~(uint32_t)(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	return vfs_fallocate(f, mode, (uint64_t)off, (uint64_t)len);
}

/* Files in goose's tree are their pages: there is nothing to write back.
 * Regular files and directories sync at once; what has no fsync on Linux
 * (pipes, sockets, devices, eventfds) is EINVAL, and an O_PATH descriptor
 * is no file to it (EBADF). */
static long file_sync(int fd)
{
	struct file *f = fd_get(fd);
	uint32_t type;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	type = vfs_file_type(f);
	return type == S_IFREG || type == S_IFDIR ? 0 : -EINVAL;
}

SYSCALL(fdatasync)
{
	(void)t;
	return file_sync((int)a[0]);
}

/* fs/sync.c's checks: the flags, a negative or wrapping range (EINVAL);
 * then only what has pages may be synced (ESPIPE for the rest). */
SYSCALL(sync_file_range)
{
	struct file *f = fd_get((int)a[0]);
	int64_t off = (int64_t)a[1], end = (int64_t)(a[1] + a[2]);
	uint32_t type;

	(void)t;
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if ((uint32_t)a[3] & ~(uint32_t)(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
					 SYNC_FILE_RANGE_WAIT_AFTER))
		return -EINVAL;
	if (off < 0 || end < 0 || end < off)
		return -EINVAL;
	type = vfs_file_type(f);
	return type == S_IFREG || type == S_IFDIR || type == S_IFLNK ? 0 : -ESPIPE;
}

SYSCALL(fsync)
{
	(void)t;
	return file_sync((int)a[0]);
}
