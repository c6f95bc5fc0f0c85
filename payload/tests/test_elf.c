// SPDX-License-Identifier: MIT
/*
 * Host tests for payload/lib/elf.c: a small in-memory ELF and tables of mutations
 * of it, synthetic code blocks for the ecall scanner, and the real Go ELFs
 * in the directory argv[3] (ci/test.py builds them; there must be some).
 *
 * Every buffer handed to elf.c is a heap copy of exactly the length passed,
 * so AddressSanitizer catches a read past len.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "lib/elf.h"
#include "test.h"

#define VA_LIMIT (1ULL << 38)

/* Offsets of the gABI structures' fields, as elf.c reads them. */
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_VERSION 20
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_SHOFF 40
#define EH_PHENTSIZE 54
#define EH_PHNUM 56
#define EH_SHENTSIZE 58
#define EH_SHNUM 60
#define PH(i, f) (64 + 56 * (i) + (f))
#define P_TYPE 0
#define P_FLAGS 4
#define P_OFFSET 8
#define P_VADDR 16
#define P_FILESZ 32
#define P_MEMSZ 40
#define SH(i, f) (SYM_SHOFF + 64 * (i) + (f))
#define SH_TYPE 4
#define SH_OFFSET 24
#define SH_SIZE 32
#define SH_LINK 40
#define SH_ENTSIZE 56

/*
 * The minimal valid executable (file offsets):
 *   0x0000 ELF header; 0x0040 three program headers:
 *          [0] PT_PHDR  vaddr 0x10040
 *          [1] PT_LOAD  RW  offset 0x2000 vaddr 0x12000 filesz 0x100  memsz 0x3000
 *          [2] PT_LOAD  R X offset 0      vaddr 0x10000 filesz 0x1100 memsz 0x1100
 *   0x1000 code (entry 0x11000); 0x2000 data; file ends at 0x2100.
 * The symbol-table variant appends .symtab, .strtab and four section headers.
 */
#define MIN_SIZE 0x2100
#define SYM_SYMTAB MIN_SIZE
#define SYM_NSYMS 10
#define SYM_STRTAB (SYM_SYMTAB + SYM_NSYMS * 24)
#define SYM_SHOFF 0x2400
#define SYM_SIZE (SYM_SHOFF + 4 * 64)

static void put(uint8_t *b, size_t off, int width, uint64_t v)
{
	for (int i = 0; i < width; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static void put_phdr(uint8_t *b, int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz,
		     uint64_t memsz)
{
	put(b, PH(i, P_TYPE), 4, type);
	put(b, PH(i, P_FLAGS), 4, flags);
	put(b, PH(i, P_OFFSET), 8, off);
	put(b, PH(i, P_VADDR), 8, va);
	put(b, PH(i, 24), 8, va);
	put(b, PH(i, P_FILESZ), 8, filesz);
	put(b, PH(i, P_MEMSZ), 8, memsz);
	put(b, PH(i, 48), 8, 0x1000);
}

static void build_min(uint8_t *b)
{
	static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };

	memset(b, 0, MIN_SIZE);
	memcpy(b, ident, sizeof(ident));
	put(b, EH_TYPE, 2, 2);
	put(b, EH_MACHINE, 2, EM_RISCV);
	put(b, EH_VERSION, 4, 1);
	put(b, EH_ENTRY, 8, 0x11000);
	put(b, EH_PHOFF, 8, 64);
	put(b, 52, 2, 64);
	put(b, EH_PHENTSIZE, 2, 56);
	put(b, EH_PHNUM, 2, 3);
	put_phdr(b, 0, 6, PF_R, 64, 0x10040, 3 * 56, 3 * 56);
	put_phdr(b, 1, PT_LOAD, PF_R | PF_W, 0x2000, 0x12000, 0x100, 0x3000);
	put_phdr(b, 2, PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x1100, 0x1100);
	/* addi a0,a0,1; ecall; c.nop; ecall */
	put(b, 0x1000, 4, 0x00150513);
	put(b, 0x1004, 4, 0x00000073);
	put(b, 0x1008, 2, 0x0001);
	put(b, 0x100a, 4, 0x00000073);
}

/* Symbols: name, type (2 = STT_FUNC, 1 = STT_OBJECT), value, size. */
static const struct {
	const char *name;
	uint8_t type;
	uint64_t value, size;
} syms[SYM_NSYMS] = {
	{ "", 0, 0, 0 },
	{ "main.foo", 2, 0x11000, 0x40 },
	{ "main.bar", 2, 0x11040, 0x20 },
	{ "runtime.text", 2, 0x11000, 0 },
	{ "obj", 1, 0x12000, 8 },
	{ "main.inner", 2, 0x11010, 0x8 },
	{ "_rt0_riscv64_linux", 2, 0x11060, 0x10 },
	{ "bad.name", 2, 0x11080, 0x10 },	/* st_name patched past the strtab */
	{ "main.after", 2, 0x13000, 0x10 },	/* outside [0x11000, 0x12000) */
	{ "xyz", 2, 0x11090, 0x10 },		/* last string, left without its NUL */
};

static void build_sym(uint8_t *b)
{
	size_t str = 1;

	memset(b, 0, SYM_SIZE);
	build_min(b);
	for (int i = 1; i < SYM_NSYMS; i++) {
		size_t s = SYM_SYMTAB + 24 * i, n = strlen(syms[i].name);

		put(b, s, 4, i == 7 ? 0x7fffffff : str);
		b[s + 4] = syms[i].type | 0x10;	/* STB_GLOBAL */
		put(b, s + 6, 2, 1);
		put(b, s + 8, 8, syms[i].value);
		put(b, s + 16, 8, syms[i].size);
		memcpy(b + SYM_STRTAB + str, syms[i].name, n);
		str += n + 1;
	}
	put(b, EH_SHOFF, 8, SYM_SHOFF);
	put(b, EH_SHENTSIZE, 2, 64);
	put(b, EH_SHNUM, 2, 4);
	/* [1] .text, [2] .symtab (sh_link 3), [3] .strtab (the final "xyz" unterminated) */
	put(b, SH(1, SH_TYPE), 4, 1);
	put(b, SH(1, SH_OFFSET), 8, 0x1000);
	put(b, SH(1, SH_SIZE), 8, 0x100);
	put(b, SH(2, SH_TYPE), 4, 2);
	put(b, SH(2, SH_OFFSET), 8, SYM_SYMTAB);
	put(b, SH(2, SH_SIZE), 8, SYM_NSYMS * 24);
	put(b, SH(2, SH_LINK), 4, 3);
	put(b, SH(2, SH_ENTSIZE), 8, 24);
	put(b, SH(3, SH_TYPE), 4, 3);
	put(b, SH(3, SH_OFFSET), 8, SYM_STRTAB);
	put(b, SH(3, SH_SIZE), 8, str - 1);
}

/* A heap copy of exactly len bytes, so ASan sees any read past it. */
static uint8_t *buf_dup(const uint8_t *b, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	memcpy(p, b, len);
	return p;
}

static int parse(const uint8_t *b, size_t len, uint64_t va_limit, struct elf_image *img, char *err, size_t errlen)
{
	uint8_t *p = buf_dup(b, len);
	int r = elf_parse(p, len, va_limit, img, err, errlen);

	free(p);
	return r;
}

static void test_parse_min(void)
{
	uint8_t b[MIN_SIZE];
	struct elf_image img;
	char err[256];

	build_min(b);
	CHECK(parse(b, sizeof(b), VA_LIMIT, &img, err, sizeof(err)) == 0, "%s", err);
	CHECK_EQ_U64(img.entry, 0x11000, "entry");
	CHECK_EQ_U64(img.nseg, 2, "nseg");
	CHECK_EQ_U64(img.seg[0].vaddr, 0x10000, "segments sorted by vaddr");
	CHECK_EQ_U64(img.seg[0].flags, PF_R | PF_X, "text flags");
	CHECK_EQ_U64(img.seg[0].filesz, 0x1100, "text filesz");
	CHECK_EQ_U64(img.seg[1].vaddr, 0x12000, "data vaddr");
	CHECK_EQ_U64(img.seg[1].offset, 0x2000, "data offset");
	CHECK_EQ_U64(img.seg[1].memsz, 0x3000, "data memsz");
	CHECK_EQ_U64(img.seg[1].flags, PF_R | PF_W, "data flags");
	CHECK_EQ_U64(img.lo, 0x10000, "lo");
	CHECK_EQ_U64(img.hi, 0x15000, "hi");
	CHECK_EQ_U64(img.phdr_vaddr, 0x10040, "phdr_vaddr");
	CHECK_EQ_U64(img.phnum, 3, "phnum");
	CHECK_EQ_U64(img.phentsize, 56, "phentsize");

	/* err may be absent or tiny: still -1, never written past errlen. */
	b[0] = 0;
	CHECK(parse(b, sizeof(b), VA_LIMIT, &img, NULL, 0) == -1, "NULL err");
	memset(err, 'Q', sizeof(err));
	CHECK(parse(b, sizeof(b), VA_LIMIT, &img, err, 8) == -1 && strlen(err) == 7 && err[8] == 'Q', "errlen 8");
}

/* Mutations: up to three field patches, or a fix-up function for bigger ones. */
struct patch {
	uint32_t off;
	uint8_t width;
	uint64_t val;
};

static void many_loads(uint8_t *b, int n)
{
	put(b, EH_PHNUM, 2, n);
	put_phdr(b, 0, PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x1100, 0x1100);
	for (int i = 1; i < n; i++)
		put_phdr(b, i, PT_LOAD, PF_R, 0x2000, 0x20000 + 0x1000 * i, 0x10, 0x10);
}

static void loads_16(uint8_t *b)
{
	many_loads(b, 16);
}

static void loads_17(uint8_t *b)
{
	many_loads(b, 17);
}

/* Program header 0 as the PT_INTERP of cgo's default (dynamic) build. */
static const char ld_so[] = "/lib/ld-linux-riscv64-lp64d.so.1";

static void interp(uint8_t *b)
{
	memcpy(b + 0x1f00, ld_so, sizeof(ld_so));
	put_phdr(b, 0, 3, PF_R, 0x1f00, 0x11f00, sizeof(ld_so), sizeof(ld_so));
}

static void interp_unterminated(uint8_t *b)
{
	interp(b);
	b[0x1f00 + sizeof(ld_so) - 1] = 'x';
}

static void interp_unprintable(uint8_t *b)
{
	interp(b);
	b[0x1f05] = '\n';
}

static void interp_past_end(uint8_t *b)
{
	put_phdr(b, 0, 3, PF_R, 0x2100 - 4, 0x11f00, 8, 8);
}

static const struct parse_case {
	const char *what;
	struct patch p[3];
	void (*fix)(uint8_t *b);
	uint64_t va_limit;	/* 0: VA_LIMIT */
	const char *want;	/* NULL: must parse */
} parse_cases[] = {
	{ "minimal", { { 0 } }, NULL, 0, NULL },
	{ "not an ELF", { { 0, 1, 'X' } }, NULL, 0, "bad magic 58 45 4c 46, not an ELF" },
	{ "ELF32", { { 4, 1, 1 } }, NULL, 0, "EI_CLASS is 1, want 2" },
	{ "big-endian", { { 5, 1, 2 } }, NULL, 0, "EI_DATA is 2, want 1" },
	{ "EI_VERSION 0", { { 6, 1, 0 } }, NULL, 0, "EI_VERSION is 0" },
	{ "ET_DYN", { { EH_TYPE, 2, 3 } }, NULL, 0, "e_type is 3 (ET_DYN" },
	{ "ET_REL", { { EH_TYPE, 2, 1 } }, NULL, 0, "e_type is 1 (ET_REL" },
	{ "x86-64", { { EH_MACHINE, 2, 62 } }, NULL, 0, "e_machine is 62 (x86-64), want 243 (RISC-V)" },
	{ "AArch64", { { EH_MACHINE, 2, 183 } }, NULL, 0, "e_machine is 183 (AArch64)" },
	{ "e_version 2", { { EH_VERSION, 4, 2 } }, NULL, 0, "e_version is 2" },
	{ "phentsize 32", { { EH_PHENTSIZE, 2, 32 } }, NULL, 0, "e_phentsize is 32, want 56" },
	{ "phnum 0", { { EH_PHNUM, 2, 0 } }, NULL, 0, "e_phnum is 0, want 1 to 64" },
	{ "phnum 65535", { { EH_PHNUM, 2, 65535 } }, NULL, 0, "e_phnum is 65535" },
	{ "phnum 64 past end", { { EH_PHNUM, 2, 64 }, { EH_PHOFF, 8, 0x1800 } }, NULL, 0, "e_phoff 0x1800 (64 x 56" },
	{ "phoff past end", { { EH_PHOFF, 8, 0x100000 } }, NULL, 0, "program headers at e_phoff 0x100000" },
	{ "phoff wraps", { { EH_PHOFF, 8, ~0ULL - 8 } }, NULL, 0, "past the end of the file (0x2100)" },
	{ "filesz past end", { { PH(1, P_FILESZ), 8, 0x100000 } }, NULL, 0,
	  "segment 1: p_offset 0x2000 + p_filesz 0x100000 is past the end of the file (0x2100)" },
	{ "offset past end", { { PH(1, P_OFFSET), 8, 0x3000 }, { PH(1, P_VADDR), 8, 0x13000 } }, NULL, 0,
	  "segment 1: p_offset 0x3000 + p_filesz 0x100 is past the end" },
	{ "offset+filesz wraps", { { PH(1, P_OFFSET), 8, 0xfffffffffffff000 }, { PH(1, P_FILESZ), 8, 0x2000 } }, NULL,
	  0, "p_filesz 0x2000 overflows" },
	{ "filesz > memsz", { { PH(1, P_MEMSZ), 8, 0x80 } }, NULL, 0, "segment 1: p_filesz 0x100 > p_memsz 0x80" },
	{ "offset/vaddr misaligned", { { PH(1, P_VADDR), 8, 0x12010 } }, NULL, 0,
	  "p_offset 0x2000 and p_vaddr 0x12010 differ modulo 4096" },
	{ "vaddr 0", { { PH(2, P_VADDR), 8, 0 } }, NULL, 0, "segment 2: p_vaddr 0x0 is in page 0" },
	{ "memsz terabytes", { { PH(1, P_MEMSZ), 8, 1ULL << 44 } }, NULL, 0,
	  "p_memsz 0x100000000000 ends beyond the address limit 0x4000000000" },
	{ "end past va_limit", { { PH(1, P_VADDR), 8, VA_LIMIT - 0x2000 } }, NULL, 0,
	  "p_vaddr 0x3fffffe000 + p_memsz 0x3000 ends beyond" },
	{ "end at va_limit", { { PH(1, P_VADDR), 8, VA_LIMIT - 0x3000 } }, NULL, 0, NULL },
	{ "vaddr+memsz wraps", { { PH(1, P_VADDR), 8, 0xfffffffffffff000 } }, NULL, ~0ULL,
	  "p_vaddr 0xfffffffffffff000 + p_memsz 0x3000 overflows" },
	{ "overlap", { { PH(1, P_VADDR), 8, 0x11000 } }, NULL, 0,
	  "segment at p_vaddr 0x11000 overlaps the one before it (which ends at 0x11100)" },
	{ "share a page", { { PH(1, P_VADDR), 8, 0x11100 }, { PH(1, P_OFFSET), 8, 0x1100 } }, NULL, 0, NULL },
	{ "no executable", { { PH(2, P_FLAGS), 4, PF_R } }, NULL, 0, "no executable PT_LOAD segment" },
	{ "entry outside text", { { EH_ENTRY, 8, 0x12000 } }, NULL, 0, "e_entry 0x12000 is not inside" },
	{ "entry past filesz", { { EH_ENTRY, 8, 0x11100 } }, NULL, 0, "e_entry 0x11100 is not inside" },
	{ "no PT_LOAD", { { PH(1, P_TYPE), 4, 4 }, { PH(2, P_TYPE), 4, 4 } }, NULL, 0, "no PT_LOAD segment" },
	{ "16 PT_LOAD", { { 0 } }, loads_16, 0, NULL },
	{ "17 PT_LOAD", { { 0 } }, loads_17, 0, "more than 16 PT_LOAD segments" },
	{ "no PT_PHDR", { { PH(0, P_TYPE), 4, 0 } }, NULL, 0, NULL },
	{ "PT_INTERP", { { 0 } }, interp, 0,
	  "elf: dynamically linked (PT_INTERP /lib/ld-linux-riscv64-lp64d.so.1), and goose has no dynamic loader: "
	  "build with CGO_ENABLED=0, or link statically" },
	{ "PT_INTERP unterminated", { { 0 } }, interp_unterminated, 0, "dynamically linked (PT_INTERP ?)" },
	{ "PT_INTERP unprintable", { { 0 } }, interp_unprintable, 0, "dynamically linked (PT_INTERP ?)" },
	{ "PT_INTERP past the end", { { 0 } }, interp_past_end, 0, "dynamically linked (PT_INTERP ?)" },
};

static void test_parse_cases(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		uint8_t b[MIN_SIZE];
		struct elf_image img;
		char err[256] = "";
		int r;

		build_min(b);
		for (int j = 0; j < 3 && c->p[j].width; j++)
			put(b, c->p[j].off, c->p[j].width, c->p[j].val);
		if (c->fix)
			c->fix(b);
		r = parse(b, sizeof(b), c->va_limit ? c->va_limit : VA_LIMIT, &img, err, sizeof(err));
		if (!c->want) {
			CHECK(r == 0, "%s: %s", c->what, err);
			continue;
		}
		CHECK(r == -1, "%s: accepted", c->what);
		CHECK(strstr(err, c->want) != NULL, "%s: got \"%s\", want \"%s\"", c->what, err, c->want);
		CHECK(strncmp(err, "elf: ", 5) == 0 && !strchr(err, '\n'), "%s: \"%s\" is not one elf: line", c->what,
		      err);
	}
}

/* Results of the accepted variants beyond "it parses". */
static void test_parse_layouts(void)
{
	uint8_t b[MIN_SIZE];
	struct elf_image img;

	build_min(b);
	put(b, PH(1, P_VADDR), 8, 0x11100);
	put(b, PH(1, P_OFFSET), 8, 0x1100);
	CHECK(parse(b, sizeof(b), VA_LIMIT, &img, NULL, 0) == 0, "share a page");
	CHECK_EQ_U64(img.hi, 0x15000, "hi rounds the shared-page layout up");

	/* Without PT_PHDR, AT_PHDR comes from the PT_LOAD holding e_phoff. */
	build_min(b);
	put(b, PH(0, P_TYPE), 4, 0);
	CHECK(parse(b, sizeof(b), VA_LIMIT, &img, NULL, 0) == 0, "no PT_PHDR");
	CHECK_EQ_U64(img.phdr_vaddr, 0x10040, "phdr_vaddr from the text PT_LOAD");

	/* A PT_PHDR that no PT_LOAD backs is not believed. */
	build_min(b);
	put(b, PH(0, P_VADDR), 8, 0x50000);
	CHECK(parse(b, sizeof(b), VA_LIMIT, &img, NULL, 0) == 0, "stray PT_PHDR");
	CHECK_EQ_U64(img.phdr_vaddr, 0x10040, "phdr_vaddr ignores an unmapped PT_PHDR");

	/* Program headers in no PT_LOAD at all: AT_PHDR 0. */
	build_min(b);
	put(b, PH(0, P_TYPE), 4, 0);
	put(b, PH(2, P_OFFSET), 8, 0x1000);
	put(b, PH(2, P_VADDR), 8, 0x11000);
	put(b, PH(2, P_FILESZ), 8, 0x100);
	put(b, PH(2, P_MEMSZ), 8, 0x100);
	CHECK(parse(b, sizeof(b), VA_LIMIT, &img, NULL, 0) == 0, "unloaded phdrs");
	CHECK_EQ_U64(img.phdr_vaddr, 0, "phdr_vaddr when not loaded");

	build_min(b);
	loads_16(b);
	CHECK(parse(b, sizeof(b), VA_LIMIT, &img, NULL, 0) == 0, "16 PT_LOAD");
	CHECK_EQ_U64(img.nseg, 16, "nseg");
	CHECK_EQ_U64(img.hi, 0x30000, "hi of 16 segments");
}

/* Every proper prefix of a valid file is refused, and read within its length. */
static void test_truncated(void)
{
	uint8_t b[MIN_SIZE];
	struct elf_image img;
	char err[256];
	int accepted = 0;

	build_min(b);
	for (size_t len = 0; len < sizeof(b); len++)
		if (parse(b, len, VA_LIMIT, &img, err, sizeof(err)) != -1)
			accepted++;
	CHECK(accepted == 0, "%d truncated files accepted", accepted);
	CHECK(parse(b, 63, VA_LIMIT, &img, err, sizeof(err)) == -1 && strstr(err, "63 bytes, shorter than"),
	      "%s", err);
}

/* Bit flips over the headers: any answer is fine, a crash or overread is not. */
static void test_bitflips(void)
{
	uint8_t b[SYM_SIZE];
	struct elf_image img;
	uint64_t starts[8];
	const char *name;
	uint64_t off;
	char err[64];

	for (size_t i = 0; i < PH(3, 0); i++) {
		for (int bit = 0; bit < 8; bit++) {
			build_min(b);
			b[i] ^= 1 << bit;
			parse(b, MIN_SIZE, VA_LIMIT, &img, err, sizeof(err));
		}
	}
	for (size_t i = SYM_SYMTAB; i < SYM_SIZE; i += (i < SYM_SHOFF ? 3 : 1)) {
		for (int bit = 0; bit < 8; bit++) {
			uint8_t *p;

			build_sym(b);
			b[i] ^= 1 << bit;
			p = buf_dup(b, SYM_SIZE);
			elf_func_starts(p, SYM_SIZE, 0, ~0ULL, starts, ARRAY_SIZE(starts));
			elf_symbolize(p, SYM_SIZE, 0x11004, &name, &off);
			free(p);
		}
	}
	CHECK(1, "bit flips survived");
}

/* Synthetic code: halfwords in memory order, decoded at va 0x11000. */
#define VA 0x11000
#define ECALL 0x0073, 0x0000
#define ADDI 0x0513, 0x0015	/* addi a0,a0,1 */
#define CNOP 0x0001		/* c.nop */
#define CLI 0x4501		/* c.li a0,0 */
#define END 0xffffffffffffffffULL
#define NS INT64_MIN

static const struct scan_case {
	const char *what;
	uint16_t hw[16];
	int nhw;
	int trim;		/* bytes cut off the end */
	int64_t starts[8];	/* offsets from VA, NS-terminated */
	bool null_starts;
	uint64_t want[8];	/* offsets from VA, END-terminated */
} scan_cases[] = {
	{ "mixed lengths", { ADDI, CNOP, ECALL, CLI, ECALL }, 8, 0, { NS }, false, { 6, 12, END } },
	{ "4-aligned", { ECALL, ADDI, ECALL }, 6, 0, { NS }, false, { 0, 8, END } },
	{ "stray halfword hides, no starts", { 0x0003, ECALL, CNOP }, 4, 0, { NS }, false, { END } },
	{ "stray halfword, start restores", { 0x0003, ECALL, CNOP }, 4, 0, { 2, NS }, false, { 2, END } },
	{ "inside a 32-bit insn", { 0x0013, ECALL, CNOP }, 4, 0, { NS }, false, { END } },
	{ "inside a 48-bit insn", { 0x001f, ECALL, ECALL }, 5, 0, { NS }, false, { 6, END } },
	{ "inside a 64-bit insn", { 0x003f, ECALL, 0, ECALL }, 6, 0, { NS }, false, { 8, END } },
	{ "inside an 80-bit insn", { 0x007f, ECALL, 0, 0, ECALL }, 7, 0, { NS }, false, { 10, END } },
	{ "inside a 96-bit insn", { 0x107f, 0, 0, 0, 0, ECALL, ECALL }, 9, 0, { NS }, false, { 14, END } },
	{ "reserved length steps 2", { 0x707f, ECALL }, 3, 0, { NS }, false, { 2, END } },
	{ "insn across a start dropped", { ECALL, ECALL }, 4, 0, { 2, NS }, false, { 4, END } },
	{ "start at va", { ECALL, CNOP, ECALL }, 5, 0, { 0, 4, 4, NS }, false, { 0, 6, END } },
	{ "unsorted, duplicate, odd, outside", { 0x0003, ECALL, 0x0003, ECALL }, 6, 0, { 8, 2, 2, -4, 100, 3, NS },
	  false, { 2, 8, END } },
	{ "sorted", { 0x0003, ECALL, 0x0003, ECALL }, 6, 0, { 2, 8, NS }, false, { 2, 8, END } },
	{ "NULL starts", { 0x0003, ECALL, CNOP }, 4, 0, { 2, NS }, true, { END } },
	{ "ecall cut at the end", { CNOP, ECALL }, 3, 1, { NS }, false, { END } },
	{ "half ecall at the end", { CNOP, ECALL }, 3, 2, { NS }, false, { END } },
	{ "odd length", { ECALL, CNOP }, 3, 1, { NS }, false, { 0, END } },
	{ "empty", { 0 }, 0, 0, { NS }, false, { END } },
	{ "one byte", { 0x73 }, 1, 1, { NS }, false, { END } },
};

static void test_scan_cases(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(scan_cases); i++) {
		const struct scan_case *c = &scan_cases[i];
		size_t len = 2 * c->nhw - c->trim, nstarts = 0, nwant = 0, n;
		uint64_t starts[8], sites[8];
		uint8_t *code = malloc(len ? len : 1);

		for (size_t j = 0; j < len; j++)
			code[j] = (uint8_t)(c->hw[j / 2] >> (8 * (j & 1)));
		while (c->starts[nstarts] != NS) {
			starts[nstarts] = VA + c->starts[nstarts];
			nstarts++;
		}
		while (c->want[nwant] != END)
			nwant++;
		n = elf_scan_ecalls(code, len, VA, c->null_starts ? NULL : starts, nstarts, sites, ARRAY_SIZE(sites));
		CHECK(n == nwant, "%s: %zu sites, want %zu", c->what, n, nwant);
		for (size_t j = 0; j < n && j < nwant; j++)
			CHECK_EQ_U64(sites[j], VA + c->want[j], "%s: site %zu", c->what, j);
		free(code);
	}
}

/* More sites than room: the count is the total, only max are written. */
static void test_scan_max(void)
{
	static const uint16_t hw[] = { ECALL, ECALL, CNOP, ECALL, ECALL, ECALL };
	uint64_t sites[3] = { 0, 0, 0x5a5a };
	uint8_t *code = buf_dup((const uint8_t *)hw, sizeof(hw));

	CHECK(elf_scan_ecalls(code, sizeof(hw), VA, NULL, 0, sites, 2) == 5, "count past max");
	CHECK_EQ_U64(sites[0], VA, "first");
	CHECK_EQ_U64(sites[1], VA + 4, "second");
	CHECK_EQ_U64(sites[2], 0x5a5a, "nothing written past max");
	CHECK(elf_scan_ecalls(code, sizeof(hw), VA, NULL, 0, NULL, 0) == 5, "count only");
	free(code);
}

static int symbolize(const uint8_t *b, size_t len, uint64_t addr, char *name, uint64_t *off)
{
	uint8_t *p = buf_dup(b, len);
	const char *n = NULL;
	int r = elf_symbolize(p, len, addr, &n, off);

	name[0] = '\0';
	if (r == 0)
		snprintf(name, 64, "%s", n);
	free(p);
	return r;
}

static size_t func_starts(const uint8_t *b, size_t len, uint64_t lo, uint64_t hi, uint64_t *out, size_t max)
{
	uint8_t *p = buf_dup(b, len);
	size_t n = elf_func_starts(p, len, lo, hi, out, max);

	free(p);
	return n;
}

static const struct sym_case {
	uint64_t addr;
	const char *want;	/* NULL: no function */
	uint64_t off;
} sym_cases[] = {
	{ 0x11000, "main.foo", 0 },
	{ 0x1100f, "main.foo", 0xf },
	{ 0x11010, "main.inner", 0 },	/* nested: the innermost wins */
	{ 0x11017, "main.inner", 7 },
	{ 0x11018, "main.foo", 0x18 },
	{ 0x1103f, "main.foo", 0x3f },
	{ 0x11040, "main.bar", 0 },
	{ 0x11060, "_rt0_riscv64_linux", 0 },
	{ 0x11070, NULL, 0 },		/* a gap */
	{ 0x11080, NULL, 0 },		/* st_name past the strtab */
	{ 0x11090, NULL, 0 },		/* name without a NUL inside the strtab */
	{ 0x12000, NULL, 0 },		/* STT_OBJECT */
	{ 0x13005, "main.after", 5 },
	{ 0xfff, NULL, 0 },
};

static void test_symbols(void)
{
	uint8_t b[SYM_SIZE];
	uint64_t out[8], off;
	char name[64];

	build_sym(b);
	for (size_t i = 0; i < ARRAY_SIZE(sym_cases); i++) {
		const struct sym_case *c = &sym_cases[i];
		int r = symbolize(b, sizeof(b), c->addr, name, &off);

		if (!c->want) {
			CHECK(r == -1, "0x%" PRIx64 ": got %s", c->addr, name);
			continue;
		}
		CHECK(r == 0 && strcmp(name, c->want) == 0, "0x%" PRIx64 ": got %d \"%s\", want %s", c->addr, r, name,
		      c->want);
		CHECK_EQ_U64(off, c->off, "offset of 0x%" PRIx64, c->addr);
	}

	/* Ascending, sized STT_FUNC only, in [lo, hi); the count ignores max. */
	static const uint64_t want[] = { 0x11000, 0x11010, 0x11040, 0x11060, 0x11080, 0x11090 };
	CHECK(func_starts(b, sizeof(b), 0x11000, 0x12000, out, ARRAY_SIZE(out)) == 6, "func_starts count");
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		CHECK_EQ_U64(out[i], want[i], "func_starts[%zu]", i);
	memset(out, 0, sizeof(out));
	CHECK(func_starts(b, sizeof(b), 0x11000, 0x12000, out, 3) == 6, "func_starts count past max");
	CHECK(out[0] == 0x11000 && out[1] == 0x11010 && out[2] == 0x11040 && out[3] == 0, "smallest three, ascending");
	CHECK(func_starts(b, sizeof(b), 0, ~0ULL, NULL, 0) == 7, "all sized functions");
	CHECK(func_starts(b, sizeof(b), 0x11041, 0x11090, out, 8) == 2, "range bounds");

	/* gABI extended numbering: e_shnum 0, the count in section 0's sh_size. */
	put(b, EH_SHNUM, 2, 0);
	put(b, SH(0, SH_SIZE), 8, 4);
	CHECK(symbolize(b, sizeof(b), 0x11040, name, &off) == 0 && !strcmp(name, "main.bar"), "e_shnum 0: %s", name);
}

/* Symbol-table hostility: each one makes the lookup fail, nothing worse. */
static const struct sym_bad {
	const char *what;
	struct patch p[2];
} sym_bads[] = {
	{ "no section headers", { { EH_SHOFF, 8, 0 } } },
	{ "e_shoff past end", { { EH_SHOFF, 8, 0x100000 } } },
	{ "e_shoff wraps", { { EH_SHOFF, 8, ~0ULL - 16 } } },
	{ "e_shentsize 40", { { EH_SHENTSIZE, 2, 40 } } },
	{ "e_shnum past end", { { EH_SHNUM, 2, 5 } } },
	{ "extended e_shnum huge", { { EH_SHNUM, 2, 0 }, { SH(0, SH_SIZE), 8, ~0ULL } } },
	{ "no SHT_SYMTAB", { { SH(2, SH_TYPE), 4, 1 } } },
	{ "symtab sh_offset past end", { { SH(2, SH_OFFSET), 8, 0x100000 } } },
	{ "symtab sh_size past end", { { SH(2, SH_SIZE), 8, 0x100000 } } },
	{ "symtab offset+size wraps", { { SH(2, SH_OFFSET), 8, ~0ULL - 8 }, { SH(2, SH_SIZE), 8, 0x100 } } },
	{ "symtab sh_entsize 16", { { SH(2, SH_ENTSIZE), 8, 16 } } },
	{ "strtab index out of range", { { SH(2, SH_LINK), 4, 99 } } },
	{ "sh_link not a strtab", { { SH(2, SH_LINK), 4, 1 } } },
	{ "strtab sh_offset past end", { { SH(3, SH_OFFSET), 8, 0x100000 } } },
	{ "strtab sh_size past end", { { SH(3, SH_SIZE), 8, 0x100000 } } },
	{ "not an ELF", { { 0, 1, 0 } } },
	{ "ELF32", { { 4, 1, 1 } } },
};

static void test_sym_hostile(void)
{
	uint8_t b[SYM_SIZE];
	uint64_t out[8], off;
	char name[64];
	int bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sym_bads); i++) {
		const struct sym_bad *c = &sym_bads[i];

		build_sym(b);
		for (int j = 0; j < 2 && c->p[j].width; j++)
			put(b, c->p[j].off, c->p[j].width, c->p[j].val);
		CHECK(symbolize(b, sizeof(b), 0x11040, name, &off) == -1, "%s: symbolize gave %s", c->what, name);
		CHECK(func_starts(b, sizeof(b), 0, ~0ULL, out, 8) == 0, "%s: func_starts found some", c->what);
	}

	/* Cut anywhere, the symbol table (which ends the file) is gone. */
	build_sym(b);
	for (size_t len = 0; len < sizeof(b); len++)
		if (symbolize(b, len, 0x11040, name, &off) != -1 || func_starts(b, len, 0, ~0ULL, out, 8) != 0)
			bad++;
	CHECK(bad == 0, "%d truncated symbol tables used", bad);
}

/*
 * A real Go ELF: it parses; the scan with function starts equals the plain
 * scan (Go's text decodes in sync), every site is an ecall inside a function;
 * the entry is _rt0_riscv64_linux. If <file>.ecalls exists (one hex address a
 * line, e.g. from objdump -d), the sites must be exactly those.
 */
static void test_go_elf(const char *path, const char *file)
{
	struct elf_image img;
	char err[256], name[64], ref[4200];
	uint8_t *b = NULL;
	size_t len = 0, nsites = 0, nfunc = 0;
	struct stat st;
	FILE *f = fopen(path, "rb");
	uint64_t off;

	if (!f || fstat(fileno(f), &st) || !(b = malloc(st.st_size ? st.st_size : 1)) ||
	    fread(b, 1, st.st_size, f) != (size_t)st.st_size) {
		CHECK(0, "%s: cannot read", path);
		goto out;
	}
	len = st.st_size;
	if (len < 4 || memcmp(b, "\177ELF", 4)) {
		CHECK(0, "%s: not an ELF", file);
		goto out;
	}
	if (elf_parse(b, len, VA_LIMIT, &img, err, sizeof(err))) {
		CHECK(0, "%s: %s", file, err);
		goto out;
	}
	CHECK(img.phdr_vaddr != 0, "%s: no AT_PHDR", file);
	printf("test_elf: %s: entry 0x%" PRIx64 ", AT_PHDR 0x%" PRIx64 ";", file, img.entry, img.phdr_vaddr);
	for (int i = 0; i < img.nseg; i++)
		printf(" [%#" PRIx64 " +%#" PRIx64 " %c%c%c]", img.seg[i].vaddr, img.seg[i].memsz,
		       img.seg[i].flags & PF_R ? 'R' : '-', img.seg[i].flags & PF_W ? 'W' : '-',
		       img.seg[i].flags & PF_X ? 'X' : '-');
	printf("\n");

	CHECK(symbolize(b, len, img.entry, name, &off) == 0 && !strcmp(name, "_rt0_riscv64_linux") && off == 0,
	      "%s: entry is in %s+0x%" PRIx64, file, name, off);

	for (int i = 0; i < img.nseg; i++) {
		const struct elf_segment *s = &img.seg[i];
		const uint8_t *code = b + s->offset;
		uint64_t *starts, *plain, *sites;
		size_t n, np, ns;

		if (!(s->flags & PF_X))
			continue;
		n = elf_func_starts(b, len, s->vaddr, s->vaddr + s->filesz, NULL, 0);
		starts = malloc((n + 1) * sizeof(*starts));
		CHECK(elf_func_starts(b, len, s->vaddr, s->vaddr + s->filesz, starts, n) == n, "%s", file);
		for (size_t j = 1; j < n; j++)
			CHECK(starts[j - 1] <= starts[j], "%s: func starts not ascending at %zu", file, j);
		np = elf_scan_ecalls(code, s->filesz, s->vaddr, NULL, 0, NULL, 0);
		ns = elf_scan_ecalls(code, s->filesz, s->vaddr, starts, n, NULL, 0);
		plain = malloc((np + 1) * sizeof(*plain));
		sites = malloc((ns + 1) * sizeof(*sites));
		CHECK(elf_scan_ecalls(code, s->filesz, s->vaddr, NULL, 0, plain, np) == np, "%s", file);
		CHECK(elf_scan_ecalls(code, s->filesz, s->vaddr, starts, n, sites, ns) == ns, "%s", file);
		CHECK(np == ns && !memcmp(plain, sites, ns * sizeof(*sites)),
		      "%s: %zu sites from the start, %zu with function starts", file, np, ns);
		CHECK(ns > 0, "%s: no ecall found", file);
		for (size_t j = 0; j < ns; j++) {
			CHECK(j == 0 || sites[j - 1] < sites[j], "%s: sites not ascending", file);
			CHECK(le32_load(code + (sites[j] - s->vaddr)) == 0x00000073, "%s: 0x%" PRIx64 " not ecall",
			      file, sites[j]);
			CHECK(symbolize(b, len, sites[j], name, &off) == 0, "%s: 0x%" PRIx64 " in no function", file,
			      sites[j]);
		}
		snprintf(ref, sizeof(ref), "%s.ecalls", path);
		FILE *r = fopen(ref, "r");
		if (r) {
			size_t k = 0, bad = 0;
			unsigned long long a;

			while (fscanf(r, "%llx", &a) == 1) {
				if (k >= ns || sites[k] != a)
					bad++;
				k++;
			}
			fclose(r);
			CHECK(bad == 0 && k == ns, "%s: %zu sites, %zu in %s, %zu differ", file, ns, k, ref, bad);
		}
		nsites += ns;
		nfunc += n;
		free(starts);
		free(plain);
		free(sites);
	}
	/* The cheap way the loader takes for a Go program (assembly functions
	 * only) finds exactly the sites of the full scan, and objdump's. */
	{
		uint64_t text, etext, *go = malloc((nsites + 1) * sizeof(*go)), *all = malloc((nsites + 1) * sizeof(*all));
		long ng = elf_go_ecalls(b, len, &img, &text, &etext, go, nsites);
		size_t k = 0;

		for (int i = 0; i < img.nseg; i++)
			if (img.seg[i].flags & PF_X)
				k += elf_scan_ecalls(b + img.seg[i].offset, img.seg[i].filesz, img.seg[i].vaddr, NULL, 0,
						     all + k, nsites - k);
		CHECK(ng == (long)nsites && k == nsites && !memcmp(go, all, nsites * sizeof(*go)),
		      "%s: elf_go_ecalls found %ld sites, the full scan %zu", file, ng, nsites);
		CHECK(text <= img.entry && img.entry < etext, "%s: runtime.text 0x%" PRIx64 " .. etext 0x%" PRIx64, file,
		      text, etext);
		free(go);
		free(all);
	}
	printf("test_elf: %s: %zu functions, %zu ecall sites (the same from Go's assembly functions alone)\n", file,
	       nfunc, nsites);
out:
	if (f)
		fclose(f);
	free(b);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_go_dir(const char *dir)
{
	char *names[256], path[4096];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	if (!dir || !dir[0]) {
		CHECK(0, "no directory of Go ELFs given (usage: test_elf <data dir> <dtb dir> <Go ELF dir>)");
		return;
	}
	d = opendir(dir);
	CHECK(d != NULL, "cannot open %s", dir);
	if (!d)
		return;
	while ((e = readdir(d)) && n < ARRAY_SIZE(names)) {
		struct stat st;
		size_t l = strlen(e->d_name);

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || l < 4 || strcmp(e->d_name + l - 4, ".elf"))
			continue;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	CHECK(n > 0, "%s holds no Go ELF (*.elf)", dir);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		test_go_elf(path, names[i]);
		free(names[i]);
	}
}

int main(int argc, char **argv)
{
	test_parse_min();
	test_parse_cases();
	test_parse_layouts();
	test_truncated();
	test_bitflips();
	test_scan_cases();
	test_scan_max();
	test_symbols();
	test_sym_hostile();
	test_go_dir(argc > 3 ? argv[3] : NULL);
	return test_done("test_elf");
}
