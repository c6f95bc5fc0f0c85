/* SPDX-License-Identifier: MIT */
/*
 * Open files and the descriptor table. A struct file is an open file
 * description (shared by dup'd descriptors, with its own offset and status
 * flags); what it reads and writes is up to its ops: the console, a pipe end,
 * an eventfd, an epoll instance, a device node or a tmpfs inode (tmpfs.c).
 *
 * Nothing here ever sleeps. An operation that would block returns -EAGAIN;
 * the system call layer then blocks the thread (unless O_NONBLOCK) until
 * some file changes state (file_notify), and runs the call again.
 *
 * Flag and structure values are Linux's (include/uapi/asm-generic/fcntl.h,
 * include/uapi/linux/eventpoll.h, include/uapi/asm-generic/stat.h).
 */
#ifndef GOOSE_FILE_H
#define GOOSE_FILE_H

#include "include/uapi/stat.h"
#include "lib/lib.h"

#define MAX_FDS 4096

/* RLIMIT_NOFILE: descriptors at or above it are refused with EMFILE. */
extern uint64_t fd_limit;

/* The process's I/O accounting, as /proc/self/io tells it (Linux's
 * struct task_io_accounting): bytes read and written by read/write-like
 * calls, and those calls (each once, however many times it waited). */
struct io_acct {
	uint64_t rchar, wchar, syscr, syscw;
};
extern struct io_acct io_acct;


struct file;
struct inode;

/*
 * A file's operations. Every op runs with the big lock held (kernel/thread.h)
 * and returns with it held; an op that lets go of it meanwhile says so in
 * drops_big_lock, and must then look at its state again after taking it
 * back (another hart may have changed anything, the program's buffer
 * included). An op that would block returns -EAGAIN having done nothing
 * (kernel/syscall.h: the call then waits and runs again).
 */
struct file_ops {
	/* A device node was opened (f->priv is the node's); 0 or -errno. */
	int (*open)(struct file *f);
	/* Move up to len bytes between the file and the program's buffer at
	 * ubuf (goose may touch it directly: the caller checked it). *off is
	 * the file offset to use and advance (pread/pwrite pass their own).
	 * Bytes moved, -EAGAIN when it would block, or -errno. */
	long (*read)(struct file *f, void *buf, size_t len, uint64_t *off);
	long (*write)(struct file *f, const void *buf, size_t len, uint64_t *off);
	/* EPOLLIN/OUT/HUP/ERR bits ready now. */
	uint32_t (*poll)(struct file *f);
	void (*release)(struct file *f);
	int (*stat)(struct file *f, struct kstat *st);
	long (*ioctl)(struct file *f, unsigned long cmd, uint64_t arg);
	/* Directories: linux_dirent64 records into buf, from position *off. */
	long (*getdents)(struct file *f, void *buf, size_t len, uint64_t *off);
	int (*truncate)(struct file *f, uint64_t size);
	/* Fill the fresh mapping [va, va+len) from the file at off (mmap of a
	 * device or file; shared: MAP_SHARED). 0 or -errno. */
	long (*mmap)(struct file *f, uint64_t va, uint64_t len, uint32_t prot, uint64_t off, bool shared);
	bool seekable;
	/* No interrupt tells when it is ready (the polled console): waiters
	 * look again every few milliseconds. */
	bool polled;
	/* Added to the VMA of an mmap of this file (VM_DEVICE for /dev/mem). */
	uint32_t vm_flags;
	/* write lets go of the big lock while the bytes go out (the console:
	 * a slow serial line must not stop the other harts' traps). */
	bool drops_big_lock;
};

struct file {
	const struct file_ops *ops;
	int refs;
	uint32_t flags;		/* O_ACCMODE, O_APPEND, O_NONBLOCK, ... as opened / F_SETFL */
	uint64_t off;
	uint64_t gen;		/* bumped by file_notify: epoll's edge-trigger sees a new event */
	struct inode *inode;	/* tmpfs and device nodes; NULL for pipes, eventfds, epoll */
	void *priv;
	char *path;		/* opened by path: the path it had (/proc/self/fd), or NULL */
};

/* The open descriptor at or above fd with the smallest number, or -1 (for walks). */
int fd_next(int fd);

struct file *file_alloc(const struct file_ops *ops, uint32_t flags, void *priv);
void file_get(struct file *f);
void file_put(struct file *f);
/* f changed state (data in, space out, hang-up): wake every thread that
 * waits on some file so it looks again. */
void file_notify(struct file *f);
/* Fill st (which the caller zeroed or preset) from f's ops->stat or its
 * inode: 0, or -EINVAL for a file with neither. */
int file_stat(struct file *f, struct kstat *st);

/* The descriptor table (one process, shared by all threads). */
int fd_install(struct file *f, bool cloexec, int min_fd);
int fd_install_at(int fd, struct file *f, bool cloexec);
struct file *fd_get(int fd);	/* borrowed: valid until the trap ends */
int fd_close(int fd);
bool fd_cloexec(int fd);
void fd_set_cloexec(int fd, bool on);

/* The console, a pipe pair, an eventfd, an epoll instance. */
int pipe_create(struct file *ends[2], uint32_t flags);
/* Open a FIFO whose pipe (NULL until first opened) lives in *slot: a file,
 * or -EAGAIN while t waits for the other side (t is counted as waiting, so
 * its peer goes on; the open runs again on wake-up), -ENXIO, -ENOMEM. An
 * open cut short by a signal without SA_RESTART stays counted until t opens
 * that FIFO again: writers meanwhile see a reader. */
struct thread;
long fifo_open(void **slot, uint32_t flags, struct thread *t, struct file **out);
struct file *eventfd_create(uint64_t initval, uint32_t flags);
struct file *epoll_create(uint32_t flags);
bool file_is_epoll(const struct file *f);
bool file_is_pipe(const struct file *f);
int epoll_ctl_file(struct file *ep, int op, int fd, struct file *target, uint32_t events, uint64_t data);
/* Gather up to max ready events into the program's out (struct epoll_event: u32
 * events, 4 bytes of padding, u64 data: 16 bytes, packed only on x86-64): how
 * many, or -EFAULT when the first cannot be stored. */
int epoll_collect(struct file *ep, uint64_t out, int max);
/* Does the instance watch a polled file (see file_ops.polled)? */
bool epoll_has_polled(struct file *ep);
/* An fd closed: forget it in every epoll instance. */
void epoll_forget_fd(int fd, struct file *f);

/* Block t on f's next change when r is -EAGAIN, unless f is O_NONBLOCK
 * (the call runs again on wake-up: kernel/syscall.h); else r. */
struct thread;
long file_block(struct thread *t, struct file *f, long r);


#endif
