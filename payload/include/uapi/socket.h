/* SPDX-License-Identifier: MIT */
/* Linux's values: include/linux/socket.h (AF_*, SOL_*, MSG_*, SCM_*), include/uapi/asm-generic/socket.h (SO_*), include/linux/net.h (SOCK_*), include/uapi/linux/in.h (IPPROTO_*), include/uapi/linux/un.h. */
#ifndef GOOSE_UAPI_SOCKET_H
#define GOOSE_UAPI_SOCKET_H

#include "include/uapi/fcntl.h"

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC
#define IPPROTO_IP 0
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMP 1
#define IPPROTO_RAW 255
#define SOL_SOCKET 1
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_LINGER 13
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define SOMAXCONN 4096
#define SCM_MAX_FD 253
#define SUN_PATH_MAX 108
#define SO_REUSEADDR 2
#define CMSG_ALIGN(n) (((n) + 7) & ~(size_t)7)
#define SOCK_MAX 11		/* SOCK_PACKET + 1 (include/linux/net.h) */
#define AF_MAX 46		/* NPROTO (include/linux/socket.h) */
#define IPPROTO_MAX 263
#define SOL_IP 0
#define SOL_TCP 6
#define SOL_UDP 17

#endif
