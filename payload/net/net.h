/* SPDX-License-Identifier: MIT */
/*
 * Sockets, as the system-call layer sees them (sys/sys_net.c): one function
 * per socket call, taking the arguments decoded (descriptors, levels, flags
 * as ints); the program's buffers and address pointers stay user addresses,
 * which net/ reads and writes itself. Each returns what the call returns:
 * a descriptor, a count or 0, or -errno. Calls given a thread may block it
 * (the call then runs again on wake-up: kernel/syscall.h).
 */
#ifndef GOOSE_NET_H
#define GOOSE_NET_H

#include "lib/lib.h"

struct thread;

/* type without SOCK_NONBLOCK and SOCK_CLOEXEC, which are flags. */
/* /proc/1/net/netstat (inet.c): what the loopback carried. 0, or -ENOMEM. */
int net_procfs_init(void);
long net_socket(int family, int type, int flags, int proto);
/* usv: the program's int[2] for the two descriptors. */
long net_socketpair(int family, int type, int flags, int proto, uint64_t usv);
long net_bind(int fd, uint64_t uaddr, uint64_t len);
long net_listen(int fd, int backlog);
/* accept (flags 0) and accept4; (uaddr, ulen): the peer's name, ulen a pointer. */
long net_accept(struct thread *t, int fd, uint64_t uaddr, uint64_t ulen, int flags);
long net_connect(struct thread *t, int fd, uint64_t uaddr, uint64_t len);
long net_getsockname(int fd, uint64_t uaddr, uint64_t ulen);
long net_getpeername(int fd, uint64_t uaddr, uint64_t ulen);
long net_sendto(struct thread *t, int fd, uint64_t ubuf, uint64_t len, int flags, uint64_t uaddr, uint64_t alen);
long net_recvfrom(struct thread *t, int fd, uint64_t ubuf, uint64_t len, int flags, uint64_t uaddr, uint64_t ualen);
/* umsg: the program's struct msghdr. */
long net_sendmsg(struct thread *t, int fd, uint64_t umsg, int flags);
long net_recvmsg(struct thread *t, int fd, uint64_t umsg, int flags);
long net_shutdown(int fd, int how);
/* len: the option's length; ulen: a pointer to it. */
long net_setsockopt(int fd, int level, int name, uint64_t uval, uint64_t len);
long net_getsockopt(int fd, int level, int name, uint64_t uval, uint64_t ulen);

/*
 * The network provider (provider.c; include/uapi/goose_net.h): a package
 * of the program that serves its internet sockets.
 */
struct file;
struct goose_net_link;
struct goose_net_addr;
/* goose_net_provider(version, flags): the provider file's descriptor. */
long net_provider_register(uint64_t version, uint64_t flags);
/* Does socket(family, type) make a provider socket now? */
bool psock_takes(int family, int type);
long psock_socket(struct thread *t, const uint64_t *a);
/* getsockname (peer false) and getpeername of the provider socket fd. */
long psock_name(int fd, uint64_t uaddr, uint64_t ulen, bool peer);
/* Is fd a provider socket (or t's call on it on its second pass)? */
bool psock_fd(const struct thread *t, int fd);
bool psock_file(const struct file *f);
/* System call nr, with the program's arguments a, on the provider socket a[0]. */
long psock_call(struct thread *t, uint32_t nr, const uint64_t *a);
/* The provider's interfaces and addresses for netlink: how many links
 * (*links, *addrs and *naddrs set), or -1 when goose answers its own lo. */
int net_provider_links(const struct goose_net_link **links, const struct goose_net_addr **addrs, int *naddrs);
/* The provider's routes for netlink's RTM_GETROUTE dump: how many (0 without a provider). */
struct goose_net_route;
int net_provider_routes(const struct goose_net_route **routes);

#endif
