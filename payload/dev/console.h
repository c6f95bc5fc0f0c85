/* SPDX-License-Identifier: MIT */
/*
 * The console: the UART /chosen/stdout-path names when goose has a driver for
 * it, else SBI DBCN when the firmware has it, else the SBI legacy console.
 * Drivers are chosen from a table by compatible string (uart.c).
 */
#ifndef GOOSE_CONSOLE_H
#define GOOSE_CONSOLE_H

#include "lib/lib.h"

struct fdt_device;

/* Pick the driver for dev (may be NULL or absent): returns its name. */
const char *console_init(const struct fdt_device *dev);
void console_write(const char *s, size_t n);
/* The same, with each "\n" sent as "\r\n" (what the program and goose print). */
void console_write_crlf(const char *s, size_t n);
int console_getc(void);
/* Let the UART send everything written (before the power goes). */
void console_flush(void);

/* goose's own messages: "goose: " + the formatted text + "\n". */
void gmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Formatted text with no prefix (register dumps, continuation lines). */
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A broken invariant inside goose: message, then power off with failure. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
