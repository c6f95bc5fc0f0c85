// SPDX-License-Identifier: MIT
/*
 * Host tests for pipes and FIFOs (fs/pipe.c) against pipe(7) and fifo(7):
 * what a read or write returns on an empty, full or widowed pipe, which
 * writes are atomic, the poll bits, and the FIFO opens that wait for each
 * other (the open runs again after each wait: kernel/syscall.h). Two
 * threads take turns as the caller (host_hart->current).
 */
#include "tests/host_kernel.h"
#include "arch/riscv/hart.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/ioctls.h"
#include "include/uapi/limits.h"
#include "include/uapi/stat.h"
#include "test.h"

#define PIPE_CAP (64 * 1024)

static uint8_t big[PIPE_CAP + 100];

static long rd(struct file *f, void *buf, size_t n)
{
	return f->ops->read(f, buf, n, &f->off);
}

static long wr(struct file *f, const void *buf, size_t n)
{
	return f->ops->write(f, buf, n, &f->off);
}

static uint32_t ev(struct file *f)
{
	return f->ops->poll(f);
}

static void test_pair(void)
{
	struct file *e[2];
	char buf[16];
	int n;

	CHECK(pipe_create(e, O_NONBLOCK) == 0, "pipe2");
	CHECK(file_is_pipe(e[0]) && file_is_pipe(e[1]), "both ends are pipes");
	CHECK((e[0]->flags & O_ACCMODE) == O_RDONLY && (e[1]->flags & O_ACCMODE) == O_WRONLY, "read end, write end");
	CHECK(e[0]->flags & O_NONBLOCK, "O_NONBLOCK is the files'");
	CHECK(ev(e[0]) == 0, "empty: the reader has nothing");
	CHECK(ev(e[1]) == (EPOLLOUT | EPOLLWRNORM), "empty: the writer may write, got %#x", ev(e[1]));
	CHECK(rd(e[0], buf, sizeof(buf)) == -EAGAIN, "an empty pipe with a writer: EAGAIN");
	CHECK(rd(e[0], buf, 0) == 0, "a read of nothing");
	CHECK(wr(e[1], "abc", 3) == 3, "write");
	CHECK(ev(e[0]) == (EPOLLIN | EPOLLRDNORM), "readable, got %#x", ev(e[0]));
	CHECK(e[0]->ops->ioctl(e[0], FIONREAD, HOST_USER) == 0 && !memcmp(host_user(HOST_USER), &(int){ 3 }, 4),
	      "FIONREAD: 3");
	CHECK(e[0]->ops->ioctl(e[0], 0x5401, HOST_USER) == -ENOTTY, "another ioctl: ENOTTY");
	CHECK(rd(e[0], buf, 2) == 2 && !memcmp(buf, "ab", 2), "a short read");
	CHECK(rd(e[0], buf, sizeof(buf)) == 1 && buf[0] == 'c', "the rest");

	/* Fill it: the ring wraps across its pages; small writes are whole or nothing. */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + i / 4096);
	CHECK(wr(e[1], big, 1000) == 1000, "1000 bytes in");
	CHECK(wr(e[1], big, sizeof(big)) == PIPE_CAP - 1000, "a big write fills what is left");
	CHECK(!(ev(e[1]) & EPOLLOUT), "full: not writable");
	CHECK(wr(e[1], "x", 1) == -EAGAIN, "full: EAGAIN");
	CHECK(rd(e[0], big + PIPE_CAP, 100) == 100, "100 out");
	CHECK(wr(e[1], big, PIPE_BUF) == -EAGAIN, "a PIPE_BUF write with 100 free: nothing");
	CHECK(wr(e[1], big, PIPE_BUF + 1) == 100, "a bigger write may go in part");
	/* Out in order across the wrap: big[100..999], big[0..64535], big[0..99]. */
	static uint8_t out[PIPE_CAP + 16];

	n = 0;
	for (long r; (r = rd(e[0], out + n, 1000)) > 0; n += (int)r)
		;
	CHECK(n == PIPE_CAP, "everything comes out: %d", n);
	CHECK(!memcmp(out, big + 100, 900) && !memcmp(out + 900, big, PIPE_CAP - 1000) &&
	      !memcmp(out + PIPE_CAP - 100, big, 100), "in the order written");
	CHECK(ev(e[1]) & EPOLLOUT, "drained: writable");

	/* Each side closing. */
	CHECK(wr(e[1], "end", 3) == 3, "bytes before the writer goes");
	file_put(e[1]);
	CHECK(ev(e[0]) == (EPOLLIN | EPOLLRDNORM | EPOLLHUP), "data and hang-up, got %#x", ev(e[0]));
	CHECK(rd(e[0], buf, sizeof(buf)) == 3, "what was written is still read");
	CHECK(rd(e[0], buf, sizeof(buf)) == 0, "then end of file");
	file_put(e[0]);

	CHECK(pipe_create(e, 0) == 0, "another pipe");
	file_put(e[0]);
	CHECK(wr(e[1], "x", 1) == -EPIPE, "no reader: EPIPE");
	CHECK(ev(e[1]) & EPOLLERR, "no reader: EPOLLERR");
	struct kstat st;

	CHECK(e[1]->ops->stat(e[1], &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO, "fstat: a FIFO");
	file_put(e[1]);
}

/* Open path as thread t. */
static long open_as(struct thread *t, const char *path, uint32_t flags, struct file **f)
{
	host_hart->current = t;
	long r = vfs_open(AT_FDCWD, path, flags, 0, f);

	host_hart->current = host_thread;
	return r;
}

static void test_fifo(void)
{
	struct file *r, *w, *w2;
	char buf[8];

	CHECK(vfs_mknodat(AT_FDCWD, "/fifo", S_IFIFO | 0600) == 0, "mkfifo");
	/* O_NONBLOCK: a reader opens at once, a writer with no reader is ENXIO. */
	CHECK(open_as(host_thread, "/fifo", O_WRONLY | O_NONBLOCK, &w) == -ENXIO, "a writer alone: ENXIO");
	CHECK(open_as(host_thread, "/fifo", O_RDONLY | O_NONBLOCK, &r) == 0, "a reader alone");
	CHECK(ev(r) == 0, "no hang-up before any writer came, got %#x", ev(r));
	CHECK(rd(r, buf, sizeof(buf)) == 0, "no writer: end of file");
	CHECK(open_as(host_thread, "/fifo", O_WRONLY | O_NONBLOCK, &w) == 0, "now a writer opens");
	CHECK(wr(w, "fifo", 4) == 4 && rd(r, buf, sizeof(buf)) == 4 && !memcmp(buf, "fifo", 4), "bytes through it");
	file_put(w);
	CHECK(ev(r) & EPOLLHUP, "the writer left: hang-up");
	file_put(r);

	/* Blocking opens: the first waits, the second lets both go on. */
	CHECK(open_as(host_thread, "/fifo", O_RDONLY, &r) == -EAGAIN, "a reader waits for a writer");
	CHECK(open_as(host_thread, "/fifo", O_RDONLY, &r) == -EAGAIN, "and again on a wake-up with none");
	CHECK(open_as(host_thread2, "/fifo", O_WRONLY, &w) == 0, "a writer: the waiting reader counts");
	CHECK(wr(w, "x", 1) == 1, "it may write meanwhile");
	CHECK(open_as(host_thread, "/fifo", O_RDONLY, &r) == 0, "the reader runs again and opens");
	CHECK(rd(r, buf, sizeof(buf)) == 1, "and reads");
	file_put(r);
	file_put(w);

	/* A partner that came and went while the opener waited still lets it
	 * go on (it used to wait forever: the restart test). */
	CHECK(open_as(host_thread, "/fifo", O_WRONLY, &w) == -EAGAIN, "a writer waits");
	CHECK(open_as(host_thread2, "/fifo", O_RDONLY | O_NONBLOCK, &r) == 0, "a reader comes");
	file_put(r);
	CHECK(open_as(host_thread, "/fifo", O_WRONLY, &w) == 0, "the writer goes on after the reader left");
	CHECK(wr(w, "x", 1) == -EPIPE, "and finds no reader");
	file_put(w);

	/* O_RDWR never waits; two writers. */
	CHECK(open_as(host_thread, "/fifo", O_RDWR, &r) == 0, "O_RDWR alone");
	CHECK(open_as(host_thread2, "/fifo", O_WRONLY | O_NONBLOCK, &w) == 0, "a writer: O_RDWR reads");
	CHECK(open_as(host_thread2, "/fifo", O_WRONLY, &w2) == 0, "a second writer");
	CHECK(wr(w, "a", 1) == 1 && wr(w2, "b", 1) == 1 && rd(r, buf, sizeof(buf)) == 2, "both write");
	file_put(w);
	file_put(w2);
	CHECK(rd(r, buf, sizeof(buf)) == -EAGAIN, "O_RDWR is its own writer: no end of file");
	file_put(r);
	CHECK(vfs_unlinkat(AT_FDCWD, "/fifo", 0) == 0, "unlink");
}

int main(void)
{
	host_setup();
	test_pair();
	test_fifo();
	return test_done("pipe");
}
