/* SPDX-License-Identifier: MIT */
/*
 * goose as an EFI application (docs/boot.md, "UEFI"). The image's PE/COFF
 * header (arch/riscv/entry.S) names efi_main as its entry: EDK2, U-Boot's
 * bootefi, GRUB or systemd-boot call it with the image wherever they loaded
 * it, boot services up and the MMU off or identity-mapped. It
 *   - finds the device tree (configuration table), the boot hart
 *     (RISCV_EFI_BOOT_PROTOCOL, else /chosen/boot-hartid later), the command
 *     line (load options, else goose.cmdline beside the image) and the
 *     program (LoadFile2 initrd, else initrd=PATH on the image's volume,
 *     else what is embedded or the FDT names), and reads GetTime;
 *   - picks a 2 MiB-aligned home for the image when it is not in one;
 *   - takes the final memory map and calls ExitBootServices, again with a
 *     fresh map when the key was stale (spec 7.4);
 *   - leaves what it learnt in efi_handoff (in .data: entry.S clears only
 *     BSS), copies the image home and enters it at _start as OpenSBI
 *     would: a0 = hart id, a1 = FDT, satp = 0.
 * Everything here runs at the load address, not the link address: only
 * pc-relative references (no pointer tables, no jump tables: -fno-jump-tables,
 * checked by ci/pecoff.py --objects), no goose service (gmsg, kmalloc).
 */
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "lib/efi.h"

extern char _start[], __image_end[], _end[];

/* In .data: it must survive entry.S's BSS clearing. */
struct efi_handoff efi_handoff __attribute__((section(".data")));

#define MIB2 (2ull << 20)
/* Memory goose can reach through its direct map. */
#define EFI_MAX_PA (((uint64_t)KERNEL_DIRECT_GIB << 30) - 1)

struct efi_ctx {
	efi_handle image;
	struct efi_system_table *st;
	struct efi_boot_services *bs;
	struct efi_loaded_image *li;
	bool quiet;
};

/* ---- the console, before ExitBootServices ---------------------------------- */

static void efi_puts(struct efi_ctx *c, const char *s)
{
	char16 buf[65];
	size_t n = 0;

	if (!c->st->con_out)
		return;
	for (;; s++) {
		if (!*s || n >= ARRAY_SIZE(buf) - 2) {
			buf[n] = 0;
			c->st->con_out->output_string(c->st->con_out, buf);
			n = 0;
			if (!*s)
				return;
		}
		if (*s == '\n')
			buf[n++] = '\r';
		buf[n++] = (unsigned char)*s;
	}
}

static void efi_putu(struct efi_ctx *c, uint64_t v, unsigned base)
{
	char buf[24];
	int i = (int)sizeof(buf) - 1;

	buf[i] = 0;
	do {
		unsigned d = (unsigned)(v % base);

		buf[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	if (base == 16) {
		buf[--i] = 'x';
		buf[--i] = '0';
	}
	efi_puts(c, buf + i);
}

/* The spec's names of the statuses the calls here return (appendix D);
 * ifs, not a table of pointers (which would hold link-time addresses). */
static const char *efi_status_name(efi_status s)
{
	s &= ~EFI_ERROR_BIT;
	if (s == 1)
		return "EFI_LOAD_ERROR";
	if (s == 2)
		return "EFI_INVALID_PARAMETER";
	if (s == 3)
		return "EFI_UNSUPPORTED";
	if (s == 5)
		return "EFI_BUFFER_TOO_SMALL";
	if (s == 7)
		return "EFI_DEVICE_ERROR";
	if (s == 9)
		return "EFI_OUT_OF_RESOURCES";
	if (s == 14)
		return "EFI_NOT_FOUND";
	if (s == 15)
		return "EFI_ACCESS_DENIED";
	return NULL;
}

/* "goose: UEFI: " what, more, rest and the EFI status, on a line of its own. */
static efi_status efi_fail3(struct efi_ctx *c, const char *what, const char *more, const char *rest, efi_status s)
{
	efi_puts(c, "\ngoose: UEFI: ");
	efi_puts(c, what);
	efi_puts(c, more);
	efi_puts(c, rest);
	if (s) {
		const char *name = efi_status_name(s);

		efi_puts(c, " (");
		if (name) {
			efi_puts(c, name);
		} else {
			efi_puts(c, "EFI status ");
			efi_putu(c, s & ~EFI_ERROR_BIT, 10);
		}
		efi_puts(c, ")");
	}
	efi_puts(c, "\n");
	return s ? s : EFI_LOAD_ERROR;
}

static efi_status efi_fail(struct efi_ctx *c, const char *what, efi_status s)
{
	return efi_fail3(c, what, "", "", s);
}

static bool guid_eq(const struct efi_guid *a, const struct efi_guid *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* ---- memory and files ---------------------------------------------------------- */

static efi_status efi_alloc(struct efi_ctx *c, uint64_t size, uint64_t *pa)
{
	*pa = EFI_MAX_PA;
	return c->bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, (size + 4095) >> 12, pa);
}

/* The image's file path on its device ("\EFI\BOOT\BOOTRISCV64.EFI"), from
 * the media file path nodes of the loaded image's device path; "" if none. */
static void efi_image_path(struct efi_ctx *c, char *out, size_t outlen)
{
	const struct efi_device_path *dp = c->li->file_path;
	size_t o = 0;

	out[0] = 0;
	for (int guard = 0; dp && dp->type != EFI_DP_END && guard < 64; guard++) {
		size_t len = dp->length[0] | (size_t)dp->length[1] << 8;

		if (len < sizeof(*dp))
			break;
		if (dp->type == EFI_DP_MEDIA && dp->subtype == EFI_DP_MEDIA_FILE_PATH) {
			const uint8_t *u = (const uint8_t *)(dp + 1);

			for (size_t i = 0; i + 1 < len - sizeof(*dp); i += 2) {
				char16 ch = (char16)(u[i] | u[i + 1] << 8);

				if (!ch)
					break;
				if (o + 1 >= outlen || ch >= 0x7f) {
					out[0] = 0;
					return;
				}
				/* Nodes join with one separator. */
				if (!(ch == '\\' && o && out[o - 1] == '\\'))
					out[o++] = (char)ch;
			}
		}
		dp = (const void *)((const uint8_t *)dp + len);
	}
	out[o] = 0;
}

/* Reads path (from the root of the image's volume) into fresh pages.
 * EFI_NOT_FOUND when there is no such file (or no file system). */
static efi_status efi_read_file(struct efi_ctx *c, const char *path, uint64_t max, uint64_t *pa, uint64_t *size)
{
	struct efi_guid sfs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID, info_guid = EFI_FILE_INFO_GUID;
	struct efi_simple_file_system *sfs;
	struct efi_file *root, *f;
	uint64_t info[64];	/* EFI_FILE_INFO and a name of up to ~200 characters */
	uint64_t isz = sizeof(info), done = 0;
	char16 name[256];
	size_t i;
	efi_status s;

	for (i = 0; path[i] && i + 1 < ARRAY_SIZE(name); i++)
		name[i] = (unsigned char)(path[i] == '/' ? '\\' : path[i]);
	name[i] = 0;
	if (!c->li->device_handle || c->bs->handle_protocol(c->li->device_handle, &sfs_guid, (void **)&sfs))
		return EFI_NOT_FOUND;
	s = sfs->open_volume(sfs, &root);
	if (s)
		return s;
	s = root->open(root, &f, name, EFI_FILE_MODE_READ, 0);
	root->close(root);
	if (s)
		return s;
	s = f->get_info(f, &info_guid, &isz, info);
	*size = ((struct efi_file_info *)info)->file_size;
	if (!s && *size > max)
		s = EFI_BUFFER_TOO_SMALL;
	if (!s)
		s = efi_alloc(c, *size ? *size : 1, pa);
	while (!s && done < *size) {
		uint64_t n = *size - done;

		s = f->read(f, &n, (void *)(uintptr_t)(*pa + done));
		if (!n)
			break;
		done += n;
	}
	f->close(f);
	if (!s && done != *size)
		s = EFI_LOAD_ERROR;
	return s;
}

/* ---- what goose needs to know ----------------------------------------------------- */

static void efi_copy(char *dst, size_t len, const char *src)
{
	size_t n = MIN(strlen(src), len - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

static bool ends_with_efi(const char *w, size_t len)
{
	static const char ext[] = ".efi";

	if (len < 4)
		return false;
	for (size_t i = 0; i < 4; i++)
		if ((w[len - 4 + i] | 0x20) != ext[i])
			return false;
	return true;
}

/* The command line: the load options, else goose.cmdline beside the image. */
static void efi_cmdline(struct efi_ctx *c, struct efi_handoff *h)
{
	char *cl = h->cmdline;

	if (c->li->load_options_size && c->li->load_options &&
	    !efi_load_options_text(c->li->load_options, c->li->load_options_size, cl, sizeof(h->cmdline))) {
		/* The UEFI shell passes the whole command line, the image's
		 * own name first: that word is not an argument. */
		size_t n = 0;

		while (cl[n] && cl[n] != ' ')
			n++;
		if (ends_with_efi(cl, n)) {
			while (cl[n] == ' ')
				n++;
			memmove(cl, cl + n, strlen(cl + n) + 1);
		}
		efi_copy(h->cmdline_from, sizeof(h->cmdline_from), "load options");
		return;
	}
	cl[0] = 0;
	char path[200];
	uint64_t pa, size;

	efi_image_path(c, path, sizeof(path));
	size_t dir = strlen(path);

	while (dir && path[dir - 1] != '\\')
		dir--;
	if (dir + sizeof("goose.cmdline") > sizeof(path))
		return;
	memcpy(path + dir, "goose.cmdline", sizeof("goose.cmdline"));
	if (efi_read_file(c, path, sizeof(h->cmdline) - 1, &pa, &size))
		return;
	const char *t = (const char *)(uintptr_t)pa;
	size_t o = 0;

	for (size_t i = 0; i < size && t[i]; i++)
		cl[o++] = t[i] == '\n' || t[i] == '\r' || t[i] == '\t' ? ' ' : t[i];
	while (o && cl[o - 1] == ' ')
		o--;
	cl[o] = 0;
	c->bs->free_pages(pa, (size + 4095) >> 12);
	efi_copy(h->cmdline_from, sizeof(h->cmdline_from), "goose.cmdline");
}

/* Linux's initrd LoadFile2 (what the loader offers), into fresh pages. */
static efi_status efi_load_initrd_lf2(struct efi_ctx *c, uint64_t *pa, uint64_t *size)
{
	struct efi_guid lf2_guid = EFI_LOAD_FILE2_PROTOCOL_GUID;
	struct __attribute__((packed)) {
		struct efi_device_path vendor;
		struct efi_guid guid;
		struct efi_device_path end;
	} dp = {
		{ EFI_DP_MEDIA, EFI_DP_MEDIA_VENDOR, { sizeof(dp.vendor) + sizeof(dp.guid), 0 } },
		LINUX_EFI_INITRD_MEDIA_GUID,
		{ EFI_DP_END, EFI_DP_END_ENTIRE, { sizeof(dp.end), 0 } },
	};
	void *rest = &dp;
	efi_handle handle;
	struct efi_load_file2 *lf2;
	efi_status s;

	if (c->bs->locate_device_path(&lf2_guid, &rest, &handle) ||
	    c->bs->handle_protocol(handle, &lf2_guid, (void **)&lf2))
		return EFI_NOT_FOUND;
	*size = 0;
	s = lf2->load_file(lf2, rest, false, size, NULL);
	if (s != EFI_BUFFER_TOO_SMALL)
		return s ? s : EFI_LOAD_ERROR;
	s = efi_alloc(c, *size, pa);
	if (!s)
		s = lf2->load_file(lf2, rest, false, size, (void *)(uintptr_t)*pa);
	return s;
}

static bool has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = s; *p; p++)
		if ((p == s || p[-1] == ' ') && !strncmp(p, w, n) && (!p[n] || p[n] == ' ' || p[n] == '='))
			return true;
	return false;
}

/* A 2 MiB-aligned home for the image, in conventional memory goose can
 * reach, taken with AllocateAddress; 0 when none. */
static uint64_t efi_image_home(struct efi_ctx *c, uint64_t size)
{
	uint64_t msize = 0, key, dsz, home = 0;
	uint32_t dver;
	void *map;

	if (c->bs->get_memory_map(&msize, NULL, &key, &dsz, &dver) != EFI_BUFFER_TOO_SMALL)
		return 0;
	msize += 8 * dsz;
	if (c->bs->allocate_pool(EFI_LOADER_DATA, msize, &map))
		return 0;
	if (!c->bs->get_memory_map(&msize, map, &key, &dsz, &dver)) {
		for (uint64_t off = 0; off + dsz <= msize && !home; off += dsz) {
			const struct efi_memory_descriptor *d = (const void *)((uint8_t *)map + off);
			uint64_t a = ALIGN_UP(d->physical_start, MIB2), e = d->physical_start + (d->number_of_pages << 12);

			if (d->type != EFI_CONVENTIONAL_MEMORY || a + size > e || a + size > EFI_MAX_PA)
				continue;
			if (!c->bs->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_LOADER_CODE, size >> 12, &a))
				home = a;
		}
	}
	c->bs->free_pool(map);
	return home;
}

/* The final memory map and ExitBootServices, retried while the map key is
 * stale. After the first try only memory allocation services may be used. */
static efi_status efi_exit_boot_services(struct efi_ctx *c, struct efi_handoff *h)
{
	uint64_t msize = 0, key, dsz = 0, cap;
	uint32_t dver;
	void *map = NULL;
	efi_status s = EFI_LOAD_ERROR;

	for (int tries = 0; tries < 8; tries++) {
		msize = 0;
		if (c->bs->get_memory_map(&msize, NULL, &key, &dsz, &dver) != EFI_BUFFER_TOO_SMALL)
			return EFI_LOAD_ERROR;
		/* Room for the descriptors the pool itself may add. */
		cap = msize + 8 * dsz;
		if (map)
			c->bs->free_pool(map);
		if (c->bs->allocate_pool(EFI_LOADER_DATA, cap, &map))
			return EFI_LOAD_ERROR;
		msize = cap;
		s = c->bs->get_memory_map(&msize, map, &key, &dsz, &dver);
		if (s)
			continue;
		s = c->bs->exit_boot_services(c->image, key);
		if (s != EFI_INVALID_PARAMETER)
			break;
	}
	if (s)
		return s;
	h->ndesc = efi_memmap_ranges(map, msize, dsz, h);
	return EFI_SUCCESS;
}

/* ---- the entry ------------------------------------------------------------------------ */

/* Two lines, each under 80 columns (firmware consoles wrap there). */
static void efi_report(struct efi_ctx *c, const struct efi_handoff *h, uint64_t fdt, uint64_t hartid, uint64_t home)
{
	unsigned minor = h->efi_revision & 0xffff;

	/* On a line of its own, whatever the firmware left on the last. */
	efi_puts(c, "\ngoose: UEFI: ");
	efi_puts(c, h->fw_vendor);
	efi_puts(c, " ");
	efi_putu(c, h->fw_revision, 16);
	efi_puts(c, ", UEFI ");
	efi_putu(c, h->efi_revision >> 16, 10);
	efi_puts(c, ".");
	efi_putu(c, minor / 10, 10);
	if (minor % 10) {
		efi_puts(c, ".");
		efi_putu(c, minor % 10, 10);
	}
	efi_puts(c, "\ngoose: UEFI: FDT at ");
	efi_putu(c, fdt, 16);
	efi_puts(c, ", boot hart ");
	if (hartid == EFI_HARTID_UNKNOWN)
		efi_puts(c, "from the FDT");
	else
		efi_putu(c, hartid, 10);
	efi_puts(c, ", image at ");
	efi_putu(c, (uint64_t)(uintptr_t)_start, 16);
	if (home != (uint64_t)(uintptr_t)_start) {
		efi_puts(c, " -> ");
		efi_putu(c, home, 16);
	}
	efi_puts(c, "\n");
}

efi_status efi_main(efi_handle image, struct efi_system_table *st)
{
	struct efi_guid li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID, dt_guid = EFI_DEVICE_TREE_GUID,
			hart_guid = RISCV_EFI_BOOT_PROTOCOL_GUID;
	struct efi_ctx c = { .image = image, .st = st, .bs = st->boot_services };
	struct efi_handoff *h = &efi_handoff;
	struct riscv_efi_boot_protocol *rbp;
	struct efi_time now;
	uint64_t fdt = 0, hartid = EFI_HARTID_UNKNOWN, size = (uintptr_t)_end - (uintptr_t)_start, home, pa = 0,
		 len = 0;
	char path[128], err[80];
	efi_status s;

	memset(h, 0, sizeof(*h));
	h->efi_revision = st->hdr.revision;
	h->fw_revision = st->firmware_revision;
	efi_ascii(st->firmware_vendor, sizeof(h->fw_vendor), h->fw_vendor, sizeof(h->fw_vendor));
	s = c.bs->handle_protocol(image, &li_guid, (void **)&c.li);
	if (s)
		return efi_fail(&c, "no EFI_LOADED_IMAGE_PROTOCOL for goose's own image", s);

	for (uint64_t i = 0; i < st->number_of_table_entries; i++)
		if (guid_eq(&st->configuration_table[i].guid, &dt_guid))
			fdt = (uint64_t)(uintptr_t)st->configuration_table[i].table;
	if (!fdt)
		return efi_fail(&c, "the firmware gives no device tree (DEVICE_TREE_GUID): ACPI alone is not enough "
				    "for goose (QEMU: -machine virt,acpi=off)", 0);
	if (c.bs->locate_protocol(&hart_guid, NULL, (void **)&rbp) || rbp->get_boot_hartid(rbp, &hartid))
		hartid = EFI_HARTID_UNKNOWN;

	efi_cmdline(&c, h);
	c.quiet = has_word(h->cmdline, "goose.quiet");
	int named = efi_take_initrd(h->cmdline, path, sizeof(path), err, sizeof(err));

	if (named < 0)
		return efi_fail(&c, err, 0);
	s = efi_load_initrd_lf2(&c, &pa, &len);
	if (!s) {
		/* As Linux's stub: initrd= is then not read (EDK2's QEMU
		 * loader adds initrd=initrd beside its LoadFile2 one). */
		efi_copy(h->initrd_from, sizeof(h->initrd_from),
			 named ? "from the loader (LoadFile2; initrd= not read)" : "from the loader (LoadFile2)");
	} else if (s != EFI_NOT_FOUND) {
		return efi_fail(&c, "the loader's initrd (LoadFile2) could not be read", s);
	} else if (named) {
		s = efi_read_file(&c, path, EFI_MAX_PA, &pa, &len);
		if (s)
			return efi_fail3(&c, "initrd=", path, ": cannot read it from goose's own volume", s);
		efi_copy(h->initrd_from, sizeof(h->initrd_from), path);
	}
	if (h->initrd_from[0]) {
		h->initrd_start = pa;
		h->initrd_end = pa + len;
	}

	if (!st->runtime_services->get_time(&now, NULL) && !efi_time_to_unix_ns(&now, &h->time_ns))
		h->time_ticks = rdtime();

	home = (uint64_t)(uintptr_t)_start;
	if (home % MIB2 || home + size > EFI_MAX_PA) {
		home = efi_image_home(&c, size);
		if (!home)
			return efi_fail(&c, "no 2 MiB-aligned free RAM for goose's image", 0);
	}
	if (!c.quiet)
		efi_report(&c, h, fdt, hartid, home);

	s = efi_exit_boot_services(&c, h);
	if (s)
		return s;	/* nothing can be said now: the console may be gone */
	h->magic = EFI_HANDOFF_MAGIC;
	if (home != (uint64_t)(uintptr_t)_start)
		memcpy((void *)(uintptr_t)home, _start, (uintptr_t)__image_end - (uintptr_t)_start);
	/* Enter the image as OpenSBI would: interrupts off, MMU off. */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, 0);
	csr_write(CSR_SATP, 0);
	sfence_vma_all();
	fence_i();
	((void (*)(uint64_t, uint64_t))(uintptr_t)home)(hartid, fdt);
	return EFI_LOAD_ERROR;
}
