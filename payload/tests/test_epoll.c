// SPDX-License-Identifier: MIT
/*
 * Host tests for epoll (fs/epoll.c) against epoll_ctl(2) and epoll(7):
 * the errors of each operation, nesting limits, level- and edge-triggered
 * reporting, EPOLLONESHOT, and what closing a watched file does. Events go
 * to the program's memory as Linux lays them out (u32 events, padding,
 * u64 data) and are read back from there.
 */
#include "tests/host_kernel.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "test.h"

struct uevent {
	uint32_t events;
	uint32_t pad;
	uint64_t data;
};

static struct uevent got[8];

/* epoll_wait without waiting: how many, copied into got[]. */
static int collect(struct file *ep, int max)
{
	int n = epoll_collect(ep, HOST_USER, max);

	for (int i = 0; i < n; i++)
		memcpy(&got[i], host_user(HOST_USER + 16ull * (uint64_t)i), sizeof(got[i]));
	return n;
}

static long wr(struct file *f, const char *s)
{
	return f->ops->write(f, s, strlen(s), &f->off);
}

static void test_ctl(void)
{
	struct file *ep = epoll_create(0), *e[2], *reg;
	int fd = 5;

	CHECK(ep && file_is_epoll(ep), "epoll_create");
	CHECK(pipe_create(e, O_NONBLOCK) == 0, "a pipe");
	CHECK(vfs_open(AT_FDCWD, "/regular", O_CREAT | O_RDWR, 0600, &reg) == 0, "a regular file");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, 3, reg, EPOLLIN, 0) == -EPERM, "a regular file: EPERM");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, 4, ep, EPOLLIN, 0) == -EINVAL, "itself: EINVAL");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_MOD, fd, e[0], EPOLLIN, 0) == -ENOENT, "MOD of nothing: ENOENT");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_DEL, fd, e[0], 0, 0) == -ENOENT, "DEL of nothing: ENOENT");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, fd, e[0], EPOLLIN, 11) == 0, "ADD");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, fd, e[0], EPOLLIN, 11) == -EEXIST, "ADD again: EEXIST");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, fd + 1, e[0], EPOLLIN, 12) == 0, "the same file by another fd");
	CHECK(epoll_ctl_file(ep, 99, fd, e[0], EPOLLIN, 0) == -EINVAL, "an unknown op: EINVAL");
	CHECK(collect(ep, 8) == 0, "nothing ready");
	CHECK(ep->ops->poll(ep) == 0, "the instance is not readable");
	CHECK(wr(e[1], "x") == 1, "a byte in");
	CHECK(ep->ops->poll(ep) == EPOLLIN, "now the instance is readable");
	CHECK(collect(ep, 8) == 2, "both fds report it");
	CHECK(collect(ep, 1) == 1, "max is honoured");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_DEL, fd + 1, e[0], 0, 0) == 0, "DEL");
	CHECK(collect(ep, 8) == 1 && got[0].events == EPOLLIN && got[0].data == 11 && got[0].pad == 0,
	      "level-triggered: still reported, {%#x, %" PRIu64 "}", got[0].events, got[0].data);
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_MOD, fd, e[0], EPOLLOUT, 21) == 0, "MOD to EPOLLOUT");
	CHECK(collect(ep, 8) == 0, "the read end is never writable");

	/* Hang-up is reported though not asked for. */
	file_put(e[1]);
	CHECK(collect(ep, 8) == 1 && got[0].events == EPOLLHUP && got[0].data == 21, "EPOLLHUP unasked, got %#x",
	      got[0].events);
	/* A closed fd leaves every instance (the file it named lives on in
	 * the other fd until that goes too). */
	epoll_forget_fd(fd, e[0]);
	CHECK(collect(ep, 8) == 0, "forgotten");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_DEL, fd, e[0], 0, 0) == -ENOENT, "gone from the instance");
	file_put(e[0]);

	/* Nowhere to store: EFAULT, and the event stays ready. */
	CHECK(pipe_create(e, O_NONBLOCK) == 0 && wr(e[1], "y") == 1, "another pipe with a byte");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, 7, e[0], EPOLLIN | EPOLLET, 7) == 0, "ADD edge-triggered");
	CHECK(epoll_collect(ep, 16, 8) == -EFAULT, "an unmapped buffer: EFAULT");
	CHECK(collect(ep, 8) == 1, "still reported after the EFAULT");
	file_put(e[0]);
	file_put(e[1]);
	file_put(reg);
	file_put(ep);	/* frees its items, and their references */
	CHECK(vfs_unlinkat(AT_FDCWD, "/regular", 0) == 0, "unlink");
}

static void test_edge(void)
{
	struct file *ep = epoll_create(0), *e[2];
	char buf[4];

	CHECK(pipe_create(e, O_NONBLOCK) == 0, "a pipe");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, 3, e[0], EPOLLIN | EPOLLET, 3) == 0, "EPOLLET reader");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, 4, e[1], EPOLLOUT | EPOLLONESHOT, 4) == 0, "ONESHOT writer");
	CHECK(collect(ep, 8) == 1 && got[0].data == 4 && got[0].events == EPOLLOUT, "the writer is ready");
	CHECK(collect(ep, 8) == 0, "ONESHOT: once");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_MOD, 4, e[1], EPOLLOUT | EPOLLONESHOT, 4) == 0, "re-armed by MOD");
	CHECK(collect(ep, 8) == 1 && got[0].data == 4, "and reported again");
	CHECK(wr(e[1], "a") == 1, "a byte in");
	CHECK(collect(ep, 8) == 1 && got[0].data == 3, "the edge");
	CHECK(collect(ep, 8) == 0, "no new edge, though still readable");
	CHECK(ep->ops->poll(ep) == 0, "the instance agrees");
	CHECK(wr(e[1], "b") == 1, "another byte: a new edge");
	CHECK(collect(ep, 8) == 1 && got[0].data == 3, "reported");
	CHECK(e[0]->ops->read(e[0], buf, sizeof(buf), &e[0]->off) == 2, "read both");
	CHECK(collect(ep, 8) == 0, "empty: nothing");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_DEL, 4, e[1], 0, 0) == 0, "DEL the writer");

	/* Nesting: instances may watch instances, without loops or deep chains. */
	struct file *n[6];

	for (int i = 0; i < 6; i++)
		n[i] = epoll_create(0);
	CHECK(epoll_ctl_file(n[0], EPOLL_CTL_ADD, 10, ep, EPOLLIN, 0) == 0, "n0 watches ep");
	CHECK(epoll_ctl_file(ep, EPOLL_CTL_ADD, 11, n[0], EPOLLIN, 0) == -ELOOP, "ep watching n0: a loop");
	CHECK(wr(e[1], "c") == 1 && collect(n[0], 8) == 1 && got[0].events == EPOLLIN, "readiness passes up");
	for (int i = 1; i < 4; i++)
		CHECK(epoll_ctl_file(n[i], EPOLL_CTL_ADD, 10, n[i - 1], EPOLLIN, 0) == 0, "n%d watches n%d", i, i - 1);
	CHECK(epoll_ctl_file(n[4], EPOLL_CTL_ADD, 10, n[3], EPOLLIN, 0) == -ELOOP, "five deep: ELOOP");
	CHECK(epoll_ctl_file(n[5], EPOLL_CTL_ADD, 10, n[4], EPOLLIN, 0) == 0, "a short chain beside it");
	for (int i = 5; i >= 0; i--)
		file_put(n[i]);
	file_put(e[0]);
	file_put(e[1]);
	file_put(ep);
}

int main(void)
{
	host_setup();
	test_ctl();
	test_edge();
	return test_done("epoll");
}
