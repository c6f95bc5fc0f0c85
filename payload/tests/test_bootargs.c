/* SPDX-License-Identifier: MIT */
/*
 * Host tests for bootargs.c. Each case gives the input and the words expected
 * in each list, written "[w1][w2]" so an empty word ("[]") and no word ("")
 * differ.
 */
#include "lib/bootargs.h"
#include "test.h"

struct split_case {
	const char *in;
	const char *args;
	const char *env;
	const char *opts;
	const char *err;	/* expected error line, NULL for success */
};

static const struct split_case split_cases[] = {
	/* input				args			env		opts				err */
	{ "",					"",			"",		"",				NULL },
	{ " \t\n\r ",				"",			"",		"",				NULL },
	{ "a",					"[a]",			"",		"",				NULL },
	{ "a b  c",				"[a][b][c]",		"",		"",				NULL },
	{ "\ta\nb\r\nc  ",			"[a][b][c]",		"",		"",				NULL },
	{ "K=v a",				"[a]",			"[K=v]",	"",				NULL },
	{ "=v K= a=b=c",			"",			"[=v][K=][a=b=c]", "",			NULL },
	{ "goose.trace=syscalls goose.quiet x",	"[x]",			"",		"[goose.trace=syscalls][goose.quiet]", NULL },
	{ "goosey=1 goose goose.",		"[goose]",		"[goosey=1]",	"[goose.]",			NULL },
	{ "a -- b=c goose.x --",		"[a][b=c][goose.x][--]", "",		"",				NULL },
	{ "--",					"",			"",		"",				NULL },
	{ "-- --",				"[--]",			"",		"",				NULL },
	{ "--x x-- ---",			"[--x][x--][---]",	"",		"",				NULL },
	{ "K=1 -- K=2",				"[K=2]",		"[K=1]",	"",				NULL },
	{ "'--' a",				"[--][a]",		"",		"",				NULL },
	{ "\"--\" K=v",				"[--]",			"[K=v]",	"",				NULL },
	{ "\"a b\" 'c d'",			"[a b][c d]",		"",		"",				NULL },
	{ "K=\"a b\" x",			"[x]",			"[K=a b]",	"",				NULL },
	{ "a\"b c\"d",				"[ab cd]",		"",		"",				NULL },
	{ "\"\"",				"[]",			"",		"",				NULL },
	{ "'' \"\" x",				"[][][x]",		"",		"",				NULL },
	{ "'\"' \"'\"",				"[\"][']",		"",		"",				NULL },
	{ "\"a\\\" b",				"[a\\][b]",		"",		"",				NULL },
	{ "'a\tb\nc'",				"[a\tb\nc]",		"",		"",				NULL },
	{ "goose.x=\"1 2\" -- goose.y",		"[goose.y]",		"",		"[goose.x=1 2]",		NULL },
	{ "a \"b",				"",			"",		"",				"bootargs: unterminated quote at offset 2" },
	{ "'",					"",			"",		"",				"bootargs: unterminated quote at offset 0" },
	{ "ok 'x\" y",				"",			"",		"",				"bootargs: unterminated quote at offset 3" },
};

/* "[w1][w2]..." for n words. */
static void join(char *out, size_t outlen, const char *const *w, int n)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, outlen - o, "[%s]", w[i]);
}

static void check_lists(const char *name, const struct bootargs *ba, const char *args, const char *env,
			const char *opts)
{
	char got[8192];

	join(got, sizeof(got), ba->args, ba->nargs);
	CHECK(!strcmp(got, args), "%s: args %s, want %s", name, got, args);
	join(got, sizeof(got), ba->env, ba->nenv);
	CHECK(!strcmp(got, env), "%s: env %s, want %s", name, got, env);
	join(got, sizeof(got), ba->opts, ba->nopts);
	CHECK(!strcmp(got, opts), "%s: opts %s, want %s", name, got, opts);
}

static void test_split_table(void)
{
	static struct bootargs ba;
	char err[128];
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(split_cases); i++) {
		const struct split_case *c = &split_cases[i];

		err[0] = '\0';
		rc = bootargs_split(c->in, strlen(c->in) + 1, &ba, err, sizeof(err));
		if (c->err) {
			CHECK(rc == -1 && !strcmp(err, c->err), "%s: rc %d err \"%s\", want \"%s\"", c->in, rc, err, c->err);
			CHECK(ba.nargs == 0 && ba.nenv == 0 && ba.nopts == 0, "%s: lists not emptied on error", c->in);
		} else {
			CHECK(rc == 0, "%s: rc %d err %s", c->in, rc, err);
			check_lists(c->in, &ba, c->args, c->env, c->opts);
		}
	}
}

/* NULL input, maxlen cutting the string, and a buffer with no NUL at all (ASan checks the bound). */
static void test_split_bounds(void)
{
	static struct bootargs ba;
	char err[128];
	char *raw;

	CHECK(bootargs_split(NULL, 100, &ba, err, sizeof(err)) == 0 && ba.nargs == 0, "NULL input");
	CHECK(bootargs_split("abc def", 3, &ba, err, sizeof(err)) == 0, "maxlen 3");
	check_lists("maxlen 3", &ba, "[abc]", "", "");
	CHECK(bootargs_split("abc def", 0, &ba, err, sizeof(err)) == 0 && ba.nargs == 0, "maxlen 0");
	raw = malloc(3);
	memcpy(raw, "x=y", 3);
	CHECK(bootargs_split(raw, 3, &ba, err, sizeof(err)) == 0, "unterminated buffer");
	check_lists("unterminated buffer", &ba, "", "[x=y]", "");
	free(raw);
	/* The error buffer may be absent. */
	CHECK(bootargs_split("'", 2, &ba, NULL, 0) == -1, "no err buffer");
}

/* 128 words fit, 129 do not; 4095 bytes fit, 4096 do not. */
static void test_split_limits(void)
{
	static struct bootargs ba;
	static char s[BOOTARGS_MAX_LEN + 16];
	char err[128];
	int i, rc;

	s[0] = '\0';
	for (i = 0; i < BOOTARGS_MAX_WORDS; i++)
		strcat(s, i % 3 == 0 ? "a " : i % 3 == 1 ? "K=v " : "goose.o ");
	strcat(s, "-- ");
	rc = bootargs_split(s, sizeof(s), &ba, err, sizeof(err));
	CHECK(rc == 0 && ba.nargs + ba.nenv + ba.nopts == BOOTARGS_MAX_WORDS, "128 words: rc %d %s", rc, err);
	CHECK(ba.nargs == 43 && ba.nenv == 43 && ba.nopts == 42, "128 words split %d/%d/%d", ba.nargs, ba.nenv, ba.nopts);
	strcat(s, "z");
	rc = bootargs_split(s, sizeof(s), &ba, err, sizeof(err));
	CHECK(rc == -1 && !strcmp(err, "bootargs: more than 128 words"), "129 words: rc %d %s", rc, err);
	CHECK(ba.nargs == 0 && ba.nenv == 0 && ba.nopts == 0, "129 words: lists not emptied");

	memset(s, 'a', BOOTARGS_MAX_LEN - 1);
	s[BOOTARGS_MAX_LEN - 1] = '\0';
	rc = bootargs_split(s, sizeof(s), &ba, err, sizeof(err));
	CHECK(rc == 0 && ba.nargs == 1 && strlen(ba.args[0]) == BOOTARGS_MAX_LEN - 1, "4095 bytes: rc %d %s", rc, err);
	/* 127 short words and a long one, 4095 bytes in all: buf is just big enough. */
	for (i = 0; i < BOOTARGS_MAX_LEN - 1; i++)
		s[i] = i < 254 ? (i % 2 ? ' ' : 'b') : 'c';
	rc = bootargs_split(s, sizeof(s), &ba, err, sizeof(err));
	CHECK(rc == 0 && ba.nargs == 128 && strlen(ba.args[127]) == BOOTARGS_MAX_LEN - 1 - 254,
	      "127 short words + 1 long: rc %d %s", rc, err);

	memset(s, 'a', BOOTARGS_MAX_LEN);
	s[BOOTARGS_MAX_LEN] = '\0';
	rc = bootargs_split(s, sizeof(s), &ba, err, sizeof(err));
	CHECK(rc == -1 && !strcmp(err, "bootargs: longer than 4095 bytes"), "4096 bytes: rc %d %s", rc, err);
	rc = bootargs_split(s, BOOTARGS_MAX_LEN - 1, &ba, err, sizeof(err));
	CHECK(rc == 0 && ba.nargs == 1, "4096 bytes cut by maxlen: rc %d %s", rc, err);
}

struct opt_case {
	const char *in;
	const char *name;
	const char *want;	/* NULL: not given */
};

static const struct opt_case opt_cases[] = {
	{ "goose.trace=syscalls",		"goose.trace",	"syscalls" },
	{ "goose.quiet",			"goose.quiet",	"" },
	{ "goose.a=",				"goose.a",	"" },
	{ "goose.a=1 goose.a=2",		"goose.a",	"2" },
	{ "goose.a=x=y",			"goose.a",	"x=y" },
	{ "goose.quietx",			"goose.quiet",	NULL },
	{ "goose.trace=x",			"goose.tr",	NULL },
	{ "x goose.b=\"1 2\"",			"goose.b",	"1 2" },
	{ "-- goose.c=1",			"goose.c",	NULL },
	{ "",					"goose.d",	NULL },
};

static void test_opts(void)
{
	static struct bootargs ba;
	char err[128];
	const char *got;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opt_cases); i++) {
		const struct opt_case *c = &opt_cases[i];

		CHECK(bootargs_split(c->in, strlen(c->in) + 1, &ba, err, sizeof(err)) == 0, "%s: %s", c->in, err);
		got = bootargs_opt(&ba, c->name);
		if (c->want)
			CHECK(got && !strcmp(got, c->want), "%s: %s = %s, want %s", c->in, c->name, got ? got : "(null)", c->want);
		else
			CHECK(got == NULL, "%s: %s = %s, want not given", c->in, c->name, got);
	}
}

int main(void)
{
	test_split_table();
	test_split_bounds();
	test_split_limits();
	test_opts();
	return test_done("bootargs");
}
