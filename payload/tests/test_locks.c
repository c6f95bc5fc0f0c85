// SPDX-License-Identifier: MIT
/*
 * Host tests for advisory file locks (fs/locks.c) against flock(2) and
 * fcntl(2) as Linux answers them (each case's answer was checked on Linux
 * 6.18 through qemu-riscv64 where a program can see it):
 *   - struct flock's ranges: l_whence, negative lengths, EINVAL and
 *     EOVERFLOW in Linux's order;
 *   - record locks as tables of steps: splitting, merging, conflicts
 *     between the process and open file descriptions, F_GETLK;
 *   - flock: shared, exclusive, conversion, per description;
 *   - what closing does: POSIX's rule (any fd drops the process's locks),
 *     a description's last close (its flock and OFD locks), the wake-ups
 *     that let waiters run again.
 * The files are tmpfs files opened twice (two descriptions of one inode),
 * another file, and a pipe's two ends.
 */
#include "tests/host_kernel.h"
#include "dev/console.h"
#include "fs/file.h"
#include "fs/locks.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/fcntl.h"
#include "test.h"

static struct file *fa, *fb, *fother, *pr, *pw;

static struct file *open_rw(const char *path)
{
	struct file *f = NULL;

	if (vfs_open(AT_FDCWD, path, O_CREAT | O_RDWR, 0600, &f))
		panic("open %s", path);
	return f;
}

/* ---- struct flock -> bytes ---------------------------------------------- */

#define LAST LOCK_OFFSET_MAX

static const struct range_case {
	int line;
	int16_t type, whence;
	int64_t start, len;
	int want;		/* 0 or -errno */
	int64_t from, to;	/* the bytes, when want is 0 */
} ranges[] = {
	/* The file is 1000 bytes long and its offset is 300. */
	{ __LINE__, F_WRLCK, SEEK_SET, 0, 0, 0, 0, LAST },
	{ __LINE__, F_RDLCK, SEEK_SET, 10, 5, 0, 10, 14 },
	{ __LINE__, F_UNLCK, SEEK_SET, 10, 1, 0, 10, 10 },
	{ __LINE__, F_WRLCK, SEEK_CUR, 0, 10, 0, 300, 309 },
	{ __LINE__, F_WRLCK, SEEK_CUR, -300, 1, 0, 0, 0 },
	{ __LINE__, F_WRLCK, SEEK_CUR, -301, 1, -EINVAL, 0, 0 },
	{ __LINE__, F_WRLCK, SEEK_END, 0, 0, 0, 1000, LAST },
	{ __LINE__, F_WRLCK, SEEK_END, -1, 1, 0, 999, 999 },
	{ __LINE__, F_WRLCK, SEEK_END, 5, 0, 0, 1005, LAST },
	/* A negative length: the bytes before the start. */
	{ __LINE__, F_RDLCK, SEEK_SET, 50, -10, 0, 40, 49 },
	{ __LINE__, F_RDLCK, SEEK_SET, 50, -50, 0, 0, 49 },
	{ __LINE__, F_RDLCK, SEEK_SET, 50, -51, -EINVAL, 0, 0 },
	{ __LINE__, F_RDLCK, SEEK_CUR, 0, -300, 0, 0, 299 },
	{ __LINE__, F_RDLCK, SEEK_SET, -1, 0, -EINVAL, 0, 0 },
	{ __LINE__, F_RDLCK, SEEK_SET, INT64_MIN, 0, -EINVAL, 0, 0 },
	/* The largest range, and one byte past it. */
	{ __LINE__, F_RDLCK, SEEK_SET, 0, LAST, 0, 0, LAST - 1 },
	{ __LINE__, F_RDLCK, SEEK_SET, 1, LAST, 0, 1, LAST },
	{ __LINE__, F_RDLCK, SEEK_SET, 2, LAST, -EOVERFLOW, 0, 0 },
	{ __LINE__, F_RDLCK, SEEK_SET, LAST, 1, 0, LAST, LAST },
	{ __LINE__, F_RDLCK, SEEK_END, LAST, 0, -EOVERFLOW, 0, 0 },
	{ __LINE__, F_RDLCK, SEEK_END, LAST - 1000, 0, 0, LAST, LAST },
	{ __LINE__, F_RDLCK, SEEK_CUR, LAST - 299, 0, -EOVERFLOW, 0, 0 },
	/* The type is looked at last: a bad range says so first. */
	{ __LINE__, 99, SEEK_SET, 0, 0, -EINVAL, 0, 0 },
	{ __LINE__, -1, SEEK_SET, 0, 0, -EINVAL, 0, 0 },
	{ __LINE__, 99, SEEK_END, LAST, 0, -EOVERFLOW, 0, 0 },
	{ __LINE__, F_RDLCK, 3, 0, 0, -EINVAL, 0, 0 },
	{ __LINE__, F_RDLCK, -1, 0, 0, -EINVAL, 0, 0 },
};

static void test_ranges(void)
{
	struct file *f = open_rw("/tmp/ranges");
	static char buf[1000];

	CHECK(f->ops->write(f, buf, sizeof(buf), &f->off) == 1000, "1000 bytes");
	f->off = 300;
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		const struct range_case *c = &ranges[i];
		struct k_flock fl = { .l_type = c->type, .l_whence = c->whence, .l_start = c->start, .l_len = c->len };
		struct record_lock lk = { 0 };
		int r = locks_range(f, &fl, &lk);

		CHECK(r == c->want, "line %d: got %d, want %d", c->line, r, c->want);
		if (!r && !c->want)
			CHECK(lk.type == c->type && lk.start == c->from && lk.end == c->to && !lk.ofd,
			      "line %d: got %d %" PRId64 "-%" PRId64, c->line, lk.type, lk.start, lk.end);
	}
	/* A pipe has no size and no offset: SEEK_END and SEEK_CUR count from 0. */
	struct k_flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_END, .l_start = 4, .l_len = 2 };
	struct record_lock lk;

	CHECK(locks_range(pw, &fl, &lk) == 0 && lk.start == 4 && lk.end == 5, "a pipe's end is 0");
	fl.l_whence = SEEK_CUR;
	fl.l_start = -1;
	CHECK(locks_range(pw, &fl, &lk) == -EINVAL, "and so is its offset");
	file_put(f);
}

/* ---- record locks -------------------------------------------------------- */

/*
 * Steps, ';' between them, each "OWNER TYPE START LEN" with SEEK_SET: owner
 * P (the process, through file a), A or B (file a's or b's description,
 * OFD); type R, W or U (a set) or ?R, ?W, ?U (F_GETLK). A set answers ok,
 * EAGAIN or ENOLCK; a test answers the lock found ("P W 0-39", "max" for
 * the last byte) or "none". A case checks the last step's answer and the
 * locks held at the end, in order, then drops them all.
 */
static const struct record_case {
	int line;
	const char *steps, *answer, *held;
} records[] = {
	/* One lock; the same again; unlocking what is not locked. */
	{ __LINE__, "P W 0 100", "ok", "P W 0-99" },
	{ __LINE__, "P W 0 100; P W 0 100", "ok", "P W 0-99" },
	{ __LINE__, "P U 0 0", "ok", "" },
	{ __LINE__, "P W 0 100; P U 200 10", "ok", "P W 0-99" },
	{ __LINE__, "P W 0 0", "ok", "P W 0-max" },
	/* Splitting: a hole in the middle, either end cut off. */
	{ __LINE__, "P W 0 100; P U 40 20", "ok", "P W 0-39 P W 60-99" },
	{ __LINE__, "P W 0 100; P U 0 10", "ok", "P W 10-99" },
	{ __LINE__, "P W 0 100; P U 90 10", "ok", "P W 0-89" },
	{ __LINE__, "P W 0 100; P U 90 0", "ok", "P W 0-89" },
	{ __LINE__, "P W 0 0; P U 100 10", "ok", "P W 0-99 P W 110-max" },
	{ __LINE__, "P R 0 100; P W 40 20", "ok", "P R 0-39 P W 40-59 P R 60-99" },
	{ __LINE__, "P W 0 100; P R 40 20", "ok", "P W 0-39 P R 40-59 P W 60-99" },
	/* Merging: overlapping and adjacent locks of one type become one. */
	{ __LINE__, "P R 0 10; P R 10 10", "ok", "P R 0-19" },
	{ __LINE__, "P R 10 10; P R 0 10", "ok", "P R 0-19" },
	{ __LINE__, "P R 0 10; P R 20 10; P R 10 10", "ok", "P R 0-29" },
	{ __LINE__, "P R 0 10; P R 5 10", "ok", "P R 0-14" },
	{ __LINE__, "P R 0 10; P R 20 10; P R 5 20", "ok", "P R 0-29" },
	{ __LINE__, "P R 0 10; P R 11 10", "ok", "P R 0-9 P R 11-20" },
	{ __LINE__, "P R 0 10; P W 10 10", "ok", "P R 0-9 P W 10-19" },
	{ __LINE__, "P R 100 0; P R 0 100", "ok", "P R 0-max" },
	/* A type change in the middle merges with what it now touches. */
	{ __LINE__, "P R 0 10; P W 10 10; P R 20 10; P R 10 10", "ok", "P R 0-29" },
	{ __LINE__, "P R 0 30; P W 10 10; P U 10 10; P R 10 10", "ok", "P R 0-29" },
	/* One lock over several: they all go. */
	{ __LINE__, "P R 0 10; P W 20 10; P R 40 10; P W 5 40", "ok", "P R 0-4 P W 5-44 P R 45-49" },
	{ __LINE__, "P R 0 10; P W 20 10; P R 40 10; P U 0 0", "ok", "" },
	/* Negative lengths, as ranges before l_start. */
	{ __LINE__, "P W 50 -10", "ok", "P W 40-49" },
	/* The process never conflicts with itself; two descriptions do. */
	{ __LINE__, "P W 0 10; P W 5 10", "ok", "P W 0-14" },
	{ __LINE__, "A W 0 10; B W 5 10", "EAGAIN", "A W 0-9" },
	{ __LINE__, "A W 0 10; B R 5 10", "EAGAIN", "A W 0-9" },
	{ __LINE__, "A R 0 10; B R 5 10", "ok", "A R 0-9 B R 5-14" },
	{ __LINE__, "A R 0 10; B W 10 10", "ok", "A R 0-9 B W 10-19" },
	{ __LINE__, "A R 0 10; B R 5 10; A W 0 10", "EAGAIN", "A R 0-9 B R 5-14" },
	{ __LINE__, "A W 0 10; B U 0 0", "ok", "A W 0-9" },
	/* The process and a description conflict, even through one file. */
	{ __LINE__, "A W 0 10; P R 5 1", "EAGAIN", "A W 0-9" },
	{ __LINE__, "P R 0 10; A W 9 1", "EAGAIN", "P R 0-9" },
	{ __LINE__, "P R 0 10; A R 0 10", "ok", "P R 0-9 A R 0-9" },
	/* Each owner's locks stay together, owners in the order they came. */
	{ __LINE__, "B R 50 10; P R 0 10; B R 0 10; P R 60 10", "ok", "B R 0-9 B R 50-59 P R 0-9 P R 60-69" },
	{ __LINE__, "B R 0 10; P R 0 10; B U 0 0; B R 0 10", "ok", "P R 0-9 B R 0-9" },
	/* F_GETLK: the first lock of another owner in the way. */
	{ __LINE__, "P W 0 100; P ?W 0 0", "none", "P W 0-99" },
	{ __LINE__, "P W 0 100; A ?R 50 1", "P W 0-99", "P W 0-99" },
	{ __LINE__, "P W 0 100; P U 40 20; A ?W 0 0", "P W 0-39", "P W 0-39 P W 60-99" },
	{ __LINE__, "P W 0 100; P U 40 20; A ?W 40 20", "none", "P W 0-39 P W 60-99" },
	{ __LINE__, "P W 0 100; P U 40 20; A ?W 50 0", "P W 60-99", "P W 0-39 P W 60-99" },
	{ __LINE__, "P R 0 10; A ?R 0 0", "none", "P R 0-9" },
	{ __LINE__, "P R 0 10; P W 20 0; A ?R 0 0", "P W 20-max", "P R 0-9 P W 20-max" },
	{ __LINE__, "A W 0 10; P ?R 0 0", "A W 0-9", "A W 0-9" },
	{ __LINE__, "A W 0 10; B R 20 10; P ?W 0 0", "A W 0-9", "A W 0-9 B R 20-29" },
	{ __LINE__, "B R 20 10; A W 0 10; P ?W 0 0", "B R 20-29", "B R 20-29 A W 0-9" },
	{ __LINE__, "A W 0 10; A ?W 0 0", "none", "A W 0-9" },
	/* F_OFD_GETLK with F_UNLCK: the asker's own lock over the range. */
	{ __LINE__, "A W 0 10; A ?U 5 1", "A W 0-9", "A W 0-9" },
	{ __LINE__, "A W 0 10; B ?U 5 1", "none", "A W 0-9" },
	{ __LINE__, "A W 0 10; A ?U 10 0", "none", "A W 0-9" },
};

static const char *owner_name(const struct file *o)
{
	return !o ? "P" : o == fa ? "A" : o == fb ? "B" : "?";
}

static void show_lock(char *out, size_t n, const struct record_lock *l)
{
	char end[24];

	if (l->end == LAST)
		snprintf(end, sizeof(end), "max");
	else
		snprintf(end, sizeof(end), "%" PRId64, l->end);
	snprintf(out, n, "%s %c %" PRId64 "-%s", owner_name(l->ofd), l->type == F_RDLCK ? 'R' : l->type == F_WRLCK ? 'W' : 'U',
		 l->start, end);
}

/* Run one step; its answer into out. */
static void record_step(const char *step, char *out, size_t n)
{
	char owner, t1, t2 = 0;
	long long start, len;
	struct record_lock lk;
	bool test = false;

	if (sscanf(step, " %c ?%c %lld %lld", &owner, &t2, &start, &len) == 4)
		test = true;
	else if (sscanf(step, " %c %c %lld %lld", &owner, &t1, &start, &len) != 4)
		panic("bad step '%s'", step);
	char type = test ? t2 : t1;
	struct k_flock fl = { .l_type = type == 'R' ? F_RDLCK : type == 'W' ? F_WRLCK : F_UNLCK,
			      .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	struct file *via = owner == 'B' ? fb : fa;

	if (locks_range(via, &fl, &lk))
		panic("bad range in '%s'", step);
	lk.ofd = owner == 'P' ? NULL : via;
	if (test) {
		locks_record_test(via, &lk);
		if (lk.type == F_UNLCK)
			snprintf(out, n, "none");
		else
			show_lock(out, n, &lk);
		return;
	}
	int r = locks_record_set(via, &lk);

	snprintf(out, n, "%s", r == 0 ? "ok" : r == -EAGAIN ? "EAGAIN" : r == -ENOLCK ? "ENOLCK" : "?");
}

static void held(char *out, size_t n)
{
	struct record_lock l[16];
	int count = locks_record_list(fa, l, 16);
	size_t at = 0;

	out[0] = 0;
	for (int i = 0; i < count && i < 16 && at < n; i++) {
		char one[64];

		show_lock(one, sizeof(one), &l[i]);
		at += (size_t)snprintf(out + at, n - at, "%s%s", i ? " " : "", one);
	}
}

/* Drop every lock the cases took: the process's, then both descriptions'. */
static void drop_all(void)
{
	locks_fd_closed(fa);
	locks_file_released(fa);
	locks_file_released(fb);
}

static void test_records(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(records); i++) {
		const struct record_case *c = &records[i];
		char steps[256], answer[64] = "", state[256];

		snprintf(steps, sizeof(steps), "%s", c->steps);
		for (char *s = strtok(steps, ";"); s; s = strtok(NULL, ";"))
			record_step(s, answer, sizeof(answer));
		held(state, sizeof(state));
		CHECK(!strcmp(answer, c->answer), "line %d: answered '%s', want '%s'", c->line, answer, c->answer);
		CHECK(!strcmp(state, c->held), "line %d: holds '%s', want '%s'", c->line, state, c->held);
		drop_all();
		CHECK(locks_record_list(fa, NULL, 0) == 0, "line %d: all dropped", c->line);
	}
	/* Locks on one file are not locks on another. */
	struct record_lock w = { F_WRLCK, 0, LAST, fa }, r = { F_WRLCK, 0, LAST, fother };

	CHECK(locks_record_set(fa, &w) == 0, "a write lock on the file");
	CHECK(locks_record_set(fother, &r) == 0, "another file: no conflict");
	CHECK(locks_record_list(fother, NULL, 0) == 1, "one lock there");
	locks_file_released(fa);
	locks_file_released(fother);
}

/* ---- flock ----------------------------------------------------------------- */

/* Steps "FILE OP" with file a, b (two opens of one file), o (another file),
 * r, w (a pipe's ends: one inode on Linux) and op SH, EX, UN; the answers,
 * space-separated. Each case starts with no lock and drops all at the end. */
static const struct flock_case {
	int line;
	const char *steps, *answers;
} flocks[] = {
	{ __LINE__, "a SH; b SH; a SH", "ok ok ok" },
	{ __LINE__, "a EX; b SH; b EX; a EX", "ok EAGAIN EAGAIN ok" },
	{ __LINE__, "a SH; b EX", "ok EAGAIN" },
	{ __LINE__, "a EX; a UN; b EX", "ok ok ok" },
	{ __LINE__, "a UN; a UN", "ok ok" },
	{ __LINE__, "a EX; o EX", "ok ok" },
	/* Conversions: down at once; up when no one else holds it. */
	{ __LINE__, "a EX; a SH; b SH", "ok ok ok" },
	{ __LINE__, "a SH; a EX; b SH", "ok ok EAGAIN" },
	/* A conversion that fails has dropped the old lock (flock(2)). */
	{ __LINE__, "a SH; b SH; b EX; a EX; b SH", "ok ok EAGAIN ok EAGAIN" },
	/* Both ends of a pipe are one file. */
	{ __LINE__, "r EX; w SH; w EX", "ok EAGAIN EAGAIN" },
	{ __LINE__, "r SH; w SH", "ok ok" },
};

static struct file *flock_file(char c)
{
	switch (c) {
	case 'a':
		return fa;
	case 'b':
		return fb;
	case 'o':
		return fother;
	case 'r':
		return pr;
	default:
		return pw;
	}
}

static void test_flocks(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(flocks); i++) {
		const struct flock_case *c = &flocks[i];
		char steps[256], answers[256] = "";
		size_t at = 0;

		snprintf(steps, sizeof(steps), "%s", c->steps);
		for (char *s = strtok(steps, ";"); s; s = strtok(NULL, ";")) {
			char f, op[3];

			if (sscanf(s, " %c %2s", &f, op) != 2)
				panic("bad step '%s'", s);
			int type = !strcmp(op, "SH") ? F_RDLCK : !strcmp(op, "EX") ? F_WRLCK : F_UNLCK;
			int r = locks_flock(flock_file(f), type);

			at += (size_t)snprintf(answers + at, sizeof(answers) - at, "%s%s", at ? " " : "",
					       r == 0 ? "ok" : r == -EAGAIN ? "EAGAIN" : "?");
		}
		CHECK(!strcmp(answers, c->answers), "line %d: answered '%s', want '%s'", c->line, answers, c->answers);
		struct file *all[] = { fa, fb, fother, pr, pw };

		for (size_t j = 0; j < ARRAY_SIZE(all); j++)
			locks_file_released(all[j]);
	}
	/* flock and record locks never meet. */
	struct record_lock w = { F_WRLCK, 0, LAST, fb };

	CHECK(locks_flock(fa, F_WRLCK) == 0, "flock EX");
	CHECK(locks_record_set(fb, &w) == 0, "an OFD write lock beside it");
	CHECK(locks_flock(fb, F_WRLCK) == -EAGAIN, "flock EX from b still conflicts with a's");
	locks_file_released(fa);
	locks_file_released(fb);
}

/* ---- closing --------------------------------------------------------------- */

static void test_close(void)
{
	struct file *x = open_rw("/tmp/lk"), *y = open_rw("/tmp/lk");
	struct record_lock p = { F_WRLCK, 0, 9, NULL }, o = { F_WRLCK, 20, 29, x }, q;
	int fx = fd_install(x, false, 0), fy = fd_install(y, false, 0);
	int w;

	CHECK(fx >= 0 && fy >= 0, "two fds");
	/* A dup shares the description: its flock lock stays until the last close. */
	CHECK(locks_flock(x, F_WRLCK) == 0, "flock EX through x");
	file_get(x);
	int fx2 = fd_install(x, false, 0);

	CHECK(locks_record_set(x, &p) == 0 && locks_record_set(x, &o) == 0, "a process lock and an OFD lock");
	CHECK(locks_record_list(fa, NULL, 0) == 2, "two record locks on the inode");

	/* Closing y (another open of the file) drops the process's lock only. */
	w = host_wakeups;
	CHECK(fd_close(fy) == 0, "close y");
	CHECK(host_wakeups > w, "waiters hear of it");
	CHECK(locks_record_list(fa, &q, 1) == 1 && q.ofd == x && q.start == 20, "the OFD lock stays");
	CHECK(locks_flock(fb, F_RDLCK) == -EAGAIN, "the flock lock stays");

	/* Closing one of x's two fds: the description lives on, and its locks. */
	CHECK(fd_close(fx) == 0, "close one of x's fds");
	CHECK(locks_record_list(fa, NULL, 0) == 1, "the OFD lock stays");
	CHECK(locks_flock(fb, F_RDLCK) == -EAGAIN, "the flock lock stays");

	/* The last close releases the description: every lock of it goes. */
	w = host_wakeups;
	CHECK(fd_close(fx2) == 0, "close x's last fd");
	CHECK(host_wakeups > w, "waiters hear of it");
	CHECK(locks_record_list(fa, NULL, 0) == 0, "no record lock left");
	CHECK(locks_flock(fb, F_WRLCK) == 0, "b may take flock EX now");
	locks_file_released(fb);

	/* Taking a lock wakes nobody; a set that conflicts changes nothing. */
	w = host_wakeups;
	struct record_lock a1 = { F_WRLCK, 0, 9, fa }, b1 = { F_WRLCK, 5, 5, fb };

	CHECK(locks_record_set(fa, &a1) == 0 && locks_flock(fa, F_RDLCK) == 0, "two locks");
	CHECK(locks_record_set(fb, &b1) == -EAGAIN && locks_flock(fb, F_WRLCK) == -EAGAIN, "two conflicts");
	CHECK(host_wakeups == w, "no wake-up");
	CHECK(locks_flock(fa, F_WRLCK) == 0 && host_wakeups > w, "a conversion drops a lock: wake-up");
	locks_file_released(fa);
	CHECK(locks_record_list(fa, NULL, 0) == 0, "nothing left");
}

int main(void)
{
	struct file *ends[2];

	host_setup();
	fa = open_rw("/tmp/lk");
	fb = open_rw("/tmp/lk");
	fother = open_rw("/tmp/other");
	if (pipe_create(ends, 0))
		panic("pipe");
	pr = ends[0];
	pw = ends[1];
	test_ranges();
	test_records();
	test_flocks();
	test_close();
	file_put(fa);
	file_put(fb);
	file_put(fother);
	file_put(pr);
	file_put(pw);
	return test_done("locks");
}
