/* SPDX-License-Identifier: MIT */
/*
 * The console: the UART /chosen/stdout-path names when goose has a driver for
 * it, else SBI DBCN when the firmware has it, else the SBI legacy console.
 * Each driver is one struct console_driver in a file of its own
 * (uart16550.c, uart_sifive.c, sbi_console.c), registered with REGISTER:
 * the console core matches compatibles and calls through the struct, and
 * never names a driver. Adding a UART is one new file.
 */
#ifndef GOOSE_CONSOLE_H
#define GOOSE_CONSOLE_H

#include "lib/lib.h"

struct fdt_device;
struct uart;

struct console_driver {
	/* The compatible strings it drives (NULL-terminated); NULL for the
	 * firmware's consoles, which need no device and are tried by rank. */
	const char *const *compatible;
	const char *name;	/* the driver's name (a fallback's in the boot report) */
	int rank;		/* fallbacks: 1 first, up to CONSOLE_MAX_RANK */
	/* Taken over the stdout-path's UART when the machine has such a
	 * device at all (virtio-console: there only when asked for). */
	bool preferred;
	/* Take dev (NULL for a fallback): 0, or -1 when it cannot. */
	int (*init)(const struct fdt_device *dev);
	void (*write)(const char *s, size_t n);
	int (*getc)(void);	/* a byte, or -1 when none is waiting */
	void (*flush)(void);	/* NULL: nothing to wait for */
};
#define CONSOLE_MAX_RANK 2

/* For the UART drivers: a struct uart on dev's registers (ioremap), whose
 * register at byte offset probe (from the first register; one whose read
 * changes nothing: never the receive buffer, which a read pops) must
 * answer a first read of probe_width bytes (1 or 4): 0, or -1 when they
 * cannot be reached (the console then says why and falls back to the
 * firmware's). */
int console_uart(struct uart *u, const struct fdt_device *dev, uint32_t probe, int probe_width);

/* Pick the driver for dev (may be NULL or absent): returns its name. */
const char *console_init(const struct fdt_device *dev);
/* The machine's console: a preferred driver's device if info has one,
 * else console_init(&info->console). */
struct fdt_info;
const char *console_init_machine(const struct fdt_info *info);
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
