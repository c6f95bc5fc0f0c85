/* SPDX-License-Identifier: MIT */
/* Host tests of lib/efi.c: load options, initrd=, EFI_TIME, the memory map. */
#include "lib/efi.h"
#include "tests/test.h"

/* UTF-16LE bytes of an ASCII string, NUL-terminated when nul. */
static size_t u16(const char *s, uint8_t *out, bool nul)
{
	size_t n = 0;

	for (; *s; s++) {
		out[n++] = (uint8_t)*s;
		out[n++] = 0;
	}
	if (nul) {
		out[n++] = 0;
		out[n++] = 0;
	}
	return n;
}

static void test_load_options(void)
{
	uint8_t b[256];
	char out[64];
	size_t n;

	n = u16("initrd=\\hello goose.trace=1 -- a b", b, true);
	CHECK(!efi_load_options_text(b, n, out, sizeof(out)) && !strcmp(out, "initrd=\\hello goose.trace=1 -- a b"),
	      "ascii: %s", out);
	n = u16("a\tb\r\nc  ", b, false);
	CHECK(!efi_load_options_text(b, n, out, sizeof(out)) && !strcmp(out, "a b  c"), "controls as spaces: [%s]", out);
	/* é (U+00E9), € (U+20AC) and U+1F600 as a surrogate pair. */
	static const uint8_t uni[] = { 'x', 0, 0xe9, 0, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde, 0, 0 };
	CHECK(!efi_load_options_text(uni, sizeof(uni), out, sizeof(out)) &&
	      !strcmp(out, "x\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "utf-8: %s", out);
	/* What EDK2's auto-created boot entries carry: a GUID, not text. */
	static const uint8_t guid[16] = { 0x21, 0xaa, 0x2c, 0x46, 0x14, 0x76, 0x03, 0x45,
					  0x83, 0x6e, 0x8a, 0xb6, 0xf4, 0x66, 0x23, 0x31 };
	CHECK(efi_load_options_text(guid, sizeof(guid), out, sizeof(out)) == -1 && !out[0], "a GUID is no text");
	CHECK(efi_load_options_text(b, 3, out, sizeof(out)) == -1, "odd length");
	static const uint8_t lone[] = { 'a', 0, 0x00, 0xdc, 0, 0 }, high_end[] = { 'a', 0, 0x00, 0xd8 };
	CHECK(efi_load_options_text(lone, sizeof(lone), out, sizeof(out)) == -1, "lone low surrogate");
	CHECK(efi_load_options_text(high_end, sizeof(high_end), out, sizeof(out)) == -1, "high surrogate at the end");
	n = u16("0123456789", b, true);
	CHECK(efi_load_options_text(b, n, out, 10) == -1 && !out[0], "does not fit");
	CHECK(!efi_load_options_text(b, n, out, 11) && !strcmp(out, "0123456789"), "just fits");
	CHECK(!efi_load_options_text(b, 0, out, sizeof(out)) && !out[0], "empty");
}

static void test_take_initrd(void)
{
	static const struct {
		const char *in, *line, *path;
		int ret;
	} cases[] = {
		{ "initrd=/goose/hello A=b", "A=b", "\\goose\\hello", 1 },
		{ "A=b initrd=\\x  -- y", "A=b -- y", "\\x", 1 },
		{ "goose.quiet initrd=hello", "goose.quiet", "hello", 1 },
		{ "A=b -- initrd", "A=b -- initrd", "", 0 },
		{ "xinitrd=a initrd=", "xinitrd=a initrd=", "", 0 },
		{ "", "", "", 0 },
		{ "initrd=a initrd=b", NULL, NULL, -1 },
	};
	char line[64], path[16], err[80];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(line, sizeof(line), "%s", cases[i].in);
		int r = efi_take_initrd(line, path, sizeof(path), err, sizeof(err));

		CHECK(r == cases[i].ret, "%s: returned %d", cases[i].in, r);
		if (r >= 0 && cases[i].ret >= 0)
			CHECK(!strcmp(line, cases[i].line) && !strcmp(path, cases[i].path), "%s: [%s] [%s]", cases[i].in,
			      line, path);
	}
	snprintf(line, sizeof(line), "initrd=0123456789abcdef");
	CHECK(efi_take_initrd(line, path, sizeof(path), err, sizeof(err)) == -1 && strstr(err, "too long"), "long: %s",
	      err);
}

static void test_time(void)
{
	struct efi_time t = { .year = 1970, .month = 1, .day = 1, .time_zone = 0 };
	uint64_t ns;

	CHECK(!efi_time_to_unix_ns(&t, &ns) && ns == 0, "the epoch: %" PRIu64, ns);
	t = (struct efi_time){ .year = 2026, .month = 12, .day = 6, .hour = 18, .minute = 4, .second = 7,
			       .nanosecond = 5, .time_zone = EFI_UNSPECIFIED_TIMEZONE };
	CHECK(!efi_time_to_unix_ns(&t, &ns) && ns == 1796580247000000005ull, "2026-12-06T18:04:07: %" PRIu64, ns);
	/* 19:04 at UTC+1 is 18:04 UTC: time_zone = -60 (local = UTC - time_zone). */
	t.hour = 19;
	t.time_zone = -60;
	CHECK(!efi_time_to_unix_ns(&t, &ns) && ns == 1796580247000000005ull, "UTC+1: %" PRIu64, ns);
	t = (struct efi_time){ .year = 2024, .month = 2, .day = 29, .time_zone = 0 };
	CHECK(!efi_time_to_unix_ns(&t, &ns) && ns == 1709164800ull * 1000000000ull, "leap day: %" PRIu64, ns);
	t.year = 2100;
	CHECK(efi_time_to_unix_ns(&t, &ns) == -1, "2100-02-29 is no day");
	t = (struct efi_time){ .year = 2000, .month = 2, .day = 29, .time_zone = 0 };
	CHECK(!efi_time_to_unix_ns(&t, &ns) && ns == 951782400ull * 1000000000ull, "2000-02-29: %" PRIu64, ns);
	static const struct efi_time bad[] = {
		{ .year = 1969, .month = 12, .day = 31 }, { .year = 2026, .month = 13, .day = 1 },
		{ .year = 2026, .month = 4, .day = 31 }, { .year = 2026, .month = 1, .day = 1, .hour = 24 },
		{ .year = 2026, .month = 1, .day = 1, .nanosecond = 1000000000 },
		{ .year = 2026, .month = 1, .day = 1, .time_zone = 1441 }, { .year = 2026, .month = 0, .day = 1 },
		{ .year = 1970, .month = 1, .day = 1, .time_zone = -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(efi_time_to_unix_ns(&bad[i], &ns) == -1, "bad time %zu", i);
}

/* A descriptor of 48 bytes (larger than the struct, as the spec allows). */
#define DSZ 48
static uint8_t map[DSZ * 200];

static size_t put(size_t i, uint32_t type, uint64_t base, uint64_t pages)
{
	struct efi_memory_descriptor d = { .type = type, .physical_start = base, .number_of_pages = pages };

	memset(map + i * DSZ, 0xa5, DSZ);
	memcpy(map + i * DSZ, &d, sizeof(d));
	return i + 1;
}

static void test_memmap(void)
{
	static struct efi_handoff h;
	size_t n = 0;

	/* EDK2 on QEMU virt, abridged and out of order. */
	n = put(n, EFI_CONVENTIONAL_MEMORY, 0x80200000, 0x1000);
	n = put(n, EFI_RESERVED_MEMORY, 0x80000000, 0x40);
	n = put(n, EFI_CONVENTIONAL_MEMORY, 0x80040000, 0x1c0);
	n = put(n, EFI_RUNTIME_SERVICES_CODE, 0x81200000, 0x10);
	n = put(n, EFI_RUNTIME_SERVICES_DATA, 0x81210000, 0x10);
	n = put(n, EFI_BOOT_SERVICES_DATA, 0x81220000, 0x1ede0);
	n = put(n, EFI_MEMORY_MAPPED_IO, 0x20000000, 0x4000);
	n = put(n, EFI_LOADER_CODE, 0x81201000 + 0x1f000000, 0);	/* zero pages: nothing */
	n = put(n, EFI_ACPI_RECLAIM_MEMORY, 0x100000000, 0x10);
	n = put(n, 0x80000001u, 0x100010000, 0x10);			/* an OS type: kept */
	CHECK_EQ_U64(efi_memmap_ranges(map, n * DSZ, DSZ, &h), n, "descriptors");
	CHECK(h.nram == 2, "banks: %d", h.nram);
	CHECK_EQ_U64(h.ram[0].base, 0x80000000, "bank 0");
	CHECK_EQ_U64(h.ram[0].end, 0xa0000000, "bank 0 end");
	CHECK_EQ_U64(h.ram[1].base, 0x100000000, "bank 1");
	CHECK_EQ_U64(h.ram[1].end, 0x100020000, "bank 1 end");
	CHECK(h.nresv == 3, "reservations: %d", h.nresv);
	CHECK(h.resv[0].base == 0x80000000 && h.resv[0].end == 0x80040000, "firmware");
	CHECK(h.resv[1].base == 0x81200000 && h.resv[1].end == 0x81220000, "runtime code and data merged");
	CHECK(h.resv[2].base == 0x100000000 && h.resv[2].end == 0x100020000, "ACPI and the OS type merged");
	CHECK(!h.ram_lost && !h.resv_merged, "nothing lost");
	/* A partial descriptor at the end is not read; a small size reads none. */
	CHECK_EQ_U64(efi_memmap_ranges(map, n * DSZ - 1, DSZ, &h), n - 1, "partial");
	CHECK_EQ_U64(efi_memmap_ranges(map, n * DSZ, 16, &h), 0, "descriptor size below the struct's");

	/* More reservations than fit: neighbours merge, gaps and all, and
	 * nothing reserved is lost. */
	n = 0;
	n = put(n, EFI_CONVENTIONAL_MEMORY, 0x80000000, 0x10000);
	for (int i = 0; i < EFI_MAX_RESV + 6; i++)
		n = put(n, EFI_RUNTIME_SERVICES_DATA, 0x80000000 + (uint64_t)i * 0x10000 + (i == 7 ? 0x1000 : 0), 1);
	efi_memmap_ranges(map, n * DSZ, DSZ, &h);
	CHECK(h.nresv == EFI_MAX_RESV && h.resv_merged == 6, "merged: %d, %d", h.nresv, h.resv_merged);
	for (int i = 0; i < EFI_MAX_RESV + 6; i++) {
		uint64_t b = 0x80000000 + (uint64_t)i * 0x10000 + (i == 7 ? 0x1000 : 0);
		bool in = false;

		for (int j = 0; j < h.nresv; j++)
			in |= h.resv[j].base <= b && b + 0x1000 <= h.resv[j].end;
		CHECK(in, "reservation %d kept", i);
	}
	/* More banks than fit: the rest is said lost, never merged over holes. */
	n = 0;
	for (int i = 0; i < EFI_MAX_RAM + 2; i++)
		n = put(n, EFI_CONVENTIONAL_MEMORY, 0x100000000ull * (i + 1), 1);
	efi_memmap_ranges(map, n * DSZ, DSZ, &h);
	CHECK(h.nram == EFI_MAX_RAM && h.ram_lost == 2, "banks %d, lost %d", h.nram, h.ram_lost);
}

static void test_ascii(void)
{
	static const char16 s[] = { 'E', 'D', 'K', 0xe9, 1, 'x', 0 };
	char out[8];

	efi_ascii(s, 16, out, sizeof(out));
	CHECK(!strcmp(out, "EDK??x"), "%s", out);
	efi_ascii(s, 2, out, sizeof(out));
	CHECK(!strcmp(out, "ED"), "n units: %s", out);
	efi_ascii(s, 16, out, 3);
	CHECK(!strcmp(out, "ED"), "truncated: %s", out);
	efi_ascii(NULL, 16, out, sizeof(out));
	CHECK(!out[0], "NULL");
}

int main(void)
{
	test_load_options();
	test_take_initrd();
	test_time();
	test_memmap();
	test_ascii();
	return test_done("efi");
}
