/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/eventpoll.h. */
#ifndef GOOSE_UAPI_EVENTPOLL_H
#define GOOSE_UAPI_EVENTPOLL_H

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLIN 0x001
#define EPOLLPRI 0x002
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDNORM 0x040
#define EPOLLWRNORM 0x100
#define EPOLLRDHUP 0x2000
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

#endif
