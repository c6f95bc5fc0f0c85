// SPDX-License-Identifier: MIT
/*
 * Host tests for the file tree (fs/tmpfs.c, namei.c, tree.c, initramfs.c,
 * file.c): a table of steps, each an operation on paths with the result
 * Linux gives (path_resolution(7), the man pages of each call, tmpfs).
 * The steps share one tree and run in order; each group works in a
 * directory of its own. LeakSanitizer checks that every inode and open
 * file is freed (an unlinked file lives until its last close). File
 * mappings: a file's pages are the mapping's, both ways, through truncation
 * (SIGBUS past the end), fallocate, unlink and close, and the pages go back
 * to the allocator exactly when neither the file nor a mapping holds them.
 */
#include "tests/host_kernel.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/falloc.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/mman.h"
#include "include/uapi/stat.h"
#include "mm/pmem.h"
#include "mm/vm.h"
#include "test.h"

enum op {
	MKDIR,		/* a: path, n: mode */
	MKNOD,		/* a: path, n: mode (with S_IF*) */
	OPEN,		/* a: path, n: flags (mode 0666); the file goes to slot */
	CLOSE,		/* slot */
	WRITE,		/* slot, a: bytes */
	READ,		/* slot, n: bytes to read at offset 0; want is the count, s the bytes */
	UNLINK,		/* a: path, n: flags */
	RENAME,		/* a -> b, n: flags */
	SYMLINK,	/* a: target, b: link path */
	READLINK,	/* a: path; s: the target */
	LINK,		/* a -> b, n: flags */
	ACCESS,		/* a: path, n: mode */
	CHMOD,		/* a: path, n: mode */
	CHDIR,		/* a: path */
	GETCWD,		/* s: the path */
	TRUNCATE,	/* a: path, n: size */
	MODE,		/* a: path (not followed); want: st_mode */
	NLINK,		/* a: path; want: st_nlink */
	SIZE,		/* a: path; want: st_size */
	UMASK,		/* n: the new mask; want: the old one */
};

struct step {
	int line;
	enum op op;
	const char *a, *b;
	uint64_t n;
	long want;
	const char *s;
	int slot;
};

/* Fields left out of a step are zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#define S(op, ...) { __LINE__, op, __VA_ARGS__ }

static char long_name[300], long_path[VFS_PATH_MAX + 10];

static const struct step steps[] = {
	/* mkdir: the parent must exist; a name once. */
	S(MKDIR, "/t1", NULL, 0755, 0),
	S(MKDIR, "/t1", NULL, 0755, -EEXIST),
	S(MKDIR, "/t1/no/such", NULL, 0755, -ENOENT),
	S(MKDIR, "/t1/d/", NULL, 0755, 0),		/* a trailing slash makes a directory */
	S(MODE, "/t1/d", NULL, 0, S_IFDIR | 0755),
	S(NLINK, "/t1", NULL, 0, 3),			/* ".", its name, d's ".." */
	/* open O_CREAT: the umask applies; a file is not a directory. */
	S(OPEN, "/t1/f", NULL, O_CREAT | O_WRONLY, 0, NULL, 0),
	S(MODE, "/t1/f", NULL, 0, S_IFREG | 0644),
	S(WRITE, "hello", NULL, 0, 5, NULL, 0),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 0),
	S(SIZE, "/t1/f", NULL, 0, 5),
	S(OPEN, "/t1/f", NULL, O_RDONLY, 0, NULL, 1),
	S(READ, NULL, NULL, 16, 5, "hello", 1),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 1),
	S(OPEN, "/t1/f", NULL, O_RDONLY | O_DIRECTORY, -ENOTDIR),
	S(OPEN, "/t1/f/", NULL, O_RDONLY, -ENOTDIR),
	S(OPEN, "/t1/f/x", NULL, O_RDONLY, -ENOTDIR),
	S(OPEN, "/t1/f", NULL, O_CREAT | O_EXCL | O_WRONLY, -EEXIST),
	S(OPEN, "/t1/d", NULL, O_WRONLY, -EISDIR),
	S(OPEN, "/t1/nope", NULL, O_RDONLY, -ENOENT),
	S(OPEN, "/t1/new/", NULL, O_CREAT | O_WRONLY, -EISDIR),
	S(OPEN, "/t1/./d/../f", NULL, O_RDONLY, 0, NULL, 2),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 2),
	S(OPEN, "//t1///f", NULL, O_RDONLY, 0, NULL, 2),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 2),
	S(OPEN, "/..", NULL, O_RDONLY | O_DIRECTORY, 0, NULL, 2),	/* the root's ".." is itself */
	S(CLOSE, NULL, NULL, 0, 0, NULL, 2),

	/* rename: files, directories, and what may not be done. */
	S(MKDIR, "/t2", NULL, 0755, 0),
	S(MKDIR, "/t2/dir", NULL, 0755, 0),
	S(MKDIR, "/t2/dir/sub", NULL, 0755, 0),
	S(MKNOD, "/t2/file", NULL, S_IFREG | 0600, 0),
	S(MKNOD, "/t2/other", NULL, S_IFREG | 0600, 0),
	S(RENAME, "/t2/file", "/t2/moved", 0, 0),
	S(RENAME, "/t2/file", "/t2/x", 0, -ENOENT),
	S(RENAME, "/t2/dir", "/t2/dir/sub/inside", 0, -EINVAL),	/* into itself */
	S(RENAME, "/t2/dir", "/t2/moved", 0, -ENOTDIR),		/* a directory over a file */
	S(RENAME, "/t2/moved", "/t2/dir", 0, -EISDIR),		/* a file over a directory */
	S(RENAME, "/t2/moved", "/t2/other", RENAME_NOREPLACE, -EEXIST),
	S(RENAME, "/t2/moved", "/t2/other", 0, 0),		/* replaces it */
	S(MODE, "/t2/moved", NULL, 0, -ENOENT),
	S(MKDIR, "/t2/empty", NULL, 0755, 0),
	S(RENAME, "/t2/empty", "/t2/dir", 0, -ENOTEMPTY),	/* over a directory with entries */
	S(RENAME, "/t2/dir/sub", "/t2/empty", 0, 0),		/* over an empty one */
	S(NLINK, "/t2/dir", NULL, 0, 2),
	S(RENAME, "/t2/other", "/t2/empty", RENAME_EXCHANGE, 0),	/* a file and a directory swap */
	S(MODE, "/t2/other", NULL, 0, S_IFDIR | 0755),
	S(MODE, "/t2/empty", NULL, 0, S_IFREG | 0600),
	S(RENAME, "/t2/other", "/t2/nothing", RENAME_EXCHANGE, -ENOENT),
	S(RENAME, "/t2/.", "/t2/x", 0, -EBUSY),

	/* unlink and rmdir. */
	S(MKDIR, "/t3", NULL, 0755, 0),
	S(MKDIR, "/t3/d", NULL, 0755, 0),
	S(MKNOD, "/t3/d/f", NULL, S_IFREG | 0600, 0),
	S(UNLINK, "/t3/d", NULL, 0, -EISDIR),
	S(UNLINK, "/t3/d", NULL, AT_REMOVEDIR, -ENOTEMPTY),
	S(UNLINK, "/t3/d/f", NULL, AT_REMOVEDIR, -ENOTDIR),
	S(UNLINK, "/t3/d/.", NULL, AT_REMOVEDIR, -EINVAL),
	S(UNLINK, "/t3/d/..", NULL, AT_REMOVEDIR, -ENOTEMPTY),
	S(UNLINK, "/", NULL, AT_REMOVEDIR, -EBUSY),
	S(UNLINK, "/", NULL, 0, -EISDIR),
	S(UNLINK, "/t3/d/.", NULL, 0, -EISDIR),
	S(UNLINK, "/t3/d/..", NULL, 0, -EISDIR),
	S(MKDIR, "/", NULL, 0755, -EEXIST),
	S(RENAME, "/t3/d", "/", 0, -EBUSY),
	S(RENAME, "/", "/t3/x", 0, -EBUSY),
	S(SYMLINK, "/", "/t3/root", 0, 0),
	S(CHDIR, "/t3", NULL, 0, 0),
	S(OPEN, "root", NULL, O_RDONLY | O_DIRECTORY, 0, NULL, 7),	/* a relative link to "/" */
	S(CHDIR, "/", NULL, 0, 0),
	S(UNLINK, "/t3/root", NULL, 0, 0),
	S(UNLINK, "/t3/d/f", NULL, 0, 0),
	S(UNLINK, "/t3/d/f", NULL, 0, -ENOENT),
	S(UNLINK, "/t3/d", NULL, AT_REMOVEDIR, 0),
	S(NLINK, "/t3", NULL, 0, 2),
	/* An open file outlives its name (LeakSanitizer sees it freed at close). */
	S(OPEN, "/t3/tmp", NULL, O_CREAT | O_RDWR, 0, NULL, 3),
	S(WRITE, "still here", NULL, 0, 10, NULL, 3),
	S(UNLINK, "/t3/tmp", NULL, 0, 0),
	S(READ, NULL, NULL, 32, 10, "still here", 3),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 3),

	/* Symbolic links. */
	S(MKDIR, "/t4", NULL, 0755, 0),
	S(MKDIR, "/t4/dir", NULL, 0755, 0),
	S(MKNOD, "/t4/dir/file", NULL, S_IFREG | 0644, 0),
	S(SYMLINK, "dir/file", "/t4/rel", 0, 0),
	S(SYMLINK, "/t4/dir", "/t4/abs", 0, 0),
	S(SYMLINK, "nowhere", "/t4/dangling", 0, 0),
	S(SYMLINK, "loop2", "/t4/loop1", 0, 0),
	S(SYMLINK, "loop1", "/t4/loop2", 0, 0),
	S(SYMLINK, "", "/t4/empty", 0, -ENOENT),
	S(SYMLINK, "x", "/t4/rel", 0, -EEXIST),
	S(READLINK, "/t4/rel", NULL, 0, 8, "dir/file"),
	S(READLINK, "/t4/dir", NULL, 0, -EINVAL),
	S(MODE, "/t4/rel", NULL, 0, S_IFLNK | 0777),
	S(OPEN, "/t4/rel", NULL, O_RDONLY, 0, NULL, 4),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 4),
	S(OPEN, "/t4/abs/file", NULL, O_RDONLY, 0, NULL, 4),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 4),
	S(OPEN, "/t4/loop1", NULL, O_RDONLY, -ELOOP),
	S(OPEN, "/t4/rel", NULL, O_RDONLY | O_NOFOLLOW, -ELOOP),
	S(OPEN, "/t4/dangling", NULL, O_RDONLY, -ENOENT),
	S(OPEN, "/t4/dangling", NULL, O_CREAT | O_EXCL | O_WRONLY, -EEXIST),	/* the link is a name */
	S(OPEN, "/t4/dangling", NULL, O_CREAT | O_WRONLY, 0, NULL, 4),	/* creates its target */
	S(CLOSE, NULL, NULL, 0, 0, NULL, 4),
	S(MODE, "/t4/nowhere", NULL, 0, S_IFREG | 0644),
	S(MKDIR, "/t4/abs/", NULL, 0755, -EEXIST),
	S(RENAME, "/t4/abs", "/t4/abs2", 0, 0),	/* renames the link, not the directory */
	S(MODE, "/t4/dir", NULL, 0, S_IFDIR | 0755),

	/* Hard links. */
	S(MKDIR, "/t5", NULL, 0755, 0),
	S(OPEN, "/t5/a", NULL, O_CREAT | O_WRONLY, 0, NULL, 5),
	S(WRITE, "shared", NULL, 0, 6, NULL, 5),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 5),
	S(LINK, "/t5/a", "/t5/b", 0, 0),
	S(NLINK, "/t5/a", NULL, 0, 2),
	S(LINK, "/t5/a", "/t5/b", 0, -EEXIST),
	S(LINK, "/t5", "/t5/dirlink", 0, -EPERM),
	S(UNLINK, "/t5/a", NULL, 0, 0),
	S(NLINK, "/t5/b", NULL, 0, 1),
	S(OPEN, "/t5/b", NULL, O_RDONLY, 0, NULL, 5),
	S(READ, NULL, NULL, 16, 6, "shared", 5),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 5),

	/* Permissions: root, so only execute needs a bit. */
	S(MKNOD, "/t5/plain", NULL, S_IFREG | 0644, 0),
	S(ACCESS, "/t5/plain", NULL, R_OK | W_OK, 0),
	S(ACCESS, "/t5/plain", NULL, X_OK, -EACCES),
	S(CHMOD, "/t5/plain", NULL, 0700, 0),
	S(ACCESS, "/t5/plain", NULL, X_OK, 0),
	S(MODE, "/t5/plain", NULL, 0, S_IFREG | 0700),
	S(ACCESS, "/t5/none", NULL, F_OK, -ENOENT),
	S(UMASK, NULL, NULL, 077, 022),
	S(MKDIR, "/t5/private", NULL, 0777, 0),
	S(MODE, "/t5/private", NULL, 0, S_IFDIR | 0700),
	S(UMASK, NULL, NULL, 022, 077),

	/* The working directory. */
	S(MKDIR, "/t6", NULL, 0755, 0),
	S(MKDIR, "/t6/here", NULL, 0755, 0),
	S(CHDIR, "/t6/here", NULL, 0, 0),
	S(GETCWD, NULL, NULL, 0, 9, "/t6/here"),
	S(MKNOD, "rel", NULL, S_IFREG | 0644, 0),
	S(MODE, "/t6/here/rel", NULL, 0, S_IFREG | 0644),
	S(CHDIR, "..", NULL, 0, 0),
	S(GETCWD, NULL, NULL, 0, 4, "/t6"),
	S(CHDIR, "here/rel", NULL, 0, -ENOTDIR),
	S(CHDIR, "/", NULL, 0, 0),
	S(GETCWD, NULL, NULL, 0, 2, "/"),

	/* Sizes: truncate zero-fills when it grows, drops when it shrinks. */
	S(MKDIR, "/t7", NULL, 0755, 0),
	S(OPEN, "/t7/f", NULL, O_CREAT | O_RDWR, 0, NULL, 6),
	S(WRITE, "0123456789", NULL, 0, 10, NULL, 6),
	S(TRUNCATE, "/t7/f", NULL, 4, 0),
	S(SIZE, "/t7/f", NULL, 0, 4),
	S(TRUNCATE, "/t7/f", NULL, 8200, 0),
	S(SIZE, "/t7/f", NULL, 0, 8200),
	S(READ, NULL, NULL, 6, 6, "0123\0\0", 6),
	S(TRUNCATE, "/t7", NULL, 0, -EISDIR),
	S(CLOSE, NULL, NULL, 0, 0, NULL, 6),

	/* Names and paths past the limits. */
	S(MKDIR, long_name, NULL, 0755, -ENAMETOOLONG),
	S(OPEN, long_path, NULL, O_RDONLY, -ENAMETOOLONG),
};

static struct file *slots[8];

/* The directory slot 7 opened must be the root (a link to "/" from /t3). */
static void check_root_slot(void)
{
	struct file *root;

	CHECK(vfs_open(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0, &root) == 0, "open /");
	CHECK(slots[7] && slots[7]->inode == root->inode, "a relative link to / names the root");
	file_put(root);
	file_put(slots[7]);
	slots[7] = NULL;
}

static long stat_of(const char *path, struct kstat *st)
{
	struct file *f;
	long r = vfs_open(AT_FDCWD, path, O_PATH | O_NOFOLLOW, 0, &f);

	if (r)
		return r;
	memset(st, 0, sizeof(*st));
	vfs_inode_stat(f->inode, st);
	file_put(f);
	return 0;
}

static void run(const struct step *s)
{
	char buf[VFS_PATH_MAX];
	struct kstat st;
	const char *str = NULL;
	size_t len = 0;
	long r = 0;
	uint64_t off = 0;

	switch (s->op) {
	case MKDIR:
		r = vfs_mkdirat(AT_FDCWD, s->a, (uint32_t)s->n);
		break;
	case MKNOD:
		r = vfs_mknodat(AT_FDCWD, s->a, (uint32_t)s->n);
		break;
	case OPEN:
		r = vfs_open(AT_FDCWD, s->a, (uint32_t)s->n, 0666, &slots[s->slot]);
		break;
	case CLOSE:
		file_put(slots[s->slot]);
		slots[s->slot] = NULL;
		break;
	case WRITE:
		r = slots[s->slot]->ops->write(slots[s->slot], s->a, strlen(s->a), &slots[s->slot]->off);
		break;
	case READ:
		memset(buf, 0x55, sizeof(buf));
		r = slots[s->slot]->ops->read(slots[s->slot], buf, s->n, &off);
		str = buf;
		len = r > 0 ? (size_t)r : 0;
		break;
	case UNLINK:
		r = vfs_unlinkat(AT_FDCWD, s->a, (uint32_t)s->n);
		break;
	case RENAME:
		r = vfs_renameat2(AT_FDCWD, s->a, AT_FDCWD, s->b, (uint32_t)s->n);
		break;
	case SYMLINK:
		r = vfs_symlinkat(s->a, AT_FDCWD, s->b);
		break;
	case READLINK:
		r = vfs_readlinkat(AT_FDCWD, s->a, &str, &len);
		if (!r)
			r = (long)len;
		break;
	case LINK:
		r = vfs_linkat(AT_FDCWD, s->a, AT_FDCWD, s->b, (uint32_t)s->n);
		break;
	case ACCESS:
		r = vfs_faccessat(AT_FDCWD, s->a, (uint32_t)s->n, 0);
		break;
	case CHMOD:
		r = vfs_fchmodat(AT_FDCWD, s->a, (uint32_t)s->n, 0);
		break;
	case CHDIR:
		r = vfs_chdir(s->a);
		break;
	case GETCWD:
		r = vfs_getcwd(buf, &str);
		len = r > 0 ? (size_t)r : 0;
		break;
	case TRUNCATE:
		r = vfs_truncate(s->a, s->n);
		break;
	case MODE:
	case NLINK:
	case SIZE:
		r = stat_of(s->a, &st);
		if (!r)
			r = s->op == MODE ? (long)st.st_mode : s->op == NLINK ? (long)st.st_nlink : (long)st.st_size;
		break;
	case UMASK:
		r = (long)vfs_set_umask((uint32_t)s->n);
		break;
	}
	CHECK(r == s->want, "line %d: got %ld, want %ld", s->line, r, s->want);
	if (s->s && r == s->want)
		CHECK(len >= strlen(s->s) && !memcmp(str, s->s, s->op == READ ? (size_t)s->want : strlen(s->s)),
		      "line %d: got \"%.*s\", want \"%s\"", s->line, (int)len, str ? str : "", s->s);
}

/* An initramfs: a directory, a file and a symbolic link, unpacked. */
static size_t cpio_entry(uint8_t *out, const char *name, uint32_t mode, const char *data)
{
	size_t n = (size_t)sprintf((char *)out, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1, mode,
				   0, 0, 1, 0, (unsigned)strlen(data), 0, 0, 0, 0, (unsigned)strlen(name) + 1, 0);

	memcpy(out + n, name, strlen(name) + 1);
	n += strlen(name) + 1;
	while (n % 4)
		out[n++] = 0;
	memcpy(out + n, data, strlen(data));
	n += strlen(data);
	while (n % 4)
		out[n++] = 0;
	return n;
}

#define MAP_VA 0x200000000ull
#define PG 4096ull

/* mmap as sys_mmap makes it: the VMA, then the file's mmap. */
static long map(uint64_t va, uint64_t pages, uint32_t prot, bool shared, struct file *f, uint64_t off)
{
	uint32_t flags = shared ? VM_SHARED | ((f->flags & O_ACCMODE) == O_RDWR ? VM_MAYWRITE : 0) : 0;
	long r = vm_add(va, va + pages * PG, prot | flags);

	if (!r && (r = f->ops->mmap(f, va, pages * PG, prot, off, shared)))
		vm_remove(va, va + pages * PG);
	return r;
}

static char user_byte(uint64_t va)
{
	char c = '?';

	return copy_from_user(&c, va, 1) ? '!' : c;
}

static void test_file_mappings(void)
{
	struct file *f, *g;
	uint64_t off = 0, a = MAP_VA, b = MAP_VA + 16 * PG, p = MAP_VA + 32 * PG;
	uint32_t rw = PROT_READ | PROT_WRITE;
	char buf[16], c = 'M';
	struct kstat st;

	/* Page tables for the three ranges, so that what is left over later is a leak. */
	CHECK(vm_add(MAP_VA, MAP_VA + 48 * PG, rw) == 0 && vm_fault(a, PROT_WRITE) == 0 &&
	      vm_fault(b, PROT_WRITE) == 0 && vm_fault(p, PROT_WRITE) == 0, "page tables");
	vm_remove(MAP_VA, MAP_VA + 48 * PG);
	uint64_t free0 = pmem.free_pages;

	CHECK(vfs_mkdirat(AT_FDCWD, "/m", 0755) == 0, "mkdir");
	CHECK(vfs_open(AT_FDCWD, "/m/f", O_CREAT | O_RDWR, 0644, &f) == 0, "create");
	CHECK(f->ops->write(f, "0123456789", 10, &off) == 10, "write");
	CHECK(map(a, 4, rw, true, f, 0) == 0 && map(b, 2, rw, true, f, PG) == 0, "two shared mappings");
	CHECK(map(p, 4, rw, false, f, 0) == 0, "a private one");
	CHECK(user_byte(a + 3) == '3' && user_byte(p + 3) == '3', "the file's bytes");
	CHECK(copy_to_user(a + 5, &c, 1) == 0, "a store through the shared mapping");
	off = 5;
	CHECK(f->ops->read(f, buf, 1, &off) == 1 && buf[0] == 'M', "read(2) sees it");
	CHECK(user_byte(p + 5) == 'M', "the private mapping too, not having written that page");
	off = PG + 7;
	CHECK(f->ops->write(f, "W", 1, &off) == 1, "pwrite into page 1");
	CHECK(user_byte(a + PG + 7) == 'W' && user_byte(b + 7) == 'W', "both shared mappings see it");
	CHECK(vm_phys(a + PG) == vm_phys(b), "one page");
	c = 'P';
	CHECK(copy_to_user(p + 1, &c, 1) == 0 && user_byte(a + 1) == '1', "the private mapping's store stays its own");
	CHECK(vm_fault(a + 2 * PG, PROT_READ) == -EIO, "page 2 is wholly past the end (8 KiB file): SIGBUS");
	vfs_inode_stat(f->inode, &st);
	CHECK(st.st_size == PG + 8 && st.st_blocks == 16, "size %ld, blocks %ld", (long)st.st_size, (long)st.st_blocks);

	/* Shrink to 100 bytes: page 1 leaves every mapping; the tail is zeros. */
	CHECK(copy_to_user(a + 150, &c, 1) == 0, "a store at 150");
	CHECK(f->ops->truncate(f, 100) == 0, "ftruncate 100");
	CHECK(vm_fault(a + PG, PROT_READ) == -EIO && vm_fault(b, PROT_READ) == -EIO && vm_fault(p + PG, PROT_READ) == -EIO,
	      "SIGBUS in every mapping past the end");
	CHECK(user_byte(a + 5) == 'M' && user_byte(a + 150) == 0, "kept below the end, zeros past it");
	CHECK(copy_to_user(a + 200, &c, 1) == 0, "a store past the end in the last page");
	CHECK(f->ops->truncate(f, 3 * PG) == 0, "grow to 3 pages");
	CHECK(user_byte(a + 200) == 0 && user_byte(b + 7) == 0 && user_byte(a + 2 * PG) == 0,
	      "zeros where the file grew, though a mapping stored there");
	CHECK(user_byte(p + 1) == 'P' && user_byte(p + 3) == '3', "page 0 of the private mapping is its copy");

	/* fallocate: a hole punched in page 1 reaches the mappings. */
	CHECK(copy_to_user(b + 100, "xyz", 3) == 0, "fill page 1");
	CHECK(vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PG, PG) == 0, "punch page 1");
	CHECK(!vm_resident(b) && user_byte(a + PG + 100) == 0 && user_byte(b + 101) == 0, "gone from both");
	CHECK(copy_to_user(a + 10, "abcdef", 6) == 0, "bytes in page 0");
	CHECK(vfs_fallocate(f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 12, 2) == 0, "punch 2 bytes");
	CHECK(user_byte(a + 11) == 'b' && user_byte(a + 12) == 0 && user_byte(a + 13) == 0 && user_byte(a + 14) == 'e',
	      "zeroed in place");
	CHECK(vfs_fallocate(f, FALLOC_FL_KEEP_SIZE, 0, 6 * PG) == 0, "allocate past the end, keeping the size");
	vfs_inode_stat(f->inode, &st);
	CHECK(st.st_size == 3 * PG && st.st_blocks == 48, "size %ld, blocks %ld", (long)st.st_size, (long)st.st_blocks);
	CHECK(vm_fault(a + 3 * PG, PROT_READ) == -EIO, "still SIGBUS past the size");
	CHECK(vfs_fallocate(f, 0, 0, 4 * PG) == 0, "mode 0 extends");
	CHECK(user_byte(a + 3 * PG) == 0 && user_byte(a + 3 * PG + 5) == 0, "to zeros");
	CHECK(vfs_fallocate(f, 0, 0, 1ull << 40) == -ENOSPC, "more than the machine: ENOSPC");
	vfs_inode_stat(f->inode, &st);
	CHECK(st.st_size == 4 * PG && st.st_blocks == 48, "unchanged by the failure: %ld", (long)st.st_blocks);

	/* Unlink and close: the mappings keep the file; the last munmap frees it. */
	CHECK(vfs_open(AT_FDCWD, "/m/f", O_RDONLY, 0, &g) == 0, "open again");
	CHECK(vfs_unlinkat(AT_FDCWD, "/m/f", 0) == 0, "unlink");
	file_put(f);
	file_put(g);
	CHECK(user_byte(a + 5) == 'M' && copy_to_user(b + 1, &c, 1) == 0 && user_byte(a + PG + 1) == 'P',
	      "mappings of an unlinked, closed file still share its pages");
	vm_remove(a, a + 4 * PG);
	vm_remove(p, p + 4 * PG);
	CHECK(pmem.free_pages < free0 && user_byte(b + 1) == 'P', "one mapping left, the file lives");
	vm_remove(b, b + 2 * PG);
	CHECK(pmem.free_pages == free0, "every page back: %ld missing", (long)(free0 - pmem.free_pages));

	/* munmap first, close after. */
	CHECK(vfs_open(AT_FDCWD, "/m/g", O_CREAT | O_RDWR, 0644, &f) == 0, "create g");
	CHECK(f->ops->truncate(f, 2 * PG) == 0 && map(a, 2, rw, true, f, 0) == 0, "map g");
	CHECK(copy_to_user(a + PG, "g", 1) == 0, "store");
	vm_remove(a, a + 2 * PG);
	off = PG;
	CHECK(f->ops->read(f, buf, 1, &off) == 1 && buf[0] == 'g', "the file kept it");
	CHECK(vfs_unlinkat(AT_FDCWD, "/m/g", 0) == 0, "unlink g");
	file_put(f);
	CHECK(pmem.free_pages == free0, "every page back: %ld missing", (long)(free0 - pmem.free_pages));

	/* A read-only file mapped shared cannot be made writable. */
	CHECK(vfs_open(AT_FDCWD, "/m/h", O_CREAT | O_RDONLY, 0644, &f) == 0, "create h");
	CHECK(map(a, 1, PROT_READ, true, f, 0) == 0, "map h");
	CHECK(vm_protect(a, a + PG, rw) == -EACCES, "mprotect: EACCES");
	CHECK(vm_fault(a, PROT_READ) == -EIO, "an empty file: SIGBUS at once");
	vm_remove(a, a + PG);
	file_put(f);
	CHECK(vfs_unlinkat(AT_FDCWD, "/m/h", 0) == 0 && vfs_unlinkat(AT_FDCWD, "/m", AT_REMOVEDIR) == 0, "clean up");

	/* O_DIRECT: regular files take it (Linux 6.6's tmpfs), the rest refuse. */
	CHECK(vfs_open(AT_FDCWD, "/tmp/d", O_CREAT | O_RDWR | O_DIRECT, 0644, &f) == 0, "O_DIRECT file");
	file_put(f);
	CHECK(vfs_unlinkat(AT_FDCWD, "/tmp/d", 0) == 0, "unlink");
	CHECK(vfs_open(AT_FDCWD, "/tmp", O_RDONLY | O_DIRECT, 0, &f) == -EINVAL, "O_DIRECT directory");
	CHECK(vfs_open(AT_FDCWD, "/dev/null", O_RDWR | O_DIRECT, 0, &f) == -EINVAL, "O_DIRECT device");
	CHECK(vfs_open(AT_FDCWD, "/tmp", O_PATH | O_DIRECT, 0, &f) == 0, "O_PATH ignores it");
	file_put(f);
}

static void test_initramfs(void)
{
	static uint8_t archive[1024], pristine[1024];
	size_t n = 0;
	struct file *f;
	char buf[32];
	uint64_t off = 0;

	n += cpio_entry(archive + n, "ird", S_IFDIR | 0755, "");
	n += cpio_entry(archive + n, "ird/data", S_IFREG | 0644, "from the archive");
	n += cpio_entry(archive + n, "ird/link", S_IFLNK | 0777, "data");
	n += cpio_entry(archive + n, "TRAILER!!!", 0, "");
	memcpy(pristine, archive, n);
	CHECK(vfs_unpack_cpio(archive, n) == 0, "unpack: %s", host_last_msg);
	CHECK(vfs_open(AT_FDCWD, "/ird/link", O_RDONLY, 0, &f) == 0, "open through the link");
	CHECK(f->ops->read(f, buf, sizeof(buf), &off) == 16 && !memcmp(buf, "from the archive", 16), "its bytes");
	/* Bytes in the archive are no page to share: mapping one copies it first. */
	CHECK(map(MAP_VA, 1, PROT_READ, true, f, 0) == 0 && user_byte(MAP_VA + 5) == 't', "mapped from the archive");
	struct file *w;

	off = 5;
	CHECK(vfs_open(AT_FDCWD, "/ird/data", O_RDWR, 0, &w) == 0 && w->ops->write(w, "T", 1, &off) == 1, "write");
	CHECK(user_byte(MAP_VA + 5) == 'T' && !memcmp(archive, pristine, n),
	      "the mapping sees it; the archive is untouched");
	vm_remove(MAP_VA, MAP_VA + PG);
	file_put(w);
	file_put(f);
	CHECK(vfs_unpack_cpio(archive, 10) == -1, "a truncated archive is refused");
}

int main(void)
{
	host_setup();
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[0] = '/';
	memset(long_path, 'p', sizeof(long_path) - 1);
	long_path[0] = '/';
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		run(&steps[i]);
	check_root_slot();
	test_file_mappings();
	test_initramfs();
	for (size_t i = 0; i < ARRAY_SIZE(slots); i++)
		CHECK(!slots[i], "slot %zu left open", i);
	return test_done("fs");
}
