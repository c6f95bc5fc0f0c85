/* SPDX-License-Identifier: MIT */
/*
 * Sockets on one machine: what Go's net package, net/http's tests and
 * programs talking to themselves need, with no network device behind them.
 *
 *   AF_INET  SOCK_STREAM (TCP) and SOCK_DGRAM (UDP) on the loopback network,
 *            127.0.0.0/8; binding to 0.0.0.0 means loopback too.
 *   AF_UNIX  SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET: bound to a path (a
 *            socket node in the file tree), to an abstract name, or unbound;
 *            socketpair; SCM_RIGHTS and SCM_CREDENTIALS.
 *            SOCK_RAW: IP datagrams of one protocol between raw sockets, with
 *            their IPv4 header; an ICMP echo request gets its echo reply.
 *   AF_NETLINK  NETLINK_ROUTE dumps of links and addresses: the loopback
 *            interface lo, 127.0.0.1/8 (what net.Interfaces asks).
 *   AF_INET6 and the rest: EAFNOSUPPORT, so Go's net package probes IPv4 only.
 *
 * A connection is two sockets, each the other's peer; what one sends is
 * queued on the other (its receive queue, SOCK_RCVBUF bytes at most). A
 * message is one datagram, or for a stream one chunk of bytes that reads
 * take in order across chunks. connect() to a listener completes at once:
 * the new server side waits in the listener's accept queue.
 *
 * As the rest of the file layer, nothing here sleeps: -EAGAIN, and the
 * system call blocks the thread (unless O_NONBLOCK or MSG_DONTWAIT) until a
 * file changes, then runs again. Everything runs under the big lock.
 *
 * Layouts and values are Linux's: include/uapi/linux/in.h (sockaddr_in),
 * include/uapi/linux/un.h (sockaddr_un), include/linux/socket.h (msghdr,
 * cmsghdr, MSG_*, SOL_*, SCM_*), include/uapi/asm-generic/socket.h (SO_*),
 * include/uapi/linux/tcp.h (TCP_*), include/linux/net.h (SOCK_*).
 */
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/ioctls.h"
#include "include/uapi/mman.h"
#include "include/uapi/netlink.h"
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
/* Bytes of a stream per queued chunk: a chunk is one page. */
#define STREAM_CHUNK (4096 - offsetof(struct msg, data))
#define EPHEMERAL_LO 32768
#define EPHEMERAL_HI 60999
#define LOOPBACK 0x7f000001u

static struct sock *bound_list;
static uint16_t next_port = EPHEMERAL_LO;
static const struct file_ops sock_ops;

static bool is_conn(const struct sock *s)
{
	return s->type == SOCK_STREAM || s->type == SOCK_SEQPACKET;
}

static uint16_t in_port(const struct saddr *a)
{
	return (uint16_t)(a->b[2] << 8 | a->b[3]);
}

static uint32_t in_addr(const struct saddr *a)
{
	return be32_load(a->b + 4);
}

static void set_in(struct saddr *a, uint32_t addr, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->len = 16;
	a->b[0] = AF_INET;
	a->b[2] = (uint8_t)(port >> 8);
	a->b[3] = (uint8_t)port;
	a->b[4] = (uint8_t)(addr >> 24);
	a->b[5] = (uint8_t)(addr >> 16);
	a->b[6] = (uint8_t)(addr >> 8);
	a->b[7] = (uint8_t)addr;
}

static void set_unnamed(struct saddr *a)
{
	memset(a, 0, sizeof(*a));
	a->len = 2;
	a->b[0] = AF_UNIX;
}

static bool is_loopback(uint32_t addr)
{
	return addr >> 24 == 127;
}

void sock_wake(struct sock *s)
{
	if (s && s->file)
		file_notify(s->file);
}

/* ------------------------------------------------------------ addresses */

/*
 * A sockaddr from the program, checked for s's family. AF_UNIX: a path
 * (ending at its first NUL), an abstract name (sun_path[0] == 0: every byte
 * of len counts), or len 2 (bind: pick an abstract name).
 */
static long addr_from_user(const struct sock *s, uint64_t uaddr, uint64_t len, struct saddr *a)
{
	memset(a, 0, sizeof(*a));
	if (len > 128)
		return -EINVAL;
	if (s->family == AF_INET || s->family == AF_NETLINK) {
		uint64_t want = s->family == AF_INET ? 16 : 12;

		if (len < want)
			return -EINVAL;
		len = want;
	} else if (len < 2 || len > sizeof(a->b)) {
		return -EINVAL;
	}
	if (copy_from_user(a->b, uaddr, len))
		return -EFAULT;
	uint16_t fam = (uint16_t)(a->b[0] | a->b[1] << 8);

	a->len = (uint32_t)len;
	if (fam != s->family)
		return s->family == AF_INET ? -EAFNOSUPPORT : -EINVAL;
	memset(a->b + 8, 0, s->family == AF_INET ? 8 : 0);
	if (s->family == AF_UNIX && len > 2 && a->b[2]) {
		/* A path: up to its NUL; stored with the NUL, as getsockname gives it. */
		size_t n = strnlen((const char *)a->b + 2, len - 2);

		a->len = (uint32_t)(2 + n + (n < SUN_PATH_MAX ? 1 : 0));
	}
	return 0;
}

/* Copy a to the program's (addr, *addrlen) pair, truncating as Linux does;
 * *addrlen becomes the full length. */
static long addr_to_user(const struct saddr *a, uint64_t uaddr, uint64_t ulen)
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

static bool is_abstract(const struct saddr *a)
{
	return a->len > 2 && a->b[2] == 0;
}

static bool same_addr(const struct saddr *x, const struct saddr *y)
{
	return x->len == y->len && !memcmp(x->b, y->b, x->len);
}

/* ---------------------------------------------------------------- binding */

static void bound_add(struct sock *s)
{
	s->bound = true;
	s->next_bound = bound_list;
	bound_list = s;
}

static void bound_remove(struct sock *s)
{
	for (struct sock **pp = &bound_list; *pp; pp = &(*pp)->next_bound) {
		if (*pp == s) {
			*pp = s->next_bound;
			break;
		}
	}
	s->bound = false;
}

static int opt_get(const struct sock *s, int level, int name, int dflt)
{
	for (int i = 0; i < s->nopt; i++)
		if (s->opt[i].level == level && s->opt[i].name == name)
			return s->opt[i].val;
	return dflt;
}

/* Would s, bound to (addr, port), clash with a socket already bound? */
static bool in_port_busy(const struct sock *s, uint32_t addr, uint16_t port)
{
	for (const struct sock *o = bound_list; o; o = o->next_bound) {
		if (o == s || o->family != AF_INET || o->type != s->type || in_port(&o->local) != port)
			continue;
		uint32_t oa = in_addr(&o->local);

		if (oa && addr && oa != addr)
			continue;
		/* SO_REUSEADDR on both: TCP may share a port no one listens on. */
		if (s->type == SOCK_STREAM && !o->listening && opt_get(s, SOL_SOCKET, SO_REUSEADDR, 0) &&
		    opt_get(o, SOL_SOCKET, SO_REUSEADDR, 0))
			continue;
		return true;
	}
	return false;
}

static long in_bind(struct sock *s, uint32_t addr, uint16_t port)
{
	if (addr && !is_loopback(addr))
		return -EADDRNOTAVAIL;
	if (!port) {
		for (int n = 0; n <= EPHEMERAL_HI - EPHEMERAL_LO; n++) {
			uint16_t p = next_port;

			next_port = next_port == EPHEMERAL_HI ? EPHEMERAL_LO : (uint16_t)(next_port + 1);
			if (!in_port_busy(s, addr, p)) {
				port = p;
				break;
			}
		}
		if (!port)
			return -EADDRINUSE;
	} else if (in_port_busy(s, addr, port)) {
		return -EADDRINUSE;
	}
	set_in(&s->local, addr, port);
	bound_add(s);
	return 0;
}

static struct sock *unix_abstract_find(const struct saddr *a)
{
	for (struct sock *o = bound_list; o; o = o->next_bound)
		if (o->family == AF_UNIX && !o->node && same_addr(&o->local, a))
			return o;
	return NULL;
}

static long unix_bind(struct sock *s, const struct saddr *a)
{
	if (a->len == 2) {
		/* Autobind: an abstract name of five hex digits (net/unix/af_unix.c). */
		static uint32_t next = 1;
		struct saddr n;

		for (int tries = 0; tries < 0x100000; tries++) {
			set_unnamed(&n);
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

/* ---------------------------------------------------------------- netlink */

/*
 * NETLINK_ROUTE, enough for "which interfaces and addresses are there"
 * (include/uapi/linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h): a dump
 * of RTM_GETLINK answers one RTM_NEWLINK for lo, of RTM_GETADDR one
 * RTM_NEWADDR for 127.0.0.1/8 (none for AF_INET6), each dump ending in
 * NLMSG_DONE; any other request gets NLMSG_ERROR EOPNOTSUPP. The answer is
 * queued on the asking socket, from port 0 (the kernel).
 */
#define LO_MTU 65536

struct nlmsghdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};

struct nl_reply {
	uint8_t buf[512];
	size_t len;
	uint32_t seq, pid;
};

static uint8_t *nl_msg(struct nl_reply *r, uint16_t type, uint16_t flags, const void *body, size_t n)
{
	struct nlmsghdr h = { (uint32_t)(sizeof(h) + n), type, flags, r->seq, r->pid };
	uint8_t *m = r->buf + r->len;

	memcpy(m, &h, sizeof(h));
	memcpy(m + sizeof(h), body, n);
	r->len += NL_ALIGN(h.len);
	return m;
}

/* An attribute (struct rtattr: u16 len, u16 type, data) at the end of msg. */
static void nl_attr(struct nl_reply *r, uint8_t *msg, uint16_t type, const void *data, size_t n)
{
	struct nlmsghdr *h = (struct nlmsghdr *)msg;
	uint16_t at[2] = { (uint16_t)(4 + n), type };
	uint8_t *p = msg + NL_ALIGN(h->len);

	memcpy(p, at, 4);
	memcpy(p + 4, data, n);
	memset(p + 4 + n, 0, NL_ALIGN(4 + n) - 4 - n);
	h->len = (uint32_t)(NL_ALIGN(h->len) + NL_ALIGN(4 + n));
	r->len = (size_t)(msg - r->buf) + NL_ALIGN(h->len);
}

static void nl_answer(const struct nlmsghdr *q, const uint8_t *body, size_t n, struct nl_reply *r)
{
	r->seq = q->seq;
	if (q->type == RTM_GETLINK) {
		/* struct ifinfomsg: family, pad, type, index, flags, change. */
		uint8_t info[16] = { 0 };
		uint16_t type = ARPHRD_LOOPBACK;
		int32_t index = 1;
		uint32_t flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP, mtu = LO_MTU;
		static const uint8_t hwaddr[6];

		memcpy(info + 2, &type, 2);
		memcpy(info + 4, &index, 4);
		memcpy(info + 8, &flags, 4);
		uint8_t *m = nl_msg(r, RTM_NEWLINK, NLM_F_MULTI, info, sizeof(info));

		nl_attr(r, m, IFLA_IFNAME, "lo", 3);
		nl_attr(r, m, IFLA_MTU, &mtu, 4);
		nl_attr(r, m, IFLA_ADDRESS, hwaddr, sizeof(hwaddr));
	} else if (q->type == RTM_GETADDR) {
		/* struct ifaddrmsg: family, prefixlen, flags, scope, index. */
		uint8_t family = n ? body[0] : AF_UNSPEC;
		uint8_t info[8] = { AF_INET, 8, IFA_F_PERMANENT, RT_SCOPE_HOST, 1, 0, 0, 0 };
		static const uint8_t lo_addr[4] = { 127, 0, 0, 1 };

		if (family == AF_UNSPEC || family == AF_INET) {
			uint8_t *m = nl_msg(r, RTM_NEWADDR, NLM_F_MULTI, info, sizeof(info));

			nl_attr(r, m, IFA_ADDRESS, lo_addr, 4);
			nl_attr(r, m, IFA_LOCAL, lo_addr, 4);
			nl_attr(r, m, IFA_LABEL, "lo", 3);
		}
	} else {
		/* struct nlmsgerr: the error, then the request's header. */
		uint8_t err[4 + sizeof(*q)];
		int32_t e = -EOPNOTSUPP;

		memcpy(err, &e, 4);
		memcpy(err + 4, q, sizeof(*q));
		nl_msg(r, NLMSG_ERROR, 0, err, sizeof(err));
		return;
	}
	int32_t zero = 0;

	nl_msg(r, NLMSG_DONE, NLM_F_MULTI, &zero, 4);
}

static uint32_t nl_port(const struct sock *s)
{
	uint32_t pid;

	memcpy(&pid, s->local.b + 4, 4);
	return pid;
}

/* A port id: the one asked for, or (0) the pid, then descending numbers
 * (Linux's autobind takes the tgid first, then negative ids). */
static long netlink_bind(struct sock *s, uint32_t pid)
{
	static uint32_t next_auto = UINT32_MAX - 4095;

	for (const struct sock *o = bound_list; pid && o; o = o->next_bound)
		if (o->family == AF_NETLINK && nl_port(o) == pid)
			return -EADDRINUSE;
	while (!pid) {
		pid = GOOSE_PID;
		for (const struct sock *o = bound_list; pid && o; o = o->next_bound)
			if (o->family == AF_NETLINK && nl_port(o) == pid)
				pid = 0;
		if (!pid)
			pid = next_auto--;
	}
	memset(&s->local, 0, sizeof(s->local));
	s->local.len = 12;
	s->local.b[0] = AF_NETLINK;
	memcpy(s->local.b + 4, &pid, 4);
	bound_add(s);
	return 0;
}

/* A socket that sends or connects unbound gets an address first: always
 * for AF_INET, with SO_PASSCRED for AF_UNIX (as Linux). */
static long autobind(struct sock *s)
{
	struct saddr a;

	if (s->bound || (s->family == AF_UNIX && !s->passcred))
		return 0;
	if (s->family == AF_INET)
		return in_bind(s, 0, 0);
	if (s->family == AF_NETLINK)
		return netlink_bind(s, 0);
	set_unnamed(&a);
	return unix_bind(s, &a);
}

/* A connected AF_INET socket's address is a real one: the source address
 * of the loopback route (Linux fills in 0.0.0.0 at connect). */
static long connect_bind(struct sock *s)
{
	long r = autobind(s);

	if (!r && s->family == AF_INET && !in_addr(&s->local))
		set_in(&s->local, LOOPBACK, in_port(&s->local));
	return r;
}

/* The unbound AF_UNIX sockets that only connect stay unnamed. */
static const struct saddr *name_of(const struct sock *s)
{
	static struct saddr unnamed_in, unnamed_un;

	if (s->local.len)
		return &s->local;
	if (s->family == AF_INET) {
		set_in(&unnamed_in, 0, 0);
		return &unnamed_in;
	}
	set_unnamed(&unnamed_un);
	return &unnamed_un;
}

/* ------------------------------------------------------------ send, receive */

static struct sock *sock_new(int family, int type, int proto)
{
	struct sock *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->family = family;
	s->type = type;
	s->proto = proto;
	s->rxq_tail = &s->rxq;
	s->sndbuf = s->rcvbuf = SOCK_RCVBUF;
	return s;
}

static struct sock *unix_target(const struct saddr *a, long *err)
{
	if (is_abstract(a)) {
		struct sock *o = unix_abstract_find(a);

		*err = o ? 0 : -ECONNREFUSED;
		return o;
	}
	char path[SUN_PATH_MAX + 1];

	memcpy(path, a->b + 2, a->len - 2);
	path[a->len - 2] = '\0';
	return vfs_socket_at(path, err);
}

/* The socket a datagram to a goes to (NULL for UDP: lost), or NULL with
 * *err set. AF_UNIX: also the socket a connect reaches, of s's type. */
static struct sock *dgram_target(struct sock *s, const struct saddr *a, long *err)
{
	*err = 0;
	if (s->family == AF_INET) {
		uint32_t addr = in_addr(a);
		uint16_t port = in_port(a);

		if (addr && !is_loopback(addr)) {
			*err = -ENETUNREACH;
			return NULL;
		}
		for (struct sock *o = bound_list; o; o = o->next_bound)
			if (o->family == AF_INET && o->type == SOCK_DGRAM && in_port(&o->local) == port &&
			    (!in_addr(&o->local) || !addr || in_addr(&o->local) == addr))
				return o;
		return NULL;	/* UDP: nobody listens, the datagram is lost */
	}
	struct sock *o = unix_target(a, err);

	if (o && o->type != s->type) {
		*err = -EPROTOTYPE;
		return NULL;
	}
	return o;
}

/* The address a datagram from s carries. */
static void sender_addr(const struct sock *s, struct saddr *from)
{
	*from = *name_of(s);
	if (s->family == AF_INET && !in_addr(from))
		set_in(from, LOOPBACK, in_port(from));
	if (s->family == AF_UNIX && from->len == 2)
		from->len = 0;	/* an unnamed sender: no name at all */
}

/* Requests (one or more nlmsghdrs) in u; the answers go to s itself. */
static long netlink_send(struct sock *s, struct uio *u, size_t len)
{
	uint8_t req[256];
	size_t off = 0, n = MIN(len, sizeof(req));
	long r = autobind(s);

	if (r)
		return r;
	if (uio_move(u, req, n, false) < n)
		return -EFAULT;
	while (off + sizeof(struct nlmsghdr) <= n) {
		struct nlmsghdr q;
		struct nl_reply *rep = kzalloc(sizeof(*rep));
		struct msg *m;

		memcpy(&q, req + off, sizeof(q));
		if (q.len < sizeof(q) || q.len > n - off) {
			kfree(rep);
			break;
		}
		if (!rep)
			return -ENOBUFS;
		rep->pid = nl_port(s);
		nl_answer(&q, req + off + sizeof(q), q.len - sizeof(q), rep);
		m = kzalloc(sizeof(*m) + rep->len);
		if (!m) {
			kfree(rep);
			return -ENOBUFS;
		}
		memcpy(m->data, rep->buf, rep->len);
		m->len = rep->len;
		m->from.len = 12;
		m->from.b[0] = AF_NETLINK;
		kfree(rep);
		rxq_push(s, m);
		off += NL_ALIGN(q.len);
	}
	return (long)len;
}

/* The Internet checksum (RFC 1071) of n bytes. */
static uint16_t ip_sum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 datagram (header and payload) to every raw socket of its
 * protocol that its addresses let through (Linux's raw_v4_input). */
static void raw_deliver(const uint8_t *pkt, size_t n)
{
	struct saddr src, dst;

	set_in(&src, be32_load(pkt + 12), 0);
	set_in(&dst, be32_load(pkt + 16), 0);
	for (struct sock *o = bound_list; o; o = o->next_bound) {
		if (o->family != AF_INET || o->type != SOCK_RAW || o->proto != pkt[9] ||
		    (in_addr(&o->local) && in_addr(&o->local) != in_addr(&dst)) ||
		    (o->remote.len && in_addr(&o->remote) != in_addr(&src)) || o->rx_bytes + n > (size_t)o->rcvbuf)
			continue;
		struct msg *m = kzalloc(sizeof(*m) + n);

		if (!m)
			return;
		memcpy(m->data, pkt, n);
		m->len = n;
		m->from = src;
		rxq_push(o, m);
	}
}

/* A raw socket's send: the payload gets an IPv4 header and goes to the raw
 * sockets of its protocol; an ICMP echo request is answered, as the
 * loopback interface's ICMP would. */
static long raw_send(struct sock *s, struct uio *u, size_t len, const struct saddr *to)
{
	static uint16_t ip_id;
	const struct saddr *a = to && to->len ? to : s->remote.len ? &s->remote : NULL;

	if (!a)
		return -EDESTADDRREQ;
	uint32_t dst = in_addr(a) ? in_addr(a) : LOOPBACK, src = in_addr(&s->local) ? in_addr(&s->local) : LOOPBACK;

	if (!is_loopback(dst))
		return -ENETUNREACH;
	if (len > 65535 - 20)
		return -EMSGSIZE;
	uint8_t *pkt = kzalloc(20 + len);

	if (!pkt)
		return -ENOBUFS;
	if (uio_move(u, pkt + 20, len, false) < len) {
		kfree(pkt);
		return -EFAULT;
	}
	pkt[0] = 0x45;
	put_be16(pkt + 2, (uint16_t)(20 + len));
	put_be16(pkt + 4, ip_id++);
	pkt[8] = 64;
	pkt[9] = (uint8_t)s->proto;
	for (int i = 0; i < 4; i++) {
		pkt[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		pkt[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	put_be16(pkt + 10, ip_sum(pkt, 20));
	raw_deliver(pkt, 20 + len);
	if (s->proto == IPPROTO_ICMP && len >= 8 && pkt[20] == 8 && pkt[21] == 0) {
		/* Echo reply: the addresses swapped, type 0, both sums again. */
		for (int i = 0; i < 4; i++) {
			uint8_t t = pkt[12 + i];

			pkt[12 + i] = pkt[16 + i];
			pkt[16 + i] = t;
		}
		pkt[20] = 0;
		put_be16(pkt + 22, 0);
		put_be16(pkt + 22, ip_sum(pkt + 20, len));
		put_be16(pkt + 10, 0);
		put_be16(pkt + 10, ip_sum(pkt, 20));
		raw_deliver(pkt, 20 + len);
	}
	kfree(pkt);
	return (long)len;
}

static long sock_send(struct sock *s, struct uio *u, size_t len, const struct saddr *to, struct ancillary **anc)
{
	struct sock *dst;
	long r;

	if (s->family == AF_INET && s->type == SOCK_RAW)
		return raw_send(s, u, len, to);
	if (s->family == AF_NETLINK)
		return netlink_send(s, u, len);
	if (to && to->len && s->family == AF_UNIX && s->type == SOCK_STREAM)
		return s->connected ? -EISCONN : -EOPNOTSUPP;
	if (s->wr_shut)
		return -EPIPE;
	if (is_conn(s)) {
		if (!s->connected)
			return s->type == SOCK_STREAM && s->family == AF_INET ? -EPIPE : -ENOTCONN;
		if (s->err) {
			long e = s->err;	/* a reset came: the write reports it */

			s->err = 0;
			return -e;
		}
		dst = s->peer;
		if (!dst && s->family == AF_INET && !s->wrote_after_close) {
			/* TCP takes the first write after the peer closed (the peer
			 * answers it with a reset); later ones get EPIPE. */
			s->wrote_after_close = true;
			return (long)len;
		}
		if (!dst || dst->rd_shut)
			return -EPIPE;
	} else if (s->paired && !to) {
		dst = s->peer;
		if (!dst)
			return -ECONNREFUSED;
	} else {
		if (!to || !to->len) {
			if (!s->remote.len)
				return s->family == AF_UNIX ? -ENOTCONN : -EDESTADDRREQ;
			to = &s->remote;
		}
		if ((r = autobind(s)))
			return r;
		dst = dgram_target(s, to, &r);
		if (r)
			return r;
		/* A socket connected to another address takes nothing from s:
		 * UDP drops it, AF_UNIX refuses. */
		if (dst && dst->remote.len && !dst->paired) {
			struct saddr me;

			sender_addr(s, &me);
			if (s->family == AF_INET ? in_port(&dst->remote) != in_port(&me) : !same_addr(&dst->remote, &me)) {
				if (s->family == AF_UNIX)
					return -EPERM;
				dst = NULL;
			}
		}
	}
	size_t max = s->family == AF_INET ? 65507 : (size_t)s->sndbuf - 32;

	if (s->type != SOCK_STREAM && len > max)
		return -EMSGSIZE;
	/* A datagram is copied whole before it goes anywhere (udp_sendmsg). */
	if (s->type != SOCK_STREAM && !uio_readable(u, len))
		return -EFAULT;
	if (!dst) {
		/* UDP to no one: sent, and lost. A connected socket hears of it
		 * (Linux: from the ICMP port unreachable) at its next call. */
		if (s->remote.len && (!to || to == &s->remote)) {
			s->err = ECONNREFUSED;
			sock_wake(s);
		}
		return (long)len;
	}
	size_t space = dst->rx_bytes >= (size_t)dst->rcvbuf ? 0 : (size_t)dst->rcvbuf - dst->rx_bytes;

	if (s->type != SOCK_STREAM) {
		/* One message, whole. A full UDP queue drops it; AF_UNIX waits. */
		if (dst->rx_bytes && space < len)
			return s->family == AF_INET ? (long)len : -EAGAIN;
		struct msg *m = kzalloc(sizeof(*m) + len);

		if (!m)
			return -ENOMEM;
		if (uio_move(u, m->data, len, false) < len) {
			kfree(m);
			return -EFAULT;
		}
		m->len = len;
		sender_addr(s, &m->from);
		msg_attach(m, anc);
		rxq_push(dst, m);
		return (long)len;
	}
	if (!len && !(anc && *anc && ((*anc)->nfiles || (*anc)->creds)))
		return 0;
	if (!space)
		return -EAGAIN;
	/* A stream: chunks of at most a page, as much as there is room for.
	 * Ancillary data rides on the first chunk (a zero-length write with
	 * some still makes one). */
	size_t done = 0;

	do {
		size_t n = MIN(MIN(len - done, space - done), STREAM_CHUNK);
		struct msg *m = kzalloc(sizeof(*m) + n);

		if (!m)
			return done ? (long)done : -ENOMEM;
		/* unix_stream_sendmsg, tcp_sendmsg: what was copied before a
		 * fault is sent; a fault at the start is EFAULT. */
		size_t got = uio_move(u, m->data, n, false);

		if (n && !got) {
			kfree(m);
			return done ? (long)done : -EFAULT;
		}
		m->len = got;
		if (!done)
			msg_attach(m, anc);
		rxq_push(dst, m);
		done += got;
		if (got < n)
			break;
	} while (done < len && done < space);
	return (long)done;
}

static long sock_recv(struct sock *s, struct uio *u, size_t len, int flags, struct recv_out *o)
{
	if (s->err && !s->rxq) {
		long e = s->err;

		s->err = 0;
		return -e;
	}
	if (is_conn(s) && !s->connected)
		return s->family == AF_INET ? -ENOTCONN : -EINVAL;
	if (!s->rxq)
		return s->eof || s->rd_shut ? 0 : -EAGAIN;
	if (s->type != SOCK_STREAM) {
		struct msg *m = s->rxq;
		size_t n = MIN(len, m->len);

		if (uio_move(u, m->data, n, true) < n) {
			/* unix_dgram_recvmsg, udp_recvmsg: a datagram that could not
			 * be copied out is gone all the same (unless peeked at). */
			if (!(flags & MSG_PEEK)) {
				rxq_pop(s);
				msg_free(m);
				sock_wake(s->peer);
			}
			return -EFAULT;
		}
		if (o) {
			o->from = m->from;
			if (n < m->len)
				o->flags |= MSG_TRUNC;
		}
		if (flags & MSG_PEEK)
			return (long)((flags & MSG_TRUNC) ? m->len : n);
		rxq_pop(s);
		msg_deliver_anc(s, m, o, flags);
		size_t full = m->len;

		msg_free(m);
		sock_wake(s->peer);
		return (long)((flags & MSG_TRUNC) ? full : n);
	}
	/* A stream: bytes across chunks, but not past a chunk carrying
	 * ancillary data into another (nor into one from the start). */
	size_t done = 0;
	struct msg *m = s->rxq;

	while (m && done < len) {
		if (done && m->anc)
			break;
		size_t n = MIN(len - done, m->len - m->off);

		/* A chunk that faults stays queued (unix_stream_read_generic):
		 * EFAULT, or the bytes before it. */
		if (uio_move(u, m->data + m->off, n, true) < n) {
			if (!done)
				return -EFAULT;
			break;
		}
		done += n;
		if (flags & MSG_PEEK) {
			m = m->next;
			continue;
		}
		if (m->off == 0)
			msg_deliver_anc(s, m, o, flags);
		m->off += n;
		s->rx_bytes -= n;
		if (m->off < m->len)
			break;
		msg_free(rxq_pop(s));
		m = s->rxq;
		if (m && m->len == 0)
			break;
	}
	if (!(flags & MSG_PEEK))
		sock_wake(s->peer);
	return (long)done;
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
	if (!len && s->type == SOCK_STREAM)
		return s->connected ? 0 : -ENOTCONN;
	uio_single(&u, (uint64_t)(uintptr_t)buf, len);
	u.checked = true;
	return sock_send(s, &u, len, NULL, NULL);
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
	if (!is_conn(s))
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
	if ((reset || s->rxq) && s->type == SOCK_STREAM)
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
	if (s->node)
		vfs_unbind_socket(s->node);
	kfree(s);
}

/* A socket goes: the connections it never accepted are reset. */
static void sock_destroy(struct sock *s)
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
		n = s->type == SOCK_STREAM || !s->rxq ? (int)s->rx_bytes : (int)s->rxq->len;
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
static long sock_install(struct sock *s, int flags)
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

/* The socket behind fd, or NULL with *err set. */
static struct sock *sock_fd(int fd, long *err)
{
	struct file *f = fd_get(fd);

	*err = !f ? -EBADF : f->ops != &sock_ops ? -ENOTSOCK : 0;
	return *err ? NULL : f->priv;
}

/* Wait for the socket unless it or the call says not to. */
static long sock_block(struct thread *t, struct sock *s, long r, int flags)
{
	if (flags & MSG_DONTWAIT)
		return r;
	return file_block(t, s->file, r);
}

/* ------------------------------------------------------------- syscalls */

/* As __sock_create: the family's range, the type's range, then the
 * family's own checks (inet_create, unix_create, netlink_create). */
static long check_type(int family, int *type, int *proto)
{
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (*type >= SOCK_MAX)
		return -EINVAL;
	if (family == AF_INET) {
		int want = *type == SOCK_STREAM ? IPPROTO_TCP : *type == SOCK_DGRAM ? IPPROTO_UDP : -1;

		if (*proto < 0 || *proto >= IPPROTO_MAX)
			return -EINVAL;

		if (*type == SOCK_RAW)
			return *proto > 0 && *proto < IPPROTO_RAW ? 0 : -EPROTONOSUPPORT;
		if (want < 0)
			return -ESOCKTNOSUPPORT;
		if (*proto && *proto != want)
			return -EPROTONOSUPPORT;
		*proto = want;
		return 0;
	}
	if (family == AF_UNIX) {
		/* Protocol 0 or PF_UNIX; SOCK_RAW is taken as SOCK_DGRAM. */
		if (*proto && *proto != AF_UNIX)
			return -EPROTONOSUPPORT;
		*proto = 0;
		if (*type == SOCK_RAW)
			*type = SOCK_DGRAM;
		if (*type != SOCK_STREAM && *type != SOCK_DGRAM && *type != SOCK_SEQPACKET)
			return -ESOCKTNOSUPPORT;
		return 0;
	}
	if (family == AF_NETLINK) {
		if (*type != SOCK_RAW && *type != SOCK_DGRAM)
			return -ESOCKTNOSUPPORT;
		return *proto != NETLINK_ROUTE ? -EPROTONOSUPPORT : 0;
	}
	return -EAFNOSUPPORT;
}

/* socket's and socketpair's (domain, type, flags, protocol), checked. */
static long socket_args(int family, int *type, int flags, int *proto)
{
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	return check_type(family, type, proto);
}

long net_socket(int family, int type, int flags, int proto)
{
	long r = socket_args(family, &type, flags, &proto);

	if (r)
		return r;
	struct sock *s = sock_new(family, type, proto);

	if (s && family == AF_INET && type == SOCK_RAW) {
		set_in(&s->local, 0, 0);	/* raw sockets hear their protocol at once */
		bound_add(s);
	}
	return s ? sock_install(s, flags) : -ENOMEM;
}

/* __sys_socketpair: the flags, then the two fds are written (so the vector
 * is checked) before the sockets are made. */
long net_socketpair(int family, int type, int flags, int proto, uint64_t usv)
{
	long r;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (uaccess_ok(usv, 2 * sizeof(int32_t), PROT_WRITE))
		return -EFAULT;
	if ((r = socket_args(family, &type, flags, &proto)))
		return r;
	if (family != AF_UNIX)
		return -EOPNOTSUPP;
	struct sock *s[2] = { sock_new(family, type, proto), sock_new(family, type, proto) };
	int32_t fds[2] = { -1, -1 };

	if (!s[0] || !s[1]) {
		kfree(s[0]);
		kfree(s[1]);
		return -ENOMEM;
	}
	for (int i = 0; i < 2; i++) {
		s[i]->connected = true;
		s[i]->paired = type == SOCK_DGRAM;
		s[i]->peer = s[1 - i];
		set_unnamed(&s[i]->remote);
	}
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

static long sock_bind(struct sock *s, uint64_t uaddr, uint64_t len)
{
	struct saddr sa;
	long r;

	if ((r = addr_from_user(s, uaddr, len, &sa)))
		return r;
	if (s->family == AF_INET && s->type == SOCK_RAW) {
		if (in_addr(&sa) && !is_loopback(in_addr(&sa)))
			return -EADDRNOTAVAIL;
		set_in(&s->local, in_addr(&sa), 0);
		return 0;
	}
	if (s->bound)
		return -EINVAL;
	if (s->family == AF_INET)
		return in_bind(s, in_addr(&sa), in_port(&sa));
	if (s->family == AF_NETLINK) {
		uint32_t pid;

		memcpy(&pid, sa.b + 4, 4);
		return netlink_bind(s, pid);
	}
	return unix_bind(s, &sa);
}

static long sock_listen(struct sock *s, int backlog)
{
	long r;

	if (!is_conn(s))
		return -EOPNOTSUPP;
	if (s->connected)
		return -EINVAL;
	if (!s->bound && s->family == AF_UNIX)
		return -EINVAL;
	if ((r = autobind(s)))
		return r;
	backlog = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
	s->backlog = backlog;
	s->listening = true;
	sock_wake(s);
	return 0;
}

/* The listener a connect to sa reaches, or NULL with *err set. */
static struct sock *find_listener(struct sock *s, const struct saddr *sa, long *err)
{
	struct sock *l = NULL;

	if (s->family == AF_INET) {
		uint32_t addr = in_addr(sa) ? in_addr(sa) : LOOPBACK;

		if (!is_loopback(addr)) {
			*err = -ENETUNREACH;
			return NULL;
		}
		for (struct sock *o = bound_list; o && !l; o = o->next_bound)
			if (o->family == AF_INET && o->type == SOCK_STREAM && o->listening &&
			    in_port(&o->local) == in_port(sa) && (!in_addr(&o->local) || in_addr(&o->local) == addr))
				l = o;
		*err = l ? 0 : -ECONNREFUSED;
		return l;
	}
	l = dgram_target(s, sa, err);
	if (*err)
		return NULL;
	if (!l->listening) {
		*err = -ECONNREFUSED;
		return NULL;
	}
	return l;
}

static long conn_connect(struct sock *s, const struct saddr *sa)
{
	long r;

	if (s->connected)
		return -EISCONN;
	if (s->listening)
		return s->family == AF_INET ? -EISCONN : -EINVAL;
	struct sock *l = find_listener(s, sa, &r);

	if (!l)
		return r;
	/* A full queue: AF_UNIX waits; TCP takes up to SOMAXCONN whatever the
	 * backlog (Linux would keep retrying the handshake, never refuse). */
	if (s->family == AF_UNIX && l->nqueued > l->backlog)
		return -EAGAIN;
	if (l->nqueued >= SOMAXCONN)
		return -ECONNREFUSED;
	if ((r = connect_bind(s)))
		return r;
	struct sock *n = sock_new(s->family, s->type, s->proto);

	if (!n)
		return -ENOMEM;
	/* The server side: the listener's address as the client asked for
	 * it (a listener on 0.0.0.0 answers as 127.0.0.1), peer the client. */
	n->local = l->local;
	if (s->family == AF_INET)
		set_in(&n->local, in_addr(sa) ? in_addr(sa) : LOOPBACK, in_port(&l->local));
	n->remote = *name_of(s);
	n->passcred = l->passcred;
	n->connected = s->connected = true;
	n->peer = s;
	s->peer = n;
	s->remote = n->local;
	n->next_queued = NULL;
	struct sock **pp = &l->accq;

	while (*pp)
		pp = &(*pp)->next_queued;
	*pp = n;
	l->nqueued++;
	sock_wake(l);
	return 0;
}

static long sock_connect(struct thread *t, struct sock *s, uint64_t uaddr, uint64_t len)
{
	struct saddr sa;
	long r;

	if (len >= 2 && s->type == SOCK_DGRAM) {
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
	if (s->family == AF_UNIX && sa.len <= 2)
		return -EINVAL;
	if (is_conn(s))
		return sock_block(t, s, conn_connect(s, &sa), 0);
	if (s->family == AF_UNIX) {
		dgram_target(s, &sa, &r);
		if (r)
			return r;
	} else if (in_addr(&sa) && !is_loopback(in_addr(&sa))) {
		return -ENETUNREACH;
	}
	if ((r = connect_bind(s)))
		return r;
	s->remote = sa;
	if (s->family == AF_INET && !in_addr(&sa))
		set_in(&s->remote, LOOPBACK, in_port(&sa));
	return 0;
}

static long sock_accept(struct thread *t, struct sock *s, uint64_t uaddr, uint64_t ulen, int flags)
{
	long r;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (!is_conn(s))
		return -EOPNOTSUPP;
	if (!s->listening)
		return -EINVAL;
	struct sock *n = s->accq;

	if (!n)
		return sock_block(t, s, -EAGAIN, 0);
	s->accq = n->next_queued;
	s->nqueued--;
	/* do_accept: the address is copied out after the accept; when that
	 * fails the new socket is closed, and the connection with it. */
	if (uaddr && (r = addr_to_user(&n->remote, uaddr, ulen))) {
		sock_destroy(n);
		return r;
	}
	return sock_install(n, flags);
}

static long sock_getsockname(struct sock *s, uint64_t uaddr, uint64_t ulen)
{
	return addr_to_user(name_of(s), uaddr, ulen);
}

static long sock_getpeername(struct sock *s, uint64_t uaddr, uint64_t ulen)
{
	if (is_conn(s) ? !s->connected : !s->remote.len)
		return -ENOTCONN;
	return addr_to_user(&s->remote, uaddr, ulen);
}

/* sendto, sendmsg: the data in u (len bytes), to the address at (uaddr, alen). */
static long do_send(struct thread *t, struct sock *s, struct uio *u, size_t len, int flags, uint64_t uaddr,
		    uint64_t alen, struct ancillary **anc)
{
	struct saddr to = { 0 };
	long r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (uaddr && alen) {
		if (!is_conn(s)) {
			if ((r = addr_from_user(s, uaddr, alen, &to)))
				return r;
		} else {
			if ((int32_t)alen < 0 || alen > 128)
				return -EINVAL;
			if (copy_from_user(to.b, uaddr, alen))
				return -EFAULT;
			to.len = (uint32_t)alen;
		}
	}
	r = sock_send(s, u, len, to.len ? &to : NULL, anc);
	return sock_block(t, s, r, flags);
}

static long sock_sendto(struct thread *t, struct sock *s, uint64_t ubuf, uint64_t ulen, int flags, uint64_t uaddr,
			uint64_t alen)
{
	struct uio u;
	uint64_t len = MIN(ulen, MAX_RW_COUNT);

	/* import_ubuf: the range only; the pages when the data moves. */
	if (len && !user_span(ubuf, len))
		return -EFAULT;
	uio_single(&u, ubuf, len);
	return do_send(t, s, &u, len, flags, uaddr, alen, NULL);
}

static long sock_recvfrom(struct thread *t, struct sock *s, uint64_t ubuf, uint64_t ulen, int flags, uint64_t uaddr,
			  uint64_t ualen)
{
	struct recv_out o = { 0 };
	struct uio u;
	long r;

	uint64_t len = MIN(ulen, MAX_RW_COUNT);

	if (len && !user_span(ubuf, len))
		return -EFAULT;
	uio_single(&u, ubuf, len);
	r = sock_block(t, s, sock_recv(s, &u, len, flags, &o), flags);
	if (r < 0 || !uaddr)
		return r;
	/* The sender's name; a connected socket's receive names none (Linux:
	 * msg_namelen 0), nor does an unnamed sender's. */
	if (o.from.len && !is_conn(s)) {
		long e = addr_to_user(&o.from, uaddr, ualen);

		return e ? e : r;
	}
	int32_t zero = 0;

	return copy_to_user(ualen, &zero, sizeof(zero)) ? -EFAULT : r;
}

/* struct msghdr (include/linux/socket.h), 56 bytes on riscv64. */
struct umsghdr {
	uint64_t name;
	uint32_t namelen;
	uint32_t pad1;
	uint64_t iov, iovlen, control, controllen;
	int32_t flags;
	uint32_t pad2;
};
_Static_assert(sizeof(struct umsghdr) == 56, "struct msghdr is 56 bytes on riscv64");

static long sock_sendmsg(struct thread *t, struct sock *s, uint64_t umsg, int flags)
{
	struct umsghdr mh;
	struct ancillary *anc = NULL;
	uint64_t len;
	struct uio u;
	long r;

	if (copy_from_user(&mh, umsg, sizeof(mh)))
		return -EFAULT;
	if ((r = uio_init(&u, mh.iov, mh.iovlen, &len)))
		goto out;
	if (mh.controllen > 0x7fffffff) {
		r = -ENOBUFS;
		goto out;
	}
	if (mh.controllen) {
		anc = kzalloc(sizeof(*anc));
		if (!anc) {
			r = -ENOMEM;
			goto out;
		}
		if ((r = cmsg_parse(mh.control, mh.controllen, anc, s->family)))
			goto out;
	}
	r = do_send(t, s, &u, len, flags, mh.name, mh.namelen, &anc);
out:
	if (anc)
		anc_release(anc);
	kfree(anc);
	uio_done(&u);
	return r;
}

static long sock_recvmsg(struct thread *t, struct sock *s, uint64_t umsg, int flags)
{
	struct umsghdr mh;
	struct recv_out o = { 0 };
	uint64_t len;
	struct uio u;
	long r;

	if (copy_from_user(&mh, umsg, sizeof(mh)))
		return -EFAULT;
	if ((r = uio_init(&u, mh.iov, mh.iovlen, &len)))
		goto out;
	o.uctl = mh.control;
	o.ctl_len = mh.control ? mh.controllen : 0;
	r = sock_block(t, s, sock_recv(s, &u, len, flags, &o), flags);
	if (r < 0)
		goto out;
	/* The sender's name, what ancillary data came, and the flags
	 * (MSG_CMSG_CLOEXEC reported back, as Linux does). */
	uint32_t nlen = 0;

	if (mh.name && !is_conn(s) && o.from.len) {
		nlen = MIN(mh.namelen, o.from.len);
		if (copy_to_user(mh.name, o.from.b, nlen)) {
			r = -EFAULT;
			goto out;
		}
		nlen = o.from.len;
	}
	mh.namelen = nlen;
	mh.controllen = o.ctl_used;
	mh.flags = o.flags | (flags & MSG_CMSG_CLOEXEC);
	if (copy_to_user(umsg, &mh, sizeof(mh)))
		r = -EFAULT;
out:
	uio_done(&u);
	return r;
}

static long sock_shutdown(struct sock *s, int how)
{
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (s->family == AF_NETLINK)
		return -EOPNOTSUPP;	/* sock_no_shutdown */
	/* inet_shutdown: a listener's SHUT_WR changes nothing, and a socket
	 * with no connection (TCP_CLOSE; UDP: none set by connect) is
	 * ENOTCONN. unix_shutdown asks for no peer. */
	if (s->listening && how == SHUT_WR)
		return 0;
	if (s->family == AF_INET && !s->connected && !s->listening && !(s->type != SOCK_STREAM && s->remote.len))
		return -ENOTCONN;
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

/* ----------------------------------------------------------- socket options */

/* Options kept and read back, with their defaults (the rest: ENOPROTOOPT). */
static const struct {
	int level, name, dflt;
} kept_opts[] = {
	{ SOL_SOCKET, SO_REUSEADDR, 0 }, { SOL_SOCKET, 5 /* SO_DONTROUTE */, 0 },
	{ SOL_SOCKET, 6 /* SO_BROADCAST */, 0 }, { SOL_SOCKET, 9 /* SO_KEEPALIVE */, 0 },
	{ SOL_SOCKET, 10 /* SO_OOBINLINE */, 0 }, { SOL_SOCKET, 15 /* SO_REUSEPORT */, 0 },
	{ SOL_SOCKET, 18 /* SO_RCVLOWAT */, 1 }, { SOL_SOCKET, 12 /* SO_PRIORITY */, 0 },
	{ SOL_TCP, 1 /* TCP_NODELAY */, 0 }, { SOL_TCP, 4 /* TCP_KEEPIDLE */, 7200 },
	{ SOL_TCP, 5 /* TCP_KEEPINTVL */, 75 }, { SOL_TCP, 6 /* TCP_KEEPCNT */, 9 },
	{ SOL_TCP, 9 /* TCP_DEFER_ACCEPT */, 0 }, { SOL_TCP, 18 /* TCP_USER_TIMEOUT */, 0 },
	{ SOL_TCP, 3 /* TCP_CORK */, 0 }, { SOL_TCP, 12 /* TCP_QUICKACK */, 1 },
	{ SOL_IP, 1 /* IP_TOS */, 0 }, { SOL_IP, 2 /* IP_TTL */, 64 },
	{ SOL_IP, 33 /* IP_MULTICAST_TTL */, 1 }, { SOL_IP, 34 /* IP_MULTICAST_LOOP */, 1 },
};

static int kept_opt(int level, int name)
{
	for (int i = 0; i < (int)ARRAY_SIZE(kept_opts); i++)
		if (kept_opts[i].level == level && kept_opts[i].name == name)
			return i;
	return -1;
}

/* SO_RCVTIMEO and SO_SNDTIMEO take a struct timeval, and goose does not time
 * socket calls out by them: refused, so a program does not count on them. */
static bool timeout_opt(int level, int name)
{
	return level == SOL_SOCKET && (name == 20 || name == 21);
}

static long sock_setsockopt(struct sock *s, int level, int name, uint64_t uval, uint64_t len)
{
	int32_t val = 0;

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
	if (level != SOL_SOCKET && s->family != AF_INET)
		return -EOPNOTSUPP;
	if ((level == SOL_TCP && s->type != SOCK_STREAM) || kept_opt(level, name) < 0)
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

static long sock_getsockopt(struct sock *s, int level, int name, uint64_t uval, uint64_t ulen)
{
	int32_t len, val;
	int k = -1;

	/* Levels other than SOL_SOCKET: ip_getsockopt (do_ip_getsockopt) is
	 * EOPNOTSUPP for any but SOL_IP, unless the protocol took the level
	 * (tcp_getsockopt SOL_TCP, udp_getsockopt SOL_UDP); AF_UNIX has none. */
	if (level != SOL_SOCKET && (s->family != AF_INET || (level != SOL_IP && !(level == SOL_TCP && s->type == SOCK_STREAM) &&
							     !(level == SOL_UDP && s->type == SOCK_DGRAM))))
		return -EOPNOTSUPP;
	if (copy_from_user(&len, ulen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level == SOL_SOCKET && name == SO_PEERCRED) {
		int32_t cred[3] = { GOOSE_PID, 0, 0 };

		if (s->family != AF_UNIX || !s->connected)
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
		val = s->family;
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
	} else if (timeout_opt(level, name) || (k = kept_opt(level, name)) < 0)
		return -ENOPROTOOPT;
	else
		val = opt_get(s, level, name, kept_opts[k].dflt);
	len = MIN(len, 4);
	if (copy_to_user(uval, &val, (size_t)len) || copy_to_user(ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* The calls on a socket descriptor: each finds its socket (EBADF, ENOTSOCK)
 * first, and goes to sock_<call>. */
long net_bind(int fd, uint64_t uaddr, uint64_t len)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_bind(s, uaddr, len) : err;
}

long net_listen(int fd, int backlog)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_listen(s, backlog) : err;
}

long net_accept(struct thread *t, int fd, uint64_t uaddr, uint64_t ulen, int flags)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_accept(t, s, uaddr, ulen, flags) : err;
}

long net_connect(struct thread *t, int fd, uint64_t uaddr, uint64_t len)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_connect(t, s, uaddr, len) : err;
}

long net_getsockname(int fd, uint64_t uaddr, uint64_t ulen)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_getsockname(s, uaddr, ulen) : err;
}

long net_getpeername(int fd, uint64_t uaddr, uint64_t ulen)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_getpeername(s, uaddr, ulen) : err;
}

long net_sendto(struct thread *t, int fd, uint64_t ubuf, uint64_t len, int flags, uint64_t uaddr, uint64_t alen)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_sendto(t, s, ubuf, len, flags, uaddr, alen) : err;
}

long net_recvfrom(struct thread *t, int fd, uint64_t ubuf, uint64_t len, int flags, uint64_t uaddr, uint64_t ualen)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_recvfrom(t, s, ubuf, len, flags, uaddr, ualen) : err;
}

long net_sendmsg(struct thread *t, int fd, uint64_t umsg, int flags)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_sendmsg(t, s, umsg, flags) : err;
}

long net_recvmsg(struct thread *t, int fd, uint64_t umsg, int flags)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_recvmsg(t, s, umsg, flags) : err;
}

long net_shutdown(int fd, int how)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_shutdown(s, how) : err;
}

long net_setsockopt(int fd, int level, int name, uint64_t uval, uint64_t len)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_setsockopt(s, level, name, uval, len) : err;
}

long net_getsockopt(int fd, int level, int name, uint64_t uval, uint64_t ulen)
{
	long err;
	struct sock *s = sock_fd(fd, &err);

	return s ? sock_getsockopt(s, level, name, uval, ulen) : err;
}
