/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX: SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET, each its own ops as
 * in Linux's net/unix/af_unix.c (unix_stream_ops, unix_dgram_ops,
 * unix_seqpacket_ops, chosen by unix_create).
 *
 * Names (include/uapi/linux/un.h, unix(7)): a path, which bind makes a
 * socket node in the file tree (fs/vfs.h: vfs_bind_socket; the node stays
 * when the socket closes, as on Linux); an abstract name (sun_path[0] ==
 * 0: every byte of the address counts), kept in the list of bound sockets;
 * or none. A socket that sends or connects unbound stays unnamed, unless
 * SO_PASSCRED asks for a name: then it gets an abstract one of five hex
 * digits (unix_autobind).
 *
 * Streams and seqpacket connect to a listener of their own type (stream.c);
 * a full accept queue makes connect wait. A datagram goes whole to the
 * socket named, or to the connected one; its queue full, the send waits;
 * a socket connected elsewhere refuses it (EPERM). socketpair makes two
 * connected sockets of any of the three types. Descriptors and credentials
 * travel with messages (SCM_RIGHTS, SCM_CREDENTIALS: msg.c).
 */
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/socket.h"
#include "net/sock.h"

static const struct proto_ops unix_stream_ops, unix_dgram_ops, unix_seqpacket_ops;

static const struct saddr unix_unnamed = { .len = 2, .b = { AF_UNIX } };

static bool is_abstract(const struct saddr *a)
{
	return a->len > 2 && a->b[2] == 0;
}

/*
 * A sockaddr_un: a path (ending at its first NUL), an abstract name
 * (sun_path[0] == 0: every byte of len counts), or len 2 (bind: pick an
 * abstract name).
 */
static long unix_addr_in(uint64_t uaddr, uint64_t len, struct saddr *a)
{
	long r;

	if (len < 2 || len > sizeof(a->b))
		return -EINVAL;
	if ((r = addr_copy_in(uaddr, len, a, AF_UNIX, -EINVAL)))
		return r;
	if (len > 2 && a->b[2]) {
		/* A path: up to its NUL; stored with the NUL, as getsockname gives it. */
		size_t n = strnlen((const char *)a->b + 2, len - 2);

		a->len = (uint32_t)(2 + n + (n < SUN_PATH_MAX ? 1 : 0));
	}
	return 0;
}

/* ---------------------------------------------------------------- binding */

static struct sock *unix_abstract_find(const struct saddr *a)
{
	for (struct sock *o = sock_bound; o; o = o->next_bound)
		if (o->ops->family == AF_UNIX && !o->node && same_addr(&o->local, a))
			return o;
	return NULL;
}

static long unix_bind_addr(struct sock *s, const struct saddr *a)
{
	if (a->len == 2) {
		/* Autobind: an abstract name of five hex digits (net/unix/af_unix.c). */
		static uint32_t next = 1;
		struct saddr n;

		for (int tries = 0; tries < 0x100000; tries++) {
			n = unix_unnamed;
			n.len = 2 + 6;
			for (int i = 0; i < 5; i++)
				n.b[3 + i] = "0123456789abcdef"[(next >> (16 - 4 * i)) & 0xf];
			next = (next + 1) & 0xfffff;
			if (!unix_abstract_find(&n)) {
				s->local = n;
				bound_add(s);
				return 0;
			}
		}
		return -ENOSPC;
	}
	if (is_abstract(a)) {
		if (unix_abstract_find(a))
			return -EADDRINUSE;
	} else {
		char path[SUN_PATH_MAX + 1];
		size_t n = a->len - 2;

		memcpy(path, a->b + 2, n);
		path[n] = '\0';
		long r = vfs_bind_socket(path, s, &s->node);

		if (r)
			return r == -EEXIST ? -EADDRINUSE : r;
	}
	s->local = *a;
	bound_add(s);
	return 0;
}

static long unix_bind(struct sock *s, const struct saddr *a)
{
	if (s->bound)
		return -EINVAL;
	return unix_bind_addr(s, a);
}

/* An unbound socket that sends or connects gets a name only with
 * SO_PASSCRED (as Linux). */
static long unix_autobind(struct sock *s)
{
	if (!s->passcred)
		return 0;
	return unix_bind_addr(s, &unix_unnamed);
}

/* A path's socket node goes with its socket; the node stays. */
static void unix_release(struct sock *s)
{
	if (s->node)
		vfs_unbind_socket(s->node);
}

/* The address a datagram from s carries: an unnamed sender, none at all. */
static void unix_sender(const struct sock *s, struct saddr *from)
{
	*from = *sock_name(s);
	if (from->len == 2)
		from->len = 0;
}

/* ------------------------------------------------------------- connect */

/* The socket named a (of s's type: EPROTOTYPE otherwise), or NULL with
 * *err set. */
static struct sock *unix_find(const struct sock *s, const struct saddr *a, long *err)
{
	struct sock *o;

	if (is_abstract(a)) {
		o = unix_abstract_find(a);
		*err = o ? 0 : -ECONNREFUSED;
	} else {
		char path[SUN_PATH_MAX + 1];

		memcpy(path, a->b + 2, a->len - 2);
		path[a->len - 2] = '\0';
		o = vfs_socket_at(path, err);
	}
	if (o && o->ops != s->ops) {
		*err = -EPROTOTYPE;
		return NULL;
	}
	return o;
}

/* Streams and seqpacket: connect to a listener of the same type. */
static long unix_stream_connect(struct sock *s, const struct saddr *sa)
{
	long r;

	if (sa->len <= 2)
		return -EINVAL;
	if (s->connected)
		return -EISCONN;
	if (s->listening)
		return -EINVAL;
	struct sock *l = unix_find(s, sa, &r);

	if (r)
		return r;
	if (!l->listening)
		return -ECONNREFUSED;
	/* A full queue: connect waits. */
	if (l->nqueued > l->backlog)
		return -EAGAIN;
	if (l->nqueued >= SOMAXCONN)
		return -ECONNREFUSED;
	if ((r = sock_autobind(s)))
		return r;
	return stream_connect(s, l, &l->local);
}

/* Datagrams: the socket sends go to by default. */
static long unix_dgram_connect(struct sock *s, const struct saddr *sa)
{
	long r;

	if (sa->len <= 2)
		return -EINVAL;
	unix_find(s, sa, &r);
	if (r)
		return r;
	if ((r = sock_autobind(s)))
		return r;
	s->remote = *sa;
	return 0;
}

/* unix_listen: streams and seqpacket, bound first. */
static long unix_listen(struct sock *s, int backlog)
{
	if (s->connected || !s->bound)
		return -EINVAL;
	return stream_listen(s, backlog);
}

/* ---------------------------------------------------------------- send */

/* The peer a connected socket sends to, or NULL with *r set: not
 * connected, a reset reported once, or the peer gone or shut for reading. */
static struct sock *unix_peer(struct sock *s, long *r)
{
	struct sock *dst = s->peer;

	if (!s->connected) {
		*r = -ENOTCONN;
		return NULL;
	}
	if (s->err) {
		*r = sock_error(s);
		return NULL;
	}
	if (!dst || dst->rd_shut) {
		*r = -EPIPE;
		return NULL;
	}
	return dst;
}

static long unix_stream_sendmsg(struct sock *s, struct uio *u, size_t len, const struct saddr *to,
				struct ancillary **anc)
{
	struct sock *dst;
	long r;

	if (to && to->len)
		return s->connected ? -EISCONN : -EOPNOTSUPP;
	if (s->wr_shut)
		return -EPIPE;
	if (!(dst = unix_peer(s, &r)))
		return r;
	return stream_send(dst, u, len, anc);
}

/* The largest datagram: the send buffer, less Linux's 32 bytes of header. */
static size_t unix_max(const struct sock *s)
{
	return (size_t)s->sndbuf - 32;
}

static long unix_seqpacket_sendmsg(struct sock *s, struct uio *u, size_t len, const struct saddr *to,
				   struct ancillary **anc)
{
	struct saddr from;
	struct sock *dst;
	long r;

	(void)to;
	if (s->wr_shut)
		return -EPIPE;
	if (!(dst = unix_peer(s, &r)))
		return r;
	if ((r = dgram_check(u, len, unix_max(s))))
		return r;
	unix_sender(s, &from);
	return dgram_deliver(dst, u, len, &from, anc);
}

static long unix_dgram_sendmsg(struct sock *s, struct uio *u, size_t len, const struct saddr *to,
			       struct ancillary **anc)
{
	struct saddr from;
	struct sock *dst;
	long r;

	if (s->wr_shut)
		return -EPIPE;
	if (s->paired && !to) {
		dst = s->peer;
		if (!dst)
			return -ECONNREFUSED;
		unix_sender(s, &from);
	} else {
		if (!to || !to->len) {
			if (!s->remote.len)
				return -ENOTCONN;
			to = &s->remote;
		}
		if ((r = sock_autobind(s)))
			return r;
		dst = unix_find(s, to, &r);
		if (r)
			return r;
		/* A socket connected to another address takes nothing from s. */
		unix_sender(s, &from);
		if (dst->remote.len && !dst->paired && !same_addr(&dst->remote, &from))
			return -EPERM;
	}
	if ((r = dgram_check(u, len, unix_max(s))))
		return r;
	return dgram_deliver(dst, u, len, &from, anc);
}

/* unix_shutdown asks for no peer; a listener's SHUT_WR changes nothing. */
static long unix_shutdown(struct sock *s, int how)
{
	if (s->listening && how == SHUT_WR)
		return 0;
	return sock_shut(s, how);
}

/* ------------------------------------------------------------ creation */

static void unix_socketpair(struct sock *a, struct sock *b)
{
	struct sock *s[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		s[i]->connected = true;
		s[i]->paired = s[i]->ops == &unix_dgram_ops;
		s[i]->peer = s[1 - i];
		s[i]->remote = unix_unnamed;
	}
}

#define UNIX_OPS                           \
	.family = AF_UNIX,                 \
	.recv_notconn = -EINVAL,           \
	.scm = true,                       \
	.scm_rights = true,                \
	.peercred = true,                  \
	.unnamed = &unix_unnamed,          \
	.addr_in = unix_addr_in,           \
	.bind = unix_bind,                 \
	.autobind = unix_autobind,         \
	.socketpair = unix_socketpair,     \
	.shutdown = unix_shutdown,         \
	.release = unix_release

static const struct proto_ops unix_stream_ops = {
	UNIX_OPS,
	.conn = true,
	.stream = true,
	.connect = unix_stream_connect,
	.listen = unix_listen,
	.sendmsg = unix_stream_sendmsg,
	.recvmsg = stream_recv,
};

static const struct proto_ops unix_seqpacket_ops = {
	UNIX_OPS,
	.conn = true,
	.connect = unix_stream_connect,
	.listen = unix_listen,
	.sendmsg = unix_seqpacket_sendmsg,
	.recvmsg = dgram_recv,
};

static const struct proto_ops unix_dgram_ops = {
	UNIX_OPS,
	.unspec_disconnects = true,
	.connect = unix_dgram_connect,
	.sendmsg = unix_dgram_sendmsg,
	.recvmsg = dgram_recv,
};

/* unix_create: protocol 0 or PF_UNIX; SOCK_RAW is taken as SOCK_DGRAM. */
static long unix_create(int *type, int *proto, const struct proto_ops **ops)
{
	if (*proto && *proto != AF_UNIX)
		return -EPROTONOSUPPORT;
	*proto = 0;
	if (*type == SOCK_RAW)
		*type = SOCK_DGRAM;
	*ops = *type == SOCK_STREAM ? &unix_stream_ops : *type == SOCK_DGRAM ? &unix_dgram_ops :
	       *type == SOCK_SEQPACKET ? &unix_seqpacket_ops : NULL;
	return *ops ? 0 : -ESOCKTNOSUPPORT;
}

const struct net_family unix_family = { AF_UNIX, unix_create };
