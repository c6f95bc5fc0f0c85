/* SPDX-License-Identifier: MIT */
/*
 * The file tree: one in-memory file system (tmpfs semantics) holding
 *   /dev      null, zero, full, random, urandom, console, tty, mem (later)
 *   /tmp      writable, sticky
 *   /sys/firmware/fdt   the device tree goose was given
 *   /proc/self/...      what Go programs look for
 * and whatever the initramfs (a cpio archive in the initrd) brings. Every
 * file is writable and lives in RAM; there is no disk.
 */
#ifndef GOOSE_VFS_H
#define GOOSE_VFS_H

#include "fs/file.h"
#include "include/uapi/stat.h"

#define VFS_PATH_MAX 4096
#define VFS_NAME_MAX 255

struct inode;

void vfs_init(void);
/* Add a read-only file whose bytes stay where they are (the FDT). */
int vfs_add_static(const char *path, const void *data, size_t len, uint32_t mode);
/* Add a symbolic link to target (len bytes). */
int vfs_add_symlink(const char *path, const char *target, size_t len);
/* Remove a name goose made: a file, or an empty directory. 0 or -errno. */
int vfs_remove(const char *path);
/* Add a device node with its own file ops. */
int vfs_add_device(const char *path, const struct file_ops *ops, uint32_t mode, uint64_t rdev, void *priv);
/* Unpack a cpio (newc) archive into the tree: 0, or -1 after one "goose: " line. */
int vfs_unpack_cpio(const void *buf, size_t len);
/* Contents of a regular file (for the loader): 0 with *data and *len set, or -errno.
 * The file must not be changed while the pointer is in use. */
int vfs_file_bytes(const char *path, const void **data, size_t *len);
/* Make path (absolute) the working directory. */
int vfs_chdir_path(const char *path);

/* A file on an inode: its stat (when the file's ops have none), and its
 * last close (file_put calls it). */
int vfs_inode_stat(struct inode *in, struct kstat *st);
void vfs_inode_release(struct inode *in);

/* AF_UNIX sockets bound to a path (socket.c): bind makes a socket node that
 * names sock (-EEXIST when the path exists); connect finds it (-ENOENT, or
 * -ECONNREFUSED for a node that is no socket or whose socket closed); the
 * socket's close unbinds it, leaving the node. Paths from AT_FDCWD. */
long vfs_bind_socket(const char *path, void *sock, struct inode **out);
void *vfs_socket_at(const char *path, long *err);
void vfs_unbind_socket(struct inode *in);

/* Open path relative to dirfd (AT_FDCWD or a directory fd); O_PATH opens
 * for stat only. 0 with *out, or -errno. */
long vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out);

#endif
