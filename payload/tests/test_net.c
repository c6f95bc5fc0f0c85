// SPDX-License-Identifier: MIT
/*
 * Host tests for sockets (net/) through the calls sys/sys_net.c makes:
 * socket()'s checks, AF_UNIX pairs, paths and abstract names, TCP and UDP
 * on loopback, SCM_RIGHTS, options and NETLINK_ROUTE, each against what
 * Linux answers (socket(2), unix(7), tcp(7), udp(7), netlink(7)). The
 * program's buffers, addresses and message headers live in HOST_USER.
 * A call that would block records a wait (host_waits) and returns
 * SYSRET_BLOCKED.
 */
#include "tests/host_kernel.h"
#include "dev/console.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/goose_net.h"
#include "include/uapi/socket.h"
#include "include/uapi/stat.h"
#include "include/uapi/unistd.h"
#include "kernel/syscall.h"
#include "mm/vm.h"
#include "net/net.h"
#include "test.h"

/* The program's memory: named spots, apart, none crossing a page. */
#define U_BUF (HOST_USER + 0x0000)	/* 4 KiB of data */
#define U_ADDR (HOST_USER + 0x1000)	/* a sockaddr */
#define U_LEN (HOST_USER + 0x1100)	/* a socklen_t */
#define U_FDS (HOST_USER + 0x1200)	/* int[2] */
#define U_MSG (HOST_USER + 0x1300)	/* a struct msghdr */
#define U_IOV (HOST_USER + 0x1400)	/* a struct iovec */
#define U_CTL (HOST_USER + 0x1500)	/* control messages */
#define U_OPT (HOST_USER + 0x1600)	/* an option's value */

struct sockaddr_in_u {
	uint16_t family;
	uint16_t port;	/* network order */
	uint32_t addr;	/* network order */
	uint8_t zero[8];
};

struct msghdr_u {
	uint64_t name;
	uint32_t namelen, pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags, pad1;
};

static void put(uint64_t va, const void *p, size_t n)
{
	if (copy_to_user(va, p, n))
		panic("put %#llx", (unsigned long long)va);
}

static void get(uint64_t va, void *p, size_t n)
{
	if (copy_from_user(p, va, n))
		panic("get %#llx", (unsigned long long)va);
}

static uint32_t get_u32(uint64_t va)
{
	uint32_t v;

	get(va, &v, sizeof(v));
	return v;
}

static uint16_t be16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

/* A sockaddr_in for 127.0.0.1:port (0: any port) at U_ADDR. */
static void put_loopback(uint16_t port)
{
	struct sockaddr_in_u a = { AF_INET, be16(port), 0x0100007f, { 0 } };

	put(U_ADDR, &a, sizeof(a));
}

/* A sockaddr_un at U_ADDR: path (or an abstract name: first byte 0, n long); its length. */
static uint64_t put_unix(const char *name, size_t n)
{
	uint8_t a[2 + SUN_PATH_MAX] = { AF_UNIX };

	memcpy(a + 2, name, n);
	put(U_ADDR, a, sizeof(a));
	return 2 + n;
}

static long send_str(int fd, const char *s)
{
	put(U_BUF, s, strlen(s));
	return net_sendto(host_thread, fd, U_BUF, strlen(s), MSG_DONTWAIT, 0, 0);
}

/* Receive up to n bytes; they are compared with want (NULL: not). */
static long recv_is(int fd, size_t n, int flags, const char *want)
{
	char buf[256];
	long r = net_recvfrom(host_thread, fd, U_BUF, n, flags | MSG_DONTWAIT, 0, 0);

	if (r > 0 && want) {
		size_t got = MIN((size_t)r, n);

		get(U_BUF, buf, got);
		if (got != strlen(want) || memcmp(buf, want, got))
			return -1000;
	}
	return r;
}

static void test_socket_args(void)
{
	CHECK(net_socket(10, SOCK_STREAM, 0, 0) == -EAFNOSUPPORT, "AF_INET6: EAFNOSUPPORT");
	CHECK(net_socket(AF_MAX, SOCK_STREAM, 0, 0) == -EAFNOSUPPORT, "past AF_MAX");
	CHECK(net_socket(AF_INET, SOCK_MAX, 0, 0) == -EINVAL, "past SOCK_MAX: EINVAL");
	CHECK(net_socket(AF_INET, SOCK_SEQPACKET, 0, 0) == -ESOCKTNOSUPPORT, "TCP has no SEQPACKET");
	CHECK(net_socket(AF_INET, SOCK_STREAM, 0, IPPROTO_UDP) == -EPROTONOSUPPORT, "a stream over UDP");
	CHECK(net_socket(AF_UNIX, SOCK_STREAM, 0, 2) == -EPROTONOSUPPORT, "AF_UNIX: protocol 0 or PF_UNIX");
	CHECK(net_socket(AF_UNIX, SOCK_STREAM, 0x10, 0) == -EINVAL, "an unknown flag");
	CHECK(net_bind(99, U_ADDR, 16) == -EBADF, "not a descriptor: EBADF");

	struct file *e[2];
	int pfd;

	CHECK(pipe_create(e, 0) == 0, "a pipe");
	pfd = fd_install(e[0], false, 0);
	CHECK(net_listen(pfd, 1) == -ENOTSOCK, "a pipe: ENOTSOCK");
	fd_close(pfd);
	file_put(e[1]);
}

static void test_unix_pair(void)
{
	int sv[2];

	CHECK(net_socketpair(AF_UNIX, SOCK_STREAM, SOCK_CLOEXEC, 0, U_FDS) == 0, "socketpair");
	get(U_FDS, sv, sizeof(sv));
	CHECK(fd_cloexec(sv[0]) && fd_cloexec(sv[1]), "SOCK_CLOEXEC");
	CHECK(send_str(sv[0], "hello ") == 6 && send_str(sv[0], "world") == 5, "two sends");
	CHECK(recv_is(sv[1], 3, MSG_PEEK, "hel") == 3, "MSG_PEEK");
	CHECK(recv_is(sv[1], 256, 0, "hello world") == 11, "a stream joins them");
	CHECK(recv_is(sv[1], 256, 0, NULL) == -EAGAIN, "empty: EAGAIN");
	CHECK(net_shutdown(sv[0], SHUT_WR) == 0, "shutdown SHUT_WR");
	CHECK(recv_is(sv[1], 256, 0, NULL) == 0, "the peer reads end of file");
	CHECK(send_str(sv[0], "x") == -EPIPE, "and the shut side cannot send");
	CHECK(net_shutdown(sv[0], 7) == -EINVAL, "shutdown how 7: EINVAL");
	fd_close(sv[1]);
	CHECK(send_str(sv[0], "x") == -EPIPE, "the peer closed: EPIPE");
	fd_close(sv[0]);

	/* Datagrams keep their boundaries; a short read truncates one. */
	CHECK(net_socketpair(AF_UNIX, SOCK_DGRAM, 0, 0, U_FDS) == 0, "a datagram pair");
	get(U_FDS, sv, sizeof(sv));
	CHECK(send_str(sv[0], "one") == 3 && send_str(sv[0], "second") == 6, "two datagrams");
	CHECK(recv_is(sv[1], 256, 0, "one") == 3, "the first alone");
	CHECK(recv_is(sv[1], 3, MSG_TRUNC, "sec") == 6, "MSG_TRUNC: the real length");
	CHECK(recv_is(sv[1], 256, 0, NULL) == -EAGAIN, "the rest of it is gone");
	host_waits = 0;
	CHECK(net_recvfrom(host_thread, sv[1], U_BUF, 16, 0, 0, 0) == SYSRET_BLOCKED && host_waits == 1,
	      "a blocking read waits");
	fd_close(sv[0]);
	fd_close(sv[1]);
}

static void test_unix_names(void)
{
	int srv = (int)net_socket(AF_UNIX, SOCK_STREAM, SOCK_NONBLOCK, 0);
	int cli = (int)net_socket(AF_UNIX, SOCK_STREAM, 0, 0);
	struct kstat st;
	struct file *f;
	char name[16];

	CHECK(srv >= 0 && cli >= 0, "two sockets");
	CHECK(net_connect(host_thread, cli, U_ADDR, put_unix("/no-such", 9)) == -ENOENT, "no such path: ENOENT");
	CHECK(net_bind(srv, U_ADDR, put_unix("/sock", 6)) == 0, "bind to a path");
	CHECK(net_bind(srv, U_ADDR, put_unix("/sock2", 7)) == -EINVAL, "bound already: EINVAL");
	CHECK(vfs_open(AT_FDCWD, "/sock", O_PATH, 0, &f) == 0 && f->inode, "a node in the tree");
	CHECK(vfs_inode_stat(f->inode, &st) == 0 && (st.st_mode & S_IFMT) == S_IFSOCK, "of type socket");
	file_put(f);
	CHECK(net_connect(host_thread, cli, U_ADDR, put_unix("/sock", 6)) == -ECONNREFUSED,
	      "not listening: ECONNREFUSED");
	CHECK(net_listen(srv, 4) == 0, "listen");
	CHECK(net_accept(host_thread, srv, 0, 0, 0) == -EAGAIN, "no one yet: EAGAIN (non-blocking)");
	CHECK(net_connect(host_thread, cli, U_ADDR, put_unix("/sock", 6)) == 0, "connect by path");
	CHECK(net_connect(host_thread, cli, U_ADDR, put_unix("/sock", 6)) == -EISCONN, "again: EISCONN");
	put(U_LEN, &(uint32_t){ 110 }, 4);
	int acc = (int)net_accept(host_thread, srv, U_ADDR, U_LEN, SOCK_NONBLOCK);

	CHECK(acc >= 0, "accept4");
	CHECK(get_u32(U_LEN) == 2, "the client is unnamed: length 2, got %u", get_u32(U_LEN));
	put(U_LEN, &(uint32_t){ 110 }, 4);
	CHECK(net_getpeername(cli, U_ADDR, U_LEN) == 0 && get_u32(U_LEN) == 8, "the peer's name: \"/sock\"");
	get(U_ADDR + 2, name, 6);
	CHECK(!memcmp(name, "/sock", 6), "is the path");
	CHECK(send_str(acc, "ping") == 4 && recv_is(cli, 256, 0, "ping") == 4, "server to client");
	fd_close(acc);
	fd_close(cli);
	fd_close(srv);
	CHECK(vfs_unlinkat(AT_FDCWD, "/sock", 0) == 0, "the node outlives the socket");

	/* Abstract names: no node, freed with the socket. */
	int a = (int)net_socket(AF_UNIX, SOCK_DGRAM, 0, 0), b = (int)net_socket(AF_UNIX, SOCK_DGRAM, 0, 0);

	CHECK(net_bind(a, U_ADDR, put_unix("\0abs", 4)) == 0, "an abstract name");
	CHECK(net_bind(b, U_ADDR, put_unix("\0abs", 4)) == -EADDRINUSE, "taken: EADDRINUSE");
	put(U_BUF, "dgram", 5);
	CHECK(net_sendto(host_thread, b, U_BUF, 5, 0, U_ADDR, put_unix("\0abs", 4)) == 5, "sendto the name");
	put(U_LEN, &(uint32_t){ 110 }, 4);
	CHECK(net_recvfrom(host_thread, a, U_BUF, 16, 0, U_ADDR, U_LEN) == 5, "recvfrom");
	CHECK(get_u32(U_LEN) == 0, "from an unbound sender: no name, got %u", get_u32(U_LEN));
	fd_close(a);
	CHECK(net_bind(b, U_ADDR, put_unix("\0abs", 4)) == 0, "the name is free again");
	fd_close(b);
}

static void test_scm_rights(void)
{
	int sv[2], got;
	struct msghdr_u m = { 0 };
	uint64_t iov[2] = { U_BUF, 1 };
	struct {
		uint64_t len;
		int32_t level, type;
		int32_t fd, pad;
	} cm = { 20, SOL_SOCKET, SCM_RIGHTS, 0, 0 };
	struct file *e[2];

	CHECK(net_socketpair(AF_UNIX, SOCK_STREAM, 0, 0, U_FDS) == 0, "a pair");
	get(U_FDS, sv, sizeof(sv));
	CHECK(pipe_create(e, 0) == 0, "a pipe to pass");
	cm.fd = fd_install(e[0], false, 0);
	put(U_BUF, "!", 1);
	put(U_IOV, iov, sizeof(iov));
	put(U_CTL, &cm, sizeof(cm));
	m.iov = U_IOV;
	m.iovlen = 1;
	m.control = U_CTL;
	m.controllen = 24;
	put(U_MSG, &m, sizeof(m));
	CHECK(net_sendmsg(host_thread, sv[0], U_MSG, 0) == 1, "sendmsg with SCM_RIGHTS");
	fd_close(cm.fd);
	memset(&cm, 0, sizeof(cm));
	put(U_CTL, &cm, sizeof(cm));
	m.controllen = 24;
	put(U_MSG, &m, sizeof(m));
	CHECK(net_recvmsg(host_thread, sv[1], U_MSG, MSG_CMSG_CLOEXEC) == 1, "recvmsg");
	get(U_CTL, &cm, sizeof(cm));
	get(U_MSG, &m, sizeof(m));
	got = cm.fd;
	CHECK(cm.level == SOL_SOCKET && cm.type == SCM_RIGHTS && cm.len == 20, "one SCM_RIGHTS message");
	CHECK(m.controllen == 24 && !(m.flags & MSG_CTRUNC), "its length, not cut");
	CHECK(fd_get(got) == e[0], "the same open file, at fd %d", got);
	CHECK(fd_cloexec(got), "MSG_CMSG_CLOEXEC");
	fd_close(got);
	file_put(e[1]);
	fd_close(sv[0]);
	fd_close(sv[1]);
}

static void test_tcp(void)
{
	int srv = (int)net_socket(AF_INET, SOCK_STREAM, SOCK_NONBLOCK, 0);
	int other = (int)net_socket(AF_INET, SOCK_STREAM, 0, 0);
	int cli = (int)net_socket(AF_INET, SOCK_STREAM, 0, 0);
	struct sockaddr_in_u a;

	put_loopback(0);
	CHECK(net_bind(srv, U_ADDR, 16) == 0, "bind 127.0.0.1:0");
	put(U_LEN, &(uint32_t){ 16 }, 4);
	CHECK(net_getsockname(srv, U_ADDR, U_LEN) == 0, "getsockname");
	get(U_ADDR, &a, sizeof(a));
	uint16_t port = be16(a.port);

	CHECK(port >= 32768 && port <= 60999 && a.addr == 0x0100007f, "an ephemeral port on 127.0.0.1: %u", port);
	CHECK(net_bind(other, U_ADDR, 16) == -EADDRINUSE, "the same port: EADDRINUSE");
	CHECK(net_bind(srv, U_ADDR, 15) == -EINVAL, "a short address: EINVAL");
	put_loopback(port);
	CHECK(net_connect(host_thread, cli, U_ADDR, 16) == -ECONNREFUSED, "no listener: ECONNREFUSED");
	fd_close(cli);
	cli = (int)net_socket(AF_INET, SOCK_STREAM, 0, 0);
	CHECK(net_listen(srv, 8) == 0, "listen");
	put(U_OPT, &(uint32_t){ 4 }, 4);
	put(U_LEN, &(uint32_t){ 4 }, 4);
	CHECK(net_getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, U_OPT, U_LEN) == 0 && get_u32(U_OPT) == 1,
	      "SO_ACCEPTCONN");
	CHECK(net_connect(host_thread, cli, U_ADDR, 16) == 0, "connect completes at once");
	int woken = host_wakeups;
	int acc = (int)net_accept(host_thread, srv, 0, 0, 0);

	CHECK(acc >= 0, "accept");
	/* A connect waiting for room in a full queue must hear of it. */
	CHECK(host_wakeups > woken, "accept wakes the waiters (room in the queue)");
	CHECK(send_str(cli, "GET /") == 5 && recv_is(acc, 256, 0, "GET /") == 5, "client to server");
	CHECK(send_str(acc, "200") == 3 && recv_is(cli, 256, 0, "200") == 3, "and back");
	{
		char text[1024];
		size_t n;

		CHECK(net_procfs_init() == 0 && host_procfs("/proc/1/net/netstat"), "/proc/1/net/netstat added");
		n = host_procfs("/proc/1/net/netstat")(text, sizeof(text));
		CHECK(n > 0 && strstr(text, " InOctets OutOctets ") && strstr(text, "\nIpExt: 0 0 0 0 0 0 8 8 0 "),
		      "netstat's IpExt counts the 8 bytes both ways: %s", text);
		n = host_procfs("/proc/1/net/igmp")(text, sizeof(text));
		CHECK(n > 0 && !strcmp(text, "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
					   "1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n"),
		      "/proc/net/igmp: lo in 224.0.0.1, as Linux prints it: %s", text);
		CHECK(host_procfs("/proc/1/net/igmp6")(text, sizeof(text)) == 0, "/proc/net/igmp6: goose's lo has no IPv6");
	}
	put(U_LEN, &(uint32_t){ 16 }, 4);
	CHECK(net_getpeername(acc, U_ADDR, U_LEN) == 0, "getpeername");
	get(U_ADDR, &a, sizeof(a));
	CHECK(a.addr == 0x0100007f && be16(a.port) >= 32768 && be16(a.port) != port, "the client's own port");
	CHECK(net_getsockopt(cli, SOL_SOCKET, SO_TYPE, U_OPT, U_LEN) == 0 && get_u32(U_OPT) == SOCK_STREAM,
	      "SO_TYPE");
	CHECK(net_getsockopt(cli, 12345, SO_TYPE, U_OPT, U_LEN) == -EOPNOTSUPP ||
	      net_getsockopt(cli, 12345, SO_TYPE, U_OPT, U_LEN) == -ENOPROTOOPT, "an unknown level");
	fd_close(acc);
	CHECK(recv_is(cli, 256, 0, NULL) == 0, "the server closed: end of file");
	fd_close(cli);
	fd_close(other);
	fd_close(srv);
}

static void test_udp(void)
{
	int a = (int)net_socket(AF_INET, SOCK_DGRAM, 0, 0), b = (int)net_socket(AF_INET, SOCK_DGRAM, 0, 0);
	struct sockaddr_in_u from;

	put_loopback(40001);
	CHECK(net_bind(a, U_ADDR, 16) == 0, "bind 40001");
	put(U_BUF, "udp!", 4);
	CHECK(net_sendto(host_thread, b, U_BUF, 4, 0, U_ADDR, 16) == 4, "sendto from an unbound socket");
	put(U_LEN, &(uint32_t){ 16 }, 4);
	CHECK(net_recvfrom(host_thread, a, U_BUF, 64, MSG_DONTWAIT, U_ADDR, U_LEN) == 4, "recvfrom");
	get(U_ADDR, &from, sizeof(from));
	CHECK(from.family == AF_INET && from.addr == 0x0100007f && be16(from.port) >= 32768,
	      "from 127.0.0.1 and the port it was given");
	put_loopback(40002);
	CHECK(net_connect(host_thread, b, U_ADDR, 16) == 0, "connect to a port no one has");
	CHECK(send_str(b, "lost") == 4, "the datagram goes");
	long r = send_str(b, "lost");

	CHECK(r == -ECONNREFUSED, "the next send hears ECONNREFUSED, got %ld", r);
	CHECK(send_str(b, "lost") == 4, "once");
	fd_close(a);
	fd_close(b);
}

/* ------------------------------------------------------------ the provider */

/* The provider's side of its file: requests read, records written. */
static int prov_fd;

static long prov_take(struct goose_net_req *q, int max)
{
	struct file *f = fd_get(prov_fd);
	uint64_t off = 0;
	long n = f->ops->read(f, (void *)(uintptr_t)U_CTL, (size_t)max * sizeof(*q), &off);

	if (n > 0)
		get(U_CTL, q, (size_t)n);
	return n < 0 ? n : n / (long)sizeof(*q);
}

static long prov_give(const void *recs, size_t n)
{
	struct file *f = fd_get(prov_fd);
	uint64_t off = 0;

	put(U_CTL, recs, n);
	return f->ops->write(f, (const void *)(uintptr_t)U_CTL, n, &off);
}

static long reply_rec(uint64_t id, int64_t result, uint64_t sock, uint64_t seq, uint32_t events)
{
	struct goose_net_rec r = { .kind = GOOSE_NET_REPLY, .events = events, .sock = sock, .seq = seq,
				   .id = id, .result = result };

	return prov_give(&r, sizeof(r));
}

static long ready_rec(uint64_t sock, uint64_t seq, uint32_t events)
{
	struct goose_net_rec r = { .kind = GOOSE_NET_READY, .events = events, .sock = sock, .seq = seq };

	return prov_give(&r, sizeof(r));
}

/* One call on a provider socket, as sys_net.c makes it: the first pass
 * sends it (the thread waits), the provider reads the request; returns it. */
static struct goose_net_req prov_send(uint32_t nr, const uint64_t *a)
{
	struct goose_net_req q = { 0 };
	long r = psock_call(host_thread, nr, a);

	CHECK(r == SYSRET_BLOCKED && host_thread->net_req && host_thread->wait == WAIT_NET,
	      "nr %u: sent, the thread waits in WAIT_NET (r %ld)", nr, r);
	CHECK(prov_take(&q, 1) == 1 && q.nr == nr && q.id, "nr %u: the provider reads it", nr);
	return q;
}

/* The provider replies; the call runs again and finishes: what it returns. */
static long prov_finish(uint32_t nr, const uint64_t *a, const struct goose_net_req *q, int64_t result)
{
	int reruns = host_reruns;

	CHECK(reply_rec(q->id, result, q->sock, 0, 0) == 64, "the reply is taken");
	CHECK(host_reruns == reruns + 1 && host_thread->state == T_RUNNABLE, "the caller runs its call again");
	return psock_call(host_thread, nr, a);
}

static void test_provider(void)
{
	struct goose_net_req q[4];

	CHECK(!psock_takes(AF_INET, SOCK_STREAM), "no provider: goose's own sockets");
	CHECK(net_provider_register(2, 0) == -EINVAL, "another version: EINVAL");
	prov_fd = (int)net_provider_register(GOOSE_NET_VERSION, 0);
	CHECK(prov_fd >= 0 && fd_cloexec(prov_fd), "registered: a close-on-exec descriptor");
	CHECK(net_provider_register(GOOSE_NET_VERSION, 0) == -EBUSY, "a second provider: EBUSY");
	CHECK(psock_takes(AF_INET, SOCK_STREAM) && psock_takes(AF_INET6, SOCK_DGRAM), "TCP and UDP are the provider's");
	CHECK(!psock_takes(AF_INET, SOCK_RAW) && !psock_takes(AF_UNIX, SOCK_STREAM), "raw and AF_UNIX stay goose's");
	CHECK(prov_take(q, 1) == -EAGAIN, "nothing to read: EAGAIN");
	CHECK(!(fd_get(prov_fd)->ops->poll(fd_get(prov_fd)) & EPOLLIN), "and not readable");

	/* socket(): answered by goose at once, the provider told after. */
	uint64_t sa[6] = { AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_UDP };

	CHECK(psock_socket(host_thread, sa) == -EPROTONOSUPPORT, "TCP with IPPROTO_UDP: EPROTONOSUPPORT");
	sa[2] = 0;
	int s = (int)psock_socket(host_thread, sa);
	struct file *sf = fd_get(s);

	CHECK(s >= 0 && psock_file(sf) && (sf->flags & O_NONBLOCK), "socket: a non-blocking provider socket");
	CHECK(sf->ops->poll(sf) == (EPOLLOUT | EPOLLWRNORM | EPOLLHUP), "a fresh TCP socket polls as Linux's");
	CHECK(fd_get(prov_fd)->ops->poll(fd_get(prov_fd)) & EPOLLIN, "the provider file is readable");
	CHECK(prov_take(q, 4) == 1 && q[0].id == 0 && q[0].nr == SYS_socket && q[0].newsock && !q[0].sock &&
	      q[0].a[0] == AF_INET && q[0].a[1] == (SOCK_STREAM | SOCK_NONBLOCK), "a socket request, no reply awaited");
	uint64_t h = q[0].newsock;

	/* Names come from NAME records. */
	put(U_LEN, &(uint32_t){ 16 }, 4);
	CHECK(psock_name(s, U_ADDR, U_LEN, true) == -ENOTCONN, "no peer yet: ENOTCONN");
	CHECK(psock_name(s, U_ADDR, U_LEN, false) == 0 && get_u32(U_LEN) == 16, "no name yet: the unspecified one");
	struct goose_net_name nm = { .kind = GOOSE_NET_NAME, .peer = 0, .sock = h, .len = 16 };
	struct sockaddr_in_u want = { AF_INET, be16(8080), 0x0f02000a, { 0 } }, got;

	memcpy(nm.addr, &want, 16);
	CHECK(prov_give(&nm, sizeof(nm)) == 64, "a NAME record");
	put(U_LEN, &(uint32_t){ 8 }, 4);
	CHECK(psock_name(s, U_ADDR, U_LEN, false) == 0 && get_u32(U_LEN) == 16, "getsockname: the full length");
	get(U_ADDR, &got, 8);
	CHECK(!memcmp(&got, &want, 8), "getsockname: the name, cut to the room given");
	nm.peer = 2;
	CHECK(prov_give(&nm, sizeof(nm)) == -EINVAL, "a NAME that is neither: EINVAL");

	/* A call: sent with the program's arguments, finished by the reply. */
	uint64_t ba[6] = { (uint64_t)s, U_ADDR, 16 };
	struct goose_net_req b = prov_send(SYS_bind, ba);

	CHECK(b.sock == h && b.a[1] == U_ADDR && b.a[2] == 16 && (b.flags & GOOSE_NET_NONBLOCK), "bind's request");
	CHECK(prov_finish(SYS_bind, ba, &b, -EADDRINUSE) == -EADDRINUSE && !host_thread->net_req,
	      "bind returns the provider's answer");

	/* Readiness: the newest snapshot by seq. */
	CHECK(ready_rec(h, 5, EPOLLIN | EPOLLOUT) == 64 && sf->ops->poll(sf) == (EPOLLIN | EPOLLOUT), "READY");
	CHECK(ready_rec(h, 4, EPOLLOUT) == 64 && sf->ops->poll(sf) == (EPOLLIN | EPOLLOUT), "an older READY is dropped");
	CHECK(ready_rec(h + (1ull << 16), 9, 0) == 64, "a READY for no socket is dropped");

	/* Non-blocking: EAGAIN is the answer. Blocking: goose waits, and sends
	 * again at once when the socket changed while the request was out. */
	uint64_t ra[6] = { (uint64_t)s, U_BUF, 100 };
	struct goose_net_req r = prov_send(SYS_read, ra);

	CHECK(prov_finish(SYS_read, ra, &r, -EAGAIN) == -EAGAIN, "non-blocking read: EAGAIN");
	sf->flags &= ~(uint32_t)O_NONBLOCK;
	int waits = host_waits;

	r = prov_send(SYS_read, ra);
	CHECK(prov_finish(SYS_read, ra, &r, -EAGAIN) == SYSRET_BLOCKED && host_waits == waits + 1,
	      "blocking read: waits for the socket to change");
	host_thread->state = T_RUNNING;
	r = prov_send(SYS_read, ra);
	CHECK(ready_rec(h, 6, EPOLLIN) == 64, "data came while the request was out");
	CHECK(prov_finish(SYS_read, ra, &r, -EAGAIN) == SYSRET_BLOCKED && host_waits == waits + 1 &&
	      prov_take(q, 1) == 1 && q[0].nr == SYS_read, "so the read goes again at once");
	CHECK(reply_rec(q[0].id, 42, h, 7, EPOLLOUT) == 64 && psock_call(host_thread, SYS_read, ra) == 42 &&
	      sf->ops->poll(sf) == EPOLLOUT, "and returns the bytes, readiness with it");
	uint64_t rf[6] = { (uint64_t)s, U_BUF, 100, MSG_DONTWAIT };

	/* Not readable: goose answers the read itself, with no request. */
	CHECK(psock_call(host_thread, SYS_recvfrom, rf) == -EAGAIN && prov_take(q, 1) == -EAGAIN,
	      "not readable, MSG_DONTWAIT: EAGAIN from goose");
	CHECK(psock_call(host_thread, SYS_read, ra) == SYSRET_BLOCKED && host_waits == waits + 2 &&
	      prov_take(q, 1) == -EAGAIN, "not readable, blocking: waits, asking nothing");
	host_thread->state = T_RUNNING;
	uint64_t wa[6] = { (uint64_t)s, U_BUF, 100 };

	CHECK(ready_rec(h, 8, EPOLLIN) == 64 && psock_call(host_thread, SYS_write, wa) == SYSRET_BLOCKED &&
	      prov_take(q, 1) == -EAGAIN, "not writable: a write waits, asking nothing");
	host_thread->state = T_RUNNING;
	CHECK(ready_rec(h, 9, EPOLLHUP) == 64, "hung up");
	r = prov_send(SYS_read, ra);
	CHECK(prov_finish(SYS_read, ra, &r, 0) == 0, "a hang-up always goes to the provider (end of file)");
	CHECK(ready_rec(h, 10, EPOLLIN | EPOLLOUT) == 64, "readable again");
	r = prov_send(SYS_recvfrom, rf);
	CHECK(prov_finish(SYS_recvfrom, rf, &r, -EAGAIN) == -EAGAIN, "MSG_DONTWAIT does not wait");

	/* A blocking connect: EINPROGRESS waits; EISCONN then is success. */
	uint64_t ca[6] = { (uint64_t)s, U_ADDR, 16 };

	r = prov_send(SYS_connect, ca);
	CHECK(prov_finish(SYS_connect, ca, &r, -EINPROGRESS) == SYSRET_BLOCKED, "connect waits");
	host_thread->state = T_RUNNING;
	r = prov_send(SYS_connect, ca);
	CHECK(prov_finish(SYS_connect, ca, &r, -EISCONN) == 0, "connected: 0");
	r = prov_send(SYS_connect, ca);
	CHECK(prov_finish(SYS_connect, ca, &r, -EISCONN) == -EISCONN, "a second connect: EISCONN");

	/* accept4: a socket for the new handle, with its flags. */
	uint64_t aa[6] = { (uint64_t)s, 0, 0, SOCK_CLOEXEC | SOCK_NONBLOCK };

	r = prov_send(SYS_accept4, aa);
	CHECK(r.newsock && r.newsock != h, "accept4 names the new socket");
	CHECK(ready_rec(r.newsock, 1, EPOLLOUT) == 64, "READY for it before the reply");
	long afd = prov_finish(SYS_accept4, aa, &r, 0);

	uint64_t ah = r.newsock;

	CHECK(afd >= 0 && psock_file(fd_get((int)afd)) && fd_cloexec((int)afd) &&
	      (fd_get((int)afd)->flags & O_NONBLOCK) && fd_get((int)afd)->ops->poll(fd_get((int)afd)) == EPOLLOUT,
	      "accept4: a descriptor with its flags and readiness");
	aa[3] = 0x40;
	CHECK(psock_call(host_thread, SYS_accept4, aa) == -EINVAL, "accept4 with unknown flags: EINVAL");
	aa[3] = 0;
	r = prov_send(SYS_accept, aa);
	CHECK(prov_finish(SYS_accept, aa, &r, -EAGAIN) == SYSRET_BLOCKED, "accept on a blocking socket waits");
	host_thread->state = T_RUNNING;
	CHECK(ready_rec(h, 11, EPOLLOUT) == 64 && psock_call(host_thread, SYS_accept, aa) == SYSRET_BLOCKED &&
	      prov_take(q, 1) == -EAGAIN, "no connection waiting: accept waits, asking nothing");
	host_thread->state = T_RUNNING;

	/* Records goose cannot take. */
	CHECK(reply_rec(12345, 0, 0, 0, 0) == -ENOENT, "a reply to no request: ENOENT");
	struct goose_net_rec bad = { .kind = 99 };

	CHECK(prov_give(&bad, sizeof(bad)) == -EINVAL, "an unknown kind: EINVAL");
	CHECK(prov_give(&bad, 10) == -EINVAL, "part of a record: EINVAL");

	/* Interfaces for netlink. */
	struct goose_net_link l = { .kind = GOOSE_NET_LINK, .index = 2, .mtu = 1500, .type = 1, .name = "eth0" };
	struct goose_net_addr ad = { .kind = GOOSE_NET_ADDR, .index = 2, .family = AF_INET, .prefixlen = 24 };
	const struct goose_net_link *links;
	const struct goose_net_addr *addrs;
	int naddrs;

	CHECK(net_provider_links(&links, &addrs, &naddrs) == -1, "no LINK yet: goose's own lo");
	CHECK(prov_give(&l, sizeof(l)) == 64 && prov_give(&ad, sizeof(ad)) == 64, "LINK and ADDR");
	CHECK(net_provider_links(&links, &addrs, &naddrs) == 1 && naddrs == 1 && !strcmp(links[0].name, "eth0"),
	      "netlink's answer is the provider's");
	struct goose_net_route rt = { .kind = GOOSE_NET_ROUTE, .index = 2, .family = AF_INET, .dst_len = 24 };
	const struct goose_net_route *routes;

	CHECK(prov_give(&rt, sizeof(rt)) == 64 && net_provider_routes(&routes) == 1 && routes[0].dst_len == 24,
	      "ROUTE: the routes netlink dumps");
	struct goose_net_rec reset = { .kind = GOOSE_NET_IFRESET };

	CHECK(prov_give(&reset, sizeof(reset)) == 64 && net_provider_routes(&routes) == 0 &&
	      net_provider_links(&links, &addrs, &naddrs) == 0, "IFRESET forgets them");
	/* An IPv6 address: its interface is in the all-nodes groups and the
	 * address's solicited-node group (/proc/net/igmp6). */
	struct goose_net_addr ad6 = { .kind = GOOSE_NET_ADDR, .index = 2, .family = AF_INET6, .prefixlen = 64,
				      .scope = 253, .addr = { 0xfe, 0x80, [13] = 0x12, [14] = 0x34, [15] = 0x56 } };
	char text[1024];

	CHECK(prov_give(&l, sizeof(l)) == 64 && prov_give(&ad6, sizeof(ad6)) == 64, "eth0 with fe80::...:12:3456");
	host_procfs("/proc/1/net/igmp6")(text, sizeof(text));
	CHECK(!strcmp(text, "2    eth0            ff020000000000000000000000000001     1 00000004 0\n"
			    "2    eth0            ff010000000000000000000000000001     1 00000004 0\n"
			    "2    eth0            ff0200000000000000000001ff123456     1 00000004 0\n"),
	      "/proc/net/igmp6 as Linux prints it: %s", text);
	host_procfs("/proc/1/net/igmp")(text, sizeof(text));
	CHECK(!strstr(text, "eth0"), "no IPv4 address: not in /proc/net/igmp");

	/* close: a CLOSE request, and the handle is gone. */
	CHECK(fd_close((int)afd) == 0 && prov_take(q, 1) == 1 && q[0].nr == GOOSE_NET_CLOSE && !q[0].id &&
	      q[0].sock == ah, "close: a CLOSE request for its handle");
	CHECK(ready_rec(ah, 9, EPOLLIN) == 64, "a READY for a closed socket is dropped");

	/* The provider goes: a request out fails with ENETDOWN. */
	r = prov_send(SYS_write, ra);
	CHECK(fd_close(prov_fd) == 0 && host_thread->state == T_RUNNABLE, "the provider closes: the caller runs again");
	CHECK(psock_call(host_thread, SYS_write, ra) == -ENETDOWN, "with ENETDOWN");
	CHECK(psock_call(host_thread, SYS_write, ra) == -ENETDOWN, "and every call after");
	CHECK(!psock_takes(AF_INET, SOCK_STREAM), "new sockets are goose's again");
	CHECK(fd_close(s) == 0, "a provider socket closes after its provider");
}

int main(void)
{
	host_setup();
	test_socket_args();
	test_unix_pair();
	test_unix_names();
	test_scm_rights();
	test_tcp();
	test_udp();
	test_provider();
	return test_done("net");
}
