/* SPDX-License-Identifier: MIT */
/*
 * Time system calls. Clock ids from include/uapi/linux/time.h; struct
 * timespec is { s64 tv_sec; s64 tv_nsec; } and struct timeval
 * { s64 tv_sec; s64 tv_usec; } on riscv64.
 */
#include "clock.h"
#include "errno.h"
#include "signal.h"
#include "syscall.h"
#include "thread.h"
#include "vm.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1

#define NSEC_PER_SEC 1000000000ull

long timespec_from_user(uint64_t uts, uint64_t *ns)
{
	int64_t ts[2];

	if (copy_from_user(ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || (uint64_t)ts[1] >= NSEC_PER_SEC)
		return -EINVAL;
	/* Far enough in the future is forever. */
	if ((uint64_t)ts[0] >= UINT64_MAX / NSEC_PER_SEC - 1)
		*ns = UINT64_MAX / 2;
	else
		*ns = (uint64_t)ts[0] * NSEC_PER_SEC + (uint64_t)ts[1];
	return 0;
}

static long timespec_to_user(uint64_t uts, uint64_t ns)
{
	int64_t ts[2] = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };

	return copy_to_user(uts, ts, sizeof(ts));
}

static uint64_t deadline_after(uint64_t ns)
{
	uint64_t d = clock_ticks() + clock_ns_to_ticks(ns);

	return d < ns / NSEC_PER_SEC ? UINT64_MAX : MAX(d, 1ull);
}

long timeout_from_ms(int ms, uint64_t *deadline)
{
	*deadline = ms < 0 ? 0 : ms == 0 ? 1 : deadline_after((uint64_t)ms * 1000000);
	return 0;
}

long timeout_from_timespec(uint64_t uts, uint64_t *deadline)
{
	uint64_t ns;

	if (!uts) {
		*deadline = 0;
		return 0;
	}
	long r = timespec_from_user(uts, &ns);

	if (r)
		return r;
	*deadline = ns ? deadline_after(ns) : 1;
	return 0;
}

bool timeout_expired(uint64_t deadline)
{
	return deadline && clock_ticks() >= deadline;
}

/*
 * A negative id is a CPU-time clock (include/linux/posix-timers.h): pid or
 * tid ~(id >> 3), bit 2 per-thread, the low two bits the kind (3 invalid).
 * Here pid 0 and goose's own pid, and any live tid.
 */
static long cpu_clock_read(struct thread *t, int64_t id, uint64_t *ns)
{
	int64_t who = ~(id >> 3);

	if ((id & 3) == 3)
		return -EINVAL;
	if (id & 4) {
		struct thread *th = who ? thread_by_tid((int)who) : t;

		if (!th)
			return -EINVAL;
		*ns = (th->cpu_ticks + (th->state == T_RUNNING ? clock_ticks() - th->run_start : 0)) * NSEC_PER_SEC /
		      clock_timebase();
		return 0;
	}
	if (who != 0 && who != GOOSE_PID)
		return -EINVAL;
	*ns = sched_process_cpu_ticks() * NSEC_PER_SEC / clock_timebase();
	return 0;
}

static long clock_read(struct thread *t, uint64_t id, uint64_t *ns)
{
	if ((int64_t)id < 0)
		return cpu_clock_read(t, (int64_t)id, ns);
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		*ns = clock_monotonic_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = sched_process_cpu_ticks() * NSEC_PER_SEC / clock_timebase();
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = (t->cpu_ticks + clock_ticks() - t->run_start) * NSEC_PER_SEC / clock_timebase();
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL(clock_gettime)
{
	uint64_t ns;
	long r = clock_read(t, a[0], &ns);

	return r ? r : timespec_to_user(a[1], ns);
}

SYSCALL(clock_getres)
{
	uint64_t ns;
	long r = clock_read(t, a[0], &ns);

	if (r)
		return r;
	/* One tick of the timebase, at least a nanosecond. */
	uint64_t res = MAX(NSEC_PER_SEC / clock_timebase(), 1);

	return a[1] ? timespec_to_user(a[1], res) : 0;
}

SYSCALL(clock_settime)
{
	uint64_t ns;
	long r;

	(void)t;
	if (a[0] != CLOCK_REALTIME)
		return -EINVAL;
	if ((r = timespec_from_user(a[1], &ns)))
		return r;
	clock_set_realtime_ns(ns);
	return 0;
}

SYSCALL(gettimeofday)
{
	uint64_t ns = clock_realtime_ns();
	int64_t tv[2] = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000) };
	uint32_t tz[2] = { 0, 0 };

	(void)t;
	if (a[0] && copy_to_user(a[0], tv, sizeof(tv)))
		return -EFAULT;
	if (a[1] && copy_to_user(a[1], tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

/* Sleep until the absolute tick `deadline`; rem gets the time left on EINTR. */
static long sleep_until(struct thread *t, uint64_t deadline, uint64_t rem)
{
	if (clock_ticks() >= deadline)
		return 0;
	t->sleep_rem = rem;
	sched_block(t, WAIT_SLEEP, 0, deadline);
	return SYSRET_BLOCKED;
}

SYSCALL(nanosleep)
{
	uint64_t ns;
	long r = timespec_from_user(a[0], &ns);

	if (r)
		return r;
	return sleep_until(t, deadline_after(ns), a[1]);
}

SYSCALL(clock_nanosleep)
{
	uint64_t ns, now;
	long r;

	/* Sleeping on this thread's own CPU clock cannot end (kernel/time/posix-cpu-timers.c). */
	if (a[0] == CLOCK_THREAD_CPUTIME_ID)
		return -EOPNOTSUPP;
	if ((r = clock_read(t, a[0], &now)))
		return r;
	if ((r = timespec_from_user(a[2], &ns)))
		return r;
	if (!(a[1] & TIMER_ABSTIME))
		return sleep_until(t, deadline_after(ns), a[3]);
	/* An absolute time on this clock: sleep for the difference. */
	return sleep_until(t, ns > now ? deadline_after(ns - now) : 0, 0);
}

/* struct rusage (include/uapi/linux/resource.h): two timevals, then 14 longs. */
SYSCALL(getrusage)
{
	int64_t ru[18];
	uint64_t ticks;

	memset(ru, 0, sizeof(ru));
	if ((int64_t)a[0] == 1 /* RUSAGE_THREAD */)
		ticks = t->cpu_ticks + clock_ticks() - t->run_start;
	else if (a[0] == 0 /* RUSAGE_SELF */ || (int64_t)a[0] == -1 /* RUSAGE_CHILDREN */)
		ticks = a[0] == 0 ? sched_process_cpu_ticks() : 0;
	else
		return -EINVAL;
	uint64_t us = ticks * 1000000 / clock_timebase();

	ru[0] = (int64_t)(us / 1000000);
	ru[1] = (int64_t)(us % 1000000);
	ru[4] = (int64_t)(pmem.total_pages - pmem.free_pages) * 4; /* ru_maxrss, KiB (an upper bound) */
	return copy_to_user(a[1], ru, sizeof(ru));
}
