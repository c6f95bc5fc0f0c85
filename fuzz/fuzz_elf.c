/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for payload/lib/elf.c:
 *   - elf_parse with the 2^38 address limit, and what elf.h promises about
 *     an image it accepts;
 *   - elf_scan_ecalls on the whole input as code, without function starts
 *     (checked against a plain decoder written here) and with starts taken
 *     from the first bytes (checked against a per-range decoder written
 *     here: decoding restarts at each start, an instruction never crosses
 *     one);
 *   - elf_func_starts and elf_symbolize on the input, and the loader's use
 *     of them: the starts inside each executable segment fed to the scan;
 *   - elf_go_version (the version string comes from the input's bytes);
 *   - elf_go_line (gosym.c: Go's line tables; names point into the input);
 *   - elf_go_ecalls (the loader's scan of a Go program's assembly functions)
 *     and elf_code_sections.
 */
#define _GNU_SOURCE /* memmem */
#include "lib/elf.h"
/* Messages here carry no bytes from the input: hold them to printable ASCII. */
#define FUZZ_STRICT_ERR
#include "fuzz.h"

#define FUZZ_VA_LIMIT (1ULL << 38)
#define FUZZ_CODE_VA 0x10000ULL
#define FUZZ_MAX_STARTS 64
#define FUZZ_CODE_MAX 8192
#define FUZZ_ERRLEN 256
#define INSN_ECALL 0x00000073u

/* Instruction length from the first parcel (ISA manual 1.5), written independently of elf.c. */
static FUZZ_NOCOV size_t ref_insn_len(uint16_t h)
{
	if ((h & 3) != 3)
		return 2;
	if ((h & 0x1f) != 0x1f)
		return 4;
	if ((h & 0x3f) == 0x1f)
		return 6;
	if ((h & 0x7f) == 0x3f)
		return 8;
	if (((h >> 12) & 7) != 7)
		return 10 + 2 * ((h >> 12) & 7);
	return 2;
}

/*
 * Reference scan: the block is cut at every valid start (inside, on a
 * parcel boundary); each piece is decoded from its beginning and an
 * instruction that does not fit the piece ends it. Sites out[0..max).
 */
static FUZZ_NOCOV size_t ref_scan(const uint8_t *code, size_t len, uint64_t va, const uint64_t *starts, size_t nstarts,
		       uint64_t *out, size_t max)
{
	static uint8_t cut[1 << 20];
	size_t found = 0, off, end;

	FUZZ_CHECK(len <= sizeof(cut));
	memset(cut, 0, len);
	for (size_t i = 0; i < nstarts; i++) {
		if (starts[i] >= va && starts[i] - va < len && !((starts[i] - va) & 1))
			cut[starts[i] - va] = 1;
	}
	for (off = 0; off < len;) {
		for (end = off + 1; end < len && !cut[end]; end++)
			;
		while (end - off >= 2) {
			size_t ilen = ref_insn_len(le16_load(code + off));

			if (ilen > end - off)
				break;
			if (ilen == 4 && le32_load(code + off) == INSN_ECALL) {
				if (found < max)
					out[found] = va + off;
				found++;
			}
			off += ilen;
		}
		off = end;
	}
	return found;
}

/* The scan promises: count independent of max, sites ascending, unique, each an ecall. */
static FUZZ_NOCOV void fuzz_scan(const uint8_t *code, size_t len, uint64_t va, const uint64_t *starts,
				 size_t nstarts)
{
	size_t cap = len / 4 + 1, n, r;
	uint64_t *sites, *ref, few[3];

	sites = malloc(cap * sizeof(*sites));
	ref = malloc(cap * sizeof(*ref));
	n = elf_scan_ecalls(code, len, va, starts, nstarts, sites, cap);
	FUZZ_CHECK(n < cap);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(sites[i] >= va && sites[i] - va <= len - 4);
		FUZZ_CHECK(!((sites[i] - va) & 1));
		FUZZ_CHECK(le32_load(code + (sites[i] - va)) == INSN_ECALL);
		FUZZ_CHECK(i == 0 || sites[i - 1] < sites[i]);
	}
	/* A short sites[] gets the first ones and the full count. */
	if (n > ARRAY_SIZE(few)) {
		r = elf_scan_ecalls(code, len, va, starts, nstarts, few, ARRAY_SIZE(few));
		FUZZ_CHECK(r == n);
		FUZZ_CHECK(!memcmp(few, sites, sizeof(few)));
	}
	/* The same sites as the reference decoder. */
	r = ref_scan(code, len, va, starts, nstarts, ref, cap);
	FUZZ_CHECK(r == n);
	FUZZ_CHECK(!memcmp(ref, sites, n * sizeof(*sites)));
	free(sites);
	free(ref);
}

static FUZZ_NOCOV void fuzz_image(size_t size, const struct elf_image *img)
{
	uint64_t maxend = 0;
	bool entry_ok = false;

	FUZZ_CHECK(img->phentsize == 56 && img->phnum >= 1 && img->phnum <= 64);
	FUZZ_CHECK(img->nseg >= 1 && img->nseg <= ELF_MAX_SEGMENTS);
	for (int i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		FUZZ_CHECK(s->offset <= size && s->filesz <= size - s->offset);
		FUZZ_CHECK(s->filesz <= s->memsz);
		FUZZ_CHECK(((s->offset ^ s->vaddr) & 4095) == 0);
		FUZZ_CHECK(s->vaddr >= 4096);
		FUZZ_CHECK(s->memsz <= FUZZ_VA_LIMIT && s->vaddr <= FUZZ_VA_LIMIT - s->memsz);
		FUZZ_CHECK(!(s->flags & ~(uint32_t)(PF_R | PF_W | PF_X)));
		FUZZ_CHECK(i == 0 || img->seg[i - 1].vaddr <= s->vaddr);
		if (s->memsz) {
			FUZZ_CHECK(s->vaddr >= maxend);
			maxend = s->vaddr + s->memsz;
		}
		FUZZ_CHECK(s->vaddr >= img->lo && s->vaddr + s->memsz <= img->hi);
		if ((s->flags & PF_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->filesz)
			entry_ok = true;
	}
	FUZZ_CHECK(entry_ok);
	FUZZ_CHECK(!(img->lo & 4095) && !(img->hi & 4095) && img->lo < img->hi && img->hi <= FUZZ_VA_LIMIT);
}

static FUZZ_NOCOV void fuzz_symbolize(const uint8_t *data, size_t size, uint64_t addr)
{
	const char *name = NULL;
	uint64_t off = ~0ULL;

	if (elf_symbolize(data, size, addr, &name, &off) == 0) {
		FUZZ_CHECK(fuzz_cstr_in(name, data, size));
		FUZZ_CHECK(off <= addr);
	}
}

/* Function starts in [lo, hi): count independent of max, ascending, inside, the smallest first. */
static FUZZ_NOCOV size_t fuzz_starts(const uint8_t *data, size_t size, uint64_t lo, uint64_t hi, uint64_t **out)
{
	size_t n, m;
	uint64_t *all, few[3];

	n = elf_func_starts(data, size, lo, hi, NULL, 0);
	FUZZ_CHECK(n <= size / 24);
	all = malloc((n + 1) * sizeof(*all));
	m = elf_func_starts(data, size, lo, hi, all, n);
	FUZZ_CHECK(m == n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(all[i] >= lo && all[i] < hi);
		FUZZ_CHECK(i == 0 || all[i - 1] <= all[i]);
	}
	m = elf_func_starts(data, size, lo, hi, few, ARRAY_SIZE(few));
	FUZZ_CHECK(m == n);
	FUZZ_CHECK(!memcmp(few, all, MIN(n, ARRAY_SIZE(few)) * sizeof(*few)));
	*out = all;
	return n;
}

FUZZ_NOCOV int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t starts[FUZZ_MAX_STARTS], *fs, va;
	struct elf_image img;
	char err[FUZZ_ERRLEN], ver[64];
	size_t nstarts, n, code_len;
	int rc, rc2;

	if (size > (1 << 20))
		return 0;

	/* The executable checks. */
	memset(err, 0x55, sizeof(err));
	rc = elf_parse(data, size, FUZZ_VA_LIMIT, &img, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(err[0] == '\0');
		fuzz_image(size, &img);
	} else {
		FUZZ_CHECK(fuzz_err_ok(err, sizeof(err), "elf: "));
	}
	FUZZ_CHECK(elf_parse(data, size, FUZZ_VA_LIMIT, &img, NULL, 0) == rc);

	/*
	 * The input as a block of code (its first FUZZ_CODE_MAX bytes: the
	 * decoder is linear, longer blocks only cost time): no starts, then
	 * starts from the first bytes.
	 */
	va = FUZZ_CODE_VA;
	code_len = MIN(size, (size_t)FUZZ_CODE_MAX);
	fuzz_scan(data, code_len, va, NULL, 0);
	nstarts = size ? MIN((size_t)(data[0] & 0x3f), (size - 1) / 2) : 0;
	for (size_t i = 0; i < nstarts; i++) {
		uint16_t o = le16_load(data + 1 + 2 * i);

		/* High bit: an address before the block (ignored by the scan); otherwise inside or past it. */
		starts[i] = o & 0x8000 ? va - (o & 0x7fff) : va + o;
	}
	fuzz_scan(data, code_len, va, starts, nstarts);
	/* Sorted, as elf_func_starts delivers them (elf.c's other path). */
	for (size_t i = 1; i < nstarts; i++) {
		uint64_t s = starts[i];
		size_t j = i;

		for (; j > 0 && starts[j - 1] > s; j--)
			starts[j] = starts[j - 1];
		starts[j] = s;
	}
	fuzz_scan(data, code_len, va, starts, nstarts);

	/* The symbol table over the whole address space, and a few lookups. */
	n = fuzz_starts(data, size, 0, UINT64_MAX, &fs);
	for (size_t i = 0; i < MIN(n, (size_t)8); i++) {
		fuzz_symbolize(data, size, fs[i]);
		fuzz_symbolize(data, size, fs[i] + 3);
	}
	free(fs);
	if (size >= 8)
		fuzz_symbolize(data, size, le64_load(data + size - 8));

	/* The Go version string: inside out, copied from the input, same answer for any outlen. */
	rc2 = elf_go_version(data, size, ver, sizeof(ver));
	FUZZ_CHECK(rc2 == 0 || rc2 == -1);
	if (rc2 == 0) {
		size_t vlen = strnlen(ver, sizeof(ver));

		FUZZ_CHECK(vlen < sizeof(ver));
		FUZZ_CHECK(!vlen || memmem(data, size, ver, vlen));
	}
	ver[0] = 'x';
	FUZZ_CHECK(elf_go_version(data, size, ver, 1) == rc2 && (rc2 || ver[0] == '\0'));
	FUZZ_CHECK(elf_go_version(data, size, NULL, 0) == -1);

	/* Go's line tables: strings found must lie inside the input. */
	{
		const char *fn, *file;
		int line;
		uint64_t pc = size >= 16 ? le64_load(data + size - 16) : 0;

		if (elf_go_line(data, size, pc, &fn, &file, &line) == 0)
			FUZZ_CHECK(fuzz_cstr_in(fn, data, size) && fuzz_cstr_in(file, data, size));
	}

	/* What the loader does: each executable segment's starts fed to its scan. */
	if (rc == 0) {
		fuzz_symbolize(data, size, img.entry);
		for (int i = 0; i < img.nseg; i++) {
			const struct elf_segment *s = &img.seg[i];

			if (!(s->flags & PF_X))
				continue;
			n = fuzz_starts(data, size, s->vaddr, s->vaddr + s->filesz, &fs);
			fuzz_scan(data + s->offset, s->filesz, s->vaddr, fs, n);
			free(fs);
		}
	}
	/* The loader's cheap way for a Go program: the same count whatever
	 * max, sites inside [text, etext) and ascending; and the code sections. */
	if (rc == 0) {
		uint64_t text, etext, sites[16], few[2], code[4][2];
		long ng = elf_go_ecalls(data, size, &img, &text, &etext, sites, ARRAY_SIZE(sites));

		FUZZ_CHECK(ng >= -1);
		if (ng >= 0) {
			FUZZ_CHECK(elf_go_ecalls(data, size, &img, &text, &etext, few, ARRAY_SIZE(few)) == ng);
			for (long i = 0; i < MIN(ng, (long)ARRAY_SIZE(sites)); i++)
				FUZZ_CHECK(sites[i] >= text && sites[i] < etext && (i == 0 || sites[i - 1] < sites[i]));
		}
		n = elf_code_sections(data, size, code, ARRAY_SIZE(code));
		for (size_t i = 0; i < MIN(n, ARRAY_SIZE(code)); i++)
			FUZZ_CHECK(code[i][0] < code[i][1]);
	}
	return 0;
}
