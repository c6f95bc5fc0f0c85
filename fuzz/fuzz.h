/* SPDX-License-Identifier: MIT */
/*
 * Shared bits of the libFuzzer harnesses (fuzz/fuzz_*.c), built by
 * ci/fuzz.sh with clang -fsanitize=fuzzer,address,undefined -DGOOSE_HOST.
 * The sanitizers catch memory errors; FUZZ_CHECK catches a broken promise of
 * the parser's interface (a pointer outside the input, sites out of order,
 * counts that disagree, a malformed error line) and stops the run with
 * __builtin_trap(), which libFuzzer reports as a crash.
 *
 * -DFUZZ_STRICT_ERR also requires every error line to be printable ASCII
 * (bytes from the input copied into a message can break the "one line"
 * promise); see fuzz/README.md.
 */
#ifndef GOOSE_FUZZ_H
#define GOOSE_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
			__builtin_trap();                                                  \
		}                                                                          \
	} while (0)

/*
 * For the harness's own code: its checks and reference decoders are not
 * what the fuzzer should chase coverage in, and uninstrumented they cost
 * a fraction of the time.
 */
#define FUZZ_NOCOV __attribute__((no_sanitize("coverage")))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* [p, p + n) lies inside [base, base + len). */
static inline FUZZ_NOCOV bool fuzz_in(const void *p, size_t n, const void *base, size_t len)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a - b <= len && n <= len - (a - b);
}

/* s points into [base, base + len) and its NUL is there too. */
static inline FUZZ_NOCOV bool fuzz_cstr_in(const char *s, const void *base, size_t len)
{
	uintptr_t a = (uintptr_t)s, b = (uintptr_t)base;

	return s && a >= b && a - b < len && memchr(s, '\0', len - (a - b)) != NULL;
}

/* One error line: NUL-terminated inside errlen, non-empty, starting with prefix. */
static inline FUZZ_NOCOV bool fuzz_err_ok(const char *err, size_t errlen, const char *prefix)
{
	size_t n = strnlen(err, errlen);

	if (n == errlen || n <= strlen(prefix) || strncmp(err, prefix, strlen(prefix)))
		return false;
#ifdef FUZZ_STRICT_ERR
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			return false;
#endif
	return true;
}

#endif
