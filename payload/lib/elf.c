// SPDX-License-Identifier: MIT
/*
 * ELF64 reader for the Go program.
 *
 * Layouts come from the System V gABI (ELF-64 object file format, chapters
 * "ELF Header", "Sections", "Symbol Table" and "Program Header") and the
 * RISC-V ELF psABI (EM_RISCV = 243, little-endian). Instruction lengths come
 * from the RISC-V unprivileged ISA manual, section 1.5 "Base
 * Instruction-Length Encoding", and chapter "C" (RVC) for the 16-bit forms.
 *
 * Every offset and size read from the file is checked against len before it
 * is used, with arithmetic that cannot wrap. Nothing here allocates or keeps
 * state between calls.
 */

#include "lib/elf.h"

/* The page size p_align and p_offset/p_vaddr congruence are checked against. */
#define ELF_PAGE 4096ULL

/* gABI e_ident[] indexes and values. */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1

/* gABI e_type values. */
#define ET_EXEC 2

/* gABI p_type values besides PT_LOAD. */
#define PT_INTERP 3
#define PT_PHDR 6

/* gABI sh_type values and the symbol type. */
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_NOBITS 8
#define SHF_ALLOC 2
#define SHF_EXECINSTR 4
#define STT_FUNC 2

/* Elf64_Ehdr: field offsets (gABI "ELF Header"). */
#define EHDR_SIZE 64
#define E_TYPE 16
#define E_MACHINE 18
#define E_VERSION 20
#define E_ENTRY 24
#define E_PHOFF 32
#define E_SHOFF 40
#define E_PHENTSIZE 54
#define E_PHNUM 56
#define E_SHENTSIZE 58
#define E_SHNUM 60
#define E_SHSTRNDX 62

/* Elf64_Phdr (gABI "Program Header"). */
#define PHDR_SIZE 56
#define P_TYPE 0
#define P_FLAGS 4
#define P_OFFSET 8
#define P_VADDR 16
#define P_FILESZ 32
#define P_MEMSZ 40
#define PHNUM_MAX 64

/* Elf64_Shdr (gABI "Sections"). */
#define SHDR_SIZE 64
#define SH_TYPE 4
#define SH_FLAGS 8
#define SH_ADDR 16
#define SH_OFFSET 24
#define SH_SIZE 32
#define SH_LINK 40
#define SH_ENTSIZE 56

/* Elf64_Sym (gABI "Symbol Table"). */
#define SYM_SIZE 24
#define ST_NAME 0
#define ST_INFO 4
#define ST_VALUE 8
#define ST_SIZE 16

/* ecall: SYSTEM opcode, funct12 = 0, rs1 = rd = 0 (ISA manual, "ECALL"). */
#define INSN_ECALL 0x00000073u

typedef unsigned long long ull;

/* Does [off, off + size) lie inside a file of len bytes? Never wraps. */
static bool elf_in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/* Names for the messages; only the values someone is likely to feed us. */
static const char *elf_machine_name(unsigned int m)
{
	switch (m) {
	case 3:
		return "i386";
	case 8:
		return "MIPS";
	case 20:
		return "PowerPC";
	case 21:
		return "PowerPC64";
	case 22:
		return "S/390";
	case 40:
		return "ARM";
	case 62:
		return "x86-64";
	case 183:
		return "AArch64";
	case 243:
		return "RISC-V";
	case 258:
		return "LoongArch";
	default:
		return "unknown";
	}
}

static const char *elf_type_name(unsigned int t)
{
	switch (t) {
	case 0:
		return "ET_NONE";
	case 1:
		return "ET_REL, an object file";
	case 2:
		return "ET_EXEC";
	case 3:
		return "ET_DYN, position-independent; goose maps at link addresses";
	case 4:
		return "ET_CORE";
	default:
		return "unknown";
	}
}

/* The e_ident checks shared by elf_parse and the symbol-table readers. */
static int elf_check_ident(const uint8_t *b, size_t len, char *err, size_t errlen)
{
	if (len < EHDR_SIZE)
		return err_line(err, errlen, "elf: file is %zu bytes, shorter than the %d-byte ELF header", len,
				EHDR_SIZE);
	if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
		return err_line(err, errlen, "elf: bad magic %02x %02x %02x %02x, not an ELF file", b[0], b[1], b[2],
				b[3]);
	if (b[EI_CLASS] != ELFCLASS64)
		return err_line(err, errlen, "elf: EI_CLASS is %u, want %u (ELFCLASS64)", b[EI_CLASS], ELFCLASS64);
	if (b[EI_DATA] != ELFDATA2LSB)
		return err_line(err, errlen, "elf: EI_DATA is %u, want %u (ELFDATA2LSB, little-endian)", b[EI_DATA],
				ELFDATA2LSB);
	return 0;
}

/* Insertion sort: at most ELF_MAX_SEGMENTS entries. */
static void elf_sort_segments(struct elf_segment *seg, int n)
{
	for (int i = 1; i < n; i++) {
		struct elf_segment s = seg[i];
		int j = i;

		while (j > 0 && seg[j - 1].vaddr > s.vaddr) {
			seg[j] = seg[j - 1];
			j--;
		}
		seg[j] = s;
	}
}

/*
 * Check one PT_LOAD (program header number idx) and describe it in *s. The
 * order of the checks fixes which message a header with several faults gets.
 */
static int elf_check_load(const uint8_t *ph, int idx, size_t len, uint64_t va_limit, struct elf_segment *s,
			  char *err, size_t errlen)
{
	uint64_t end;

	s->flags = le32_load(ph + P_FLAGS) & (PF_R | PF_W | PF_X);
	s->offset = le64_load(ph + P_OFFSET);
	s->vaddr = le64_load(ph + P_VADDR);
	s->filesz = le64_load(ph + P_FILESZ);
	s->memsz = le64_load(ph + P_MEMSZ);

	/* The file bytes are copied out of the image: they must all be in it. */
	if (s->filesz > UINT64_MAX - s->offset)
		return err_line(err, errlen, "elf: segment %d: p_offset 0x%llx + p_filesz 0x%llx overflows", idx,
				(ull)s->offset, (ull)s->filesz);
	if (!elf_in_file(s->offset, s->filesz, len))
		return err_line(err, errlen,
				"elf: segment %d: p_offset 0x%llx + p_filesz 0x%llx is past the end of the file (0x%zx)",
				idx, (ull)s->offset, (ull)s->filesz, len);
	/* gABI: the bytes past p_filesz are zero-filled up to p_memsz, never the reverse. */
	if (s->filesz > s->memsz)
		return err_line(err, errlen, "elf: segment %d: p_filesz 0x%llx > p_memsz 0x%llx", idx,
				(ull)s->filesz, (ull)s->memsz);
	/* gABI: p_vaddr and p_offset agree modulo the page size, so pages can be copied whole. */
	if ((s->offset ^ s->vaddr) & (ELF_PAGE - 1))
		return err_line(err, errlen, "elf: segment %d: p_offset 0x%llx and p_vaddr 0x%llx differ modulo 4096",
				idx, (ull)s->offset, (ull)s->vaddr);
	/* Page 0 stays unmapped so that nil dereferences fault. */
	if (s->vaddr < ELF_PAGE)
		return err_line(err, errlen, "elf: segment %d: p_vaddr 0x%llx is in page 0, which stays unmapped",
				idx, (ull)s->vaddr);
	/* The segment must fit the user half of the page tables, rounded to whole pages. */
	if (s->memsz > UINT64_MAX - s->vaddr || s->vaddr + s->memsz > UINT64_MAX - (ELF_PAGE - 1))
		return err_line(err, errlen, "elf: segment %d: p_vaddr 0x%llx + p_memsz 0x%llx overflows", idx,
				(ull)s->vaddr, (ull)s->memsz);
	end = s->vaddr + s->memsz;
	if (end > va_limit)
		return err_line(err, errlen,
				"elf: segment %d: p_vaddr 0x%llx + p_memsz 0x%llx ends beyond the address limit 0x%llx",
				idx, (ull)s->vaddr, (ull)s->memsz, (ull)va_limit);
	return 0;
}

/*
 * AT_PHDR: PT_PHDR says where the program headers are, but is only believed
 * when a PT_LOAD really puts them there; otherwise, as Linux's binfmt_elf
 * does, take the PT_LOAD whose file bytes hold the table at e_phoff.
 */
static uint64_t elf_phdr_vaddr(const struct elf_image *img, uint64_t phoff, uint64_t pt_phdr, bool have_pt_phdr)
{
	uint64_t tsize = (uint64_t)img->phnum * PHDR_SIZE;

	for (int i = 0; have_pt_phdr && i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (pt_phdr >= s->vaddr && pt_phdr - s->vaddr <= s->memsz && tsize <= s->memsz - (pt_phdr - s->vaddr))
			return pt_phdr;
	}
	for (int i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (phoff >= s->offset && phoff - s->offset <= s->filesz &&
		    tsize <= s->filesz - (phoff - s->offset))
			return s->vaddr + (phoff - s->offset);
	}
	return 0;
}

/*
 * A PT_INTERP names the dynamic loader the program needs (cgo's default
 * build): goose has none, so say which one and how to build without it.
 * The path is shown only when it lies in the file and is printable.
 */
static int elf_refuse_interp(const uint8_t *b, size_t len, const uint8_t *ph, char *err, size_t errlen)
{
	uint64_t off = le64_load(ph + P_OFFSET), n = le64_load(ph + P_FILESZ);
	char path[80] = "?";

	if (n > 1 && n <= sizeof(path) && elf_in_file(off, n, len) && b[off + n - 1] == '\0') {
		size_t i;

		for (i = 0; i < n - 1 && b[off + i] >= 0x20 && b[off + i] < 0x7f; i++)
			path[i] = (char)b[off + i];
		if (i == n - 1)
			path[i] = '\0';
		else
			path[0] = '?', path[1] = '\0';
	}
	return err_line(err, errlen,
			"elf: dynamically linked (PT_INTERP %s), and goose has no dynamic loader: build with "
			"CGO_ENABLED=0, or link statically (-ldflags '-linkmode external -extldflags -static')",
			path);
}

int elf_parse(const void *buf, size_t len, uint64_t va_limit, struct elf_image *img, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	uint64_t phoff, pt_phdr = 0, maxend;
	unsigned int v;
	bool have_pt_phdr = false, have_exec = false;

	memset(img, 0, sizeof(*img));
	if (err && errlen)
		err[0] = '\0';

	/* gABI "ELF Identification", then the header fields goose depends on. */
	if (elf_check_ident(b, len, err, errlen))
		return -1;
	if (b[EI_VERSION] != EV_CURRENT)
		return err_line(err, errlen, "elf: EI_VERSION is %u, want %u (EV_CURRENT)", b[EI_VERSION], EV_CURRENT);
	v = le16_load(b + E_TYPE);
	if (v != ET_EXEC)
		return err_line(err, errlen, "elf: e_type is %u (%s), want %u (ET_EXEC)", v, elf_type_name(v), ET_EXEC);
	v = le16_load(b + E_MACHINE);
	if (v != EM_RISCV)
		return err_line(err, errlen, "elf: e_machine is %u (%s), want %u (RISC-V)", v, elf_machine_name(v),
				EM_RISCV);
	v = le32_load(b + E_VERSION);
	if (v != EV_CURRENT)
		return err_line(err, errlen, "elf: e_version is %u, want %u (EV_CURRENT)", v, EV_CURRENT);

	/* The program header table: fixed-size entries, a sane count, all in the file. */
	img->entry = le64_load(b + E_ENTRY);
	img->phentsize = le16_load(b + E_PHENTSIZE);
	img->phnum = le16_load(b + E_PHNUM);
	phoff = le64_load(b + E_PHOFF);
	if (img->phentsize != PHDR_SIZE)
		return err_line(err, errlen, "elf: e_phentsize is %u, want %u", img->phentsize, PHDR_SIZE);
	if (img->phnum < 1 || img->phnum > PHNUM_MAX)
		return err_line(err, errlen, "elf: e_phnum is %u, want 1 to %u", img->phnum, PHNUM_MAX);
	if (!elf_in_file(phoff, (uint64_t)img->phnum * PHDR_SIZE, len))
		return err_line(err, errlen,
				"elf: program headers at e_phoff 0x%llx (%u x %u bytes) are past the end of the file (0x%zx)",
				(ull)phoff, img->phnum, PHDR_SIZE, len);

	/* Each PT_LOAD on its own; PT_PHDR is remembered for AT_PHDR. */
	for (int i = 0; i < img->phnum; i++) {
		const uint8_t *ph = b + phoff + (size_t)i * PHDR_SIZE;
		uint32_t type = le32_load(ph + P_TYPE);

		if (type == PT_INTERP)
			return elf_refuse_interp(b, len, ph, err, errlen);
		if (type == PT_PHDR && !have_pt_phdr) {
			have_pt_phdr = true;
			pt_phdr = le64_load(ph + P_VADDR);
		}
		if (type != PT_LOAD)
			continue;
		if (img->nseg == ELF_MAX_SEGMENTS)
			return err_line(err, errlen, "elf: more than %d PT_LOAD segments", ELF_MAX_SEGMENTS);
		if (elf_check_load(ph, i, len, va_limit, &img->seg[img->nseg], err, errlen))
			return -1;
		img->nseg++;
	}
	if (img->nseg == 0)
		return err_line(err, errlen, "elf: no PT_LOAD segment");

	/*
	 * Segments in address order may share a page (the mapper merges the
	 * permissions) but not a byte. Empty segments occupy nothing.
	 */
	elf_sort_segments(img->seg, img->nseg);
	maxend = 0;
	for (int i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (s->memsz == 0)
			continue;
		if (s->vaddr < maxend)
			return err_line(err, errlen,
					"elf: segment at p_vaddr 0x%llx overlaps the one before it (which ends at 0x%llx)",
					(ull)s->vaddr, (ull)maxend);
		maxend = s->vaddr + s->memsz;
		if (s->flags & PF_X)
			have_exec = true;
	}
	if (!have_exec)
		return err_line(err, errlen, "elf: no executable PT_LOAD segment (PF_X)");

	/* Instructions sit on 2-byte boundaries (4 without the C extension). */
	if (img->entry & 1)
		return err_line(err, errlen, "elf: e_entry 0x%llx is not 2-byte aligned", (ull)img->entry);
	/* The first instruction must be file bytes of an executable segment. */
	for (int i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		if ((s->flags & PF_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->filesz)
			goto entry_ok;
	}
	return err_line(err, errlen, "elf: e_entry 0x%llx is not inside an executable segment", (ull)img->entry);
entry_ok:

	img->lo = ALIGN_DOWN(img->seg[0].vaddr, ELF_PAGE);
	img->hi = ALIGN_UP(MAX(maxend, img->seg[img->nseg - 1].vaddr), ELF_PAGE);
	img->phdr_vaddr = elf_phdr_vaddr(img, phoff, pt_phdr, have_pt_phdr);
	return 0;
}

/*
 * Length in bytes of the instruction whose first 16-bit parcel is h (ISA
 * manual 1.5): xx (not 11) 16-bit RVC; xxx11 (bits 4:2 not 111) 32-bit;
 * 011111 48-bit; 0111111 64-bit; nnnxxxx1111111 (nnn not 111) 80+16*nnn
 * bits. The reserved >= 192-bit space is stepped over one parcel at a time,
 * as binutils does.
 */
static size_t elf_insn_len(uint16_t h)
{
	if ((h & 0x3) != 0x3)
		return 2;
	if ((h & 0x1c) != 0x1c)
		return 4;
	if ((h & 0x3f) == 0x1f)
		return 6;
	if ((h & 0x7f) == 0x3f)
		return 8;
	if ((h & 0x7000) != 0x7000)
		return 10 + 2 * ((h >> 12) & 0x7);
	return 2;
}

/*
 * The cursor over starts[]: a start counts only if it is inside the block
 * and on a parcel boundary. elf_func_starts hands them over ascending, which
 * lets one index walk them; any other order falls back to a search for the
 * smallest one past off, done once per start reached.
 */
struct elf_starts {
	const uint64_t *s;
	size_t n;
	size_t i;
	bool sorted;
	uint64_t va;
	size_t len;
};

static bool elf_start_off(const struct elf_starts *st, uint64_t a, size_t *off)
{
	if (a < st->va || a - st->va >= st->len || ((a - st->va) & 1))
		return false;
	*off = (size_t)(a - st->va);
	return true;
}

/* Offset of the first start after off, or len if there is none. */
static size_t elf_next_start(struct elf_starts *st, size_t off)
{
	size_t o, best = st->len;

	if (st->sorted) {
		for (; st->i < st->n; st->i++)
			if (elf_start_off(st, st->s[st->i], &o) && o > off)
				return o;
		return st->len;
	}
	for (size_t i = 0; i < st->n; i++)
		if (elf_start_off(st, st->s[i], &o) && o > off && o < best)
			best = o;
	return best;
}

/*
 * Is there a parcel v at an even offset of [p, p + n)? Four parcels a word
 * where p is even (little-endian words, as RISC-V's and the hosts'): a
 * lane of w ^ v*0x0001000100010001 is zero exactly where w holds v, and
 * (x - 0x0001...) & ~x & 0x8000... is non-zero exactly when a lane of x is.
 */
static bool elf_has_parcel(const uint8_t *p, size_t n, uint16_t v)
{
	const uint64_t ones = 0x0001000100010001ull, highs = 0x8000800080008000ull;
	size_t off = 0;

	if (!((uintptr_t)p & 1)) {
		for (; off + 2 <= n && ((uintptr_t)(p + off) & 7); off += 2)
			if (le16_load(p + off) == v)
				return true;
		for (; off + 8 <= n; off += 8) {
			uint64_t x = *(const uint64_t *)(const void *)(p + off) ^ (v * ones);

			if ((x - ones) & ~x & highs)
				return true;
		}
	}
	for (; off + 2 <= n; off += 2)
		if (le16_load(p + off) == v)
			return true;
	return false;
}

size_t elf_scan_ecalls(const uint8_t *code, size_t len, uint64_t va, const uint64_t *starts, size_t nstarts,
		       uint64_t *sites, size_t max)
{
	struct elf_starts st = { .s = starts, .n = starts ? nstarts : 0, .sorted = true, .va = va, .len = len };
	size_t off = 0, next, found = 0;

	/* Every instruction starts at an even offset: without an ecall's
	 * first parcel at one, there is nothing to decode for. */
	if (!elf_has_parcel(code, len, INSN_ECALL & 0xffff))
		return 0;

	for (size_t i = 1; i < st.n; i++)
		if (starts[i] < starts[i - 1])
			st.sorted = false;

	/*
	 * One pass: decode from the start of the block, and at every function
	 * start begin again there. An instruction that would run across a
	 * function start is not one (the start is a known boundary), so it is
	 * dropped. next is at most len, so an instruction cut short by the
	 * end of the block is dropped the same way. off only grows, so the
	 * sites come out ascending and unique.
	 */
	next = elf_next_start(&st, 0);
	while (len - off >= 2) {
		uint16_t h = le16_load(code + off);
		size_t ilen = elf_insn_len(h);

		if (ilen > next - off) {
			off = next;
			next = elf_next_start(&st, off);
			continue;
		}
		/* An ecall is a 32-bit instruction: two parcels, 0x0073 then 0x0000. */
		if (h == (INSN_ECALL & 0xffff) && le16_load(code + off + 2) == INSN_ECALL >> 16) {
			if (found < max)
				sites[found] = va + off;
			found++;
		}
		off += ilen;
		if (off >= next)
			next = elf_next_start(&st, off);
	}
	return found;
}

/* .symtab and the string table it names (sh_link), both inside the file. */
struct elf_symtab {
	const uint8_t *sym;
	size_t nsym;
	const char *str;
	size_t strsz;
};

/*
 * Locate the first SHT_SYMTAB through the section header table (gABI
 * "Sections"). e_shnum == 0 with a table present means the count is in
 * section 0's sh_size (gABI extended section numbering).
 */
static int elf_find_symtab(const void *buf, size_t len, struct elf_symtab *t)
{
	const uint8_t *b = buf;
	uint64_t shoff, shnum;

	if (elf_check_ident(b, len, NULL, 0))
		return -1;
	shoff = le64_load(b + E_SHOFF);
	shnum = le16_load(b + E_SHNUM);
	if (shoff == 0 || le16_load(b + E_SHENTSIZE) != SHDR_SIZE || !elf_in_file(shoff, SHDR_SIZE, len))
		return -1;
	if (shnum == 0)
		shnum = le64_load(b + shoff + SH_SIZE);
	if (shnum > (len - shoff) / SHDR_SIZE)
		return -1;

	for (uint64_t i = 0; i < shnum; i++) {
		const uint8_t *sh = b + shoff + i * SHDR_SIZE;
		const uint8_t *strsh;
		uint64_t off = le64_load(sh + SH_OFFSET), size = le64_load(sh + SH_SIZE);
		uint32_t link = le32_load(sh + SH_LINK);

		if (le32_load(sh + SH_TYPE) != SHT_SYMTAB)
			continue;
		if (le64_load(sh + SH_ENTSIZE) != SYM_SIZE || !elf_in_file(off, size, len) || link >= shnum)
			return -1;
		strsh = b + shoff + (uint64_t)link * SHDR_SIZE;
		t->sym = b + off;
		t->nsym = size / SYM_SIZE;
		off = le64_load(strsh + SH_OFFSET);
		size = le64_load(strsh + SH_SIZE);
		if (le32_load(strsh + SH_TYPE) != SHT_STRTAB || !elf_in_file(off, size, len))
			return -1;
		t->str = (const char *)b + off;
		t->strsz = size;
		return 0;
	}
	return -1;
}

/* A function symbol with a size; anything else is not a place code lives. */
static bool elf_sym_func(const uint8_t *sym, uint64_t *value, uint64_t *size)
{
	*value = le64_load(sym + ST_VALUE);
	*size = le64_load(sym + ST_SIZE);
	return (sym[ST_INFO] & 0xf) == STT_FUNC && *size != 0;
}

/* Max-heap sift-down over h[0..n). */
static void elf_heap_down(uint64_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1;
		uint64_t t;

		if (c >= n)
			return;
		if (c + 1 < n && h[c + 1] > h[c])
			c++;
		if (h[i] >= h[c])
			return;
		t = h[i];
		h[i] = h[c];
		h[c] = t;
		i = c;
	}
}

static void elf_heap_up(uint64_t *h, size_t i)
{
	while (i > 0 && h[(i - 1) / 2] < h[i]) {
		uint64_t t = h[i];

		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

size_t elf_func_starts(const void *buf, size_t len, uint64_t lo, uint64_t hi, uint64_t *out, size_t max)
{
	struct elf_symtab t;
	size_t count = 0, k = 0;

	if (elf_find_symtab(buf, len, &t))
		return 0;

	/*
	 * The symbol table is in no particular order (locals first). Keep the
	 * max smallest addresses in a max-heap, then heapsort them ascending:
	 * O(nsym log max) without allocating.
	 */
	for (size_t i = 1; i < t.nsym; i++) {
		uint64_t value, size;

		if (!elf_sym_func(t.sym + i * SYM_SIZE, &value, &size) || value < lo || value >= hi)
			continue;
		count++;
		if (k < max) {
			out[k] = value;
			elf_heap_up(out, k++);
		} else if (max && value < out[0]) {
			out[0] = value;
			elf_heap_down(out, k, 0);
		}
	}
	for (size_t n = k; n > 1; n--) {
		uint64_t top = out[0];

		out[0] = out[n - 1];
		out[n - 1] = top;
		elf_heap_down(out, n - 1, 0);
	}
	return count;
}

int elf_go_text_bounds(const void *buf, size_t len, uint64_t *text, uint64_t *etext)
{
	static const char names[2][16] = { "runtime.text", "runtime.etext" };
	struct elf_symtab t;
	uint64_t *out[2] = { text, etext };
	int found = 0;

	if (elf_find_symtab(buf, len, &t))
		return -1;
	/* Both are function symbols of size 0, early in the table. */
	for (size_t i = 1; i < t.nsym && found != 3; i++) {
		const uint8_t *sym = t.sym + i * SYM_SIZE;
		uint32_t st_name = le32_load(sym + ST_NAME);

		if ((sym[ST_INFO] & 0xf) != STT_FUNC || le64_load(sym + ST_SIZE) != 0 || st_name >= t.strsz ||
		    t.strsz - st_name < sizeof(names[0]))
			continue;
		for (int k = 0; k < 2; k++) {
			if (!(found & (1 << k)) && !strcmp(t.str + st_name, names[k])) {
				*out[k] = le64_load(sym + ST_VALUE);
				found |= 1 << k;
			}
		}
	}
	return found == 3 && *text <= *etext ? 0 : -1;
}

size_t elf_code_sections(const void *buf, size_t len, uint64_t (*out)[2], size_t max)
{
	const uint8_t *b = buf;
	uint64_t shoff, shnum;
	size_t n = 0;

	if (elf_check_ident(b, len, NULL, 0))
		return 0;
	shoff = le64_load(b + E_SHOFF);
	shnum = le16_load(b + E_SHNUM);
	if (shoff == 0 || le16_load(b + E_SHENTSIZE) != SHDR_SIZE || !elf_in_file(shoff, SHDR_SIZE, len))
		return 0;
	if (shnum == 0)
		shnum = le64_load(b + shoff + SH_SIZE);
	if (shnum > (len - shoff) / SHDR_SIZE)
		return 0;
	for (uint64_t i = 0; i < shnum; i++) {
		const uint8_t *sh = b + shoff + i * SHDR_SIZE;
		uint64_t flags = le64_load(sh + SH_FLAGS), addr = le64_load(sh + SH_ADDR), size = le64_load(sh + SH_SIZE);

		if ((flags & (SHF_ALLOC | SHF_EXECINSTR)) != (SHF_ALLOC | SHF_EXECINSTR) ||
		    le32_load(sh + SH_TYPE) == SHT_NOBITS || !size || addr + size < addr)
			continue;
		if (n < max) {
			out[n][0] = addr;
			out[n][1] = addr + size;
		}
		n++;
	}
	return n;
}

int elf_symbolize(const void *buf, size_t len, uint64_t addr, const char **name, uint64_t *offset)
{
	struct elf_symtab t;
	const char *best = NULL;
	uint64_t best_value = 0;

	if (elf_find_symtab(buf, len, &t))
		return -1;

	/*
	 * The innermost (highest-starting) function whose [value, value + size)
	 * holds addr. A name that is not a NUL-terminated string inside the
	 * string table disqualifies its symbol.
	 */
	for (size_t i = 1; i < t.nsym; i++) {
		const uint8_t *sym = t.sym + i * SYM_SIZE;
		uint32_t st_name = le32_load(sym + ST_NAME);
		uint64_t value, size;

		if (!elf_sym_func(sym, &value, &size) || addr < value || addr - value >= size)
			continue;
		if (best && value <= best_value)
			continue;
		if (st_name >= t.strsz || strnlen(t.str + st_name, t.strsz - st_name) == t.strsz - st_name)
			continue;
		best = t.str + st_name;
		best_value = value;
	}
	if (!best)
		return -1;
	*name = best;
	*offset = addr - best_value;
	return 0;
}

/*
 * The Go build information (the runtime/debug.ReadBuildInfo data; format in
 * Go's src/debug/buildinfo/buildinfo.go): a 32-byte header starting
 * "\xff Go buildinf:" on a 16-byte boundary, then, when flags bit 1 says the
 * strings are inline (Go 1.18 and later), the version as a uvarint length
 * and its bytes.
 */
/* The file bytes of the section named name: 0 with [*off, *off + *size)
 * inside the file, or -1. */
static int elf_find_section(const uint8_t *b, size_t len, const char *name, uint64_t *off, uint64_t *size)
{
	uint64_t shoff, shnum, shstrndx;

	if (elf_check_ident(b, len, NULL, 0))
		return -1;
	shoff = le64_load(b + E_SHOFF);
	shnum = le16_load(b + E_SHNUM);
	shstrndx = le16_load(b + E_SHSTRNDX);
	if (shoff == 0 || shnum == 0 || le16_load(b + E_SHENTSIZE) != SHDR_SIZE || shstrndx >= shnum ||
	    shnum > (len - MIN(len, shoff)) / SHDR_SIZE)
		return -1;
	const uint8_t *strsh = b + shoff + shstrndx * SHDR_SIZE;
	uint64_t stroff = le64_load(strsh + SH_OFFSET), strsz = le64_load(strsh + SH_SIZE);
	size_t want = strlen(name) + 1;

	if (!elf_in_file(stroff, strsz, len))
		return -1;
	for (uint64_t i = 0; i < shnum; i++) {
		const uint8_t *sh = b + shoff + i * SHDR_SIZE;
		uint32_t n = le32_load(sh);

		if (n >= strsz || strsz - n < want || memcmp(b + stroff + n, name, want))
			continue;
		*off = le64_load(sh + SH_OFFSET);
		*size = le64_load(sh + SH_SIZE);
		return le32_load(sh + SH_TYPE) != SHT_NOBITS && elf_in_file(*off, *size, len) ? 0 : -1;
	}
	return -1;
}

int elf_go_version(const void *buf, size_t len, char *out, size_t outlen)
{
	static const char magic[14] = "\xff Go buildinf:";
	const uint8_t *b = buf;
	uint64_t sec_off, sec_size;

	/* Where Go's linker puts it (.go.buildinfo, as debug/buildinfo looks
	 * first); else anywhere in the file. */
	if (!elf_find_section(b, len, ".go.buildinfo", &sec_off, &sec_size) && sec_size >= 32 &&
	    !memcmp(b + sec_off, magic, sizeof(magic))) {
		b += sec_off;
		len = sec_size;
	}
	for (size_t off = 0; len >= 32 && off <= len - 32; off += 16) {
		if (memcmp(b + off, magic, sizeof(magic)))
			continue;
		if (!(b[off + 15] & 2))
			return -1;
		uint64_t n = 0;
		size_t p = off + 32;
		int shift = 0;

		while (p < len && shift < 64) {
			n |= (uint64_t)(b[p] & 0x7f) << shift;
			shift += 7;
			if (!(b[p++] & 0x80))
				break;
		}
		if (p > len || n > len - p || !outlen)
			return -1;
		size_t k = MIN((size_t)n, outlen - 1);

		memcpy(out, b + p, k);
		out[k] = '\0';
		return 0;
	}
	return -1;
}
