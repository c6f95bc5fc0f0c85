// SPDX-License-Identifier: MIT
/*
 * Host tests for lib/lib.c's memory routines, which the payload uses in
 * place of libc's: memcpy, memset and memmove by words when the addresses
 * line up and by bytes otherwise, and memmove in both directions over
 * overlapping buffers (the VMA list opens and closes gaps that way). Every
 * offset pair of a few alignments and lengths around the word and the
 * eight-word turn, checked against a copy made through a spare buffer.
 * lib.c is compiled here under other names, so the test runs beside the
 * host's libc.
 */
#include <string.h>

#define memcpy goose_memcpy
#define memmove goose_memmove
#define memset goose_memset
#define memcmp goose_memcmp
#define strlen goose_strlen
#define strnlen goose_strnlen
#define strcmp goose_strcmp
#define strncmp goose_strncmp
#define strchr goose_strchr
#define vsnprintf goose_vsnprintf
#define snprintf goose_snprintf
#include "lib/lib.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef vsnprintf
#undef snprintf

#include "test.h"

#define BUF 256

static uint8_t buf[BUF] __attribute__((aligned(8))), want[BUF], spare[BUF];

static void fill(void)
{
	for (int i = 0; i < BUF; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
}

static const size_t lens[] = { 0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 72, 129, 200 };

int main(void)
{
	int bad_move = 0, bad_copy = 0, bad_set = 0, cases = 0;

	for (size_t d = 0; d < 24; d++) {
		for (size_t s = 0; s < 24; s++) {
			for (size_t k = 0; k < ARRAY_SIZE(lens); k++) {
				size_t n = lens[k];

				if (d + n > BUF || s + n > BUF)
					continue;
				cases++;
				/* memmove: any overlap, either way. */
				fill();
				memcpy(want, buf, BUF);
				memcpy(spare, buf + s, n);
				memcpy(want + d, spare, n);
				if (goose_memmove(buf + d, buf + s, n) != buf + d || memcmp(buf, want, BUF))
					bad_move++;
				/* memcpy: apart, so from spare into buf. */
				fill();
				memcpy(want, buf, BUF);
				memcpy(want + d, spare + (s % 8), n - MIN(n, s % 8));
				if (goose_memcpy(buf + d, spare + (s % 8), n - MIN(n, s % 8)) != buf + d ||
				    memcmp(buf, want, BUF))
					bad_copy++;
				/* memset: the bytes asked for and none beside them. */
				fill();
				memcpy(want, buf, BUF);
				memset(want + d, (int)(s + 0x80), n);
				if (goose_memset(buf + d, (int)(s + 0x80), n) != buf + d || memcmp(buf, want, BUF))
					bad_set++;
			}
		}
	}
	CHECK(cases > 3000, "%d cases", cases);
	CHECK(bad_move == 0, "memmove: %d of %d cases wrong", bad_move, cases);
	CHECK(bad_copy == 0, "memcpy: %d of %d cases wrong", bad_copy, cases);
	CHECK(bad_set == 0, "memset: %d of %d cases wrong", bad_set, cases);
	return test_done("lib");
}
