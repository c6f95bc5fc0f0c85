/* SPDX-License-Identifier: MIT */
/*
 * The socket system calls: each decodes its registers (descriptors, levels,
 * flags as ints; the program's pointers and lengths as they came) and calls
 * net/ (net/net.h), which does the rest: as Linux's net/socket.c __sys_*
 * functions call the socket's proto_ops. socket and socketpair split the
 * type argument into the type and the SOCK_NONBLOCK / SOCK_CLOEXEC flags.
 *
 * Once a network provider has registered (net/provider.c), the internet
 * sockets made from then on are its: socket() makes one, and each call on
 * one is sent to the provider (PROVIDER_CALL) instead of net/'s own layer.
 */
#include "fs/file.h"
#include "include/uapi/socket.h"
#include "include/uapi/unistd.h"
#include "net/net.h"
#include "sys/sys.h"

/* A call on a provider socket (or the second pass of one) goes there. */
#define PROVIDER_CALL(name)                             \
	do {                                            \
		if (psock_fd(t, (int)a[0]))             \
			return psock_call(t, SYS_##name, a); \
	} while (0)

SYSCALL(socket)
{
	if (psock_takes((int)a[0], (int)a[1] & SOCK_TYPE_MASK))
		return psock_socket(t, a);
	return net_socket((int)a[0], (int)a[1] & SOCK_TYPE_MASK, (int)a[1] & ~SOCK_TYPE_MASK, (int)a[2]);
}

SYSCALL(socketpair)
{
	(void)t;
	return net_socketpair((int)a[0], (int)a[1] & SOCK_TYPE_MASK, (int)a[1] & ~SOCK_TYPE_MASK, (int)a[2], a[3]);
}

SYSCALL(bind)
{
	PROVIDER_CALL(bind);
	return net_bind((int)a[0], a[1], a[2]);
}

SYSCALL(listen)
{
	PROVIDER_CALL(listen);
	return net_listen((int)a[0], (int)a[1]);
}

SYSCALL(accept)
{
	PROVIDER_CALL(accept);
	return net_accept(t, (int)a[0], a[1], a[2], 0);
}

SYSCALL(accept4)
{
	PROVIDER_CALL(accept4);
	return net_accept(t, (int)a[0], a[1], a[2], (int)a[3]);
}

SYSCALL(connect)
{
	PROVIDER_CALL(connect);
	return net_connect(t, (int)a[0], a[1], a[2]);
}

SYSCALL(getsockname)
{
	(void)t;
	if (psock_file(fd_get((int)a[0])))
		return psock_name((int)a[0], a[1], a[2], false);
	return net_getsockname((int)a[0], a[1], a[2]);
}

SYSCALL(getpeername)
{
	(void)t;
	if (psock_file(fd_get((int)a[0])))
		return psock_name((int)a[0], a[1], a[2], true);
	return net_getpeername((int)a[0], a[1], a[2]);
}

SYSCALL(sendto)
{
	PROVIDER_CALL(sendto);
	return net_sendto(t, (int)a[0], a[1], a[2], (int)a[3], a[4], a[5]);
}

SYSCALL(recvfrom)
{
	PROVIDER_CALL(recvfrom);
	return net_recvfrom(t, (int)a[0], a[1], a[2], (int)a[3], a[4], a[5]);
}

SYSCALL(sendmsg)
{
	PROVIDER_CALL(sendmsg);
	return net_sendmsg(t, (int)a[0], a[1], (int)a[2]);
}

SYSCALL(recvmsg)
{
	PROVIDER_CALL(recvmsg);
	return net_recvmsg(t, (int)a[0], a[1], (int)a[2]);
}

SYSCALL(shutdown)
{
	PROVIDER_CALL(shutdown);
	return net_shutdown((int)a[0], (int)a[1]);
}

SYSCALL(setsockopt)
{
	PROVIDER_CALL(setsockopt);
	return net_setsockopt((int)a[0], (int)a[1], (int)a[2], a[3], a[4]);
}

SYSCALL(getsockopt)
{
	PROVIDER_CALL(getsockopt);
	return net_getsockopt((int)a[0], (int)a[1], (int)a[2], a[3], a[4]);
}
