/* SPDX-License-Identifier: MIT */
/*
 * What AF_INET's files share (inet.c: TCP and UDP; raw.c: raw IPv4): the
 * sockaddr_in (include/uapi/linux/in.h: family, port and address in
 * network order, 8 bytes of zero) and the loopback network, 127.0.0.0/8.
 */
#ifndef GOOSE_NET_INET_H
#define GOOSE_NET_INET_H

#include "net/sock.h"

#define LOOPBACK 0x7f000001u

static inline uint16_t in_port(const struct saddr *a)
{
	return (uint16_t)(a->b[2] << 8 | a->b[3]);
}

static inline uint32_t in_addr(const struct saddr *a)
{
	return be32_load(a->b + 4);
}

static inline void set_in(struct saddr *a, uint32_t addr, uint16_t port)
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

static inline bool is_loopback(uint32_t addr)
{
	return addr >> 24 == 127;
}

/* What the AF_INET ops share (inet.c): the unnamed address 0.0.0.0:0, the
 * kept IP and TCP options, sockaddr_in checking, UDP's connect, shutdown. */
#define INET_NOPTS 12
extern const struct saddr inet_unnamed;
extern const struct sock_opt inet_opts[INET_NOPTS];
extern const struct proto_ops raw_ops;
long inet_addr_in(uint64_t uaddr, uint64_t len, struct saddr *a);
long inet_dgram_connect(struct sock *s, const struct saddr *sa);
long inet_shutdown(struct sock *s, int how);

#endif
