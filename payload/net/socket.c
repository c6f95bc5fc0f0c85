/* SPDX-License-Identifier: MIT */
/*
 * Sockets on one machine: what Go's net package, net/http's tests and
 * programs talking to themselves need, with no network device behind them.
 *
 *   AF_INET  SOCK_STREAM (TCP) and SOCK_DGRAM (UDP) on the loopback network,
 *            127.0.0.0/8; binding to 0.0.0.0 means loopback too (inet.c).
 *            SOCK_RAW: IP datagrams of one protocol between raw sockets, with
 *            their IPv4 header; an ICMP echo request gets its echo reply
 *            (raw.c).
 *   AF_UNIX  SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET: bound to a path (a
 *            socket node in the file tree), to an abstract name, or unbound;
 *            socketpair; SCM_RIGHTS and SCM_CREDENTIALS (unix.c).
 *   AF_NETLINK  NETLINK_ROUTE dumps of links and addresses: the loopback
 *            interface lo, 127.0.0.1/8 (what net.Interfaces asks; netlink.c).
 *   AF_INET6 and the rest: EAFNOSUPPORT, so Go's net package probes IPv4 only.
 *
 * This file is what every socket shares, as Linux's net/socket.c: socket()
 * finds the family in a table (Linux's net_families[]), whose create checks
 * the type and protocol and chooses the struct proto_ops the socket keeps
 * (net/sock.h); then the file operations, descriptors, blocking, the list
 * of bound sockets, the SOL_SOCKET options (net/core/sock.c) and the calls
 * whose work is the same for every family. Whatever a family or type does
 * its own way is asked of s->ops.
 *
 * A connection is two sockets, each the other's peer; what one sends is
 * queued on the other (its receive queue, SOCK_RCVBUF bytes at most: msg.c).
 * connect() to a listener completes at once: the new server side waits in
 * the listener's accept queue (stream.c).
 *
 * As the rest of the file layer, nothing here sleeps: -EAGAIN, and the
 * system call blocks the thread (unless O_NONBLOCK or MSG_DONTWAIT) until a
 * file changes, then runs again. Everything runs under the big lock.
 *
 * Layouts and values are Linux's: include/linux/socket.h (MSG_*, SOL_*),
 * include/uapi/asm-generic/socket.h (SO_*), include/uapi/linux/tcp.h
 * (TCP_*), include/linux/net.h (SOCK_*).
 */
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/ioctls.h"
#include "include/uapi/mman.h"
#include "include/uapi/socket.h"
#include "include/uapi/stat.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "mm/kmem.h"
#include "mm/vm.h"
#include "net/net.h"
#include "net/sock.h"

/* Linux's net.core.rmem_default; also the largest datagram taken. */
#define SOCK_RCVBUF 212992

/* The families socket() can make (Linux: sock_register fills net_families[]). */
static const struct net_family *const families[] = { &unix_family, &inet_family, &netlink_family };

struct sock *sock_bound;
static const struct file_ops sock_ops;

struct sock *sock_new(const struct proto_ops *ops, int type, int proto)
{
	struct sock *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->ops = ops;
	s->type = type;
	s->proto = proto;
	s->rxq_tail = &s->rxq;
	s->sndbuf = s->rcvbuf = SOCK_RCVBUF;
	return s;
}

void sock_wake(struct sock *s)
{
	if (s && s->file)
		file_notify(s->file);
}

/* ------------------------------------------------------------ addresses */

/* A sockaddr from the program, checked by s's family (ops->addr_in). */
long addr_from_user(const struct sock *s, uint64_t uaddr, uint64_t len, struct saddr *a)
{
	memset(a, 0, sizeof(*a));
	if (len > 128)
		return -EINVAL;
	return s->ops->addr_in(uaddr, len, a);
}

long addr_copy_in(uint64_t uaddr, uint64_t len, struct saddr *a, int family, long bad_family)
{
	if (copy_from_user(a->b, uaddr, len))
		return -EFAULT;
	uint16_t fam = (uint16_t)(a->b[0] | a->b[1] << 8);

	a->len = (uint32_t)len;
	if (fam != family)
		return bad_family;
	return 0;
}

/* Copy a to the program's (addr, *addrlen) pair, truncating as Linux does;
 * *addrlen becomes the full length. */
long addr_to_user(const struct saddr *a, uint64_t uaddr, uint64_t ulen)
{
	int32_t have;

	if (copy_from_user(&have, ulen, sizeof(have)))
		return -EFAULT;
	if (have < 0)
		return -EINVAL;
	if (copy_to_user(uaddr, a->b, MIN((uint32_t)have, a->len)))
		return -EFAULT;
	int32_t full = (int32_t)a->len;

	return copy_to_user(ulen, &full, sizeof(full));
}

bool same_addr(const struct saddr *x, const struct saddr *y)
{
	return x->len == y->len && !memcmp(x->b, y->b, x->len);
}

/* ---------------------------------------------------------------- binding */

void bound_add(struct sock *s)
{
	s->bound = true;
	s->next_bound = sock_bound;
	sock_bound = s;
}

static void bound_remove(struct sock *s)
{
	for (struct sock **pp = &sock_bound; *pp; pp = &(*pp)->next_bound) {
		if (*pp == s) {
			*pp = s->next_bound;
			break;
		}
	}
	s->bound = false;
}

int sock_opt_get(const struct sock *s, int level, int name, int dflt)
{
	for (int i = 0; i < s->nopt; i++)
		if (s->opt[i].level == level && s->opt[i].name == name)
			return s->opt[i].val;
	return dflt;
}

/* A socket that sends or connects unbound gets an address first, as its
 * family says (ops->autobind). */
long sock_autobind(struct sock *s)
{
	if (s->bound || !s->ops->autobind)
		return 0;
	return s->ops->autobind(s);
}

/* The unbound sockets that only connect stay unnamed. */
const struct saddr *sock_name(const struct sock *s)
{
	return s->local.len ? &s->local : s->ops->unnamed;
}

long sock_error(struct sock *s)
{
	long e = s->err;

	s->err = 0;
	return -e;
}

/* ------------------------------------------------------------- receive */

long sock_recv(struct sock *s, struct uio *u, size_t len, int flags, struct recv_out *o)
{
	if (s->err && !s->rxq)
		return sock_error(s);
	if (s->ops->conn && !s->connected)
		return s->ops->recv_notconn;
	if (!s->rxq)
		return s->eof || s->rd_shut ? 0 : -EAGAIN;
	return s->ops->recvmsg(s, u, len, flags, o);
}

/* -------------------------------------------------------------- file ops */

static long sock_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	struct uio u;

	(void)off;
	uio_single(&u, (uint64_t)(uintptr_t)buf, len);
	u.checked = true;
	return sock_recv(f->priv, &u, len, 0, NULL);
}

static long sock_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	struct sock *s = f->priv;
	struct uio u;

	(void)off;
	if (!len && s->ops->stream)
		return s->connected ? 0 : -ENOTCONN;
	uio_single(&u, (uint64_t)(uintptr_t)buf, len);
	u.checked = true;
	return s->ops->sendmsg(s, &u, len, NULL, NULL);
}

static uint32_t sock_poll(struct file *f)
{
	struct sock *s = f->priv;
	uint32_t ev = 0;

	if (s->err)
		ev |= EPOLLERR;
	if (s->listening)
		return ev | (s->accq ? EPOLLIN | EPOLLRDNORM : 0);
	if (s->rxq || s->eof || s->rd_shut)
		ev |= EPOLLIN | EPOLLRDNORM;
	if (s->eof || s->rd_shut)
		ev |= EPOLLRDHUP;
	if (!s->ops->conn)
		return ev | EPOLLOUT | EPOLLWRNORM;
	if (!s->connected)
		return ev | EPOLLOUT | EPOLLHUP;
	if ((s->eof && s->wr_shut) || (!s->peer && s->wr_shut))
		ev |= EPOLLHUP;
	if (!s->peer || s->wr_shut || s->peer->rx_bytes < (size_t)s->peer->rcvbuf)
		ev |= EPOLLOUT | EPOLLWRNORM;
	return ev;
}

/* A connection ends: the other side reads what is queued, then end of
 * file; or, as Linux resets a stream closed with data unread (or never
 * accepted), ECONNRESET once first. */
static void sock_disconnect(struct sock *s, bool reset)
{
	struct sock *p = s->peer;

	if (!p)
		return;
	p->peer = NULL;
	p->eof = !p->paired;
	if ((reset || s->rxq) && s->ops->stream)
		p->err = ECONNRESET;
	s->peer = NULL;
	sock_wake(p);
}

static void sock_free(struct sock *s)
{
	sock_disconnect(s, s->linger[0] && !s->linger[1]);
	rxq_flush(s);
	if (s->bound)
		bound_remove(s);
	if (s->ops->release)
		s->ops->release(s);
	kfree(s);
}

/* A socket goes: the connections it never accepted are reset. */
void sock_destroy(struct sock *s)
{
	while (s->accq) {
		struct sock *q = s->accq;

		s->accq = q->next_queued;
		sock_disconnect(q, true);
		sock_free(q);
	}
	sock_free(s);
}

static void sock_release(struct file *f)
{
	struct sock *s = f->priv;

	s->file = NULL;
	sock_destroy(s);
}

static int sock_stat(struct file *f, struct kstat *st)
{
	st->st_mode = S_IFSOCK | 0777;
	st->st_blksize = 4096;
	st->st_ino = (uint64_t)(uintptr_t)f->priv >> 4;
	return 0;
}

static long sock_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	struct sock *s = f->priv;
	int n;

	if (cmd == FIONREAD)
		n = s->ops->stream || !s->rxq ? (int)s->rx_bytes : (int)s->rxq->len;
	else if (cmd == TIOCOUTQ)
		n = 0;	/* sent is delivered at once */
	else
		return -ENOTTY;
	return copy_to_user(arg, &n, sizeof(n));
}

static const struct file_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.release = sock_release,
	.stat = sock_stat,
	.ioctl = sock_ioctl,
};

/* A descriptor for s; on failure s is gone. */
long sock_install(struct sock *s, int flags)
{
	s->file = file_alloc(&sock_ops, O_RDWR | (flags & SOCK_NONBLOCK), s);
	if (!s->file) {
		sock_destroy(s);
		return -ENOMEM;
	}
	long fd = fd_install(s->file, flags & SOCK_CLOEXEC, 0);

	if (fd < 0)
		file_put(s->file);	/* and the socket with it */
	return fd;
}

/* The socket behind fd, or NULL with *err set: the calls on a socket
 * descriptor find it first (EBADF, ENOTSOCK). */
struct sock *sock_fd(int fd, long *err)
{
	struct file *f = fd_get(fd);

	*err = !f ? -EBADF : f->ops != &sock_ops ? -ENOTSOCK : 0;
	return *err ? NULL : f->priv;
}

/* Wait for the socket unless it or the call says not to. */
long sock_block(struct thread *t, struct sock *s, long r, int flags)
{
	if (flags & MSG_DONTWAIT)
		return r;
	return file_block(t, s->file, r);
}

/* ------------------------------------------------------------- syscalls */

/* As __sock_create: the family's range, the type's range, then the
 * family's own checks (inet_create, unix_create, netlink_create). */
static long socket_args(int family, int *type, int flags, int *proto, const struct proto_ops **ops)
{
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (*type >= SOCK_MAX)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		if (families[i]->family == family)
			return families[i]->create(type, proto, ops);
	return -EAFNOSUPPORT;
}

long net_socket(int family, int type, int flags, int proto)
{
	const struct proto_ops *ops;
	long r = socket_args(family, &type, flags, &proto, &ops);

	if (r)
		return r;
	struct sock *s = sock_new(ops, type, proto);

	if (s && ops->init)
		ops->init(s);
	return s ? sock_install(s, flags) : -ENOMEM;
}

/* __sys_socketpair: the flags, then the two fds are written (so the vector
 * is checked) before the sockets are made. */
long net_socketpair(int family, int type, int flags, int proto, uint64_t usv)
{
	const struct proto_ops *ops;
	long r;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (uaccess_ok(usv, 2 * sizeof(int32_t), PROT_WRITE))
		return -EFAULT;
	if ((r = socket_args(family, &type, flags, &proto, &ops)))
		return r;
	if (!ops->socketpair)
		return -EOPNOTSUPP;	/* sock_no_socketpair */
	struct sock *s[2] = { sock_new(ops, type, proto), sock_new(ops, type, proto) };
	int32_t fds[2] = { -1, -1 };

	if (!s[0] || !s[1]) {
		kfree(s[0]);
		kfree(s[1]);
		return -ENOMEM;
	}
	ops->socketpair(s[0], s[1]);
	for (int i = 0; i < 2; i++) {
		r = sock_install(s[i], flags);
		if (r < 0) {
			/* s[i] is gone, and s[0] with fds[0]; s[1] may be left. */
			if (i)
				fd_close(fds[0]);
			else
				sock_destroy(s[1]);
			return r;
		}
		fds[i] = (int32_t)r;
	}
	if (copy_to_user(usv, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long net_bind(int fd, uint64_t uaddr, uint64_t len)
{
	struct saddr sa;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if ((r = addr_from_user(s, uaddr, len, &sa)))
		return r;
	return s->ops->bind(s, &sa);
}

long net_connect(struct thread *t, int fd, uint64_t uaddr, uint64_t len)
{
	struct saddr sa;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (len >= 2 && s->ops->unspec_disconnects) {
		uint16_t fam;

		if (copy_from_user(&fam, uaddr, 2))
			return -EFAULT;
		if (fam == AF_UNSPEC) {
			/* Dissolve the association. */
			memset(&s->remote, 0, sizeof(s->remote));
			return 0;
		}
	}
	if ((r = addr_from_user(s, uaddr, len, &sa)))
		return r;
	/* A connection-oriented connect waits for room in a full accept queue. */
	return sock_block(t, s, s->ops->connect(s, &sa), 0);
}

long net_getsockname(int fd, uint64_t uaddr, uint64_t ulen)
{
	long r;
	struct sock *s = sock_fd(fd, &r);

	return s ? addr_to_user(sock_name(s), uaddr, ulen) : r;
}

long net_getpeername(int fd, uint64_t uaddr, uint64_t ulen)
{
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (s->ops->conn ? !s->connected : !s->remote.len)
		return -ENOTCONN;
	return addr_to_user(&s->remote, uaddr, ulen);
}

long sock_shut(struct sock *s, int how)
{
	if (how != SHUT_WR)
		s->rd_shut = true;
	if (how != SHUT_RD && !s->wr_shut) {
		s->wr_shut = true;
		if (s->peer) {
			s->peer->eof = true;
			sock_wake(s->peer);
		}
	}
	sock_wake(s);
	return 0;
}

long net_shutdown(int fd, int how)
{
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (!s->ops->shutdown)
		return -EOPNOTSUPP;	/* sock_no_shutdown */
	return s->ops->shutdown(s, how);
}

/* ----------------------------------------------------------- socket options */

/* SOL_SOCKET options kept and read back, with their defaults (the rest:
 * ENOPROTOOPT); the protocol's levels keep theirs in ops->opts. */
static const struct sock_opt sol_socket_opts[] = {
	{ SOL_SOCKET, SO_REUSEADDR, 0 }, { SOL_SOCKET, 5 /* SO_DONTROUTE */, 0 },
	{ SOL_SOCKET, 6 /* SO_BROADCAST */, 0 }, { SOL_SOCKET, 9 /* SO_KEEPALIVE */, 0 },
	{ SOL_SOCKET, 10 /* SO_OOBINLINE */, 0 }, { SOL_SOCKET, 15 /* SO_REUSEPORT */, 0 },
	{ SOL_SOCKET, 18 /* SO_RCVLOWAT */, 1 }, { SOL_SOCKET, 12 /* SO_PRIORITY */, 0 },
};

static const struct sock_opt *kept_opt(const struct sock *s, int level, int name)
{
	const struct sock_opt *t = level == SOL_SOCKET ? sol_socket_opts : s->ops->opts;
	int n = level == SOL_SOCKET ? (int)ARRAY_SIZE(sol_socket_opts) : s->ops->nopts;

	for (int i = 0; i < n; i++)
		if (t[i].level == level && t[i].name == name)
			return &t[i];
	return NULL;
}

/* SO_RCVTIMEO and SO_SNDTIMEO take a struct timeval, and goose does not time
 * socket calls out by them: refused, so a program does not count on them. */
static bool timeout_opt(int level, int name)
{
	return level == SOL_SOCKET && (name == 20 || name == 21);
}

/* Does the protocol take options at level (not SOL_SOCKET)? */
static bool proto_level(const struct sock *s, int level)
{
	return s->ops->opt_level && s->ops->opt_level(level);
}

long net_setsockopt(int fd, int level, int name, uint64_t uval, uint64_t len)
{
	int32_t val = 0;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if ((int32_t)len < 0)
		return -EINVAL;	/* do_sock_setsockopt */
	if (timeout_opt(level, name))
		return -ENOPROTOOPT;
	if (level == SOL_SOCKET && name == SO_LINGER) {
		/* Close never waits here (all is delivered at once); {1, 0} makes
		 * it reset the connection, as Linux's abortive close. */
		if (len < 8)
			return -EINVAL;
		return copy_from_user(s->linger, uval, sizeof(s->linger));
	}
	if (len < 4)
		return -EINVAL;
	if (copy_from_user(&val, uval, 4))
		return -EFAULT;
	if (level == SOL_SOCKET && (name == SO_SNDBUF || name == SO_RCVBUF)) {
		/* Linux doubles the value (room for its bookkeeping), with floors. */
		int v = val < 0 ? 0 : val > 0x3fffffff ? 0x7ffffffe : val * 2;

		if (name == SO_SNDBUF)
			s->sndbuf = MAX(v, 4608);
		else
			s->rcvbuf = MAX(v, 2304);
		return 0;
	}
	if (level == SOL_SOCKET && name == SO_PASSCRED) {
		s->passcred = val != 0;
		return 0;
	}
	/* Other levels are the protocol's: a family with none has no
	 * setsockopt (EOPNOTSUPP); one with some has no option at a level it
	 * does not take (ENOPROTOOPT: tcp_setsockopt on UDP). */
	if (level != SOL_SOCKET && !s->ops->opt_level)
		return -EOPNOTSUPP;
	if ((level != SOL_SOCKET && !proto_level(s, level)) || !kept_opt(s, level, name))
		return -ENOPROTOOPT;
	for (int i = 0; i < s->nopt; i++) {
		if (s->opt[i].level == level && s->opt[i].name == name) {
			s->opt[i].val = val;
			return 0;
		}
	}
	if (s->nopt == SOCK_OPTS)
		return -ENOMEM;
	s->opt[s->nopt].level = level;
	s->opt[s->nopt].name = name;
	s->opt[s->nopt++].val = val;
	return 0;
}

long net_getsockopt(int fd, int level, int name, uint64_t uval, uint64_t ulen)
{
	int32_t len, val;
	const struct sock_opt *k = NULL;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	/* Levels other than SOL_SOCKET: ip_getsockopt (do_ip_getsockopt) is
	 * EOPNOTSUPP for any but SOL_IP, unless the protocol took the level
	 * (tcp_getsockopt SOL_TCP, udp_getsockopt SOL_UDP); AF_UNIX has none. */
	if (level != SOL_SOCKET && !proto_level(s, level))
		return -EOPNOTSUPP;
	if (copy_from_user(&len, ulen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level == SOL_SOCKET && name == SO_PEERCRED) {
		int32_t cred[3] = { GOOSE_PID, 0, 0 };

		if (!s->ops->peercred || !s->connected)
			return -ENOTCONN;
		len = MIN(len, (int32_t)sizeof(cred));
		return copy_to_user(uval, cred, (size_t)len) || copy_to_user(ulen, &len, sizeof(len)) ? -EFAULT : 0;
	}
	if (level == SOL_SOCKET && name == SO_LINGER) {
		len = MIN(len, 8);
		return copy_to_user(uval, s->linger, (size_t)len) || copy_to_user(ulen, &len, sizeof(len)) ? -EFAULT : 0;
	}
	if (level == SOL_SOCKET && name == SO_TYPE)
		val = s->type;
	else if (level == SOL_SOCKET && name == SO_DOMAIN)
		val = s->ops->family;
	else if (level == SOL_SOCKET && name == SO_PROTOCOL)
		val = s->proto;
	else if (level == SOL_SOCKET && name == SO_ACCEPTCONN)
		val = s->listening;
	else if (level == SOL_SOCKET && name == SO_SNDBUF)
		val = s->sndbuf;
	else if (level == SOL_SOCKET && name == SO_RCVBUF)
		val = s->rcvbuf;
	else if (level == SOL_SOCKET && name == SO_PASSCRED)
		val = s->passcred;
	else if (level == SOL_SOCKET && name == SO_ERROR) {
		val = s->err;
		s->err = 0;
	} else if (timeout_opt(level, name) || !(k = kept_opt(s, level, name)))
		return -ENOPROTOOPT;
	else
		val = sock_opt_get(s, level, name, k->dflt);
	len = MIN(len, 4);
	if (copy_to_user(uval, &val, (size_t)len) || copy_to_user(ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}
