/* SPDX-License-Identifier: MIT */
#include "dev/console.h"
#include "arch/riscv/ksyms.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/spinlock.h"
#include "dev/power.h"
#include "dev/uart.h"
#include "lib/fdt.h"
#include "sbi/sbi.h"

enum console_kind { CONSOLE_SBI_LEGACY, CONSOLE_SBI_DBCN, CONSOLE_16550, CONSOLE_SIFIVE };

/* Which driver serves which compatible string: platform differences are data. */
static const struct {
	const char *compatible;
	enum console_kind kind;
	const char *name;
} console_table[] = {
	{ "ns16550a", CONSOLE_16550, "ns16550a" },
	{ "ns16550", CONSOLE_16550, "ns16550" },
	{ "snps,dw-apb-uart", CONSOLE_16550, "snps,dw-apb-uart" },
	{ "sifive,uart0", CONSOLE_SIFIVE, "sifive,uart0" },
};

static struct {
	struct spinlock lock;
	enum console_kind kind;
	struct uart uart;
	char bounce[256];
} con;

static uint32_t mmio_read(const struct uart *u, uintptr_t addr, int width)
{
	(void)u;
	if (width == 4)
		return *(volatile uint32_t *)addr;
	return *(volatile uint8_t *)addr;
}

static void mmio_write(const struct uart *u, uintptr_t addr, int width, uint32_t val)
{
	(void)u;
	if (width == 4)
		*(volatile uint32_t *)addr = val;
	else
		*(volatile uint8_t *)addr = (uint8_t)val;
}

const char *console_init(const struct fdt_device *dev)
{
	if (dev && dev->present) {
		for (size_t i = 0; i < ARRAY_SIZE(console_table); i++) {
			if (!fdt_stringlist_contains(dev->compat, dev->compat_len, console_table[i].compatible))
				continue;
			con.uart = (struct uart){
				.base = (uintptr_t)PA2VA(dev->base),
				.reg_shift = dev->reg_shift,
				.reg_io_width = dev->reg_io_width == 4 ? 4 : 1,
				.reg_offset = dev->reg_offset,
				.read = mmio_read,
				.write = mmio_write,
			};
			if (console_table[i].kind == CONSOLE_SIFIVE)
				uart_sifive_init(&con.uart);
			else
				uart16550_init(&con.uart);
			con.kind = console_table[i].kind;
			return console_table[i].name;
		}
	}
	if (sbi_probe(SBI_EXT_DBCN)) {
		con.kind = CONSOLE_SBI_DBCN;
		return "sbi-dbcn";
	}
	con.kind = CONSOLE_SBI_LEGACY;
	return "sbi-legacy";
}

static void console_write_locked(const char *s, size_t n)
{
	switch (con.kind) {
	case CONSOLE_16550:
		uart16550_write(&con.uart, s, n);
		break;
	case CONSOLE_SIFIVE:
		for (size_t i = 0; i < n; i++)
			uart_sifive_putc(&con.uart, s[i]);
		break;
	case CONSOLE_SBI_DBCN:
		/* DBCN takes a physical address and may write less than asked; the
		 * bytes may be anywhere (the program's buffer), so they go through
		 * a buffer of goose's own. */
		while (n) {
			size_t chunk = MIN(n, sizeof(con.bounce));

			memcpy(con.bounce, s, chunk);
			for (size_t done = 0; done < chunk;) {
				long w = sbi_dbcn_write(chunk - done, IMAGE_PA(con.bounce + done));

				if (w <= 0)
					return;
				done += (size_t)w;
			}
			s += chunk;
			n -= chunk;
		}
		break;
	case CONSOLE_SBI_LEGACY:
		for (size_t i = 0; i < n; i++)
			sbi_legacy_putchar(s[i]);
		break;
	}
}

void console_write(const char *s, size_t n)
{
	spin_lock(&con.lock);
	console_write_locked(s, n);
	spin_unlock(&con.lock);
}

/* As a tty with ONLCR (Linux's default for consoles) does: "\n" -> "\r\n". */
void console_write_crlf(const char *s, size_t n)
{
	spin_lock(&con.lock);
	while (n) {
		size_t i = 0;

		while (i < n && s[i] != '\n')
			i++;
		console_write_locked(s, i);
		if (i < n) {
			console_write_locked("\r\n", 2);
			i++;
		}
		s += i;
		n -= i;
	}
	spin_unlock(&con.lock);
}

void console_flush(void)
{
	if (con.kind == CONSOLE_16550)
		uart16550_flush(&con.uart);
	else if (con.kind == CONSOLE_SIFIVE)
		uart_sifive_flush(&con.uart);
}

int console_getc(void)
{
	switch (con.kind) {
	case CONSOLE_16550:
		return uart16550_getc(&con.uart);
	case CONSOLE_SIFIVE:
		return uart_sifive_getc(&con.uart);
	default:
		return sbi_legacy_getchar();
	}
}

static void console_vprintf(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	char buf[512];
	size_t n = 0;

	n += (size_t)snprintf(buf, sizeof(buf), "%s", prefix);
	int w = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	n = MIN(n + (size_t)(w > 0 ? w : 0), sizeof(buf) - 1);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", suffix);
	console_write_crlf(buf, MIN(n, sizeof(buf) - 1));
}

void gmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf("goose: ", fmt, ap, "\n");
	va_end(ap);
}

void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf("", fmt, ap, "");
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	uint64_t caller = (uint64_t)__builtin_return_address(0), off;
	const char *fn, *file;
	int line;
	va_list ap;

	va_start(ap, fmt);
	console_vprintf("goose: panic: ", fmt, ap, "\n");
	va_end(ap);
	if (!ksym_lookup(caller, &fn, &off, &file, &line))
		gmsg("  called from %s+0x%lx (%s:%d)", fn, off, file ? file : "?", line);
	goose_exit(POWER_EXIT_GOOSE_FAILURE);
}
