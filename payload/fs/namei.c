/* SPDX-License-Identifier: MIT */
/*
 * Path lookup and the operations on names. Resolution follows
 * path_resolution(7): "." and "..", repeated slashes, symbolic links (at
 * most MAXSYMLINKS), and a trailing slash only on directories. Then open,
 * the socket nodes AF_UNIX binds, and what the path system calls do.
 */
#include "fs/tmpfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/stat.h"
#include "kernel/thread.h"
#include "mm/kmem.h"
#include "mm/pmem.h"
#include "mm/vm.h"

struct inode *vfs_root, *vfs_cwd;
uint32_t vfs_umask = 022;

/* Path scratch for resolve: every caller holds the big lock (or is boot). */
static char resolve_buf[2][VFS_PATH_MAX];

/*
 * Walk path from start (or the vfs_root, for an absolute path). Every component
 * but the last must exist and be a directory; the last is looked up in its
 * directory. A symbolic link on the way is expanded in place (its target,
 * then the rest of the path) and the walk goes on from the link's directory,
 * at most MAXSYMLINKS times: no recursion, so hostile link chains cost no
 * stack. The last component is followed only when follow is FOLLOW (or when
 * a slash follows it, unless follow is FOLLOW_NEVER: where a name is made).
 */
int resolve(struct inode *start, const char *path, int follow, struct lookup *lk)
{
	size_t n = strnlen(path, VFS_PATH_MAX);
	char *p = resolve_buf[0], *spare = resolve_buf[1];
	struct inode *cur = path[0] == '/' ? vfs_root : start;
	int links = 0;

	memset(lk, 0, sizeof(*lk));
	if (!n)
		return -ENOENT;
	if (n == VFS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(p, path, n + 1);
	lk->dir = lk->inode = cur;
	lk->name = lk->namebuf;
	lk->namebuf[0] = '.';
	lk->namelen = 1;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			/* No component left: "/" (or a link to it). namelen 0 is
			 * fs/namei.c's LAST_ROOT. */
			lk->dir = lk->inode = cur;
			lk->namebuf[0] = '\0';
			lk->namelen = 0;
			return 0;
		}
		const char *name = p;

		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - name);
		const char *rest = p;

		while (*rest == '/')
			rest++;
		bool last = !*rest, slash = *p == '/';

		if (len > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (!is_dir(cur))
			return -ENOTDIR;
		struct inode *next;

		if (len == 1 && name[0] == '.') {
			next = cur;
		} else if (len == 2 && name[0] == '.' && name[1] == '.') {
			next = cur->parent ? cur->parent : cur;
		} else {
			struct dirent *d = dir_find(cur, name, len);

			next = d ? d->inode : cur->hooks ? cur->hooks->lookup(cur, name, len) : NULL;
		}
		if (next && (next->mode & S_IFMT) == S_IFLNK &&
		    (!last || follow == FOLLOW || (slash && follow != FOLLOW_NEVER))) {
			size_t tl = next->size, rl = strlen(p);

			if (++links > MAXSYMLINKS)
				return -ELOOP;
			if (tl + rl + 1 > VFS_PATH_MAX)
				return -ENAMETOOLONG;
			/* spare = target + the rest (from the slash on), then swap. */
			memcpy(spare, next->target, tl);
			memcpy(spare + tl, p, rl + 1);
			p = spare;
			spare = p == resolve_buf[0] ? resolve_buf[1] : resolve_buf[0];
			if (!tl)
				return -ENOENT;
			if (p[0] == '/')
				cur = vfs_root;
			continue;
		}
		if (last) {
			lk->dir = cur;
			memcpy(lk->namebuf, name, len);
			lk->namebuf[len] = '\0';
			lk->namelen = len;
			lk->inode = next;
			lk->trailing_slash = slash;
			if (next && slash && !is_dir(next) && follow != FOLLOW_NEVER)
				return -ENOTDIR;
			return 0;
		}
		if (!next)
			return -ENOENT;
		cur = next;
	}
}

static int start_dir(int dirfd, const char *path, struct inode **out)
{
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*out = vfs_cwd;
		return 0;
	}
	struct file *f = fd_get(dirfd);

	if (!f)
		return -EBADF;
	struct inode *in = f->inode;

	if (!in || !is_dir(in))
		return -ENOTDIR;
	*out = in;
	return 0;
}

int lookup_at(int dirfd, const char *path, int follow, struct lookup *lk)
{
	struct inode *start;
	int r;

	/* getname_flags: an empty path (without AT_EMPTY_PATH, which callers
	 * handle) is ENOENT before dirfd is looked at. */
	if (!path[0]) {
		memset(lk, 0, sizeof(*lk));
		return -ENOENT;
	}
	r = start_dir(dirfd, path, &start);

	return r ? r : resolve(start, path, follow, lk);
}

/*
 * Where a new name goes (mkdir, mknod, symlink, link), as fs/namei.c's
 * filename_create: the last component is never followed; a name that exists
 * is EEXIST, even a dangling symlink; a trailing slash is ENOENT unless a
 * directory is being made.
 */
int create_lookup(int dirfd, const char *path, bool dir, struct lookup *lk)
{
	int r = lookup_at(dirfd, path, FOLLOW_NEVER, lk);

	if (r)
		return r;
	if (lk->inode)
		return -EEXIST;
	return lk->trailing_slash && !dir ? -ENOENT : 0;
}

/* A name that must exist, from dirfd (AT_FDCWD: the working directory). */
static int path_inode(int dirfd, const char *path, bool follow, struct lookup *lk)
{
	int r = lookup_at(dirfd, path, follow ? FOLLOW : 0, lk);

	return r ? r : lk->inode ? 0 : -ENOENT;
}

/* path_inode with the *at calls' flags: AT_SYMLINK_NOFOLLOW, and
 * AT_EMPTY_PATH, with which an empty path names dirfd's own file (AT_FDCWD:
 * the working directory; an O_PATH descriptor too), as user_path_at with
 * LOOKUP_EMPTY. lk->inode may be NULL then: a pipe or a socket. */
static int path_inode_at(int dirfd, const char *path, uint64_t flags, struct lookup *lk)
{
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);

		if (dirfd != AT_FDCWD && !f)
			return -EBADF;
		memset(lk, 0, sizeof(*lk));
		lk->inode = f ? f->inode : vfs_cwd;
		return 0;
	}
	return path_inode(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), lk);
}

/* ------------------------------------------------------------- open */

long vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out)
{
	struct lookup lk;
	/* O_CREAT|O_EXCL follows no last symlink: a dangling one exists. */
	bool follow = !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	int r = lookup_at(dirfd, path, follow, &lk);

	if (r)
		return r;
	struct inode *in = lk.inode;
	uint32_t acc = flags & O_ACCMODE;

	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if (!in) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (lk.trailing_slash)
			return -EISDIR;
		r = create_at(&lk, S_IFREG | (mode & 07777 & ~vfs_umask), &in);
		if (r)
			return r;
	} else {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		if ((in->mode & S_IFMT) == S_IFLNK && !(flags & O_PATH))
			return -ELOOP;
		if (is_dir(in) && !(flags & O_PATH) && (acc != O_RDONLY || (flags & O_CREAT)))
			return -EISDIR;
		if ((in->mode & S_IFMT) == S_IFSOCK && !(flags & O_PATH))
			return -ENXIO;
	}
	if ((in->mode & S_IFMT) == S_IFIFO && !(flags & O_PATH)) {
		if ((flags & O_DIRECTORY))
			return -ENOTDIR;
		/* A FIFO has no direct I/O (open_file). */
		if (flags & O_DIRECT)
			return -EINVAL;
		r = fifo_open(&in->dev_priv, flags, this_hart()->current, out);
		if (!r) {
			(*out)->inode = in;	/* stat and the inode's life go with it */
			in->opens++;
		}
		return r;
	}
	if ((flags & O_DIRECTORY) && !is_dir(in))
		return -ENOTDIR;
	if ((flags & O_TRUNC) && (in->mode & S_IFMT) == S_IFREG && acc != O_RDONLY) {
		r = file_set_size(in, 0);
		if (r)
			return r;
	}
	r = open_file(in, flags, out);
	if (!r)
		file_set_path(*out, is_dir(in) ? in : lk.dir, is_dir(in) ? NULL : lk.name);
	return r;
}

/* What readlink of /proc/self/fd/<n> gives for f (procfs.c): dir's path,
 * then "/" name unless name is NULL. Left NULL when out of memory. */
static char path_buf[VFS_PATH_MAX];

void file_set_path(struct file *f, const struct inode *dir, const char *name)
{
	const char *start;
	long n = inode_path(dir, path_buf, &start);
	size_t nl = name ? strlen(name) : 0;

	if (n < 0 || (size_t)n + nl + 1 > VFS_PATH_MAX)
		return;
	f->path = kzalloc((size_t)n + nl + 1);
	if (!f->path)
		return;
	size_t len = (size_t)n - 1;

	memcpy(f->path, start, len);
	if (name) {
		if (len > 1)
			f->path[len++] = '/';
		memcpy(f->path + len, name, nl);
		len += nl;
	}
	f->path[len] = '\0';
}


long vfs_bind_socket(const char *path, void *sock, struct inode **out)
{
	struct lookup lk;
	struct inode *in;
	int r = create_lookup(AT_FDCWD, path, false, &lk);

	if (r)
		return r;
	if ((r = create_at(&lk, S_IFSOCK | (0777 & ~vfs_umask), &in)))
		return r;
	in->dev_priv = sock;
	in->opens++;	/* the socket's hold: the inode outlives an unlink */
	*out = in;
	return 0;
}

void *vfs_socket_at(const char *path, long *err)
{
	struct lookup lk;
	int r = lookup_at(AT_FDCWD, path, true, &lk);

	if (!r && !lk.inode)
		r = -ENOENT;
	if (!r && ((lk.inode->mode & S_IFMT) != S_IFSOCK || !lk.inode->dev_priv))
		r = -ECONNREFUSED;
	*err = r;
	return r ? NULL : lk.inode->dev_priv;
}

void vfs_unbind_socket(struct inode *in)
{
	in->dev_priv = NULL;
	vfs_inode_release(in);
}

/* ------------------------------------------------------- path operations */

/*
 * What the path system calls do, on paths already copied in (sys/sys_path.c
 * decodes the arguments and checks their flags first, in Linux's order).
 * The semantics and their errors are fs/namei.c's: do_mkdirat, do_mknodat,
 * do_unlinkat and do_rmdir, do_renameat2, do_symlinkat, do_readlinkat,
 * do_linkat; fs/open.c's do_faccessat, chdir, chmod_common, chown_common,
 * do_truncate; fs/utimes.c.
 */

uint32_t vfs_set_umask(uint32_t mask)
{
	uint32_t old = vfs_umask;

	vfs_umask = mask & 0777;
	return old;
}

long vfs_mkdirat(int dirfd, const char *path, uint32_t mode)
{
	struct lookup lk;
	struct inode *in;
	int r = create_lookup(dirfd, path, true, &lk);

	return r ? r : create_at(&lk, S_IFDIR | (mode & 07777 & ~vfs_umask), &in);
}

long vfs_mknodat(int dirfd, const char *path, uint32_t mode)
{
	struct lookup lk;
	struct inode *in;
	int r = create_lookup(dirfd, path, false, &lk);

	return r ? r : create_at(&lk, (mode & S_IFMT) | (mode & 07777 & ~vfs_umask), &in);
}

long vfs_unlinkat(int dirfd, const char *path, uint32_t flags)
{
	struct lookup lk;
	int r = path_inode(dirfd, path, false, &lk);

	if (r)
		return r;
	/* The last component "." or ".." or none ("/"), as do_unlinkat and
	 * do_rmdir answer: unlink EISDIR; rmdir EINVAL, ENOTEMPTY, EBUSY. */
	if (lk.namelen == 0 || (lk.namelen <= 2 && !memcmp(lk.name, "..", lk.namelen))) {
		if (!(flags & AT_REMOVEDIR))
			return -EISDIR;
		return lk.namelen == 1 ? -EINVAL : lk.namelen == 2 ? -ENOTEMPTY : -EBUSY;
	}
	struct dirent *d = dir_find(lk.dir, lk.name, lk.namelen);

	if (!d)
		return lk.dir->hooks && lk.inode ? -EPERM : -ENOENT;
	if (d->inode->hooks)
		return -EPERM;
	if (flags & AT_REMOVEDIR) {
		if (!is_dir(d->inode))
			return -ENOTDIR;
		if (d->inode->entries)
			return -ENOTEMPTY;
		if (d->inode == vfs_cwd)
			vfs_cwd = lk.dir;
	} else if (is_dir(d->inode)) {
		return -EISDIR;
	}
	dir_unlink(lk.dir, d);
	return 0;
}

static bool is_ancestor(const struct inode *a, const struct inode *b)
{
	for (; b; b = b->parent)
		if (a == b)
			return true;
	return false;
}

/* RENAME_EXCHANGE: the two names swap what they name. */
static long rename_exchange(struct lookup *lf, struct dirent *df, struct lookup *lt)
{
	struct dirent *dt = lt->inode ? dir_find(lt->dir, lt->name, lt->namelen) : NULL;
	struct inode *a = df->inode, *b;

	if (!dt)
		return -ENOENT;
	b = dt->inode;
	if ((is_dir(a) && is_ancestor(a, lt->dir)) || (is_dir(b) && is_ancestor(b, lf->dir)))
		return -EINVAL;
	df->inode = b;
	dt->inode = a;
	/* A directory moving to another parent takes its ".." link along. */
	if (is_dir(a) != is_dir(b)) {
		struct inode *gets_dir = is_dir(a) ? lt->dir : lf->dir, *loses_dir = is_dir(a) ? lf->dir : lt->dir;

		gets_dir->nlink++;
		loses_dir->nlink--;
	}
	if (is_dir(a))
		a->parent = lt->dir;
	if (is_dir(b))
		b->parent = lf->dir;
	a->ctime_ns = b->ctime_ns = tmpfs_now();
	return 0;
}

long vfs_renameat2(int olddirfd, const char *from, int newdirfd, const char *to, uint32_t flags)
{
	struct lookup lf, lt;
	int r;

	if ((r = lookup_at(olddirfd, from, false, &lf)) || (r = lookup_at(newdirfd, to, false, &lt)))
		return r;
	if (!lf.inode)
		return -ENOENT;
	struct dirent *df = dir_find(lf.dir, lf.name, lf.namelen);

	if (lf.dir->hooks || lt.dir->hooks || (df && df->inode->hooks))
		return -EPERM;
	/* "." , ".." and "/" cannot be renamed or replaced. */
	if (!df || lt.namelen == 0 || (lt.namelen <= 2 && !memcmp(lt.name, "..", lt.namelen)))
		return -EBUSY;
	if (flags & RENAME_EXCHANGE)
		return rename_exchange(&lf, df, &lt);
	struct inode *src = df->inode;

	if (is_dir(src) && is_ancestor(src, lt.dir))
		return -EINVAL;
	if (lt.inode == src)
		return 0;
	if (lt.inode) {
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (is_dir(src) && !is_dir(lt.inode))
			return -ENOTDIR;
		if (!is_dir(src) && is_dir(lt.inode))
			return -EISDIR;
		if (is_dir(lt.inode) && lt.inode->entries)
			return -ENOTEMPTY;
	}
	if (!lt.dir->nlink)
		return -ENOENT;
	struct dirent *nd = dirent_new(lt.name, lt.namelen);

	if (!nd)
		return -ENOMEM;
	if (lt.inode)
		dir_unlink(lt.dir, dir_find(lt.dir, lt.name, lt.namelen));
	dir_insert(lt.dir, nd, dir_remove(lf.dir, df));
	src->ctime_ns = tmpfs_now();
	return 0;
}

long vfs_symlinkat(const char *target, int dirfd, const char *path)
{
	struct lookup lk;
	struct inode *in;
	int r;

	if (!target[0])
		return -ENOENT;
	if ((r = create_lookup(dirfd, path, false, &lk)))
		return r;
	if ((r = create_at(&lk, S_IFLNK | 0777, &in)))
		return r;
	in->size = strlen(target);
	in->target = kzalloc(in->size + 1);
	if (!in->target)
		return -ENOMEM;
	memcpy(in->target, target, in->size);
	return 0;
}

long vfs_readlinkat(int dirfd, const char *path, const char **target, size_t *len)
{
	struct lookup lk;
	int r = path_inode(dirfd, path, false, &lk);

	if (r)
		return r;
	if ((lk.inode->mode & S_IFMT) != S_IFLNK)
		return -EINVAL;
	*target = lk.inode->target;
	*len = lk.inode->size;
	return 0;
}

long vfs_linkat(int olddirfd, const char *from, int newdirfd, const char *to, uint32_t flags)
{
	struct lookup lf, lt;
	int r;

	if ((r = lookup_at(olddirfd, from, (flags & AT_SYMLINK_FOLLOW) ? FOLLOW : 0, &lf)))
		return r;
	if (!lf.inode)
		return -ENOENT;
	if ((r = create_lookup(newdirfd, to, false, &lt)))
		return r;
	if (is_dir(lf.inode))
		return -EPERM;
	return dir_link(lt.dir, lt.name, lt.namelen, lf.inode);
}

long vfs_faccessat(int dirfd, const char *path, uint32_t mode, uint32_t flags)
{
	struct lookup lk;
	int r = path_inode(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), &lk);

	if (r)
		return r;
	/* goose's program is root: only execute needs a bit set (on some x). */
	if ((mode & X_OK) && !is_dir(lk.inode) && !(lk.inode->mode & 0111))
		return -EACCES;
	return 0;
}

static long set_cwd(struct inode *in)
{
	if (!is_dir(in))
		return -ENOTDIR;
	vfs_cwd = in;
	return 0;
}

long vfs_chdir(const char *path)
{
	struct lookup lk;
	int r = path_inode(AT_FDCWD, path, true, &lk);

	return r ? r : set_cwd(lk.inode);
}

long vfs_fchdir(int fd)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	return f->inode ? set_cwd(f->inode) : -ENOTDIR;
}

long vfs_getcwd(char buf[VFS_PATH_MAX], const char **start)
{
	return inode_path(vfs_cwd, buf, start);
}

long inode_path(const struct inode *dir, char buf[VFS_PATH_MAX], const char **start)
{
	size_t pos = VFS_PATH_MAX - 1;

	if (!dir->nlink)
		return -ENOENT;
	buf[pos] = '\0';
	for (const struct inode *in = dir; in != vfs_root; in = in->parent) {
		struct dirent *d = in->parent->entries;

		while (d && d->inode != in)
			d = d->next;
		size_t n = d ? strlen(d->name) : 0;

		if (!d || n + 1 > pos)
			return -ENAMETOOLONG;
		pos -= n;
		memcpy(buf + pos, d->name, n);
		buf[--pos] = '/';
	}
	if (pos == VFS_PATH_MAX - 1)
		buf[--pos] = '/';
	*start = buf + pos;
	return (long)(VFS_PATH_MAX - pos);
}

long vfs_truncate(const char *path, uint64_t size)
{
	struct lookup lk;
	int r = path_inode(AT_FDCWD, path, true, &lk);

	if (r)
		return r;
	if (is_dir(lk.inode))
		return -EISDIR;
	if ((lk.inode->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	return file_set_size(lk.inode, size);
}

static long chmod_inode(struct inode *in, uint32_t mode)
{
	in->mode = (in->mode & S_IFMT) | (mode & 07777);
	in->ctime_ns = tmpfs_now();
	return 0;
}

long vfs_fchmod(int fd, uint32_t mode)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	return f->inode ? chmod_inode(f->inode, mode) : 0;
}

/* fchmodat2's semantics (flags 0: fchmodat's). A symbolic link's own mode
 * does not change: EOPNOTSUPP, as Linux says. */
long vfs_fchmodat(int dirfd, const char *path, uint32_t mode, uint32_t flags)
{
	struct lookup lk;
	int r = path_inode_at(dirfd, path, flags, &lk);

	if (r)
		return r;
	if (!lk.inode)
		return 0;
	if ((lk.inode->mode & S_IFMT) == S_IFLNK)
		return -EOPNOTSUPP;
	return chmod_inode(lk.inode, mode);
}

/* -1 (UINT32_MAX) leaves an id as it is. */
static void chown_inode(struct inode *in, uint32_t uid, uint32_t gid)
{
	if (uid != UINT32_MAX)
		in->uid = uid;
	if (gid != UINT32_MAX)
		in->gid = gid;
}

long vfs_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, uint32_t flags)
{
	struct lookup lk;
	int r = path_inode_at(dirfd, path, flags, &lk);

	if (r)
		return r;
	if (lk.inode)
		chown_inode(lk.inode, uid, gid);
	return 0;
}

long vfs_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	if (f->inode)
		chown_inode(f->inode, uid, gid);
	return 0;
}

long vfs_utimensat(int dirfd, const char *path, const int64_t *ts, uint32_t flags)
{
	struct lookup lk;
	struct inode *in;
	int r;

	if (path) {
		if ((r = path_inode(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), &lk)))
			return r;
		in = lk.inode;
	} else {
		struct file *f = fd_get(dirfd);

		if (!f)
			return -EBADF;
		if (!f->inode)
			return 0;
		in = f->inode;
	}
	uint64_t now = tmpfs_now();

	if (!ts) {
		in->atime_ns = in->mtime_ns = now;
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		int64_t sec = ts[2 * i], nsec = ts[2 * i + 1];
		uint64_t *field = i ? &in->mtime_ns : &in->atime_ns;

		if (nsec == UTIME_OMIT)
			continue;
		if (nsec == UTIME_NOW)
			*field = now;
		else if (nsec < 0 || nsec >= 1000000000 || sec < 0)
			return -EINVAL;
		else
			*field = (uint64_t)sec * 1000000000 + (uint64_t)nsec;
	}
	return 0;
}

long vfs_lookup(const char *path)
{
	struct lookup lk;

	return path_inode(AT_FDCWD, path, true, &lk);
}

/* struct statfs (include/uapi/asm-generic/statfs.h), 64-bit: 120 bytes. */
void vfs_statfs(uint64_t st[15])
{
	memset(st, 0, 15 * sizeof(uint64_t));
	st[0] = TMPFS_MAGIC;	/* f_type */
	st[1] = PAGE;		/* f_bsize */
	st[2] = pmem.total_pages;	/* f_blocks */
	st[3] = pmem.free_pages;	/* f_bfree */
	st[4] = pmem.free_pages;	/* f_bavail */
	st[5] = 1u << 20;	/* f_files */
	st[6] = 1u << 20;	/* f_ffree */
	st[8] = VFS_NAME_MAX;	/* f_namelen */
	st[9] = PAGE;		/* f_frsize */
}
