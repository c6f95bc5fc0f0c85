/* SPDX-License-Identifier: MIT */
/*
 * The socket system calls: each decodes its registers (descriptors, levels,
 * flags as ints; the program's pointers and lengths as they came) and calls
 * net/ (net/net.h), which does the rest: as Linux's net/socket.c __sys_*
 * functions call the socket's proto_ops. socket and socketpair split the
 * type argument into the type and the SOCK_NONBLOCK / SOCK_CLOEXEC flags.
 */
#include "include/uapi/socket.h"
#include "net/net.h"
#include "sys/sys.h"

SYSCALL(socket)
{
	(void)t;
	return net_socket((int)a[0], (int)a[1] & SOCK_TYPE_MASK, (int)a[1] & ~SOCK_TYPE_MASK, (int)a[2]);
}

SYSCALL(socketpair)
{
	(void)t;
	return net_socketpair((int)a[0], (int)a[1] & SOCK_TYPE_MASK, (int)a[1] & ~SOCK_TYPE_MASK, (int)a[2], a[3]);
}

SYSCALL(bind)
{
	(void)t;
	return net_bind((int)a[0], a[1], a[2]);
}

SYSCALL(listen)
{
	(void)t;
	return net_listen((int)a[0], (int)a[1]);
}

SYSCALL(accept)
{
	return net_accept(t, (int)a[0], a[1], a[2], 0);
}

SYSCALL(accept4)
{
	return net_accept(t, (int)a[0], a[1], a[2], (int)a[3]);
}

SYSCALL(connect)
{
	return net_connect(t, (int)a[0], a[1], a[2]);
}

SYSCALL(getsockname)
{
	(void)t;
	return net_getsockname((int)a[0], a[1], a[2]);
}

SYSCALL(getpeername)
{
	(void)t;
	return net_getpeername((int)a[0], a[1], a[2]);
}

SYSCALL(sendto)
{
	return net_sendto(t, (int)a[0], a[1], a[2], (int)a[3], a[4], a[5]);
}

SYSCALL(recvfrom)
{
	return net_recvfrom(t, (int)a[0], a[1], a[2], (int)a[3], a[4], a[5]);
}

SYSCALL(sendmsg)
{
	return net_sendmsg(t, (int)a[0], a[1], (int)a[2]);
}

SYSCALL(recvmsg)
{
	return net_recvmsg(t, (int)a[0], a[1], (int)a[2]);
}

SYSCALL(shutdown)
{
	(void)t;
	return net_shutdown((int)a[0], (int)a[1]);
}

SYSCALL(setsockopt)
{
	(void)t;
	return net_setsockopt((int)a[0], (int)a[1], (int)a[2], a[3], a[4]);
}

SYSCALL(getsockopt)
{
	(void)t;
	return net_getsockopt((int)a[0], (int)a[1], (int)a[2], a[3], a[4]);
}
