/* SPDX-License-Identifier: MIT */
/*
 * Go's own line tables (.gopclntab), read the way Go's runtime/symtab.go and
 * debug/gosym/pclntab.go read them (Go 1.18 and later: magic 0xfffffff0 or
 * 0xfffffff1):
 *
 *   pcHeader   magic u32, pad u8 u8, minLC u8, ptrSize u8, then ptrSize
 *              words: nfunc, nfiles, textStart, funcnameOffset, cuOffset,
 *              filetabOffset, pctabOffset, pclnOffset (offsets from the
 *              header). Go 1.26 no longer fills textStart: then the start of
 *              .text (runtime.text, moduledata.text) is the base.
 *   functab    at pclnOffset: nfunc+1 pairs { entryOff u32, funcOff u32 }
 *   _func      at pclnOffset + funcOff: entryOff u32, nameOff i32, args i32,
 *              deferreturn u32, pcsp u32, pcfile u32, pcln u32, npcdata u32,
 *              cuOffset u32, ...
 *   pc-value   at pctabOffset + pcfile/pcln: pairs of uvarints, a zig-zag
 *              value delta then a pc delta in units of minLC, ending with a
 *              zero value delta (after the first pair).
 *
 * Every offset is checked against the section, as elf.c does for the rest.
 */
#include "lib/elf.h"

#define SHT_PROGBITS 1

struct pcln {
	const uint8_t *p;	/* the section */
	uint64_t len;
	uint64_t text_addr;	/* .text's address */
	uint32_t minlc;
	uint64_t nfunc, text, funcname, cu, filetab, pctab, functab;
};

static bool in(const struct pcln *t, uint64_t off, uint64_t n)
{
	return off <= t->len && n <= t->len - off;
}

static uint32_t u32at(const struct pcln *t, uint64_t off)
{
	return in(t, off, 4) ? le32_load(t->p + off) : 0;
}

/* The .gopclntab section, found by name through the section headers. */
static int pcln_find(const uint8_t *b, size_t len, struct pcln *t)
{
	if (len < 64 || memcmp(b, "\x7f" "ELF", 4) || b[4] != 2)
		return -1;
	uint64_t shoff = le64_load(b + 40);
	uint32_t shnum = le16_load(b + 60), shstrndx = le16_load(b + 62);

	if (le16_load(b + 58) != 64 || shoff > len || (uint64_t)shnum * 64 > len - shoff || shstrndx >= shnum)
		return -1;
	const uint8_t *str = b + shoff + (uint64_t)shstrndx * 64;
	uint64_t stroff = le64_load(str + 24), strsz = le64_load(str + 32);

	if (stroff > len || strsz > len - stroff)
		return -1;
	t->p = NULL;
	t->text_addr = 0;
	for (uint32_t i = 0; i < shnum; i++) {
		const uint8_t *sh = b + shoff + (uint64_t)i * 64;
		uint32_t name = le32_load(sh);
		uint64_t off = le64_load(sh + 24), size = le64_load(sh + 32);
		const char *n = (const char *)b + stroff + name;

		if (name >= strsz || strnlen(n, strsz - name) == strsz - name)
			continue;
		if (!strcmp(n, ".text"))
			t->text_addr = le64_load(sh + 16);
		if (!strcmp(n, ".gopclntab") && off <= len && size <= len - off) {
			t->p = b + off;
			t->len = size;
		}
	}
	return t->p ? 0 : -1;
}

static int pcln_header(struct pcln *t)
{
	uint32_t magic = u32at(t, 0);

	if ((magic != 0xfffffff0 && magic != 0xfffffff1) || !in(t, 0, 64) || t->p[7] != 8)
		return -1;
	t->minlc = t->p[6];
	t->nfunc = le64_load(t->p + 8);
	t->text = le64_load(t->p + 24) ? le64_load(t->p + 24) : t->text_addr;
	t->funcname = le64_load(t->p + 32);
	t->cu = le64_load(t->p + 40);
	t->filetab = le64_load(t->p + 48);
	t->pctab = le64_load(t->p + 56);
	t->functab = le64_load(t->p + 64);
	if (!t->minlc || t->nfunc > t->len / 8 || !in(t, t->functab, (t->nfunc + 1) * 8))
		return -1;
	return 0;
}

static bool uvarint(const struct pcln *t, uint64_t *off, uint32_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 35; shift += 7) {
		if (!in(t, *off, 1))
			return false;
		uint8_t c = t->p[(*off)++];

		*v |= (uint32_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return true;
	}
	return false;
}

/* The value the pc-value table at off holds for pc (runtime.pcvalue). */
static bool pcvalue(const struct pcln *t, uint32_t tab, uint64_t entry, uint64_t pc, int32_t *out)
{
	uint64_t off = t->pctab + tab, at = entry;
	int32_t val = -1;

	for (bool first = true;; first = false) {
		uint32_t uv, pcd;

		if (!uvarint(t, &off, &uv) || (uv == 0 && !first) || !uvarint(t, &off, &pcd))
			return false;
		val += (int32_t)((uv & 1) ? ~(uv >> 1) : (uv >> 1));
		at += (uint64_t)pcd * t->minlc;
		if (pc < at) {
			*out = val;
			return true;
		}
	}
}

/* _func's flag byte: after cuOffset, funcID; Go 1.20 (magic 0xfffffff1)
 * put startLine before them (runtime/runtime2.go, internal/abi/symtab.go). */
#define FUNC_FLAG_OFF_GO118 37
#define FUNC_FLAG_OFF_GO120 41
#define FUNC_FLAG_ASM 4

/* The i-th u32 of the function table: one load where it is aligned (it is
 * 8-aligned in the file; the file may lie anywhere). */
static inline uint32_t ft_load(const uint8_t *ft, uint64_t i)
{
	return ((uintptr_t)ft & 3) ? le32_load(ft + 4 * i) : ((const uint32_t *)(const void *)ft)[i];
}

/* The ecalls of [va, va + n), an executable segment's bytes: added at
 * sites + *found (up to max), counted in *found. */
static void scan_span(const uint8_t *b, const struct elf_image *img, uint64_t va, uint64_t n, uint64_t *sites,
		      size_t max, size_t *found)
{
	for (int i = 0; i < img->nseg && n; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (!(s->flags & PF_X) || va < s->vaddr || va - s->vaddr >= s->filesz)
			continue;
		n = MIN(n, s->filesz - (va - s->vaddr));
		*found += elf_scan_ecalls(b + s->offset + (va - s->vaddr), n, va, NULL, 0,
					  *found < max ? sites + *found : NULL, *found < max ? max - *found : 0);
		return;
	}
}

long elf_go_ecalls(const void *buf, size_t len, const struct elf_image *img, uint64_t *text, uint64_t *etext,
		   uint64_t *sites, size_t max)
{
	struct pcln t;
	size_t found = 0;

	if (pcln_find(buf, len, &t) || pcln_header(&t) || elf_go_text_bounds(buf, len, text, etext))
		return -1;
	uint64_t flag_off = u32at(&t, 0) == 0xfffffff0 ? FUNC_FLAG_OFF_GO118 : FUNC_FLAG_OFF_GO120;
	const uint8_t *ft = t.p + t.functab;	/* pcln_header checked nfunc + 1 pairs */
	uint32_t entry = le32_load(ft);

	/* The entries must rise and end inside [text, etext): else the table
	 * is not this text's, and the caller scans all of it. */
	if (*etext - *text < le32_load(ft + t.nfunc * 8))
		return -1;
	/* Before the first function (nothing, as Go links it). */
	scan_span(buf, img, *text, entry, sites, max, &found);
	for (uint64_t i = 0; i < t.nfunc; i++) {
		uint32_t next = ft_load(ft, (i + 1) * 2);
		uint64_t f = t.functab + ft_load(ft, i * 2 + 1);

		if (next < entry || !in(&t, f, flag_off + 1))
			return -1;
		if (t.p[f + flag_off] & FUNC_FLAG_ASM)
			scan_span(buf, img, *text + entry, next - entry, sites, max, &found);
		entry = next;
	}
	/* Past the last function: padding up to etext, scanned all the same. */
	scan_span(buf, img, *text + entry, *etext - *text - entry, sites, max, &found);
	return (long)found;
}

static const char *cstr(const struct pcln *t, uint64_t off)
{
	if (off >= t->len || strnlen((const char *)t->p + off, t->len - off) == t->len - off)
		return NULL;
	return (const char *)t->p + off;
}

int elf_go_line(const void *buf, size_t len, uint64_t pc, const char **func, const char **file, int *line)
{
	struct pcln t;

	if (pcln_find(buf, len, &t) || pcln_header(&t) || pc < t.text)
		return -1;
	uint64_t rel = pc - t.text, lo = 0, hi = t.nfunc;

	/* The last function whose entry is at or below pc (functab is sorted). */
	if (rel < u32at(&t, t.functab) || rel >= u32at(&t, t.functab + t.nfunc * 8))
		return -1;
	while (hi - lo > 1) {
		uint64_t mid = (lo + hi) / 2;

		if (u32at(&t, t.functab + mid * 8) <= rel)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t f = t.functab + u32at(&t, t.functab + lo * 8 + 4);

	if (!in(&t, f, 36))
		return -1;
	uint64_t entry = t.text + u32at(&t, f);
	int32_t fileno, ln;

	*func = cstr(&t, t.funcname + (uint32_t)u32at(&t, f + 4));
	if (!*func || !pcvalue(&t, u32at(&t, f + 20), entry, pc, &fileno) ||
	    !pcvalue(&t, u32at(&t, f + 24), entry, pc, &ln) || fileno < 0)
		return -1;
	uint64_t cuslot = t.cu + ((uint64_t)u32at(&t, f + 32) + (uint32_t)fileno) * 4;

	if (!in(&t, cuslot, 4))
		return -1;
	*file = cstr(&t, t.filetab + u32at(&t, cuslot));
	*line = ln;
	return *file ? 0 : -1;
}
