/* SPDX-License-Identifier: MIT */
/*
 * System calls on names (fs/namei.c's do_* and fs/open.c's, in Linux):
 * each checks its flags, copies its paths in (VFS_PATH_MAX bytes at most:
 * ENAMETOOLONG past that, EFAULT on a bad pointer), and asks fs/ (vfs.h).
 * The order is Linux's: flags and modes are refused before a path is read.
 */
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/stat.h"
#include "mm/vm.h"
#include "sys/sys.h"

/* A path argument into buf (VFS_PATH_MAX bytes). */
static int path_in(char *buf, uint64_t upath)
{
	return strncpy_from_user(buf, upath, VFS_PATH_MAX);
}

SYSCALL(umask)
{
	(void)t;
	return vfs_set_umask((uint32_t)a[0]);
}

SYSCALL(mkdirat)
{
	char path[VFS_PATH_MAX];
	int r;

	(void)t;
	if ((r = path_in(path, a[1])))
		return r;
	return vfs_mkdirat((int)a[0], path, (uint32_t)a[2]);
}

/* mknodat: regular files, FIFOs and socket nodes. Device nodes are EPERM:
 * goose's devices are its own (/dev), and a node would name nothing. */
SYSCALL(mknodat)
{
	char path[VFS_PATH_MAX];
	uint32_t mode = (uint32_t)a[2], type = mode & S_IFMT;
	int r;

	(void)t;
	if (type == 0)
		type = S_IFREG;
	/* may_mknod (fs/namei.c) refuses S_IFDIR with EPERM. */
	if (type == S_IFCHR || type == S_IFBLK || type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	if ((r = path_in(path, a[1])))
		return r;
	return vfs_mknodat((int)a[0], path, type | (mode & 07777));
}

SYSCALL(unlinkat)
{
	char path[VFS_PATH_MAX];
	int r;

	(void)t;
	if (a[2] & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	if ((r = path_in(path, a[1])))
		return r;
	return vfs_unlinkat((int)a[0], path, (uint32_t)a[2]);
}

/* renameat2 (riscv64 has no renameat: Go and the C libraries use this). */
SYSCALL(renameat2)
{
	char from[VFS_PATH_MAX], to[VFS_PATH_MAX];
	uint32_t flags = (uint32_t)a[4];
	int r;

	(void)t;
	if ((flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)) ||
	    ((flags & RENAME_WHITEOUT) && (flags & RENAME_EXCHANGE)))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EOPNOTSUPP;
	if ((r = path_in(from, a[1])) || (r = path_in(to, a[3])))
		return r;
	return vfs_renameat2((int)a[0], from, (int)a[2], to, flags);
}

SYSCALL(symlinkat)
{
	char target[VFS_PATH_MAX], path[VFS_PATH_MAX];
	int r;

	(void)t;
	if ((r = path_in(target, a[0])) || (r = path_in(path, a[2])))
		return r;
	return vfs_symlinkat(target, (int)a[1], path);
}

SYSCALL(readlinkat)
{
	char path[VFS_PATH_MAX];
	const char *target;
	size_t len;
	int r;

	(void)t;
	if ((int64_t)a[3] <= 0)
		return -EINVAL;
	if ((r = path_in(path, a[1])) || (r = (int)vfs_readlinkat((int)a[0], path, &target, &len)))
		return r;
	uint64_t n = MIN(a[3], len);

	return copy_to_user(a[2], target, n) ? -EFAULT : (long)n;
}

SYSCALL(linkat)
{
	char from[VFS_PATH_MAX], to[VFS_PATH_MAX];
	int r;

	(void)t;
	if (a[4] & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = path_in(from, a[1])) || (r = path_in(to, a[3])))
		return r;
	return vfs_linkat((int)a[0], from, (int)a[2], to, (uint32_t)a[4]);
}

static long access_common(const uint64_t *a, uint32_t flags)
{
	char path[VFS_PATH_MAX];
	int r;

	if (a[2] & ~(uint64_t)7 || flags & ~(uint32_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = path_in(path, a[1])))
		return r;
	return vfs_faccessat((int)a[0], path, (uint32_t)a[2], flags);
}

SYSCALL(faccessat)
{
	(void)t;
	return access_common(a, 0);
}

SYSCALL(faccessat2)
{
	(void)t;
	return access_common(a, (uint32_t)a[3]);
}

SYSCALL(chdir)
{
	char path[VFS_PATH_MAX];
	int r;

	(void)t;
	if ((r = path_in(path, a[0])))
		return r;
	return vfs_chdir(path);
}

SYSCALL(fchdir)
{
	(void)t;
	return vfs_fchdir((int)a[0]);
}

SYSCALL(getcwd)
{
	char buf[VFS_PATH_MAX];
	const char *start;
	long len = vfs_getcwd(buf, &start);

	(void)t;
	if (len < 0)
		return len;
	if (a[1] < (uint64_t)len)
		return -ERANGE;
	return copy_to_user(a[0], start, (size_t)len) ? -EFAULT : len;
}

SYSCALL(truncate)
{
	char path[VFS_PATH_MAX];
	int r;

	(void)t;
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	if ((r = path_in(path, a[0])))
		return r;
	return vfs_truncate(path, a[1]);
}

SYSCALL(fchmod)
{
	(void)t;
	return vfs_fchmod((int)a[0], (uint32_t)a[1]);
}

SYSCALL(fchmodat)
{
	char path[VFS_PATH_MAX];
	int r;

	(void)t;
	if ((r = path_in(path, a[1])))
		return r;
	return vfs_fchmodat((int)a[0], path, (uint32_t)a[2], 0);
}

/* fchmodat2 (Linux 6.6): fchmodat with flags. */
SYSCALL(fchmodat2)
{
	char path[VFS_PATH_MAX];
	int r;

	(void)t;
	if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = path_in(path, a[1])))
		return r;
	return vfs_fchmodat((int)a[0], path, (uint32_t)a[2], (uint32_t)a[3]);
}

SYSCALL(fchownat)
{
	char path[VFS_PATH_MAX];
	int r;

	(void)t;
	if (a[4] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = path_in(path, a[1])))
		return r;
	return vfs_fchownat((int)a[0], path, (uint32_t)a[2], (uint32_t)a[3], (uint32_t)a[4]);
}

SYSCALL(fchown)
{
	(void)t;
	return vfs_fchown((int)a[0], (uint32_t)a[1], (uint32_t)a[2]);
}

/* utimensat: struct timespec times[2] (atime, mtime); UTIME_NOW / UTIME_OMIT in tv_nsec. */
SYSCALL(utimensat)
{
	char path[VFS_PATH_MAX];
	int64_t ts[4];
	int r;

	(void)t;
	if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a[2]) {
		if (copy_from_user(ts, a[2], sizeof(ts)))
			return -EFAULT;
		/* Nothing to change: Linux answers before looking the path up. */
		if (ts[1] == UTIME_OMIT && ts[3] == UTIME_OMIT)
			return 0;
	}
	if (!a[1] && (int)a[0] == AT_FDCWD)
		return -EFAULT;
	if (a[1] && (r = path_in(path, a[1])))
		return r;
	return vfs_utimensat((int)a[0], a[1] ? path : NULL, a[2] ? ts : NULL, (uint32_t)a[3]);
}

static long statfs_out(uint64_t ubuf)
{
	uint64_t st[15];

	vfs_statfs(st);
	return copy_to_user(ubuf, st, sizeof(st));
}

SYSCALL(statfs)
{
	char path[VFS_PATH_MAX];
	int r;

	(void)t;
	if ((r = path_in(path, a[0])) || (r = (int)vfs_lookup(path)))
		return r;
	return statfs_out(a[1]);
}

SYSCALL(fstatfs)
{
	(void)t;
	return fd_get((int)a[0]) ? statfs_out(a[1]) : -EBADF;
}
