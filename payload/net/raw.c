/* SPDX-License-Identifier: MIT */
/*
 * Raw IPv4 sockets (AF_INET, SOCK_RAW, one protocol), as Linux's
 * net/ipv4/raw.c with only the loopback interface: what one sends gets an
 * IPv4 header (RFC 791: no options, TTL 64, the header checksum) and goes
 * to every raw socket of its protocol whose bound and connected addresses
 * let it through (raw_v4_input), header and all. An ICMP echo request
 * (RFC 792, type 8) is answered as the loopback interface's ICMP would
 * (icmp_echo): an echo reply, type 0, to the same raw sockets. That is
 * enough for a ping to 127.0.0.1.
 *
 * A raw socket hears its protocol from the moment it is made: it is bound
 * (to 0.0.0.0, no port) at once; bind only narrows the address.
 */
#include "include/uapi/errno.h"
#include "include/uapi/socket.h"
#include "mm/kmem.h"
#include "net/inet.h"
#include "net/sock.h"

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
	for (struct sock *o = sock_bound; o; o = o->next_bound) {
		if (o->ops != &raw_ops || o->proto != pkt[9] ||
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
static long raw_sendmsg(struct sock *s, struct uio *u, size_t len, const struct saddr *to, struct ancillary **anc)
{
	static uint16_t ip_id;
	const struct saddr *a = to && to->len ? to : s->remote.len ? &s->remote : NULL;

	(void)anc;
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

/* Raw sockets hear their protocol at once. */
static void raw_init(struct sock *s)
{
	set_in(&s->local, 0, 0);
	bound_add(s);
}

/* Bound from the start: bind sets the address the socket hears on, again
 * and again. */
static long raw_bind(struct sock *s, const struct saddr *a)
{
	if (in_addr(a) && !is_loopback(in_addr(a)))
		return -EADDRNOTAVAIL;
	set_in(&s->local, in_addr(a), 0);
	return 0;
}

static bool raw_level(int level)
{
	return level == SOL_IP;
}

const struct proto_ops raw_ops = {
	.family = AF_INET,
	.unnamed = &inet_unnamed,
	.opt_level = raw_level,
	.opts = inet_opts,
	.nopts = INET_NOPTS,
	.init = raw_init,
	.addr_in = inet_addr_in,
	.bind = raw_bind,
	.connect = inet_dgram_connect,
	.sendmsg = raw_sendmsg,
	.recvmsg = dgram_recv,
	.shutdown = inet_shutdown,
};
