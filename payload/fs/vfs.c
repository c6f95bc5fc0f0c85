/* SPDX-License-Identifier: MIT */
/*
 * The in-memory file tree. Inodes are directories (a list of named
 * entries), regular files (an array of pages, or bytes left where they are
 * until the first write: the FDT and initramfs files), symbolic links and
 * device nodes (their own file ops). Path resolution follows
 * path_resolution(7): "." and "..", repeated slashes, symbolic links
 * (at most 40), and a trailing slash only on directories.
 */
#include "fs/vfs.h"
#include "arch/riscv/layout.h"
#include "dev/console.h"
#include "dev/random.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/ioctls.h"
#include "include/uapi/mman.h"
#include "include/uapi/stat.h"
#include "kernel/clock.h"
#include "kernel/thread.h"
#include "lib/cpio.h"
#include "mm/kmem.h"
#include "mm/pmem.h"
#include "mm/vm.h"
#include "sys/sys.h"

#define MAXSYMLINKS 40
#define PAGE 4096ul

struct dirent {
	struct dirent *next;
	struct inode *inode;
	char name[];
};

struct inode {
	uint64_t ino;
	uint32_t mode;		/* S_IF* | permission bits */
	uint32_t nlink;		/* directory entries naming it */
	uint32_t opens;		/* open files on it; freed when both are 0 */
	uint32_t uid, gid;
	uint64_t size;
	uint64_t rdev;
	uint64_t mtime_ns, ctime_ns, atime_ns;
	/* S_IFDIR */
	struct dirent *entries;
	struct inode *parent;
	/* S_IFREG: pages (NULL = zeros) or, until written, static bytes */
	uint8_t **pages;
	uint64_t npages;	/* slots in pages[] */
	const uint8_t *static_data;
	/* S_IFLNK: target (size bytes), S_IFCHR: file ops */
	char *target;
	const struct file_ops *dev_ops;
	void *dev_priv;
};

static struct inode *root, *cwd;
static uint64_t next_ino = 1;
static uint32_t umask = 022;

static uint64_t now_ns(void)
{
	return clock_realtime_ns();
}

static struct inode *inode_new(uint32_t mode)
{
	struct inode *in = kzalloc(sizeof(*in));

	if (!in)
		return NULL;
	in->ino = next_ino++;
	in->mode = mode;
	/* A directory's own "." counts as a link (st_nlink = 2 + subdirectories once named). */
	in->nlink = (mode & S_IFMT) == S_IFDIR ? 1 : 0;
	in->mtime_ns = in->ctime_ns = in->atime_ns = now_ns();
	return in;
}

static bool is_dir(const struct inode *in)
{
	return (in->mode & S_IFMT) == S_IFDIR;
}

static void file_data_free(struct inode *in)
{
	for (uint64_t i = 0; i < in->npages; i++)
		if (in->pages[i])
			pmem_free(&pmem, VA2PA(in->pages[i]));
	kfree(in->pages);
	in->pages = NULL;
	in->npages = 0;
}

/* Free an inode nobody names or holds open any more. */
static void inode_maybe_free(struct inode *in)
{
	if (in->nlink || in->opens || in == root)
		return;
	file_data_free(in);
	kfree(in->target);
	kfree(in);
}

static struct dirent *dir_find(const struct inode *dir, const char *name, size_t len)
{
	for (struct dirent *d = dir->entries; d; d = d->next)
		if (strlen(d->name) == len && !memcmp(d->name, name, len))
			return d;
	return NULL;
}

static struct dirent *dirent_new(const char *name, size_t len)
{
	struct dirent *d = kzalloc(sizeof(*d) + len + 1);

	if (d)
		memcpy(d->name, name, len);
	return d;
}

static void dir_insert(struct inode *dir, struct dirent *d, struct inode *in)
{
	/* Keep entries sorted, so getdents order is stable and readable. */
	struct dirent **link = &dir->entries;

	while (*link && strcmp((*link)->name, d->name) < 0)
		link = &(*link)->next;
	d->next = *link;
	*link = d;
	d->inode = in;
	in->nlink++;
	if (is_dir(in)) {
		in->parent = dir;
		dir->nlink++;
	}
	dir->mtime_ns = dir->ctime_ns = now_ns();
}

static int dir_link(struct inode *dir, const char *name, size_t len, struct inode *in)
{
	struct dirent *d = dirent_new(name, len);

	if (!d)
		return -ENOMEM;
	dir_insert(dir, d, in);
	return 0;
}

/* Take the entry out; the inode it named lives on (rename moves it). */
static struct inode *dir_remove(struct inode *dir, struct dirent *d)
{
	struct dirent **link = &dir->entries;
	struct inode *in = d->inode;

	while (*link != d)
		link = &(*link)->next;
	*link = d->next;
	kfree(d);
	in->nlink--;
	if (is_dir(in)) {
		dir->nlink--;
		in->parent = NULL;
	}
	dir->mtime_ns = dir->ctime_ns = now_ns();
	return in;
}

static void dir_unlink(struct inode *dir, struct dirent *d)
{
	struct inode *in = dir_remove(dir, d);

	/* A removed directory loses its "." too. */
	if (is_dir(in))
		in->nlink = 0;
	inode_maybe_free(in);
}

/* ------------------------------------------------------------ resolution */

struct lookup {
	struct inode *dir;	/* the directory the last component is in */
	const char *name;	/* the last component (namelen bytes, in namebuf) */
	size_t namelen;
	struct inode *inode;	/* what it names, or NULL */
	bool trailing_slash;
	char namebuf[VFS_NAME_MAX + 1];
};

/* Path scratch for resolve: every caller holds the big lock (or is boot). */
static char resolve_buf[2][VFS_PATH_MAX];

/*
 * Walk path from start (or the root, for an absolute path). Every component
 * but the last must exist and be a directory; the last is looked up in its
 * directory. A symbolic link on the way is expanded in place (its target,
 * then the rest of the path) and the walk goes on from the link's directory,
 * at most MAXSYMLINKS times: no recursion, so hostile link chains cost no
 * stack. The last component is followed only when follow is FOLLOW (or when
 * a slash follows it, unless follow is FOLLOW_NEVER: where a name is made).
 */
#define FOLLOW 1
#define FOLLOW_NEVER 2

static int resolve(struct inode *start, const char *path, int follow, struct lookup *lk)
{
	size_t n = strnlen(path, VFS_PATH_MAX);
	char *p = resolve_buf[0], *spare = resolve_buf[1];
	struct inode *cur = path[0] == '/' ? root : start;
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
		if (!*p)
			return 0;
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

			next = d ? d->inode : NULL;
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
				cur = root;
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

static struct inode *inode_of_file(struct file *f);

static int start_dir(int dirfd, const char *path, struct inode **out)
{
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*out = cwd;
		return 0;
	}
	struct file *f = fd_get(dirfd);

	if (!f)
		return -EBADF;
	struct inode *in = inode_of_file(f);

	if (!in || !is_dir(in))
		return -ENOTDIR;
	*out = in;
	return 0;
}

static int lookup_at(int dirfd, const char *path, int follow, struct lookup *lk)
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

/* A path from the program, looked up from dirfd (AT_FDCWD: the working
 * directory); path is the caller's VFS_PATH_MAX buffer. */
static int user_lookup(int dirfd, uint64_t upath, int follow, char *path, struct lookup *lk)
{
	int r = strncpy_from_user(path, upath, VFS_PATH_MAX);

	return r ? r : lookup_at(dirfd, path, follow, lk);
}

/*
 * Where a new name goes (mkdir, mknod, symlink, link), as fs/namei.c's
 * filename_create: the last component is never followed; a name that exists
 * is EEXIST, even a dangling symlink; a trailing slash is ENOENT unless a
 * directory is being made.
 */
static int create_lookup(int dirfd, const char *path, bool dir, struct lookup *lk)
{
	int r = lookup_at(dirfd, path, FOLLOW_NEVER, lk);

	if (r)
		return r;
	if (lk->inode)
		return -EEXIST;
	return lk->trailing_slash && !dir ? -ENOENT : 0;
}

/* The same, for a name that must exist. */
static int user_inode(int dirfd, uint64_t upath, bool follow, char *path, struct lookup *lk)
{
	int r = user_lookup(dirfd, upath, follow, path, lk);

	return r ? r : lk->inode ? 0 : -ENOENT;
}

/* user_inode with the *at calls' flags: AT_SYMLINK_NOFOLLOW, and
 * AT_EMPTY_PATH, with which an empty path names dirfd's own file (AT_FDCWD:
 * the working directory; an O_PATH descriptor too), as user_path_at with
 * LOOKUP_EMPTY. lk->inode may be NULL then: a pipe or a socket. */
static int user_inode_at(int dirfd, uint64_t upath, uint64_t flags, char *path, struct lookup *lk)
{
	int r = strncpy_from_user(path, upath, VFS_PATH_MAX);

	if (r)
		return r;
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);

		if (dirfd != AT_FDCWD && !f)
			return -EBADF;
		memset(lk, 0, sizeof(*lk));
		lk->inode = f ? inode_of_file(f) : cwd;
		return 0;
	}
	r = lookup_at(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : FOLLOW, lk);
	return r ? r : lk->inode ? 0 : -ENOENT;
}

/* ----------------------------------------------------------- file bodies */

static int file_unshare(struct inode *in)
{
	/* The first write copies static bytes into pages of its own. */
	const uint8_t *src = in->static_data;

	if (!src)
		return 0;
	uint64_t n = ALIGN_UP(in->size, PAGE) / PAGE;
	uint8_t **pages = n ? kzalloc(n * sizeof(*pages)) : NULL;

	if (n && !pages)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t pa = pmem_alloc_zeroed(&pmem);

		if (!pa) {
			for (uint64_t j = 0; j < i; j++)
				pmem_free(&pmem, VA2PA(pages[j]));
			kfree(pages);
			return -ENOMEM;
		}
		pages[i] = PA2VA(pa);
		memcpy(pages[i], src + i * PAGE, MIN(PAGE, in->size - i * PAGE));
	}
	in->pages = pages;
	in->npages = n;
	in->static_data = NULL;
	return 0;
}

static int file_reserve(struct inode *in, uint64_t npages)
{
	if (npages <= in->npages)
		return 0;
	uint64_t want = MAX(npages, in->npages * 2);
	uint8_t **p = kzalloc(want * sizeof(*p));

	if (!p)
		return -ENOMEM;
	if (in->npages)
		memcpy(p, in->pages, in->npages * sizeof(*p));
	kfree(in->pages);
	in->pages = p;
	in->npages = want;
	return 0;
}

static int file_set_size(struct inode *in, uint64_t size)
{
	int r = file_unshare(in);

	if (r)
		return r;
	if (size < in->size) {
		/* Drop whole pages past the end and zero the tail of the last one. */
		for (uint64_t i = ALIGN_UP(size, PAGE) / PAGE; i < in->npages; i++) {
			if (in->pages[i]) {
				pmem_free(&pmem, VA2PA(in->pages[i]));
				in->pages[i] = NULL;
			}
		}
		if (size % PAGE && in->pages[size / PAGE])
			memset(in->pages[size / PAGE] + size % PAGE, 0, PAGE - size % PAGE);
	} else if ((r = file_reserve(in, ALIGN_UP(size, PAGE) / PAGE))) {
		return r;
	}
	in->size = size;
	in->mtime_ns = in->ctime_ns = now_ns();
	return 0;
}

static long reg_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	struct inode *in = f->inode;
	uint8_t *out = buf;
	size_t done = 0;

	if (*off >= in->size)
		return 0;
	len = MIN(len, in->size - *off);
	if (in->static_data) {
		memcpy(out, in->static_data + *off, len);
		*off += len;
		return (long)len;
	}
	while (done < len) {
		uint64_t pos = *off + done, pg = pos / PAGE;
		size_t chunk = MIN(len - done, PAGE - pos % PAGE);

		if (pg < in->npages && in->pages[pg])
			memcpy(out + done, in->pages[pg] + pos % PAGE, chunk);
		else
			memset(out + done, 0, chunk);
		done += chunk;
	}
	*off += len;
	return (long)len;
}

static long reg_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	struct inode *in = f->inode;
	const uint8_t *src = buf;
	size_t done = 0;
	int r;

	if (f->flags & O_APPEND)
		*off = in->size;
	if (*off > UINT64_MAX - len)
		return -EFBIG;
	if ((r = file_unshare(in)) || (r = file_reserve(in, ALIGN_UP(*off + len, PAGE) / PAGE)))
		return r;
	while (done < len) {
		uint64_t pos = *off + done, pg = pos / PAGE;
		size_t chunk = MIN(len - done, PAGE - pos % PAGE);

		if (!in->pages[pg]) {
			uint64_t pa = pmem_alloc_zeroed(&pmem);

			if (!pa)
				break;
			in->pages[pg] = PA2VA(pa);
		}
		memcpy(in->pages[pg] + pos % PAGE, src + done, chunk);
		done += chunk;
	}
	if (!done && len)
		return -ENOSPC;
	*off += done;
	in->size = MAX(in->size, *off);
	in->mtime_ns = in->ctime_ns = now_ns();
	return (long)done;
}

int vfs_inode_stat(struct inode *in, struct kstat *st)
{
	st->st_dev = 1;
	st->st_ino = in->ino;
	st->st_mode = in->mode;
	st->st_nlink = in->nlink;
	st->st_uid = in->uid;
	st->st_gid = in->gid;
	st->st_rdev = in->rdev;
	st->st_size = (int64_t)in->size;
	st->st_blksize = 4096;
	st->st_blocks = (int64_t)(ALIGN_UP(in->size, 512) / 512);
	st->st_atime_sec = (int64_t)(in->atime_ns / 1000000000);
	st->st_atime_nsec = in->atime_ns % 1000000000;
	st->st_mtime_sec = (int64_t)(in->mtime_ns / 1000000000);
	st->st_mtime_nsec = in->mtime_ns % 1000000000;
	st->st_ctime_sec = (int64_t)(in->ctime_ns / 1000000000);
	st->st_ctime_nsec = in->ctime_ns % 1000000000;
	return 0;
}

void vfs_inode_release(struct inode *in)
{
	in->opens--;
	inode_maybe_free(in);
}

static int reg_truncate(struct file *f, uint64_t size)
{
	return file_set_size(f->inode, size);
}

/* The pages of a MAP_PRIVATE file mapping are copies, made now. A shared
 * writable one would need writing back, which goose does not do. */
static long reg_mmap(struct file *f, uint64_t va, uint64_t len, uint32_t prot, uint64_t off, bool shared)
{
	struct inode *in = f->inode;

	if (shared && (prot & PROT_WRITE))
		return -ENODEV;
	for (uint64_t done = 0; done < len && off + done < in->size; done += PAGE) {
		uint64_t pa = pmem_alloc_zeroed(&pmem), pos = off + done;

		if (!pa)
			return -ENOMEM;
		uint64_t n = MIN(PAGE, in->size - pos);
		uint64_t o = pos;

		reg_read(f, PA2VA(pa), n, &o);
		if (vm_map_page(va + done, pa, prot)) {
			pmem_free(&pmem, pa);
			return -ENOMEM;
		}
	}
	return 0;
}

/* FIONREAD: the bytes from the offset to the end. */
static long reg_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	n = (int)MIN(f->inode->size > f->off ? f->inode->size - f->off : 0, (uint64_t)INT32_MAX);
	return copy_to_user(arg, &n, sizeof(n));
}

static const struct file_ops reg_ops = {
	.ioctl = reg_ioctl,
	.read = reg_read,
	.write = reg_write,
	.truncate = reg_truncate,
	.mmap = reg_mmap,
	.seekable = true,
};

/* struct linux_dirent64 (include/linux/dirent.h): u64 ino, s64 off, u16
 * reclen, u8 type, name; the type one of uapi/stat.h's DT_*. */
static uint8_t dirent_type(const struct inode *in)
{
	switch (in->mode & S_IFMT) {
	case S_IFDIR:
		return DT_DIR;
	case S_IFREG:
		return DT_REG;
	case S_IFLNK:
		return DT_LNK;
	case S_IFCHR:
		return DT_CHR;
	case S_IFIFO:
		return DT_FIFO;
	case S_IFSOCK:
		return DT_SOCK;
	default:
		return 0;
	}
}

static size_t dirent_put(uint8_t *buf, size_t room, uint64_t ino, uint64_t next, uint8_t type, const char *name)
{
	size_t nl = strlen(name), reclen = ALIGN_UP(19 + nl + 1, 8);

	if (reclen > room)
		return 0;
	memset(buf, 0, reclen);
	memcpy(buf, &ino, 8);
	memcpy(buf + 8, &next, 8);
	uint16_t rl = (uint16_t)reclen;

	memcpy(buf + 16, &rl, 2);
	buf[18] = type;
	memcpy(buf + 19, name, nl);
	return reclen;
}

/* Position n: 0 is ".", 1 is "..", n >= 2 the (n-2)th entry. */
static long dir_getdents(struct file *f, void *ubuf, size_t len, uint64_t *off)
{
	struct inode *dir = f->inode;
	uint8_t *buf = ubuf;
	size_t used = 0;

	/* A removed directory reads as empty. */
	if (!dir->nlink)
		return 0;
	for (;;) {
		uint64_t pos = *off;
		size_t n;

		if (pos == 0) {
			n = dirent_put(buf + used, len - used, dir->ino, 1, DT_DIR, ".");
		} else if (pos == 1) {
			struct inode *p = dir->parent ? dir->parent : dir;

			n = dirent_put(buf + used, len - used, p->ino, 2, DT_DIR, "..");
		} else {
			struct dirent *d = dir->entries;

			for (uint64_t i = 2; d && i < pos; i++)
				d = d->next;
			if (!d)
				break;
			n = dirent_put(buf + used, len - used, d->inode->ino, pos + 1, dirent_type(d->inode), d->name);
		}
		if (!n) {
			if (!used)
				return -EINVAL;
			break;
		}
		used += n;
		*off = pos + 1;
	}
	return (long)used;
}

static const struct file_ops dir_ops = {
	.getdents = dir_getdents,
	.seekable = true,
};

/* O_PATH files and symlinks opened with O_PATH|O_NOFOLLOW: stat only. */
static const struct file_ops path_ops = {
};

static struct inode *inode_of_file(struct file *f)
{
	return f->inode;
}

/* A device file: the node's ops, but stat and release through the inode. */
static struct file *open_inode(struct inode *in, uint32_t flags)
{
	const struct file_ops *ops;

	if (flags & O_PATH)
		ops = &path_ops;
	else if (is_dir(in))
		ops = &dir_ops;
	else if ((in->mode & S_IFMT) == S_IFCHR)
		ops = in->dev_ops;
	else
		ops = &reg_ops;
	struct file *f = file_alloc(ops, flags & ~(uint32_t)O_CLOEXEC, in->dev_priv);

	if (!f)
		return NULL;
	f->inode = in;
	in->opens++;
	return f;
}

/* open_inode, then the device's own open. */
static long open_file(struct inode *in, uint32_t flags, struct file **out)
{
	struct file *f = open_inode(in, flags);

	if (!f)
		return -ENOMEM;
	if (!(flags & O_PATH) && f->ops->open) {
		int r = f->ops->open(f);

		if (r) {
			file_put(f);
			return r;
		}
	}
	*out = f;
	return 0;
}

/* ------------------------------------------------------------- open */

static int create_at(struct lookup *lk, uint32_t mode, struct inode **out)
{
	if (!lk->dir->nlink)
		return -ENOENT;
	if (lk->namelen == 1 && lk->name[0] == '.')
		return -EEXIST;
	struct inode *in = inode_new(mode);

	if (!in)
		return -ENOMEM;
	int r = dir_link(lk->dir, lk->name, lk->namelen, in);

	if (r) {
		kfree(in);
		return r;
	}
	*out = in;
	return 0;
}

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
		r = create_at(&lk, S_IFREG | (mode & 07777 & ~umask), &in);
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
	return open_file(in, flags, out);
}

/* --------------------------------------------------------- tree changes */

static int vfs_mknod_path(const char *path, uint32_t mode, struct inode **out)
{
	struct lookup lk;
	int r = resolve(root, path, true, &lk);

	if (r)
		return r;
	if (lk.inode)
		return -EEXIST;
	return create_at(&lk, mode, out);
}

long vfs_bind_socket(const char *path, void *sock, struct inode **out)
{
	struct lookup lk;
	struct inode *in;
	int r = create_lookup(AT_FDCWD, path, false, &lk);

	if (r)
		return r;
	if ((r = create_at(&lk, S_IFSOCK | (0777 & ~umask), &in)))
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

int vfs_remove(const char *path)
{
	struct lookup lk;
	int r = resolve(root, path, false, &lk);
	struct dirent *d = r || !lk.inode ? NULL : dir_find(lk.dir, lk.name, lk.namelen);

	if (r)
		return r;
	if (!d)
		return -ENOENT;
	if (is_dir(d->inode) && d->inode->entries)
		return -ENOTEMPTY;
	if (d->inode == cwd)
		cwd = lk.dir;
	dir_unlink(lk.dir, d);
	return 0;
}

/* mkdir -p for the tree goose builds itself. */
static struct inode *mkdirs(const char *path)
{
	char buf[VFS_PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return NULL;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		struct inode *in;

		buf[i] = '\0';
		int r = vfs_mknod_path(buf, S_IFDIR | 0755, &in);

		buf[i] = c;
		if (r && r != -EEXIST)
			return NULL;
	}
	struct lookup lk;

	return resolve(root, path, true, &lk) ? NULL : lk.inode;
}

static int parent_dirs(const char *path)
{
	char buf[VFS_PATH_MAX];
	size_t n = strlen(path);

	while (n && path[n - 1] != '/')
		n--;
	if (n <= 1)
		return 0;
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n - 1);
	buf[n - 1] = '\0';
	return mkdirs(buf) ? 0 : -ENOMEM;
}

int vfs_add_static(const char *path, const void *data, size_t len, uint32_t mode)
{
	struct inode *in;
	int r = parent_dirs(path);

	if (r || (r = vfs_mknod_path(path, S_IFREG | (mode & 07777), &in)))
		return r;
	in->static_data = data;
	in->size = len;
	return 0;
}

int vfs_add_symlink(const char *path, const char *target, size_t len)
{
	struct inode *in;
	int r = parent_dirs(path);

	if (r || (r = vfs_mknod_path(path, S_IFLNK | 0777, &in)))
		return r;
	in->target = kzalloc(len + 1);
	if (!in->target)
		return -ENOMEM;	/* the node stays, an empty link */
	memcpy(in->target, target, len);
	in->size = len;
	return 0;
}

int vfs_add_device(const char *path, const struct file_ops *ops, uint32_t mode, uint64_t rdev, void *priv)
{
	struct inode *in;
	int r = parent_dirs(path);

	if (r || (r = vfs_mknod_path(path, S_IFCHR | (mode & 07777), &in)))
		return r;
	in->dev_ops = ops;
	in->dev_priv = priv;
	in->rdev = rdev;
	return 0;
}

int vfs_file_bytes(const char *path, const void **data, size_t *len)
{
	struct lookup lk;
	int r = resolve(root, path, true, &lk);

	if (r)
		return r;
	if (!lk.inode)
		return -ENOENT;
	if ((lk.inode->mode & S_IFMT) != S_IFREG || !lk.inode->static_data)
		return -EINVAL;
	*data = lk.inode->static_data;
	*len = lk.inode->size;
	return 0;
}

int vfs_chdir_path(const char *path)
{
	struct lookup lk;
	int r = resolve(root, path, true, &lk);

	if (r)
		return r;
	if (!lk.inode)
		return -ENOENT;
	if (!is_dir(lk.inode))
		return -ENOTDIR;
	cwd = lk.inode;
	return 0;
}

int vfs_unpack_cpio(const void *buf, size_t len)
{
	struct cpio_entry e;
	size_t off = 0;
	char err[160];
	int r;

	while ((r = cpio_next(buf, len, &off, &e, err, sizeof(err))) == 1) {
		char path[VFS_PATH_MAX];
		const char *name = e.name;

		while (name[0] == '.' && name[1] == '/')
			name += 2;
		while (name[0] == '/')
			name++;
		if (!name[0] || !strcmp(name, "."))
			continue;
		if (strlen(name) + 2 > sizeof(path)) {
			gmsg("initramfs: path %.40s... is longer than %d bytes", name, VFS_PATH_MAX);
			return -1;
		}
		snprintf(path, sizeof(path), "/%s", name);
		int rr = parent_dirs(path);

		switch (e.mode & S_IFMT) {
		case S_IFDIR:
			if (!rr && !mkdirs(path))
				rr = -ENOMEM;
			break;
		case S_IFREG:
			if (!rr)
				rr = vfs_add_static(path, e.data, e.size, e.mode);
			break;
		case S_IFLNK:
			if (!rr)
				rr = vfs_add_symlink(path, (const char *)e.data, e.size);
			break;
		default:
			/* Device nodes, fifos and sockets in an initramfs mean nothing here. */
			continue;
		}
		if (rr == -EEXIST)
			rr = 0;
		if (rr) {
			gmsg("initramfs: cannot create %s: error %d", path, -rr);
			return -1;
		}
	}
	if (r < 0) {
		gmsg("initramfs: %s", err);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ syscalls */

SYSCALL(umask)
{
	uint32_t old = umask;

	(void)t;
	umask = (uint32_t)a[0] & 0777;
	return old;
}

SYSCALL(mkdirat)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	struct inode *in;
	int r;

	(void)t;
	if ((r = strncpy_from_user(path, a[1], sizeof(path))) || (r = create_lookup((int)a[0], path, true, &lk)))
		return r;
	return create_at(&lk, S_IFDIR | ((uint32_t)a[2] & 07777 & ~umask), &in);
}

/* mknodat: regular files, FIFOs and socket nodes. Device nodes are EPERM:
 * goose's devices are its own (/dev), and a node would name nothing. */
SYSCALL(mknodat)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	struct inode *in;
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
	if ((r = strncpy_from_user(path, a[1], sizeof(path))) || (r = create_lookup((int)a[0], path, false, &lk)))
		return r;
	return create_at(&lk, type | (mode & 07777 & ~umask), &in);
}

SYSCALL(unlinkat)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	(void)t;
	if (a[2] & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	if ((r = user_inode((int)a[0], a[1], false, path, &lk)))
		return r;
	if (lk.namelen == 1 && lk.name[0] == '.')
		return -EINVAL;
	if (lk.namelen == 2 && lk.name[0] == '.' && lk.name[1] == '.')
		return -ENOTEMPTY;
	struct dirent *d = dir_find(lk.dir, lk.name, lk.namelen);

	if (!d)
		return lk.inode == root ? -EBUSY : -ENOENT;
	if (a[2] & AT_REMOVEDIR) {
		if (!is_dir(d->inode))
			return -ENOTDIR;
		if (d->inode->entries)
			return -ENOTEMPTY;
		if (d->inode == cwd)
			cwd = lk.dir;
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
	a->ctime_ns = b->ctime_ns = now_ns();
	return 0;
}

/* renameat2 (riscv64 has no renameat: Go and the C libraries use this). */
SYSCALL(renameat2)
{
	char from[VFS_PATH_MAX], to[VFS_PATH_MAX];
	uint32_t flags = (uint32_t)a[4];
	struct lookup lf, lt;
	int r;

	(void)t;
	if ((flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)) ||
	    ((flags & RENAME_WHITEOUT) && (flags & RENAME_EXCHANGE)))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EOPNOTSUPP;
	if ((r = strncpy_from_user(from, a[1], sizeof(from))) || (r = strncpy_from_user(to, a[3], sizeof(to))))
		return r;
	if ((r = lookup_at((int)a[0], from, false, &lf)) || (r = lookup_at((int)a[2], to, false, &lt)))
		return r;
	if (!lf.inode)
		return -ENOENT;
	struct dirent *df = dir_find(lf.dir, lf.name, lf.namelen);

	/* "." , ".." and "/" cannot be renamed or replaced. */
	if (!df || (lt.namelen <= 2 && lt.name[0] == '.' && (lt.namelen == 1 || lt.name[1] == '.')))
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
	src->ctime_ns = now_ns();
	return 0;
}

SYSCALL(symlinkat)
{
	char target[VFS_PATH_MAX], path[VFS_PATH_MAX];
	struct lookup lk;
	struct inode *in;
	int r;

	(void)t;
	if ((r = strncpy_from_user(target, a[0], sizeof(target))) || (r = strncpy_from_user(path, a[2], sizeof(path))))
		return r;
	if (!target[0])
		return -ENOENT;
	if ((r = create_lookup((int)a[1], path, false, &lk)))
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

SYSCALL(readlinkat)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	(void)t;
	if ((int64_t)a[3] <= 0)
		return -EINVAL;
	if ((r = user_inode((int)a[0], a[1], false, path, &lk)))
		return r;
	if ((lk.inode->mode & S_IFMT) != S_IFLNK)
		return -EINVAL;
	uint64_t n = MIN(a[3], lk.inode->size);

	return copy_to_user(a[2], lk.inode->target, n) ? -EFAULT : (long)n;
}

SYSCALL(linkat)
{
	char from[VFS_PATH_MAX], to[VFS_PATH_MAX];
	struct lookup lf, lt;
	int r;

	(void)t;
	if (a[4] & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = strncpy_from_user(from, a[1], sizeof(from))) || (r = strncpy_from_user(to, a[3], sizeof(to))))
		return r;
	if ((r = lookup_at((int)a[0], from, (a[4] & AT_SYMLINK_FOLLOW) ? FOLLOW : 0, &lf)))
		return r;
	if (!lf.inode)
		return -ENOENT;
	if ((r = create_lookup((int)a[2], to, false, &lt)))
		return r;
	if (is_dir(lf.inode))
		return -EPERM;
	return dir_link(lt.dir, lt.name, lt.namelen, lf.inode);
}

static long access_common(const uint64_t *a, uint32_t flags)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	if (a[2] & ~(uint64_t)7 || flags & ~(uint32_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = user_inode((int)a[0], a[1], !(flags & AT_SYMLINK_NOFOLLOW), path, &lk)))
		return r;
	/* goose's program is root: only execute needs a bit set (on some x). */
	if ((a[2] & X_OK) && !is_dir(lk.inode) && !(lk.inode->mode & 0111))
		return -EACCES;
	return 0;
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

static long set_cwd(struct inode *in)
{
	if (!is_dir(in))
		return -ENOTDIR;
	cwd = in;
	return 0;
}

SYSCALL(chdir)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	(void)t;
	if ((r = user_inode(AT_FDCWD, a[0], true, path, &lk)))
		return r;
	return set_cwd(lk.inode);
}

SYSCALL(fchdir)
{
	struct file *f = fd_get((int)a[0]);

	(void)t;
	if (!f)
		return -EBADF;
	return f->inode ? set_cwd(f->inode) : -ENOTDIR;
}

SYSCALL(getcwd)
{
	char buf[VFS_PATH_MAX];
	size_t pos = sizeof(buf) - 1;

	(void)t;
	if (!cwd->nlink)
		return -ENOENT;
	buf[pos] = '\0';
	for (struct inode *in = cwd; in != root; in = in->parent) {
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
	if (pos == sizeof(buf) - 1)
		buf[--pos] = '/';
	size_t len = sizeof(buf) - pos;

	if (a[1] < len)
		return -ERANGE;
	return copy_to_user(a[0], buf + pos, len) ? -EFAULT : (long)len;
}

SYSCALL(truncate)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	(void)t;
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	if ((r = user_inode(AT_FDCWD, a[0], true, path, &lk)))
		return r;
	if (is_dir(lk.inode))
		return -EISDIR;
	if ((lk.inode->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	return file_set_size(lk.inode, a[1]);
}

static long chmod_inode(struct inode *in, uint32_t mode)
{
	in->mode = (in->mode & S_IFMT) | (mode & 07777);
	in->ctime_ns = now_ns();
	return 0;
}

SYSCALL(fchmod)
{
	struct file *f = fd_get((int)a[0]);

	(void)t;
	if (!f)
		return -EBADF;
	if (!f->inode)
		return 0;
	return chmod_inode(f->inode, (uint32_t)a[1]);
}

SYSCALL(fchmodat)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	(void)t;
	if ((r = user_inode((int)a[0], a[1], true, path, &lk)))
		return r;
	return chmod_inode(lk.inode, (uint32_t)a[2]);
}

/* fchmodat2 (Linux 6.6): fchmodat with flags. A symbolic link's own mode
 * does not change: EOPNOTSUPP, as Linux says. */
SYSCALL(fchmodat2)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	(void)t;
	if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = user_inode_at((int)a[0], a[1], a[3], path, &lk)))
		return r;
	if (!lk.inode)
		return 0;
	if ((lk.inode->mode & S_IFMT) == S_IFLNK)
		return -EOPNOTSUPP;
	return chmod_inode(lk.inode, (uint32_t)a[2]);
}

SYSCALL(fchownat)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	(void)t;
	if (a[4] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = user_inode_at((int)a[0], a[1], a[4], path, &lk)))
		return r;
	if (!lk.inode)
		return 0;
	if ((uint32_t)a[2] != UINT32_MAX)
		lk.inode->uid = (uint32_t)a[2];
	if ((uint32_t)a[3] != UINT32_MAX)
		lk.inode->gid = (uint32_t)a[3];
	return 0;
}

SYSCALL(fchown)
{
	struct file *f = fd_get((int)a[0]);

	(void)t;
	if (!f)
		return -EBADF;
	if (f->inode) {
		if ((uint32_t)a[1] != UINT32_MAX)
			f->inode->uid = (uint32_t)a[1];
		if ((uint32_t)a[2] != UINT32_MAX)
			f->inode->gid = (uint32_t)a[2];
	}
	return 0;
}

/* utimensat: struct timespec times[2] (atime, mtime); UTIME_NOW / UTIME_OMIT in tv_nsec. */
SYSCALL(utimensat)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	struct inode *in;
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
	if (a[1]) {
		if ((r = user_inode((int)a[0], a[1], !(a[3] & AT_SYMLINK_NOFOLLOW), path, &lk)))
			return r;
		in = lk.inode;
	} else {
		struct file *f = fd_get((int)a[0]);

		if (!f)
			return -EBADF;
		if (!f->inode)
			return 0;
		in = f->inode;
	}
	uint64_t now = now_ns();

	if (!a[2]) {
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

/* struct statfs (include/uapi/asm-generic/statfs.h), 64-bit: 120 bytes. */
static long statfs_fill(uint64_t ubuf)
{
	uint64_t st[15];

	memset(st, 0, sizeof(st));
	st[0] = TMPFS_MAGIC;	/* f_type */
	st[1] = PAGE;		/* f_bsize */
	st[2] = pmem.total_pages;	/* f_blocks */
	st[3] = pmem.free_pages;	/* f_bfree */
	st[4] = pmem.free_pages;	/* f_bavail */
	st[5] = 1u << 20;	/* f_files */
	st[6] = 1u << 20;	/* f_ffree */
	st[8] = VFS_NAME_MAX;	/* f_namelen */
	st[9] = PAGE;		/* f_frsize */
	return copy_to_user(ubuf, st, sizeof(st));
}

SYSCALL(statfs)
{
	char path[VFS_PATH_MAX];
	struct lookup lk;
	int r;

	(void)t;
	if ((r = user_inode(AT_FDCWD, a[0], true, path, &lk)))
		return r;
	return statfs_fill(a[1]);
}

SYSCALL(fstatfs)
{
	(void)t;
	return fd_get((int)a[0]) ? statfs_fill(a[1]) : -EBADF;
}

/* ------------------------------------------------------------- devices */

static long null_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	(void)f, (void)buf, (void)len, (void)off;
	return 0;
}

static long null_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	(void)f, (void)buf, (void)off;
	return (long)len;
}

static long zero_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	(void)f, (void)off;
	memset(buf, 0, len);
	return (long)len;
}

static long full_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	(void)f, (void)buf, (void)len, (void)off;
	return -ENOSPC;
}

static long random_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	(void)f, (void)off;
	random_fill(buf, len);
	return (long)len;
}

static uint32_t always_ready(struct file *f)
{
	(void)f;
	return EPOLLIN | EPOLLOUT;
}

/* MAP_PRIVATE of /dev/zero is anonymous memory: nothing to fill in. */
static long zero_mmap(struct file *f, uint64_t va, uint64_t len, uint32_t prot, uint64_t off, bool shared)
{
	(void)f, (void)va, (void)len, (void)prot, (void)off, (void)shared;
	return 0;
}

#define DEV_OPS(name, r, w, ...)                                                                    \
	static const struct file_ops name = { .read = r, .write = w, .poll = always_ready,          \
					      __VA_ARGS__ }
DEV_OPS(null_ops, null_read, null_write, .seekable = true);
DEV_OPS(zero_ops, zero_read, null_write, .seekable = true, .mmap = zero_mmap);
DEV_OPS(full_ops, zero_read, full_write, .seekable = true);
DEV_OPS(random_ops, random_read, null_write, .seekable = true);

static void must(int r, const char *what)
{
	if (r)
		panic("vfs_init: %s: error %d", what, -r);
}

void vfs_init(void)
{
	root = inode_new(S_IFDIR | 0755);
	if (!root)
		panic("vfs_init: no memory for the root");
	root->nlink = 2;	/* "." and its own ".." */
	cwd = root;
	must(vfs_add_device("/dev/null", &null_ops, 0666, 0x103, NULL), "/dev/null");
	must(vfs_add_device("/dev/zero", &zero_ops, 0666, 0x105, NULL), "/dev/zero");
	must(vfs_add_device("/dev/full", &full_ops, 0666, 0x107, NULL), "/dev/full");
	must(vfs_add_device("/dev/random", &random_ops, 0666, 0x108, NULL), "/dev/random");
	must(vfs_add_device("/dev/urandom", &random_ops, 0666, 0x109, NULL), "/dev/urandom");
	must(vfs_add_device("/dev/tty", &console_ops, 0666, 0x500, NULL), "/dev/tty");
	must(vfs_add_device("/dev/console", &console_ops, 0600, 0x501, NULL), "/dev/console");
	struct inode *tmp = mkdirs("/tmp");

	if (!tmp)
		panic("vfs_init: no memory for /tmp");
	tmp->mode = S_IFDIR | 01777;
}
