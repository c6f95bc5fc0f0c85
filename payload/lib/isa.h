/* SPDX-License-Identifier: MIT */
/*
 * RISC-V ISA strings (unprivileged ISA manual, "ISA Extension Naming
 * Conventions"): "rv64", the base letter and the single-letter extensions,
 * then each multi-letter extension after an underscore
 * ("rv64imafdc_zicsr_zba"); case is not significant. The FDT reader (a
 * hart's riscv,isa) and the loader (AT_HWCAP) read them the same way.
 *
 * Pure, and header-only so that whatever links goose's FDT reader (host
 * tests, the fuzzer, host tools) has these with it.
 */
#ifndef GOOSE_ISA_H
#define GOOSE_ISA_H

#include "lib/lib.h"

#define ISA_LETTER(c) (1ull << ((c) - 'a'))

static inline char isa_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * The single letters, bit (letter - 'a'): those after "rv32" or "rv64" up to
 * the first multi-letter extension ('_', or an s, x or z that follows
 * without one). "g" stands for imafd (and zicsr, zifencei) and is not kept
 * itself. 0 for a string that does not start with rv32 or rv64.
 */
static inline uint64_t isa_letters(const char *isa)
{
	uint64_t letters = 0;

	if (isa_lower(isa[0]) != 'r' || isa_lower(isa[1]) != 'v' ||
	    !((isa[2] == '3' && isa[3] == '2') || (isa[2] == '6' && isa[3] == '4')))
		return 0;
	for (const char *p = isa + 4; *p && *p != '_'; p++) {
		char c = isa_lower(*p);

		if (c == 'z' || c == 's' || c == 'x')
			break;
		if (c == 'g')
			letters |= ISA_LETTER('i') | ISA_LETTER('m') | ISA_LETTER('a') | ISA_LETTER('f') | ISA_LETTER('d');
		else if (c >= 'a' && c <= 'z')
			letters |= ISA_LETTER(c);
	}
	return letters;
}

/* Is ext (lower case, e.g. "sstc") one of the string's multi-letter extensions? */
static inline bool isa_has_ext(const char *isa, const char *ext)
{
	size_t n = strlen(ext), i;
	const char *p = strchr(isa, '_'), *e;

	while (p) {
		p++;
		e = strchr(p, '_');
		if ((e ? (size_t)(e - p) : strlen(p)) == n) {
			for (i = 0; i < n && isa_lower(p[i]) == ext[i]; i++)
				;
			if (i == n)
				return true;
		}
		p = e;
	}
	return false;
}

/*
 * The ISA string of a hart that has only riscv,isa-base ("rv64i") and
 * riscv,isa-extensions (Linux's riscv/cpus.yaml and extensions.yaml: a
 * stringlist naming every extension, the single letters "i", "m", "a", "f",
 * "d", "c", "v" too), written into isa[size]: the base, the list's single
 * letters in the canonical order (s, u, x, z alone are no extensions),
 * then "_name" for each multi-letter entry, in the list's order, while
 * whole names fit.
 */
static inline void isa_from_list(const char *base, const char *list, size_t len, char *isa, size_t size)
{
	static const char order[] = "iemafdqlcbkjtpvh";
	uint64_t want = 0;
	size_t n = 0, i, e;

	for (i = 0; i < len; i = e + 1) {
		for (e = i; e < len && list[e]; e++)
			;
		if (e - i == 1 && list[i] >= 'a' && list[i] <= 'z')
			want |= ISA_LETTER(list[i]);
	}
	for (i = 0; base[i] && n < size - 1; i++)
		isa[n++] = base[i];
	isa[n] = '\0';
	want &= ~isa_letters(isa);
	for (i = 0; order[i] && n < size - 1; i++)
		if (want & ISA_LETTER(order[i]))
			isa[n++] = order[i];
	for (i = 0; i < len; i = e + 1) {
		for (e = i; e < len && list[e]; e++)
			;
		if (e - i < 2)
			continue;
		if (n + 1 + (e - i) >= size)
			break;
		isa[n++] = '_';
		memcpy(isa + n, list + i, e - i);
		n += e - i;
	}
	isa[n] = '\0';
}

#endif
