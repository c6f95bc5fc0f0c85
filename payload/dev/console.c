/* SPDX-License-Identifier: MIT */
#include "dev/console.h"
#include "arch/riscv/ioremap.h"
#include "arch/riscv/ksyms.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "arch/riscv/spinlock.h"
#include "dev/power.h"
#include "dev/uart.h"
#include "lib/fdt.h"
#include "sbi/sbi.h"

/* The driver in use, and the lock that keeps lines whole across harts. */
static struct {
	struct spinlock lock;
	const struct console_driver *drv;
} con = { .lock = SPINLOCK_INIT("console", LOCK_RANK_CONSOLE) };

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

/* Why the stdout-path device's driver could not take it, for the line that says so. */
static char con_why[96];

int console_uart(struct uart *u, const struct fdt_device *dev, uint32_t probe, int probe_width)
{
	void *regs = ioremap(dev->base, MAX(dev->size, (uint64_t)PAGE_SIZE));
	const void *reg;
	uint32_t v;

	if (!regs) {
		snprintf(con_why, sizeof(con_why), "registers out of goose's reach");
		return -1;
	}
	*u = (struct uart){
		.base = (uintptr_t)regs,
		.reg_shift = dev->reg_shift,
		.reg_io_width = dev->reg_io_width == 4 ? 4 : 1,
		.reg_offset = dev->reg_offset,
		.read = mmio_read,
		.write = mmio_write,
	};
	/* A tree may name registers with nothing behind them: the first
	 * read must not be goose's last. */
	reg = (const void *)(u->base + u->reg_offset + probe);
	if (probe_width == 4 ? io_probe32(reg, &v) : io_probe8(reg, &v)) {
		snprintf(con_why, sizeof(con_why), "nothing answers there (an access fault)");
		return -1;
	}
	return 0;
}

/* The first driver that lists one of dev's compatible strings and takes it
 * (as OpenSBI's fdt_serial tries its drivers); *name: that string. */
static const struct console_driver *console_match(const struct fdt_device *dev, const char **name)
{
	REGISTRY_FOREACH(consoles, struct console_driver, d)
	{
		const struct console_driver *drv = *d;
		const char *c = fdt_device_matches(dev, drv->compatible);

		/* A driver that cannot take it leaves it to the next. */
		if (c && !drv->init(dev)) {
			*name = c;
			return drv;
		}
	}
	return NULL;
}

/* The firmware's consoles (no device of their own), best rank first. */
static const struct console_driver *console_fallback(void)
{
	for (int rank = 1; rank <= CONSOLE_MAX_RANK; rank++) {
		REGISTRY_FOREACH(consoles, struct console_driver, d)
		{
			const struct console_driver *drv = *d;

			if (drv->rank == rank && !drv->init(NULL))
				return drv;
		}
	}
	return NULL;
}

/*
 * The stdout-path device's driver, else the firmware's consoles by rank.
 * Returns the name for the boot report: the compatible that matched, or
 * the fallback's.
 */
const char *console_init(const struct fdt_device *dev)
{
	const char *name = NULL;

	con.drv = dev && dev->present ? console_match(dev, &name) : NULL;
	if (!con.drv && (con.drv = console_fallback())) {
		name = con.drv->name;
		if (dev && dev->present)
			gmsg("console: %s at 0x%lx (%s): %s; the %s console instead",
			     dev->name ? dev->name : "the stdout-path node", dev->base,
			     dev->compat_len ? dev->compat : "no compatible", con_why[0] ? con_why : "no driver for it",
			     name);
	}
	return name;
}

const char *console_init_machine(const struct fdt_info *info)
{
	REGISTRY_FOREACH(consoles, struct console_driver, d)
	{
		const struct console_driver *drv = *d;

		if (!drv->preferred)
			continue;
		for (int i = 0; i < info->ndevices; i++) {
			const struct fdt_device *dev = &info->device[i];

			if (dev->present && fdt_device_matches(dev, drv->compatible) && !drv->init(dev)) {
				con.drv = drv;
				return drv->name;
			}
		}
	}
	return console_init(&info->console);
}

void console_write(const char *s, size_t n)
{
	spin_lock(&con.lock);
	con.drv->write(s, n);
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
		con.drv->write(s, i);
		if (i < n) {
			con.drv->write("\r\n", 2);
			i++;
		}
		s += i;
		n -= i;
	}
	spin_unlock(&con.lock);
}

void console_flush(void)
{
	if (con.drv->flush)
		con.drv->flush();
}

int console_getc(void)
{
	return con.drv->getc();
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
