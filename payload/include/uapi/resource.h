/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/resource.h, include/uapi/asm-generic/resource.h. */
#ifndef GOOSE_UAPI_RESOURCE_H
#define GOOSE_UAPI_RESOURCE_H

#define RLIMIT_STACK 3
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY (~0ull)

#endif
