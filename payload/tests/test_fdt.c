/* SPDX-License-Identifier: MIT */
/*
 * Host tests for fdt.c: hand-built blobs (good and hostile), the device trees
 * QEMU itself generates (argv[1], payload/tests/data) and the dts/ files
 * compiled by dtc (argv[2], build/dtb). Every parse runs on a malloc'd copy
 * of exactly the blob's length so ASan sees any overread.
 *
 *   test_fdt payload/tests/data build/dtb
 */
#include "lib/fdt.h"
#include "test.h"
#include "tests/fdt_devices.h"


#include <stdarg.h>

/* ---- A small blob builder (layout: Devicetree Specification v0.4, chapter 5) ---- */

struct fb {
	uint8_t st[1 << 16];	/* structure block */
	size_t nst;
	char str[1 << 12];	/* strings block */
	size_t nstr;
	uint64_t rsv[64][2];	/* memory reservation block entries */
	int nrsv;
	bool rsv_unterminated;	/* leave out the 0,0 entry and put the block last */
	uint32_t version;
};

static struct fb F;
static uint8_t B[1 << 17];	/* the built blob */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static void fb_reset(void)
{
	memset(&F, 0, sizeof(F));
	F.version = 17;
}

static void fb_u32(uint32_t v)
{
	put32(F.st + F.nst, v);
	F.nst += 4;
}

static void fb_bytes(const void *p, size_t n)
{
	if (n)
		memcpy(F.st + F.nst, p, n);
	F.nst += n;
	while (F.nst % 4)
		F.st[F.nst++] = 0;
}

/* Each name once, as dtc writes the strings block (trees with many nodes fit). */
static uint32_t fb_string(const char *s)
{
	uint32_t off = (uint32_t)F.nstr;

	for (size_t i = 0; i < F.nstr; i += strlen(F.str + i) + 1)
		if (!strcmp(F.str + i, s))
			return (uint32_t)i;
	memcpy(F.str + F.nstr, s, strlen(s) + 1);
	F.nstr += strlen(s) + 1;
	return off;
}

static void fb_begin(const char *name)
{
	fb_u32(1);
	fb_bytes(name, strlen(name) + 1);
}

static void fb_end(void) { fb_u32(2); }
static void fb_nop(void) { fb_u32(4); }
static void fb_fin(void) { fb_u32(9); }

/* A property whose header claims len bytes while n are written. */
static void fb_prop_raw(const char *name, uint32_t len, const void *val, size_t n)
{
	fb_u32(3);
	fb_u32(len);
	fb_u32(fb_string(name));
	fb_bytes(val, n);
}

static void fb_prop(const char *name, const void *val, uint32_t len) { fb_prop_raw(name, len, val, len); }
static void fb_str(const char *name, const char *s) { fb_prop(name, s, (uint32_t)strlen(s) + 1); }
static void fb_empty(const char *name) { fb_prop(name, NULL, 0); }

/* A stringlist literal with its final NUL ("a\0b" is 4 bytes). */
#define FB_LIST(name, lit) fb_prop(name, lit, sizeof(lit))

static void fb_cells(const char *name, int n, ...)
{
	uint8_t v[64 * 4];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		put32(v + 4 * i, va_arg(ap, uint32_t));
	va_end(ap);
	fb_prop(name, v, (uint32_t)(4 * n));
}

static void fb_rsv(uint64_t addr, uint64_t size)
{
	F.rsv[F.nrsv][0] = addr;
	F.rsv[F.nrsv][1] = size;
	F.nrsv++;
}

/* Header (5.2), reservation block (5.3), structure block (5.4), strings (5.5). */
static size_t fb_build(void)
{
	size_t hdr = F.version >= 17 ? 40 : 36, rsvlen = 16 * (size_t)(F.nrsv + !F.rsv_unterminated);
	size_t o_rsv = 40, o_st, o_str, total;
	int i;

	memset(B, 0, sizeof(B));
	if (F.rsv_unterminated) {
		o_st = 40;
		o_str = o_st + F.nst;
		o_rsv = ALIGN_UP(o_str + F.nstr, 8);
		total = o_rsv + rsvlen;
	} else {
		o_st = o_rsv + rsvlen;
		o_str = o_st + F.nst;
		total = o_str + F.nstr;
	}
	put32(B + 0x00, FDT_MAGIC);
	put32(B + 0x04, (uint32_t)total);
	put32(B + 0x08, (uint32_t)o_st);
	put32(B + 0x0c, (uint32_t)o_str);
	put32(B + 0x10, (uint32_t)o_rsv);
	put32(B + 0x14, F.version);
	put32(B + 0x18, 16);
	put32(B + 0x1c, 0);
	put32(B + 0x20, (uint32_t)F.nstr);
	if (hdr == 40)
		put32(B + 0x24, (uint32_t)F.nst);
	for (i = 0; i < F.nrsv; i++) {
		put64(B + o_rsv + 16 * i, F.rsv[i][0]);
		put64(B + o_rsv + 16 * i + 8, F.rsv[i][1]);
	}
	memcpy(B + o_st, F.st, F.nst);
	memcpy(B + o_str, F.str, F.nstr);
	return total;
}

static uint32_t hdr_get(int off) { return (uint32_t)B[off] << 24 | B[off + 1] << 16 | B[off + 2] << 8 | B[off + 3]; }
static void hdr_set(int off, uint32_t v) { put32(B + off, v); }

/* ---- Pieces of a typical tree ---- */

static void fb_root(void)
{
	fb_begin("");
	fb_cells("#address-cells", 1, 2);
	fb_cells("#size-cells", 1, 2);
	fb_str("compatible", "goose,test");
}

static void fb_reg64(uint64_t base, uint64_t size)
{
	fb_cells("reg", 4, (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size);
}

static void fb_memory(uint64_t base, uint64_t size)
{
	fb_begin("memory@80000000");
	fb_str("device_type", "memory");
	fb_reg64(base, size);
	fb_end();
}

static void fb_cpu(uint32_t id, const char *isa, const char *mmu, const char *status)
{
	char name[32];

	snprintf(name, sizeof(name), "cpu@%x", id);
	fb_begin(name);
	fb_str("device_type", "cpu");
	fb_cells("reg", 1, id);
	if (status)
		fb_str("status", status);
	fb_str("compatible", "riscv");
	if (isa)
		fb_str("riscv,isa", isa);
	if (mmu)
		fb_str("mmu-type", mmu);
	fb_begin("interrupt-controller");
	fb_str("compatible", "riscv,cpu-intc");
	fb_empty("interrupt-controller");
	fb_end();
	fb_end();
}

static void fb_cpus_open(uint32_t timebase)
{
	fb_begin("cpus");
	fb_cells("#address-cells", 1, 1);
	fb_cells("#size-cells", 1, 0);
	if (timebase)
		fb_cells("timebase-frequency", 1, timebase);
}

static void fb_uart(const char *name, uint32_t base)
{
	fb_begin(name);
	FB_LIST("compatible", "snps,dw-apb-uart\0ns16550a");
	fb_reg64(base, 0x100);
	fb_cells("reg-shift", 1, 2);
	fb_cells("reg-io-width", 1, 4);
	fb_cells("clock-frequency", 1, 24000000);
	fb_cells("interrupts", 1, 10);
	fb_end();
}

static void fb_soc(void)
{
	fb_begin("soc");
	fb_cells("#address-cells", 1, 2);
	fb_cells("#size-cells", 1, 2);
	fb_str("compatible", "simple-bus");
	fb_empty("ranges");
	fb_uart("serial@10000000", 0x10000000);
	fb_begin("test@100000");
	FB_LIST("compatible", "sifive,test1\0sifive,test0\0syscon");
	fb_reg64(0x100000, 0x1000);
	fb_end();
	fb_begin("plic@c000000");
	FB_LIST("compatible", "sifive,plic-1.0.0\0riscv,plic0");
	fb_reg64(0xc000000, 0x600000);
	fb_end();
	fb_begin("clint@2000000");
	FB_LIST("compatible", "sifive,clint0\0riscv,clint0");
	fb_reg64(0x2000000, 0x10000);
	fb_end();
	fb_end();
}

static void fb_chosen(const char *stdout_path)
{
	fb_begin("chosen");
	fb_str("bootargs", "goose.trace=1 -- hello");
	if (stdout_path)
		fb_str("stdout-path", stdout_path);
	fb_end();
}

static void fb_aliases(void)
{
	fb_begin("aliases");
	fb_str("serial0", "/soc/serial@10000000");
	fb_str("soc", "/soc");
	fb_end();
}

/* The standard good tree; stdout_path varies. */
static size_t fb_std(const char *stdout_path)
{
	fb_reset();
	fb_root();
	fb_chosen(stdout_path);
	fb_aliases();
	fb_memory(0x80000000, 0x10000000);
	fb_cpus_open(10000000);
	fb_cpu(0, "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc_svpbmt_zicbom_zicboz_zkr", "riscv,sv39", "okay");
	fb_end();
	fb_soc();
	fb_end();
	fb_fin();
	return fb_build();
}

/* ---- Running the parser ---- */

static struct fdt_info info;
static char err[256];

/*
 * Parse a copy of exactly len bytes, at an arbitrary alignment (shift). The
 * strings in info point into the copy, so it lives until the next parse.
 */
static uint8_t *copy;

static int parse_at(const void *blob, size_t len, size_t shift)
{
	free(copy);
	copy = malloc(len + shift + 1);
	memcpy(copy + shift, blob, len);
	err[0] = '\0';
	return fdt_parse(copy + shift, len, &info, err, sizeof(err));
}

static int parse(const void *blob, size_t len)
{
	free(copy);
	copy = malloc(len ? len : 1);
	memcpy(copy, blob, len);
	err[0] = '\0';
	return fdt_parse(copy, len, &info, err, sizeof(err));
}

/* An error is one line starting "fdt: ". */
static bool err_ok(void)
{
	return !strncmp(err, "fdt: ", 5) && strlen(err) > 5 && !strchr(err, '\n');
}

/* ---- Hostile and malformed blobs: each must fail with the message given ---- */

static size_t mk_std(void) { return fb_std("serial0"); }
static size_t mk_bad_magic(void) { size_t n = mk_std(); hdr_set(0x00, 0x12345678); return n; }
static size_t mk_len3(void) { mk_std(); return 3; }
static size_t mk_len30(void) { mk_std(); return 30; }
static size_t mk_len38(void) { mk_std(); return 38; }
static size_t mk_version15(void) { size_t n = mk_std(); hdr_set(0x14, 15); return n; }
static size_t mk_lastcomp18(void) { size_t n = mk_std(); hdr_set(0x18, 18); return n; }
static size_t mk_totalsize_big(void) { size_t n = mk_std(); hdr_set(0x04, 0x10000); return n; }
static size_t mk_totalsize_small(void) { size_t n = mk_std(); hdr_set(0x04, 20); return n; }
static size_t mk_struct_off_past(void) { size_t n = mk_std(); hdr_set(0x08, 0x7fffffff); return n; }
static size_t mk_struct_off_hdr(void) { size_t n = mk_std(); hdr_set(0x08, 8); return n; }
static size_t mk_struct_size_past(void) { size_t n = mk_std(); hdr_set(0x24, hdr_get(0x24) + 0x1000); return n; }
static size_t mk_struct_size_wrap(void) { size_t n = mk_std(); hdr_set(0x24, 0xfffffffc); return n; }
static size_t mk_strings_off_past(void) { size_t n = mk_std(); hdr_set(0x0c, (uint32_t)n + 1); return n; }
static size_t mk_strings_size_past(void) { size_t n = mk_std(); hdr_set(0x20, 0xffffffff); return n; }
static size_t mk_rsvmap_past(void) { size_t n = mk_std(); hdr_set(0x10, (uint32_t)n - 8); return n; }
static size_t mk_rsvmap_hdr(void) { size_t n = mk_std(); hdr_set(0x10, 0); return n; }
static size_t mk_struct_empty(void) { size_t n = mk_std(); hdr_set(0x24, 0); return n; }
static size_t mk_struct_ragged(void) { size_t n = mk_std(); hdr_set(0x24, 6); return n; }
static size_t mk_struct_ragged10(void) { size_t n = mk_std(); hdr_set(0x24, 10); return n; }
static size_t mk_strings_cut(void) { size_t n = mk_std(); hdr_set(0x20, hdr_get(0x20) - 1); return n; }

static size_t mk_rsv_unterminated(void)
{
	fb_reset();
	fb_root();
	fb_memory(0x80000000, 0x1000000);
	fb_end();
	fb_fin();
	fb_rsv(0x80000000, 0x1000);
	F.rsv_unterminated = true;
	return fb_build();
}

static size_t mk_rsv_too_many(void)
{
	int i;

	fb_std("serial0");
	for (i = 0; i < 33; i++)
		fb_rsv(0x90000000 + 0x1000 * (uint64_t)i, 0x1000);
	return fb_build();
}

static size_t mk_rsv_wrap(void) { fb_std(NULL); fb_rsv(0xfffffffffffff000, 0x2000); return fb_build(); }

/* A tree around one odd piece of structure block. */
static size_t tree_with(void (*inner)(void), bool memory, bool fin)
{
	fb_reset();
	fb_root();
	if (memory)
		fb_memory(0x80000000, 0x1000000);
	if (inner)
		inner();
	fb_end();
	if (fin)
		fb_fin();
	return fb_build();
}

static void in_prop_past(void) { fb_prop_raw("big", 0xffff, "abcd", 4); }
static void in_prop_len_max(void) { fb_prop_raw("big", 0xffffffff, "abcd", 4); }
static void in_garbage_token(void) { fb_u32(7); }
static void in_zero_token(void) { fb_u32(0); }
static void in_end_in_node(void) { fb_begin("x"); fb_fin(); }
static void in_strings_off(void) { fb_u32(3); fb_u32(4); fb_u32(0x7000); fb_u32(0); }
static void in_strings_off_max(void) { fb_u32(3); fb_u32(0); fb_u32(0xffffffff); }
static void in_memory_wrap(void) { fb_begin("memory@0"); fb_str("device_type", "memory"); fb_reg64(0xfffffffffffff000, 0x2000); fb_end(); }
static void in_bootargs_raw(void) { fb_begin("chosen"); fb_prop("bootargs", "abc", 3); fb_end(); }
static void in_initrd_len2(void) { fb_begin("chosen"); fb_prop("linux,initrd-start", "ab", 2); fb_cells("linux,initrd-end", 1, 5); fb_end(); }
static void in_initrd_start_only(void) { fb_begin("chosen"); fb_cells("linux,initrd-start", 1, 0x1000); fb_end(); }
static void in_hartid_len2(void) { fb_begin("chosen"); fb_prop("boot-hartid", "ab", 2); fb_end(); }
static void in_initrd_backwards(void) { fb_begin("chosen"); fb_cells("linux,initrd-start", 1, 0x2000); fb_cells("linux,initrd-end", 1, 0x1000); fb_end(); }
static void in_timebase_len3(void) { fb_begin("cpus"); fb_prop("timebase-frequency", "abc", 3); fb_end(); }
static void in_cpu_noreg(void) { fb_cpus_open(1000); fb_begin("cpu@0"); fb_str("device_type", "cpu"); fb_end(); fb_end(); }
static void in_cpu_bigid(void) { fb_begin("cpus"); fb_cells("#address-cells", 1, 2); fb_cells("#size-cells", 1, 0); fb_begin("cpu@100000000"); fb_str("device_type", "cpu"); fb_cells("reg", 2, 1, 0); fb_end(); fb_end(); }

static void in_deep(int levels)
{
	int i;

	for (i = 0; i < levels; i++)
		fb_begin("d");
	for (i = 0; i < levels; i++)
		fb_end();
}

/* The root is depth 1: 63 more levels fit, 64 do not. */
static void in_deep_ok(void) { in_deep(63); }
static void in_deep_bad(void) { in_deep(64); }

static size_t mk_prop_past(void) { return tree_with(in_prop_past, true, true); }
static size_t mk_prop_len_max(void) { return tree_with(in_prop_len_max, true, true); }
static size_t mk_no_end(void) { return tree_with(NULL, true, false); }
static size_t mk_garbage_token(void) { return tree_with(in_garbage_token, true, true); }
static size_t mk_zero_token(void) { return tree_with(in_zero_token, true, true); }
static size_t mk_end_in_node(void) { return tree_with(in_end_in_node, true, false); }
static size_t mk_strings_off(void) { return tree_with(in_strings_off, true, true); }
static size_t mk_strings_off_max(void) { return tree_with(in_strings_off_max, true, true); }
static size_t mk_memory_wrap(void) { return tree_with(in_memory_wrap, true, true); }
static size_t mk_bootargs_raw(void) { return tree_with(in_bootargs_raw, true, true); }
static size_t mk_initrd_len2(void) { return tree_with(in_initrd_len2, true, true); }
static size_t mk_hartid_len2(void) { return tree_with(in_hartid_len2, true, true); }
static size_t mk_initrd_start_only(void) { return tree_with(in_initrd_start_only, true, true); }
static size_t mk_initrd_backwards(void) { return tree_with(in_initrd_backwards, true, true); }
static size_t mk_timebase_len3(void) { return tree_with(in_timebase_len3, true, true); }
static size_t mk_cpu_noreg(void) { return tree_with(in_cpu_noreg, true, true); }
static size_t mk_cpu_bigid(void) { return tree_with(in_cpu_bigid, true, true); }
static size_t mk_deep_bad(void) { return tree_with(in_deep_bad, true, true); }

static size_t mk_only_end(void) { fb_reset(); fb_fin(); return fb_build(); }
static size_t mk_end_node_first(void) { fb_reset(); fb_end(); fb_fin(); return fb_build(); }
static size_t mk_prop_first(void) { fb_reset(); fb_cells("x", 1, 1); fb_fin(); return fb_build(); }
static size_t mk_two_roots(void) { tree_with(NULL, true, false); fb_root(); fb_end(); fb_fin(); return fb_build(); }
static size_t mk_extra_end_node(void) { tree_with(NULL, true, false); fb_end(); fb_fin(); return fb_build(); }

static size_t mk_name_unterminated(void)
{
	fb_reset();
	fb_u32(1);
	memcpy(F.st + F.nst, "abcdefgh", 8);
	F.nst += 8;
	return fb_build();
}

static size_t mk_prop_hdr_cut(void)
{
	fb_reset();
	fb_root();
	fb_u32(3);
	fb_u32(0);
	return fb_build();
}

static size_t mk_memory_cells(void)
{
	fb_reset();
	fb_begin("");
	fb_cells("#address-cells", 1, 2);
	fb_cells("#size-cells", 1, 0);
	fb_memory(0x80000000, 0);
	fb_end();
	fb_fin();
	return fb_build();
}

static size_t mk_memory_empty(void)
{
	fb_reset();
	fb_root();
	fb_begin("memory");
	fb_str("device_type", "memory");
	fb_reg64(0x80000000, 0);
	fb_end();
	fb_end();
	fb_fin();
	return fb_build();
}

/* n device nodes under /soc, the cpus of a tree first (they are no devices). */
static void fb_devices(int n)
{
	char name[32];

	fb_begin("soc");
	fb_cells("#address-cells", 1, 1);
	fb_cells("#size-cells", 1, 1);
	fb_str("compatible", "simple-bus");
	fb_empty("ranges");
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "dev@%x", 0x10000000 + 0x1000 * i);
		fb_begin(name);
		fb_str("compatible", "goose,dev");
		fb_cells("reg", 2, 0x10000000 + 0x1000 * i, 0x1000);
		fb_end();
	}
	fb_end();
}

static size_t mk_devices(int n)
{
	fb_reset();
	fb_root();
	fb_memory(0x80000000, 0x1000000);
	fb_cpus_open(1000000);
	for (uint32_t i = 0; i < 8; i++)
		fb_cpu(i, "rv64imafdc", "riscv,sv39", NULL);
	fb_end();
	fb_devices(n);
	fb_end();
	fb_fin();
	return fb_build();
}

static size_t mk_devs_too_many(void) { return mk_devices(FDT_MAX_DEVS + 1); }

/* As many devices as the table holds, after cpu nodes that take no slot
 * (one more is refused, naming it: bad_cases). */
static void test_device_table(void)
{
	size_t n = mk_devices(FDT_MAX_DEVS);

	CHECK(parse(B, n) == 0 && info.ndevices == FDT_MAX_DEVS && info.nmmio == FDT_MAX_DEVS && info.nharts == 8,
	      "%d devices after 8 cpus: %s (%d devices, %d ranges)", FDT_MAX_DEVS, err, info.ndevices, info.nmmio);
	CHECK(info.device[0].base == 0x10000000 && info.device[FDT_MAX_DEVS - 1].base == 0x100ff000,
	      "the table in tree order");
}

/* One device with more reg entries than the register-range table holds. */
static size_t mk_regs_too_many(void)
{
	fb_reset();
	fb_root();
	fb_memory(0x80000000, 0x1000000);
	fb_begin("soc");
	fb_cells("#address-cells", 1, 1);
	fb_cells("#size-cells", 1, 1);
	fb_begin("pcie@40000000");
	fb_str("compatible", "goose,dev");
	fb_u32(3);
	fb_u32(8 * (FDT_MAX_DEVS + 1));
	fb_u32(fb_string("reg"));
	for (uint32_t i = 0; i < FDT_MAX_DEVS + 1; i++) {
		fb_u32(0x40000000 + 0x1000 * i);
		fb_u32(0x1000);
	}
	fb_end();
	fb_end();
	fb_end();
	fb_fin();
	return fb_build();
}

static size_t mk_resv_node_cells(void)
{
	fb_std(NULL);
	F.nst -= 8;	/* reopen the root: drop its FDT_END_NODE and FDT_END */
	fb_begin("reserved-memory");
	fb_cells("#address-cells", 1, 3);
	fb_cells("#size-cells", 1, 2);
	fb_empty("ranges");
	fb_begin("x@0");
	fb_cells("reg", 5, 0, 0, 0x1000, 0, 0x1000);
	fb_end();
	fb_end();
	fb_end();
	fb_fin();
	return fb_build();
}

struct bad_case {
	const char *name;
	size_t (*make)(void);
	const char *want;	/* the whole message, or its start when it ends with "..." */
};

static const struct bad_case bad_cases[] = {
	{ "bad magic",		mk_bad_magic,		"fdt: bad magic 0x12345678 (want 0xd00dfeed)" },
	{ "3 bytes",		mk_len3,		"fdt: blob is 3 bytes, too short for a header" },
	{ "30 bytes",		mk_len30,		"fdt: blob is 30 bytes, too short for a header" },
	{ "38 bytes v17",	mk_len38,		"fdt: blob is 38 bytes, too short for a header" },
	{ "version 15",		mk_version15,		"fdt: version 15 is too old (need 16 or later)" },
	{ "last_comp 18",	mk_lastcomp18,		"fdt: last_comp_version 18 is newer than 17" },
	{ "totalsize > len",	mk_totalsize_big,	"fdt: totalsize 0x10000 is larger than the 0x..." },
	{ "totalsize < hdr",	mk_totalsize_small,	"fdt: totalsize 0x14 is smaller than the 0x28-byte header" },
	{ "struct off past",	mk_struct_off_past,	"fdt: off_dt_struct 0x7fffffff is outside the blob..." },
	{ "struct off in hdr",	mk_struct_off_hdr,	"fdt: off_dt_struct 0x8 is outside the blob..." },
	{ "struct size past",	mk_struct_size_past,	"fdt: off_dt_struct 0x38 + size_dt_struct..." },
	{ "struct size wrap",	mk_struct_size_wrap,	"fdt: off_dt_struct 0x38 + size_dt_struct 0xfffffffc..." },
	{ "strings off past",	mk_strings_off_past,	"fdt: off_dt_strings..." },
	{ "strings size past",	mk_strings_size_past,	"fdt: off_dt_strings..." },
	{ "rsvmap past",	mk_rsvmap_past,		"fdt: off_mem_rsvmap..." },
	{ "rsvmap in hdr",	mk_rsvmap_hdr,		"fdt: off_mem_rsvmap 0x0 is outside the blob..." },
	{ "rsvmap no 0,0",	mk_rsv_unterminated,	"fdt: memory reservation block at 0x... has no terminating entry" },
	{ "rsvmap 33 entries",	mk_rsv_too_many,	"fdt: memory reservation block: more than 32 reserved ranges" },
	{ "rsvmap wraps",	mk_rsv_wrap,		"fdt: memory reservation block: reserved range 0xfffffffffffff000 + 0x2000 wraps past 2^64" },
	{ "struct size 0",	mk_struct_empty,	"fdt: structure block ends at offset 0x38 without FDT_END" },
	{ "struct size 6",	mk_struct_ragged,	"fdt: structure block ends at offset 0x3e without FDT_END" },
	{ "struct size 10",	mk_struct_ragged10,	"fdt: structure block: token at offset 0x40 is cut off by the block end" },
	{ "strings cut",	mk_strings_cut,		"fdt: strings block: name at offset 0x... runs past the block end" },
	{ "prop len past",	mk_prop_past,		"fdt: structure block: property at offset 0x... has length 0xffff past the block end" },
	{ "prop len 2^32-1",	mk_prop_len_max,	"fdt: structure block: property at offset 0x... has length 0xffffffff past the block end" },
	{ "prop hdr cut",	mk_prop_hdr_cut,	"fdt: structure block: property at offset 0x... is cut off by the block end" },
	{ "no FDT_END",		mk_no_end,		"fdt: structure block ends at offset 0x... without FDT_END" },
	{ "token 7",		mk_garbage_token,	"fdt: structure block: token 0x7 at offset 0x... is not a valid token" },
	{ "token 0",		mk_zero_token,		"fdt: structure block: token 0x0 at offset 0x... is not a valid token" },
	{ "END in node",	mk_end_in_node,		"fdt: structure block: FDT_END at offset 0x... inside an open node" },
	{ "name offset",	mk_strings_off,		"fdt: structure block: property at offset 0x... has name offset 0x7000 outside the strings block..." },
	{ "name offset max",	mk_strings_off_max,	"fdt: structure block: property at offset 0x... has name offset 0xffffffff outside..." },
	{ "node name",		mk_name_unterminated,	"fdt: structure block: node name at offset 0x3c runs past the block end" },
	{ "only FDT_END",	mk_only_end,		"fdt: structure block: no root node" },
	{ "END_NODE first",	mk_end_node_first,	"fdt: structure block: FDT_END_NODE at offset 0x38 closes no node" },
	{ "extra END_NODE",	mk_extra_end_node,	"fdt: structure block: FDT_END_NODE at offset 0x... closes no node" },
	{ "prop first",		mk_prop_first,		"fdt: structure block: property at offset 0x38 is outside any node" },
	{ "two roots",		mk_two_roots,		"fdt: structure block: second root node at offset 0x..." },
	{ "65 deep",		mk_deep_bad,		"fdt: structure block: node at offset 0x... is nested deeper than 64" },
	{ "memory empty",	mk_memory_empty,	"fdt: memory nodes have no usable reg entries" },
	{ "memory cells",	mk_memory_cells,	"fdt: memory@80000000: reg with #address-cells 2 and #size-cells 0 is not supported" },
	{ "memory wraps",	mk_memory_wrap,		"fdt: memory@0: memory range 0xfffffffffffff000 + 0x2000 wraps past 2^64" },
	{ "resv cells",		mk_resv_node_cells,	"fdt: x@0: reg with #address-cells 3 and #size-cells 2 is not supported" },
	{ "bootargs no NUL",	mk_bootargs_raw,	"fdt: /chosen: bootargs is not a NUL-terminated string" },
	{ "initrd len 2",	mk_initrd_len2,		"fdt: /chosen: linux,initrd-start has length 2 (want 4 or 8)" },
	{ "boot-hartid len 2",	mk_hartid_len2,		"fdt: /chosen: boot-hartid has length 2 (want 4 or 8)" },
	{ "initrd start only",	mk_initrd_start_only,	"fdt: /chosen: linux,initrd-start without linux,initrd-end" },
	{ "initrd backwards",	mk_initrd_backwards,	"fdt: /chosen: linux,initrd-end 0x1000 is below linux,initrd-start 0x2000" },
	{ "timebase len 3",	mk_timebase_len3,	"fdt: cpus: timebase-frequency has length 3 (want 4 or 8)" },
	{ "cpu without reg",	mk_cpu_noreg,		"fdt: /cpus/cpu@0: no reg readable with #address-cells 1 (the hart id)" },
	{ "hart id > 32 bits",	mk_cpu_bigid,		"fdt: /cpus/cpu@100000000: hart id 0x100000000 does not fit 32 bits" },
	{ "257 devices",	mk_devs_too_many,	"fdt: dev@10100000: more than 256 device nodes (FDT_MAX_DEVS)" },
	{ "257 reg ranges",	mk_regs_too_many,	"fdt: pcie@40000000: more than 256 device register ranges (FDT_MAX_DEVS)" },
};

/* want: the exact message, where each "..." stands for any text. */
static bool msg_match(const char *got, const char *want)
{
	const char *dots = strstr(want, "...");
	size_t pre = dots ? (size_t)(dots - want) : strlen(want);
	const char *g;

	if (strncmp(got, want, pre))
		return false;
	if (!dots)
		return got[pre] == '\0';
	for (g = got + pre;; g++) {
		if (msg_match(g, dots + 3))
			return true;
		if (!*g)
			return false;
	}
}

static void test_bad_blobs(void)
{
	size_t i, n;
	int rc;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		n = c->make();
		rc = parse(B, n);
		CHECK(rc == -1 && msg_match(err, c->want), "%s: rc %d, err \"%s\", want \"%s\"", c->name, rc, err, c->want);
	}
	/* fdt_check and fdt_totalsize agree with the header checks. */
	n = mk_std();
	CHECK(fdt_check(B, n, err, sizeof(err)) == 0, "fdt_check good: %s", err);
	CHECK_EQ_U64(fdt_totalsize(B, n), n, "fdt_totalsize good");
	CHECK_EQ_U64(fdt_totalsize(B, n - 1), 0, "fdt_totalsize short");
	CHECK_EQ_U64(fdt_totalsize(NULL, 0), 0, "fdt_totalsize NULL");
	n = mk_totalsize_big();
	CHECK(fdt_check(B, n, err, sizeof(err)) == -1 && err_ok(), "fdt_check bad: %s", err);
	/* A NULL error buffer is allowed. */
	CHECK(fdt_parse(B, n, &info, NULL, 0) == -1, "NULL err");
	n = tree_with(in_deep_ok, true, true);
	CHECK(parse(B, n) == 0, "64 deep: %s", err);
}

/* ---- Good blobs: the facts goose derives ---- */

static bool has_compat(const struct fdt_device *d, const char *c)
{
	return d->present && fdt_stringlist_contains(d->compat, d->compat_len, c);
}

static void test_std_tree(void)
{
	size_t n = fb_std("serial0:115200n8");
	int shift;

	for (shift = 0; shift < 4; shift++) {
		CHECK(parse_at(B, n, (size_t)shift) == 0, "std tree at +%d: %s", shift, err);
		CHECK(info.nmem == 1 && info.mem[0].base == 0x80000000 && info.mem[0].size == 0x10000000, "std mem");
	}
	CHECK(info.nresv == 0, "std nresv %d", info.nresv);
	CHECK(info.bootargs && !strcmp(info.bootargs, "goose.trace=1 -- hello"), "std bootargs");
	CHECK(info.stdout_path && !strcmp(info.stdout_path, "serial0:115200n8"), "std stdout-path");
	CHECK(has_compat(&info.console, "ns16550a"), "std console compat");
	CHECK_EQ_U64(info.console.base, 0x10000000, "std console base");
	CHECK_EQ_U64(info.console.size, 0x100, "std console size");
	CHECK(info.console.reg_shift == 2 && info.console.reg_io_width == 4 && info.console.reg_offset == 0, "std console regs");
	CHECK(info.console.clock_frequency == 24000000, "std console clock");
	CHECK(info.console.ninterrupts == 1 && info.console.interrupts[0] == 10, "std console irq");
	CHECK_EQ_U64(info.timebase_hz, 10000000, "std timebase");
	CHECK(info.nharts == 1 && info.harts[0].hartid == 0 && info.harts[0].usable && info.harts[0].has_mmu &&
	      info.harts[0].has_sstc && info.harts[0].has_zkr, "std hart (zkr past the 63 bytes kept)");
	CHECK(!strcmp(info.harts[0].isa, "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc_svp"),
	      "std isa truncated to 63: %s", info.harts[0].isa);
	CHECK(TEST_DEV(info).present && TEST_DEV(info).base == 0x100000, "std test_dev");
	CHECK(!RTC_DEV(info).present, "std rtc");
	CHECK(PLIC_DEV(info).present && PLIC_DEV(info).base == 0xc000000 && PLIC_DEV(info).size == 0x600000, "std plic");
	CHECK(CLINT_DEV(info).present && CLINT_DEV(info).base == 0x2000000, "std clint");
	/* Each device's signature has the bit of every entry it lists, so the
	 * lookups that skip by it find what the list scan finds. */
	for (int i = 0; i < info.ndevices; i++) {
		const struct fdt_device *d = &info.device[i];

		for (size_t at = 0, e; at < d->compat_len; at = e + 1) {
			e = at + strnlen(d->compat + at, d->compat_len - at);
			CHECK((d->compat_sig & fdt_compat_bit(d->compat + at, e - at)) &&
				      fdt_find_compatible(&info, d->compat + at) &&
				      fdt_device_matches(fdt_find_compatible(&info, d->compat + at),
							 (const char *const[]){ d->compat + at, NULL }),
			      "std device %s: entry %s", d->name, d->compat + at);
		}
	}
	{
		static const char *const plic_late[] = { "goose,none", "vendor,other", "sifive,plic-1.0.0", NULL };
		static const char *const none[] = { "goose,none", "", "x", NULL };

		CHECK(fdt_find_any(&info, plic_late) == &PLIC_DEV(info) && !fdt_find_any(&info, none) &&
			      !fdt_find_compatible(&info, "sifive,plic-1.0.1"),
		      "std lookups through the signatures");
	}
	CHECK(info.initrd_start == 0 && info.initrd_end == 0, "std initrd");
}

struct stdout_case {
	const char *path;
	bool found;
};

static const struct stdout_case stdout_cases[] = {
	{ "serial0",				true },
	{ "serial0:115200n8",			true },
	{ "/soc/serial@10000000",		true },
	{ "/soc/serial@10000000:115200n8",	true },
	{ "//soc//serial@10000000/",		true },
	{ "/soc/serial",			true },
	{ "soc/serial@10000000:9600",		true },
	{ "soc/serial",				true },
	{ "/soc/serial@10000001",		false },
	{ "/soc/serial@1000000",		false },
	{ "/soc/seria",				false },
	{ "/serial@10000000",			false },
	{ "/soc/serial@10000000/x",		false },
	{ "serial1",				false },
	{ "serial",				false },
	{ ":115200",				false },
	{ "",					false },
	{ "/",					false },	/* the root: no reg */
};

static void test_stdout_paths(void)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(stdout_cases); i++) {
		n = fb_std(stdout_cases[i].path);
		CHECK(parse(B, n) == 0, "stdout-path %s: %s", stdout_cases[i].path, err);
		CHECK(info.console.present == stdout_cases[i].found && (!info.console.present || info.console.base == 0x10000000),
		      "stdout-path \"%s\": present %d base 0x%llx", stdout_cases[i].path, info.console.present,
		      (unsigned long long)info.console.base);
		CHECK(!strcmp(info.stdout_path, stdout_cases[i].path), "stdout-path kept as written");
	}
	n = fb_std(NULL);
	CHECK(parse(B, n) == 0 && !info.stdout_path && !info.console.present, "no stdout-path");
}

static void in_chosen_misc(void)
{
	fb_begin("chosen");
	fb_str("linux,stdout-path", "/soc/serial@10010000");
	fb_cells("linux,initrd-start", 2, 0x1, 0x80000000);
	fb_cells("linux,initrd-end", 2, 0x1, 0x80100000);
	fb_cells("boot-hartid", 1, 3);
	fb_empty("bootargs");
	fb_end();
	fb_begin("soc");
	fb_cells("#address-cells", 1, 1);
	fb_cells("#size-cells", 1, 1);
	fb_begin("serial@10010000");
	fb_str("compatible", "sifive,uart0");
	fb_cells("reg", 2, 0x10010000, 0x1000);
	fb_end();
	fb_begin("serial@10020000");
	fb_str("compatible", "sifive,uart0");
	fb_str("status", "disabled");
	fb_cells("reg", 2, 0x10020000, 0x1000);
	fb_end();
	fb_begin("serial@10030000");
	fb_str("compatible", "sifive,uart0");
	fb_end();
	fb_end();
}

static void in_chosen_initrd32(void)
{
	fb_begin("chosen@0");
	fb_str("stdout-path", "/soc/serial@10020000");
	fb_cells("linux,initrd-start", 1, 0x84000000);
	fb_cells("linux,initrd-end", 1, 0x84000000);
	fb_end();
}

static void in_chosen_noreg(void)
{
	fb_begin("chosen");
	fb_str("stdout-path", "/soc/serial@10030000");
	fb_end();
}

static void test_chosen(void)
{
	size_t n = tree_with(in_chosen_misc, true, true);

	CHECK(parse(B, n) == 0, "chosen misc: %s", err);
	CHECK(info.stdout_path && !strcmp(info.stdout_path, "/soc/serial@10010000"), "linux,stdout-path fallback");
	CHECK(has_compat(&info.console, "sifive,uart0") && info.console.base == 0x10010000 && info.console.size == 0x1000 &&
	      info.console.reg_io_width == 1 && info.console.reg_shift == 0, "console with 1+1 cells");
	CHECK_EQ_U64(info.initrd_start, 0x180000000, "initrd-start u64");
	CHECK_EQ_U64(info.initrd_end, 0x180100000, "initrd-end u64");
	CHECK(info.bootargs == NULL, "empty bootargs property is absent");
	CHECK(info.has_boot_hartid && info.boot_hartid == 3, "boot-hartid u32");

	n = tree_with(in_chosen_initrd32, true, true);
	CHECK(parse(B, n) == 0, "chosen@0: %s", err);
	CHECK(info.initrd_start == 0x84000000 && info.initrd_end == 0x84000000, "initrd u32");
	CHECK(!info.has_boot_hartid, "no boot-hartid");
	CHECK(info.stdout_path && !info.console.present, "no console through a disabled node");

	fb_reset();
	fb_root();
	fb_memory(0x80000000, 0x1000000);
	in_chosen_noreg();
	in_chosen_misc();
	fb_end();
	fb_fin();
	n = fb_build();
	CHECK(parse(B, n) == 0 && !info.console.present, "no console through a node without reg: %s", err);
	CHECK(info.initrd_start == 0, "only the first /chosen counts");
}

static void in_cpus_many(void)
{
	fb_cpus_open(0);
	fb_begin("cpu-map");
	fb_begin("cluster0");
	fb_end();
	fb_end();
	fb_cpu(0, "rv64imac", NULL, "okay");				/* E51/S7: no MMU */
	fb_cpu(1, "rv64imafdc_zicsr", "riscv,sv39", NULL);		/* status absent */
	fb_cpu(2, "rv64imafdc", "riscv,sv48", "disabled");
	fb_cpu(3, "rv64imafdc", "riscv,none", "okay");
	fb_cpu(4, "rv64imafdc_sstcx_xsstc_zkrr", "riscv,sv57", "ok");
	fb_cpu(5, "RV64IMAFDC_ZICSR_SSTC_ZKR", "riscv,sv39", "okay");
	fb_cpu(6, "rv64imafdcsstc", "riscv,sv39", "fail");
	fb_cpu(7, "rv64imafdc", "riscv,sv32", "okay");
	fb_begin("cpu@8");
	fb_str("device_type", "cpu");
	fb_cells("reg", 1, 8);
	fb_cells("timebase-frequency", 1, 4000000);
	fb_str("mmu-type", "riscv,sv39");
	fb_str("riscv,isa-base", "rv64i");
	FB_LIST("riscv,isa-extensions", "i\0m\0a\0zicsr\0sstc\0zkr");
	fb_end();
	fb_begin("cpu@9");				/* not device_type "cpu": ignored */
	fb_cells("reg", 1, 9);
	fb_end();
	/* mmu-type after a subnode is invisible (spec 5.4.2, as in libfdt). */
	fb_begin("cpu@a");
	fb_str("device_type", "cpu");
	fb_cells("reg", 1, 10);
	fb_cells("timebase-frequency", 1, 1);
	fb_begin("interrupt-controller");
	fb_end();
	fb_str("mmu-type", "riscv,sv39");
	fb_end();
	fb_end();
}

struct hart_want {
	uint32_t id;
	bool usable, mmu, sstc, zkr;
	const char *isa;
};

static const struct hart_want hart_wants[] = {
	{ 0, false, false, false, false, "rv64imac" },
	{ 1, true,  true,  false, false, "rv64imafdc_zicsr" },
	{ 2, false, true,  false, false, "rv64imafdc" },
	{ 3, false, false, false, false, "rv64imafdc" },
	{ 4, true,  true,  false, false, "rv64imafdc_sstcx_xsstc_zkrr" },
	{ 5, true,  true,  true,  true,  "RV64IMAFDC_ZICSR_SSTC_ZKR" },
	{ 6, false, true,  false, false, "rv64imafdcsstc" },
	{ 7, false, false, false, false, "rv64imafdc" },
	{ 8, true,  true,  true,  true,  "rv64ima_zicsr_sstc_zkr" },
	{ 10, false, false, false, false, "" },
};

static void test_cpus(void)
{
	size_t n = tree_with(in_cpus_many, true, true), i;
	const struct fdt_hart *h;

	CHECK(parse(B, n) == 0, "cpus: %s", err);
	CHECK_EQ_U64(info.timebase_hz, 4000000, "timebase from the first cpu that has it");
	CHECK(info.nharts == (int)ARRAY_SIZE(hart_wants), "nharts %d", info.nharts);
	for (i = 0; i < ARRAY_SIZE(hart_wants) && i < (size_t)info.nharts; i++) {
		const struct hart_want *w = &hart_wants[i];

		h = &info.harts[i];
		CHECK(h->hartid == w->id && h->usable == w->usable && h->has_mmu == w->mmu && h->has_sstc == w->sstc &&
		      h->has_zkr == w->zkr && !strcmp(h->isa, w->isa),
		      "hart %zu: id %u usable %d mmu %d sstc %d zkr %d isa %s", i, h->hartid, h->usable, h->has_mmu,
		      h->has_sstc, h->has_zkr, h->isa);
	}
}

static void in_timebase64(void)
{
	fb_begin("cpus");
	fb_cells("#address-cells", 1, 1);
	fb_cells("#size-cells", 1, 0);
	fb_cells("timebase-frequency", 2, 0x1, 0x2);
	fb_cpu(3, NULL, "riscv,sv39", NULL);
	fb_end();
}

static void in_cpus_overflow(void)
{
	uint32_t i;

	fb_cpus_open(1000000);
	for (i = 0; i < FDT_MAX_HARTS + 3; i++)
		fb_cpu(i, "rv64imafdc", "riscv,sv39", NULL);
	fb_end();
}

static void test_cpus_more(void)
{
	size_t n = tree_with(in_timebase64, true, true);

	CHECK(parse(B, n) == 0 && info.timebase_hz == 0x100000002 && info.nharts == 1 && info.harts[0].hartid == 3 &&
	      info.harts[0].usable && info.harts[0].isa[0] == '\0', "timebase u64, no isa: %s", err);
	n = tree_with(in_cpus_overflow, true, true);
	CHECK(parse(B, n) == 0 && info.nharts == FDT_MAX_HARTS && info.harts[FDT_MAX_HARTS - 1].hartid == FDT_MAX_HARTS - 1,
	      "harts past %d are dropped: %s", FDT_MAX_HARTS, err);
	n = tree_with(NULL, true, true);
	CHECK(parse(B, n) == 0 && info.nharts == 0 && info.timebase_hz == 0, "no /cpus");
}

/* ---- Trees of real boards' shapes: many harts, no /memory, ISA lists ---- */

/* A cpu whose interrupt controller has a phandle (the PLIC's contexts name it). */
static void fb_cpu_ph(uint32_t id, const char *isa, uint32_t phandle)
{
	char name[32];

	snprintf(name, sizeof(name), "cpu@%x", id);
	fb_begin(name);
	fb_str("device_type", "cpu");
	fb_cells("reg", 1, id);
	FB_LIST("compatible", "thead,c920\0riscv");
	fb_str("riscv,isa", isa);
	fb_str("mmu-type", "riscv,sv39");
	fb_begin("interrupt-controller");
	fb_cells("#interrupt-cells", 1, 1);
	fb_empty("interrupt-controller");
	fb_str("compatible", "riscv,cpu-intc");
	fb_cells("phandle", 1, phandle);
	fb_end();
	fb_end();
}

/* A PLIC as the SG2042's (thead,c900-plic, #interrupt-cells 2) with an M and
 * an S context per hart: <intc 11>, <intc 9>, hart after hart. */
static void fb_plic_c900(int nharts, uint32_t phandle0)
{
	uint8_t intx[128 * 16];

	fb_begin("interrupt-controller@7090000000");
	FB_LIST("compatible", "sophgo,sg2042-plic\0thead,c900-plic");
	fb_reg64(0x7090000000, 0x4000000);
	fb_cells("#interrupt-cells", 1, 2);
	fb_empty("interrupt-controller");
	fb_cells("riscv,ndev", 1, 224);
	for (int i = 0; i < nharts; i++) {
		put32(intx + 16 * i, phandle0 + (uint32_t)i);
		put32(intx + 16 * i + 4, 11);
		put32(intx + 16 * i + 8, phandle0 + (uint32_t)i);
		put32(intx + 16 * i + 12, 9);
	}
	fb_prop("interrupts-extended", intx, (uint32_t)(16 * nharts));
	fb_end();
}

/* The S-mode context of the hart whose intc is intc, as dev/plic.c finds it. */
static int s_context(const struct fdt_device *plic, uint32_t intc)
{
	for (uint32_t i = 0; i + 8 <= plic->intx_len; i += 8)
		if (be32_load(plic->intx + i) == intc && be32_load(plic->intx + i + 4) == 9)
			return (int)(i / 8);
	return -1;
}

/*
 * The SG2042's shape: 64 harts (their cpu nodes have a compatible and a reg,
 * like devices), then the SoC's devices after them, exactly as many as the
 * device table holds. Every hart, id 32 and up too, keeps its Sstc bit, ISA
 * and interrupt controller, and has an S-mode context in the PLIC.
 */
static void test_many_harts(void)
{
	const uint32_t ph = 0x100;
	const struct fdt_device *plic;
	size_t n;

	fb_reset();
	fb_root();
	fb_memory(0x80000000, 0x10000000);
	fb_chosen("/soc/dev@10000000");
	fb_cpus_open(50000000);
	for (uint32_t i = 0; i < 64; i++)
		fb_cpu_ph(i, "rv64imafdc_zicsr_sstc", ph + i);
	fb_end();
	fb_devices(FDT_MAX_DEVS - 1);
	fb_plic_c900(64, ph);
	fb_end();
	fb_fin();
	n = fb_build();
	CHECK(parse(B, n) == 0, "64 harts: %s", err);
	CHECK(info.nharts == 64 && info.timebase_hz == 50000000, "64 harts: nharts %d", info.nharts);
	for (int i = 0; i < info.nharts; i++) {
		const struct fdt_hart *h = &info.harts[i];

		CHECK(h->hartid == (uint32_t)i && h->usable && h->has_sstc && h->intc_phandle == ph + (uint32_t)i &&
		      !strcmp(h->isa, "rv64imafdc_zicsr_sstc"),
		      "64 harts: hart %d: id %u usable %d sstc %d intc 0x%x isa %s", i, h->hartid, h->usable, h->has_sstc,
		      h->intc_phandle, h->isa);
	}
	/* The cpus took no slot: all the SoC's devices are there, the PLIC last. */
	CHECK(info.ndevices == FDT_MAX_DEVS && info.nmmio == FDT_MAX_DEVS, "64 harts: %d devices, %d ranges",
	      info.ndevices, info.nmmio);
	plic = &PLIC_DEV(info);
	CHECK(plic->present && plic->base == 0x7090000000 && plic->ndev == 224 && plic->intx_len == 64 * 16,
	      "64 harts: c900 plic at 0x%llx, %u sources, %u contexts", (unsigned long long)plic->base, plic->ndev,
	      plic->intx_len / 8);
	for (int i = 0; i < info.nharts; i++)
		CHECK(s_context(plic, info.harts[i].intc_phandle) == 2 * i + 1, "64 harts: hart %d: S context %d", i,
		      s_context(plic, info.harts[i].intc_phandle));
	CHECK(info.console.present && info.console.base == 0x10000000, "64 harts: console");
}

/* Hart ids need not be small or dense: a boot hart may be 32 or 4095. */
static void test_hart_ids(void)
{
	static const uint32_t ids[] = { 32, 33, 100, 4095 };
	size_t n;

	fb_reset();
	fb_root();
	fb_memory(0x80000000, 0x10000000);
	fb_cpus_open(24000000);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		fb_cpu_ph(ids[i], i % 2 ? "rv64imafdcv_sstc" : "rv64imafdcv", 0x200 + ids[i]);
	fb_end();
	fb_begin("soc");
	fb_cells("#address-cells", 1, 2);
	fb_cells("#size-cells", 1, 2);
	fb_plic_c900(0, 0);
	fb_end();
	fb_end();
	fb_fin();
	n = fb_build();
	CHECK(parse(B, n) == 0 && info.nharts == (int)ARRAY_SIZE(ids), "hart ids: %s, %d harts", err, info.nharts);
	for (size_t i = 0; i < ARRAY_SIZE(ids) && i < (size_t)info.nharts; i++) {
		const struct fdt_hart *h = &info.harts[i];

		CHECK(h->hartid == ids[i] && h->usable && h->has_sstc == (i % 2) && h->intc_phandle == 0x200 + ids[i],
		      "hart id %u: got id %u usable %d sstc %d intc 0x%x", ids[i], h->hartid, h->usable, h->has_sstc,
		      h->intc_phandle);
	}
}

/* No /memory (the firmware adds it on boards whose trees ship without):
 * everything else is still found, nmem is 0 and goose_main says so. */
static void test_no_memory(void)
{
	size_t n;

	fb_reset();
	fb_root();
	fb_chosen("serial0:115200n8");
	fb_aliases();
	fb_cpus_open(24000000);
	fb_cpu(0, "rv64imafdc", "riscv,sv39", NULL);
	fb_end();
	fb_soc();
	fb_begin("memory@90000000");		/* disabled: no memory either */
	fb_str("device_type", "memory");
	fb_str("status", "disabled");
	fb_reg64(0x90000000, 0x1000);
	fb_end();
	fb_end();
	fb_fin();
	fb_rsv(0x80000000, 0x40000);
	n = fb_build();
	CHECK(parse(B, n) == 0 && err[0] == '\0', "no memory node: rc %s", err);
	CHECK(info.nmem == 0 && info.nresv == 1 && info.nharts == 1 && info.harts[0].usable && info.timebase_hz == 24000000,
	      "no memory node: nmem %d nresv %d nharts %d", info.nmem, info.nresv, info.nharts);
	CHECK(info.console.present && info.console.base == 0x10000000 && PLIC_DEV(info).present, "no memory node: console, plic");
	n = tree_with(NULL, false, true);
	CHECK(parse(B, n) == 0 && info.nmem == 0, "bare root: %s", err);
}

/* riscv,isa-base + riscv,isa-extensions (Linux's riscv/extensions.yaml)
 * become an ISA string with the list's single letters. */
struct isa_case {
	const char *isa;	/* riscv,isa (NULL: none) */
	const char *base;	/* riscv,isa-base (NULL: none) */
	const char *list;	/* riscv,isa-extensions */
	uint32_t len;
	bool list_first;	/* the list before the base */
	const char *want;
	uint32_t ext;
};

#define ISA_LIST(lit) lit, sizeof(lit)

static const struct isa_case isa_cases[] = {
	/* The P550's (EIC7700X) harts. */
	{ NULL, "rv64i", ISA_LIST("i\0m\0a\0f\0d\0c\0h\0sscofpmf\0zba\0zbb\0zicsr\0zifencei"), false,
	  "rv64imafdch_sscofpmf_zba_zbb_zicsr_zifencei", FDT_EXT_ZBA | FDT_EXT_ZBB },
	/* Letters in canonical order whatever the list's; the base's i once. */
	{ NULL, "rv64i", ISA_LIST("c\0a\0m\0zicsr\0i"), false, "rv64imac_zicsr", 0 },
	{ NULL, "rv64i", ISA_LIST("m\0a"), true, "rv64ima", 0 },
	{ NULL, "rv64i", ISA_LIST("v\0b\0d\0f\0c\0a\0m\0i\0sstc"), false, "rv64imafdcbv_sstc", FDT_EXT_SSTC },
	{ NULL, "rv64e", ISA_LIST("e\0m\0c"), false, "rv64emc", 0 },
	/* Letters no ISA string has alone (privilege modes, s/x/z prefixes): left out. */
	{ NULL, "rv64i", ISA_LIST("s\0u\0x\0z\0m\0zkr"), false, "rv64im_zkr", FDT_EXT_ZKR },
	/* Whole names only, as many as fit in 63 bytes; the bits come from all. */
	{ NULL, "rv64i", ISA_LIST("i\0m\0a\0f\0d\0c\0zicsr\0zifencei\0zihintpause\0zicbom\0zicboz\0svpbmt\0sstc"), false,
	  "rv64imafdc_zicsr_zifencei_zihintpause_zicbom_zicboz_svpbmt_sstc", FDT_EXT_ZICBOZ | FDT_EXT_SSTC },
	{ NULL, "rv64i", ISA_LIST("i\0m\0a\0f\0d\0c\0zicsr\0zifencei\0zihintpause\0zicbom\0zicbop\0svpbmt\0svinval\0sstc"),
	  false, "rv64imafdc_zicsr_zifencei_zihintpause_zicbom_zicbop_svpbmt", FDT_EXT_SSTC },
	/* riscv,isa, when there, is the string (the list still gives bits). */
	{ "rv64imafdc_zba", "rv64i", ISA_LIST("i\0m\0a\0f\0d\0c\0v\0zba\0zbb"), false, "rv64imafdc_zba",
	  FDT_EXT_ZBA | FDT_EXT_ZBB },
	/* No base: no string to write (the binding wants both). */
	{ NULL, NULL, ISA_LIST("i\0m\0a\0zbs"), false, "", FDT_EXT_ZBS },
	{ NULL, "rv64i", NULL, 0, false, "rv64i", 0 },
};

static void test_isa_extensions(void)
{
	char name[32];
	size_t n, i;

	fb_reset();
	fb_root();
	fb_memory(0x80000000, 0x10000000);
	fb_cpus_open(1000000);
	for (i = 0; i < ARRAY_SIZE(isa_cases); i++) {
		const struct isa_case *c = &isa_cases[i];

		snprintf(name, sizeof(name), "cpu@%zx", i);
		fb_begin(name);
		fb_str("device_type", "cpu");
		fb_cells("reg", 1, (uint32_t)i);
		fb_str("mmu-type", "riscv,sv48");
		if (c->list && c->list_first)
			fb_prop("riscv,isa-extensions", c->list, c->len);
		if (c->isa)
			fb_str("riscv,isa", c->isa);
		if (c->base)
			fb_str("riscv,isa-base", c->base);
		if (c->list && !c->list_first)
			fb_prop("riscv,isa-extensions", c->list, c->len);
		fb_end();
	}
	fb_end();
	fb_end();
	fb_fin();
	n = fb_build();
	CHECK(parse(B, n) == 0 && info.nharts == (int)ARRAY_SIZE(isa_cases), "isa lists: %s", err);
	for (i = 0; i < ARRAY_SIZE(isa_cases) && i < (size_t)info.nharts; i++)
		CHECK(!strcmp(info.harts[i].isa, isa_cases[i].want) && info.harts[i].ext == isa_cases[i].ext,
		      "isa case %zu: \"%s\" ext 0x%x, want \"%s\" ext 0x%x", i, info.harts[i].isa, info.harts[i].ext,
		      isa_cases[i].want, isa_cases[i].ext);
}

static void in_memories(void)
{
	fb_begin("ram@0");				/* any name: device_type decides */
	fb_str("device_type", "memory");
	fb_cells("reg", 12, 0, 0x1000, 0, 0x1000, 0x2, 0, 0, 0, 0x2, 0, 0x3, 0);	/* size 0 entries are skipped */
	fb_end();
	fb_begin("memory@90000000");
	fb_str("status", "disabled");
	fb_str("device_type", "memory");
	fb_reg64(0x90000000, 0x1000);
	fb_end();
	fb_begin("memory@a0000000");
	fb_reg64(0xa0000000, 0x1000);			/* no device_type: not memory */
	fb_end();
	fb_begin("bus");
	fb_cells("#address-cells", 1, 1);
	fb_cells("#size-cells", 1, 1);
	fb_begin("memory@c0000000");
	fb_str("device_type", "memory");
	fb_cells("reg", 5, 0xc0000000, 0x100000, 0xd0000000, 0x200000, 0xe0000000);	/* a ragged tail is ignored */
	fb_end();
	fb_end();
	fb_begin("reserved-memory");
	fb_cells("#address-cells", 1, 2);
	fb_cells("#size-cells", 1, 2);
	fb_empty("ranges");
	fb_begin("mmode_resv0@80000000");
	fb_reg64(0x80000000, 0x80000);
	fb_end();
	fb_begin("mmode_resv1@80080000");
	fb_empty("no-map");
	fb_cells("reg", 8, 0, 0x80080000, 0, 0x20000, 0, 0x800a0000, 0, 0x1000);
	fb_end();
	fb_begin("dynamic");				/* size/alloc-ranges only: not reserved yet */
	fb_cells("size", 2, 0, 0x100000);
	fb_end();
	fb_begin("disabled@88000000");			/* reserved whatever its status */
	fb_str("status", "disabled");
	fb_reg64(0x88000000, 0x1000);
	fb_end();
	fb_end();
	fb_begin("deep");
	fb_begin("reserved-memory");			/* not /reserved-memory */
	fb_begin("x@0");
	fb_reg64(0x99000000, 0x1000);
	fb_end();
	fb_end();
	fb_end();
}

static void test_memory(void)
{
	static const struct { uint64_t base, size; } mem[] = {
		{ 0x80000000, 0x1000000 }, { 0x1000, 0x1000 }, { 0x200000000, 0x300000000 },
		{ 0xc0000000, 0x100000 }, { 0xd0000000, 0x200000 },
	};
	static const struct { uint64_t base, size; bool no_map; } resv[] = {
		{ 0x80000000, 0x200000, false }, { 0x87000000, 0x1000, false }, { 0x80000000, 0x80000, false },
		{ 0x80080000, 0x20000, true }, { 0x800a0000, 0x1000, true }, { 0x88000000, 0x1000, false },
	};
	size_t n, i;
	int k;

	tree_with(in_memories, true, true);
	fb_rsv(0x80000000, 0x200000);
	fb_rsv(0x86000000, 0);		/* size 0: skipped, the walk goes on */
	fb_rsv(0x87000000, 0x1000);
	n = fb_build();
	CHECK(parse(B, n) == 0, "memory tree: %s", err);
	CHECK(info.nmem == (int)ARRAY_SIZE(mem), "nmem %d", info.nmem);
	for (i = 0; i < ARRAY_SIZE(mem) && i < (size_t)info.nmem; i++)
		CHECK(info.mem[i].base == mem[i].base && info.mem[i].size == mem[i].size, "mem[%zu] 0x%llx+0x%llx", i,
		      (unsigned long long)info.mem[i].base, (unsigned long long)info.mem[i].size);
	CHECK(info.nresv == (int)ARRAY_SIZE(resv), "nresv %d", info.nresv);
	for (i = 0; i < ARRAY_SIZE(resv) && i < (size_t)info.nresv; i++)
		CHECK(info.resv[i].base == resv[i].base && info.resv[i].size == resv[i].size &&
		      info.resv_no_map[i] == resv[i].no_map, "resv[%zu] 0x%llx+0x%llx no-map %d", i,
		      (unsigned long long)info.resv[i].base, (unsigned long long)info.resv[i].size, info.resv_no_map[i]);

	/* More than 32 banks: the rest is dropped, not an error. */
	fb_reset();
	fb_root();
	fb_begin("memory@0");
	fb_str("device_type", "memory");
	for (k = 0; k < 40; k++)
		fb_reg64(0x100000000ull * (uint64_t)(k + 1), 0x1000);
	fb_end();
	fb_end();
	fb_fin();
	n = fb_build();
	CHECK(parse(B, n) == 0 && info.nmem == 1 && info.mem[0].base == 40ull << 32, "duplicate reg: the last counts: %s", err);
	fb_reset();
	fb_root();
	fb_begin("memory@0");
	fb_str("device_type", "memory");
	{
		uint32_t cells[40 * 4];

		for (k = 0; k < 40; k++) {
			cells[4 * k] = (uint32_t)(k + 1);
			cells[4 * k + 1] = 0;
			cells[4 * k + 2] = 0;
			cells[4 * k + 3] = 0x1000;
		}
		fb_u32(3);
		fb_u32(sizeof(cells));
		fb_u32(fb_string("reg"));
		for (k = 0; k < 40 * 4; k++)
			fb_u32(cells[k]);
	}
	fb_end();
	fb_end();
	fb_fin();
	n = fb_build();
	CHECK(parse(B, n) == 0 && info.nmem == FDT_MAX_RANGES && info.mem[31].base == 0x2000000000ull,
	      "banks past %d dropped: %s nmem %d", FDT_MAX_RANGES, err, info.nmem);
}

static void in_devices(void)
{
	fb_begin("soc");
	fb_cells("#address-cells", 1, 1);
	fb_cells("#size-cells", 1, 1);
	fb_begin("plic@b000000");
	FB_LIST("compatible", "sifive,plic-1.0.0");
	fb_str("status", "disabled");
	fb_cells("reg", 2, 0xb000000, 0x1000);
	fb_end();
	fb_begin("plic@c000000");
	FB_LIST("compatible", "starfive,jh7110-plic\0sifive,plic-1.0.0");
	fb_cells("reg", 2, 0xc000000, 0x4000000);
	fb_cells("interrupts", 6, 1, 2, 3, 4, 5, 6);
	fb_end();
	fb_begin("clint@2000000");
	fb_prop("compatible", "riscv,clint0", 12);	/* no final NUL */
	fb_cells("reg", 2, 0x2000000, 0x10000);
	fb_end();
	fb_begin("rtc@101000");
	fb_str("compatible", "google,goldfish-rtc");
	fb_cells("reg", 2, 0x101000, 0x1000);
	fb_cells("clock-frequency", 2, 0x1, 0x0);	/* does not fit u32: left 0 */
	fb_end();
	fb_begin("test@100000");
	fb_str("compatible", "sifive,test0x");		/* not sifive,test0 */
	fb_cells("reg", 2, 0x100000, 0x1000);
	fb_end();
	fb_end();
}

static void test_devices(void)
{
	size_t n = tree_with(in_devices, true, true);

	CHECK(parse(B, n) == 0, "devices: %s", err);
	CHECK(PLIC_DEV(info).present && PLIC_DEV(info).base == 0xc000000 && PLIC_DEV(info).size == 0x4000000, "first usable plic");
	CHECK(PLIC_DEV(info).ninterrupts == 4 && PLIC_DEV(info).interrupts[3] == 4, "interrupts capped at 4");
	CHECK(CLINT_DEV(info).present && CLINT_DEV(info).base == 0x2000000, "clint without final NUL");
	CHECK(RTC_DEV(info).present && RTC_DEV(info).base == 0x101000 && RTC_DEV(info).clock_frequency == 0, "rtc");
	CHECK(!TEST_DEV(info).present && !info.console.present, "no test_dev, no console");
}

/* NOPs anywhere a token may be; a version 16 header (no size_dt_struct). */
static void test_nop_and_v16(void)
{
	size_t n = fb_std("serial0"), i, m;
	uint8_t *st;

	/* Rebuild the structure block with a NOP before every token. */
	st = malloc(F.nst);
	memcpy(st, F.st, F.nst);
	m = F.nst;
	F.nst = 0;
	for (i = 0; i < m;) {
		uint32_t tok = (uint32_t)st[i] << 24 | st[i + 1] << 16 | st[i + 2] << 8 | st[i + 3];
		size_t len = 4;

		if (tok == 1)
			len = ALIGN_UP(4 + strlen((char *)st + i + 4) + 1, 4);
		else if (tok == 3)
			len = ALIGN_UP(12 + ((uint32_t)st[i + 4] << 24 | st[i + 5] << 16 | st[i + 6] << 8 | st[i + 7]), 4);
		fb_nop();
		memcpy(F.st + F.nst, st + i, len);
		F.nst += len;
		i += len;
	}
	free(st);
	n = fb_build();
	CHECK(parse(B, n) == 0 && info.console.present && info.nharts == 1 && TEST_DEV(info).present, "NOPs: %s", err);
	F.version = 16;
	n = fb_build();
	CHECK(parse(B, n) == 0 && info.console.present && info.nharts == 1, "version 16: %s", err);
}

struct list_case {
	const char *list;
	size_t len;
	const char *s;
	bool want;
};

static const struct list_case list_cases[] = {
	{ "a\0b\0",		4,	"b",	true },
	{ "a\0b",		3,	"b",	true },
	{ "ab\0",		3,	"a",	false },
	{ "ab\0",		3,	"ab",	true },
	{ "ab\0",		2,	"ab",	true },
	{ "ab\0",		1,	"ab",	false },
	{ "\0a\0",		3,	"",	true },
	{ "",			0,	"",	false },
	{ NULL,			0,	"a",	false },
	{ "ns16550a\0",		9,	"ns16550",	false },
};

static void test_stringlist(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(list_cases); i++)
		CHECK(fdt_stringlist_contains(list_cases[i].list, list_cases[i].len, list_cases[i].s) == list_cases[i].want,
		      "stringlist case %zu (%s)", i, list_cases[i].s);
}

/* ---- Real trees: QEMU's own dumps and the dts/ files ---- */

struct tree_want {
	const char *file;
	uint64_t mem_base, mem_size;	/* the only bank */
	int nresv;
	uint64_t resv_base, resv_size;	/* the first */
	int nresv_no_map;
	const char *stdout_path;
	const char *console_compat;
	uint64_t console_base;
	uint32_t reg_shift, reg_io_width, console_clock;
	uint64_t timebase;
	int nharts;			/* hart ids 0..nharts-1 */
	uint32_t usable;		/* bit per hart */
	uint32_t sstc;
	uint64_t test_dev, rtc;		/* 0: absent */
	uint64_t plic, clint;
};

static const struct tree_want dumps[] = {
	{ "qemu-virt.dtb", 0x80000000, 0x10000000, 0, 0, 0, 0, "/soc/serial@10000000", "ns16550a", 0x10000000, 0, 1, 3686400,
	  10000000, 2, 0x3, 0x3, 0x100000, 0x101000, 0xc000000, 0x2000000 },
	{ "qemu-sifive_u.dtb", 0x80000000, 0x8000000, 0, 0, 0, 0, "/soc/serial@10010000", "sifive,uart0", 0x10010000, 0, 1, 0,
	  1000000, 2, 0x2, 0x0, 0, 0, 0xc000000, 0x2000000 },
};

/* dts/ as committed (test_boards checks the same trees against the boards'
 * facts; these rows pin what fdt_parse makes of them). */
static const struct tree_want dts_blobs[] = {
	{ "qemu-virt.dtb", 0x80000000, 0x10000000, 1, 0x80000000, 0x80000, 0, "/soc/serial@10000000:115200n8", "ns16550a",
	  0x10000000, 0, 1, 3686400, 10000000, 2, 0x3, 0x3, 0x100000, 0x101000, 0xc000000, 0x2000000 },
	{ "sifive_u.dtb", 0x80000000, 0x8000000, 1, 0x80000000, 0x80000, 1, "serial0", "sifive,uart0", 0x10010000, 0, 1, 0,
	  1000000, 2, 0x2, 0x0, 0, 0, 0xc000000, 0x2000000 },
	{ "unmatched.dtb", 0x80000000, 0x400000000, 2, 0x80000000, 0x40000, 2, "serial0", "sifive,uart0", 0x10010000,
	  0, 1, 0, 1000000, 5, 0x1e, 0x0, 0, 0, 0xc000000, 0x2000000 },
	{ "visionfive2.dtb", 0x40000000, 0x100000000, 2, 0x40000000, 0x40000, 2, "serial0:115200n8", "snps,dw-apb-uart",
	  0x10000000, 2, 4, 24000000, 4000000, 5, 0x1e, 0x0, 0, 0, 0xc000000, 0x2000000 },
};

static uint8_t *load(const char *dir, const char *file, size_t *len)
{
	char path[512];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
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

static void check_tree(const char *dir, const struct tree_want *w)
{
	size_t len;
	uint8_t *blob = load(dir, w->file, &len);
	int i, no_map = 0;
	uint32_t usable = 0, sstc = 0;

	CHECK(blob != NULL, "cannot read %s/%s", dir, w->file);
	if (!blob)
		return;
	CHECK(parse(blob, len) == 0, "%s: %s", w->file, err);
	CHECK(info.nmem == 1 && info.mem[0].base == w->mem_base && info.mem[0].size == w->mem_size,
	      "%s: mem %d banks, first 0x%llx+0x%llx", w->file, info.nmem, (unsigned long long)info.mem[0].base,
	      (unsigned long long)info.mem[0].size);
	for (i = 0; i < info.nresv; i++)
		no_map += info.resv_no_map[i];
	CHECK(info.nresv == w->nresv && no_map == w->nresv_no_map &&
	      (!w->nresv || (info.resv[0].base == w->resv_base && info.resv[0].size == w->resv_size)),
	      "%s: %d reserved (%d no-map), first 0x%llx+0x%llx", w->file, info.nresv, no_map,
	      (unsigned long long)info.resv[0].base, (unsigned long long)info.resv[0].size);
	CHECK(info.stdout_path && !strcmp(info.stdout_path, w->stdout_path), "%s: stdout-path %s", w->file,
	      info.stdout_path ? info.stdout_path : "(none)");
	CHECK(has_compat(&info.console, w->console_compat) && info.console.base == w->console_base &&
	      info.console.reg_shift == w->reg_shift && info.console.reg_io_width == w->reg_io_width &&
	      info.console.clock_frequency == w->console_clock,
	      "%s: console present %d base 0x%llx shift %u width %u clock %u", w->file, info.console.present,
	      (unsigned long long)info.console.base, info.console.reg_shift, info.console.reg_io_width,
	      info.console.clock_frequency);
	CHECK_EQ_U64(info.timebase_hz, w->timebase, "%s: timebase", w->file);
	for (i = 0; i < info.nharts; i++) {
		CHECK(info.harts[i].hartid == (uint32_t)i, "%s: hart %d has id %u", w->file, i, info.harts[i].hartid);
		usable |= (uint32_t)info.harts[i].usable << i;
		sstc |= (uint32_t)info.harts[i].has_sstc << i;
	}
	CHECK(info.nharts == w->nharts && usable == w->usable && sstc == w->sstc, "%s: %d harts, usable 0x%x, sstc 0x%x",
	      w->file, info.nharts, usable, sstc);
	CHECK(TEST_DEV(info).present == !!w->test_dev && TEST_DEV(info).base == w->test_dev, "%s: test_dev", w->file);
	CHECK(RTC_DEV(info).present == !!w->rtc && RTC_DEV(info).base == w->rtc, "%s: rtc", w->file);
	CHECK(PLIC_DEV(info).present && PLIC_DEV(info).base == w->plic, "%s: plic", w->file);
	CHECK(CLINT_DEV(info).present && CLINT_DEV(info).base == w->clint, "%s: clint", w->file);
	CHECK(info.initrd_start == 0 && info.initrd_end == 0 && !info.bootargs, "%s: no initrd or bootargs", w->file);
	free(blob);
}

/*
 * Every prefix of a real blob: as is (totalsize then exceeds len) and with
 * the header patched so totalsize and the block sizes fit the prefix, which
 * makes the parser walk cut-off blocks. Each must end in 0 or one error line.
 */
static void test_truncations(const char *dir, const char *file)
{
	size_t len, cut, hostile = 0, bad = 0, ok = 0;
	uint8_t *blob = load(dir, file, &len), *m;
	uint32_t off_st, sz_st, off_str, sz_str;
	int rc;

	CHECK(blob != NULL, "cannot read %s/%s", dir, file);
	if (!blob)
		return;
	off_st = be32_load(blob + 0x08);
	off_str = be32_load(blob + 0x0c);
	sz_str = be32_load(blob + 0x20);
	sz_st = be32_load(blob + 0x24);
	for (cut = 0; cut < len; cut++) {
		rc = parse(blob, cut);
		if (rc != -1 || !err_ok())
			bad++;
		if (cut < 40)
			continue;
		m = malloc(cut);
		memcpy(m, blob, cut);
		put32(m + 0x04, (uint32_t)cut);
		if (off_st <= cut)
			put32(m + 0x24, (uint32_t)MIN((size_t)sz_st, cut - off_st));
		if (off_str <= cut)
			put32(m + 0x20, (uint32_t)MIN((size_t)sz_str, cut - off_str));
		rc = parse(m, cut);
		free(m);
		hostile++;
		if (rc == 0)
			ok++;
		else if (!err_ok())
			bad++;
	}
	CHECK(bad == 0, "%s: %zu of %zu truncations gave no clean error (last: %s)", file, bad, len, err);
	CHECK(hostile > 0 && ok < hostile, "%s: patched truncations: %zu parsed of %zu", file, ok, hostile);
	free(blob);
}

/* Every byte inverted, and every structure word replaced by each token: no crash, no hang. */
static void test_mutations(const char *dir, const char *file)
{
	static const uint32_t toks[] = { 0, 1, 2, 3, 4, 9, 0xffffffff };
	size_t len, i, t, bad = 0, runs = 0;
	uint8_t *blob = load(dir, file, &len);
	uint8_t save[4];
	uint32_t off_st, sz_st;

	CHECK(blob != NULL, "cannot read %s/%s", dir, file);
	if (!blob)
		return;
	for (i = 0; i < len; i++) {
		blob[i] ^= 0xff;
		if (parse(blob, len) && !err_ok())
			bad++;
		blob[i] ^= 0xff;
		runs++;
	}
	off_st = be32_load(blob + 0x08);
	sz_st = be32_load(blob + 0x24);
	for (i = off_st; i + 4 <= off_st + sz_st; i += 4) {
		memcpy(save, blob + i, 4);
		for (t = 0; t < ARRAY_SIZE(toks); t++) {
			put32(blob + i, toks[t]);
			if (parse(blob, len) && !err_ok())
				bad++;
			runs++;
		}
		memcpy(blob + i, save, 4);
	}
	CHECK(bad == 0, "%s: %zu of %zu mutations gave a malformed error (last: %s)", file, bad, runs, err);
	CHECK(parse(blob, len) == 0, "%s: unchanged after mutations: %s", file, err);
	free(blob);
}

int main(int argc, char **argv)
{
	size_t i;

	test_bad_blobs();
	test_std_tree();
	test_stdout_paths();
	test_chosen();
	test_cpus();
	test_cpus_more();
	test_device_table();
	test_many_harts();
	test_hart_ids();
	test_no_memory();
	test_isa_extensions();
	test_memory();
	test_devices();
	test_nop_and_v16();
	test_stringlist();

	CHECK(argc > 2, "usage: test_fdt <data dir> <dtb dir>: the QEMU dumps and dts/ trees are not optional");
	if (argc > 2) {
		for (i = 0; i < ARRAY_SIZE(dumps); i++)
			check_tree(argv[1], &dumps[i]);
		test_truncations(argv[1], "qemu-virt.dtb");
		test_truncations(argv[1], "qemu-sifive_u.dtb");
		test_mutations(argv[1], "qemu-virt.dtb");
		for (i = 0; i < ARRAY_SIZE(dts_blobs); i++)
			check_tree(argv[2], &dts_blobs[i]);
	}
	free(copy);
	return test_done("fdt");
}
