/* SPDX-License-Identifier: MIT */
/*
 * Time system calls. Clock ids from include/uapi/linux/time.h; struct
 * timespec is { s64 tv_sec; s64 tv_nsec; } and struct timeval
 * { s64 tv_sec; s64 tv_usec; } on riscv64.
 */
#include "arch/riscv/extable.h"
#include "arch/riscv/layout.h"
#include "include/uapi/errno.h"
#include "include/uapi/signal.h"
#include "include/uapi/time.h"
#include "kernel/clock.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "mm/vm.h"
#include "sys/sys.h"


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

/*
 * A sleep of at most SPIN_SLEEP_NS, without the big lock (sys/syscall.c,
 * syscall_lockless): the hart waits the time out itself. Go's runtime
 * sleeps 3 us (usleep in runqgrab, giving a running P the moment to run
 * the goroutine it is about to steal) thousands of times a second while
 * goroutines hand a mutex back and forth; blocking costs the big lock
 * twice, a timer interrupt and often an idle hart's wake-up, several times
 * the sleep. (Linux sleeps it plus its 50 us timer slack.) Not longer
 * sleeps, and not while a thread waits for a hart: a sleeping thread gives
 * its hart to others. Go's suspendG sleeps 10 us at a time until the
 * goroutine it stops has run; spun, those sleeps made make bench's TCP
 * loopback bulk transfer (netstack) end in a reset in 3 runs of 8, against
 * 1 in 8 with them blocking. The timespec is read with a load that may
 * fault (arch/riscv/extable.h), since a munmap on another hart may take
 * its page: then, and for any other sleep, false, and nanosleep takes the
 * usual way.
 */
#define SPIN_SLEEP_NS 5000

bool sys_nanosleep_spin(struct thread *t)
{
	uint64_t uts = t->frame.a0;
	int64_t sec = 0, nsec = 0;

	if (sched_queue_busy() || (uts & 7) || uts >= USER_TOP - 16 || EXTABLE_TRY("ld %0, 0(%2)", sec, "r"(uts)) ||
	    EXTABLE_TRY("ld %0, 0(%2)", nsec, "r"(uts + 8)) || sec || nsec < 0 || nsec > SPIN_SLEEP_NS)
		return false;
	uint64_t until = clock_ticks() + clock_ns_to_ticks((uint64_t)nsec);

	while (clock_ticks() < until)
		;
	t->frame.a0 = 0;
	return true;
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

/*
 * Interval timers (setitimer, getitimer; struct itimerval is two timevals,
 * interval then value). ITIMER_REAL counts the clock and raises SIGALRM;
 * ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time (goose does
 * not split user from system time: both count all of it) and raise
 * SIGVTALRM and SIGPROF, at the thread about to run, as Linux raises them at
 * the thread that used the time. Go's CPU profiler runs on ITIMER_PROF when
 * timer_create is missing, as here. A timer that is late fires once: a
 * pending signal does not queue twice.
 */
#define USEC_PER_SEC 1000000ull

static struct {
	uint64_t next;		/* ticks of its clock when it fires; 0: disarmed */
	uint64_t interval;	/* ticks; 0: once */
} itimers[3];

static const int itimer_sig[3] = { SIGALRM, SIGVTALRM, SIGPROF };

static void itimer_fire(int which, uint64_t now, struct thread *t)
{
	signal_send_kernel(signal_process_target(t, itimer_sig[which]), itimer_sig[which]);
	if (!itimers[which].interval) {
		itimers[which].next = 0;
		return;
	}
	itimers[which].next += itimers[which].interval;
	if (itimers[which].next <= now)
		itimers[which].next = now + itimers[which].interval;
}

uint64_t itimer_expire(uint64_t now)
{
	uint64_t next = itimers[ITIMER_REAL].next;

	/* Every resume asks: a disarmed or future timer costs two compares. */
	if (next && now >= next) {
		struct thread *t = thread_next(1);

		if (t)
			itimer_fire(ITIMER_REAL, now, t);
	}
	return itimers[ITIMER_REAL].next ? itimers[ITIMER_REAL].next : UINT64_MAX;
}

uint64_t itimer_charge(struct thread *t, uint64_t now, uint64_t cpu)
{
	uint64_t when = UINT64_MAX;

	for (int w = ITIMER_VIRTUAL; w <= ITIMER_PROF; w++) {
		if (!itimers[w].next)
			continue;
		if (cpu >= itimers[w].next)
			itimer_fire(w, cpu, t);
		/* This hart's thread uses CPU time no faster than the clock runs. */
		if (itimers[w].next)
			when = MIN(when, now + (itimers[w].next - cpu));
	}
	return when;
}

/* Where timer which's clock stands now (t is the caller, running). */
static uint64_t itimer_clock(int which, const struct thread *t)
{
	uint64_t now = clock_ticks();

	return which == ITIMER_REAL ? now : sched_cpu_charged() + (now - t->run_start);
}

static uint64_t ticks_to_usec(uint64_t ticks)
{
	return ticks / clock_timebase() * USEC_PER_SEC + ticks % clock_timebase() * USEC_PER_SEC / clock_timebase();
}

/* A struct itimerval for a timer of this interval firing at next (0: disarmed). */
static long itimer_put(int which, const struct thread *t, uint64_t interval, uint64_t next, uint64_t uval)
{
	uint64_t base = itimer_clock(which, t);
	uint64_t left = !next ? 0 : next > base ? ticks_to_usec(next - base) : 1;
	uint64_t iv = ticks_to_usec(interval);
	int64_t v[4] = { (int64_t)(iv / USEC_PER_SEC), (int64_t)(iv % USEC_PER_SEC), (int64_t)(left / USEC_PER_SEC),
			 (int64_t)(left % USEC_PER_SEC) };

	return copy_to_user(uval, v, sizeof(v));
}

static long itimer_get(int which, const struct thread *t, uint64_t uval)
{
	return itimer_put(which, t, itimers[which].interval, itimers[which].next, uval);
}

/* A timeval from the program in ticks, at least one tick when not zero. */
static long timeval_ticks(const int64_t tv[2], uint64_t *ticks)
{
	if (tv[0] < 0 || tv[1] < 0 || (uint64_t)tv[1] >= USEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)tv[0] >= UINT64_MAX / NSEC_PER_SEC / 2)
		*ticks = UINT64_MAX / 4;
	else
		*ticks = clock_ns_to_ticks((uint64_t)tv[0] * NSEC_PER_SEC + (uint64_t)tv[1] * 1000);
	if (!*ticks && (tv[0] || tv[1]))
		*ticks = 1;
	return 0;
}

SYSCALL(getitimer)
{
	if (a[0] > ITIMER_PROF)
		return -EINVAL;
	return itimer_get((int)a[0], t, a[1]);
}

/*
 * As kernel/time/itimer.c: the new value is read and checked (get_itimerval)
 * before do_setitimer looks at which, and the old value is written after
 * the timer is set, so a bad old_value pointer is EFAULT with the new timer
 * running.
 */
SYSCALL(setitimer)
{
	int64_t v[4] = { 0 };
	uint64_t interval, value, old_interval, old_next;
	int which = (int)a[0];
	long r;

	/* No new value disarms (as Linux still allows). */
	if (a[1] && copy_from_user(v, a[1], sizeof(v)))
		return -EFAULT;
	if ((r = timeval_ticks(v, &interval)) || (r = timeval_ticks(v + 2, &value)))
		return r;
	if (a[0] > ITIMER_PROF)
		return -EINVAL;
	old_interval = itimers[which].interval;
	old_next = itimers[which].next;
	itimers[which].interval = interval;
	itimers[which].next = value ? itimer_clock(which, t) + value : 0;
	t->frame.hart->resched = true;	/* the clock is reprogrammed at this trap's end */
	return a[2] ? itimer_put(which, t, old_interval, old_next, a[2]) : 0;
}
