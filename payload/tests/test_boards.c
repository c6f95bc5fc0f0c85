/* SPDX-License-Identifier: MIT */
/*
 * Host tests: what goose derives (fdt_parse) from the device tree of every
 * machine it supports: every .dts in dts/ and dts/variants/, compiled by
 * dtc into build/dtb/ (`make dtbs`). One table row per tree says what goose
 * must find there: RAM banks (or that there is no memory node, which the
 * firmware must add), reserved ranges and their no-map flags, the console
 * (node, driver, register layout), the timebase, the harts, which of them
 * goose may run on and their ISA letters, the interrupt controllers, and
 * the initrd and bootargs a loader added. Then the facts goose relies on at
 * boot are checked for each tree: reserved ranges lie in RAM, RAM base +
 * 0x200000 (where OpenSBI and booti put goose) is free, kernel/clock.c can
 * keep time at the timebase, and the PLIC has an S-mode context for every
 * hart goose may run on (whichever boots, dev/plic.c routes to it).
 * Every .dts must have a row, so a new board comes with its expectations.
 *
 *   test_boards payload/tests/data build/dtb
 *
 * argv[1] is the data directory ci/test.py passes; the repository (for dts/)
 * is found from it, and build/dtb/ too unless argv[2] names it.
 */
#include "dev/uart.h"
#include "kernel/clock.h"
#include "lib/fdt.h"
#include "lib/isa.h"
#include "test.h"
#include "tests/fdt_devices.h"


#include <dirent.h>

#define GIB (1ull << 30)
#define MIB (1ull << 20)
/* OpenSBI's fw_jump/fw_dynamic and U-Boot's booti put goose at RAM base + text_offset. */
#define LOAD_OFFSET 0x200000ull
#define MAX_WANT 6

struct range_want {
	uint64_t base, size;
	bool no_map;
};

struct board_want {
	const char *file;	/* under the dtb directory */
	bool no_memory;		/* no memory node (the firmware adds it; goose stops without) */
	struct range_want mem[MAX_WANT];
	struct range_want resv[MAX_WANT];	/* reservation block first, then /reserved-memory */
	const char *stdout_path;
	const char *console_node_compat;	/* the node's first compatible */
	const char *console_driver;		/* the console.c table entry that matches (boot report name) */
	uint64_t console_base;
	uint32_t reg_shift, reg_io_width, reg_offset;
	uint64_t timebase;
	const char *harts;	/* the cpu nodes' hart ids, in tree order: "0-4", "0,2" */
	const char *usable;	/* those goose may run on (okay and an MMU) */
	bool sstc;		/* every usable hart has Sstc (else none has) */
	const char *isa;	/* every usable hart's single letters (AT_HWCAP, hwprobe), as an ISA string */
	uint64_t plic;		/* found by dev/plic.c's compatibles; 0: none */
	uint32_t plic_ndev, plic_contexts;	/* riscv,ndev; interrupts-extended entries */
	uint64_t clint, test_dev, rtc;	/* 0: absent */
	uint64_t initrd_start, initrd_end;
	const char *bootargs;	/* NULL: absent */
};

/* The JH7110 boards (VisionFive 2 v1.3B, v1.2A, Lite) with 4 GiB: the same
 * facts in each tree; the 8 GiB variant differs in RAM only. */
#define JH7110_4G(f)                                                                                                  \
	{                                                                                                              \
		.file = f, .mem = { { 0x40000000, 4 * GIB } },                                                         \
		.resv = { { 0x40000000, 0x40000, true }, { 0x40040000, 0x40000, true } },                             \
		.stdout_path = "serial0:115200n8", .console_node_compat = "starfive,jh7110-uart",                     \
		.console_driver = "snps,dw-apb-uart", .console_base = 0x10000000, .reg_shift = 2, .reg_io_width = 4, \
		.timebase = 4000000, .harts = "0-4", .usable = "1-4", .isa = "rv64imafdc", .plic = 0xc000000,         \
		.plic_ndev = 136, .plic_contexts = 9, .clint = 0x2000000,                                              \
	}

static const struct board_want boards[] = {
	{
		.file = "qemu-virt.dtb",
		.mem = { { 0x80000000, 256 * MIB } },
		.resv = { { 0x80000000, 0x80000, false } },
		.stdout_path = "/soc/serial@10000000:115200n8",
		.console_node_compat = "ns16550a", .console_driver = "ns16550a",
		.console_base = 0x10000000, .reg_shift = 0, .reg_io_width = 1,
		.timebase = 10000000,
		.harts = "0-1", .usable = "0-1", .sstc = true, .isa = "rv64imafdch",
		.plic = 0xc000000, .plic_ndev = 96, .plic_contexts = 4,
		.clint = 0x2000000, .test_dev = 0x100000, .rtc = 0x101000,
	},
	{
		.file = "sifive_u.dtb",
		.mem = { { 0x80000000, 128 * MIB } },
		.resv = { { 0x80000000, 0x80000, true } },
		.stdout_path = "serial0",
		.console_node_compat = "sifive,fu540-c000-uart", .console_driver = "sifive,uart0",
		.console_base = 0x10010000, .reg_shift = 0, .reg_io_width = 1,
		.timebase = 1000000,
		.harts = "0-1", .usable = "1", .isa = "rv64imafdc",
		.plic = 0xc000000, .plic_ndev = 53, .plic_contexts = 3,
		.clint = 0x2000000,
	},
	{
		.file = "unmatched.dtb",
		.mem = { { 0x80000000, 16 * GIB } },
		.resv = { { 0x80000000, 0x40000, true }, { 0x80040000, 0x40000, true } },
		.stdout_path = "serial0",
		.console_node_compat = "sifive,fu740-c000-uart", .console_driver = "sifive,uart0",
		.console_base = 0x10010000, .reg_shift = 0, .reg_io_width = 1,
		.timebase = 1000000,
		.harts = "0-4", .usable = "1-4", .isa = "rv64imafdc",
		.plic = 0xc000000, .plic_ndev = 69, .plic_contexts = 9,
		.clint = 0x2000000,
	},
	JH7110_4G("visionfive2.dtb"),
	JH7110_4G("visionfive2-v1.2a.dtb"),
	JH7110_4G("visionfive2-lite.dtb"),
	{
		.file = "hifive-unleashed.dtb",
		.mem = { { 0x80000000, 8 * GIB } },
		.resv = { { 0x80000000, 0x40000, true }, { 0x80040000, 0x40000, true } },
		.stdout_path = "serial0",
		.console_node_compat = "sifive,fu540-c000-uart", .console_driver = "sifive,uart0",
		.console_base = 0x10010000, .reg_shift = 0, .reg_io_width = 1,
		.timebase = 1000000,
		.harts = "0-4", .usable = "1-4", .isa = "rv64imafdc",
		.plic = 0xc000000, .plic_ndev = 53, .plic_contexts = 9,
		.clint = 0x2000000,
	},
	{
		/* Its RTC (microchip,mpfs-rtc) has no goose driver. */
		.file = "polarfire-icicle.dtb",
		.mem = { { 0x80000000, 1 * GIB }, { 0x1040000000, 1 * GIB } },
		.resv = { { 0xbfc00000, 0x400000, true } },
		.stdout_path = "serial1:115200n8",
		.console_node_compat = "ns16550a", .console_driver = "ns16550a",
		.console_base = 0x20100000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 1000000,
		.harts = "0-4", .usable = "1-4", .isa = "rv64imafdc",
		.plic = 0xc000000, .plic_ndev = 186, .plic_contexts = 9,
		.clint = 0x2000000,
	},
	{
		/* SG2042: 64 harts, devices above the direct map's 256 GiB, a
		 * T-Head PLIC, ACLINT but no CLINT. */
		.file = "milkv-pioneer.dtb",
		.no_memory = true,
		.stdout_path = "serial0",
		.console_node_compat = "snps,dw-apb-uart", .console_driver = "snps,dw-apb-uart",
		.console_base = 0x7040000000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 50000000,
		.harts = "0-63", .usable = "0-63", .isa = "rv64imafdc",
		.plic = 0x7090000000, .plic_ndev = 224, .plic_contexts = 128,
	},
	{
		.file = "sophgo-sg2044.dtb",
		.mem = { { 0x80000000, 64 * GIB } },
		.resv = { { 0x80000000, 0x200000, true } },
		.stdout_path = "serial1:115200n8",
		.console_node_compat = "sophgo,sg2044-uart", .console_driver = "snps,dw-apb-uart",
		.console_base = 0x7030001000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 50000000,
		.harts = "0-63", .usable = "0-63", .sstc = true, .isa = "rv64imafdcbv",
		.plic = 0x6d40000000, .plic_ndev = 863, .plic_contexts = 128,
	},
	{
		/* TH1520: RAM at 0, a 3 MHz timebase, devices near 1 TiB. */
		.file = "lichee-pi-4a.dtb",
		.mem = { { 0x0, 8 * GIB } },
		.resv = { { 0x80000000, 0x40000, true }, { 0x80040000, 0x40000, true } },
		.stdout_path = "serial0:115200n8",
		.console_node_compat = "snps,dw-apb-uart", .console_driver = "snps,dw-apb-uart",
		.console_base = 0xffe7014000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 3000000,
		.harts = "0-3", .usable = "0-3", .isa = "rv64imafdc",
		.plic = 0xffd8000000, .plic_ndev = 240, .plic_contexts = 8,
		.clint = 0xffdc000000,
	},
	{
		/* SpacemiT K1: an XScale UART, a 24 MHz timebase, no /memory. */
		.file = "bananapi-f3.dtb",
		.no_memory = true,
		.stdout_path = "serial0",
		.console_node_compat = "spacemit,k1-uart", .console_driver = "spacemit,k1-uart",
		.console_base = 0xd4017000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 24000000,
		.harts = "0-7", .usable = "0-7", .sstc = true, .isa = "rv64imafdcbv",
		.plic = 0xe0000000, .plic_ndev = 159, .plic_contexts = 16,
		.clint = 0xe4000000,
	},
	{
		/* EIC7700X: harts by riscv,isa-base and -extensions only, no /memory. */
		.file = "hifive-premier-p550.dtb",
		.no_memory = true,
		.stdout_path = "serial0:115200n8",
		.console_node_compat = "snps,dw-apb-uart", .console_driver = "snps,dw-apb-uart",
		.console_base = 0x50900000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 1000000,
		.harts = "0-3", .usable = "0-3", .isa = "rv64imafdch",
		.plic = 0xc000000, .plic_ndev = 520, .plic_contexts = 8,
		.clint = 0x2000000,
	},
	{
		.file = "variants/qemu-virt-uboot.dtb",
		.mem = { { 0x80000000, 512 * MIB } },
		.resv = { { 0x8c300000, 0x2475f0, false }, { 0x80000000, 0x80000, false } },
		.stdout_path = "/soc/serial@10000000",
		.console_node_compat = "ns16550a", .console_driver = "ns16550a",
		.console_base = 0x10000000, .reg_shift = 0, .reg_io_width = 1,
		.timebase = 10000000,
		.harts = "0-1", .usable = "0-1", .sstc = true, .isa = "rv64imafdch",
		.plic = 0xc000000, .plic_ndev = 95, .plic_contexts = 4,
		.clint = 0x2000000, .test_dev = 0x100000, .rtc = 0x101000,
		.initrd_start = 0x8c300000, .initrd_end = 0x8c5475f0,
		.bootargs = "GREETING=hi -- a b",
	},
	{
		.file = "variants/qemu-virt-numa.dtb",
		.mem = { { 0x80000000, 256 * MIB }, { 0x90000000, 256 * MIB } },
		.resv = { { 0x80000000, 0x80000, false } },
		.stdout_path = "/soc/serial@10000000",
		.console_node_compat = "ns16550a", .console_driver = "ns16550a",
		.console_base = 0x10000000, .reg_shift = 0, .reg_io_width = 1,
		.timebase = 10000000,
		.harts = "0-1", .usable = "0-1", .sstc = true, .isa = "rv64imafdch",
		.plic = 0xc000000, .plic_ndev = 96, .plic_contexts = 4,
		.clint = 0x2000000, .test_dev = 0x100000, .rtc = 0x101000,
		.initrd_start = 0x98200000, .initrd_end = 0x982186a0,
		.bootargs = "a b",
	},
	{
		.file = "variants/sifive_u-opensbi.dtb",
		.mem = { { 0x80000000, 512 * MIB } },
		.resv = { { 0x80000000, 0x80000, true } },
		.stdout_path = "/soc/serial@10010000",
		.console_node_compat = "sifive,fu540-c000-uart", .console_driver = "sifive,uart0",
		.console_base = 0x10010000, .reg_shift = 0, .reg_io_width = 1,
		.timebase = 1000000,
		.harts = "0-2", .usable = "1-2", .isa = "rv64imafdc",
		.plic = 0xc000000, .plic_ndev = 53, .plic_contexts = 5,
		.clint = 0x2000000,
		.initrd_start = 0x88200000, .initrd_end = 0x884475f0,
	},
	{
		.file = "variants/visionfive2-8g.dtb",
		.mem = { { 0x40000000, 8 * GIB } },
		.resv = { { 0x40000000, 0x40000, true }, { 0x40040000, 0x40000, true } },
		.stdout_path = "serial0:115200n8",
		.console_node_compat = "starfive,jh7110-uart", .console_driver = "snps,dw-apb-uart",
		.console_base = 0x10000000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 4000000,
		.harts = "0-4", .usable = "1-4", .isa = "rv64imafdc",
		.plic = 0xc000000, .plic_ndev = 136, .plic_contexts = 9,
		.clint = 0x2000000,
		.initrd_start = 0x46100000, .initrd_end = 0x46500000,
		.bootargs = "goose.quiet -- run",
	},
	{
		/* The Pioneer as its ZSBL hands the tree on: 127 GiB in five banks. */
		.file = "variants/milkv-pioneer-mem.dtb",
		.mem = { { 0x0, 0xc0000000 }, { 0x100000000, 0x700000000 }, { 0x800000000, 32 * GIB },
			 { 0x1000000000, 32 * GIB }, { 0x1800000000, 32 * GIB } },
		.resv = { { 0x0, 0x200000, true } },
		.stdout_path = "serial0",
		.console_node_compat = "snps,dw-apb-uart", .console_driver = "snps,dw-apb-uart",
		.console_base = 0x7040000000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 50000000,
		.harts = "0-63", .usable = "0-63", .isa = "rv64imafdc",
		.plic = 0x7090000000, .plic_ndev = 224, .plic_contexts = 128,
	},
	{
		.file = "variants/bananapi-f3-mem.dtb",
		.mem = { { 0x0, 2 * GIB }, { 0x100000000, 2 * GIB } },
		.resv = { { 0x0, 0x40000, true }, { 0x40000, 0x40000, true } },
		.stdout_path = "serial0",
		.console_node_compat = "spacemit,k1-uart", .console_driver = "spacemit,k1-uart",
		.console_base = 0xd4017000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 24000000,
		.harts = "0-7", .usable = "0-7", .sstc = true, .isa = "rv64imafdcbv",
		.plic = 0xe0000000, .plic_ndev = 159, .plic_contexts = 16,
		.clint = 0xe4000000,
	},
	{
		.file = "variants/hifive-premier-p550-mem.dtb",
		.mem = { { 0x80000000, 16 * GIB } },
		.resv = { { 0x80000000, 0x40000, true }, { 0x80040000, 0x40000, true }, { 0xdfff0000, 0x10000, true },
			  { 0xe0000000, 0x2000000, true } },
		.stdout_path = "serial0:115200n8",
		.console_node_compat = "snps,dw-apb-uart", .console_driver = "snps,dw-apb-uart",
		.console_base = 0x50900000, .reg_shift = 2, .reg_io_width = 4,
		.timebase = 1000000,
		.harts = "0-3", .usable = "0-3", .isa = "rv64imafdch",
		.plic = 0xc000000, .plic_ndev = 520, .plic_contexts = 8,
		.clint = 0x2000000,
	},
};

/* console.c's drivers, in registry order (uart16550.c's list, then
 * uart_sifive.c's): the first entry the node's compatible list contains wins. */
static const char *const console_drivers[] = { UART16550_COMPATIBLE, UART_XSCALE_COMPATIBLE, "sifive,uart0" };

static const char *console_driver(const struct fdt_device *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(console_drivers); i++)
		if (fdt_stringlist_contains(d->compat, d->compat_len, console_drivers[i]))
			return console_drivers[i];
	return "(none: SBI console)";
}

static int count_ranges(const struct range_want *r)
{
	int n = 0;

	while (n < MAX_WANT && r[n].size)
		n++;
	return n;
}

/* "0-3,5" -> 0 1 2 3 5; the count, or -1 when the list is malformed or too long. */
static int parse_ids(const char *s, uint32_t *ids, int max)
{
	int n = 0;
	char *end;

	while (*s) {
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return -1;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1 || b < a)
				return -1;
			s = end;
		}
		for (unsigned long id = a; id <= b; id++) {
			if (n == max)
				return -1;
			ids[n++] = (uint32_t)id;
		}
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return n;
}

static bool id_in(const uint32_t *ids, int n, uint32_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/*
 * What kernel/clock.c needs of a timebase: one at all (clock_init would
 * stand in 10 MHz, silently wrong), at most 1 GHz (a tick is then at least
 * a nanosecond: clock_scale_of's mult fits 64 bits and clock_ns_to_ticks's
 * (ns % 1e9) * hz fits 64 bits), and with its mult a deadline rounded up to
 * a tick (as clock_ns_to_ticks does) never reads as earlier than asked. It
 * need not divide 1 GHz: 24 MHz (SpacemiT K1) and 3 MHz (TH1520) boards
 * keep time through a mult rounded up.
 */
static const char *timebase_problem(uint64_t hz)
{
	static const uint64_t deadlines_ns[] = { 1, 999, 1000000, 1000000000, 3600000000000ull, 86400000000000ull,
						  31536000000000000ull, 123456789012345ull };
	struct clock_scale sc;

	if (!hz)
		return "no timebase-frequency";
	if (hz > NSEC_PER_SEC)
		return "more than 1 GHz";
	sc = clock_scale_of(hz);
	for (size_t i = 0; i < ARRAY_SIZE(deadlines_ns); i++) {
		uint64_t ns = deadlines_ns[i];
		unsigned __int128 ticks = ((unsigned __int128)ns * hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;

		if (clock_scale_ns(sc, (uint64_t)ticks) < ns)
			return "a deadline's tick reads earlier than the deadline";
	}
	return NULL;
}

/* The PLIC context routed to a hart's S mode: interrupts-extended entry
 * <its intc, 9> (as dev/plic.c finds it); -1 when there is none. */
static int plic_s_context(const struct fdt_device *plic, uint32_t intc)
{
	for (uint32_t i = 0; intc && i + 8 <= plic->intx_len; i += 8)
		if (be32_load(plic->intx + i) == intc && be32_load(plic->intx + i + 4) == 9)
			return (int)(i / 8);
	return -1;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool inside_ram(const struct fdt_info *fi, uint64_t base, uint64_t size)
{
	for (int i = 0; i < fi->nmem; i++)
		if (base >= fi->mem[i].base && base + size <= fi->mem[i].base + fi->mem[i].size)
			return true;
	return false;
}

static uint8_t *load(const char *path, size_t *len)
{
	uint8_t *buf;
	FILE *f;
	long n;

	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct fdt_info info;
static char err[256];

static void check_board(const char *dir, const struct board_want *w)
{
	char path[1024];
	size_t len;
	uint8_t *blob;
	int nmem = count_ranges(w->mem), nresv = count_ranges(w->resv), i, nusable = 0;
	uint32_t ids[FDT_MAX_HARTS], usable[FDT_MAX_HARTS];
	int nids = parse_ids(w->harts, ids, FDT_MAX_HARTS), nwant_usable = parse_ids(w->usable, usable, FDT_MAX_HARTS);
	uint64_t load_at, above4g = 0, want_above4g = 0;
	const struct fdt_device *plic;
	const char *why;

	snprintf(path, sizeof(path), "%s/%s", dir, w->file);
	CHECK(nids > 0 && nwant_usable >= 0, "%s: row's harts \"%s\" / usable \"%s\" do not parse", w->file, w->harts,
	      w->usable);
	CHECK(w->no_memory == !nmem, "%s: row says no_memory %d with %d RAM banks", w->file, w->no_memory, nmem);
	blob = load(path, &len);
	CHECK(blob != NULL, "cannot read %s (run `make dtbs`)", path);
	if (!blob)
		return;
	err[0] = '\0';
	CHECK(fdt_parse(blob, len, &info, err, sizeof(err)) == 0, "%s: %s", w->file, err);

	/* RAM: every bank, in order; none at all where the firmware must add /memory. */
	CHECK(info.nmem == nmem, "%s: %d RAM banks, want %d%s", w->file, info.nmem, nmem,
	      w->no_memory ? " (no memory node: goose_main stops, asking the firmware for one)" : "");
	for (i = 0; i < nmem && i < info.nmem; i++) {
		CHECK(info.mem[i].base == w->mem[i].base && info.mem[i].size == w->mem[i].size,
		      "%s: RAM bank %d is 0x%llx+0x%llx, want 0x%llx+0x%llx", w->file, i,
		      (unsigned long long)info.mem[i].base, (unsigned long long)info.mem[i].size,
		      (unsigned long long)w->mem[i].base, (unsigned long long)w->mem[i].size);
		if (info.mem[i].base + info.mem[i].size > 4 * GIB)
			above4g += info.mem[i].base + info.mem[i].size - MAX(info.mem[i].base, 4 * GIB);
		if (w->mem[i].base + w->mem[i].size > 4 * GIB)
			want_above4g += w->mem[i].base + w->mem[i].size - MAX(w->mem[i].base, 4 * GIB);
	}
	CHECK_EQ_U64(above4g, want_above4g, "%s: RAM above 4 GiB", w->file);

	/* Reserved: the reservation block's entries, then /reserved-memory's, with no-map. */
	CHECK(info.nresv == nresv, "%s: %d reserved ranges, want %d", w->file, info.nresv, nresv);
	for (i = 0; i < nresv && i < info.nresv; i++) {
		CHECK(info.resv[i].base == w->resv[i].base && info.resv[i].size == w->resv[i].size &&
		      info.resv_no_map[i] == w->resv[i].no_map,
		      "%s: reserved %d is 0x%llx+0x%llx no-map %d, want 0x%llx+0x%llx no-map %d", w->file, i,
		      (unsigned long long)info.resv[i].base, (unsigned long long)info.resv[i].size, info.resv_no_map[i],
		      (unsigned long long)w->resv[i].base, (unsigned long long)w->resv[i].size, w->resv[i].no_map);
	}

	/* The console: /chosen/stdout-path through /aliases, options kept but not part of the path. */
	CHECK(info.stdout_path && !strcmp(info.stdout_path, w->stdout_path), "%s: stdout-path \"%s\", want \"%s\"", w->file,
	      info.stdout_path ? info.stdout_path : "(none)", w->stdout_path);
	CHECK(info.console.present, "%s: no console node found from stdout-path", w->file);
	if (info.console.present) {
		CHECK(info.console.compat && !strcmp(info.console.compat, w->console_node_compat),
		      "%s: console node is \"%s\", want \"%s\"", w->file, info.console.compat ? info.console.compat : "",
		      w->console_node_compat);
		CHECK(!strcmp(console_driver(&info.console), w->console_driver), "%s: console driver %s, want %s", w->file,
		      console_driver(&info.console), w->console_driver);
		CHECK(info.console.base == w->console_base && info.console.reg_shift == w->reg_shift &&
		      info.console.reg_io_width == w->reg_io_width && info.console.reg_offset == w->reg_offset,
		      "%s: console at 0x%llx shift %u width %u offset %u, want 0x%llx shift %u width %u offset %u", w->file,
		      (unsigned long long)info.console.base, info.console.reg_shift, info.console.reg_io_width,
		      info.console.reg_offset, (unsigned long long)w->console_base, w->reg_shift, w->reg_io_width,
		      w->reg_offset);
	}

	/* Time: the timebase, and what clock.c needs of it. */
	CHECK_EQ_U64(info.timebase_hz, w->timebase, "%s: timebase", w->file);
	why = timebase_problem(info.timebase_hz);
	CHECK(!why, "%s: timebase %llu Hz: %s", w->file, (unsigned long long)info.timebase_hz, why ? why : "");

	/* Harts: ids in order, usable = okay and an MMU; Sstc only where the
	 * machine has it; the single letters (AT_HWCAP, hwprobe) in every usable
	 * hart's ISA string, whichever form the tree gave them in. */
	CHECK(info.nharts == nids, "%s: %d harts, want %d", w->file, info.nharts, nids);
	for (i = 0; i < nids && i < info.nharts; i++) {
		const struct fdt_hart *h = &info.harts[i];

		CHECK(h->hartid == ids[i] && h->usable == id_in(usable, nwant_usable, h->hartid),
		      "%s: hart %d is id %u usable %d (mmu %d), want id %u usable %d", w->file, i, h->hartid, h->usable,
		      h->has_mmu, ids[i], id_in(usable, nwant_usable, ids[i]));
		CHECK(h->has_sstc == (w->sstc && h->usable), "%s: hart %u sstc %d (isa %s)", w->file, h->hartid, h->has_sstc,
		      h->isa);
		if (h->usable)
			CHECK(isa_letters(h->isa) == isa_letters(w->isa), "%s: hart %u isa \"%s\" has letters 0x%llx, want %s's",
			      w->file, h->hartid, h->isa, (unsigned long long)isa_letters(h->isa), w->isa);
		nusable += h->usable;
	}
	CHECK(nusable == nwant_usable && nusable > 0, "%s: %d harts goose can run on, want %d", w->file, nusable,
	      nwant_usable);

	/* Devices. The PLIC as dev/plic.c finds it, and for every hart goose may
	 * start on (any may win the firmware's lottery) an S-mode context. */
	plic = &PLIC_DEV(info);
	CHECK(plic->present == !!w->plic && plic->base == w->plic, "%s: plic 0x%llx, want 0x%llx", w->file,
	      (unsigned long long)plic->base, (unsigned long long)w->plic);
	if (plic->present) {
		CHECK(plic->ndev == w->plic_ndev && plic->intx_len == 8 * w->plic_contexts,
		      "%s: plic has %u sources and %u contexts, want %u and %u", w->file, plic->ndev, plic->intx_len / 8,
		      w->plic_ndev, w->plic_contexts);
		for (i = 0; i < info.nharts; i++)
			if (info.harts[i].usable)
				CHECK(plic_s_context(plic, info.harts[i].intc_phandle) >= 0,
				      "%s: hart %u has no S-mode context in the PLIC (intc phandle 0x%x)", w->file,
				      info.harts[i].hartid, info.harts[i].intc_phandle);
	}
	CHECK(CLINT_DEV(info).present == !!w->clint && CLINT_DEV(info).base == w->clint, "%s: clint 0x%llx", w->file,
	      (unsigned long long)CLINT_DEV(info).base);
	CHECK(TEST_DEV(info).present == !!w->test_dev && TEST_DEV(info).base == w->test_dev, "%s: test device 0x%llx",
	      w->file, (unsigned long long)TEST_DEV(info).base);
	CHECK(RTC_DEV(info).present == !!w->rtc && RTC_DEV(info).base == w->rtc, "%s: rtc 0x%llx", w->file,
	      (unsigned long long)RTC_DEV(info).base);

	/* What a loader added to /chosen. */
	CHECK(info.initrd_start == w->initrd_start && info.initrd_end == w->initrd_end,
	      "%s: initrd 0x%llx-0x%llx, want 0x%llx-0x%llx", w->file, (unsigned long long)info.initrd_start,
	      (unsigned long long)info.initrd_end, (unsigned long long)w->initrd_start,
	      (unsigned long long)w->initrd_end);
	CHECK(w->bootargs ? info.bootargs && !strcmp(info.bootargs, w->bootargs) : !info.bootargs,
	      "%s: bootargs \"%s\", want \"%s\"", w->file, info.bootargs ? info.bootargs : "(none)",
	      w->bootargs ? w->bootargs : "(none)");

	/* Boot facts: firmware reservations and the initrd lie in RAM; goose's
	 * load address is free. A tree without RAM has none of them to check. */
	if (info.nmem) {
		for (i = 0; i < info.nresv; i++)
			CHECK(inside_ram(&info, info.resv[i].base, info.resv[i].size),
			      "%s: reserved 0x%llx+0x%llx is not in RAM", w->file, (unsigned long long)info.resv[i].base,
			      (unsigned long long)info.resv[i].size);
		if (info.initrd_end > info.initrd_start)
			CHECK(inside_ram(&info, info.initrd_start, info.initrd_end - info.initrd_start),
			      "%s: initrd not in RAM", w->file);
		load_at = info.mem[0].base + LOAD_OFFSET;
		for (i = 0; i < info.nresv; i++)
			CHECK(!overlaps(load_at, 2 * MIB, info.resv[i].base, info.resv[i].size),
			      "%s: goose's load address 0x%llx is reserved (0x%llx+0x%llx)", w->file,
			      (unsigned long long)load_at, (unsigned long long)info.resv[i].base,
			      (unsigned long long)info.resv[i].size);
		CHECK(!overlaps(load_at, 2 * MIB, info.initrd_start, info.initrd_end - info.initrd_start),
		      "%s: the initrd overlaps goose's load address", w->file);
	}
	free(blob);
}

/* Every dts has a row (a new board comes with what goose must find in it). */
static void check_all_listed(const char *dts_dir, const char *sub)
{
	char dir[1024], name[600];
	struct dirent *e;
	DIR *d;
	size_t n, i;
	bool found;

	snprintf(dir, sizeof(dir), "%s%s%s", dts_dir, *sub ? "/" : "", sub);
	d = opendir(dir);
	CHECK(d != NULL, "cannot list %s", dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".dts"))
			continue;
		snprintf(name, sizeof(name), "%s%s%.*s.dtb", sub, *sub ? "/" : "", (int)(n - 4), e->d_name);
		found = false;
		for (i = 0; i < ARRAY_SIZE(boards); i++)
			found |= !strcmp(boards[i].file, name);
		CHECK(found, "%s/%s has no row in test_boards.c", dir, e->d_name);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	char dtb_dir[512], dts_dir[512];
	const char *data = argc > 1 ? argv[1] : "payload/tests/data";

	/* data is <repo>/payload/tests/data. */
	snprintf(dts_dir, sizeof(dts_dir), "%s/../../../dts", data);
	if (argc > 2)
		snprintf(dtb_dir, sizeof(dtb_dir), "%s", argv[2]);
	else
		snprintf(dtb_dir, sizeof(dtb_dir), "%s/../../../build/dtb", data);

	for (size_t i = 0; i < ARRAY_SIZE(boards); i++)
		check_board(dtb_dir, &boards[i]);
	check_all_listed(dts_dir, "");
	check_all_listed(dts_dir, "variants");
	return test_done("boards");
}
