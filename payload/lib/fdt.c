/* SPDX-License-Identifier: MIT */
/*
 * Flattened device tree reader. The layout is the Devicetree Specification
 * v0.4, chapter 5 ("Flattened Devicetree (DTB) Format"):
 *
 *   header (5.2) | memory reservation block (5.3) | structure block (5.4) |
 *   strings block (5.5)
 *
 * all big-endian. The structure block is a linear stream of 4-byte-aligned
 * tokens; this file walks it front to back (every step advances at least 4
 * bytes, so hostile input always terminates), keeps a bounded stack of open
 * nodes instead of recursing, and checks every offset against the bytes it
 * was given, never against what the header claims beyond them.
 */
#include "lib/fdt.h"
#include "lib/isa.h"

/* Header fields (spec 5.2): byte offsets of the big-endian u32s. */
#define FDT_H_MAGIC		0x00
#define FDT_H_TOTALSIZE		0x04
#define FDT_H_OFF_DT_STRUCT	0x08
#define FDT_H_OFF_DT_STRINGS	0x0c
#define FDT_H_OFF_MEM_RSVMAP	0x10
#define FDT_H_VERSION		0x14
#define FDT_H_LAST_COMP_VERSION	0x18
#define FDT_H_SIZE_DT_STRINGS	0x20
#define FDT_H_SIZE_DT_STRUCT	0x24	/* version 17 only */
#define FDT_HDR_V16		36
#define FDT_HDR_V17		40

/* Structure block tokens (spec 5.4.1), each a big-endian u32 on a 4-byte boundary. */
#define FDT_BEGIN_NODE		0x1
#define FDT_END_NODE		0x2
#define FDT_PROP		0x3
#define FDT_NOP			0x4
#define FDT_END			0x9

#define FDT_TOKEN_ALIGN		4
#define FDT_MAX_DEPTH		64
#define FDT_MAX_PATH		256

/* Defaults when a parent has no #address-cells / #size-cells (spec 2.3.5). */
#define FDT_DEFAULT_ADDR_CELLS	2
#define FDT_DEFAULT_SIZE_CELLS	1

/* The blob once its header has been checked: every block lies inside size. */
struct fdt_blob {
	const uint8_t *p;
	uint64_t size;		/* totalsize, <= the caller's len */
	uint64_t rsvmap;
	uint64_t struct_off;
	uint64_t struct_size;
	uint64_t strings_off;
	uint64_t strings_size;
};

/* One structure-block token; positions are relative to the block start. */
struct fdt_token {
	uint32_t tag;
	uint64_t pos;
	uint64_t next;
	const char *name;	/* node or property name, NUL-terminated in the blob */
	const uint8_t *val;	/* property value */
	uint32_t len;
};

struct fdt_frame {
	const char *name;
	uint32_t addr_cells;	/* this node's #address-cells, for its children */
	uint32_t size_cells;
	bool has_child;
};

/* A walk over the whole structure block with the stack of open nodes. */
struct fdt_iter {
	const struct fdt_blob *b;
	uint64_t pos;
	int depth;		/* open nodes; the root is depth 1 */
	bool seen_root;
	struct fdt_frame frame[FDT_MAX_DEPTH];
};

/* The node whose properties are being collected (see fdt_scan). */
struct fdt_node {
	bool pending;
	int depth;
	uint64_t props;		/* position of the first token after the name */
	uint64_t off;		/* blob offset of FDT_BEGIN_NODE, for messages */
	const char *name;
	const char *parent;	/* NULL for the root */
	uint32_t addr_cells;	/* the parent's, which govern this node's reg */
	uint32_t size_cells;
	const char *device_type;
	const uint8_t *reg;
	uint32_t reglen;
	const char *compat;
	uint32_t compatlen;
	bool okay;
	bool no_map;
	bool is_intc;		/* has the interrupt-controller property */
	bool in_cpus;		/* inside /cpus: a hart or part of one, never a device */
	uint32_t phandle;
};

struct fdt_scan {
	bool have_aliases;
	uint64_t aliases;	/* props position of /aliases */
	bool seen_chosen;
	int memory_nodes;
};

/*
 * Header (spec 5.2). Version 16 headers are 36 bytes and have no
 * size_dt_struct; the structure block then runs to totalsize and ends at its
 * FDT_END. Blocks need not be in the usual order, only inside totalsize.
 */
static int fdt_header(const void *blob, size_t len, struct fdt_blob *b, char *err, size_t errlen)
{
	const uint8_t *p = blob;
	uint32_t magic, version, last_comp, hdrsize;
	uint64_t totalsize;

	if (!blob || len < 4)
		return err_line(err, errlen, "fdt: blob is %zu bytes, too short for a header", len);
	magic = be32_load(p + FDT_H_MAGIC);
	if (magic != FDT_MAGIC)
		return err_line(err, errlen, "fdt: bad magic 0x%x (want 0xd00dfeed)", magic);
	if (len < FDT_HDR_V16)
		return err_line(err, errlen, "fdt: blob is %zu bytes, too short for a header", len);
	version = be32_load(p + FDT_H_VERSION);
	last_comp = be32_load(p + FDT_H_LAST_COMP_VERSION);
	if (version < 16)
		return err_line(err, errlen, "fdt: version %u is too old (need 16 or later)", version);
	if (last_comp > 17)
		return err_line(err, errlen, "fdt: last_comp_version %u is newer than 17", last_comp);
	hdrsize = version >= 17 ? FDT_HDR_V17 : FDT_HDR_V16;
	if (len < hdrsize)
		return err_line(err, errlen, "fdt: blob is %zu bytes, too short for a header", len);

	totalsize = be32_load(p + FDT_H_TOTALSIZE);
	if (totalsize > len)
		return err_line(err, errlen, "fdt: totalsize 0x%llx is larger than the 0x%zx bytes available",
			       (unsigned long long)totalsize, len);
	if (totalsize < hdrsize)
		return err_line(err, errlen, "fdt: totalsize 0x%llx is smaller than the 0x%x-byte header",
			       (unsigned long long)totalsize, hdrsize);

	b->p = p;
	b->size = totalsize;
	b->rsvmap = be32_load(p + FDT_H_OFF_MEM_RSVMAP);
	b->struct_off = be32_load(p + FDT_H_OFF_DT_STRUCT);
	b->strings_off = be32_load(p + FDT_H_OFF_DT_STRINGS);
	b->strings_size = be32_load(p + FDT_H_SIZE_DT_STRINGS);

	/* The reservation block needs room for at least its terminating entry (spec 5.3). */
	if (b->rsvmap < hdrsize || b->rsvmap + 16 > totalsize)
		return err_line(err, errlen, "fdt: off_mem_rsvmap 0x%llx is outside the blob (header 0x%x, totalsize 0x%llx)",
			       (unsigned long long)b->rsvmap, hdrsize, (unsigned long long)totalsize);
	if (b->struct_off < hdrsize || b->struct_off > totalsize)
		return err_line(err, errlen, "fdt: off_dt_struct 0x%llx is outside the blob (header 0x%x, totalsize 0x%llx)",
			       (unsigned long long)b->struct_off, hdrsize, (unsigned long long)totalsize);
	if (version >= 17)
		b->struct_size = be32_load(p + FDT_H_SIZE_DT_STRUCT);
	else
		b->struct_size = totalsize - b->struct_off;
	if (b->struct_off + b->struct_size > totalsize)
		return err_line(err, errlen, "fdt: off_dt_struct 0x%llx + size_dt_struct 0x%llx is past totalsize 0x%llx",
			       (unsigned long long)b->struct_off, (unsigned long long)b->struct_size,
			       (unsigned long long)totalsize);
	if (b->strings_off < hdrsize || b->strings_off > totalsize)
		return err_line(err, errlen, "fdt: off_dt_strings 0x%llx is outside the blob (header 0x%x, totalsize 0x%llx)",
			       (unsigned long long)b->strings_off, hdrsize, (unsigned long long)totalsize);
	if (b->strings_off + b->strings_size > totalsize)
		return err_line(err, errlen, "fdt: off_dt_strings 0x%llx + size_dt_strings 0x%llx is past totalsize 0x%llx",
			       (unsigned long long)b->strings_off, (unsigned long long)b->strings_size,
			       (unsigned long long)totalsize);
	return 0;
}

int fdt_check(const void *blob, size_t len, char *err, size_t errlen)
{
	struct fdt_blob b;

	return fdt_header(blob, len, &b, err, errlen);
}

size_t fdt_totalsize(const void *blob, size_t len)
{
	struct fdt_blob b;

	if (fdt_header(blob, len, &b, NULL, 0))
		return 0;
	return b.size;
}

uint64_t fdt_compat_bit(const char *s, size_t n)
{
	return n ? 1ull << (((uint8_t)s[0] + 3u * (uint8_t)s[n - 1] + 5u * (uint32_t)n) & 63) : ~0ull;
}

static uint64_t fdt_compat_sig(const char *list, size_t len)
{
	uint64_t sig = 0;

	for (size_t i = 0, n; i < len; i += n + 1)
		sig |= fdt_compat_bit(list + i, n = strnlen(list + i, len - i));
	return sig;
}

bool fdt_stringlist_contains(const char *list, size_t len, const char *s)
{
	size_t n = strlen(s), i = 0, e;

	if (!list)
		return false;
	/* Entries are NUL-separated (spec 2.2.4); tolerate a missing final NUL. */
	while (i < len) {
		for (e = i; e < len && list[e]; e++)
			;
		if (e - i == n && !memcmp(list + i, s, n))
			return true;
		i = e + 1;
	}
	return false;
}

/*
 * Read the token at pos (spec 5.4.1-5.4.2). FDT_BEGIN_NODE is followed by the
 * NUL-terminated unit name, FDT_PROP by { u32 len; u32 nameoff; } and len
 * bytes of value; both are padded to the next 4-byte boundary. Property names
 * live in the strings block (5.5) at nameoff.
 */
static int fdt_token_read(const struct fdt_blob *b, uint64_t pos, struct fdt_token *t, char *err, size_t errlen)
{
	const uint8_t *s = b->p + b->struct_off;
	uint64_t size = b->struct_size, abs = b->struct_off + pos, max, n;
	const char *strings = (const char *)b->p + b->strings_off;
	uint32_t nameoff;

	if (pos >= size)
		return err_line(err, errlen, "fdt: structure block ends at offset 0x%llx without FDT_END",
			       (unsigned long long)(b->struct_off + size));
	if (pos + 4 > size)
		return err_line(err, errlen, "fdt: structure block: token at offset 0x%llx is cut off by the block end",
			       (unsigned long long)abs);
	t->tag = be32_load(s + pos);
	t->pos = pos;
	t->name = NULL;
	t->val = NULL;
	t->len = 0;
	switch (t->tag) {
	case FDT_BEGIN_NODE:
		max = size - (pos + 4);
		n = strnlen((const char *)s + pos + 4, max);
		if (n == max)
			return err_line(err, errlen, "fdt: structure block: node name at offset 0x%llx runs past the block end",
				       (unsigned long long)(abs + 4));
		t->name = (const char *)s + pos + 4;
		t->next = ALIGN_UP(pos + 4 + n + 1, (uint64_t)FDT_TOKEN_ALIGN);
		return 0;
	case FDT_PROP:
		if (pos + 12 > size)
			return err_line(err, errlen, "fdt: structure block: property at offset 0x%llx is cut off by the block end",
				       (unsigned long long)abs);
		t->len = be32_load(s + pos + 4);
		nameoff = be32_load(s + pos + 8);
		if (pos + 12 + t->len > size)
			return err_line(err, errlen, "fdt: structure block: property at offset 0x%llx has length 0x%x past the block end",
				       (unsigned long long)abs, t->len);
		if (nameoff >= b->strings_size)
			return err_line(err, errlen, "fdt: structure block: property at offset 0x%llx has name offset 0x%x outside the strings block (size 0x%llx)",
				       (unsigned long long)abs, nameoff, (unsigned long long)b->strings_size);
		max = b->strings_size - nameoff;
		if (strnlen(strings + nameoff, max) == max)
			return err_line(err, errlen, "fdt: strings block: name at offset 0x%x (property at offset 0x%llx) runs past the block end",
				       nameoff, (unsigned long long)abs);
		t->name = strings + nameoff;
		t->val = s + pos + 12;
		t->next = ALIGN_UP(pos + 12 + t->len, (uint64_t)FDT_TOKEN_ALIGN);
		return 0;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		t->next = pos + 4;
		return 0;
	default:
		return err_line(err, errlen, "fdt: structure block: token 0x%x at offset 0x%llx is not a valid token",
			       t->tag, (unsigned long long)abs);
	}
}

static void fdt_iter_init(struct fdt_iter *it, const struct fdt_blob *b)
{
	it->b = b;
	it->pos = 0;
	it->depth = 0;
	it->seen_root = false;
}

/*
 * Next FDT_BEGIN_NODE, FDT_PROP, FDT_END_NODE or FDT_END, checking the nesting
 * (one root, balanced nodes, at most 64 deep, FDT_END last). NOPs are skipped,
 * and so are properties that follow a subnode: spec 5.4.2 puts a node's
 * properties before its children, and libfdt (hence Linux) never sees later
 * ones either. #address-cells/#size-cells are recorded on the way.
 */
static int fdt_iter_next(struct fdt_iter *it, struct fdt_token *t, char *err, size_t errlen)
{
	const struct fdt_blob *b = it->b;
	struct fdt_frame *f;

	for (;;) {
		if (fdt_token_read(b, it->pos, t, err, errlen))
			return -1;
		it->pos = t->next;
		switch (t->tag) {
		case FDT_NOP:
			continue;
		case FDT_BEGIN_NODE:
			if (it->depth == 0 && it->seen_root)
				return err_line(err, errlen, "fdt: structure block: second root node at offset 0x%llx",
					       (unsigned long long)(b->struct_off + t->pos));
			if (it->depth == FDT_MAX_DEPTH)
				return err_line(err, errlen, "fdt: structure block: node at offset 0x%llx is nested deeper than %d",
					       (unsigned long long)(b->struct_off + t->pos), FDT_MAX_DEPTH);
			if (it->depth)
				it->frame[it->depth - 1].has_child = true;
			f = &it->frame[it->depth++];
			f->name = t->name;
			f->addr_cells = FDT_DEFAULT_ADDR_CELLS;
			f->size_cells = FDT_DEFAULT_SIZE_CELLS;
			f->has_child = false;
			it->seen_root = true;
			return 0;
		case FDT_PROP:
			if (it->depth == 0)
				return err_line(err, errlen, "fdt: structure block: property at offset 0x%llx is outside any node",
					       (unsigned long long)(b->struct_off + t->pos));
			f = &it->frame[it->depth - 1];
			if (f->has_child)
				continue;
			if (t->len == 4 && !strcmp(t->name, "#address-cells"))
				f->addr_cells = be32_load(t->val);
			else if (t->len == 4 && !strcmp(t->name, "#size-cells"))
				f->size_cells = be32_load(t->val);
			return 0;
		case FDT_END_NODE:
			if (it->depth == 0)
				return err_line(err, errlen, "fdt: structure block: FDT_END_NODE at offset 0x%llx closes no node",
					       (unsigned long long)(b->struct_off + t->pos));
			it->depth--;
			return 0;
		default: /* FDT_END */
			if (it->depth)
				return err_line(err, errlen, "fdt: structure block: FDT_END at offset 0x%llx inside an open node",
					       (unsigned long long)(b->struct_off + t->pos));
			if (!it->seen_root)
				return err_line(err, errlen, "fdt: structure block: no root node");
			return 0;
		}
	}
}

/*
 * Properties of a node, from the position just after its name; the walk in
 * fdt_scan has already validated them, so this stops quietly at anything else.
 */
static bool fdt_prop_next(const struct fdt_blob *b, uint64_t *pos, struct fdt_token *t)
{
	for (;;) {
		if (fdt_token_read(b, *pos, t, NULL, 0))
			return false;
		*pos = t->next;
		if (t->tag != FDT_NOP)
			return t->tag == FDT_PROP;
	}
}

/* A string property (spec 2.2.4) is NUL-terminated inside its value. */
static const char *fdt_prop_str(const struct fdt_token *t)
{
	if (t->len == 0 || t->val[t->len - 1] != '\0')
		return NULL;
	return (const char *)t->val;
}

/* <u32> or <u64> values (timebase-frequency, linux,initrd-start, spec 2.2.4). */
static int fdt_prop_u64(const struct fdt_token *t, uint64_t *v)
{
	if (t->len == 4)
		*v = be32_load(t->val);
	else if (t->len == 8)
		*v = be64_load(t->val);
	else
		return -1;
	return 0;
}

/* Entry i of a reg property (spec 2.3.6): #address-cells cells of address,
 * then #size-cells cells of size, both taken from the parent. Only 1-2
 * address cells and 0-2 size cells fit goose's 64-bit ranges. */
static int fdt_reg_get(const uint8_t *val, uint32_t len, uint32_t ac, uint32_t sc, uint32_t i,
		       uint64_t *base, uint64_t *size)
{
	uint64_t stride;
	const uint8_t *p;

	if (!val || ac < 1 || ac > 2 || sc > 2)
		return -1;
	stride = (uint64_t)(ac + sc) * 4;
	if ((uint64_t)(i + 1) * stride > len)
		return -1;
	p = val + i * stride;
	*base = ac == 2 ? be64_load(p) : be32_load(p);
	p += ac * 4;
	*size = sc == 2 ? be64_load(p) : sc == 1 ? be32_load(p) : 0;
	return 0;
}

/* status (spec 2.3.4): absent, "okay" (or Linux's legacy "ok") means usable. */
static bool fdt_status_okay(const struct fdt_token *t)
{
	const char *s = fdt_prop_str(t);

	return s && (!strcmp(s, "okay") || !strcmp(s, "ok"));
}

/* Node name match as in a path: exact, or a component without "@unit" matches any unit. */
static bool fdt_name_match(const char *name, const char *comp, size_t clen)
{
	size_t i;

	for (i = 0; i < clen; i++) {
		if (name[i] != comp[i])
			return false;
	}
	if (name[clen] == '\0')
		return true;
	if (name[clen] != '@')
		return false;
	for (i = 0; i < clen; i++) {
		if (comp[i] == '@')
			return false;
	}
	return true;
}

static const char *fdt_node_label(const struct fdt_node *n)
{
	return n->name[0] ? n->name : "/";
}

static int fdt_resv_add(struct fdt_info *info, uint64_t base, uint64_t size, bool no_map, bool node,
			const char *where, char *err, size_t errlen)
{
	/* Dropping a reserved range would hand firmware memory out: refuse instead. */
	if (info->nresv == FDT_MAX_RANGES)
		return err_line(err, errlen, "fdt: %s: more than %d reserved ranges", where, FDT_MAX_RANGES);
	if (base + size < base)
		return err_line(err, errlen, "fdt: %s: reserved range 0x%llx + 0x%llx wraps past 2^64", where,
			       (unsigned long long)base, (unsigned long long)size);
	info->resv[info->nresv] = (struct fdt_range){ base, size };
	info->resv_no_map[info->nresv] = no_map;
	info->resv_node[info->nresv] = node;
	info->nresv++;
	return 0;
}

/* Memory reservation block (spec 5.3): { u64 address; u64 size; } pairs up to a 0,0 entry. */
static int fdt_rsvmap(const struct fdt_blob *b, struct fdt_info *info, char *err, size_t errlen)
{
	uint64_t pos, addr, size;

	for (pos = b->rsvmap;; pos += 16) {
		if (pos + 16 > b->size)
			return err_line(err, errlen, "fdt: memory reservation block at 0x%llx has no terminating entry",
				       (unsigned long long)b->rsvmap);
		addr = be64_load(b->p + pos);
		size = be64_load(b->p + pos + 8);
		if (!addr && !size)
			return 0;
		if (size && fdt_resv_add(info, addr, size, false, false, "memory reservation block", err, errlen))
			return -1;
	}
}

/* First reg entry and the properties drivers want; present only with a usable reg and status. */
static void fdt_device_fill(const struct fdt_blob *b, uint64_t pos, uint32_t ac, uint32_t sc,
			    struct fdt_device *d)
{
	struct fdt_device n;
	struct fdt_token t;
	bool has_reg = false, okay = true;
	uint64_t v;
	int i;

	memset(&n, 0, sizeof(n));
	n.reg_io_width = 1;
	while (fdt_prop_next(b, &pos, &t)) {
		if (!strcmp(t.name, "reg")) {
			has_reg = !fdt_reg_get(t.val, t.len, ac, sc, 0, &n.base, &n.size);
		} else if (!strcmp(t.name, "compatible") && t.len) {
			n.compat = (const char *)t.val;
			n.compat_len = t.len;
		} else if (!strcmp(t.name, "reg-shift") && t.len == 4) {
			n.reg_shift = be32_load(t.val);
		} else if (!strcmp(t.name, "reg-io-width") && t.len == 4) {
			n.reg_io_width = be32_load(t.val);
		} else if (!strcmp(t.name, "reg-offset") && t.len == 4) {
			n.reg_offset = be32_load(t.val);
		} else if (!strcmp(t.name, "clock-frequency")) {
			if (!fdt_prop_u64(&t, &v) && v <= UINT32_MAX)
				n.clock_frequency = (uint32_t)v;
		} else if (!strcmp(t.name, "interrupts")) {
			n.ninterrupts = (int)MIN(t.len / 4, (uint32_t)ARRAY_SIZE(n.interrupts));
			for (i = 0; i < n.ninterrupts; i++)
				n.interrupts[i] = be32_load(t.val + 4 * i);
		} else if (!strcmp(t.name, "status")) {
			okay = fdt_status_okay(&t);
		} else if ((!strcmp(t.name, "phandle") || !strcmp(t.name, "linux,phandle")) && t.len == 4) {
			n.phandle = be32_load(t.val);
		} else if (!strcmp(t.name, "interrupts-extended")) {
			n.intx = t.val;
			n.intx_len = t.len;
		} else if (!strcmp(t.name, "riscv,ndev") && t.len == 4) {
			n.ndev = be32_load(t.val);
		}
	}
	if (has_reg && okay) {
		n.present = true;
		n.compat_sig = fdt_compat_sig(n.compat, n.compat_len);
		*d = n;
	}
}

/* Every reg entry of a memory node (spec 3.4) or a /reserved-memory child. */
static int fdt_node_ranges(const struct fdt_node *nd, struct fdt_info *info, bool resv, char *err, size_t errlen)
{
	uint64_t base, size;
	uint32_t i;

	if (!nd->reg)
		return 0;
	if (nd->addr_cells < 1 || nd->addr_cells > 2 || nd->size_cells < 1 || nd->size_cells > 2)
		return err_line(err, errlen, "fdt: %s: reg with #address-cells %u and #size-cells %u is not supported",
			       fdt_node_label(nd), nd->addr_cells, nd->size_cells);
	for (i = 0; !fdt_reg_get(nd->reg, nd->reglen, nd->addr_cells, nd->size_cells, i, &base, &size); i++) {
		if (!size)
			continue;
		if (resv) {
			if (fdt_resv_add(info, base, size, nd->no_map, true, fdt_node_label(nd), err, errlen))
				return -1;
			continue;
		}
		if (base + size < base)
			return err_line(err, errlen, "fdt: %s: memory range 0x%llx + 0x%llx wraps past 2^64",
				       fdt_node_label(nd), (unsigned long long)base, (unsigned long long)size);
		/* Beyond FDT_MAX_RANGES banks goose just uses less RAM. */
		if (info->nmem < FDT_MAX_RANGES)
			info->mem[info->nmem++] = (struct fdt_range){ base, size };
	}
	return 0;
}

/* /chosen (spec 3.6, and Linux's linux,initrd-* and legacy linux,stdout-path). */
static int fdt_chosen(const struct fdt_blob *b, const struct fdt_node *nd, struct fdt_info *info,
		      char *err, size_t errlen)
{
	const char *legacy_stdout = NULL;
	bool has_start = false, has_end = false;
	uint64_t pos = nd->props;
	struct fdt_token t;

	while (fdt_prop_next(b, &pos, &t)) {
		const char **str = NULL;
		uint64_t *num = !strcmp(t.name, "linux,initrd-start") ? &info->initrd_start
				: !strcmp(t.name, "linux,initrd-end") ? &info->initrd_end
				: !strcmp(t.name, "boot-hartid") ? &info->boot_hartid : NULL;

		if (!strcmp(t.name, "bootargs"))
			str = &info->bootargs;
		else if (!strcmp(t.name, "stdout-path"))
			str = &info->stdout_path;
		else if (!strcmp(t.name, "linux,stdout-path"))
			str = &legacy_stdout;
		if (str) {
			if (!t.len)
				continue;
			*str = fdt_prop_str(&t);
			if (!*str)
				return err_line(err, errlen, "fdt: /chosen: %s is not a NUL-terminated string", t.name);
		} else if (!strcmp(t.name, "rng-seed") || (!strcmp(t.name, "kaslr-seed") && !info->rng_seed)) {
			info->rng_seed = t.val;
			info->rng_seed_len = t.len;
		} else if (num) {
			if (fdt_prop_u64(&t, num))
				return err_line(err, errlen, "fdt: /chosen: %s has length %u (want 4 or 8)", t.name, t.len);
			has_start |= num == &info->initrd_start;
			has_end |= num == &info->initrd_end;
			info->has_boot_hartid |= num == &info->boot_hartid;
		}
	}
	if (!info->stdout_path)
		info->stdout_path = legacy_stdout;
	if (has_start != has_end)
		return err_line(err, errlen, "fdt: /chosen: linux,initrd-%s without linux,initrd-%s",
			       has_start ? "start" : "end", has_start ? "end" : "start");
	if (info->initrd_end < info->initrd_start)
		return err_line(err, errlen, "fdt: /chosen: linux,initrd-end 0x%llx is below linux,initrd-start 0x%llx",
			       (unsigned long long)info->initrd_end, (unsigned long long)info->initrd_start);
	return 0;
}

static int fdt_timebase(const struct fdt_token *t, const struct fdt_node *nd, struct fdt_info *info,
			char *err, size_t errlen)
{
	uint64_t v;

	if (fdt_prop_u64(t, &v))
		return err_line(err, errlen, "fdt: %s: timebase-frequency has length %u (want 4 or 8)",
			       fdt_node_label(nd), t->len);
	if (!info->timebase_hz)
		info->timebase_hz = v;
	return 0;
}

/* /cpus itself: the timebase all harts share (RISC-V CPU binding, spec 3.7). */
static int fdt_cpus(const struct fdt_blob *b, const struct fdt_node *nd, struct fdt_info *info,
		    char *err, size_t errlen)
{
	uint64_t pos = nd->props;
	struct fdt_token t;

	while (fdt_prop_next(b, &pos, &t)) {
		if (!strcmp(t.name, "timebase-frequency") && fdt_timebase(&t, nd, info, err, errlen))
			return -1;
	}
	return 0;
}

static const char *const fdt_ext_names[] = {
	"sstc", "zkr", "zba", "zbb", "zbs", "zbc", "zicboz", "zve32x", "zve32f", "zve64x", "zve64f", "zve64d",
	"zvbb", "zvbc", "zvkb", "zvkg", "zvkned", "zvknha", "zvknhb", "zvksed", "zvksh", "zvkt", "zvfh", "zvfhmin",
};

/*
 * A /cpus/cpu@N node (spec 3.8 and Linux's riscv/cpus.yaml): reg is the hart
 * id, mmu-type names the satp modes (absent or "riscv,none": no MMU, like the
 * E51/S7 monitor cores), riscv,isa or riscv,isa-extensions the extensions.
 * A hart with no riscv,isa gets one written from riscv,isa-base and the
 * list (lib/isa.h), single letters included, for what reads the string.
 */
static int fdt_cpu(const struct fdt_blob *b, const struct fdt_node *nd, struct fdt_info *info,
		   char *err, size_t errlen)
{
	struct fdt_hart h;
	struct fdt_token t;
	uint64_t pos = nd->props, id, unused;
	const char *s, *isa = NULL, *isa_base = NULL, *list = NULL;
	uint32_t list_len = 0;
	size_t i;

	memset(&h, 0, sizeof(h));
	h.usable = nd->okay;
	while (fdt_prop_next(b, &pos, &t)) {
		s = fdt_prop_str(&t);
		if (!strcmp(t.name, "mmu-type")) {
			h.has_mmu = s && (!strcmp(s, "riscv,sv39") || !strcmp(s, "riscv,sv48") ||
					  !strcmp(s, "riscv,sv57"));
		} else if (!strcmp(t.name, "riscv,isa")) {
			isa = s;
		} else if (!strcmp(t.name, "riscv,isa-base")) {
			isa_base = s;
		} else if (!strcmp(t.name, "riscv,isa-extensions")) {
			list = (const char *)t.val;
			list_len = t.len;
			for (i = 0; i < ARRAY_SIZE(fdt_ext_names); i++)
				if (fdt_stringlist_contains((const char *)t.val, t.len, fdt_ext_names[i]))
					h.ext |= 1u << i;
		} else if (!strcmp(t.name, "timebase-frequency")) {
			if (fdt_timebase(&t, nd, info, err, errlen))
				return -1;
		}
	}
	if (isa) {
		for (i = 0; i < ARRAY_SIZE(fdt_ext_names); i++)
			if (isa_has_ext(isa, fdt_ext_names[i]))
				h.ext |= 1u << i;
		for (i = 0; i < sizeof(h.isa) - 1 && isa[i]; i++)
			h.isa[i] = isa[i];
		h.isa[i] = '\0';
	} else if (isa_base) {
		isa_from_list(isa_base, list, list_len, h.isa, sizeof(h.isa));
	}
	h.has_sstc = h.ext & FDT_EXT_SSTC;
	h.has_zkr = h.ext & FDT_EXT_ZKR;

	if (fdt_reg_get(nd->reg, nd->reglen, nd->addr_cells, nd->size_cells, 0, &id, &unused))
		return err_line(err, errlen, "fdt: /cpus/%s: no reg readable with #address-cells %u (the hart id)",
			       nd->name, nd->addr_cells);
	if (id > UINT32_MAX)
		return err_line(err, errlen, "fdt: /cpus/%s: hart id 0x%llx does not fit 32 bits", nd->name,
			       (unsigned long long)id);
	h.hartid = (uint32_t)id;
	h.usable = h.usable && h.has_mmu;
	/* Harts past FDT_MAX_HARTS are left parked; goose runs on the others. */
	if (info->nharts < FDT_MAX_HARTS)
		info->harts[info->nharts++] = h;
	return 0;
}

/* A device's registers, for /dev/mem: every reg entry of a node with a
 * compatible, outside /cpus, /memory and /reserved-memory. A range left out
 * would be a device goose cannot map: more than the table holds is an error. */
static int fdt_device_ranges(const struct fdt_node *nd, struct fdt_info *info, char *err, size_t errlen)
{
	uint64_t base, size;

	if (nd->depth < 2 || nd->in_cpus || (nd->device_type && !strcmp(nd->device_type, "memory")) ||
	    (nd->parent && !strcmp(nd->parent, "reserved-memory")) || !nd->reg || nd->addr_cells < 1 ||
	    nd->addr_cells > 2 || nd->size_cells < 1 || nd->size_cells > 2)
		return 0;
	for (uint32_t i = 0; !fdt_reg_get(nd->reg, nd->reglen, nd->addr_cells, nd->size_cells, i, &base, &size); i++) {
		if (!size || base + size < base)
			continue;
		if (info->nmmio == FDT_MAX_DEVS)
			return err_line(err, errlen, "fdt: %s: more than %d device register ranges (FDT_MAX_DEVS)",
				       fdt_node_label(nd), FDT_MAX_DEVS);
		info->mmio[info->nmmio++] = (struct fdt_range){ base, size };
	}
	return 0;
}

/* A node's properties are all known: take what goose needs from it. */
static int fdt_node_done(const struct fdt_blob *b, struct fdt_node *nd, struct fdt_info *info,
			 struct fdt_scan *st, char *err, size_t errlen)
{
	struct fdt_device dev = { 0 };

	nd->pending = false;

	/* Memory is found by device_type, whatever the node is called (spec 3.4). */
	if (nd->device_type && !strcmp(nd->device_type, "memory") && nd->okay) {
		st->memory_nodes++;
		if (fdt_node_ranges(nd, info, false, err, errlen))
			return -1;
	}
	if (nd->depth == 2) {
		if ((!strcmp(nd->name, "chosen") || !strcmp(nd->name, "chosen@0")) && !st->seen_chosen) {
			st->seen_chosen = true;
			if (fdt_chosen(b, nd, info, err, errlen))
				return -1;
		} else if (!strcmp(nd->name, "aliases") && !st->have_aliases) {
			st->have_aliases = true;
			st->aliases = nd->props;
		} else if (!strcmp(nd->name, "cpus")) {
			if (fdt_cpus(b, nd, info, err, errlen))
				return -1;
		}
	}
	if (nd->depth == 3 && !strcmp(nd->parent, "cpus") && nd->device_type &&
	    !strcmp(nd->device_type, "cpu")) {
		if (fdt_cpu(b, nd, info, err, errlen))
			return -1;
	}
	/* Reserved regions are kept whatever their status: using them is never safe. */
	if (nd->depth == 3 && !strcmp(nd->parent, "reserved-memory")) {
		if (fdt_node_ranges(nd, info, true, err, errlen))
			return -1;
	}
	/* A cpu's interrupt controller, the PLIC's contexts name it by phandle. */
	if (nd->depth == 4 && nd->is_intc && nd->phandle && info->nharts && !strncmp(nd->parent, "cpu", 3))
		info->harts[info->nharts - 1].intc_phandle = nd->phandle;
	/* cpu@N nodes have a compatible and a reg too: harts, not devices (on
	 * a 64-hart board they would fill the table before any SoC device). */
	if (nd->compat && nd->okay && !nd->in_cpus) {
		fdt_device_fill(b, nd->props, nd->addr_cells, nd->size_cells, &dev);
		if (dev.present) {
			if (info->ndevices == FDT_MAX_DEVS)
				return err_line(err, errlen, "fdt: %s: more than %d device nodes (FDT_MAX_DEVS)",
					       fdt_node_label(nd), FDT_MAX_DEVS);
			dev.name = nd->name;
			info->device[info->ndevices++] = dev;
		}
		if (fdt_device_ranges(nd, info, err, errlen))
			return -1;
	}
	return 0;
}

/*
 * The main walk. Since a node's properties precede its children, a node is
 * complete when its first child begins or when it ends; only that one node's
 * properties are held at a time, so the stack cost is the iterator's frames.
 */
static int fdt_scan(const struct fdt_blob *b, struct fdt_info *info, struct fdt_scan *st, char *err, size_t errlen)
{
	struct fdt_iter it;
	struct fdt_node nd;
	struct fdt_token t;
	struct fdt_frame *parent;

	memset(&nd, 0, sizeof(nd));
	fdt_iter_init(&it, b);
	for (;;) {
		if (fdt_iter_next(&it, &t, err, errlen))
			return -1;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			if (nd.pending && fdt_node_done(b, &nd, info, st, err, errlen))
				return -1;
			parent = it.depth >= 2 ? &it.frame[it.depth - 2] : NULL;
			memset(&nd, 0, sizeof(nd));
			nd.pending = true;
			nd.okay = true;
			nd.depth = it.depth;
			nd.props = t.next;
			nd.off = b->struct_off + t.pos;
			nd.name = t.name;
			nd.parent = parent ? parent->name : NULL;
			nd.addr_cells = parent ? parent->addr_cells : FDT_DEFAULT_ADDR_CELLS;
			nd.size_cells = parent ? parent->size_cells : FDT_DEFAULT_SIZE_CELLS;
			nd.in_cpus = it.depth >= 3 && !strcmp(it.frame[1].name, "cpus");
			break;
		case FDT_PROP:
			if (!nd.pending)
				break;
			if (!strcmp(t.name, "device_type")) {
				nd.device_type = fdt_prop_str(&t);
			} else if (nd.depth == 1 && !strcmp(t.name, "model")) {
				info->model = fdt_prop_str(&t);
			} else if (!strcmp(t.name, "reg")) {
				nd.reg = t.val;
				nd.reglen = t.len;
			} else if (!strcmp(t.name, "compatible")) {
				nd.compat = (const char *)t.val;
				nd.compatlen = t.len;
			} else if (!strcmp(t.name, "status")) {
				nd.okay = fdt_status_okay(&t);
			} else if (!strcmp(t.name, "no-map")) {
				nd.no_map = true;
			} else if (!strcmp(t.name, "interrupt-controller")) {
				nd.is_intc = true;
			} else if ((!strcmp(t.name, "phandle") || !strcmp(t.name, "linux,phandle")) && t.len == 4) {
				nd.phandle = be32_load(t.val);
			}
			break;
		case FDT_END_NODE:
			if (nd.pending && fdt_node_done(b, &nd, info, st, err, errlen))
				return -1;
			break;
		default: /* FDT_END */
			return 0;
		}
	}
}

/*
 * Find a node by absolute path, each component matched as libfdt does (the
 * first sibling whose name matches, "serial" matching "serial@10000000").
 * Returns 1 with the node's props position and its parent's cells, else 0.
 */
static int fdt_find_path(const struct fdt_blob *b, const char *path, size_t len, uint64_t *props,
			 uint32_t *ac, uint32_t *sc)
{
	struct fdt_iter it;
	struct fdt_token t;
	size_t mpos = 0, clen;
	int mdepth = 0;

	fdt_iter_init(&it, b);
	for (;;) {
		if (fdt_iter_next(&it, &t, NULL, 0) || t.tag == FDT_END)
			return 0;
		if (t.tag == FDT_END_NODE && it.depth < mdepth)
			return 0;
		if (t.tag != FDT_BEGIN_NODE || it.depth != mdepth + 1)
			continue;
		if (it.depth > 1) {
			for (clen = 0; mpos + clen < len && path[mpos + clen] != '/'; clen++)
				;
			if (!fdt_name_match(t.name, path + mpos, clen))
				continue;
			mpos += clen;
		}
		mdepth = it.depth;
		while (mpos < len && path[mpos] == '/')
			mpos++;
		if (mpos == len) {
			*props = t.next;
			*ac = it.depth >= 2 ? it.frame[it.depth - 2].addr_cells : FDT_DEFAULT_ADDR_CELLS;
			*sc = it.depth >= 2 ? it.frame[it.depth - 2].size_cells : FDT_DEFAULT_SIZE_CELLS;
			return 1;
		}
	}
}

/*
 * The console is the node /chosen/stdout-path names (spec 3.6): a path or an
 * alias (spec 3.3), optionally followed by "/more/path", then ":options" that
 * are not part of the name. A path goose cannot resolve leaves no console.
 */
static void fdt_console(const struct fdt_blob *b, const struct fdt_scan *st, struct fdt_info *info)
{
	const char *sp = info->stdout_path, *alias = NULL, *s;
	char path[FDT_MAX_PATH];
	size_t n, a, alen = 0;
	uint64_t pos, props;
	uint32_t ac, sc;
	struct fdt_token t;

	if (!sp)
		return;
	for (n = 0; sp[n] && sp[n] != ':'; n++)
		;
	if (!n)
		return;
	a = 0;
	if (sp[0] != '/') {
		for (; a < n && sp[a] != '/'; a++)
			;
		if (!st->have_aliases)
			return;
		pos = st->aliases;
		while (fdt_prop_next(b, &pos, &t)) {
			s = fdt_prop_str(&t);
			if (s && s[0] == '/' && strlen(t.name) == a && !memcmp(t.name, sp, a)) {
				alias = s;
				break;
			}
		}
		if (!alias)
			return;
		alen = strlen(alias);
	}
	if (alen + (n - a) >= sizeof(path))
		return;
	if (alias)
		memcpy(path, alias, alen);
	memcpy(path + alen, sp + a, n - a);
	if (fdt_find_path(b, path, alen + n - a, &props, &ac, &sc))
		fdt_device_fill(b, props, ac, sc, &info->console);
}

const struct fdt_device *fdt_find_compatible(const struct fdt_info *info, const char *compat)
{
	const char *const list[] = { compat, NULL };

	return fdt_find_any(info, list);
}

const struct fdt_device *fdt_find_any(const struct fdt_info *info, const char *const *compat)
{
	/* Each entry's bit once, not once a device (drivers name up to 17);
	 * a device without a signature (0) may list anything. */
	uint64_t bits[32], sig;
	size_t n = 0;

	for (; compat[n]; n++)
		if (n < ARRAY_SIZE(bits))
			bits[n] = fdt_compat_bit(compat[n], strlen(compat[n]));
	for (int i = 0; i < info->ndevices; i++)
		for (size_t k = 0; k < n; k++)
			if ((k >= ARRAY_SIZE(bits) || !(sig = info->device[i].compat_sig) || (sig & bits[k])) &&
			    fdt_stringlist_contains(info->device[i].compat, info->device[i].compat_len, compat[k]))
				return &info->device[i];
	return NULL;
}

const char *fdt_device_matches(const struct fdt_device *dev, const char *const *compat)
{
	for (const char *const *c = compat; c && *c; c++)
		if (fdt_stringlist_contains(dev->compat, dev->compat_len, *c))
			return *c;
	return NULL;
}

int fdt_parse(const void *blob, size_t len, struct fdt_info *info, char *err, size_t errlen)
{
	struct fdt_blob b;
	struct fdt_scan st;

	memset(info, 0, sizeof(*info));
	memset(&st, 0, sizeof(st));
	if (err && errlen)
		err[0] = '\0';
	if (fdt_header(blob, len, &b, err, errlen))
		return -1;
	if (fdt_rsvmap(&b, info, err, errlen))
		return -1;
	if (fdt_scan(&b, info, &st, err, errlen))
		return -1;
	/* No memory node is the firmware's to fix (the upstream P550, BPI-F3
	 * and Pioneer trees leave it to their firmware): nmem stays 0. */
	if (st.memory_nodes && !info->nmem)
		return err_line(err, errlen, "fdt: memory nodes have no usable reg entries");
	fdt_console(&b, &st, info);
	return 0;
}
