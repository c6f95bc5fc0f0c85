// SPDX-License-Identifier: MIT
/*
 * make board-check DTB=<file.dtb> [BOOTARGS="..."]: goose's boot plan for a
 * board, from its device tree, before anything is flashed. Built on the host
 * from goose's own code (lib/fdt.c parses; the driver files of dev/ say what
 * they match, from the same registries goose walks at boot), so what it
 * prints is what goose will do, one fact a line:
 *
 *   board: <model>
 *   ram: 0x<base>-0x<end> (<MiB> MiB)[, ...]
 *   reserved: 0x<base>-0x<end> [no-map][, ...]
 *   console: <driver> <compatible> @0x<addr> reg-shift <n> reg-io-width <n> [(io window)]
 *   console: sbi (<why>)
 *   harts: <n> usable (<ids>); skipped: <id> (<why>) ...
 *   timebase: <Hz>
 *   irq: <driver> <compatible> @0x<addr> (<n> contexts, <n> sources)   |   irq: none (<why>)
 *   poweroff: <compatible> @0x<addr>   |   poweroff: SBI SRST (<why>)
 *   clock: <rtc> @0x<addr>   |   clock: goose.time   |   clock: none (<why>)
 *   initrd: 0x<start>-0x<end> (<KiB> KiB) from /chosen
 *   warning: <what a board user must fix or know>
 *
 * It exits 1 only on a tree goose would refuse (fdt_parse's error line), 2
 * on a usage or file error. The output for every tree under dts/ is in
 * docs/boards/board-check.md (make docs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/riscv/hart.h"
#include "arch/riscv/layout.h"
#include "dev/console.h"
#include "dev/irq.h"
#include "dev/power.h"
#include "dev/rtc.h"
#include "lib/bootargs.h"
#include "lib/fdt.h"

/* Physical addresses goose reaches through its direct map; above, ioremap's window. */
#define DIRECT_END ((uint64_t)KERNEL_DIRECT_GIB << 30)

static int warnings;

#define WARN(...)                          \
	do {                               \
		printf("warning: " __VA_ARGS__); \
		printf("\n");              \
		warnings++;                \
	} while (0)

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	static char buf[4 << 20];

	if (!f) {
		fprintf(stderr, "board-check: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	*len = fread(buf, 1, sizeof(buf), f);
	if (!feof(f)) {
		fprintf(stderr, "board-check: %s: over %zu bytes: not a device tree\n", path, sizeof(buf));
		exit(2);
	}
	fclose(f);
	return buf;
}

static const char *where(uint64_t pa)
{
	return pa >= DIRECT_END ? " (above the direct map: goose maps it in its io window)" : "";
}

static void ranges(const char *what, const struct fdt_range *r, int n, const bool *no_map)
{
	if (!n)
		return;
	printf("%s: ", what);
	for (int i = 0; i < n; i++)
		printf("%s0x%llx-0x%llx%s", i ? ", " : "", (unsigned long long)r[i].base,
		       (unsigned long long)(r[i].base + r[i].size - 1), no_map && no_map[i] ? " no-map" : "");
	printf("\n");
}

static void ram(const struct fdt_info *in)
{
	uint64_t total = 0;

	if (!in->nmem) {
		printf("ram: none in the tree\n");
		WARN("no /memory node: the firmware must add one (U-Boot and OpenSBI write it from the DDR they find); "
		     "goose stops at boot without one");
		return;
	}
	printf("ram: ");
	for (int i = 0; i < in->nmem; i++) {
		printf("%s0x%llx-0x%llx (%llu MiB)", i ? ", " : "", (unsigned long long)in->mem[i].base,
		       (unsigned long long)(in->mem[i].base + in->mem[i].size - 1),
		       (unsigned long long)(in->mem[i].size >> 20));
		total += in->mem[i].size;
		if (in->mem[i].base + in->mem[i].size > DIRECT_END)
			WARN("RAM above %d GiB (0x%llx-) is out of goose's reach: it uses what lies below", KERNEL_DIRECT_GIB,
			     (unsigned long long)DIRECT_END);
	}
	printf("\n");
	(void)total;
}

/* The console the boot would pick: the first driver whose compatible the
 * stdout-path node lists (console.c's order), else the firmware's. */
static void console_of(const struct fdt_info *in)
{
	const struct fdt_device *dev = &in->console;

	if (!in->stdout_path) {
		printf("console: sbi (no /chosen/stdout-path)\n");
		return;
	}
	if (!dev->present) {
		printf("console: sbi (stdout-path \"%s\" names no node goose can read)\n", in->stdout_path);
		WARN("stdout-path \"%s\" resolves to nothing: goose's output goes through the firmware", in->stdout_path);
		return;
	}
	REGISTRY_FOREACH(consoles, struct console_driver, d)
	{
		const char *c = (*d)->compatible ? fdt_device_matches(dev, (*d)->compatible) : NULL;

		if (c) {
			printf("console: %s %s @0x%llx reg-shift %u reg-io-width %u%s\n", (*d)->name, c,
			       (unsigned long long)dev->base,
			       dev->reg_shift, dev->reg_io_width ? dev->reg_io_width : 1, where(dev->base));
			return;
		}
	}
	printf("console: sbi (no driver for %s)\n", dev->compat_len ? dev->compat : "a node without compatible");
	WARN("goose drives no UART of this board's kind (%s): its lines go through the firmware (SBI DBCN or the "
	     "legacy console), slower, and input only by polling", dev->compat_len ? dev->compat : "?");
}

static void hart_list(const struct fdt_info *in)
{
	int usable = 0;

	for (int i = 0; i < in->nharts; i++)
		usable += in->harts[i].usable;
	printf("harts: %d usable (", usable);
	for (int i = 0, n = 0; i < in->nharts; i++)
		if (in->harts[i].usable)
			printf("%s%u", n++ ? " " : "", in->harts[i].hartid);
	printf(")");
	for (int i = 0, n = 0; i < in->nharts; i++)
		if (!in->harts[i].usable)
			printf("%s%u (%s)", n++ ? " " : "; skipped: ", in->harts[i].hartid,
			       in->harts[i].has_mmu ? "status not okay" : "no MMU");
	printf("\n");
	if (usable > MAX_HARTS)
		WARN("%d usable harts: goose runs on the first %d", usable, MAX_HARTS);
	if (!usable)
		WARN("no usable hart (status okay with an mmu-type): goose cannot run here");
}

static void irq_chip_of(const struct fdt_info *in)
{
	REGISTRY_FOREACH(irqchips, struct irq_chip, chip)
	{
		const struct fdt_device *dev = fdt_find_any(in, (*chip)->compatible);
		int missing = 0;

		if (!dev)
			continue;
		printf("irq: %s %s @0x%llx (%u contexts, %u sources)%s\n", (*chip)->name,
		       fdt_device_matches(dev, (*chip)->compatible),
		       (unsigned long long)dev->base, dev->intx_len / 8, dev->ndev, where(dev->base));
		for (int i = 0; i < in->nharts; i++)
			missing += in->harts[i].usable && plic_s_context(dev, in->harts[i].intc_phandle) < 0;
		if (missing)
			WARN("%d usable harts have no S-mode context in %s's interrupts-extended: a boot hart among them "
			     "gets no device interrupts", missing, dev->name);
		return;
	}
	printf("irq: none (no interrupt controller goose drives)\n");
	WARN("no device interrupts: /dev/irq/<n> is absent (drivers in Go must poll)");
}

static void poweroff(const struct fdt_info *in)
{
	REGISTRY_FOREACH(power, struct power_driver, d)
	{
		const struct fdt_device *dev = fdt_find_any(in, (*d)->compatible);

		if (dev) {
			printf("poweroff: %s @0x%llx\n", fdt_device_matches(dev, (*d)->compatible),
			       (unsigned long long)dev->base);
			return;
		}
	}
	printf("poweroff: SBI SRST (no power-off device goose drives; a firmware without SRST resets instead)\n");
}

static void clock_of(const struct fdt_info *in, const struct bootargs *ba)
{
	REGISTRY_FOREACH(rtcs, struct rtc_driver, d)
	{
		const struct fdt_device *dev = fdt_find_any(in, (*d)->compatible);

		if (dev) {
			printf("clock: %s @0x%llx\n", (*d)->name, (unsigned long long)dev->base);
			return;
		}
	}
	if (ba && bootargs_opt(ba, "goose.time")) {
		printf("clock: goose.time (from the boot arguments)\n");
		return;
	}
	printf("clock: none (no RTC goose drives: the wall clock starts at the epoch; goose.time=<unix seconds> sets "
	       "it)\n");
}

int main(int argc, char **argv)
{
	static struct fdt_info in;
	static struct bootargs ba;
	char err[256];
	size_t len;
	const char *args = argc > 2 ? argv[2] : NULL;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: board_check <file.dtb> [bootargs]   (make board-check DTB=... BOOTARGS=...)\n");
		return 2;
	}
	const void *blob = read_file(argv[1], &len);

	if (fdt_parse(blob, len, &in, err, sizeof(err))) {
		printf("%s\n", err);
		printf("refused: goose stops at boot with that line\n");
		return 1;
	}
	if (!args || !*args)
		args = in.bootargs;
	if (args && bootargs_split(args, BOOTARGS_MAX_LEN, &ba, err, sizeof(err))) {
		printf("%s\n", err);
		printf("refused: goose stops at boot with that line\n");
		return 1;
	}
	printf("board: %s\n", in.model ? in.model : "(no model property)");
	ram(&in);
	ranges("reserved", in.resv, in.nresv, in.resv_no_map);
	console_of(&in);
	hart_list(&in);
	printf("timebase: %llu Hz\n", (unsigned long long)in.timebase_hz);
	if (!in.timebase_hz)
		WARN("no timebase-frequency in /cpus: goose cannot keep time");
	irq_chip_of(&in);
	poweroff(&in);
	clock_of(&in, args ? &ba : NULL);
	if (in.initrd_end > in.initrd_start)
		printf("initrd: 0x%llx-0x%llx (%llu KiB) from /chosen: goose takes it if it is an ELF or a cpio archive\n",
		       (unsigned long long)in.initrd_start, (unsigned long long)in.initrd_end - 1,
		       (unsigned long long)(in.initrd_end - in.initrd_start) >> 10);
	return 0;
}
