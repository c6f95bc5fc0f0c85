/* SPDX-License-Identifier: MIT */
/*
 * The tree goose builds itself: the root, /tmp, /dev (devfs.c), the files
 * it adds (the FDT, /proc, the initramfs' files), each made with its
 * directories as mkdir -p would.
 */
#include "fs/tmpfs.h"
#include "dev/console.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "mm/kmem.h"

static int vfs_mknod_path(const char *path, uint32_t mode, struct inode **out)
{
	struct lookup lk;
	int r = resolve(vfs_root, path, true, &lk);

	if (r)
		return r;
	if (lk.inode)
		return -EEXIST;
	return create_at(&lk, mode, out);
}

int vfs_remove(const char *path)
{
	struct lookup lk;
	int r = resolve(vfs_root, path, false, &lk);
	struct dirent *d = r || !lk.inode ? NULL : dir_find(lk.dir, lk.name, lk.namelen);

	if (r)
		return r;
	if (!d)
		return -ENOENT;
	if (is_dir(d->inode) && d->inode->entries)
		return -ENOTEMPTY;
	if (d->inode == vfs_cwd)
		vfs_cwd = lk.dir;
	dir_unlink(lk.dir, d);
	return 0;
}

/* mkdir -p for the tree goose builds itself. */
struct inode *mkdirs(const char *path)
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

	return resolve(vfs_root, path, true, &lk) ? NULL : lk.inode;
}

int parent_dirs(const char *path)
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
	int r = resolve(vfs_root, path, true, &lk);

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

void vfs_init(void)
{
	vfs_root = inode_new(S_IFDIR | 0755);
	if (!vfs_root)
		panic("vfs_init: no memory for the root");
	vfs_root->nlink = 2;	/* "." and its own ".." */
	vfs_cwd = vfs_root;
	devfs_init();
	struct inode *tmp = mkdirs("/tmp");

	if (!tmp)
		panic("vfs_init: no memory for /tmp");
	tmp->mode = S_IFDIR | 01777;
}
