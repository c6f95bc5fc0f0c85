// SPDX-License-Identifier: MIT
/*
 * Host tests for payload/lib/gosym.c: Go's own line tables, read for a sample
 * of pcs of real Go programs and compared with `go tool addr2line` (the Go
 * toolchain's reader), for every Go toolchain the tests use (the programs
 * ci/test.py built, in the directory argv[3]); then hostile
 * copies (truncated, fields corrupted) must fail cleanly.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/elf.h"
#include "test.h"

#define MAXPCS 400

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f || fstat(fileno(f), &st)) {
		if (f)
			fclose(f);
		return NULL;
	}
	uint8_t *b = malloc((size_t)st.st_size);

	*len = fread(b, 1, (size_t)st.st_size, f);
	fclose(f);
	return b;
}

static void check_elf(const char *gobin, const char *elf)
{
	size_t len, nstarts;
	uint8_t *b = slurp(elf, &len);
	static uint64_t starts[1 << 16], pcs[MAXPCS];
	int npcs = 0;

	if (!b) {
		CHECK(0, "%s: cannot read", elf);
		return;
	}
	nstarts = elf_func_starts(b, len, 0, UINT64_MAX, starts, ARRAY_SIZE(starts));
	nstarts = nstarts < ARRAY_SIZE(starts) ? nstarts : ARRAY_SIZE(starts);
	for (size_t i = 0; i < nstarts && npcs < MAXPCS - 1; i += nstarts / (MAXPCS / 2) + 1) {
		pcs[npcs++] = starts[i];
		pcs[npcs++] = starts[i] + 2; /* inside even the smallest function */
	}
	char cmd[9000], tmp[] = "/tmp/goose-gosym-XXXXXX";
	int fd = mkstemp(tmp);
	FILE *in = fdopen(fd, "w");

	for (int i = 0; i < npcs; i++)
		fprintf(in, "0x%llx\n", (unsigned long long)pcs[i]);
	fclose(in);
	snprintf(cmd, sizeof(cmd), "GOTOOLCHAIN=local '%s' tool addr2line '%s' < %s", gobin, elf, tmp);
	FILE *out = popen(cmd, "r");
	char fn[512], fl[1024];
	int checked = 0;

	for (int i = 0; i < npcs && out && fgets(fn, sizeof(fn), out) && fgets(fl, sizeof(fl), out); i++) {
		fn[strcspn(fn, "\n")] = '\0';
		fl[strcspn(fl, "\n")] = '\0';
		char *colon = strrchr(fl, ':');
		int want_line = colon ? atoi(colon + 1) : 0;
		const char *func, *file;
		int line;

		if (colon)
			*colon = '\0';
		/* addr2line knows nothing here either; linker trampolines are
		 * in the symbol table, not in the line tables. */
		if (!strcmp(fn, "?") || strstr(fn, "-tramp"))
			continue;
		int r = elf_go_line(b, len, pcs[i], &func, &file, &line);

		CHECK(r == 0, "%s: pc 0x%llx (%s): no line found", elf, (unsigned long long)pcs[i], fn);
		if (r)
			continue;
		CHECK(!strcmp(func, fn) && !strcmp(file, fl) && line == want_line,
		      "%s: pc 0x%llx: got %s %s:%d, addr2line says %s %s:%d", elf, (unsigned long long)pcs[i], func,
		      file, line, fn, fl, want_line);
		checked++;
	}
	if (out)
		pclose(out);
	unlink(tmp);
	CHECK(checked > 100, "%s: only %d pcs compared", elf, checked);

	/* Outside any function, and hostile copies: -1, never a crash. */
	const char *func, *file;
	int line;

	CHECK(elf_go_line(b, len, 0x10, &func, &file, &line) == -1, "pc in page 0");
	for (size_t cut = 64; cut < len; cut += len / 97 + 1) {
		uint8_t *c = malloc(cut);

		memcpy(c, b, cut);
		(void)elf_go_line(c, cut, pcs[npcs / 2], &func, &file, &line);
		free(c);
	}
	for (size_t at = 0; at < 256; at++) {
		uint8_t *c = malloc(len);

		memcpy(c, b, len);
		/* Smash the ELF header's section fields and bytes all over. */
		c[(at * 7919) % len] ^= 0xff;
		c[40 + at % 24] ^= (uint8_t)(at + 1);
		(void)elf_go_line(c, len, pcs[at % npcs], &func, &file, &line);
		free(c);
	}
	free(b);
}

/* Every <name>.elf of the directory, checked with the go binary its
 * <name>.elf.gobin names (ci/test.py builds them with each toolchain). */
int main(int argc, char **argv)
{
	char path[4096], gobin[4096];
	struct dirent *e;
	int n = 0;
	DIR *d = argc > 3 ? opendir(argv[3]) : NULL;

	CHECK(d != NULL, "no directory of Go ELFs (usage: test_gosym <data dir> <dtb dir> <Go ELF dir>)");
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		FILE *f;

		if (l < 4 || strcmp(e->d_name + l - 4, ".elf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s.gobin", argv[3], e->d_name);
		f = fopen(path, "r");
		CHECK(f && fgets(gobin, sizeof(gobin), f), "%s: cannot read", path);
		if (f)
			fclose(f);
		gobin[strcspn(gobin, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s/%s", argv[3], e->d_name);
		printf("test_gosym: %s (%s)\n", e->d_name, gobin);
		check_elf(gobin, path);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n > 0, "%s holds no Go ELF (*.elf)", argc > 3 ? argv[3] : "(none)");
	return test_done("gosym");
}
