/* SPDX-License-Identifier: MIT */
/*
 * Powering off with an exit status. A machine's power-off device is a
 * driver (struct power_driver, REGISTERed in its own file: sifive_test.c
 * for QEMU virt's finisher); without one, SBI SRST, and where even that is
 * missing (QEMU sifive_u) a reset that QEMU's -no-reboot makes an exit.
 */
#ifndef GOOSE_POWER_H
#define GOOSE_POWER_H

#include <stdint.h>

struct fdt_device;
struct fdt_info;

/* The status goose exits with when goose itself fails (bad input, a bug):
 * distinct from Go's own 2 for an unrecovered panic. */
#define POWER_EXIT_GOOSE_FAILURE 125

struct power_driver {
	const char *const *compatible;	/* NULL-terminated */
	/* Take dev (mapped already): 0, or -1. */
	int (*init)(const struct fdt_device *dev);
	/* Power off with status; returns only when it could not. */
	void (*off)(int status);
};

/* The device a registered driver would take, or NULL (boot maps it early). */
const struct fdt_device *power_device(const struct fdt_info *info);
void power_init(const struct fdt_info *info);
/* Print "goose: exit status N" and power off so the machine reports N. */
void goose_exit(int status) __attribute__((noreturn));
/* Power off with status, no message. */
void power_off(int status) __attribute__((noreturn));

#endif
