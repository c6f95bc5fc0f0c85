/* SPDX-License-Identifier: MIT */
/*
 * Internet sockets served by the program: the network provider
 * (include/uapi/goose_net.h has the interface; docs/networking.md the
 * picture). A Go package in the program runs a TCP/IP stack over a NIC
 * driver and registers as the provider; from then on each new AF_INET or
 * AF_INET6 stream or datagram socket is a provider socket (a psock), and
 * each system call on one is sent to the provider as a request and
 * answered by its reply.
 *
 * A request's round trip, on the calling thread:
 *
 *   pass 1  psock_call queues the request (the provider file turns
 *           readable), and the thread waits in WAIT_NET: a wait no signal
 *           ends, since the provider answers at once (it answers as a
 *           non-blocking call would).
 *   reply   the provider's write of a REPLY record marks the request done
 *           and makes its thread run the call again (sched_rerun).
 *   pass 2  psock_call finds the request done and finishes the call: a
 *           descriptor for accept, the result for the rest. A blocking
 *           socket whose answer was EAGAIN (EINPROGRESS, EALREADY for
 *           connect) waits instead for the socket's readiness to change
 *           (syscall_wait: signals, SA_RESTART and timeouts as for any
 *           file) and the call then runs again from pass 1; if it changed
 *           while the request was out, the request goes again at once.
 *
 * socket, getsockname and getpeername never wait for the provider (Go
 * makes them with RawSyscall, keeping its P): goose answers them itself.
 *
 * What goose keeps of a psock is its handle, its names (NAME records) and
 * its readiness (READY records, kept by their seq), which is what poll and
 * epoll see, and what lets a read or write that would find nothing be
 * answered here (surely_eagain).
 *
 * Everything here runs under the big lock, as the rest of net/.
 */
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/goose_net.h"
#include "include/uapi/socket.h"
#include "include/uapi/stat.h"
#include "include/uapi/unistd.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "mm/kmem.h"
#include "mm/vm.h"
#include "net/net.h"
#include "net/sock.h"

/* Provider sockets at once: more than the descriptors (MAX_FDS), for the
 * accepts and sockets on their way. */
#define PSOCK_SLOTS 8192
/* Interfaces and addresses netlink reports for the provider. */
#define NET_LINKS 8
#define NET_ADDRS 16
#define NET_ROUTES 16

struct psock {
	uint64_t handle;
	int family;
	struct saddr name[2];	/* its own, its peer's (NAME records); len 0: none */
	uint64_t seq;		/* of the readiness snapshot kept */
	uint32_t events;	/* EPOLL* bits: what poll and epoll see */
	bool connect_waited;	/* a blocking connect waited for this socket */
	struct file *file;	/* NULL until its descriptor is made */
};

/* A request out to the provider. */
struct net_req {
	struct net_req *next;
	struct goose_net_req rec;
	struct thread *t;	/* the waiting thread; NULL: none (close) */
	struct file *f;		/* the socket's file, held while out; NULL: socket() */
	struct psock *made;	/* accept: the socket the call makes */
	uint64_t gen;		/* f->gen when sent */
	long result;
	bool done;
};

static struct provider {
	struct file *file;	/* the provider file; NULL: no provider */
	struct psock **slot;	/* PSOCK_SLOTS, indexed by handle & 0xffff */
	uint64_t serial;	/* handles: serial << 16 | slot, never reused */
	uint32_t free_hint;
	struct net_req *queue, **queue_tail;	/* not yet read by the provider */
	struct net_req *out;			/* read, waiting for their replies */
	uint64_t next_id;
	int nlinks, naddrs, nroutes;
	struct goose_net_link links[NET_LINKS];
	struct goose_net_addr addrs[NET_ADDRS];
	struct goose_net_route routes[NET_ROUTES];
	bool have_links;
} prov;

static const struct file_ops psock_ops;

bool net_provider_active(void)
{
	return prov.file != NULL;
}

bool psock_file(const struct file *f)
{
	return f && f->ops == &psock_ops;
}

/* -------------------------------------------------------------- handles */

static struct psock *psock_new(void)
{
	struct psock *ps = kzalloc(sizeof(*ps));

	if (!ps)
		return NULL;
	for (uint32_t i = 0; i < PSOCK_SLOTS; i++) {
		uint32_t s = (prov.free_hint + i) % PSOCK_SLOTS;

		if (s && !prov.slot[s]) {
			ps->handle = ++prov.serial << 16 | s;
			prov.slot[s] = ps;
			prov.free_hint = s + 1;
			return ps;
		}
	}
	kfree(ps);
	return NULL;
}

static struct psock *psock_find(uint64_t handle)
{
	struct psock *ps = prov.slot ? prov.slot[handle & 0xffff] : NULL;

	return ps && ps->handle == handle ? ps : NULL;
}

static void psock_free(struct psock *ps)
{
	prov.slot[ps->handle & 0xffff] = NULL;
	kfree(ps);
}

/* ------------------------------------------------------------- requests */

static void queue_push(struct net_req *r)
{
	r->next = NULL;
	*prov.queue_tail = r;
	prov.queue_tail = &r->next;
	file_notify(prov.file);
}

static void req_free(struct net_req *r)
{
	if (r->f)
		file_put(r->f);
	kfree(r);
}

/* The socket's last descriptor went: tell the provider, forget the handle. */
static void psock_close(struct psock *ps)
{
	struct net_req *r = prov.file ? kzalloc(sizeof(*r)) : NULL;

	if (r) {
		r->rec.nr = GOOSE_NET_CLOSE;
		r->rec.sock = ps->handle;
		queue_push(r);
	}
	/* Out of memory: the provider keeps a socket nobody can name. */
	psock_free(ps);
}

/* The provider is gone (its file closed): every request out fails, and
 * every provider socket answers ENETDOWN from now on. */
static void provider_gone(void)
{
	for (struct net_req *r = prov.queue, *next; r; r = next) {
		next = r->next;
		if (!r->t) {
			req_free(r);
			continue;
		}
		r->done = true;
		r->result = -ENETDOWN;
		sched_rerun(r->t);
	}
	for (struct net_req *r = prov.out; r; r = r->next) {
		r->done = true;
		r->result = -ENETDOWN;
		sched_rerun(r->t);
	}
	prov.queue = prov.out = NULL;
	prov.queue_tail = &prov.queue;
	prov.file = NULL;
	prov.have_links = false;
}

/* Send t's call nr on the socket of f and wait. */
static long req_send(struct thread *t, struct file *f, uint32_t nr, const uint64_t *a, struct psock *made)
{
	struct net_req *r = kzalloc(sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->rec.id = ++prov.next_id;
	r->rec.nr = nr;
	r->rec.sock = ((struct psock *)f->priv)->handle;
	r->rec.newsock = made ? made->handle : 0;
	r->rec.flags = f->flags & O_NONBLOCK ? GOOSE_NET_NONBLOCK : 0;
	memcpy(r->rec.a, a, sizeof(r->rec.a));
	r->t = t;
	r->made = made;
	file_get(f);
	r->f = f;
	r->gen = f->gen;
	t->net_req = r;
	queue_push(r);
	sched_block(t, WAIT_NET, 0, 0);
	return SYSRET_BLOCKED;
}

/* May this call on this socket wait for it (rather than answer EAGAIN)? */
static bool call_blocks(const struct file *f, uint32_t nr, const uint64_t *a)
{
	if (f->flags & O_NONBLOCK)
		return false;
	switch (nr) {
	case SYS_sendto:
	case SYS_recvfrom:
		return !(a[3] & MSG_DONTWAIT);
	case SYS_sendmsg:
	case SYS_recvmsg:
		return !(a[2] & MSG_DONTWAIT);
	case SYS_read:
	case SYS_write:
	case SYS_readv:
	case SYS_writev:
	case SYS_sendfile:
	case SYS_accept:
	case SYS_accept4:
	case SYS_connect:
		return true;
	}
	return false;
}

/* socket, accept: a descriptor for the new socket ps (on failure ps is gone). */
static long psock_install(struct psock *ps, int flags)
{
	struct file *f = file_alloc(&psock_ops, O_RDWR | (flags & SOCK_NONBLOCK), ps);

	if (!f) {
		psock_close(ps);
		return -ENOMEM;
	}
	ps->file = f;
	long fd = fd_install(f, flags & SOCK_CLOEXEC, 0);

	if (fd < 0)
		file_put(f);	/* and the socket with it */
	return fd;
}

/* Pass 2: the reply is in. The call is the one sent (r->rec), whatever
 * the program's descriptor names now. */
static long req_finish(struct thread *t)
{
	struct net_req *r = t->net_req;
	uint32_t nr = r->rec.nr;
	uint64_t a[6];
	long res = r->result;
	struct file *f = r->f;
	bool changed = f->gen != r->gen;
	struct psock *made = r->made;

	memcpy(a, r->rec.a, sizeof(a));
	t->net_req = NULL;
	r->f = NULL;	/* the request's hold on f is this call's now */
	req_free(r);
	long ret = res;

	if (made && res >= 0 && prov.file) {
		ret = psock_install(made, nr == SYS_accept4 ? (int)a[3] : 0);
	} else {
		if (made && psock_find(made->handle))
			psock_free(made);
		struct psock *ps = f->priv;
		bool again = res == -EAGAIN || (nr == SYS_connect && (res == -EINPROGRESS || res == -EALREADY));
		bool blocks = again && call_blocks(f, nr, a);

		if (made && res >= 0)
			ret = -ENETDOWN;
		if (nr == SYS_connect) {
			if (res == -EISCONN && ps->connect_waited)
				ret = 0;
			ps->connect_waited = blocks;
		}
		if (blocks && changed) {
			ret = req_send(t, f, nr, a, NULL);
		} else if (blocks) {
			t->restartable = true;
			ret = syscall_wait(t, false);
		}
	}
	file_put(f);
	return ret;
}

bool psock_fd(const struct thread *t, int fd)
{
	return t->net_req || psock_file(fd_get(fd));
}

/*
 * Would the provider answer EAGAIN? When the socket's readiness says it is
 * not readable (writable), a read (write) would find nothing (no room):
 * goose answers without the round trip, as Linux's read of a socket that
 * polls not readable does. Readiness that changed since, and has not come
 * yet, comes with a READY record, which wakes the waiters (and Go's
 * netpoller) as the change itself would have. Hang-ups and errors always
 * go to the provider, whose answer is then not EAGAIN; so do empty
 * transfers and recvmsg/sendmsg, whose lengths are in the msghdr.
 */
static bool surely_eagain(const struct psock *ps, uint32_t nr, const uint64_t *a)
{
	uint32_t ev = ps->events;

	if (ev & (EPOLLHUP | EPOLLERR))
		return false;
	switch (nr) {
	case SYS_read:
	case SYS_recvfrom:
		return a[2] && !(ev & (EPOLLIN | EPOLLRDHUP));
	case SYS_accept:
	case SYS_accept4:
		return !(ev & EPOLLIN);
	case SYS_write:
	case SYS_sendto:
		return a[2] && !(ev & EPOLLOUT);
	case SYS_sendfile:
		return a[3] && !(ev & EPOLLOUT);
	}
	return false;
}

long psock_call(struct thread *t, uint32_t nr, const uint64_t *a)
{
	if (t->net_req)
		return req_finish(t);
	if (!prov.file)
		return -ENETDOWN;
	struct file *f = fd_get((int)a[0]);
	struct psock *made = NULL;

	if (surely_eagain(f->priv, nr, a)) {
		if (!call_blocks(f, nr, a))
			return -EAGAIN;
		t->restartable = true;
		return syscall_wait(t, false);
	}

	if (nr == SYS_accept || nr == SYS_accept4) {
		if (nr == SYS_accept4 && (a[3] & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC)))
			return -EINVAL;
		if (!(made = psock_new()))
			return -ENFILE;
	}
	long r = req_send(t, f, nr, a, made);

	if (r != SYSRET_BLOCKED && made)
		psock_free(made);
	return r;
}

bool psock_takes(int family, int type)
{
	return prov.file && (family == AF_INET || family == AF_INET6) && (type == SOCK_STREAM || type == SOCK_DGRAM);
}

/* As inet_create: the type and protocol a TCP/IP stack serves. */
static long inet_proto_check(int type, int proto)
{
	if (type == SOCK_STREAM)
		return proto == 0 || proto == IPPROTO_TCP ? 0 : -EPROTONOSUPPORT;
	return proto == 0 || proto == IPPROTO_UDP ? 0 : -EPROTONOSUPPORT;
}

long psock_socket(struct thread *t, const uint64_t *a)
{
	int type = (int)a[1] & SOCK_TYPE_MASK, flags = (int)a[1] & ~SOCK_TYPE_MASK;
	long r;

	(void)t;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if ((r = inet_proto_check(type, (int)a[2])))
		return r;
	struct psock *ps = psock_new();
	struct net_req *q = kzalloc(sizeof(*q));

	if (!ps || !q) {
		if (ps)
			psock_free(ps);
		kfree(q);
		return -ENOBUFS;
	}
	ps->family = (int)a[0];
	/* Linux's poll of a fresh socket: TCP is closed (EPOLLHUP), both may write. */
	ps->events = EPOLLOUT | EPOLLWRNORM | (type == SOCK_STREAM ? EPOLLHUP : 0);
	q->rec.nr = SYS_socket;
	q->rec.newsock = ps->handle;
	memcpy(q->rec.a, a, sizeof(q->rec.a));
	queue_push(q);
	return psock_install(ps, flags);
}

/* getsockname (peer false), getpeername: the names the provider gave. */
long psock_name(int fd, uint64_t uaddr, uint64_t ulen, bool peer)
{
	struct psock *ps = fd_get(fd)->priv;
	struct saddr none = { .len = ps->family == AF_INET6 ? 28 : 16 };

	none.b[0] = (uint8_t)ps->family;
	if (!ps->name[peer].len && peer)
		return -ENOTCONN;
	return addr_to_user(ps->name[peer].len ? &ps->name[peer] : &none, uaddr, ulen);
}

/* ------------------------------------------------------ the socket file */

static long psock_rw(struct file *f, void *buf, size_t len, uint64_t *off)
{
	/* Reads and writes come by psock_call; what else moves bytes through
	 * file ops (splice, sendfile from what has no offset) is refused, and Go then reads and
	 * writes itself. */
	(void)f, (void)buf, (void)len, (void)off;
	return -EINVAL;
}

static long psock_wr(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	return psock_rw(f, (void *)(uintptr_t)buf, len, off);
}

static uint32_t psock_poll(struct file *f)
{
	return ((struct psock *)f->priv)->events;
}

static void psock_release(struct file *f)
{
	struct psock *ps = f->priv;

	if (prov.file)
		psock_close(ps);
	else
		psock_free(ps);
}

static int psock_stat(struct file *f, struct kstat *st)
{
	st->st_mode = S_IFSOCK | 0777;
	st->st_blksize = 4096;
	st->st_ino = ((struct psock *)f->priv)->handle;
	return 0;
}

static const struct file_ops psock_ops = {
	.read = psock_rw,
	.write = psock_wr,
	.poll = psock_poll,
	.release = psock_release,
	.stat = psock_stat,
};

/* ---------------------------------------------------- the provider file */

/* Whole request records, oldest first. */
static long prov_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	size_t n = 0;

	(void)f, (void)off;
	if (len < sizeof(struct goose_net_req))
		return -EINVAL;
	while (prov.queue && n + sizeof(struct goose_net_req) <= len) {
		struct net_req *r = prov.queue;

		if (copy_to_user((uint64_t)(uintptr_t)buf + n, &r->rec, sizeof(r->rec)))
			return n ? (long)n : -EFAULT;
		n += sizeof(r->rec);
		prov.queue = r->next;
		if (!prov.queue)
			prov.queue_tail = &prov.queue;
		if (r->t) {
			r->next = prov.out;
			prov.out = r;
		} else {
			req_free(r);
		}
	}
	return n ? (long)n : -EAGAIN;
}

static void ready(uint64_t handle, uint64_t seq, uint32_t events)
{
	struct psock *ps = psock_find(handle);

	if (!ps || !seq || seq <= ps->seq)
		return;
	ps->seq = seq;
	if (ps->events != events) {
		ps->events = events;
		if (ps->file)
			file_notify(ps->file);
	}
}

static long reply(const struct goose_net_rec *rec)
{
	for (struct net_req **p = &prov.out; *p; p = &(*p)->next) {
		struct net_req *r = *p;

		if (r->rec.id != rec->id)
			continue;
		*p = r->next;
		ready(rec->sock, rec->seq, rec->events);
		r->result = rec->result < -4095 || rec->result > INT32_MAX ? -EIO : rec->result;
		r->done = true;
		sched_rerun(r->t);
		return 0;
	}
	return -ENOENT;
}

static long prov_record(const uint8_t *b)
{
	uint32_t kind;

	memcpy(&kind, b, 4);
	switch (kind) {
	case GOOSE_NET_REPLY:
	case GOOSE_NET_READY: {
		struct goose_net_rec rec;

		memcpy(&rec, b, sizeof(rec));
		if (kind == GOOSE_NET_REPLY)
			return reply(&rec);
		ready(rec.sock, rec.seq, rec.events);
		return 0;
	}
	case GOOSE_NET_NAME: {
		struct goose_net_name nm;
		struct psock *ps;

		memcpy(&nm, b, sizeof(nm));
		if (nm.peer > 1 || nm.len > sizeof(nm.addr))
			return -EINVAL;
		if ((ps = psock_find(nm.sock))) {
			ps->name[nm.peer].len = nm.len;
			memcpy(ps->name[nm.peer].b, nm.addr, nm.len);
		}
		return 0;
	}
	case GOOSE_NET_LINK:
		if (prov.nlinks == NET_LINKS)
			return -ENOSPC;
		memcpy(&prov.links[prov.nlinks], b, sizeof(prov.links[0]));
		prov.links[prov.nlinks++].name[15] = 0;
		prov.have_links = true;
		return 0;
	case GOOSE_NET_ADDR:
		if (prov.naddrs == NET_ADDRS)
			return -ENOSPC;
		memcpy(&prov.addrs[prov.naddrs++], b, sizeof(prov.addrs[0]));
		return 0;
	case GOOSE_NET_ROUTE:
		if (prov.nroutes == NET_ROUTES)
			return -ENOSPC;
		memcpy(&prov.routes[prov.nroutes++], b, sizeof(prov.routes[0]));
		return 0;
	case GOOSE_NET_IFRESET:
		prov.nlinks = prov.naddrs = prov.nroutes = 0;
		return 0;
	}
	return -EINVAL;
}

/* Records, in whole 64-byte units: the bytes taken, or the first record's error. */
static long prov_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	uint8_t rec[64];
	size_t n = 0;

	(void)f, (void)off;
	if (len % sizeof(rec))
		return -EINVAL;
	for (; n < len; n += sizeof(rec)) {
		long r;

		if (copy_from_user(rec, (uint64_t)(uintptr_t)buf + n, sizeof(rec)))
			return n ? (long)n : -EFAULT;
		if ((r = prov_record(rec)))
			return n ? (long)n : r;
	}
	return (long)n;
}

static uint32_t prov_poll(struct file *f)
{
	(void)f;
	return (prov.queue ? EPOLLIN | EPOLLRDNORM : 0) | EPOLLOUT | EPOLLWRNORM;
}

static void prov_release(struct file *f)
{
	(void)f;
	provider_gone();
}

static const struct file_ops provider_ops = {
	.read = prov_read,
	.write = prov_write,
	.poll = prov_poll,
	.release = prov_release,
};

long net_provider_register(uint64_t version, uint64_t flags)
{
	if (version != GOOSE_NET_VERSION || flags)
		return -EINVAL;
	if (prov.file)
		return -EBUSY;
	if (!prov.slot && !(prov.slot = kzalloc(PSOCK_SLOTS * sizeof(struct psock *))))
		return -ENOMEM;
	struct file *f = file_alloc(&provider_ops, O_RDWR | O_NONBLOCK, NULL);

	if (!f)
		return -ENOMEM;
	long fd = fd_install(f, true, 0);

	if (fd < 0) {
		file_put(f);
		return fd;
	}
	prov.file = f;
	prov.queue_tail = &prov.queue;
	prov.nlinks = prov.naddrs = prov.nroutes = 0;
	return fd;
}

/* ------------------------------------------------------------- netlink */

int net_provider_links(const struct goose_net_link **links, const struct goose_net_addr **addrs, int *naddrs)
{
	if (!prov.file || !prov.have_links)
		return -1;
	*links = prov.links;
	*addrs = prov.addrs;
	*naddrs = prov.naddrs;
	return prov.nlinks;
}

int net_provider_routes(const struct goose_net_route **routes)
{
	*routes = prov.routes;
	return prov.file && prov.have_links ? prov.nroutes : 0;
}
