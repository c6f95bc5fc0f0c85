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
#include "net/sock.h"

void anc_release(struct ancillary *anc)
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

/* The program's buffers: an iovec array (struct iovec: base, len), or one
 * buffer for read/write. As Linux (import_iovec, import_ubuf: access_ok),
 * only each segment's range is checked up front; its pages are when data
 * moves (uio_move), so a call with nothing to move never faults. */
bool user_span(uint64_t base, uint64_t len)
{
	return base < USER_TOP && len <= USER_TOP - base;
}

long uio_init(struct uio *u, uint64_t uiov, uint64_t cnt, uint64_t *total)
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

void uio_done(struct uio *u)
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
		void *ub = (void *)(uintptr_t)ua;

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
bool uio_readable(const struct uio *u, size_t n)
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
 * As __scm_send (AF_UNIX, AF_NETLINK) and __sock_cmsg_send (AF_INET): each
 * header must fit (CMSG_OK); levels other than SOL_SOCKET are skipped;
 * AF_INET ignores SCM_RIGHTS and SCM_CREDENTIALS, other families refuse
 * SCM_RIGHTS unless AF_UNIX; an unknown SOL_SOCKET type is EINVAL.
 */
long cmsg_parse(uint64_t uctl, uint64_t len, struct ancillary *anc, int family)
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
		if (h.level != SOL_SOCKET || (family == AF_INET && (h.type == SCM_RIGHTS || h.type == SCM_CREDENTIALS)))
			continue;
		if (h.type == SCM_RIGHTS && family != AF_UNIX)
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

/* The ancillary data travels with the message, which takes it over. */
void msg_attach(struct msg *m, struct ancillary **anc)
{
	if (anc && *anc && ((*anc)->nfiles || (*anc)->creds)) {
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
