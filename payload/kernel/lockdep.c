/* SPDX-License-Identifier: MIT */
/*
 * The lock checker of GOOSE_DEBUG=locks builds (arch/riscv/spinlock.h): each
 * hart's held locks, with where each was taken. Taking a lock whose rank is
 * not above every lock the hart holds, taking one it holds already, taking
 * one with no rank, or releasing one it does not hold is reported with both
 * call sites, then goose stops (as panic does): a lock-order bug is a
 * deadlock waiting for the right timing.
 */
#include "arch/riscv/hart.h"
#include "arch/riscv/spinlock.h"
#include "dev/power.h"
#include "sbi/sbi.h"

#ifdef GOOSE_DEBUG_LOCKS
#define LOCKDEP_DEPTH 8

struct held {
	struct spinlock *l;
	const char *file;
	int line;
};

static struct held held[MAX_HARTS][LOCKDEP_DEPTH];
static int nheld[MAX_HARTS];

/* Straight to the firmware: the console's own lock may be the one in question. */
static void say(const char *s)
{
	for (; *s; s++)
		sbi_legacy_putchar(*s);
}

static void say_num(long v)
{
	char b[24];
	int i = (int)sizeof(b) - 1;
	unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		b[--i] = '-';
	say(b + i);
}

static void say_lock(const struct spinlock *l, const char *file, int line)
{
	say(l->name ? l->name : "(a lock with no name)");
	say(" (rank ");
	say_num(l->rank);
	say(") at ");
	say(file);
	say(":");
	say_num(line);
}

static void __attribute__((noreturn)) violation(const char *what, struct spinlock *l, const char *file, int line,
						const struct held *other)
{
	struct hart *h = this_hart();

	say("goose: lock order: hart ");
	say_num(h->index);
	say(" ");
	say(what);
	say(" ");
	say_lock(l, file, line);
	if (other) {
		say(", holding ");
		say_lock(other->l, other->file, other->line);
	}
	/* The SBI console sends CR before each LF itself. */
	say("\ngoose: exit status 125\n");
	power_off(POWER_EXIT_GOOSE_FAILURE);
}

void lockdep_acquire(struct spinlock *l, const char *file, int line)
{
	int i = this_hart()->index, n = nheld[i];

	if (!l->rank)
		violation("takes a lock with no rank:", l, file, line, NULL);
	for (int k = 0; k < n; k++) {
		if (held[i][k].l == l)
			violation("takes again", l, file, line, &held[i][k]);
		if (held[i][k].l->rank >= l->rank)
			violation("takes", l, file, line, &held[i][k]);
	}
	if (n == LOCKDEP_DEPTH)
		violation("takes one lock too many:", l, file, line, &held[i][n - 1]);
}

void lockdep_acquired(struct spinlock *l, const char *file, int line)
{
	int i = this_hart()->index;

	held[i][nheld[i]++] = (struct held){ l, file, line };
}

void lockdep_release(struct spinlock *l, const char *file, int line)
{
	int i = this_hart()->index;

	for (int k = nheld[i] - 1; k >= 0; k--) {
		if (held[i][k].l == l) {
			for (; k + 1 < nheld[i]; k++)
				held[i][k] = held[i][k + 1];
			nheld[i]--;
			return;
		}
	}
	violation("releases a lock it does not hold:", l, file, line, NULL);
}
#endif
