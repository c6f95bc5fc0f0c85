/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/eventfd.h. */
#ifndef GOOSE_UAPI_EVENTFD_H
#define GOOSE_UAPI_EVENTFD_H

#include "include/uapi/fcntl.h"

#define EFD_SEMAPHORE 1

#endif
