/* SPDX-License-Identifier: MIT */
/*
 * The few libc pieces goose needs. The payload is freestanding and gets them
 * from lib.c; host builds (GOOSE_HOST, for unit tests and fuzzers) take the
 * real libc so the sanitizers see ordinary calls.
 */
#ifndef GOOSE_LIB_H
#define GOOSE_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef GOOSE_HOST
#include <stdio.h>
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* %d %i %u %x %lx %llx %ld %lu %lld %llu %zu %zx %p %s %c %%, width, '0' and '-' flags, .N for %s */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

/* Text made piece by piece into s (size bytes, kept NUL-terminated): n
 * bytes so far; pp appends, cutting what does not fit (/proc's files). */
struct pbuf {
	char *s;
	size_t n, size;
};

static inline void __attribute__((format(printf, 2, 3))) pp(struct pbuf *pb, const char *fmt, ...)
{
	va_list ap;

	if (pb->n >= pb->size)
		return;
	va_start(ap, fmt);
	int k = vsnprintf(pb->s + pb->n, pb->size - pb->n, fmt, ap);
	size_t end = pb->n + (size_t)(k > 0 ? k : 0);

	va_end(ap);
	pb->n = end < pb->size - 1 ? end : pb->size - 1;
}

/*
 * Tables filled from the files that add to them, as Linux's early_param and
 * initcalls are: REGISTER(table, type, entry) puts a pointer to entry into
 * the link section goose_<table>, and REGISTRY_FOREACH walks them all (the
 * link script keeps the sections and brackets them with __start_/__stop_
 * symbols, as GNU ld does by itself for the host's tests). Adding a console
 * driver or a boot option is then one file's business.
 */
#define REGISTER(table, type, entry) \
	static const type *const goose_reg_##table##_##entry __attribute__((used, section("goose_" #table))) = &(entry)
/* A driver operation in a registered struct: the function in goose, NULL in
 * host builds, which know drivers by what they match (make board-check)
 * and never run one; there the operations sit in #ifndef GOOSE_HOST. */
#ifdef GOOSE_HOST
#define HW(fn) NULL
#else
#define HW(fn) fn
#endif
#define REGISTRY_FOREACH(table, type, p)                                                   \
	extern const type *const __start_goose_##table[] __attribute__((weak));             \
	extern const type *const __stop_goose_##table[] __attribute__((weak));              \
	for (const type *const *p = __start_goose_##table; (uintptr_t)p < (uintptr_t)__stop_goose_##table; p++)

/*
 * Storage entry.S does not clear (section .noinit, after BSS): for a large
 * table whose owner writes each part before it first reads it, so that the
 * boot does not spend an instruction per 8 bytes zeroing it (1 MiB of them
 * did: the thread table, the VMAs, the direct map's page-table pool). Plain
 * zeroed storage in host builds.
 */
#ifdef GOOSE_HOST
#define NOINIT
#else
#define NOINIT __attribute__((section(".noinit")))
#endif

/* Decimal digits to a number (stops at the first non-digit; saturates). */
static inline uint64_t strtou64(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : v * 10 + (uint64_t)(*s - '0');
	return v;
}

/*
 * The parsers' one error line: formatted into err (which may be NULL),
 * printable ASCII only (names come from the input: no control byte or
 * escape reaches the console), and -1 for the caller to return.
 */
static inline int __attribute__((format(printf, 3, 4))) err_line(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		for (char *c = err; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				*c = '?';
	}
	return -1;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Big-endian loads for the FDT, unaligned-safe. */
static inline uint32_t be32_load(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t be64_load(const void *p)
{
	return (uint64_t)be32_load(p) << 32 | be32_load((const uint8_t *)p + 4);
}

/* Little-endian loads for the ELF, unaligned-safe. */
static inline uint16_t le16_load(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t le32_load(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t le64_load(const void *p)
{
	return (uint64_t)le32_load(p) | (uint64_t)le32_load((const uint8_t *)p + 4) << 32;
}

#endif
