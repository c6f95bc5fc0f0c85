/* SPDX-License-Identifier: MIT */
/*
 * The pure half of goose's EFI entry (lib/efi.h). These functions run before
 * ExitBootServices from wherever firmware loaded the image, with the MMU off
 * or identity-mapped: they must reach nothing through an absolute address
 * (no pointer tables, no switch jump tables: the Makefile builds this file
 * with -fno-jump-tables, and ci/pecoff.py --objects checks its relocations).
 */
#include "lib/efi.h"

int efi_load_options_text(const void *opts, size_t n, char *out, size_t outlen)
{
	const uint8_t *p = opts;
	size_t units = n / 2, o = 0;
	bool terminated = false, ascii = true;

	if (!outlen)
		return -1;
	out[0] = 0;
	if (n % 2)
		return -1;
	for (size_t i = 0; i < units; i++) {
		uint32_t c = p[2 * i] | (uint32_t)p[2 * i + 1] << 8;

		terminated |= !c;
		ascii &= c < 0x80;
		if (!c)
			break;
	}
	/* Text is NUL-terminated (as loaders write it) or plain ASCII: a
	 * binary blob, such as EDK2's GUID, is rarely either. */
	if (!terminated && !ascii)
		return -1;
	for (size_t i = 0; i < units; i++) {
		uint32_t c = p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
		uint8_t enc[4];
		size_t len;

		if (!c)
			break;
		if (c >= 0xd800 && c <= 0xdbff) {
			uint32_t lo = i + 1 < units ? (p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8) : 0;

			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		} else if (c >= 0xdc00 && c <= 0xdfff) {
			return -1;
		}
		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		if (c < 0x20 || c == 0x7f)
			return -1;
		if (c < 0x80) {
			enc[0] = (uint8_t)c;
			len = 1;
		} else if (c < 0x800) {
			enc[0] = (uint8_t)(0xc0 | c >> 6);
			enc[1] = (uint8_t)(0x80 | (c & 0x3f));
			len = 2;
		} else if (c < 0x10000) {
			enc[0] = (uint8_t)(0xe0 | c >> 12);
			enc[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			enc[2] = (uint8_t)(0x80 | (c & 0x3f));
			len = 3;
		} else {
			enc[0] = (uint8_t)(0xf0 | c >> 18);
			enc[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
			enc[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			enc[3] = (uint8_t)(0x80 | (c & 0x3f));
			len = 4;
		}
		if (o + len >= outlen) {
			out[0] = 0;
			return -1;
		}
		memcpy(out + o, enc, len);
		o += len;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
	return 0;
}

/* An error line without vsnprintf (whose switch may become a jump table). */
static int efi_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen) {
		size_t n = MIN(strlen(msg), errlen - 1);

		memcpy(err, msg, n);
		err[n] = 0;
	}
	return -1;
}

static bool is_space(char c)
{
	return c == ' ';
}

int efi_take_initrd(char *cmdline, char *path, size_t pathlen, char *err, size_t errlen)
{
	int found = 0;
	char *w = cmdline;

	path[0] = 0;
	while (*w) {
		char *end = w;

		while (*end && !is_space(*end))
			end++;
		if (end - w > 7 && !strncmp(w, "initrd=", 7)) {
			size_t len = (size_t)(end - w - 7);

			if (found)
				return efi_err(err, errlen, "two initrd= words in the command line: goose loads one file");
			if (len + 1 > pathlen)
				return efi_err(err, errlen, "initrd=: the path is too long");
			for (size_t i = 0; i < len; i++)
				path[i] = w[7 + i] == '/' ? '\\' : w[7 + i];
			path[len] = 0;
			found = 1;
			/* Out of the line, with the spaces after it. */
			while (is_space(*end))
				end++;
			memmove(w, end, strlen(end) + 1);
			continue;
		}
		w = end;
		while (is_space(*w))
			w++;
	}
	/* A word taken last leaves a space behind. */
	for (size_t n = strlen(cmdline); n && is_space(cmdline[n - 1]); n--)
		cmdline[n - 1] = 0;
	return found;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = y / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

int efi_time_to_unix_ns(const struct efi_time *t, uint64_t *ns)
{
	static const uint8_t mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (t->year % 4 == 0 && t->year % 100 != 0) || t->year % 400 == 0;

	if (t->year < 1970 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
	    t->day > mdays[t->month - 1] || (t->month == 2 && t->day == 29 && !leap) || t->hour > 23 ||
	    t->minute > 59 || t->second > 59 || t->nanosecond > 999999999)
		return -1;
	if (t->time_zone != EFI_UNSPECIFIED_TIMEZONE && (t->time_zone < -1440 || t->time_zone > 1440))
		return -1;
	int64_t s = days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 + t->minute * 60 + t->second;

	/* local = UTC - time_zone (spec 8.3); an unspecified zone is taken as UTC. */
	if (t->time_zone != EFI_UNSPECIFIED_TIMEZONE)
		s += t->time_zone * 60;
	if (s < 0)
		return -1;
	*ns = (uint64_t)s * 1000000000ull + t->nanosecond;
	return 0;
}

/* Adds [b, e) to the ascending, disjoint ranges r[0..*n), merging what
 * overlaps or touches. -1 when a new range is needed and max are there. */
static int range_add(struct efi_range *r, int *n, int max, uint64_t b, uint64_t e)
{
	int i = 0;

	while (i < *n && r[i].end < b)
		i++;
	if (i < *n && r[i].base <= e) {
		r[i].base = MIN(r[i].base, b);
		r[i].end = MAX(r[i].end, e);
		while (i + 1 < *n && r[i + 1].base <= r[i].end) {
			r[i].end = MAX(r[i].end, r[i + 1].end);
			memmove(&r[i + 1], &r[i + 2], (size_t)(*n - i - 2) * sizeof(*r));
			(*n)--;
		}
		return 0;
	}
	if (*n == max)
		return -1;
	memmove(&r[i + 1], &r[i], (size_t)(*n - i) * sizeof(*r));
	r[i] = (struct efi_range){ b, e };
	(*n)++;
	return 0;
}

/* Merges the two neighbours with the smallest gap (and the gap: reserving
 * more than firmware asked is safe, less is not). */
static void range_merge_closest(struct efi_range *r, int *n)
{
	int best = 0;

	for (int i = 1; i + 1 < *n; i++)
		if (r[i + 1].base - r[i].end < r[best + 1].base - r[best].end)
			best = i;
	r[best].end = r[best + 1].end;
	memmove(&r[best + 1], &r[best + 2], (size_t)(*n - best - 2) * sizeof(*r));
	(*n)--;
}

/* Memory the OS may use once boot services are gone (spec 7.2, table
 * "Memory Type Usage after ExitBootServices()"). */
#define EFI_USABLE_TYPES                                                                            \
	(1u << EFI_LOADER_CODE | 1u << EFI_LOADER_DATA | 1u << EFI_BOOT_SERVICES_CODE |              \
	 1u << EFI_BOOT_SERVICES_DATA | 1u << EFI_CONVENTIONAL_MEMORY)
#define EFI_MMIO_TYPES (1u << EFI_MEMORY_MAPPED_IO | 1u << EFI_MEMORY_MAPPED_IO_PORT_SPACE)

uint32_t efi_memmap_ranges(const void *map, uint64_t map_size, uint64_t desc_size, struct efi_handoff *h)
{
	uint32_t ndesc = 0;

	h->nram = h->nresv = h->ram_lost = h->resv_merged = 0;
	if (desc_size < sizeof(struct efi_memory_descriptor))
		return 0;
	for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size, ndesc++) {
		const struct efi_memory_descriptor *d = (const void *)((const uint8_t *)map + off);
		uint64_t b = d->physical_start, e = b + (d->number_of_pages << 12);
		uint32_t bit = d->type < 32 ? 1u << d->type : 0;

		if ((bit & EFI_MMIO_TYPES) || !d->number_of_pages || e < b)
			continue;
		if (range_add(h->ram, &h->nram, EFI_MAX_RAM, b, e))
			h->ram_lost++;
		if (bit & EFI_USABLE_TYPES)
			continue;
		/* Reserved, runtime services, ACPI, unusable, persistent,
		 * unaccepted and types past the spec's (OEM, OS): untouched. */
		while (range_add(h->resv, &h->nresv, EFI_MAX_RESV, b, e)) {
			range_merge_closest(h->resv, &h->nresv);
			h->resv_merged++;
		}
	}
	return ndesc;
}

void efi_ascii(const char16 *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; s && i < n && s[i] && o + 1 < outlen; i++)
		out[o++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	if (outlen)
		out[o] = 0;
}
