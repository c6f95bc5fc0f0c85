/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/wait.h. */
#ifndef GOOSE_UAPI_WAIT_H
#define GOOSE_UAPI_WAIT_H

#define WNOHANG 1
#define WUNTRACED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x1000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000
#define __WNOTHREAD 0x20000000
#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3

#endif
