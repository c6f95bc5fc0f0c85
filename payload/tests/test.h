/* SPDX-License-Identifier: MIT */
/*
 * Minimal table-test support for host unit tests (built with
 * -DGOOSE_HOST -fsanitize=address,undefined). Each CHECK prints nothing on
 * success and one "FAIL file:line: ..." line on failure; test_done() prints
 * "<suite>: N passed, N failed" and returns the exit status.
 */
#ifndef GOOSE_TEST_H
#define GOOSE_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (cond) {                                                     \
			test_passed++;                                          \
		} else {                                                        \
			test_failed++;                                          \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);  \
			printf(__VA_ARGS__);                                    \
			printf("\n");                                           \
		}                                                               \
	} while (0)

#define CHECK_EQ_U64(got, want, ...)                                                           \
	do {                                                                                   \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                          \
		CHECK(g_ == w_, "got 0x%" PRIx64 ", want 0x%" PRIx64 " ", g_, w_);             \
		if (g_ != w_) {                                                                \
			printf("    ");                                                        \
			printf(__VA_ARGS__);                                                   \
			printf("\n");                                                          \
		}                                                                              \
	} while (0)

static inline int test_done(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, test_passed, test_failed);
	return test_failed ? 1 : 0;
}

#endif
