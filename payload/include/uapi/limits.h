/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/limits.h (NGROUPS_MAX, PIPE_BUF), include/uapi/linux/uio.h (UIO_MAXIOV as IOV_MAX). */
#ifndef GOOSE_UAPI_LIMITS_H
#define GOOSE_UAPI_LIMITS_H

#define PIPE_BUF 4096
#define NGROUPS_MAX 65536
#define IOV_MAX 1024

#endif
