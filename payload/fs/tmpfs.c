/* SPDX-License-Identifier: MIT */
/*
 * The in-memory file system's nodes (tmpfs semantics): directories (a
 * sorted list of named entries), regular files (an array of pages, or
 * bytes left where they are until the first write or mapping: the FDT and
 * initramfs files), symbolic links and device nodes (their own file ops).
 * Their file ops: reading and writing regular files (pages on demand,
 * ENOSPC when none is left), mapping them (the mapping uses the file's own
 * pages, as Linux's page cache is the file on tmpfs: mm/shmem.c), directories
 * as linux_dirent64 records, stat; and fallocate's two tmpfs modes.
 */
#include "fs/tmpfs.h"
#include "arch/riscv/layout.h"
#include "include/uapi/errno.h"
#include "include/uapi/falloc.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/ioctls.h"
#include "include/uapi/mman.h"
#include "include/uapi/stat.h"
#include "kernel/clock.h"
#include "mm/kmem.h"
#include "mm/pmem.h"
#include "mm/vm.h"

static uint64_t next_ino = 1;

uint64_t tmpfs_now(void)
{
	return clock_realtime_ns();
}

struct inode *inode_new(uint32_t mode)
{
	struct inode *in = kzalloc(sizeof(*in));

	if (!in)
		return NULL;
	in->ino = next_ino++;
	in->mode = mode;
	/* A directory's own "." counts as a link (st_nlink = 2 + subdirectories once named). */
	in->nlink = (mode & S_IFMT) == S_IFDIR ? 1 : 0;
	in->mtime_ns = in->ctime_ns = in->atime_ns = tmpfs_now();
	return in;
}

bool is_dir(const struct inode *in)
{
	return (in->mode & S_IFMT) == S_IFDIR;
}

static void file_page_free(struct inode *in, uint64_t i)
{
	if (i < in->npages && in->pages[i]) {
		pmem_free(&pmem, VA2PA(in->pages[i]));
		in->pages[i] = NULL;
		in->pages_used--;
	}
}

/* No mapping is left (each holds the file open), so no PTE points here. */
static void file_data_free(struct inode *in)
{
	for (uint64_t i = 0; i < in->npages; i++)
		file_page_free(in, i);
	kfree(in->pages);
	in->pages = NULL;
	in->npages = 0;
}

/* Free an inode nobody names or holds open any more. */
void inode_maybe_free(struct inode *in)
{
	if (in->nlink || in->opens || in == vfs_root)
		return;
	file_data_free(in);
	kfree(in->target);
	kfree(in);
}

struct dirent *dir_find(const struct inode *dir, const char *name, size_t len)
{
	for (struct dirent *d = dir->entries; d; d = d->next)
		if (strlen(d->name) == len && !memcmp(d->name, name, len))
			return d;
	return NULL;
}

struct dirent *dirent_new(const char *name, size_t len)
{
	struct dirent *d = kzalloc(sizeof(*d) + len + 1);

	if (d)
		memcpy(d->name, name, len);
	return d;
}

void dir_insert(struct inode *dir, struct dirent *d, struct inode *in)
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
	dir->mtime_ns = dir->ctime_ns = tmpfs_now();
}

int dir_link(struct inode *dir, const char *name, size_t len, struct inode *in)
{
	struct dirent *d = dirent_new(name, len);

	if (!d)
		return -ENOMEM;
	dir_insert(dir, d, in);
	return 0;
}

struct inode *dir_remove(struct inode *dir, struct dirent *d)
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
	dir->mtime_ns = dir->ctime_ns = tmpfs_now();
	return in;
}

void dir_unlink(struct inode *dir, struct dirent *d)
{
	struct inode *in = dir_remove(dir, d);

	/* A removed directory loses its "." too. */
	if (is_dir(in))
		in->nlink = 0;
	inode_maybe_free(in);
}

static int file_unshare(struct inode *in)
{
	/* The first write or mapping copies static bytes (not page-aligned,
	 * and read-only in goose's image) into pages of its own. */
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
	in->pages_used = n;
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

/* Page i of a regular file (not static), made zeroed when it has none:
 * NULL when no memory is left. */
static uint8_t *file_page(struct inode *in, uint64_t i)
{
	if (file_reserve(in, i + 1))
		return NULL;
	if (!in->pages[i]) {
		uint64_t pa = pmem_alloc_zeroed(&pmem);

		if (!pa)
			return NULL;
		in->pages[i] = PA2VA(pa);
		in->pages_used++;
	}
	return in->pages[i];
}

/* The bytes from the end of the file to the end of its last page read as
 * zeros once the file grows over them, though a shared mapping may have
 * stored there (the file is the same page). */
static void file_zero_tail(struct inode *in)
{
	uint64_t pg = in->size / PAGE;

	if (in->size % PAGE && pg < in->npages && in->pages[pg])
		memset(in->pages[pg] + in->size % PAGE, 0, PAGE - in->size % PAGE);
}

int file_set_size(struct inode *in, uint64_t size)
{
	int r = file_unshare(in);

	if (r)
		return r;
	if (size < in->size) {
		uint64_t keep = ALIGN_UP(size, PAGE) / PAGE;

		/* Pages wholly past the new end leave every mapping (SIGBUS
		 * there from now on, private copies too), then the file. */
		vm_unmap_file(in, keep, UINT64_MAX, true);
		for (uint64_t i = keep; i < in->npages; i++)
			file_page_free(in, i);
		in->size = size;
	}
	/* Zeros past the end: the new one when it shrank, the old one when it grows. */
	file_zero_tail(in);
	in->size = size;
	in->mtime_ns = in->ctime_ns = tmpfs_now();
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
	if (*off + len > in->size)
		file_zero_tail(in);
	while (done < len) {
		uint64_t pos = *off + done;
		size_t chunk = MIN(len - done, PAGE - pos % PAGE);
		uint8_t *page = file_page(in, pos / PAGE);

		if (!page)
			break;
		memcpy(page + pos % PAGE, src + done, chunk);
		done += chunk;
	}
	if (!done && len)
		return -ENOSPC;
	*off += done;
	in->size = MAX(in->size, *off);
	in->mtime_ns = in->ctime_ns = tmpfs_now();
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
	/* A regular file's are its pages, as tmpfs counts them (holes are free). */
	if ((in->mode & S_IFMT) == S_IFREG && !in->static_data)
		st->st_blocks = (int64_t)(in->pages_used * (PAGE / 512));
	else
		st->st_blocks = (int64_t)(ALIGN_UP(in->size, (in->mode & S_IFMT) == S_IFREG ? PAGE : 512) / 512);
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

uint32_t vfs_file_type(const struct file *f)
{
	if (f->inode)
		return f->inode->mode & S_IFMT;
	return file_is_pipe(f) ? S_IFIFO : 0;
}

static int reg_truncate(struct file *f, uint64_t size)
{
	return file_set_size(f->inode, size);
}

/* What a mapping of a regular file asks of it (mm/vm.h): the mapping holds
 * the open file (so close and unlink leave the pages be), and its pages
 * are the file's, made on first touch. */
static void reg_vm_get(void *file)
{
	file_get(file);
}

static void reg_vm_put(void *file)
{
	file_put(file);
}

static int reg_vm_page(void *file, uint64_t pgoff, uint64_t *pa)
{
	struct inode *in = ((struct file *)file)->inode;
	uint8_t *page;

	/* A page wholly past the end: SIGBUS, as Linux (mm/filemap.c). */
	if (pgoff >= ALIGN_UP(in->size, PAGE) / PAGE)
		return -EIO;
	page = file_page(in, pgoff);
	if (!page)
		return -ENOMEM;
	*pa = VA2PA(page);
	return 0;
}

static const struct vm_file_ops reg_vm_ops = {
	.get = reg_vm_get,
	.put = reg_vm_put,
	.page = reg_vm_page,
};

/* Shared or private, the mapping maps the file's pages (a private one
 * copies a page when it first writes it: vm.c); static bytes become pages
 * first. Nothing is mapped until touched. */
static long reg_mmap(struct file *f, uint64_t va, uint64_t len, uint32_t prot, uint64_t off, bool shared)
{
	int r = file_unshare(f->inode);

	(void)prot, (void)shared;
	if (r)
		return r;
	return vm_set_file(va, va + len, &reg_vm_ops, f, f->inode, off / PAGE);
}

/* Pages for [off, off + len), all or none (ENOSPC): what is missing is
 * taken first, linked through the pages themselves, and only then put in. */
static long file_allocate(struct inode *in, uint64_t off, uint64_t len)
{
	uint64_t first = off / PAGE, end = ALIGN_UP(off + len, PAGE) / PAGE, missing = 0, chain = 0;

	if (end - first > pmem.free_pages + in->pages_used)
		return -ENOSPC;
	for (uint64_t i = first; i < end; i++)
		missing += i >= in->npages || !in->pages[i];
	if (missing > pmem.free_pages)
		return -ENOSPC;
	int r = file_reserve(in, end);

	if (r)
		return r;
	for (uint64_t n = 0; n < missing; n++) {
		uint64_t pa = pmem_alloc(&pmem);

		if (!pa) {
			while (chain) {
				pa = chain;
				chain = *(uint64_t *)PA2VA(pa);
				pmem_free(&pmem, pa);
			}
			return -ENOSPC;
		}
		*(uint64_t *)PA2VA(pa) = chain;
		chain = pa;
	}
	for (uint64_t i = first; i < end; i++) {
		if (in->pages[i])
			continue;
		uint8_t *page = PA2VA(chain);

		chain = *(uint64_t *)page;
		memset(page, 0, PAGE);
		in->pages[i] = page;
		in->pages_used++;
	}
	return 0;
}

/* Whole pages of [off, off + len) go (out of every mapping first; private
 * copies stay, as Linux's hole punch leaves them), partial ones are zeroed. */
static void file_punch(struct inode *in, uint64_t off, uint64_t len)
{
	uint64_t end = MIN(off + len, in->npages * PAGE);
	uint64_t first = ALIGN_UP(off, PAGE) / PAGE, last = end / PAGE;

	if (off >= end)
		return;
	if (first < last) {
		vm_unmap_file(in, first, last, false);
		for (uint64_t i = first; i < last; i++)
			file_page_free(in, i);
	}
	for (uint64_t pos = off; pos < end;) {
		uint64_t chunk = MIN(end - pos, PAGE - pos % PAGE);

		if (in->pages[pos / PAGE])
			memset(in->pages[pos / PAGE] + pos % PAGE, 0, chunk);
		pos += chunk;
	}
}

long vfs_fallocate(struct file *f, uint32_t mode, uint64_t off, uint64_t len)
{
	struct inode *in = f->inode;
	long r = file_unshare(in);

	if (r)
		return r;
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		file_punch(in, off, len);
		in->mtime_ns = in->ctime_ns = tmpfs_now();
		return 0;
	}
	r = file_allocate(in, off, len);
	if (r)
		return r;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > in->size) {
		file_zero_tail(in);
		in->size = off + len;
		in->mtime_ns = tmpfs_now();
	}
	in->ctime_ns = tmpfs_now();
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
		} else if (dir->hooks) {
			/* Made as asked for: position 2 + the entry's index. */
			char name[32];
			uint64_t i = pos - 2;
			struct inode *in = dir->hooks->next(dir, &i, name);

			if (!in)
				break;
			pos = i + 2;
			n = dirent_put(buf + used, len - used, in->ino, pos + 1, dirent_type(in), name);
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

/* open_inode, then the device's own open. O_DIRECT: tmpfs's regular files
 * take it since Linux 6.6 (reads and writes as ever, any alignment); what
 * has no direct I/O refuses it (do_dentry_open: EINVAL). */
long open_file(struct inode *in, uint32_t flags, struct file **out)
{
	if ((flags & (O_DIRECT | O_PATH)) == O_DIRECT && (in->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
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

int create_at(struct lookup *lk, uint32_t mode, struct inode **out)
{
	if (!lk->dir->nlink)
		return -ENOENT;
	if (lk->dir->hooks)
		return -EPERM;
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

