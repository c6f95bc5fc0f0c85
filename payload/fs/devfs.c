/* SPDX-License-Identifier: MIT */
/*
 * /dev: the character devices every program may open (drivers/char/mem.c's
 * null, zero, full, random and urandom, with Linux's device numbers), and
 * the console (/dev/console, /dev/tty, and fds 0, 1 and 2). /dev/mem is
 * devmem.c's, /dev/irq/<n> devirq.c's.
 */
#include "fs/tmpfs.h"
#include "arch/riscv/layout.h"
#include "dev/console.h"
#include "dev/random.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/stat.h"
#include "kernel/thread.h"
#include "lib/bootargs.h"
#include "mm/vm.h"

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


/*
 * The console as a file. With no UART interrupt, input is polled: a
 * character seen by poll() is kept until read() takes it. A read with no
 * byte waiting blocks (-EAGAIN: the caller waits and polls again); it never
 * means end of input. End of input is ^D (EOT, 0x04), a terminal's VEOF:
 * the bytes before it are returned, and from then on every read returns 0,
 * as at the end of a pipe (ci/qemu.py sends one when its piped input ends,
 * so `make run < file` sees the file, then EOF).
 */
#define CONSOLE_EOF 0x04
static int console_peeked = -1;
static bool console_eof;

static long con_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	char *p = buf;
	size_t n = 0;

	(void)f;
	(void)off;
	while (n < len && !console_eof) {
		int c = console_peeked >= 0 ? console_peeked : console_getc();

		console_peeked = -1;
		if (c < 0)
			break;
		if (c == CONSOLE_EOF) {
			console_eof = true;
			break;
		}
		/* A serial terminal sends CR for Enter; a program expects '\n'. */
		p[n++] = c == '\r' ? '\n' : (char)c;
		if (c == '\r' || c == '\n')
			break;
	}
	return n || console_eof ? (long)n : -EAGAIN;
}

/*
 * A serial line is slow (QEMU's 16550 costs a host system call per byte):
 * the bytes go out in chunks with the big lock dropped, so other harts'
 * traps go on meanwhile. Called from write(2), big lock held; the buffer is
 * checked again for every chunk, as another thread may unmap it meanwhile.
 */
static long con_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	char chunk[512];
	size_t done = 0;

	(void)f;
	(void)off;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));

		/* The program's buffer is checked again for every chunk (another
		 * thread may unmap it while the lock is let go); goose's own (a
		 * sendfile's bounce buffer) is read as it is. */
		if ((uint64_t)(uintptr_t)buf >= USER_TOP)
			memcpy(chunk, (const char *)buf + done, n);
		else if (copy_from_user(chunk, (uint64_t)(uintptr_t)buf + done, n))
			break;
		big_lock_release();
		console_write_crlf(chunk, n);
		big_lock_take(this_hart());
		done += n;
	}
	return done ? (long)done : -EFAULT;
}

static uint32_t con_poll(struct file *f)
{
	(void)f;
	if (console_peeked < 0 && !console_eof)
		console_peeked = console_getc();
	return EPOLLOUT | (console_peeked >= 0 || console_eof ? EPOLLIN : 0);
}

static int con_stat(struct file *f, struct kstat *st)
{
	(void)f;
	st->st_mode = S_IFCHR | 0620;
	st->st_rdev = (5u << 8) | 1; /* /dev/console is char 5:1 */
	st->st_blksize = 1024;
	st->st_ino = 3;
	return 0;
}

/* A serial line without a tty layer: no terminal ioctl applies (TCGETS
 * gets ENOTTY, so programs see a plain character device). */
static long con_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	(void)f;
	(void)cmd;
	(void)arg;
	return -ENOTTY;
}

static const struct file_ops console_ops = {
	.read = con_read,
	.write = con_write,
	.poll = con_poll,
	.stat = con_stat,
	.ioctl = con_ioctl,
	.polled = true,
	.drops_big_lock = true,
};

static struct file *console_file(uint32_t flags)
{
	struct file *f = file_alloc(&console_ops, flags, NULL);
	struct lookup lk;

	/* /proc/self/fd names it /dev/console, the node it is. */
	if (f && !resolve(vfs_root, "/dev", FOLLOW, &lk) && lk.inode)
		file_set_path(f, lk.inode, "console");
	return f;
}

BOOT_OPTION(stdin_option, "goose.stdin", "goose.stdin=null",
	    "fd 0 reads /dev/null (end of file) instead of the console (`goose.stdin=console`, the default)");

int devfs_stdio(const char *stdin_value)
{
	static const uint32_t modes[3] = { O_RDONLY, O_WRONLY, O_WRONLY };
	struct file *f;

	for (int fd = 0; fd < 3; fd++) {
		f = console_file(modes[fd]);
		if (!f || fd_install_at(fd, f, false) < 0)
			panic("devfs_stdio: no memory for fd %d", fd);
	}
	/* goose.stdin=null: standard input reads end of file, as `< /dev/null`. */
	if (!stdin_value || !strcmp(stdin_value, "console"))
		return 0;
	if (strcmp(stdin_value, "null") || vfs_open(AT_FDCWD, "/dev/null", O_RDONLY, 0, &f) || fd_install_at(0, f, false) < 0) {
		gmsg("goose.stdin=%s: want console or null", stdin_value);
		return -1;
	}
	return 0;
}

static void must(int r, const char *what)
{
	if (r)
		panic("devfs_init: %s: error %d", what, -r);
}

void devfs_init(void)
{
	must(vfs_add_device("/dev/null", &null_ops, 0666, 0x103, NULL), "/dev/null");
	must(vfs_add_device("/dev/zero", &zero_ops, 0666, 0x105, NULL), "/dev/zero");
	must(vfs_add_device("/dev/full", &full_ops, 0666, 0x107, NULL), "/dev/full");
	must(vfs_add_device("/dev/random", &random_ops, 0666, 0x108, NULL), "/dev/random");
	must(vfs_add_device("/dev/urandom", &random_ops, 0666, 0x109, NULL), "/dev/urandom");
	must(vfs_add_device("/dev/tty", &console_ops, 0666, 0x500, NULL), "/dev/tty");
	must(vfs_add_device("/dev/console", &console_ops, 0600, 0x501, NULL), "/dev/console");
}
