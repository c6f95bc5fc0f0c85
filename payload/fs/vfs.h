/* SPDX-License-Identifier: MIT */
/*
 * The file tree: one in-memory file system (tmpfs semantics) holding
 *   /dev      null, zero, full, random, urandom, console, tty, mem, irq/<n>
 *   /tmp      writable, sticky
 *   /sys/firmware/fdt   the device tree goose was given
 *   /proc/self/...      what Go programs look for (procfs.c)
 * and whatever the initramfs (a cpio archive in the initrd) brings. Every
 * file is writable and lives in RAM; there is no disk.
 *
 * fs/'s files: tmpfs.c (nodes and their file ops), namei.c (path lookup,
 * open, the path operations), tree.c (what goose adds), initramfs.c,
 * devfs.c, devmem.c, devirq.c, procfs.c; files and descriptors in file.c,
 * pipes, eventfd and epoll in their own. This header is the tree's API for
 * the rest of goose; paths are goose's own strings (sys/ copies the
 * program's in).
 */
#ifndef GOOSE_VFS_H
#define GOOSE_VFS_H

#include "fs/file.h"

#define VFS_PATH_MAX 4096	/* PATH_MAX */
#define VFS_NAME_MAX 255	/* NAME_MAX */

struct inode;

/* The root, /tmp and /dev (tree.c, devfs.c). */
void vfs_init(void);
void devfs_init(void);
/* fds 0, 1, 2 on the console, or fd 0 on /dev/null with goose.stdin=null
 * (stdin_value is the option's value, NULL when not given): 0, or -1
 * after one "goose: " line. */
int devfs_stdio(const char *stdin_value);
extern const struct boot_option stdin_option;
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

/* A file on an inode: its stat (when the file's ops have none), and its
 * last close (file_put calls it). */
int vfs_inode_stat(struct inode *in, struct kstat *st);
void vfs_inode_release(struct inode *in);
/* What f is, as S_IFMT bits: its inode's, S_IFIFO for a pipe, 0 for the
 * files that have no node (eventfd, epoll, sockets). */
uint32_t vfs_file_type(const struct file *f);
/* fallocate(2) on a regular file open for writing, its mode and range
 * checked (sys/): tmpfs's two modes (mm/shmem.c), pages for the range
 * (mode 0 also extends the file; FALLOC_FL_KEEP_SIZE does not) or a hole
 * punched (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE). 0 or -errno. */
long vfs_fallocate(struct file *f, uint32_t mode, uint64_t off, uint64_t len);

/* AF_UNIX sockets bound to a path (net/unix.c): bind makes a socket node that
 * names sock (-EEXIST when the path exists); connect finds it (-ENOENT, or
 * -ECONNREFUSED for a node that is no socket or whose socket closed); the
 * socket's close unbinds it, leaving the node. Paths from AT_FDCWD. */
long vfs_bind_socket(const char *path, void *sock, struct inode **out);
void *vfs_socket_at(const char *path, long *err);
void vfs_unbind_socket(struct inode *in);

/* Open path relative to dirfd (AT_FDCWD or a directory fd); O_PATH opens
 * for stat only. 0 with *out, or -errno. */
long vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out);

/* What the path system calls do (namei.c), each 0 (or a count) or -errno,
 * after sys/sys_path.c checked the arguments' flags. */
uint32_t vfs_set_umask(uint32_t mask);
long vfs_mkdirat(int dirfd, const char *path, uint32_t mode);
/* mode: S_IFREG, S_IFIFO or S_IFSOCK | permissions. */
long vfs_mknodat(int dirfd, const char *path, uint32_t mode);
long vfs_unlinkat(int dirfd, const char *path, uint32_t flags);
long vfs_renameat2(int olddirfd, const char *from, int newdirfd, const char *to, uint32_t flags);
long vfs_symlinkat(const char *target, int dirfd, const char *path);
/* The link's target (not NUL-terminated) and its length. */
long vfs_readlinkat(int dirfd, const char *path, const char **target, size_t *len);
long vfs_linkat(int olddirfd, const char *from, int newdirfd, const char *to, uint32_t flags);
long vfs_faccessat(int dirfd, const char *path, uint32_t mode, uint32_t flags);
long vfs_chdir(const char *path);
long vfs_fchdir(int fd);
/* The working directory's path, built at the end of buf: its length with
 * the NUL, *start where it begins. */
long vfs_getcwd(char buf[VFS_PATH_MAX], const char **start);
long vfs_truncate(const char *path, uint64_t size);
long vfs_fchmod(int fd, uint32_t mode);
long vfs_fchmodat(int dirfd, const char *path, uint32_t mode, uint32_t flags);
long vfs_fchown(int fd, uint32_t uid, uint32_t gid);
long vfs_fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, uint32_t flags);
/* path NULL: dirfd's own file; ts NULL: now (else atime and mtime as two
 * struct timespec, UTIME_NOW / UTIME_OMIT in tv_nsec). */
long vfs_utimensat(int dirfd, const char *path, const int64_t *ts, uint32_t flags);
/* 0 when path names something. */
long vfs_lookup(const char *path);
/* struct statfs (include/uapi/asm-generic/statfs.h): the tmpfs figures. */
void vfs_statfs(uint64_t st[15]);

/* /proc (procfs.c): the process's files under /proc/1 (/proc/self links
 * there); the thread status files as threads come and go; /proc/1/exe
 * naming the program. */
void procfs_init(void);
/* A /proc file made by a higher layer (net/): make writes its text into
 * buf (at most size bytes) at each read and returns its length. */
typedef size_t (*procfs_text_fn)(char *buf, size_t size);
int procfs_add_text(const char *path, procfs_text_fn make);
void proc_thread_add(int tid);
void proc_thread_remove(int tid);
int procfs_exe(const char *path);
/* /proc/cpuinfo's isa line: the boot hart's riscv,isa (all harts alike). */
void procfs_set_isa(const char *isa);
/* /proc/self/cmdline and environ: argv0, then the boot's arguments and environment. */
struct bootargs;
int procfs_process(const char *argv0, const struct bootargs *ba);

#endif
