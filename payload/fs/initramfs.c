/* SPDX-License-Identifier: MIT */
/*
 * The initramfs: a cpio "newc" archive (lib/cpio.c reads it) unpacked into
 * the tree at boot. Regular files stay where the archive lies (static
 * bytes, copied on their first write); directories and symbolic links are
 * made; device nodes, FIFOs and sockets mean nothing here and are skipped.
 */
#include "fs/tmpfs.h"
#include "dev/console.h"
#include "include/uapi/errno.h"
#include "include/uapi/stat.h"
#include "lib/cpio.h"

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
