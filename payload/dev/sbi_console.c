/* SPDX-License-Identifier: MIT */
/*
 * The firmware's consoles, for a machine whose stdout-path names no UART
 * goose drives: SBI DBCN (the debug console extension, SBI 2.0; OpenSBI 1.3
 * and later), else the legacy console calls every SBI has.
 */
#include "dev/console.h"
#include "arch/riscv/layout.h"
#include "sbi/sbi.h"

#ifndef GOOSE_HOST
static char bounce[256];

static int dbcn_init(const struct fdt_device *dev)
{
	(void)dev;
	return sbi_probe(SBI_EXT_DBCN) ? 0 : -1;
}

/* DBCN takes a physical address and may write less than asked; the bytes
 * may be anywhere (the program's buffer), so they go through a buffer of
 * goose's own. */
static void dbcn_write(const char *s, size_t n)
{
	while (n) {
		size_t chunk = MIN(n, sizeof(bounce));

		memcpy(bounce, s, chunk);
		for (size_t done = 0; done < chunk;) {
			long w = sbi_dbcn_write(chunk - done, IMAGE_PA(bounce + done));

			if (w <= 0)
				return;
			done += (size_t)w;
		}
		s += chunk;
		n -= chunk;
	}
}

static int legacy_init(const struct fdt_device *dev)
{
	(void)dev;
	return 0;
}

static void legacy_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sbi_legacy_putchar(s[i]);
}

/* Input comes through the legacy call on either (DBCN's read wants a
 * buffer per byte for no gain here). */
static int legacy_getc(void)
{
	return sbi_legacy_getchar();
}
#endif

static const struct console_driver sbi_dbcn_console = {
	.name = "sbi-dbcn",
	.rank = 1,
	.init = HW(dbcn_init),
	.write = HW(dbcn_write),
	.getc = HW(legacy_getc),
};
REGISTER(consoles, struct console_driver, sbi_dbcn_console);

static const struct console_driver sbi_legacy_console = {
	.name = "sbi-legacy",
	.rank = 2,
	.init = HW(legacy_init),
	.write = HW(legacy_write),
	.getc = HW(legacy_getc),
};
REGISTER(consoles, struct console_driver, sbi_legacy_console);
