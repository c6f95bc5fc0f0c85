/* SPDX-License-Identifier: MIT */
/* For the FDT tests (test_fdt.c, test_boards.c): the device nodes the drivers would take. */
#ifndef GOOSE_TEST_FDT_DEVICES_H
#define GOOSE_TEST_FDT_DEVICES_H

#include "dev/plic.h"
#include "lib/fdt.h"

/* The device node a driver would take: the first with one of its compatibles
 * (an absent one when none has). */
static const struct fdt_device absent_device;
static const struct fdt_device *dev_of(const struct fdt_info *in, const char *const *compat)
{
	const struct fdt_device *d = fdt_find_any(in, compat);

	return d ? d : &absent_device;
}
#define DEV(in, ...) (*dev_of(&(in), (const char *const[]){ __VA_ARGS__, NULL }))
#define TEST_DEV(in) DEV(in, "sifive,test0")
#define RTC_DEV(in) DEV(in, "google,goldfish-rtc")
/* The PLIC dev/plic.c takes (its own list). */
#define PLIC_DEV(in) DEV(in, PLIC_COMPATIBLE)
/* goose has no CLINT driver: these record what the trees have. */
#define CLINT_DEV(in) DEV(in, "riscv,clint0", "sifive,clint0", "thead,c900-clint")

#endif
