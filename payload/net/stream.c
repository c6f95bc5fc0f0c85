/* SPDX-License-Identifier: MIT */
/*
 * What connection-oriented sockets share: TCP, AF_UNIX SOCK_STREAM and
 * SOCK_SEQPACKET (ops->conn). listen() makes a socket a listener; a connect
 * to it completes at once, on one machine: a new socket, the server side,
 * is made connected to the client and waits in the listener's accept queue
 * until accept() gives it a descriptor (Linux: inet_csk_accept and the
 * request queue, unix_stream_connect's embryo socket). The family finds
 * the listener and checks what it must (stream_connect's callers in
 * inet.c and unix.c).
 *
 * A byte stream (ops->stream) is sent as chunks of at most a page, as much
 * as the receiver's queue has room for, and read across chunks in order
 * (tcp_sendmsg, unix_stream_sendmsg, unix_stream_read_generic). Seqpacket
 * sends and receives whole messages, as datagrams do (msg.c).
 */
#include "include/uapi/errno.h"
#include "include/uapi/socket.h"
#include "mm/kmem.h"
#include "net/net.h"
#include "net/sock.h"

/* Bytes of a stream per queued chunk: a chunk is one page. */
#define STREAM_CHUNK (4096 - offsetof(struct msg, data))

long stream_listen(struct sock *s, int backlog)
{
	long r;

	if (s->connected)
		return -EINVAL;
	if ((r = sock_autobind(s)))
		return r;
	backlog = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
	s->backlog = backlog;
	s->listening = true;
	sock_wake(s);
	return 0;
}

long net_listen(int fd, int backlog)
{
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (!s->ops->listen)
		return -EOPNOTSUPP;	/* sock_no_listen */
	return s->ops->listen(s, backlog);
}

long stream_connect(struct sock *s, struct sock *l, const struct saddr *local)
{
	struct sock *n = sock_new(s->ops, s->type, s->proto);

	if (!n)
		return -ENOMEM;
	/* The server side: the listener's address as the client asked for
	 * it, peer the client. */
	n->local = *local;
	n->remote = *sock_name(s);
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

long net_accept(struct thread *t, int fd, uint64_t uaddr, uint64_t ulen, int flags)
{
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (!s->ops->conn)
		return -EOPNOTSUPP;	/* sock_no_accept */
	if (!s->listening)
		return -EINVAL;
	struct sock *n = s->accq;

	if (!n)
		return sock_block(t, s, -EAGAIN, 0);
	s->accq = n->next_queued;
	s->nqueued--;
	/* Room in the queue: a connect waiting for it goes on (unix_accept's
	 * wake_up_interruptible of peer_wait). Without this it waited for
	 * whatever file changed next, maybe nothing (restart@smp2 hung so). */
	sock_wake(s);
	/* do_accept: the address is copied out after the accept; when that
	 * fails the new socket is closed, and the connection with it. */
	if (uaddr && (r = addr_to_user(&n->remote, uaddr, ulen))) {
		sock_destroy(n);
		return r;
	}
	return sock_install(n, flags);
}

long stream_send(struct sock *dst, struct uio *u, size_t len, struct ancillary **anc)
{
	size_t space = dst->rx_bytes >= (size_t)dst->rcvbuf ? 0 : (size_t)dst->rcvbuf - dst->rx_bytes;

	if (!len && !anc_any(anc))
		return 0;
	if (!space)
		return -EAGAIN;
	/* Chunks of at most a page, as much as there is room for. Ancillary
	 * data rides on the first chunk (a zero-length write with some still
	 * makes one). */
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

long stream_recv(struct sock *s, struct uio *u, size_t len, int flags, struct recv_out *o)
{
	/* Bytes across chunks, but not past a chunk carrying ancillary data
	 * into another (nor into one from the start). */
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
