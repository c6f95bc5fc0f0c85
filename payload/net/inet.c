/* SPDX-License-Identifier: MIT */
/*
 * AF_INET: TCP and UDP on the loopback network, 127.0.0.0/8, as Linux's
 * net/ipv4/af_inet.c (inet_create choosing the ops from inetsw_array,
 * inet_stream_ops, inet_dgram_ops), tcp.c and udp.c would answer them with
 * only the loopback interface up. Binding to 0.0.0.0 means loopback too; a
 * connected socket's own address is 127.0.0.1 (the loopback route's source).
 *
 * Ports: bind takes the one asked for unless another socket of the same
 * protocol has it on an overlapping address (inet_csk_get_port; TCP
 * sockets with SO_REUSEADDR share one that no one listens on), port 0 the
 * next free ephemeral one (net.ipv4.ip_local_port_range, 32768-60999).
 *
 * TCP's connect completes at once (stream.c); what it sends after its peer
 * closed, it sends once (the peer answers with a reset), then EPIPE. UDP
 * sends a datagram to the socket bound to its port, or to no one (lost; a
 * connected sender hears ECONNREFUSED at its next call, as from the ICMP
 * port unreachable); a full receive queue drops it.
 *
 * Layouts are Linux's: include/uapi/linux/in.h (sockaddr_in, IPPROTO_*,
 * IP_*), include/uapi/linux/tcp.h (TCP_*).
 */
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/socket.h"
#include "net/inet.h"
#include "net/net.h"
#include "net/sock.h"

#define EPHEMERAL_LO 32768
#define EPHEMERAL_HI 60999
/* The largest UDP payload in an IPv4 datagram. */
#define UDP_MAX 65507

static const struct proto_ops tcp_ops, udp_ops;
static uint16_t next_port = EPHEMERAL_LO;
/* The bytes TCP and UDP carried over loopback (sent, and so received):
 * /proc/net/netstat's IpExt InOctets and OutOctets, payloads only (no
 * headers: goose makes no packets). */
static uint64_t ip_octets_out, ip_octets_in;

static long count_octets(long sent, bool delivered)
{
	if (sent > 0) {
		ip_octets_out += (uint64_t)sent;
		if (delivered)
			ip_octets_in += (uint64_t)sent;
	}
	return sent;
}

/* net/ipv4/proc.c's netstat_seq_show: a line of names, a line of values,
 * for IpExt (snmp4_ipextstats_list's order); TcpExt is left out (procfs
 * parsers take the sections they find). */
static size_t netstat_text(char *buf, size_t size)
{
	int n = snprintf(buf, size,
			 "IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts "
			 "InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors "
			 "InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReuseportCheck\n"
			 "IpExt: 0 0 0 0 0 0 %lu %lu 0 0 0 0 0 0 0 0 0 0\n",
			 ip_octets_in, ip_octets_out);

	return n < 0 ? 0 : MIN((size_t)n, size - 1);
}

int net_procfs_init(void)
{
	return procfs_add_text("/proc/1/net/netstat", netstat_text) || procfs_add_text("/proc/1/net/igmp", net_igmp_text) ||
	       procfs_add_text("/proc/1/net/igmp6", net_igmp6_text);
}

const struct saddr inet_unnamed = { .len = 16, .b = { AF_INET } };

/* A sockaddr_in: 16 bytes (more are ignored), of family AF_INET
 * (EAFNOSUPPORT otherwise); sin_zero is not looked at. */
long inet_addr_in(uint64_t uaddr, uint64_t len, struct saddr *a)
{
	long r;

	if (len < 16)
		return -EINVAL;
	if ((r = addr_copy_in(uaddr, 16, a, AF_INET, -EAFNOSUPPORT)))
		return r;
	memset(a->b + 8, 0, 8);
	return 0;
}

/* ---------------------------------------------------------------- binding */

/* Would s, bound to (addr, port), clash with a socket already bound (of
 * its protocol: same ops)? */
static bool in_port_busy(const struct sock *s, uint32_t addr, uint16_t port)
{
	for (const struct sock *o = sock_bound; o; o = o->next_bound) {
		if (o == s || o->ops != s->ops || in_port(&o->local) != port)
			continue;
		uint32_t oa = in_addr(&o->local);

		if (oa && addr && oa != addr)
			continue;
		/* SO_REUSEADDR on both: TCP may share a port no one listens on. */
		if (s->ops == &tcp_ops && !o->listening && sock_opt_get(s, SOL_SOCKET, SO_REUSEADDR, 0) &&
		    sock_opt_get(o, SOL_SOCKET, SO_REUSEADDR, 0))
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

static long inet_bind(struct sock *s, const struct saddr *a)
{
	if (s->bound)
		return -EINVAL;
	return in_bind(s, in_addr(a), in_port(a));
}

/* A socket that sends or connects unbound gets an ephemeral port. */
static long inet_autobind(struct sock *s)
{
	return in_bind(s, 0, 0);
}

/* A connected AF_INET socket's address is a real one: the source address
 * of the loopback route (Linux fills in 0.0.0.0 at connect). */
static long inet_connect_bind(struct sock *s)
{
	long r = sock_autobind(s);

	if (!r && !in_addr(&s->local))
		set_in(&s->local, LOOPBACK, in_port(&s->local));
	return r;
}

/* The address a datagram from s carries. */
static void inet_sender(const struct sock *s, struct saddr *from)
{
	*from = *sock_name(s);
	if (!in_addr(from))
		set_in(from, LOOPBACK, in_port(from));
}

/* ------------------------------------------------------------- connect */

/* The listener a TCP connect to sa reaches, or NULL with *err set. */
static struct sock *tcp_listener(const struct saddr *sa, long *err)
{
	uint32_t addr = in_addr(sa) ? in_addr(sa) : LOOPBACK;

	if (!is_loopback(addr)) {
		*err = -ENETUNREACH;
		return NULL;
	}
	for (struct sock *o = sock_bound; o; o = o->next_bound) {
		if (o->ops == &tcp_ops && o->listening && in_port(&o->local) == in_port(sa) &&
		    (!in_addr(&o->local) || in_addr(&o->local) == addr)) {
			*err = 0;
			return o;
		}
	}
	*err = -ECONNREFUSED;
	return NULL;
}

static long tcp_connect(struct sock *s, const struct saddr *sa)
{
	struct saddr local;
	long r;

	if (s->connected || s->listening)
		return -EISCONN;
	struct sock *l = tcp_listener(sa, &r);

	if (!l)
		return r;
	/* TCP takes up to SOMAXCONN whatever the backlog (Linux would keep
	 * retrying the handshake, never refuse). */
	if (l->nqueued >= SOMAXCONN)
		return -ECONNREFUSED;
	if ((r = inet_connect_bind(s)))
		return r;
	/* The server side answers from the address the client asked for (a
	 * listener on 0.0.0.0 answers as 127.0.0.1). */
	set_in(&local, in_addr(sa) ? in_addr(sa) : LOOPBACK, in_port(&l->local));
	return stream_connect(s, l, &local);
}

/* UDP and raw: the address datagrams go to by default. */
long inet_dgram_connect(struct sock *s, const struct saddr *sa)
{
	long r;

	if (in_addr(sa) && !is_loopback(in_addr(sa)))
		return -ENETUNREACH;
	if ((r = inet_connect_bind(s)))
		return r;
	s->remote = *sa;
	if (!in_addr(sa))
		set_in(&s->remote, LOOPBACK, in_port(sa));
	return 0;
}

/* ---------------------------------------------------------------- send */

static long tcp_sendmsg(struct sock *s, struct uio *u, size_t len, const struct saddr *to, struct ancillary **anc)
{
	(void)to;
	if (s->wr_shut || !s->connected)
		return -EPIPE;
	if (s->err)
		return sock_error(s);	/* a reset came: the write reports it */
	struct sock *dst = s->peer;

	if (!dst && !s->wrote_after_close) {
		/* TCP takes the first write after the peer closed (the peer
		 * answers it with a reset); later ones get EPIPE. */
		s->wrote_after_close = true;
		return (long)len;
	}
	if (!dst || dst->rd_shut)
		return -EPIPE;
	return count_octets(stream_send(dst, u, len, anc), true);
}

/* The socket a datagram to a goes to: NULL (with *err 0) when nobody
 * listens, and the datagram is lost. */
static struct sock *udp_target(const struct saddr *a, long *err)
{
	uint32_t addr = in_addr(a);
	uint16_t port = in_port(a);

	*err = 0;
	if (addr && !is_loopback(addr)) {
		*err = -ENETUNREACH;
		return NULL;
	}
	for (struct sock *o = sock_bound; o; o = o->next_bound)
		if (o->ops == &udp_ops && in_port(&o->local) == port &&
		    (!in_addr(&o->local) || !addr || in_addr(&o->local) == addr))
			return o;
	return NULL;
}

static long udp_sendmsg(struct sock *s, struct uio *u, size_t len, const struct saddr *to, struct ancillary **anc)
{
	struct saddr from;
	struct sock *dst;
	long r;

	/* An error heard since (ECONNREFUSED) is this call's: sock_alloc_send_pskb. */
	if (s->err)
		return sock_error(s);
	if (s->wr_shut)
		return -EPIPE;
	if (!to || !to->len) {
		if (!s->remote.len)
			return -EDESTADDRREQ;
		to = &s->remote;
	}
	if ((r = sock_autobind(s)))
		return r;
	dst = udp_target(to, &r);
	if (r)
		return r;
	/* A socket connected to another port takes nothing from s: dropped. */
	inet_sender(s, &from);
	if (dst && dst->remote.len && in_port(&dst->remote) != in_port(&from))
		dst = NULL;
	if ((r = dgram_check(u, len, UDP_MAX)))
		return r;
	if (!dst) {
		/* UDP to no one: sent, and lost. A connected socket hears of it
		 * (Linux: from the ICMP port unreachable) at its next call. */
		if (s->remote.len && to == &s->remote) {
			s->err = ECONNREFUSED;
			sock_wake(s);
		}
		return count_octets((long)len, false);
	}
	r = dgram_deliver(dst, u, len, &from, anc);
	/* A full queue drops the datagram: sent, and lost. */
	return r == -EAGAIN ? count_octets((long)len, false) : count_octets(r, true);
}

/* inet_shutdown: a listener's SHUT_WR changes nothing, and a socket with no
 * connection (TCP_CLOSE; UDP: none set by connect) is ENOTCONN. */
long inet_shutdown(struct sock *s, int how)
{
	if (s->listening && how == SHUT_WR)
		return 0;
	if (!s->connected && !s->listening && (s->ops->conn || !s->remote.len))
		return -ENOTCONN;
	return sock_shut(s, how);
}

/* ------------------------------------------------------------- options */

/* IP and TCP options kept and read back, with their defaults. */
const struct sock_opt inet_opts[INET_NOPTS] = {
	{ SOL_TCP, 1 /* TCP_NODELAY */, 0 }, { SOL_TCP, 4 /* TCP_KEEPIDLE */, 7200 },
	{ SOL_TCP, 5 /* TCP_KEEPINTVL */, 75 }, { SOL_TCP, 6 /* TCP_KEEPCNT */, 9 },
	{ SOL_TCP, 9 /* TCP_DEFER_ACCEPT */, 0 }, { SOL_TCP, 18 /* TCP_USER_TIMEOUT */, 0 },
	{ SOL_TCP, 3 /* TCP_CORK */, 0 }, { SOL_TCP, 12 /* TCP_QUICKACK */, 1 },
	{ SOL_IP, 1 /* IP_TOS */, 0 }, { SOL_IP, 2 /* IP_TTL */, 64 },
	{ SOL_IP, 33 /* IP_MULTICAST_TTL */, 1 }, { SOL_IP, 34 /* IP_MULTICAST_LOOP */, 1 },
};

/* ip_setsockopt and ip_getsockopt take SOL_IP, and give the protocol's
 * level to it (tcp_setsockopt, udp_getsockopt). */
static bool tcp_level(int level)
{
	return level == SOL_IP || level == SOL_TCP;
}

static bool udp_level(int level)
{
	return level == SOL_IP || level == SOL_UDP;
}

/* ------------------------------------------------------------ creation */

static const struct proto_ops tcp_ops = {
	.family = AF_INET,
	.conn = true,
	.stream = true,
	.recv_notconn = -ENOTCONN,
	.unnamed = &inet_unnamed,
	.opt_level = tcp_level,
	.opts = inet_opts,
	.nopts = INET_NOPTS,
	.addr_in = inet_addr_in,
	.bind = inet_bind,
	.autobind = inet_autobind,
	.connect = tcp_connect,
	.listen = stream_listen,
	.sendmsg = tcp_sendmsg,
	.recvmsg = stream_recv,
	.shutdown = inet_shutdown,
};

static const struct proto_ops udp_ops = {
	.family = AF_INET,
	.unspec_disconnects = true,
	.unnamed = &inet_unnamed,
	.opt_level = udp_level,
	.opts = inet_opts,
	.nopts = INET_NOPTS,
	.addr_in = inet_addr_in,
	.bind = inet_bind,
	.autobind = inet_autobind,
	.connect = inet_dgram_connect,
	.sendmsg = udp_sendmsg,
	.recvmsg = dgram_recv,
	.shutdown = inet_shutdown,
};

/* As inetsw_array: each type's protocol and ops; raw sockets take any
 * protocol but 0 and IPPROTO_RAW. */
static const struct {
	int type, proto;
	const struct proto_ops *ops;
} inetsw[] = {
	{ SOCK_STREAM, IPPROTO_TCP, &tcp_ops },
	{ SOCK_DGRAM, IPPROTO_UDP, &udp_ops },
	{ SOCK_RAW, IPPROTO_IP, &raw_ops },
};

static long inet_create(int *type, int *proto, const struct proto_ops **ops)
{
	if (*proto < 0 || *proto >= IPPROTO_MAX)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(inetsw); i++) {
		if (inetsw[i].type != *type)
			continue;
		*ops = inetsw[i].ops;
		if (inetsw[i].proto == IPPROTO_IP)
			return *proto > 0 && *proto < IPPROTO_RAW ? 0 : -EPROTONOSUPPORT;
		if (*proto && *proto != inetsw[i].proto)
			return -EPROTONOSUPPORT;
		*proto = inetsw[i].proto;
		return 0;
	}
	return -ESOCKTNOSUPPORT;
}

const struct net_family inet_family = { AF_INET, inet_create };
