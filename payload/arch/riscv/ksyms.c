/* SPDX-License-Identifier: MIT */
#include "arch/riscv/ksyms.h"
#include "arch/riscv/layout.h"

/* ci/mksyms.py's layout. */
struct ksym_header {
	uint32_t nfunc, nline, nfile, pad;
};
struct ksym_func {
	uint32_t off, name;
};
struct ksym_line {
	uint32_t off;
	uint16_t line, file;
};

extern const uint8_t goose_syms[];

/* The last entry of a sorted table whose off is at or below key (-1: none). */
#define KSYM_FIND(table, n, key)                                       \
	({                                                             \
		int64_t lo_ = -1, hi_ = (int64_t)(n);                  \
		while (hi_ - lo_ > 1) {                                \
			int64_t mid_ = (lo_ + hi_) / 2;                \
			if ((table)[mid_].off <= (key))                \
				lo_ = mid_;                            \
			else                                           \
				hi_ = mid_;                            \
		}                                                      \
		lo_;                                                   \
	})

int ksym_lookup(uint64_t pc, const char **func, uint64_t *off, const char **file, int *line)
{
	const struct ksym_header *h = (const void *)goose_syms;
	const struct ksym_func *funcs = (const void *)(h + 1);
	const struct ksym_line *lines = (const void *)(funcs + h->nfunc);
	const uint32_t *files = (const void *)(lines + h->nline);
	const char *strings = (const char *)(files + h->nfile);

	if (pc < KERNEL_LINK || pc - KERNEL_LINK > UINT32_MAX)
		return -1;
	uint32_t key = (uint32_t)(pc - KERNEL_LINK);
	int64_t f = KSYM_FIND(funcs, h->nfunc, key), l = KSYM_FIND(lines, h->nline, key);

	if (f < 0)
		return -1;
	*func = strings + funcs[f].name;
	*off = key - funcs[f].off;
	*file = l >= 0 ? strings + files[lines[l].file] : NULL;
	*line = l >= 0 ? lines[l].line : 0;
	return 0;
}
