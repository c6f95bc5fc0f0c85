/* SPDX-License-Identifier: MIT */
/*
 * Real-time clocks: the wall-clock time, read once at boot (kernel/clock.c
 * keeps it going with the `time` CSR). Each RTC is a driver (struct
 * rtc_driver, REGISTERed in its own file: rtc_goldfish.c for QEMU virt's).
 */
#ifndef GOOSE_RTC_H
#define GOOSE_RTC_H

#include "lib/lib.h"

struct fdt_device;
struct fdt_info;

struct rtc_driver {
	const char *name;			/* for the boot report */
	const char *const *compatible;		/* NULL-terminated */
	/* Nanoseconds since the epoch from dev's registers (mapped): 0, or -1. */
	int (*read)(const struct fdt_device *dev, uint64_t *ns);
};

/* The time from the first RTC a driver takes: its name, *ns set; NULL when none. */
const char *rtc_read(const struct fdt_info *info, uint64_t *ns);

#endif
