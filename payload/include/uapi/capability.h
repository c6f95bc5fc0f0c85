/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/capability.h (_LINUX_CAPABILITY_VERSION_1..3). */
#ifndef GOOSE_UAPI_CAPABILITY_H
#define GOOSE_UAPI_CAPABILITY_H

#define CAP_V1 0x19980330
#define CAP_V2 0x20071026
#define CAP_V3 0x20080522
#define CAP_LAST_CAP 40

#endif
