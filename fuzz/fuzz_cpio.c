/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for payload/lib/cpio.c: cpio_next from offset 0 until it
 * stops, with the promises of cpio.h checked at every step (the offset only
 * grows, names and data lie inside the input, the end is sticky, an error
 * leaves the offset alone and is one "cpio: " line).
 */
#include "lib/cpio.h"
/* Messages here carry no bytes from the input: hold them to printable ASCII. */
#define FUZZ_STRICT_ERR
#include "fuzz.h"

#define FUZZ_ERRLEN 256

FUZZ_NOCOV int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_entry e;
	char err[FUZZ_ERRLEN];
	size_t off = 0, prev, entries = 0;
	int rc;

	if (size >= 6)
		FUZZ_CHECK(cpio_is_archive(data, size) ==
			   (!memcmp(data, "070701", 6) || !memcmp(data, "070702", 6)));
	else
		FUZZ_CHECK(!cpio_is_archive(data, size));

	for (;;) {
		prev = off;
		memset(err, 0x55, sizeof(err));
		rc = cpio_next(data, size, &off, &e, err, sizeof(err));
		if (rc != 1)
			break;
		entries++;
		/* Each entry is a 110-byte header and at least a NUL name: at least 112 bytes on. */
		FUZZ_CHECK(off > prev && off - prev >= 112 && off <= size);
		FUZZ_CHECK(entries <= size / 112);
		FUZZ_CHECK(err[0] == '\0');
		FUZZ_CHECK(fuzz_in(e.name, e.namelen + 1, data, size));
		FUZZ_CHECK(e.name[e.namelen] == '\0' && strlen(e.name) == e.namelen);
		FUZZ_CHECK((const uint8_t *)e.name - data >= 110);
		FUZZ_CHECK(fuzz_in(e.data, e.size, data, size));
		FUZZ_CHECK(e.data >= (const uint8_t *)e.name + e.namelen + 1);
		FUZZ_CHECK(e.data + e.size <= data + off);
		FUZZ_CHECK(strcmp(e.name, "TRAILER!!!"));
	}
	if (rc == 0) {
		FUZZ_CHECK(off == size);
		FUZZ_CHECK(cpio_next(data, size, &off, &e, err, sizeof(err)) == 0 && off == size);
	} else {
		FUZZ_CHECK(rc == -1);
		FUZZ_CHECK(off == prev);
		FUZZ_CHECK(fuzz_err_ok(err, sizeof(err), "cpio: "));
		/* The same error again, and without an error buffer. */
		FUZZ_CHECK(cpio_next(data, size, &off, &e, NULL, 0) == -1 && off == prev);
	}
	return 0;
}
