/* SPDX-License-Identifier: MIT */
/*
 * Host tests for payload/lib/cpio.c: archives built here (and mutated field by
 * field), every truncation of one, concatenations, "crc" sums, archives made
 * by the system's cpio(1) when it is installed, and (each argv[i] a
 * directory) every file in the given directories as hostile input. When
 * argv[1] is payload/tests/data, fuzz/corpus/cpio and fuzz/regressions/cpio
 * (found from there) are replayed too.
 *
 * Every buffer handed to cpio.c is a heap copy of exactly the length passed,
 * so AddressSanitizer catches a read past len.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cpio.h"
#include "test.h"

/* ---- building archives ---- */

struct ar {
	uint8_t *p;
	size_t len, cap;
};

static void ar_put(struct ar *a, const void *d, size_t n)
{
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 64;
		a->p = realloc(a->p, a->cap);
	}
	if (n)
		memcpy(a->p + a->len, d, n);
	a->len += n;
}

static void ar_zero(struct ar *a, size_t n)
{
	static const uint8_t z[512];

	while (n) {
		size_t k = MIN(n, sizeof(z));

		ar_put(a, z, k);
		n -= k;
	}
}

static void ar_align(struct ar *a, size_t to)
{
	ar_zero(a, (to - a->len % to) % to);
}

/* One entry with every header field given; name is written as is (namelen bytes). */
static void ar_raw(struct ar *a, const char *magic, const uint32_t f[13], const void *name, size_t namelen,
		   const void *data, size_t size)
{
	char h[CPIO_HDR_SIZE + 1];
	int i, o;

	o = snprintf(h, sizeof(h), "%s", magic);
	for (i = 0; i < 13; i++)
		o += snprintf(h + o, sizeof(h) - o, "%08X", f[i]);
	ar_put(a, h, CPIO_HDR_SIZE);
	ar_put(a, name, namelen);
	ar_align(a, 4);
	ar_put(a, data, size);
	ar_align(a, 4);
}

static uint32_t sum(const void *d, size_t n)
{
	const uint8_t *p = d;
	uint32_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static uint32_t ino_next = 721;

/* An ordinary entry; crc archives get the right c_chksum for regular files. */
static void ar_add(struct ar *a, bool crc, uint32_t mode, const char *name, const void *data, size_t size)
{
	uint32_t f[13] = { ino_next++, mode, 1000, 100, (mode & CPIO_S_IFMT) == CPIO_S_IFDIR ? 2 : 1,
			   1700000000, (uint32_t)size, 8, 1, 0, 0, (uint32_t)strlen(name) + 1, 0 };

	if (crc && (mode & CPIO_S_IFMT) == CPIO_S_IFREG)
		f[12] = sum(data, size);
	ar_raw(a, crc ? "070702" : "070701", f, name, strlen(name) + 1, data, size);
}

static void ar_trailer(struct ar *a, bool crc)
{
	ar_add(a, crc, 0, "TRAILER!!!", NULL, 0);
}

/*
 * The base archive of the table tests (offsets in hex), padded with NULs
 * to 512 bytes as cpio(1) writes it:
 *   000 "hello"  0100644, 3 bytes "hi\n"	(name 0x6e-0x73, data 0x74, next 0x78)
 *   078 "d"      0040755			(name 0xe6, next 0xe8)
 *   0e8 "d/l"    0120777 -> "hello"		(name 0x156, data 0x15c, next 0x164)
 *   164 TRAILER!!!				(name 0x1d2-0x1dc, next 0x1e0)
 *   1e0 NULs up to 0x200
 */
static void build_base(struct ar *a, bool crc)
{
	ino_next = 721;
	ar_add(a, crc, 0100644, "hello", "hi\n", 3);
	ar_add(a, crc, 0040755, "d", NULL, 0);
	ar_add(a, crc, 0120777, "d/l", "hello", 5);
	ar_trailer(a, crc);
	ar_align(a, 512);
}

/* ---- reading them back ---- */

static char err[256];

static bool err_ok(void)
{
	return !strncmp(err, "cpio: ", 6) && strlen(err) > 6 && !strchr(err, '\n');
}

static uint8_t *dup_exact(const void *b, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (len)
		memcpy(p, b, len);
	return p;
}

/*
 * Read a heap copy of exactly len bytes to the end, listing the entries as
 * "[name mode size data]" (data only when printable and short). Checks the
 * invariants every call must keep. Returns the final cpio_next result.
 */
static int read_all(const uint8_t *b, size_t len, char *list, size_t listlen, int *nentries)
{
	uint8_t *p = dup_exact(b, len);
	struct cpio_entry e;
	size_t off = 0, o = 0, prev;
	int rc, n = 0, guard = 0;

	list[0] = '\0';
	for (;;) {
		prev = off;
		memset(&e, 0xa5, sizeof(e));
		err[0] = 'X';
		err[1] = '\0';
		rc = cpio_next(p, len, &off, &e, err, sizeof(err));
		if (rc != 1)
			break;
		n++;
		CHECK(off > prev && off <= len, "offset went from 0x%zx to 0x%zx (len 0x%zx)", prev, off, len);
		CHECK(e.name >= (const char *)p && e.name + e.namelen < (const char *)p + len &&
		      e.name[e.namelen] == '\0' && strlen(e.name) == e.namelen, "entry %d: name out of bounds", n);
		CHECK(e.data >= p && e.data <= p + len && e.size <= (size_t)(p + len - e.data),
		      "entry %d: data out of bounds", n);
		CHECK(err[0] == '\0', "err not cleared on success: %s", err);
		if (o < listlen) {
			bool show = e.size <= 16;

			for (size_t i = 0; i < e.size; i++)
				show = show && ((e.data[i] >= 0x20 && e.data[i] < 0x7f) || e.data[i] == '\n');
			o += snprintf(list + o, listlen - o, "[%s %o %zu%s%.*s]", e.name, e.mode, e.size, show ? " " : "",
				      show ? (int)e.size : 0, show ? (const char *)e.data : "");
		}
		if (++guard > 100000) {
			CHECK(0, "no end after 100000 entries");
			break;
		}
	}
	if (rc == 0) {
		CHECK(off == len, "end with offset 0x%zx, len 0x%zx", off, len);
		prev = off;
		CHECK(cpio_next(p, len, &off, &e, err, sizeof(err)) == 0 && off == prev, "second call after the end");
	} else {
		CHECK(rc == -1, "cpio_next returned %d", rc);
		CHECK(err_ok(), "bad error line \"%s\"", err);
		CHECK(off == prev, "offset moved on error: 0x%zx -> 0x%zx", prev, off);
	}
	free(p);
	if (nentries)
		*nentries = n;
	return rc;
}

/* ---- table: the base archive with bytes overwritten ---- */

#define F(i) (6 + 8 * (i))	/* header field i (0 c_ino ... 12 c_chksum) */
#define NAME 110

struct mut_case {
	const char *what;
	bool crc;
	size_t at;		/* offset in the base archive */
	const char *bytes;	/* written there */
	size_t n;		/* how many (0: strlen) */
	const char *list;	/* entries read before the end or the error */
	const char *err;	/* NULL: success */
};

#define ALL "[hello 100644 3 hi\n][d 40755 0 ][d/l 120777 5 hello]"

static const struct mut_case mut_cases[] = {
	{ "unchanged", false, 0, "", 0, ALL, NULL },
	{ "unchanged crc", true, 0, "", 0, ALL, NULL },
	{ "bad magic", false, 0, "07070x", 0, "", "cpio: entry at offset 0x0: bad magic \"07070x\"" },
	{ "bad magic third", false, 0xe8, "17070", 0, "[hello 100644 3 hi\n][d 40755 0 ]",
	  "cpio: entry at offset 0xe8: bad magic \"170701\"" },
	{ "bad magic trailer", false, 0x164, "x", 0, ALL, "cpio: entry at offset 0x164: bad magic \"x70701\"" },
	{ "near magic", false, 0x164, "070711", 0, ALL, "cpio: entry at offset 0x164: bad magic \"070711\"" },
	{ "binary magic", false, 0, "\xc7\x71\x01\x02\x03\x04", 0, "",
	  "cpio: entry at offset 0x0: bad magic \"\\xc7q\\x01\\x02\\x03\\x04\" (old binary cpio format; make the archive with cpio -H newc)" },
	{ "odc magic", false, 0, "070707", 0, "",
	  "cpio: entry at offset 0x0: bad magic \"070707\" (old portable (odc) cpio format; make the archive with cpio -H newc)" },
	{ "gzip", false, 0, "\x1f\x8b\x08", 0, "",
	  "cpio: entry at offset 0x0: bad magic \"\\x1f\\x8b\\x08701\" (gzip-compressed data; goose reads only uncompressed newc/crc archives)" },
	{ "zstd", false, 0x78, "\x28\xb5\x2f\xfd", 0, "[hello 100644 3 hi\n]",
	  "cpio: entry at offset 0x78: bad magic \"(\\xb5/\\xfd01\" (zstd-compressed data; goose reads only uncompressed newc/crc archives)" },
	{ "c_filesize huge", false, F(6), "FFFFFFFF", 0, "",
	  "cpio: entry at offset 0x0: c_filesize 0xffffffff runs past the end of the archive (0x200)" },
	{ "c_filesize 2^31", false, 0x78 + F(6), "80000000", 0, "[hello 100644 3 hi\n]",
	  "cpio: entry at offset 0x78: c_filesize 0x80000000 runs past the end of the archive (0x200)" },
	{ "c_filesize to the end", false, 0xe8 + F(6), "000000a4", 0, "[hello 100644 3 hi\n][d 40755 0 ][d/l 120777 164]",
	  NULL },
	{ "c_filesize one too many", false, 0xe8 + F(6), "000000a5", 0, "[hello 100644 3 hi\n][d 40755 0 ]",
	  "cpio: entry at offset 0xe8: c_filesize 0xa5 runs past the end of the archive (0x200)" },
	{ "trailer data to the end", false, 0x164 + F(6), "00000020", 0, ALL, NULL },
	{ "trailer data past the end", false, 0x164 + F(6), "00000021", 0, ALL,
	  "cpio: entry at offset 0x164: c_filesize 0x21 runs past the end of the archive (0x200)" },
	{ "c_filesize into padding", false, F(6), "00000004", 0, "[hello 100644 4][d 40755 0 ][d/l 120777 5 hello]", NULL },
	{ "c_namesize 0", false, F(11), "00000000", 0, "", "cpio: entry at offset 0x0: c_namesize is 0" },
	{ "c_namesize huge", false, 0x78 + F(11), "FFFFFFFF", 0, "[hello 100644 3 hi\n]",
	  "cpio: entry at offset 0x78: c_namesize 0xffffffff runs past the end of the archive (0x200)" },
	{ "c_namesize past end", false, 0x164 + F(11), "0000002F", 0, ALL,
	  "cpio: entry at offset 0x164: c_namesize 0x2f runs past the end of the archive (0x200)" },
	{ "c_namesize to the end", false, 0x164 + F(11), "0000002E", 0, ALL,
	  "cpio: entry at offset 0x164: name has a NUL at byte 10 of c_namesize 0x2e" },
	{ "name without NUL", false, 0x78 + NAME + 1, "X", 0, "[hello 100644 3 hi\n]",
	  "cpio: entry at offset 0x78: name is not NUL-terminated" },
	{ "c_namesize short", false, F(11), "00000005", 0, "", "cpio: entry at offset 0x0: name is not NUL-terminated" },
	{ "NUL inside name", false, NAME + 3, "", 1, "", "cpio: entry at offset 0x0: name has a NUL at byte 3 of c_namesize 0x6" },
	{ "c_namesize 1 (empty name)", false, 0x78 + F(11), "00000001", 0, "[hello 100644 3 hi\n]",
	  "cpio: entry at offset 0x78: name is not NUL-terminated" },
	{ "bad hex c_mode", false, F(1), "0000g1ed", 0, "", "cpio: entry at offset 0x0: c_mode \"0000g1ed\" is not 8 hex digits" },
	{ "bad hex c_ino", false, F(0), " 00002D1", 0, "", "cpio: entry at offset 0x0: c_ino \" 00002D1\" is not 8 hex digits" },
	{ "bad hex c_uid", false, F(2), "\x01", 0, "", "cpio: entry at offset 0x0: c_uid \"\\x0100003E8\" is not 8 hex digits" },
	{ "bad hex c_chksum", false, F(12), "0000000\"", 0, "",
	  "cpio: entry at offset 0x0: c_chksum \"0000000\\x22\" is not 8 hex digits" },
	{ "sign in c_filesize", false, F(6), "+0000003", 0, "", "cpio: entry at offset 0x0: c_filesize \"+0000003\" is not 8 hex digits" },
	{ "0x in c_rmin", false, 0xe8 + F(10), "0x000000", 0, "[hello 100644 3 hi\n][d 40755 0 ]",
	  "cpio: entry at offset 0xe8: c_rmin \"0x000000\" is not 8 hex digits" },
	{ "lower-case hex", false, F(1), "000081a4", 0, ALL, NULL },
	{ "mixed-case hex", false, F(1), "000081A4", 0, ALL, NULL },
	{ "trailer name only", false, 0x78 + NAME, "TRAILER!!!", 0, "[hello 100644 3 hi\n]",
	  "cpio: entry at offset 0x78: name is not NUL-terminated" },
	{ "crc wrong sum", true, F(12), "00000001", 0, "",
	  "cpio: entry at offset 0x0: c_chksum 0x1 does not match the data (sum 0xdb)" },
	{ "crc data changed", true, 0x74, "Hi", 0, "",
	  "cpio: entry at offset 0x0: c_chksum 0xdb does not match the data (sum 0xbb)" },
	{ "crc sum on a symlink is not checked", true, 0xe8 + F(12), "DEADBEEF", 0, ALL, NULL },
	{ "newc sum is not checked", false, F(12), "DEADBEEF", 0, ALL, NULL },
	{ "newc/crc mixed", false, 0x78, "070702", 0, ALL, NULL },
	{ "device node", false, 0x78 + F(1), "00002180", 0, "[hello 100644 3 hi\n][d 20600 0 ]" "[d/l 120777 5 hello]", NULL },
	{ "junk after trailer", false, 0x1e0, "x", 0, ALL,
	  "cpio: entry at offset 0x1e0: bad magic \"x\\x00\\x00\\x00\\x00\\x00\"" },
	{ "junk at the very end", false, 0x1ff, "\x01", 0, ALL,
	  "cpio: entry at offset 0x1ff: not on a 4-byte boundary (broken padding before it)" },
	{ "NULs then junk after trailer", false, 0x1e3, "x", 0, ALL,
	  "cpio: entry at offset 0x1e3: not on a 4-byte boundary (broken padding before it)" },
	{ "cut magic after trailer", false, 0x1fc, "0707", 0, ALL,
	  "cpio: entry at offset 0x1fc: header is cut off by the end of the archive (0x200)" },
	{ "cut header after trailer", false, 0x1f0, "070702", 0, ALL,
	  "cpio: entry at offset 0x1f0: header is cut off by the end of the archive (0x200)" },
	{ "cut magic not matching", false, 0x1fc, "0708", 0, ALL, "cpio: entry at offset 0x1fc: bad magic \"0708\"" },
};

static void test_mutations(void)
{
	char list[1024];
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(mut_cases); i++) {
		const struct mut_case *c = &mut_cases[i];
		struct ar a = { 0 };

		build_base(&a, c->crc);
		CHECK(a.len == 0x200, "base archive is 0x%zx bytes", a.len);
		memcpy(a.p + c->at, c->bytes, c->n ? c->n : strlen(c->bytes));
		rc = read_all(a.p, a.len, list, sizeof(list), NULL);
		CHECK(!strcmp(list, c->list), "%s: entries %s, want %s", c->what, list, c->list);
		if (c->err)
			CHECK(rc == -1 && !strcmp(err, c->err), "%s: rc %d err \"%s\", want \"%s\"", c->what, rc, err, c->err);
		else
			CHECK(rc == 0, "%s: rc %d err \"%s\"", c->what, rc, err);
		free(a.p);
	}
}

/* ---- table: archives with other layouts ---- */

enum layout {
	L_EMPTY,
	L_NULS,
	L_TRAILER_ONLY,
	L_NO_TRAILER,
	L_LEADING_NULS,
	L_ODD_NULS,
	L_CONCAT,
	L_CONCAT_PADDED,
	L_CONCAT_CRC,
	L_TRAILER_WITH_DATA,
	L_BLOCKED,
	L_UNPADDED_END,
	L_NULS_BETWEEN,
	L_BIG_NAME,
	L_EMPTY_FILE,
	L_MODES,
};

struct layout_case {
	const char *what;
	enum layout l;
	const char *list;
	const char *err;
};

static const struct layout_case layout_cases[] = {
	{ "empty buffer", L_EMPTY, "", NULL },
	{ "only NULs", L_NULS, "", NULL },
	{ "trailer only", L_TRAILER_ONLY, "", NULL },
	{ "no trailer", L_NO_TRAILER, "[a 100644 1 A]", NULL },
	{ "leading NULs", L_LEADING_NULS, "[a 100644 1 A]", NULL },
	{ "2 NULs before the header", L_ODD_NULS, "",
	  "cpio: entry at offset 0x2: not on a 4-byte boundary (broken padding before it)" },
	{ "two archives back to back", L_CONCAT, "[a 100644 1 A][b 100644 2 BB]", NULL },
	{ "two archives, 512-padded", L_CONCAT_PADDED, "[a 100644 1 A][b 100644 2 BB][c 40700 0 ]", NULL },
	{ "newc then crc", L_CONCAT_CRC, "[a 100644 1 A][b 100644 2 BB]", NULL },
	{ "trailer with data", L_TRAILER_WITH_DATA, "[a 100644 1 A][b 100644 2 BB]", NULL },
	{ "512-byte blocks", L_BLOCKED, "[a 100644 1 A]", NULL },
	{ "last padding cut off", L_UNPADDED_END, "[a 100644 1 A][b 100644 2 BB]", NULL },
	{ "NULs between entries", L_NULS_BETWEEN, "[a 100644 1 A][b 100644 2 BB]", NULL },
	{ "long name", L_BIG_NAME, NULL, NULL },
	{ "empty file", L_EMPTY_FILE, "[e 100600 0 ][a 100644 1 A]", NULL },
	{ "modes", L_MODES, "[. 40755 0 ][dev 40755 0 ][dev/console 20600 0 ][dev/sda 60660 0 ][fifo 10644 0 ]"
	  "[sock 140755 0 ][sbin/init 120777 8 ../hello][setuid 104755 1 x]", NULL },
};

static void build_layout(struct ar *a, enum layout l)
{
	static const uint32_t trailer_data[13] = { 0, 0, 0, 0, 1, 0, 7, 0, 0, 0, 0, 11, 0 };
	char name[300];

	switch (l) {
	case L_EMPTY:
		break;
	case L_NULS:
		ar_zero(a, 1000);
		break;
	case L_TRAILER_ONLY:
		ar_trailer(a, false);
		ar_align(a, 512);
		break;
	case L_LEADING_NULS:
		ar_zero(a, 8);
		/* fall through */
	case L_NO_TRAILER:
		ar_add(a, false, 0100644, "a", "A", 1);
		break;
	case L_ODD_NULS:
		ar_zero(a, 2);
		ar_add(a, false, 0100644, "a", "A", 1);
		break;
	case L_CONCAT:
	case L_CONCAT_PADDED:
	case L_CONCAT_CRC:
		ar_add(a, false, 0100644, "a", "A", 1);
		ar_trailer(a, false);
		if (l == L_CONCAT_PADDED)
			ar_align(a, 512);
		ar_add(a, l == L_CONCAT_CRC, 0100644, "b", "BB", 2);
		ar_trailer(a, l == L_CONCAT_CRC);
		if (l == L_CONCAT_PADDED) {
			ar_zero(a, 64);
			ar_add(a, false, 0040700, "c", NULL, 0);
			ar_trailer(a, false);
			ar_align(a, 512);
		}
		break;
	case L_TRAILER_WITH_DATA:
		ar_add(a, false, 0100644, "a", "A", 1);
		ar_raw(a, "070701", trailer_data, "TRAILER!!!", 11, "ignored", 7);
		ar_add(a, false, 0100644, "b", "BB", 2);
		break;
	case L_BLOCKED:
		ar_add(a, false, 0100644, "a", "A", 1);
		ar_trailer(a, false);
		ar_align(a, 512);
		break;
	case L_UNPADDED_END:
		ar_add(a, false, 0100644, "a", "A", 1);
		ar_add(a, false, 0100644, "b", "BB", 2);
		a->len -= 2;	/* the data's padding */
		break;
	case L_NULS_BETWEEN:
		ar_add(a, false, 0100644, "a", "A", 1);
		ar_zero(a, 12);
		ar_add(a, false, 0100644, "b", "BB", 2);
		ar_trailer(a, false);
		break;
	case L_BIG_NAME:
		memset(name, 'n', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		ar_add(a, false, 0100644, name, "x", 1);
		ar_trailer(a, false);
		break;
	case L_EMPTY_FILE:
		ar_add(a, false, 0100600, "e", NULL, 0);
		ar_add(a, false, 0100644, "a", "A", 1);
		ar_trailer(a, false);
		break;
	case L_MODES:
		ar_add(a, true, 0040755, ".", NULL, 0);
		ar_add(a, true, 0040755, "dev", NULL, 0);
		ar_add(a, true, 0020600, "dev/console", NULL, 0);
		ar_add(a, true, 0060660, "dev/sda", NULL, 0);
		ar_add(a, true, 0010644, "fifo", NULL, 0);
		ar_add(a, true, 0140755, "sock", NULL, 0);
		ar_add(a, true, 0120777, "sbin/init", "../hello", 8);
		ar_add(a, true, 0104755, "setuid", "x", 1);
		ar_trailer(a, true);
		break;
	}
}

static void test_layouts(void)
{
	char list[2048], want[1024];
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(layout_cases); i++) {
		const struct layout_case *c = &layout_cases[i];
		struct ar a = { 0 };

		build_layout(&a, c->l);
		rc = read_all(a.p, a.len, list, sizeof(list), NULL);
		if (c->list) {
			snprintf(want, sizeof(want), "%s", c->list);
		} else {
			memset(want, 0, sizeof(want));
			want[0] = '[';
			memset(want + 1, 'n', 299);
			strcat(want, " 100644 1 x]");
		}
		CHECK(!strcmp(list, want), "%s: entries %s, want %s", c->what, list, want);
		if (c->err)
			CHECK(rc == -1 && !strcmp(err, c->err), "%s: rc %d err \"%s\", want \"%s\"", c->what, rc, err, c->err);
		else
			CHECK(rc == 0, "%s: rc %d err \"%s\"", c->what, rc, err);
		free(a.p);
	}
}

/* Every field of the returned entry, not just what the listing shows. */
static void test_fields(void)
{
	static const uint32_t f[13] = { 0x1234, 0100755, 0xfffffffe, 0x7fffffff, 0x3, 0xffffffff, 4,
					 0xa, 0xb, 0xc, 0xd, 7, 0 };
	struct ar a = { 0 };
	struct cpio_entry e;
	size_t off = 0;
	uint8_t *p;

	ar_raw(&a, "070701", f, "./init", 7, "\x7f" "ELF", 4);
	p = dup_exact(a.p, a.len);
	CHECK(cpio_next(p, a.len, &off, &e, err, sizeof(err)) == 1, "%s", err);
	CHECK(e.name == (const char *)p + 110 && e.namelen == 6 && !strcmp(e.name, "./init"), "name");
	CHECK(e.mode == 0100755 && e.uid == 0xfffffffe && e.gid == 0x7fffffff && e.nlink == 3, "mode/uid/gid/nlink");
	CHECK_EQ_U64(e.mtime, 0xffffffff, "mtime");
	CHECK(e.data == p + 120 && e.size == 4 && !memcmp(e.data, "\x7f" "ELF", 4), "data");
	CHECK_EQ_U64(off, 124, "next offset");
	CHECK(cpio_next(p, a.len, &off, &e, err, sizeof(err)) == 0 && off == 124, "end without trailer");

	/* cpio_is_archive looks at the magic only. */
	CHECK(cpio_is_archive(p, a.len), "newc");
	CHECK(cpio_is_archive("070702", 6), "crc, 6 bytes");
	CHECK(!cpio_is_archive("07070", 5), "5 bytes");
	CHECK(!cpio_is_archive("070707", 6), "odc");
	CHECK(!cpio_is_archive("\0" "70701", 6), "NUL first");
	CHECK(!cpio_is_archive(NULL, 0), "NULL");

	/* Offsets past len, and err buffers absent or tiny. */
	off = a.len + 1;
	CHECK(cpio_next(p, a.len, &off, &e, err, sizeof(err)) == -1 &&
	      !strcmp(err, "cpio: offset 0x7d is past the end of the archive (0x7c)") && off == a.len + 1, "%s", err);
	off = SIZE_MAX;
	CHECK(cpio_next(p, a.len, &off, &e, NULL, 0) == -1, "SIZE_MAX offset, no err buffer");
	p[0] = 'x';
	off = 0;
	memset(err, 'Q', sizeof(err));
	CHECK(cpio_next(p, a.len, &off, &e, err, 8) == -1 && !strcmp(err, "cpio: e") && err[8] == 'Q', "errlen 8");
	CHECK(cpio_next(p, a.len, &off, &e, err, 1) == -1 && err[0] == '\0', "errlen 1");
	off = 2;
	CHECK(cpio_next(p, 3, &off, &e, err, sizeof(err)) == -1 &&
	      !strcmp(err, "cpio: entry at offset 0x2: not on a 4-byte boundary (broken padding before it)"), "%s", err);
	CHECK(cpio_next(NULL, 0, &off, &e, err, sizeof(err)) == -1, "NULL, offset 2");
	off = 0;
	CHECK(cpio_next(NULL, 0, &off, &e, err, sizeof(err)) == 0, "NULL, empty");
	free(p);
	free(a.p);
}

/*
 * Every prefix of an archive. A cut inside an entry (after its header
 * starts, before its data ends) is an error; any other cut is a clean end
 * with exactly the entries wholly before it.
 */
static void test_truncations(bool crc)
{
	static const char *const names[] = { "a", "bb", "ccc", "dddd", "TRAILER!!!" };
	static const char *const datas[] = { "1", "", "333", "4444", "" };
	static const uint32_t modes[] = { 0100644, 0040755, 0120777, 0100600, 0 };
	struct ar a = { 0 };
	size_t start[8], dend[8], cut;
	char list[1024], want[1024];
	int n = 0, i, rc, bad = 0;

	ino_next = 1;
	for (i = 0; i < 5; i++) {
		start[n] = a.len;
		ar_add(&a, crc, modes[i], names[i], datas[i], strlen(datas[i]));
		dend[n++] = start[i] + 110 + strlen(names[i]) + 1 +
			    (strlen(datas[i]) ? (4 - (110 + strlen(names[i]) + 1) % 4) % 4 + strlen(datas[i]) : 0);
	}
	ar_align(&a, 512);
	for (cut = 0; cut <= a.len; cut++) {
		bool inside = false;
		size_t o = 0;

		want[0] = '\0';
		for (i = 0; i < n; i++) {
			if (start[i] < cut && cut < dend[i])
				inside = true;
			if (dend[i] <= cut && i < n - 1)
				o += snprintf(want + o, sizeof(want) - o, "[%s %o %zu%s%s]", names[i], modes[i],
					      strlen(datas[i]), " ", datas[i]);
		}
		rc = read_all(a.p, cut, list, sizeof(list), NULL);
		if (inside ? rc != -1 : (rc != 0 || strcmp(list, want))) {
			if (!bad)
				printf("test_cpio: cut at 0x%zx of 0x%zx: rc %d (%s) entries %s, want %s %s\n", cut, a.len,
				       rc, err, list, inside ? "an error" : "a clean end", inside ? "" : want);
			bad++;
		}
		if (rc == -1 && !err_ok())
			bad++;
	}
	CHECK(bad == 0, "%s: %d of %zu truncations wrong", crc ? "crc" : "newc", bad, a.len + 1);
	free(a.p);
}

/* Every byte of the base archive set to each of a few values: no crash, one clean line or a clean end. */
static void test_bytes(void)
{
	static const uint8_t vals[] = { 0, '0', '7', 'f', 'F', 'g', 0xff, '\n' };
	struct ar a = { 0 };
	char list[1024];
	size_t i, v, runs = 0;
	int bad = 0;

	build_base(&a, true);
	for (i = 0; i < a.len; i++) {
		uint8_t save = a.p[i];

		for (v = 0; v < ARRAY_SIZE(vals); v++) {
			a.p[i] = vals[v];
			if (read_all(a.p, a.len, list, sizeof(list), NULL) == -1 && !err_ok())
				bad++;
			runs++;
		}
		a.p[i] = save;
	}
	CHECK(bad == 0, "%d of %zu byte mutations gave a malformed error", bad, runs);
	free(a.p);
}

/* ---- real archives from cpio(1) ---- */

static bool have_cpio(void)
{
	return system("command -v cpio >/dev/null 2>&1") == 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *b;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) || !(b = malloc(st.st_size ? st.st_size : 1)) ||
	    fread(b, 1, st.st_size, f) != (size_t)st.st_size) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = st.st_size;
	return b;
}

/*
 * A small tree packed by cpio -o in both formats: the names, modes and data
 * must come back as written, the crc sums must check, and the two archives
 * concatenated must read as one initramfs. d/f and hard are one file with two
 * links: cpio(1) writes its data once, with the last link, and the earlier
 * link gets c_filesize 0 (tying them together needs c_ino, which struct
 * cpio_entry does not carry).
 */
static void test_system_cpio(void)
{
	char dir[] = "/tmp/goose-test-cpio-XXXXXX", cmd[1024], path[512], list[4096];
	static const char *const fmts[] = { "newc", "crc" };
	const char *want =
		"[. 40755 0 ][big 100644 5000][d 40700 0 ][d/e 100600 0 ][d/f 100644 0 ][hard 100644 5 four\n]"
		"[init 120777 8 bin/init][x 100755 2 #!]";
	uint8_t *b[2] = { NULL, NULL }, *cat;
	size_t len[2] = { 0, 0 };
	int i, rc, n;

	if (!have_cpio()) {
		printf("test_cpio: no cpio(1) installed, real-archive checks skipped\n");
		return;
	}
	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp failed");
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p t/d; cd t; chmod 755 .; chmod 700 d; printf 'four\\n' >d/f; : >d/e; chmod 600 d/e;"
		 "printf '#!' >x; chmod 755 x; ln -s bin/init init; ln d/f hard; head -c 5000 /dev/zero | tr '\\0' 'z' >big;"
		 "chmod 644 d/f big; for f in newc crc; do find . | LC_ALL=C sort | cpio -o -H $f --quiet >../$f.cpio; done",
		 dir);
	if (system(cmd) != 0) {
		CHECK(0, "building the test archives with cpio failed: %s", cmd);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s.cpio", dir, fmts[i]);
		b[i] = slurp(path, &len[i]);
		CHECK(b[i] != NULL && len[i] % 512 == 0, "%s: cannot read or not in 512-byte blocks", path);
		if (!b[i])
			goto out;
		CHECK(cpio_is_archive(b[i], len[i]), "%s: not recognised", fmts[i]);
		rc = read_all(b[i], len[i], list, sizeof(list), &n);
		CHECK(rc == 0 && !strcmp(list, want), "cpio -H %s: rc %d %s: entries %s, want %s", fmts[i], rc, err,
		      list, want);
	}
	cat = malloc(len[0] + len[1]);
	memcpy(cat, b[0], len[0]);
	memcpy(cat + len[0], b[1], len[1]);
	rc = read_all(cat, len[0] + len[1], list, sizeof(list), &n);
	CHECK(rc == 0 && n == 16, "newc + crc concatenated: rc %d %s, %d entries", rc, err, n);
	/* A flipped byte in a crc archive's file data is caught by the sum. */
	for (size_t k = 0; k + 4 < len[1]; k++) {
		if (!memcmp(b[1] + k, "four", 4)) {
			b[1][k] ^= 1;
			rc = read_all(b[1], len[1], list, sizeof(list), &n);
			CHECK(rc == -1 && strstr(err, "does not match the data"), "crc with a flipped data byte: %d %s", rc, err);
			break;
		}
	}
	free(cat);
out:
	free(b[0]);
	free(b[1]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("test_cpio: could not remove %s\n", dir);
}

/* ---- replaying files (fuzz corpus and regressions) ---- */

static void test_dir(const char *dir)
{
	char path[4096], list[256];
	struct dirent *d;
	size_t n = 0;
	DIR *dp = opendir(dir);

	if (!dp) {
		printf("test_cpio: %s does not exist, skipped\n", dir);
		return;
	}
	while ((d = readdir(dp))) {
		struct stat st;
		uint8_t *b;
		size_t len;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || !(b = slurp(path, &len)))
			continue;
		if (read_all(b, len, list, sizeof(list), NULL) == -1 && !err_ok())
			CHECK(0, "%s: malformed error \"%s\"", path, err);
		n++;
		free(b);
	}
	closedir(dp);
	printf("test_cpio: %s: %zu files replayed\n", dir, n);
}

int main(int argc, char **argv)
{
	test_mutations();
	test_layouts();
	test_fields();
	test_truncations(false);
	test_truncations(true);
	test_bytes();
	test_system_cpio();
	for (int i = 1; i < argc; i++)
		test_dir(argv[i]);
	/* Given payload/tests/data (as ci/test.py does), the fuzz corpus sits three levels up. */
	if (argc > 1) {
		static const char *const fuzz_dirs[] = { "fuzz/corpus/cpio", "fuzz/regressions/cpio" };
		char dir[4096];

		for (size_t i = 0; i < ARRAY_SIZE(fuzz_dirs); i++) {
			snprintf(dir, sizeof(dir), "%s/../../../%s", argv[1], fuzz_dirs[i]);
			if (access(dir, R_OK) == 0)
				test_dir(dir);
		}
	}
	return test_done("cpio");
}
