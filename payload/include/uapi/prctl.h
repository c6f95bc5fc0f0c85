/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/prctl.h. */
#ifndef GOOSE_UAPI_PRCTL_H
#define GOOSE_UAPI_PRCTL_H

#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_VMA 0x53564d41

#endif
