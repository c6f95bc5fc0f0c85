// SPDX-License-Identifier: MIT
/*
 * Stand-ins for what fs/ and net/ call below them, for host tests: no
 * scheduler (a call that would wait records it and returns SYSRET_BLOCKED),
 * a clock that ticks one microsecond a reading, a console in memory. The
 * memory manager is the real one (mm/vm.c, pmem.c, kmem.c's host build).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/host_kernel.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/spinlock.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "kernel/syscall.h"
#include "mm/pmem.h"
#include "mm/vm.h"

#define ARENA_PAGES 2048
#define ARENA_PA 0x80000000ull
#define PAGE 4096ull

uint64_t host_pa_offset;
struct spinlock big_lock;
int lockless_unmaps;
/* One hart: nobody else holds the big lock, nobody sleeps for it. */
uint64_t big_lock_sleepers;
static struct hart hart0;
struct hart *host_hart = &hart0;
struct hart harts[MAX_HARTS];

void big_lock_wait(struct spinlock *l)
{
	raw_spin_lock(l);
}

void smp_kick(struct hart *h)
{
	(void)h;
}
static struct thread threads[2];
struct thread *host_thread = &threads[0], *host_thread2 = &threads[1];
int host_waits, host_wakeups, host_reruns;
char host_console_out[4096];
size_t host_console_len;
char host_last_msg[256];
static const char *console_in;
static void *arena;

void gmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(host_last_msg, sizeof(host_last_msg), fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

void goose_exit(int status)
{
	fprintf(stderr, "goose_exit(%d): %s\n", status, host_last_msg);
	abort();
}

uint64_t clock_realtime_ns(void)
{
	static uint64_t now = 1700000000ull * 1000000000ull;

	return now += 1000;
}

void random_fill(void *buf, size_t len)
{
	static uint8_t x = 7;

	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = x = (uint8_t)(x * 37 + 11);
}

int console_getc(void)
{
	return console_in && *console_in ? (uint8_t)*console_in++ : -1;
}

void console_write_crlf(const char *s, size_t n)
{
	for (size_t i = 0; i < n && host_console_len < sizeof(host_console_out); i++)
		host_console_out[host_console_len++] = s[i];
}

void host_console_feed(const char *s)
{
	console_in = s;
}

void sched_wake_pollers(void)
{
	host_wakeups++;
}

void sched_block(struct thread *t, enum wait_kind kind, uint64_t addr, uint64_t deadline)
{
	(void)addr, (void)deadline;
	t->state = T_BLOCKED;
	t->wait = kind;
}

void sched_rerun(struct thread *t)
{
	host_reruns++;
	t->state = T_RUNNABLE;
	t->wait = WAIT_NONE;
}

long syscall_wait(struct thread *t, bool polled)
{
	(void)t, (void)polled;
	host_waits++;
	return SYSRET_BLOCKED;
}

void smp_tlb_away(struct hart *h)
{
	(void)h;
}

void smp_tlb_brief(struct hart *h)
{
	(void)h;
}

void smp_tlb_active(struct hart *h)
{
	(void)h;
}

void smp_tlb_shootdown(uint64_t start, uint64_t size)
{
	(void)start, (void)size;
}

/* One hart: a deferred shootdown has nothing to wait for. */
uint64_t smp_tlb_defer(bool fenced)
{
	(void)fenced;
	return 1;
}

uint64_t smp_tlb_passed(void)
{
	return UINT64_MAX;
}

uint8_t *host_user(uint64_t va)
{
	uint8_t b;

	/* Touch it as the program would, so the page is there. */
	if (copy_from_user(&b, va, 1))
		return NULL;
	return vm_kaddr(va);
}


static struct {
	const char *path;
	procfs_text_fn make;
} procfs_texts[8];

int procfs_add_text(const char *path, procfs_text_fn make)
{
	for (size_t i = 0; i < ARRAY_SIZE(procfs_texts); i++) {
		if (!procfs_texts[i].path || !strcmp(procfs_texts[i].path, path)) {
			procfs_texts[i].path = path;
			procfs_texts[i].make = make;
			return 0;
		}
	}
	return -ENOMEM;
}

procfs_text_fn host_procfs(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(procfs_texts) && procfs_texts[i].path; i++)
		if (!strcmp(procfs_texts[i].path, path))
			return procfs_texts[i].make;
	return NULL;
}

void host_setup(void)
{
	/* Once per test program: the tree stays reachable from the root, so
	 * LeakSanitizer reports only what fs/ or net/ really lost. */
	if (arena)
		panic("host_setup: called twice");
	arena = aligned_alloc(PAGE, ARENA_PAGES * PAGE);
	memset(arena, 0xa5, ARENA_PAGES * PAGE);
	host_pa_offset = (uint64_t)(uintptr_t)arena - ARENA_PA;
	struct pmem_range ram = { ARENA_PA, ARENA_PA + ARENA_PAGES * PAGE };

	if (pmem_init(&pmem, host_pa_offset, &ram, 1, NULL, 0))
		panic("host_setup: pmem_init");
	vm_init(PA2VA(pmem_alloc_zeroed(&pmem)));
	vm_set_commit_limit(UINT64_MAX);
	if (vm_add(HOST_USER, HOST_USER + HOST_USER_SIZE, PROT_READ | PROT_WRITE))
		panic("host_setup: vm_add");
	memset(threads, 0, sizeof(threads));
	threads[0].tid = 1;
	threads[1].tid = 2;
	hart0.current = host_thread;
	host_waits = host_wakeups = 0;
	host_console_len = 0;
	console_in = NULL;
	vfs_init();
}
