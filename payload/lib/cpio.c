/* SPDX-License-Identifier: MIT */
/*
 * cpio "newc"/"crc" reader for the initramfs. The format is Linux's
 * Documentation/driver-api/early-userspace/buffer-format.rst; where that
 * document is silent this follows init/initramfs.c (NUL padding between
 * archives, headers on 4-byte boundaries, the "crc" sum over a regular
 * file's data), and is stricter where Linux quietly skips or stops.
 *
 * Every offset is a size_t in [0, len] and every length read from a header
 * is compared against what is left (len - offset) before it is added, so no
 * sum can wrap. Nothing here allocates or keeps state between calls.
 */
#include "lib/cpio.h"

#define CPIO_MAGIC_LEN		6
#define CPIO_FIELD_LEN		8
#define CPIO_ALIGN		4
#define CPIO_TRAILER		"TRAILER!!!"

/* The thirteen header fields after the magic, in order (buffer-format.rst). */
enum {
	CPIO_INO,
	CPIO_MODE,
	CPIO_UID,
	CPIO_GID,
	CPIO_NLINK,
	CPIO_MTIME,
	CPIO_FILESIZE,
	CPIO_MAJ,
	CPIO_MIN,
	CPIO_RMAJ,
	CPIO_RMIN,
	CPIO_NAMESIZE,
	CPIO_CHKSUM,
	CPIO_NFIELDS
};

static const char *const cpio_field_names[CPIO_NFIELDS] = {
	"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime", "c_filesize",
	"c_maj", "c_min", "c_rmaj", "c_rmin", "c_namesize", "c_chksum",
};

#define CPIO_UNCOMPRESSED	"; goose reads only uncompressed newc/crc archives"
#define CPIO_USE_NEWC		"; make the archive with cpio -H newc"

/*
 * What else an initramfs may hold at a header position: the compressed
 * archives Linux's decompress_method() knows, and the other cpio formats
 * GNU cpio writes. Named in the error so the fix is obvious.
 */
static const struct {
	uint8_t len;
	uint8_t magic[CPIO_MAGIC_LEN];
	const char *what;
} cpio_foreign[] = {
	{ 2, { 0x1f, 0x8b }, "gzip-compressed data" CPIO_UNCOMPRESSED },
	{ 2, { 0x1f, 0x9e }, "gzip-compressed data" CPIO_UNCOMPRESSED },
	{ 3, { 'B', 'Z', 'h' }, "bzip2-compressed data" CPIO_UNCOMPRESSED },
	{ 3, { 0x5d, 0x00, 0x00 }, "lzma-compressed data" CPIO_UNCOMPRESSED },
	{ 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, "xz-compressed data" CPIO_UNCOMPRESSED },
	{ 4, { 0x89, 'L', 'Z', 'O' }, "lzo-compressed data" CPIO_UNCOMPRESSED },
	{ 4, { 0x02, 0x21, 0x4c, 0x18 }, "lz4-compressed data" CPIO_UNCOMPRESSED },
	{ 4, { 0x28, 0xb5, 0x2f, 0xfd }, "zstd-compressed data" CPIO_UNCOMPRESSED },
	{ 6, { '0', '7', '0', '7', '0', '7' }, "old portable (odc) cpio format" CPIO_USE_NEWC },
	{ 2, { 0xc7, 0x71 }, "old binary cpio format" CPIO_USE_NEWC },
	{ 2, { 0x71, 0xc7 }, "old binary cpio format" CPIO_USE_NEWC },
};

/* n (at most 8) bytes as a C string literal body: printable ASCII as is, the rest \xNN. */
static const char *cpio_quote(char out[4 * CPIO_FIELD_LEN + 1], const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && i < CPIO_FIELD_LEN; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\') {
			out[o++] = (char)p[i];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 0xf];
		}
	}
	out[o] = '\0';
	return out;
}

/* One 8-digit field, either case (Linux writes upper case, GNU cpio lower). */
static bool cpio_hex(const uint8_t *p, uint32_t *v)
{
	uint32_t x = 0;
	int i, d;

	for (i = 0; i < CPIO_FIELD_LEN; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return false;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return true;
}

static bool cpio_magic_ok(const uint8_t *p, size_t n, bool *crc)
{
	if (n < CPIO_MAGIC_LEN)
		return false;
	if (!memcmp(p, "070701", CPIO_MAGIC_LEN)) {
		*crc = false;
		return true;
	}
	if (!memcmp(p, "070702", CPIO_MAGIC_LEN)) {
		*crc = true;
		return true;
	}
	return false;
}

bool cpio_is_archive(const void *buf, size_t len)
{
	bool crc = false;

	return buf && cpio_magic_ok(buf, len, &crc);
}

/*
 * The 110-byte header at pos, which is 4-aligned and below len: magic and the
 * thirteen fields into f[]. A header cut off by len whose bytes so far could
 * still be a newc/crc header is "cut off"; anything else is a bad magic.
 */
static int cpio_header(const uint8_t *b, size_t len, size_t pos, uint32_t f[CPIO_NFIELDS], bool *crc,
		       char *err, size_t errlen)
{
	const uint8_t *h = b + pos;
	size_t left = len - pos, i;
	char q[4 * CPIO_FIELD_LEN + 1];

	if (!cpio_magic_ok(h, left, crc)) {
		if (left < CPIO_MAGIC_LEN && (!memcmp(h, "070701", left) || !memcmp(h, "070702", left)))
			return err_line(err, errlen,
					"cpio: entry at offset 0x%zx: header is cut off by the end of the archive (0x%zx)",
					pos, len);
		for (i = 0; i < ARRAY_SIZE(cpio_foreign); i++) {
			if (left >= cpio_foreign[i].len && !memcmp(h, cpio_foreign[i].magic, cpio_foreign[i].len))
				return err_line(err, errlen, "cpio: entry at offset 0x%zx: bad magic \"%s\" (%s)", pos,
						cpio_quote(q, h, MIN(left, (size_t)CPIO_MAGIC_LEN)), cpio_foreign[i].what);
		}
		return err_line(err, errlen, "cpio: entry at offset 0x%zx: bad magic \"%s\"", pos,
				cpio_quote(q, h, MIN(left, (size_t)CPIO_MAGIC_LEN)));
	}
	if (left < CPIO_HDR_SIZE)
		return err_line(err, errlen,
				"cpio: entry at offset 0x%zx: header is cut off by the end of the archive (0x%zx)", pos,
				len);
	for (i = 0; i < CPIO_NFIELDS; i++) {
		const uint8_t *p = h + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN;

		if (!cpio_hex(p, &f[i]))
			return err_line(err, errlen, "cpio: entry at offset 0x%zx: %s \"%s\" is not 8 hex digits", pos,
					cpio_field_names[i], cpio_quote(q, p, CPIO_FIELD_LEN));
	}
	return 0;
}

/* Bytes of padding after offset o up to the next 4-byte boundary, cut short by len. */
static size_t cpio_pad(size_t o, size_t len)
{
	size_t pad = (CPIO_ALIGN - (o & (CPIO_ALIGN - 1))) & (CPIO_ALIGN - 1);

	return MIN(pad, len - o);
}

/* The "crc" format's check: a plain 32-bit sum of the data bytes (buffer-format.rst). */
static uint32_t cpio_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e, char *err, size_t errlen)
{
	const uint8_t *b = buf;
	uint32_t f[CPIO_NFIELDS];
	size_t pos = *off, namesize, filesize, name_end, data, data_end, next, pad;
	const char *name;
	bool crc = false;

	if (err && errlen)
		err[0] = '\0';
	if (pos > len)
		return err_line(err, errlen, "cpio: offset 0x%zx is past the end of the archive (0x%zx)", pos, len);
	if (!b && len)
		return err_line(err, errlen, "cpio: no buffer");

	/* Each pass reads one header; a TRAILER!!! goes round again (at least 112 bytes on). */
	for (;;) {
		/* NUL bytes between entries and archives (initramfs.c do_reset and unpack_to_rootfs). */
		while (pos < len && b[pos] == 0)
			pos++;
		if (pos == len) {
			*off = len;
			return 0;
		}
		if (pos & (CPIO_ALIGN - 1))
			return err_line(err, errlen,
					"cpio: entry at offset 0x%zx: not on a 4-byte boundary (broken padding before it)",
					pos);
		if (cpio_header(b, len, pos, f, &crc, err, errlen))
			return -1;

		/* The name: c_namesize bytes right after the header, the last one its NUL. */
		namesize = f[CPIO_NAMESIZE];
		if (namesize == 0)
			return err_line(err, errlen, "cpio: entry at offset 0x%zx: c_namesize is 0", pos);
		if (namesize > len - pos - CPIO_HDR_SIZE)
			return err_line(err, errlen,
					"cpio: entry at offset 0x%zx: c_namesize 0x%zx runs past the end of the archive (0x%zx)",
					pos, namesize, len);
		name = (const char *)b + pos + CPIO_HDR_SIZE;
		if (name[namesize - 1] != '\0')
			return err_line(err, errlen, "cpio: entry at offset 0x%zx: name is not NUL-terminated", pos);
		if (strnlen(name, namesize) != namesize - 1)
			return err_line(err, errlen,
					"cpio: entry at offset 0x%zx: name has a NUL at byte %zu of c_namesize 0x%zx",
					pos, strnlen(name, namesize), namesize);

		/* The data: after header + name padded to 4, c_filesize bytes, padded to 4 itself. */
		name_end = pos + CPIO_HDR_SIZE + namesize;
		filesize = f[CPIO_FILESIZE];
		pad = cpio_pad(name_end, len);	/* cut short only if nothing follows */
		if (filesize > len - name_end - pad)
			return err_line(err, errlen,
					"cpio: entry at offset 0x%zx: c_filesize 0x%zx runs past the end of the archive (0x%zx)",
					pos, filesize, len);
		data = name_end + pad;
		data_end = data + filesize;
		next = data_end + cpio_pad(data_end, len);

		if (namesize == sizeof(CPIO_TRAILER) && !memcmp(name, CPIO_TRAILER, sizeof(CPIO_TRAILER))) {
			pos = next;
			continue;
		}

		/* Linux checks the sum of a regular file's bytes only (initramfs.c do_copy). */
		if (crc && (f[CPIO_MODE] & CPIO_S_IFMT) == CPIO_S_IFREG &&
		    cpio_sum(b + data, filesize) != f[CPIO_CHKSUM])
			return err_line(err, errlen,
					"cpio: entry at offset 0x%zx: c_chksum 0x%x does not match the data (sum 0x%x)",
					pos, f[CPIO_CHKSUM], cpio_sum(b + data, filesize));

		e->name = name;
		e->namelen = namesize - 1;
		e->mode = f[CPIO_MODE];
		e->uid = f[CPIO_UID];
		e->gid = f[CPIO_GID];
		e->nlink = f[CPIO_NLINK];
		e->mtime = f[CPIO_MTIME];
		e->data = b + data;
		e->size = filesize;
		*off = next;
		return 1;
	}
}
