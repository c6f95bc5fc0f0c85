/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for payload/lib/bootargs.c: bootargs_split on the input (not
 * NUL-terminated: maxlen is the size), then
 *   - the lists point into ba.buf, in order, classified as bootargs.h says;
 *   - a round trip: the words written back with every byte quoted (options,
 *     environment, "--", arguments) split into the same lists again;
 *   - bootargs_opt finds each option's last occurrence, and survives a name
 *     taken from the input.
 */
#include "lib/bootargs.h"
/* Messages here carry no bytes from the input: hold them to printable ASCII. */
#define FUZZ_STRICT_ERR
#include "fuzz.h"

#define FUZZ_ERRLEN 128

static struct bootargs ba, ba2;
static char line[BOOTARGS_MAX_LEN * 3 + 16];

static FUZZ_NOCOV void fuzz_list(const char *const *w, int n)
{
	const char *prev = NULL;

	FUZZ_CHECK(n >= 0 && n <= BOOTARGS_MAX_WORDS);
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(fuzz_cstr_in(w[i], ba.buf, sizeof(ba.buf)));
		FUZZ_CHECK(!prev || w[i] > prev);
		prev = w[i];
	}
}

/* Each byte quoted on its own ("x", or '"' for a double quote); "" for an empty word. */
static FUZZ_NOCOV size_t fuzz_quote(size_t o, const char *w)
{
	if (!*w) {
		line[o++] = '"';
		line[o++] = '"';
	}
	for (; *w; w++) {
		char q = *w == '"' ? '\'' : '"';

		line[o++] = q;
		line[o++] = *w;
		line[o++] = q;
	}
	line[o++] = ' ';
	return o;
}

static FUZZ_NOCOV bool fuzz_same(const char *const *a, int na, const char *const *b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

/* The value bootargs_opt must return: from the last option named exactly name. */
static FUZZ_NOCOV const char *ref_opt(const char *name)
{
	size_t n = strlen(name);

	for (int i = ba.nopts - 1; i >= 0; i--) {
		if (!strncmp(ba.opts[i], name, n) && (ba.opts[i][n] == '\0' || ba.opts[i][n] == '='))
			return ba.opts[i] + n + (ba.opts[i][n] == '=');
	}
	return NULL;
}

FUZZ_NOCOV int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char err[FUZZ_ERRLEN], name[64];
	size_t total = 0, o = 0, len = strnlen(s, size);
	int rc, words;

	memset(err, 0x55, sizeof(err));
	rc = bootargs_split(s, size, &ba, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(bootargs_split(s, size, &ba2, NULL, 0) == rc);
	if (rc == -1) {
		FUZZ_CHECK(fuzz_err_ok(err, sizeof(err), "bootargs: "));
		FUZZ_CHECK(ba.nargs == 0 && ba.nenv == 0 && ba.nopts == 0);
		return 0;
	}
	FUZZ_CHECK(len < BOOTARGS_MAX_LEN);

	fuzz_list(ba.args, ba.nargs);
	fuzz_list(ba.env, ba.nenv);
	fuzz_list(ba.opts, ba.nopts);
	words = ba.nargs + ba.nenv + ba.nopts;
	FUZZ_CHECK(words <= BOOTARGS_MAX_WORDS);
	for (int i = 0; i < ba.nopts; i++) {
		FUZZ_CHECK(!strncmp(ba.opts[i], "goose.", 6));
		total += strlen(ba.opts[i]) + 1;
	}
	for (int i = 0; i < ba.nenv; i++) {
		FUZZ_CHECK(strncmp(ba.env[i], "goose.", 6) && strchr(ba.env[i], '='));
		total += strlen(ba.env[i]) + 1;
	}
	for (int i = 0; i < ba.nargs; i++)
		total += strlen(ba.args[i]) + 1;
	/* The words are the input's bytes minus separators and quotes, plus one NUL each. */
	FUZZ_CHECK(total <= len + 1 && total <= BOOTARGS_MAX_LEN);

	/* Round trip. */
	for (int i = 0; i < ba.nopts; i++)
		o = fuzz_quote(o, ba.opts[i]);
	for (int i = 0; i < ba.nenv; i++)
		o = fuzz_quote(o, ba.env[i]);
	memcpy(line + o, "-- ", 3);
	o += 3;
	for (int i = 0; i < ba.nargs; i++)
		o = fuzz_quote(o, ba.args[i]);
	FUZZ_CHECK(o < sizeof(line));
	line[o] = '\0';
	if (o < BOOTARGS_MAX_LEN) {
		FUZZ_CHECK(bootargs_split(line, o + 1, &ba2, err, sizeof(err)) == 0);
		FUZZ_CHECK(fuzz_same(ba.args, ba.nargs, ba2.args, ba2.nargs));
		FUZZ_CHECK(fuzz_same(ba.env, ba.nenv, ba2.env, ba2.nenv));
		FUZZ_CHECK(fuzz_same(ba.opts, ba.nopts, ba2.opts, ba2.nopts));
	}

	/* Options by name: every option's own name, and one from the input. */
	for (int i = 0; i < ba.nopts; i++) {
		size_t n = strcspn(ba.opts[i], "=");
		const char *v, *want;

		if (n >= sizeof(name))
			continue;
		memcpy(name, ba.opts[i], n);
		name[n] = '\0';
		v = bootargs_opt(&ba, name);
		want = ref_opt(name);
		FUZZ_CHECK(v && v == want);
	}
	if (ba.nargs) {
		snprintf(name, sizeof(name), "%s", ba.args[0]);
		FUZZ_CHECK(bootargs_opt(&ba, name) == ref_opt(name));
	}
	FUZZ_CHECK(bootargs_opt(&ba, "goose.") == ref_opt("goose."));
	FUZZ_CHECK(bootargs_opt(&ba, "") == ref_opt(""));
	return 0;
}
