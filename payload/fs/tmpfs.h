/* SPDX-License-Identifier: MIT */
/*
 * The file tree's insides, shared by fs/'s own files (Linux keeps the like
 * in fs/internal.h): inodes and directory entries (tmpfs.c), path lookup
 * (namei.c), the tree goose builds itself (tree.c). Nothing outside fs/
 * includes this; the rest of goose uses fs/vfs.h.
 */
#ifndef GOOSE_FS_TMPFS_H
#define GOOSE_FS_TMPFS_H

#include "fs/vfs.h"

#define MAXSYMLINKS 40
#define PAGE 4096ul

struct dirent {
	struct dirent *next;
	struct inode *inode;
	char name[];
};

/*
 * A directory whose entries are made as they are asked for, not kept
 * (/proc/self/fd: procfs.c). lookup: the inode name stands for now (its
 * owner keeps it), or NULL; next: the entry with the smallest index >=
 * *index (index set to it, its name into name[32]), or NULL past the last.
 * Nothing is made in, renamed into or removed from such a directory (EPERM).
 */
struct dir_hooks {
	struct inode *(*lookup)(struct inode *dir, const char *name, size_t len);
	struct inode *(*next)(struct inode *dir, uint64_t *index, char name[32]);
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
	const struct dir_hooks *hooks;	/* NULL: entries are all there is */
	/* S_IFREG: pages (NULL = zeros) or, until written or mapped, static
	 * bytes. The pages are the file's only copy: read, write and every
	 * mapping of it use them (a mapping holds the file open, so they live
	 * while it does: mm/vm.h) */
	uint8_t **pages;
	uint64_t npages;	/* slots in pages[] */
	uint64_t pages_used;	/* pages[] that are not NULL (st_blocks) */
	const uint8_t *static_data;
	/* S_IFLNK: target (size bytes), S_IFCHR: file ops */
	char *target;
	const struct file_ops *dev_ops;
	void *dev_priv;
};

/* The root, the working directory and the file-creation mask (namei.c). */
extern struct inode *vfs_root, *vfs_cwd;
extern uint32_t vfs_umask;

/* tmpfs.c: inodes and directory entries. */
uint64_t tmpfs_now(void);
struct inode *inode_new(uint32_t mode);
bool is_dir(const struct inode *in);
void inode_maybe_free(struct inode *in);
struct dirent *dir_find(const struct inode *dir, const char *name, size_t len);
struct dirent *dirent_new(const char *name, size_t len);
void dir_insert(struct inode *dir, struct dirent *d, struct inode *in);
int dir_link(struct inode *dir, const char *name, size_t len, struct inode *in);
/* Take the entry out; the inode it named lives on (rename moves it). */
struct inode *dir_remove(struct inode *dir, struct dirent *d);
void dir_unlink(struct inode *dir, struct dirent *d);
/* A regular file's new size (pages past the end leave every mapping and
 * are freed; zeros between the old end and the new). */
int file_set_size(struct inode *in, uint64_t size);
/* An open file on in, with the device's own open: 0 with *out, or -errno. */
long open_file(struct inode *in, uint32_t flags, struct file **out);

/* namei.c: path lookup (path_resolution(7)). */
struct lookup {
	struct inode *dir;	/* the directory the last component is in */
	const char *name;	/* the last component (namelen bytes, in namebuf) */
	size_t namelen;
	struct inode *inode;	/* what it names, or NULL */
	bool trailing_slash;
	char namebuf[VFS_NAME_MAX + 1];
};

/* How resolve treats a last component that is a symbolic link (see namei.c). */
#define FOLLOW 1
#define FOLLOW_NEVER 2

int resolve(struct inode *start, const char *path, int follow, struct lookup *lk);
int lookup_at(int dirfd, const char *path, int follow, struct lookup *lk);
/* Where a new name goes: never follows, EEXIST when taken (namei.c). */
int create_lookup(int dirfd, const char *path, bool dir, struct lookup *lk);
/* Make the node lk names, mode S_IF* | permissions. */
int create_at(struct lookup *lk, uint32_t mode, struct inode **out);

/* The path of in (a directory) from the root, built at the end of buf:
 * its length with the NUL, *start where it begins; -ENOENT (removed), -ENAMETOOLONG. */
long inode_path(const struct inode *in, char buf[VFS_PATH_MAX], const char **start);

/* Remember f's path for /proc/self/fd (struct file's path): dir's, then
 * "/" name unless name is NULL (namei.c). */
void file_set_path(struct file *f, const struct inode *dir, const char *name);

/* tree.c: directories goose makes (mkdir -p), and the ones above a path. */
struct inode *mkdirs(const char *path);
int parent_dirs(const char *path);

#endif
