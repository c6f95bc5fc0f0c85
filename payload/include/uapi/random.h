/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/random.h. */
#ifndef GOOSE_UAPI_RANDOM_H
#define GOOSE_UAPI_RANDOM_H

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

#endif
