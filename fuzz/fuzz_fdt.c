/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for payload/lib/fdt.c: fdt_totalsize, fdt_check and
 * fdt_parse on the raw input (libFuzzer hands over a heap buffer of exactly
 * size bytes, so ASan sees any read past it), and the promises of fdt.h on
 * what comes back.
 */
#include "lib/fdt.h"
/* Error lines must be printable (fuzz/regressions/fdt/error-line-control-chars.dtb
 * once put a node name's control characters into one). */
#define FUZZ_STRICT_ERR
#include "fuzz.h"

#define FUZZ_ERRLEN 256

static FUZZ_NOCOV bool fuzz_range_ok(const struct fdt_range *r)
{
	return r->base + r->size >= r->base;
}

static FUZZ_NOCOV void fuzz_device(const struct fdt_device *d, const uint8_t *data, size_t size)
{
	if (!d->present) {
		FUZZ_CHECK(d->base == 0 && d->size == 0 && d->compat == NULL);
		return;
	}
	if (d->compat) {
		FUZZ_CHECK(d->compat_len > 0 && fuzz_in(d->compat, d->compat_len, data, size));
		/* Must stay inside compat_len whatever the bytes are. */
		(void)fdt_stringlist_contains(d->compat, d->compat_len, "ns16550a");
	} else {
		FUZZ_CHECK(d->compat_len == 0);
	}
	FUZZ_CHECK(d->ninterrupts >= 0 && d->ninterrupts <= (int)ARRAY_SIZE(d->interrupts));
	/* interrupts-extended and the name point into the blob, whole. */
	FUZZ_CHECK(!d->intx || fuzz_in(d->intx, d->intx_len, data, size));
	FUZZ_CHECK(!d->name || fuzz_in(d->name, strlen(d->name) + 1, data, size));
}

FUZZ_NOCOV int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fdt_info info, again;
	char err[FUZZ_ERRLEN], err2[FUZZ_ERRLEN];
	size_t total;
	int check, rc;

	/* The header checks agree with one another. */
	total = fdt_totalsize(data, size);
	memset(err, 0x55, sizeof(err));
	check = fdt_check(data, size, err, sizeof(err));
	FUZZ_CHECK(check == 0 || check == -1);
	if (check == 0) {
		FUZZ_CHECK(total >= 36 && total <= size);
	} else {
		FUZZ_CHECK(total == 0);
		FUZZ_CHECK(fuzz_err_ok(err, sizeof(err), "fdt: "));
	}
	FUZZ_CHECK(fdt_check(data, size, NULL, 0) == check);

	memset(err, 0x55, sizeof(err));
	rc = fdt_parse(data, size, &info, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		FUZZ_CHECK(fuzz_err_ok(err, sizeof(err), "fdt: "));
	} else {
		FUZZ_CHECK(check == 0);
		FUZZ_CHECK(err[0] == '\0');

		/* 0 only for a tree with no memory node (the caller stops). */
		FUZZ_CHECK(info.nmem >= 0 && info.nmem <= FDT_MAX_RANGES);
		for (int i = 0; i < info.nmem; i++)
			FUZZ_CHECK(info.mem[i].size != 0 && fuzz_range_ok(&info.mem[i]));
		FUZZ_CHECK(info.nresv >= 0 && info.nresv <= FDT_MAX_RANGES);
		for (int i = 0; i < info.nresv; i++)
			FUZZ_CHECK(info.resv[i].size != 0 && fuzz_range_ok(&info.resv[i]));

		/* Strings point into the blob (within totalsize) and end there. */
		if (info.bootargs)
			FUZZ_CHECK(fuzz_cstr_in(info.bootargs, data, total));
		if (info.stdout_path)
			FUZZ_CHECK(fuzz_cstr_in(info.stdout_path, data, total));
		FUZZ_CHECK(info.initrd_end >= info.initrd_start);

		FUZZ_CHECK(info.nharts >= 0 && info.nharts <= FDT_MAX_HARTS);
		for (int i = 0; i < info.nharts; i++) {
			const struct fdt_hart *h = &info.harts[i];

			FUZZ_CHECK(memchr(h->isa, '\0', sizeof(h->isa)) != NULL);
			FUZZ_CHECK(!h->usable || h->has_mmu);
			FUZZ_CHECK(h->has_sstc == !!(h->ext & FDT_EXT_SSTC) && h->has_zkr == !!(h->ext & FDT_EXT_ZKR));
		}

		fuzz_device(&info.console, data, size);
		/* The tables are never overrun: a tree with more is an error. */
		FUZZ_CHECK(info.ndevices >= 0 && info.ndevices <= FDT_MAX_DEVS);
		for (int i = 0; i < info.ndevices; i++) {
			FUZZ_CHECK(info.device[i].present);
			fuzz_device(&info.device[i], data, size);
		}
		FUZZ_CHECK(info.nmmio >= 0 && info.nmmio <= FDT_MAX_DEVS);
		for (int i = 0; i < info.nmmio; i++)
			FUZZ_CHECK(info.mmio[i].size != 0 && fuzz_range_ok(&info.mmio[i]));
	}

	/* Deterministic, and the same without an error buffer or with a tiny one. */
	memset(err2, 0x55, sizeof(err2));
	FUZZ_CHECK(fdt_parse(data, size, &again, err2, sizeof(err2)) == rc);
	FUZZ_CHECK(!strcmp(err, err2));
	FUZZ_CHECK(!memcmp(&info, &again, sizeof(info)));
	FUZZ_CHECK(fdt_parse(data, size, &again, NULL, 0) == rc);
	err2[0] = 'x';
	err2[1] = 'y';
	FUZZ_CHECK(fdt_parse(data, size, &again, err2, 1) == rc && err2[0] == '\0' && err2[1] == 'y');
	return 0;
}
