/* SPDX-License-Identifier: MIT */
#ifndef GOOSE_POWER_H
#define GOOSE_POWER_H

#include <stdint.h>

struct fdt_device;

/* The status goose exits with when goose itself fails (bad input, a bug):
 * distinct from Go's own 2 for an unrecovered panic. */
#define POWER_EXIT_GOOSE_FAILURE 125

void power_init(const struct fdt_device *test_dev);
/* Print "goose: exit status N" and power off so the machine reports N. */
void goose_exit(int status) __attribute__((noreturn));
/* Power off with status, no message. */
void power_off(int status) __attribute__((noreturn));

#endif
