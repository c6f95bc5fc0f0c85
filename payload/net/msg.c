/* SPDX-License-Identifier: MIT */
/*
 * Messages: what one socket sends another, queued on the receiver until it
 * reads. A message is one datagram, or for a stream one chunk of bytes that
 * reads take in order across chunks. Ancillary data (SCM_RIGHTS descriptors,
 * SCM_CREDENTIALS) rides on a message, holding its files, until received.
 *
 * The program's buffers are moved a page at a time (struct uio), as far as
 * its pages allow, so a fault part-way leaves what Linux leaves: what moved
 * before it counts.
 *
 * Here too are what every datagram socket shares (UDP, AF_UNIX datagram and
 * seqpacket: one message whole, or nothing; Linux's net/core/datagram.c)
 * and the four calls that move data, sendto, recvfrom, sendmsg and recvmsg
 * (net/socket.c's ____sys_sendmsg, ____sys_recvmsg): they read the
 * program's msghdr, iovec and control data, and leave the rest to the
 * socket's ops->sendmsg and ops->recvmsg.
 *
 * Layouts are Linux's: include/linux/socket.h (msghdr, cmsghdr, CMSG_ALIGN,
 * SCM_*), include/uapi/linux/uio.h (iovec); the checks follow
 * net/core/scm.c (__scm_send), net/core/sock.c (__sock_cmsg_send),
 * lib/iov_iter.c (import_iovec) and net/socket.c (__copy_msghdr).
 */
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "include/uapi/socket.h"
#include "kernel/signal.h"
#include "mm/kmem.h"
#include "mm/vm.h"
#include "net/net.h"
#include "net/sock.h"

static void anc_release(struct ancillary *anc)
{
	for (int i = 0; i < anc->nfiles; i++)
		file_put(anc->files[i]);
	anc->nfiles = 0;
}

void msg_free(struct msg *m)
{
	if (m->anc)
		anc_release(m->anc);
	kfree(m->anc);
	kfree(m);
}

void rxq_push(struct sock *s, struct msg *m)
{
	m->next = NULL;
	*s->rxq_tail = m;
	s->rxq_tail = &m->next;
	s->rx_bytes += m->len;
	sock_wake(s);
}

struct msg *rxq_pop(struct sock *s)
{
	struct msg *m = s->rxq;

	s->rxq = m->next;
	if (!s->rxq)
		s->rxq_tail = &s->rxq;
	s->rx_bytes -= m->len - m->off;
	return m;
}

void rxq_flush(struct sock *s)
{
	while (s->rxq)
		msg_free(rxq_pop(s));
}

/* As Linux's MAX_RW_COUNT: the most one call moves. */
#define MAX_RW_COUNT 0x7ffff000ul

/* The program's buffers: an iovec array (struct iovec: base, len), or one
 * buffer for read/write. As Linux (import_iovec, import_ubuf: access_ok),
 * only each segment's range is checked up front; its pages are when data
 * moves (uio_move), so a call with nothing to move never faults. */
static bool user_span(uint64_t base, uint64_t len)
{
	return base < USER_TOP && len <= USER_TOP - base;
}

static long uio_init(struct uio *u, uint64_t uiov, uint64_t cnt, uint64_t *total)
{
	memset(u, 0, sizeof(*u));
	*total = 0;
	if (cnt > 1024)
		return -EMSGSIZE;	/* __copy_msghdr */
	if (!cnt)
		return 0;
	u->iov = kzalloc(cnt * 16);
	if (!u->iov)
		return -ENOMEM;
	u->cnt = (int)cnt;
	if (copy_from_user(u->iov, uiov, cnt * 16))
		return -EFAULT;
	for (uint64_t i = 0; i < cnt; i++) {
		if ((int64_t)u->iov[i][1] < 0 || (int64_t)(*total + u->iov[i][1]) < 0)
			return -EINVAL;
		if (u->iov[i][1] && !user_span(u->iov[i][0], u->iov[i][1]))
			return -EFAULT;
		*total += u->iov[i][1];
	}
	return 0;
}

void uio_single(struct uio *u, uint64_t buf, uint64_t len)
{
	memset(u, 0, sizeof(*u));
	u->one[0][0] = buf;
	u->one[0][1] = len;
	u->iov = u->one;
	u->cnt = 1;
}

static void uio_done(struct uio *u)
{
	if (u->iov != u->one)
		kfree(u->iov);
}

/* Move up to n bytes between the kernel buffer k and the program's next
 * bytes, a page at a time, as far as the program's pages allow: the bytes
 * moved (fewer than n: a page faulted). */
size_t uio_move(struct uio *u, void *k, size_t n, bool to_user)
{
	uint8_t *p = k;
	size_t done = 0;

	while (done < n && u->i < u->cnt) {
		uint64_t ua = u->iov[u->i][0] + u->off;
		uint64_t chunk = MIN(MIN((uint64_t)(n - done), u->iov[u->i][1] - u->off), PAGE_SIZE - (ua & (PAGE_SIZE - 1)));
		void *ub = user_ptr(ua);

		if (chunk && !u->checked && uaccess_ok(ua, chunk, to_user ? PROT_WRITE : PROT_READ))
			break;
		if (to_user)
			memcpy(ub, p, chunk);
		else
			memcpy(p, ub, chunk);
		p += chunk;
		done += chunk;
		u->off += chunk;
		if (u->off == u->iov[u->i][1]) {
			u->i++;
			u->off = 0;
		}
	}
	return done;
}

/* Can the next n bytes of u be read (moved from the program)? */
static bool uio_readable(const struct uio *u, size_t n)
{
	uint64_t off = u->off;

	if (u->checked)
		return true;
	for (int i = u->i; n && i < u->cnt; i++, off = 0) {
		uint64_t chunk = MIN((uint64_t)n, u->iov[i][1] - off);

		if (chunk && uaccess_ok(u->iov[i][0] + off, chunk, PROT_READ))
			return false;
		n -= chunk;
	}
	return true;
}

/* Ancillary data (struct cmsghdr: u64 len, i32 level, i32 type, data,
 * each padded to 8 bytes). */
struct cmsg {
	uint64_t len;
	int32_t level, type;
};

/*
 * As __scm_send (AF_UNIX, AF_NETLINK: ops->scm) and __sock_cmsg_send
 * (AF_INET): each header must fit (CMSG_OK); levels other than SOL_SOCKET
 * are skipped; AF_INET ignores SCM_RIGHTS and SCM_CREDENTIALS, other
 * families refuse SCM_RIGHTS unless AF_UNIX (ops->scm_rights); an unknown
 * SOL_SOCKET type is EINVAL.
 */
static long cmsg_parse(uint64_t uctl, uint64_t len, struct ancillary *anc, const struct proto_ops *ops)
{
	uint64_t pos = 0;

	memset(anc, 0, sizeof(*anc));
	while (pos + sizeof(struct cmsg) <= len) {
		struct cmsg h;

		if (copy_from_user(&h, uctl + pos, sizeof(h)))
			return -EFAULT;
		if (h.len < sizeof(h) || h.len > len - pos)
			return -EINVAL;
		uint64_t n = h.len - sizeof(h), data = uctl + pos + sizeof(h);

		pos += CMSG_ALIGN(h.len);
		if (h.level != SOL_SOCKET || (!ops->scm && (h.type == SCM_RIGHTS || h.type == SCM_CREDENTIALS)))
			continue;
		if (h.type == SCM_RIGHTS && !ops->scm_rights)
			return -EINVAL;
		if (h.type == SCM_RIGHTS) {
			for (uint64_t i = 0; i + 4 <= n; i += 4) {
				int32_t fd;
				struct file *f;

				if (copy_from_user(&fd, data + i, 4))
					return -EFAULT;
				if (!(f = fd_get(fd)) || (f->flags & O_PATH))
					return -EBADF;
				if (anc->nfiles == SCM_MAX_FD)
					return -EINVAL;
				file_get(f);
				anc->files[anc->nfiles++] = f;
			}
		} else if (h.type == SCM_CREDENTIALS) {
			if (n != sizeof(anc->cred))
				return -EINVAL;
			if (copy_from_user(anc->cred, data, sizeof(anc->cred)))
				return -EFAULT;
			/* Only one process: the credentials must be its own. */
			if (anc->cred[0] != GOOSE_PID)
				return -ESRCH;
			anc->creds = true;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

/* Is there ancillary data to send? */
bool anc_any(struct ancillary **anc)
{
	return anc && *anc && ((*anc)->nfiles || (*anc)->creds);
}

/* The ancillary data travels with the message, which takes it over. */
void msg_attach(struct msg *m, struct ancillary **anc)
{
	if (anc_any(anc)) {
		m->anc = *anc;
		*anc = NULL;
	}
}

static void cmsg_put(struct recv_out *o, int type, const void *data, size_t n)
{
	struct cmsg h = { sizeof(h) + n, SOL_SOCKET, type };
	uint64_t at = o->uctl + o->ctl_used;

	if (o->ctl_used + sizeof(h) + n > o->ctl_len) {
		o->flags |= MSG_CTRUNC;
		return;
	}
	if (copy_to_user(at, &h, sizeof(h)) || copy_to_user(at + sizeof(h), data, n))
		return;
	o->ctl_used = MIN(o->ctl_len, o->ctl_used + CMSG_ALIGN(sizeof(h) + n));
}

/* A message's ancillary data to the program: credentials (when asked
 * for with SO_PASSCRED), then descriptors, as many as fit. */
void msg_deliver_anc(struct sock *s, struct msg *m, struct recv_out *o, int flags)
{
	struct ancillary *anc = m->anc;

	if (!o)
		return;
	if (s->passcred) {
		int32_t cred[3] = { GOOSE_PID, 0, 0 };

		if (anc && anc->creds)
			memcpy(cred, anc->cred, sizeof(cred));
		cmsg_put(o, SCM_CREDENTIALS, cred, sizeof(cred));
	}
	if (!anc || !anc->nfiles)
		return;
	int32_t fds[SCM_MAX_FD];
	int n = 0;
	size_t room = o->ctl_len > o->ctl_used + sizeof(struct cmsg) ? o->ctl_len - o->ctl_used - sizeof(struct cmsg) : 0;

	for (int i = 0; i < anc->nfiles; i++) {
		long fd = (size_t)(n + 1) * 4 <= room ? fd_install(anc->files[i], flags & MSG_CMSG_CLOEXEC, 0) : -1;

		if (fd < 0) {
			file_put(anc->files[i]);
			o->flags |= MSG_CTRUNC;
		} else {
			fds[n++] = (int32_t)fd;
		}
	}
	anc->nfiles = 0;
	if (n)
		cmsg_put(o, SCM_RIGHTS, fds, (size_t)n * 4);
}

/* ------------------------------------------------------------ datagrams */

long dgram_check(struct uio *u, size_t len, size_t max)
{
	if (len > max)
		return -EMSGSIZE;
	/* A datagram is copied whole before it goes anywhere (udp_sendmsg). */
	if (!uio_readable(u, len))
		return -EFAULT;
	return 0;
}

long dgram_deliver(struct sock *dst, struct uio *u, size_t len, const struct saddr *from, struct ancillary **anc)
{
	size_t space = dst->rx_bytes >= (size_t)dst->rcvbuf ? 0 : (size_t)dst->rcvbuf - dst->rx_bytes;

	/* One message, whole, or none while the queue has no room. */
	if (dst->rx_bytes && space < len)
		return -EAGAIN;
	struct msg *m = kzalloc(sizeof(*m) + len);

	if (!m)
		return -ENOMEM;
	if (uio_move(u, m->data, len, false) < len) {
		kfree(m);
		return -EFAULT;
	}
	m->len = len;
	m->from = *from;
	msg_attach(m, anc);
	rxq_push(dst, m);
	return (long)len;
}

/* The first datagram of the queue, as much of it as fits in u; the rest is
 * gone (MSG_TRUNC says so). */
long dgram_recv(struct sock *s, struct uio *u, size_t len, int flags, struct recv_out *o)
{
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

/* ------------------------------------------------------------- syscalls */

/* sendto, sendmsg: the data in u (len bytes), to the address at (uaddr, alen). */
static long do_send(struct thread *t, struct sock *s, struct uio *u, size_t len, int flags, uint64_t uaddr,
		    uint64_t alen, struct ancillary **anc)
{
	struct saddr to = { 0 };
	long r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (uaddr && alen) {
		if (!s->ops->conn) {
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
	r = s->ops->sendmsg(s, u, len, to.len ? &to : NULL, anc);
	return sock_block(t, s, r, flags);
}

long net_sendto(struct thread *t, int fd, uint64_t ubuf, uint64_t ulen, int flags, uint64_t uaddr, uint64_t alen)
{
	struct uio u;
	uint64_t len = MIN(ulen, MAX_RW_COUNT);
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	/* import_ubuf: the range only; the pages when the data moves. */
	if (len && !user_span(ubuf, len))
		return -EFAULT;
	uio_single(&u, ubuf, len);
	return do_send(t, s, &u, len, flags, uaddr, alen, NULL);
}

long net_recvfrom(struct thread *t, int fd, uint64_t ubuf, uint64_t ulen, int flags, uint64_t uaddr, uint64_t ualen)
{
	struct recv_out o = { 0 };
	struct uio u;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
	uint64_t len = MIN(ulen, MAX_RW_COUNT);

	if (len && !user_span(ubuf, len))
		return -EFAULT;
	uio_single(&u, ubuf, len);
	r = sock_block(t, s, sock_recv(s, &u, len, flags, &o), flags);
	if (r < 0 || !uaddr)
		return r;
	/* The sender's name; a connected socket's receive names none (Linux:
	 * msg_namelen 0), nor does an unnamed sender's. */
	if (o.from.len && !s->ops->conn) {
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

long net_sendmsg(struct thread *t, int fd, uint64_t umsg, int flags)
{
	struct umsghdr mh;
	struct ancillary *anc = NULL;
	uint64_t len;
	struct uio u;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
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
		if ((r = cmsg_parse(mh.control, mh.controllen, anc, s->ops)))
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

long net_recvmsg(struct thread *t, int fd, uint64_t umsg, int flags)
{
	struct umsghdr mh;
	struct recv_out o = { 0 };
	uint64_t len;
	struct uio u;
	long r;
	struct sock *s = sock_fd(fd, &r);

	if (!s)
		return r;
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

	if (mh.name && !s->ops->conn && o.from.len) {
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
