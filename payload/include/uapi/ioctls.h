/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/asm-generic/ioctls.h. */
#ifndef GOOSE_UAPI_IOCTLS_H
#define GOOSE_UAPI_IOCTLS_H

#define FIONREAD 0x541b
#define TIOCOUTQ 0x5411
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

#endif
