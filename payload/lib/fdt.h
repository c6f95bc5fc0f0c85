/* SPDX-License-Identifier: MIT */
/*
 * Flattened device tree reader (Devicetree Specification v0.4, chapter 5).
 *
 * Everything here is pure: it takes (blob, len), bounds-checks every offset
 * against len (never trusting totalsize beyond it), touches no CSR or MMIO, and
 * compiles natively for host tests and fuzzers. Strings handed back point into
 * the blob and are NUL-terminated within it.
 */
#ifndef GOOSE_FDT_H
#define GOOSE_FDT_H

#include "lib/lib.h"

#define FDT_MAGIC 0xd00dfeed

#define FDT_MAX_RANGES 32
/* Harts past this many cpu nodes are left out (and parked); the largest
 * boards goose knows (SG2042, SG2044) have 64. */
#define FDT_MAX_HARTS 64
/* Device nodes (status okay, a compatible and a reg; /cpus' nodes are not
 * devices), and their reg entries: a tree with more is refused with an
 * error naming the node, never cut short silently. */
#define FDT_MAX_DEVS 256

struct fdt_range {
	uint64_t base;
	uint64_t size;
};

/* Multi-letter extensions goose looks for (fdt_hart.ext bits). */
#define FDT_EXT_SSTC (1u << 0)
#define FDT_EXT_ZKR (1u << 1)
#define FDT_EXT_ZBA (1u << 2)
#define FDT_EXT_ZBB (1u << 3)
#define FDT_EXT_ZBS (1u << 4)
#define FDT_EXT_ZBC (1u << 5)
#define FDT_EXT_ZICBOZ (1u << 6)
/* The vector sub-extensions riscv_hwprobe names (V itself is a letter). */
#define FDT_EXT_ZVE32X (1u << 7)
#define FDT_EXT_ZVE32F (1u << 8)
#define FDT_EXT_ZVE64X (1u << 9)
#define FDT_EXT_ZVE64F (1u << 10)
#define FDT_EXT_ZVE64D (1u << 11)
#define FDT_EXT_ZVBB (1u << 12)
#define FDT_EXT_ZVBC (1u << 13)
#define FDT_EXT_ZVKB (1u << 14)
#define FDT_EXT_ZVKG (1u << 15)
#define FDT_EXT_ZVKNED (1u << 16)
#define FDT_EXT_ZVKNHA (1u << 17)
#define FDT_EXT_ZVKNHB (1u << 18)
#define FDT_EXT_ZVKSED (1u << 19)
#define FDT_EXT_ZVKSH (1u << 20)
#define FDT_EXT_ZVKT (1u << 21)
#define FDT_EXT_ZVFH (1u << 22)
#define FDT_EXT_ZVFHMIN (1u << 23)

struct fdt_hart {
	uint32_t hartid;	/* reg of the /cpus/cpu@N node */
	bool usable;		/* status okay/absent and an MMU (mmu-type sv39/48/57) */
	bool has_mmu;
	bool has_sstc;		/* "sstc" in riscv,isa or riscv,isa-extensions */
	bool has_zkr;
	uint32_t ext;		/* FDT_EXT_* found in riscv,isa or riscv,isa-extensions */
	uint32_t intc_phandle;	/* phandle of its interrupt-controller child (0: none) */
	/* riscv,isa, truncated, NUL-terminated. A hart with only riscv,isa-base
	 * and riscv,isa-extensions gets one written in that form: the base,
	 * the single-letter extensions of the list in canonical order, then
	 * "_" and each multi-letter one as long as it fits whole
	 * ("rv64imafdc_zicsr_zba"). */
	char isa[64];
};

/* A device node: first reg entry and the properties drivers want. The FDT
 * layer knows no driver: each driver matches its own compatible strings
 * (fdt_find_compatible) and reads what it needs from here. */
struct fdt_device {
	bool present;
	const char *name;	/* the node's name (unit address included), for messages */
	uint64_t base;		/* first reg address (no ranges translation: simple-bus with empty ranges) */
	uint64_t size;
	const char *compat;	/* compatible stringlist (NUL-separated), points into the blob */
	size_t compat_len;
	uint64_t compat_sig;	/* fdt_compat_bit of each entry, or'd: 0 when not made */
	uint32_t reg_shift;	/* 16550: reg-shift (default 0) */
	uint32_t reg_io_width;	/* 16550: reg-io-width (default 1) */
	uint32_t reg_offset;	/* 16550: reg-offset (default 0) */
	uint32_t clock_frequency;
	uint32_t interrupts[4];	/* first cells of "interrupts" */
	int ninterrupts;
	uint32_t phandle;
	const uint8_t *intx;	/* interrupts-extended: (phandle, cells...) big-endian, in the blob */
	uint32_t intx_len;	/* bytes */
	uint32_t ndev;		/* riscv,ndev (an interrupt controller's sources) */
};

struct fdt_info {
	const char *model;		/* the root's model, NULL when absent */

	/* /memory nodes (device_type = "memory"), every reg entry, in blob order.
	 * nmem is 0 only in a tree with no memory node at all (boards whose
	 * firmware adds it: the caller must say so, as there is no RAM to use). */
	struct fdt_range mem[FDT_MAX_RANGES];
	int nmem;
	/* The memory reservation block and every /reserved-memory child's reg.
	 * no_map[i] tells whether resv[i] had the no-map property (always false for
	 * the reservation block); node[i] whether it came from /reserved-memory
	 * (firmware's own RAM) rather than the block (the FDT, an initrd). */
	struct fdt_range resv[FDT_MAX_RANGES];
	bool resv_no_map[FDT_MAX_RANGES];
	bool resv_node[FDT_MAX_RANGES];
	int nresv;

	/* /chosen */
	const char *bootargs;		/* NULL when absent */
	const char *stdout_path;	/* as written, options (":115200n8") included; NULL when absent */
	uint64_t initrd_start;		/* linux,initrd-start (u32 or u64), 0 when absent */
	uint64_t initrd_end;
	/* boot-hartid (u32 or u64), when has_boot_hartid: what UEFI firmware
	 * without RISCV_EFI_BOOT_PROTOCOL leaves (RISC-V UEFI protocol spec). */
	uint64_t boot_hartid;
	bool has_boot_hartid;
	const uint8_t *rng_seed;	/* rng-seed (or kaslr-seed) bytes, points into the blob */
	uint32_t rng_seed_len;

	/* /cpus */
	uint64_t timebase_hz;		/* /cpus timebase-frequency (or the first cpu's) */
	struct fdt_hart harts[FDT_MAX_HARTS];
	int nharts;

	/* The node stdout-path names (aliases resolved). */
	struct fdt_device console;
	/* Every device node (status okay, a compatible and a reg, not inside
	 * /cpus), in blob order. */
	struct fdt_device device[FDT_MAX_DEVS];
	int ndevices;
	/* Every reg range of those nodes (not memory, cpus or reserved-memory):
	 * what /dev/mem may map. */
	struct fdt_range mmio[FDT_MAX_DEVS];
	int nmmio;
};

/* Header check: magic, version >= 16 (last_comp_version <= 17), totalsize <= len,
 * each block inside totalsize. Returns 0 or -1 with a message in err. */
int fdt_check(const void *blob, size_t len, char *err, size_t errlen);

/*
 * Parse everything goose needs into *info. Returns 0, or -1 with one line in
 * err naming what is wrong and where (e.g. "fdt: structure block: token 0x7 at
 * offset 0x1a4 is not a valid token"). A tree without a memory node parses
 * with nmem = 0; memory nodes none of whose reg entries is usable are an
 * error ("fdt: memory nodes have no usable reg entries"), and so are more
 * device nodes or device reg entries than FDT_MAX_DEVS. Anything else
 * missing is left zero/absent.
 * Malformed input (bad offsets, unterminated names/strings, property lengths
 * past the block, nesting deeper than 64, a structure block without FDT_END)
 * is an error, never a crash or a hang.
 */
int fdt_parse(const void *blob, size_t len, struct fdt_info *info, char *err, size_t errlen);

/* Size of the blob according to its header (0 when the header is bad). Used to
 * reserve the FDT's own memory before the full parse. */
size_t fdt_totalsize(const void *blob, size_t len);

/* The first device node whose compatible list has compat, or NULL. */
const struct fdt_device *fdt_find_compatible(const struct fdt_info *info, const char *compat);
/* The first device node compatible with any of the NULL-terminated list. */
const struct fdt_device *fdt_find_any(const struct fdt_info *info, const char *const *compat);
/* The first of compat (NULL-terminated) that dev's compatible list names, or NULL. */
const char *fdt_device_matches(const struct fdt_device *dev, const char *const *compat);

/* Does the NUL-separated stringlist contain s? */
bool fdt_stringlist_contains(const char *list, size_t len, const char *s);
/* One bit for a compatible string s of n bytes (its length and first and
 * last bytes): a device whose compat_sig lacks it does not list s, which
 * the lookups above tell without reading the list (~0 when n is 0). */
uint64_t fdt_compat_bit(const char *s, size_t n);

#endif
