/* SPDX-License-Identifier: MIT */
/*
 * goose's network provider interface: how a Go package in the program (a
 * TCP/IP stack over a NIC driver, go-kernel/net) serves the program's
 * internet sockets. This is goose's own ABI, not Linux's; the Go side
 * mirrors it in go-kernel/net/stack/abi.go, and docs/networking.md tells
 * the whole story.
 *
 * 1. The provider registers: system call GOOSE_NR_NET_PROVIDER (a0 =
 *    GOOSE_NET_VERSION, a1 = 0) returns a descriptor, the provider file
 *    (O_NONBLOCK, close-on-exec). One provider at a time: EBUSY. From then
 *    on every socket(AF_INET or AF_INET6, SOCK_STREAM or SOCK_DGRAM) the
 *    program makes is a provider socket; sockets made before stay goose's
 *    own (the loopback-only layer of net/), and so do SOCK_RAW ones.
 *
 * 2. Requests: each system call on a provider socket (bind, listen,
 *    accept, accept4, connect, sendto, recvfrom, setsockopt, getsockopt,
 *    shutdown, sendmsg, recvmsg, read, write, readv, writev, sendfile with
 *    the socket as out_fd (the provider reads in_fd itself, and moves
 *    *offset or in_fd's position by what it sent), and ioctl requests
 *    other than FIOCLEX, FIONCLEX and FIONBIO) becomes one struct
 *    goose_net_req, which the provider reads from the provider file (whole
 *    records; EAGAIN when there is none; EPOLLIN when there is). The calling
 *    thread waits in goose, signals or not, until the reply. The request is
 *    the system call itself: its Linux riscv64 number and the six arguments
 *    as the program gave them; pointers are the program's own addresses
 *    (the provider runs in the same address space, and reads and writes the
 *    program's buffers, sockaddrs, msghdrs and iovecs itself, as Linux
 *    would, with Linux's layouts). goose checks nothing of them: a bad
 *    pointer is the provider's EFAULT to give.
 *
 *    Three calls never wait for the provider, because Go makes them with
 *    RawSyscall (its P stays taken: at GOMAXPROCS 1 nothing could run the
 *    provider): socket, getsockname and getpeername. goose answers socket
 *    itself (the family, type and protocol checked as Linux's inet_create)
 *    and sends the provider a request with id 0 and nr socket (no reply;
 *    a socket the provider cannot make answers its error to each later
 *    call). It answers getsockname and getpeername from the names the
 *    provider gave in NAME records (none: the family's unspecified address,
 *    and ENOTCONN for the peer). So a provider must give a name before the
 *    REPLY or READY that lets the program see it: the local name after a
 *    bind, listen, connect or send that names the socket, the peer's once
 *    a connection is established (not while it is in progress: Linux's
 *    getpeername is then ENOTCONN), both for an accepted socket.
 *
 *    Requests come in the order the calls were made; socket and close ones
 *    must be taken in that order (a request may name a socket whose socket
 *    request came just before it).
 *
 *    The provider answers every request as a non-blocking call would be
 *    answered (EAGAIN, EINPROGRESS, EALREADY): goose itself makes a
 *    blocking socket wait, for the socket's readiness to change, and sends
 *    the call again. A connect that goose waited for and that the provider
 *    then answers EISCONN returns 0.
 *
 *    A close sends a request with id 0 (no reply is awaited) and nr
 *    GOOSE_NET_CLOSE: the handle is not used again.
 *
 * 3. Records back: the provider writes records of 64 bytes (whole records;
 *    the write returns the bytes taken, or the first record's error: EINVAL
 *    for a kind goose does not know, ENOENT for a reply to no request). A
 *    REPLY completes a request; a READY tells a socket's readiness
 *    (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP and the *NORM bits,
 *    as Linux's poll of the socket would), which is what poll, select and
 *    epoll see of it; a NAME tells a socket's own or peer name; LINK,
 *    ADDR and ROUTE tell the interfaces, addresses and routes netlink
 *    reports (net.Interfaces; RTM_GETROUTE dumps), replacing goose's own
 *    loopback-only answer from the first LINK on; IFRESET forgets them.
 *
 * Handles are goose's: it names each provider socket with a handle (never
 * 0, never reused) before the provider hears of it, in the socket or accept
 * request that makes it (newsock), so READY and NAME records for it may
 * come at once. Records for a handle goose no longer has are dropped.
 *
 * Readiness snapshots carry a number, seq, increasing per socket: goose
 * keeps the one with the highest. A provider that takes seq before it looks
 * at the socket, at every change of the socket and after every call, leaves
 * goose with the newest state whatever order its records arrive in.
 */
#ifndef GOOSE_UAPI_GOOSE_NET_H
#define GOOSE_UAPI_GOOSE_NET_H

#include <stdint.h>

#define GOOSE_NR_NET_PROVIDER 0x1001
#define GOOSE_NET_VERSION 1

/* Not a system call number: the socket's last descriptor was closed. */
#define GOOSE_NET_CLOSE 0xffffffffu

/* goose_net_req.flags */
#define GOOSE_NET_NONBLOCK 1u	/* the descriptor is O_NONBLOCK (for the provider's information) */

struct goose_net_req {
	uint64_t id;		/* the reply's id; 0: no reply awaited */
	uint32_t nr;		/* Linux riscv64 system call number, or GOOSE_NET_CLOSE */
	uint32_t flags;		/* GOOSE_NET_* */
	uint64_t sock;		/* the socket's handle (socket: 0) */
	uint64_t newsock;	/* socket, accept, accept4: the handle of the socket it makes */
	uint64_t a[6];		/* the arguments as the program gave them (a[0]: its fd) */
};

enum goose_net_kind {
	GOOSE_NET_REPLY = 1,
	GOOSE_NET_READY = 2,
	GOOSE_NET_LINK = 3,
	GOOSE_NET_ADDR = 4,
	GOOSE_NET_IFRESET = 5,
	GOOSE_NET_NAME = 6,
	GOOSE_NET_ROUTE = 7,
};

struct goose_net_rec {
	uint32_t kind;		/* enum goose_net_kind */
	uint32_t events;	/* REPLY, READY: the socket's readiness (EPOLL* bits) */
	uint64_t sock;		/* REPLY, READY: the socket's handle (REPLY: 0 for none) */
	uint64_t seq;		/* REPLY, READY: the readiness snapshot's number; 0: events says nothing */
	uint64_t id;		/* REPLY: the request's id */
	int64_t result;		/* REPLY: what the call returns: >= 0, or -errno (socket, accept: 0) */
	uint8_t pad[24];
};

/* GOOSE_NET_NAME: a socket's name (getsockname) or its peer's (getpeername). */
struct goose_net_name {
	uint32_t kind;
	uint32_t peer;		/* 0: the socket's own name, 1: its peer's */
	uint64_t sock;
	uint32_t len;		/* bytes of addr: 16 (sockaddr_in), 28 (sockaddr_in6); 0: none */
	uint8_t addr[28];	/* the sockaddr, as Linux's getsockname writes it */
	uint8_t pad[16];
};

/* GOOSE_NET_LINK: one interface, as RTM_NEWLINK tells it. */
struct goose_net_link {
	uint32_t kind;
	int32_t index;		/* ifindex, from 1 */
	uint32_t flags;		/* IFF_* */
	uint32_t mtu;
	uint16_t type;		/* ARPHRD_ETHER 1, ARPHRD_LOOPBACK 772 */
	uint8_t addrlen;	/* bytes of addr used (6 for Ethernet) */
	uint8_t pad0;
	uint8_t addr[8];
	char name[16];		/* NUL-terminated */
	uint8_t pad[20];
};

/* GOOSE_NET_ADDR: one address of an interface, as RTM_NEWADDR tells it. */
struct goose_net_addr {
	uint32_t kind;
	int32_t index;		/* its interface */
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t prefixlen;
	uint8_t scope;		/* RT_SCOPE_UNIVERSE 0, RT_SCOPE_LINK 253, RT_SCOPE_HOST 254 */
	uint8_t pad0;
	uint8_t addr[16];	/* 4 bytes used for AF_INET */
	uint8_t pad[36];
};

/* GOOSE_NET_ROUTE: one route of the main table, as RTM_NEWROUTE tells it. */
struct goose_net_route {
	uint32_t kind;
	int32_t index;		/* the interface it goes out of (RTA_OIF) */
	uint8_t family;		/* AF_INET, AF_INET6 */
	uint8_t dst_len;	/* the destination's prefix length (0: default route) */
	uint8_t scope;		/* RT_SCOPE_UNIVERSE 0 (through a gateway), RT_SCOPE_LINK 253 */
	uint8_t protocol;	/* RTPROT_KERNEL 2, RTPROT_BOOT 3, RTPROT_RA 9, RTPROT_DHCP 16 */
	uint8_t dst[16];	/* RTA_DST (4 bytes for AF_INET) */
	uint8_t gateway[16];	/* RTA_GATEWAY; all zero: none */
	uint8_t prefsrc[16];	/* RTA_PREFSRC; all zero: none */
	uint8_t pad[4];
};

_Static_assert(sizeof(struct goose_net_req) == 80, "goose_net_req: 80 bytes");
_Static_assert(sizeof(struct goose_net_rec) == 64, "goose_net_rec: 64 bytes");
_Static_assert(sizeof(struct goose_net_name) == 64, "goose_net_name: 64 bytes");
_Static_assert(sizeof(struct goose_net_link) == 64, "goose_net_link: 64 bytes");
_Static_assert(sizeof(struct goose_net_addr) == 64, "goose_net_addr: 64 bytes");
_Static_assert(sizeof(struct goose_net_route) == 64, "goose_net_route: 64 bytes");

#endif
