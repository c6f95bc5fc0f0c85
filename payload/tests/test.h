/* SPDX-License-Identifier: MIT */
/*
 * Minimal table-test support for host unit tests (built with
 * -DGOOSE_HOST -fsanitize=address,undefined). Each CHECK prints nothing on
 * success and one "FAIL file:line: ..." line on failure; test_done() prints
 * "<suite>: N passed, N failed" and returns the exit status: failure when a
 * check failed, or when none ran at all (a test that checked nothing has
 * not passed).
 *
 * ci/test.py runs each test as `test_<name> <data> <dtbs> <Go ELFs>`: the
 * committed payload/tests/data, build/dtb (dts/ compiled by `make dtbs`),
 * and a directory of real Go programs it built with every toolchain
 * (<name>.elf; <name>.elf.gobin names the go binary, <name>.elf.ecalls the
 * ecall sites objdump sees). A test that uses one must be given it.
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
	if (!test_passed && !test_failed) {
		printf("FAIL %s: no check ran\n", suite);
		return 1;
	}
	return test_failed ? 1 : 0;
}

#endif
