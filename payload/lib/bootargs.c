/* SPDX-License-Identifier: MIT */
/*
 * /chosen/bootargs -> goose options, environment, arguments, following the
 * split Linux's init/main.c makes of its command line (parameters before
 * "--", then init's environment and arguments), with shell-like quoting.
 */
#include "lib/bootargs.h"

static int bootargs_err(struct bootargs *ba, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bootargs_err(struct bootargs *ba, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	/* No half-split result: the caller sees either every word or none. */
	ba->nargs = ba->nenv = ba->nopts = 0;
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool bootargs_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool bootargs_has_eq(const char *w)
{
	return strchr(w, '=') != NULL;
}

int bootargs_split(const char *s, size_t maxlen, struct bootargs *ba, char *err, size_t errlen)
{
	size_t len = s ? strnlen(s, maxlen) : 0, i = 0, out = 0, qpos = 0;
	bool after_sep = false, quoted;
	const char *word;
	char q;

	ba->nargs = ba->nenv = ba->nopts = 0;
	if (len >= BOOTARGS_MAX_LEN)
		return bootargs_err(ba, err, errlen, "bootargs: longer than %d bytes", BOOTARGS_MAX_LEN - 1);

	/*
	 * Every word takes its unquoted bytes plus a NUL, and all but the last
	 * are followed by at least one separator in s, so the words never need
	 * more than len + 1 <= BOOTARGS_MAX_LEN bytes of buf.
	 */
	for (;;) {
		while (i < len && bootargs_space(s[i]))
			i++;
		if (i == len)
			return 0;

		word = ba->buf + out;
		quoted = false;
		q = 0;
		for (; i < len && (q || !bootargs_space(s[i])); i++) {
			if (q && s[i] == q) {
				q = 0;
			} else if (!q && (s[i] == '"' || s[i] == '\'')) {
				q = s[i];
				qpos = i;
				quoted = true;
			} else {
				ba->buf[out++] = s[i];
			}
		}
		if (q)
			return bootargs_err(ba, err, errlen, "bootargs: unterminated quote at offset %zu", qpos);
		ba->buf[out++] = '\0';

		/* Only a bare "--" separates; a quoted one is an ordinary word. */
		if (!after_sep && !quoted && !strcmp(word, "--")) {
			after_sep = true;
			continue;
		}
		if (ba->nargs + ba->nenv + ba->nopts == BOOTARGS_MAX_WORDS)
			return bootargs_err(ba, err, errlen, "bootargs: more than %d words", BOOTARGS_MAX_WORDS);
		if (after_sep)
			ba->args[ba->nargs++] = word;
		else if (!strncmp(word, "goose.", 6))
			ba->opts[ba->nopts++] = word;
		else if (bootargs_has_eq(word))
			ba->env[ba->nenv++] = word;
		else
			ba->args[ba->nargs++] = word;
	}
}

const char *bootargs_opt(const struct bootargs *ba, const char *name)
{
	size_t n = strlen(name);
	const char *o;
	int i;

	/* The last occurrence wins, as with a repeated kernel parameter. */
	for (i = ba->nopts - 1; i >= 0; i--) {
		o = ba->opts[i];
		if (strncmp(o, name, n))
			continue;
		if (o[n] == '\0')
			return o + n;
		if (o[n] == '=')
			return o + n + 1;
	}
	return NULL;
}

const char *bootargs_unknown(const struct bootargs *ba, char *known, size_t knownlen)
{
	const char *bad = NULL;
	size_t len = 0;

	for (int i = 0; i < ba->nopts && !bad; i++) {
		const char *o = ba->opts[i], *eq = strchr(o, '=');
		size_t n = eq ? (size_t)(eq - o) : strlen(o);
		bool found = false;

		REGISTRY_FOREACH(options, struct boot_option, opt)
		{
			if (strlen((*opt)->name) == n && !strncmp((*opt)->name, o, n))
				found = true;
		}
		if (!found)
			bad = o;
	}
	if (knownlen)
		known[0] = '\0';
	REGISTRY_FOREACH(options, struct boot_option, opt)
	{
		if (len < knownlen)
			len += (size_t)snprintf(known + len, knownlen - len, "%s%s", len ? ", " : "", (*opt)->name);
	}
	return bad;
}
