/* SPDX-License-Identifier: MIT */
/*
 * Splitting /chosen/bootargs into goose options, the program's environment
 * and its arguments. The split follows Linux's init/main.c (parameters, then
 * "--", then init's arguments); the quoting is a shell's, not Linux's:
 *   - words are separated by spaces/tabs/newlines; "double" or 'single' quotes
 *     group a word and are removed wherever they are (Linux keeps only
 *     double quotes and leaves them in a word); no escapes.
 *   - before a lone "--": words starting "goose." are goose's own options;
 *     other words containing '=' are environment variables (KEY=value);
 *     the remaining words are arguments.
 *   - after "--": every word is an argument, '=' or not.
 * argv[0] is not part of bootargs; the caller supplies it.
 * Pure: no CSR, no MMIO; compiled natively for host tests and fuzzers.
 */
#ifndef GOOSE_BOOTARGS_H
#define GOOSE_BOOTARGS_H

#include "lib/lib.h"

#define BOOTARGS_MAX_WORDS 128
#define BOOTARGS_MAX_LEN 4096

struct bootargs {
	char buf[BOOTARGS_MAX_LEN];	/* the words, NUL-separated; the pointers below point here */
	const char *args[BOOTARGS_MAX_WORDS];
	int nargs;
	const char *env[BOOTARGS_MAX_WORDS];
	int nenv;
	const char *opts[BOOTARGS_MAX_WORDS];	/* "goose.xxx" or "goose.xxx=yyy" words */
	int nopts;
};

/*
 * Split s (NUL-terminated, or at most maxlen bytes) into *ba. Returns 0, or -1
 * with one line in err: "bootargs: unterminated quote at offset N",
 * "bootargs: more than 128 words", "bootargs: longer than 4095 bytes".
 */
int bootargs_split(const char *s, size_t maxlen, struct bootargs *ba, char *err, size_t errlen);

/* Value of goose option `name` ("goose.trace" -> "syscalls" for
 * goose.trace=syscalls, "" for a bare goose.quiet); NULL when not given. */
const char *bootargs_opt(const struct bootargs *ba, const char *name);

/*
 * A goose.* option, declared beside the code that acts on it with
 * BOOT_OPTION (as Linux's early_param): the options goose accepts, the list
 * an unknown one is told, and docs/boot.md's table (ci/mkoptions.py reads
 * the BOOT_OPTION lines; make test checks it) all come from these, so they
 * cannot drift apart. usage and doc are the docs' two columns.
 */
struct boot_option {
	const char *name;	/* "goose.trace" */
	const char *usage;	/* "goose.trace=syscalls,faults,..." */
	const char *doc;
};
#define BOOT_OPTION(id, name, usage, doc)                           \
	const struct boot_option id = { (name), (usage), (doc) }; \
	REGISTER(options, struct boot_option, id)

static inline const char *boot_option_value(const struct bootargs *ba, const struct boot_option *o)
{
	return bootargs_opt(ba, o->name);
}

/* The first goose.* word of ba that no BOOT_OPTION names, or NULL; the
 * names it knows, comma-separated, into known. */
const char *bootargs_unknown(const struct bootargs *ba, char *known, size_t knownlen);

#endif
