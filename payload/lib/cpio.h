/* SPDX-License-Identifier: MIT */
/*
 * Reader for the initramfs format Linux unpacks: cpio "newc" (magic
 * "070701") and "crc" (magic "070702") archives, as described in Linux's
 * Documentation/driver-api/early-userspace/buffer-format.rst and read by
 * init/initramfs.c.
 *
 *   initramfs := ("\0" | cpio_archive | cpio_compressed_archive)*
 *   cpio_archive := cpio_file* (<nothing> | cpio_trailer)
 *   cpio_file := ALGN(4) + cpio_header + filename + "\0" + ALGN(4) + data
 *   cpio_trailer := ALGN(4) + cpio_header + "TRAILER!!!\0" + ALGN(4)
 *
 * Each header is 110 ASCII bytes: the 6-byte magic, then thirteen 8-digit
 * hexadecimal fields (c_ino, c_mode, c_uid, c_gid, c_nlink, c_mtime,
 * c_filesize, c_maj, c_min, c_rmaj, c_rmin, c_namesize, c_chksum). The name
 * (c_namesize bytes with its NUL) is padded so that header + name is a
 * multiple of 4, the data is padded to 4 as well. An entry named
 * "TRAILER!!!" ends an archive; NUL bytes may follow, and another archive
 * after them.
 *
 * Choices (mostly: where Linux quietly skips or stops, goose says what is wrong):
 *   - every header starts on a 4-byte boundary of buf (Linux: "broken
 *     padding"), and every field is exactly 8 hex digits, either case;
 *   - c_namesize 0, a name without its final NUL or with a NUL before it,
 *     and a name or data running past len are errors (Linux skips or stops);
 *   - as in the grammar above and in Linux, the trailer is optional: the
 *     end of the buffer at an entry boundary (after NUL padding) ends the
 *     last archive as TRAILER!!! does;
 *   - "crc" archives: for regular files c_chksum must equal the 32-bit sum
 *     of the data bytes, as Linux checks it ("bad data checksum"); other
 *     entry types and all "newc" entries ignore c_chksum;
 *   - compressed archives (gzip, xz, ...) are not unpacked: an error says so.
 *   - the padding bytes are not checked, as in Linux; the padding after the
 *     last entry may be cut off by the end of the buffer.
 *
 * Pure: takes (buf, len), bounds-checks every offset with arithmetic that
 * cannot wrap, touches no CSR or MMIO, compiles natively for host tests and
 * fuzzers. Pointers handed back point into buf.
 */
#ifndef GOOSE_CPIO_H
#define GOOSE_CPIO_H

#include "lib/lib.h"

#define CPIO_HDR_SIZE 110

/* st_mode file types (POSIX <sys/stat.h> values, as cpio stores them). */
#define CPIO_S_IFMT   0170000
#define CPIO_S_IFSOCK 0140000
#define CPIO_S_IFLNK  0120000
#define CPIO_S_IFREG  0100000
#define CPIO_S_IFBLK  0060000
#define CPIO_S_IFDIR  0040000
#define CPIO_S_IFCHR  0020000
#define CPIO_S_IFIFO  0010000

struct cpio_entry {
	const char *name;	/* NUL-terminated, points into buf; leading "./" or "/" NOT stripped */
	size_t namelen;		/* without the NUL */
	uint32_t mode;		/* st_mode bits as in the header (S_IFREG 0100000, S_IFDIR 0040000, S_IFLNK 0120000, S_IFCHR...) */
	uint32_t uid, gid, nlink;
	uint64_t mtime;
	const uint8_t *data;	/* file bytes (or symlink target, not NUL-terminated), points into buf */
	size_t size;
};

/* Is buf the start of a cpio archive (newc or crc magic)? */
bool cpio_is_archive(const void *buf, size_t len);

/*
 * Read the entry at *off, advance *off past it. Returns 1 with *e filled, 0
 * at the end of the archive (TRAILER!!! and then only NUL padding or the end
 * of the buffer; a following archive is read on), or -1 with one line in err,
 * e.g. "cpio: entry at offset 0x1f4: bad magic \"07070x\"". NUL bytes before
 * a header are skipped. The TRAILER!!! entry itself is not returned. After 0,
 * *off is len (and another call returns 0 again); after -1, *off is unchanged.
 *
 * Every call that returns 1 moves *off forward by at least one header (112
 * bytes), so a loop until the result is not 1 always terminates.
 */
int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e, char *err, size_t errlen);

#endif
