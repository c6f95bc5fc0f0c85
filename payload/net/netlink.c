/* SPDX-License-Identifier: MIT */
/*
 * AF_NETLINK, NETLINK_ROUTE, enough for "which interfaces and addresses are
 * there" (what Go's net.Interfaces and net.InterfaceAddrs ask, through
 * syscall.NetlinkRIB): a dump of RTM_GETLINK answers one RTM_NEWLINK for
 * lo, of RTM_GETADDR one RTM_NEWADDR for 127.0.0.1/8 (none for AF_INET6),
 * each dump ending in NLMSG_DONE (with a network provider: the interfaces
 * and addresses it gave, net/provider.c, and RTM_GETROUTE dumps its routes;
 * without one that dump is empty); any other request gets NLMSG_ERROR
 * EOPNOTSUPP. The answer is queued on the asking socket, from port 0 (the
 * kernel), and read as datagrams (msg.c).
 *
 * Layouts are Linux's: include/uapi/linux/netlink.h (sockaddr_nl,
 * nlmsghdr, nlmsgerr), rtnetlink.h (rtattr), if_link.h (ifinfomsg, IFLA_*),
 * if_addr.h (ifaddrmsg, IFA_*); port ids as net/netlink/af_netlink.c
 * (netlink_autobind) gives them.
 */
#include "include/uapi/errno.h"
#include "include/uapi/goose_net.h"
#include "include/uapi/netlink.h"
#include "include/uapi/socket.h"
#include "kernel/signal.h"
#include "mm/kmem.h"
#include "net/net.h"
#include "net/sock.h"

#define LO_MTU 65536

struct nlmsghdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};

struct nl_reply {
	uint8_t buf[4096];	/* lo, or the provider's NET_LINKS, NET_ADDRS or NET_ROUTES */
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

/* goose's own answer: lo and 127.0.0.1/8 (without a network provider). */
static const struct goose_net_link lo_link = {
	.kind = GOOSE_NET_LINK, .index = 1, .flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP,
	.mtu = LO_MTU, .type = ARPHRD_LOOPBACK, .addrlen = 6, .name = "lo",
};
static const struct goose_net_addr lo_addr = {
	.kind = GOOSE_NET_ADDR, .index = 1, .family = AF_INET, .prefixlen = 8, .scope = RT_SCOPE_HOST,
	.addr = { 127, 0, 0, 1 },
};

/* The interfaces and addresses there are: the provider's, or goose's lo. */
static int net_links(const struct goose_net_link **links, const struct goose_net_addr **addrs, int *naddrs)
{
	int nlinks = net_provider_links(links, addrs, naddrs);

	if (nlinks >= 0)
		return nlinks;
	*links = &lo_link;
	*addrs = &lo_addr;
	*naddrs = 1;
	return 1;
}

/*
 * /proc/net/igmp and /proc/net/igmp6: the multicast groups each interface
 * is in, as Linux's igmp_mc_seq_show and igmp6_mc_seq_show print them
 * (net/ipv4/igmp.c, net/ipv6/mcast.c), which Go's Interface.MulticastAddrs
 * reads. An interface with an IPv4 address is in 224.0.0.1 (all hosts),
 * one with IPv6 in ff02::1 and ff01::1 (all nodes) and in the
 * solicited-node group ff02::1:ffXX:XXXX of each of its addresses.
 */
static bool has_family(const struct goose_net_addr *addrs, int naddrs, int index, int family)
{
	for (int i = 0; i < naddrs; i++)
		if (addrs[i].index == index && addrs[i].family == family)
			return true;
	return false;
}

size_t net_igmp_text(char *buf, size_t size)
{
	const struct goose_net_link *links;
	const struct goose_net_addr *addrs;
	int naddrs, nlinks = net_links(&links, &addrs, &naddrs);
	struct pbuf pb = { buf, 0, size };

	pp(&pb, "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n");
	for (int i = 0; i < nlinks; i++) {
		if (!has_family(addrs, naddrs, links[i].index, AF_INET))
			continue;
		/* The group in the kernel's byte order (little-endian): 224.0.0.1. */
		pp(&pb, "%d\t%-10s:     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n", links[i].index,
		   links[i].name);
	}
	return pb.n;
}

static void igmp6_line(struct pbuf *pb, const struct goose_net_link *l, const uint8_t g[16])
{
	pp(pb, "%-4d %-15s ", l->index, l->name);
	for (int k = 0; k < 16; k++)
		pp(pb, "%02x", g[k]);
	pp(pb, "     1 00000004 0\n");
}

size_t net_igmp6_text(char *buf, size_t size)
{
	const struct goose_net_link *links;
	const struct goose_net_addr *addrs;
	int naddrs, nlinks = net_links(&links, &addrs, &naddrs);
	struct pbuf pb = { buf, 0, size };

	if (size)
		buf[0] = 0;
	for (int i = 0; i < nlinks; i++) {
		uint8_t g[16] = { 0xff, 0x02 };

		if (!has_family(addrs, naddrs, links[i].index, AF_INET6))
			continue;
		g[15] = 1;
		igmp6_line(&pb, &links[i], g);
		g[1] = 0x01;
		igmp6_line(&pb, &links[i], g);
		for (int k = 0; k < naddrs; k++) {
			const struct goose_net_addr *ad = &addrs[k];
			uint8_t sn[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

			if (ad->index != links[i].index || ad->family != AF_INET6 || ad->scope == RT_SCOPE_HOST)
				continue;
			memcpy(sn + 13, ad->addr + 13, 3);
			igmp6_line(&pb, &links[i], sn);
		}
	}
	return pb.n;
}

static void nl_answer(const struct nlmsghdr *q, const uint8_t *body, size_t n, struct nl_reply *r)
{
	const struct goose_net_link *links;
	const struct goose_net_addr *addrs;
	int naddrs, nlinks = net_links(&links, &addrs, &naddrs);

	r->seq = q->seq;
	if (q->type == RTM_GETLINK) {
		for (int i = 0; i < nlinks; i++) {
			/* struct ifinfomsg: family, pad, type, index, flags, change. */
			const struct goose_net_link *l = &links[i];
			uint8_t info[16] = { 0 };

			memcpy(info + 2, &l->type, 2);
			memcpy(info + 4, &l->index, 4);
			memcpy(info + 8, &l->flags, 4);
			uint8_t *m = nl_msg(r, RTM_NEWLINK, NLM_F_MULTI, info, sizeof(info));

			nl_attr(r, m, IFLA_IFNAME, l->name, strlen(l->name) + 1);
			nl_attr(r, m, IFLA_MTU, &l->mtu, 4);
			nl_attr(r, m, IFLA_ADDRESS, l->addr, MIN(l->addrlen, sizeof(l->addr)));
		}
	} else if (q->type == RTM_GETADDR) {
		/* struct ifaddrmsg: family, prefixlen, flags, scope, index. */
		uint8_t family = n ? body[0] : AF_UNSPEC;

		for (int i = 0; i < naddrs; i++) {
			const struct goose_net_addr *ad = &addrs[i];
			size_t alen = ad->family == AF_INET6 ? 16 : 4;
			uint8_t info[8] = { ad->family, ad->prefixlen, IFA_F_PERMANENT, ad->scope, 0, 0, 0, 0 };
			const char *label = NULL;

			if (family != AF_UNSPEC && family != ad->family)
				continue;
			memcpy(info + 4, &ad->index, 4);
			for (int k = 0; k < nlinks; k++)
				if (links[k].index == ad->index)
					label = links[k].name;
			uint8_t *m = nl_msg(r, RTM_NEWADDR, NLM_F_MULTI, info, sizeof(info));

			nl_attr(r, m, IFA_ADDRESS, ad->addr, alen);
			if (ad->family == AF_INET) {
				nl_attr(r, m, IFA_LOCAL, ad->addr, alen);
				if (label)
					nl_attr(r, m, IFA_LABEL, label, strlen(label) + 1);
			}
		}
	} else if (q->type == RTM_GETROUTE) {
		/* The main table: the provider's routes (goose's own loopback has none there). */
		const struct goose_net_route *routes;
		int nroutes = net_provider_routes(&routes);
		uint8_t family = n ? body[0] : AF_UNSPEC;
		static const uint8_t zero[16];

		for (int i = 0; i < nroutes; i++) {
			/* struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags. */
			const struct goose_net_route *rt = &routes[i];
			size_t alen = rt->family == AF_INET6 ? 16 : 4;
			uint8_t info[12] = { rt->family, rt->dst_len, 0, 0, RT_TABLE_MAIN, rt->protocol, rt->scope,
					     1 /* RTN_UNICAST */ };
			uint32_t table = RT_TABLE_MAIN;

			if (family != AF_UNSPEC && family != rt->family)
				continue;
			uint8_t *m = nl_msg(r, RTM_NEWROUTE, NLM_F_MULTI, info, sizeof(info));

			nl_attr(r, m, RTA_TABLE, &table, 4);
			if (rt->dst_len)
				nl_attr(r, m, RTA_DST, rt->dst, alen);
			if (memcmp(rt->gateway, zero, alen))
				nl_attr(r, m, RTA_GATEWAY, rt->gateway, alen);
			if (memcmp(rt->prefsrc, zero, alen))
				nl_attr(r, m, RTA_PREFSRC, rt->prefsrc, alen);
			nl_attr(r, m, RTA_OIF, &rt->index, 4);
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
static long netlink_bind_pid(struct sock *s, uint32_t pid)
{
	static uint32_t next_auto = UINT32_MAX - 4095;

	for (const struct sock *o = sock_bound; pid && o; o = o->next_bound)
		if (o->ops->family == AF_NETLINK && nl_port(o) == pid)
			return -EADDRINUSE;
	while (!pid) {
		pid = GOOSE_PID;
		for (const struct sock *o = sock_bound; pid && o; o = o->next_bound)
			if (o->ops->family == AF_NETLINK && nl_port(o) == pid)
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

/* Requests (one or more nlmsghdrs) in u; the answers go to s itself. */
static long netlink_sendmsg(struct sock *s, struct uio *u, size_t len, const struct saddr *to,
			    struct ancillary **anc)
{
	uint8_t req[256];
	size_t off = 0, n = MIN(len, sizeof(req));
	long r = sock_autobind(s);

	(void)to;
	(void)anc;
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

/* A sockaddr_nl: 12 bytes (more are ignored), of family AF_NETLINK. */
static long netlink_addr_in(uint64_t uaddr, uint64_t len, struct saddr *a)
{
	if (len < 12)
		return -EINVAL;
	return addr_copy_in(uaddr, 12, a, AF_NETLINK, -EINVAL);
}

static long netlink_bind(struct sock *s, const struct saddr *a)
{
	uint32_t pid;

	if (s->bound)
		return -EINVAL;
	memcpy(&pid, a->b + 4, 4);
	return netlink_bind_pid(s, pid);
}

static long netlink_autobind(struct sock *s)
{
	return netlink_bind_pid(s, 0);
}

/*
 * connect sets the default destination. goose has always checked its
 * nl_pid as the AF_INET datagram connect checks an address: read as an
 * IPv4 address (its bytes in order), one outside 127.0.0.0/8 is
 * ENETUNREACH, so only port id 0 and those whose low byte is 127 connect
 * (Linux's netlink_connect takes any); kept so.
 */
static long netlink_connect(struct sock *s, const struct saddr *sa)
{
	uint32_t pid_as_ip = be32_load(sa->b + 4);
	long r;

	if (pid_as_ip && pid_as_ip >> 24 != 127)
		return -ENETUNREACH;
	if ((r = sock_autobind(s)))
		return r;
	s->remote = *sa;
	return 0;
}

/* getsockname before bind: goose has always answered the unnamed AF_UNIX
 * address here (Linux: a sockaddr_nl with port id 0); kept so. */
static const struct saddr netlink_unnamed = { .len = 2, .b = { AF_UNIX } };

#define NETLINK_OPS                          \
	.family = AF_NETLINK,                \
	.scm = true,                         \
	.unnamed = &netlink_unnamed,         \
	.addr_in = netlink_addr_in,          \
	.bind = netlink_bind,                \
	.autobind = netlink_autobind,        \
	.connect = netlink_connect,          \
	.sendmsg = netlink_sendmsg,          \
	.recvmsg = dgram_recv

/* SOCK_RAW and SOCK_DGRAM differ in one thing: only SOCK_DGRAM takes a
 * connect to AF_UNSPEC (as goose always has). */
static const struct proto_ops netlink_raw_ops = { NETLINK_OPS };
static const struct proto_ops netlink_dgram_ops = { NETLINK_OPS, .unspec_disconnects = true };

/* netlink_create: SOCK_RAW or SOCK_DGRAM, NETLINK_ROUTE only. */
static long netlink_create(int *type, int *proto, const struct proto_ops **ops)
{
	if (*type != SOCK_RAW && *type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	*ops = *type == SOCK_RAW ? &netlink_raw_ops : &netlink_dgram_ops;
	return *proto != NETLINK_ROUTE ? -EPROTONOSUPPORT : 0;
}

const struct net_family netlink_family = { AF_NETLINK, netlink_create };
