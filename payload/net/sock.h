/* SPDX-License-Identifier: MIT */
/*
 * The sockets' own header: what the files of net/ share, and nothing the
 * rest of goose sees (that is net/net.h).
 *
 * A socket is one struct sock, whatever its family and type, and a pointer
 * to the struct proto_ops its family chose once, at socket() (Linux:
 * struct socket's ops, net/socket.c's __sock_create calling the family's
 * create, which picks inet_stream_ops, unix_dgram_ops, ...). Whatever
 * differs between TCP, UDP, raw IP, AF_UNIX stream, datagram and seqpacket
 * and netlink is an ops function or an ops field, so the generic code
 * (socket.c, msg.c, stream.c) asks the ops instead of the family or type.
 *
 *   socket.c   creation through the family table, the file ops, descriptors,
 *              blocking, the bound-socket list, SOL_SOCKET options, shutdown,
 *              and the socket calls that are the same for every family
 *   msg.c      messages and receive queues, ancillary data (SCM_RIGHTS,
 *              SCM_CREDENTIALS), the program's buffers (uio), datagram send
 *              and receive, and sendto/recvfrom/sendmsg/recvmsg
 *   stream.c   connection-oriented sockets: listen, the accept queue, the
 *              connection made on connect, byte streams in chunks
 *   inet.c     AF_INET addresses and ports, TCP and UDP; raw.c raw IPv4
 *   unix.c     AF_UNIX names, stream, datagram and seqpacket, socketpair
 *   netlink.c  NETLINK_ROUTE
 *
 * Everything runs under the big lock, and nothing sleeps: -EAGAIN, and the
 * system call blocks the thread until a file changes, then runs again.
 */
#ifndef GOOSE_NET_SOCK_H
#define GOOSE_NET_SOCK_H

#include "include/uapi/socket.h"
#include "lib/lib.h"

struct file;
struct inode;
struct thread;
struct sock;

/* A socket address as the program gives it: len bytes of a sockaddr_in,
 * sockaddr_un or sockaddr_nl. len 2 is an unbound AF_UNIX socket's. */
struct saddr {
	uint32_t len;
	uint8_t b[2 + SUN_PATH_MAX];
};

struct ancillary {
	struct file *files[SCM_MAX_FD];
	int nfiles;
	bool creds;			/* SCM_CREDENTIALS given by the sender */
	int32_t cred[3];		/* pid, uid, gid */
};

struct msg {
	struct msg *next;
	size_t len, off;		/* bytes of data, bytes already read (streams) */
	struct saddr from;		/* datagrams: the sender (len 0: none) */
	struct ancillary *anc;		/* SCM_RIGHTS, SCM_CREDENTIALS in flight, or NULL */
	uint8_t data[];
};

/* The program's buffers: an iovec array (struct iovec: base, len), or one
 * buffer for read/write (msg.c). */
struct uio {
	uint64_t (*iov)[2];
	int cnt, i;
	uint64_t off;
	uint64_t one[1][2];
	bool checked;	/* read(2), write(2), sendfile: checked already, or goose's own buffer */
};

/* What a receive tells the program besides the data. */
struct recv_out {
	uint64_t uctl, ctl_len;		/* where ancillary data goes, and room for it */
	uint64_t ctl_used;
	int flags;			/* msg_flags */
	struct saddr from;
};

/* An option kept only to be read back, with its default. */
struct sock_opt {
	int level, name, dflt;
};

/*
 * A family and type's answers (Linux's struct proto_ops). Functions a
 * family has no use for are NULL, and the generic code answers as Linux's
 * sock_no_* do.
 */
struct proto_ops {
	int family;
	/* Connection-oriented (SOCK_STREAM, SOCK_SEQPACKET): a peer once
	 * connected, listen and accept, no sender names on receive. */
	bool conn;
	/* A byte stream (TCP, AF_UNIX SOCK_STREAM): reads cross message
	 * bounds, a close with data unread resets the peer. */
	bool stream;
	/* recv on a connection-oriented socket not connected: -errno. */
	int recv_notconn;
	/* Control messages at SOL_SOCKET: understood (__scm_send: AF_UNIX,
	 * AF_NETLINK; else passed over, as __sock_cmsg_send), and whether
	 * SCM_RIGHTS may pass descriptors (AF_UNIX only). */
	bool scm, scm_rights;
	/* getsockopt(SO_PEERCRED) answers once connected (AF_UNIX). */
	bool peercred;
	/* connect() to AF_UNSPEC dissolves the association (datagrams). */
	bool unspec_disconnects;
	/* getsockname of a socket with no name yet. */
	const struct saddr *unnamed;
	/* Option levels besides SOL_SOCKET the protocol takes (NULL: none,
	 * setsockopt and getsockopt are EOPNOTSUPP), and its kept options. */
	bool (*opt_level)(int level);
	const struct sock_opt *opts;
	int nopts;

	/* A new socket, before its descriptor (raw: bound at once). */
	void (*init)(struct sock *s);
	/* The sockaddr at (uaddr, len) (len <= 128), checked for the family. */
	long (*addr_in)(uint64_t uaddr, uint64_t len, struct saddr *a);
	long (*bind)(struct sock *s, const struct saddr *a);
	/* An address for a socket that sends or connects unbound (NULL: none). */
	long (*autobind)(struct sock *s);
	/* connect: -EAGAIN waits (the call runs again). */
	long (*connect)(struct sock *s, const struct saddr *a);
	long (*listen)(struct sock *s, int backlog);
	/* Two fresh sockets become a connected pair (NULL: EOPNOTSUPP). */
	void (*socketpair)(struct sock *a, struct sock *b);
	/* Send len bytes of u, to an address (NULL: the connected one), with
	 * ancillary data the message may take over. Bytes sent or -errno. */
	long (*sendmsg)(struct sock *s, struct uio *u, size_t len, const struct saddr *to, struct ancillary **anc);
	/* Receive from a queue known not empty. */
	long (*recvmsg)(struct sock *s, struct uio *u, size_t len, int flags, struct recv_out *o);
	/* SHUT_RD, SHUT_WR, SHUT_RDWR, checked (NULL: EOPNOTSUPP). */
	long (*shutdown)(struct sock *s, int how);
	/* The socket goes (AF_UNIX: its path node is unbound). */
	void (*release)(struct sock *s);
};

/* A few options are kept only to be read back: on one machine they change nothing. */
#define SOCK_OPTS 12

struct sock {
	const struct proto_ops *ops;	/* chosen at socket(), never changed */
	int type, proto;
	struct file *file;		/* NULL while waiting in an accept queue, and once closed */
	struct saddr local, remote;	/* local.len 0: not bound; remote.len 0: no peer address */
	bool bound, listening, connected, passcred;
	bool paired;			/* a socketpair of datagram sockets: sends go to peer */
	bool eof;			/* nothing more will arrive: the peer shut down or closed */
	bool wr_shut, rd_shut;
	bool wrote_after_close;		/* TCP: the one write after the peer closed was taken */
	int32_t linger[2];		/* SO_LINGER: l_onoff, l_linger; {1, 0}: close resets */
	int err;			/* SO_ERROR */
	struct sock *peer;		/* connected stream/seqpacket: the other end, while open */
	struct inode *node;		/* AF_UNIX bound to a path: the socket node */
	struct msg *rxq, **rxq_tail;	/* the receive queue */
	size_t rx_bytes;
	int backlog, nqueued;		/* listeners: the accept queue (linked through next_queued) */
	struct sock *accq, *next_queued;
	struct sock *next_bound;
	int sndbuf, rcvbuf;
	struct {
		int level, name, val;
	} opt[SOCK_OPTS];
	int nopt;
};

/* The families socket() knows (Linux's net_proto_family). */
struct net_family {
	int family;
	/* As the family's create (inet_create, unix_create, netlink_create):
	 * check type and protocol, settle them, and choose the ops. */
	long (*create)(int *type, int *proto, const struct proto_ops **ops);
};

extern const struct net_family inet_family, unix_family, netlink_family;

/* socket.c */
/* Every bound socket, of every family (linked through next_bound). */
extern struct sock *sock_bound;
struct sock *sock_new(const struct proto_ops *ops, int type, int proto);
void sock_wake(struct sock *s);
void bound_add(struct sock *s);
int sock_opt_get(const struct sock *s, int level, int name, int dflt);
/* A sockaddr from the program (len bytes at uaddr), checked by s's family. */
long addr_from_user(const struct sock *s, uint64_t uaddr, uint64_t len, struct saddr *a);
/* For the families' addr_in: copy len bytes of a sockaddr; its family
 * must be family (else bad_family). */
long addr_copy_in(uint64_t uaddr, uint64_t len, struct saddr *a, int family, long bad_family);
long addr_to_user(const struct saddr *a, uint64_t uaddr, uint64_t ulen);
bool same_addr(const struct saddr *x, const struct saddr *y);
long sock_autobind(struct sock *s);
/* s's name: its address, or its family's unnamed one. */
const struct saddr *sock_name(const struct sock *s);
/* The pending error (SO_ERROR) as -errno, now reported and cleared. */
long sock_error(struct sock *s);
/* Shut down reading (SHUT_RD), writing (SHUT_WR: the peer sees end of
 * file) or both; 0. */
long sock_shut(struct sock *s, int how);
/* read(2), recvfrom, recvmsg: pending errors, then ops->recvmsg. */
long sock_recv(struct sock *s, struct uio *u, size_t len, int flags, struct recv_out *o);
long sock_install(struct sock *s, int flags);
void sock_destroy(struct sock *s);
struct sock *sock_fd(int fd, long *err);
long sock_block(struct thread *t, struct sock *s, long r, int flags);

/* msg.c */
void msg_free(struct msg *m);
void rxq_push(struct sock *s, struct msg *m);
struct msg *rxq_pop(struct sock *s);
void rxq_flush(struct sock *s);
void uio_single(struct uio *u, uint64_t buf, uint64_t len);
/* Move up to n bytes between k and the program's buffers, a page at a
 * time: the bytes moved (fewer: a page faulted). */
size_t uio_move(struct uio *u, void *k, size_t n, bool to_user);
bool anc_any(struct ancillary **anc);
void msg_attach(struct msg *m, struct ancillary **anc);
/* A message's ancillary data to the program (o may be NULL: read(2)). */
void msg_deliver_anc(struct sock *s, struct msg *m, struct recv_out *o, int flags);
/* A datagram of len bytes: no longer than max (EMSGSIZE), and readable
 * whole (EFAULT). */
long dgram_check(struct uio *u, size_t len, size_t max);
/* One datagram to dst, from the address from: len, or -EAGAIN when dst's
 * queue has no room, -ENOMEM, -EFAULT. */
long dgram_deliver(struct sock *dst, struct uio *u, size_t len, const struct saddr *from, struct ancillary **anc);
/* ops->recvmsg of datagram and seqpacket sockets. */
long dgram_recv(struct sock *s, struct uio *u, size_t len, int flags, struct recv_out *o);

/* netlink.c: /proc/net/igmp and igmp6, from the interfaces netlink reports. */
size_t net_igmp_text(char *buf, size_t size);
size_t net_igmp6_text(char *buf, size_t size);

/* stream.c */
/* ops->listen of connection-oriented sockets (connected: EINVAL). */
long stream_listen(struct sock *s, int backlog);
/* A connection from s to the listener l: the server side, named local,
 * waits in l's accept queue. */
long stream_connect(struct sock *s, struct sock *l, const struct saddr *local);
/* A byte stream's send to its peer dst, and ops->recvmsg. */
long stream_send(struct sock *dst, struct uio *u, size_t len, struct ancillary **anc);
long stream_recv(struct sock *s, struct uio *u, size_t len, int flags, struct recv_out *o);

#endif
