/* SPDX-License-Identifier: MIT */
/*
 * The sockets' own header: the types the files of net/ share, and nothing
 * the rest of goose sees.
 *
 *   socket.c   sockets, their calls and their file operations
 *   msg.c      messages and receive queues, ancillary data (SCM_RIGHTS,
 *              SCM_CREDENTIALS), the program's buffers (uio)
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

/* A socket address as the program gives it: len bytes of a sockaddr_in or
 * sockaddr_un. len 2 is an unbound AF_UNIX socket's. */
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
	struct saddr from;		/* datagrams: the sender */
	struct ancillary *anc;		/* SCM_RIGHTS, SCM_CREDENTIALS in flight, or NULL */
	uint8_t data[];
};

/* A few options are kept only to be read back: on one machine they change nothing. */
#define SOCK_OPTS 12

struct sock {
	int family, type, proto;
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

/* The program's buffers: an iovec array (struct iovec: base, len), or one
 * buffer for read/write. */
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

/* As Linux's MAX_RW_COUNT: the most one call moves. */
#define MAX_RW_COUNT 0x7ffff000ul

/* socket.c */
void sock_wake(struct sock *s);

/* msg.c */
void anc_release(struct ancillary *anc);
void msg_free(struct msg *m);
void rxq_push(struct sock *s, struct msg *m);
struct msg *rxq_pop(struct sock *s);
void rxq_flush(struct sock *s);
bool user_span(uint64_t base, uint64_t len);
long uio_init(struct uio *u, uint64_t uiov, uint64_t cnt, uint64_t *total);
void uio_single(struct uio *u, uint64_t buf, uint64_t len);
void uio_done(struct uio *u);
size_t uio_move(struct uio *u, void *k, size_t n, bool to_user);
bool uio_readable(const struct uio *u, size_t n);
long cmsg_parse(uint64_t uctl, uint64_t len, struct ancillary *anc, int family);
void msg_attach(struct msg *m, struct ancillary **anc);
void msg_deliver_anc(struct sock *s, struct msg *m, struct recv_out *o, int flags);

#endif
