/* SPDX-License-Identifier: MIT */
#include "kernel/thread.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "dev/irq.h"
#include "include/uapi/errno.h"
#include "kernel/clock.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/trace.h"
#include "mm/kmem.h"
#include "kernel/vector.h"
#include "sbi/sbi.h"

struct spinlock big_lock = SPINLOCK_INIT("big_lock", LOCK_RANK_BIG);
int lockless_unmaps;

/* Slots [0, threads_used) have been handed out at least once: each holds a
 * thread, made (kzalloc) the first time the slot was and kept for good
 * after (a slot is reused, its memory never given back: an exiting thread's
 * hart may still be on its way out of it). The rest of the table is never
 * read, and not cleared at boot. */
static struct thread *threads[MAX_THREADS] NOINIT;
static int threads_used;
static int next_tid = 1;
static int nthreads;

/* Run queue: FIFO, shared by all harts. */
static struct thread *rq_head, *rq_tail;
/* Blocked threads with a deadline, earliest first. */
static struct thread *sleepers;
/* Threads blocked in futex wait or poll. */
static struct thread *waiters;
/* Harts asleep in sched_idle, by index: a thread made runnable wakes one. */
static uint64_t idle_harts;
/* Of those, the ones still polling the run queue before their wfi: they
 * need no IPI. */
static uint64_t polling_harts;
/* How long an idle hart polls before its wfi (goose.idlepoll), in ticks. */
static uint64_t idle_poll_ticks;

void sched_set_idle_poll(uint64_t us)
{
	idle_poll_ticks = clock_ns_to_ticks(us * 1000);
}

struct thread *thread_alloc(void)
{
	for (int i = 0; i < MAX_THREADS; i++) {
		struct thread *t = i < threads_used ? threads[i] : kzalloc(sizeof(*t));

		if (!t)
			return NULL;
		if (i < threads_used && t->state != T_FREE)
			continue;
		if (i == threads_used)
			threads[threads_used++] = t;
		memset(t, 0, sizeof(*t));
		/* Every thread starts without an alternate signal stack, the
		 * first one too (Linux: SS_DISABLE until sigaltstack). Zeroed
		 * flags would say "enabled, at 0, size 0", which a cgo
		 * program's runtime adopts as its signal stack (minitSignalStack)
		 * and then dies on the first SIGURG with "non-Go code set up
		 * signal handler without SA_ONSTACK flag". */
		t->altstack_flags = SS_DISABLE;
		t->tid = next_tid++;
		t->start_ticks = clock_ticks();
		sched_stats.threads_made++;
		t->state = T_BLOCKED; /* not runnable until the caller says so */
		nthreads++;
		return t;
	}
	return NULL;
}

struct sched_stats sched_stats;

int sched_last_tid(void)
{
	return next_tid - 1;
}

int sched_nr_running(void)
{
	int n = 0;

	for (int i = 0; i < threads_used; i++)
		n += threads[i]->state == T_RUNNING || threads[i]->state == T_RUNNABLE;
	return n;
}

/*
 * Load averages as kernel/sched/loadavg.c keeps them: every 5 s, each
 * average moves toward the threads running or runnable then by the
 * factors e^(-5s/1min), e^(-5s/5min), e^(-5s/15min) in 11-bit fixed point
 * (EXP_1 1884, EXP_5 2014, EXP_15 2037). Sampled when a hart schedules;
 * 5 s intervals that passed with no scheduling at all (every hart idle:
 * nothing ran) are caught up as such.
 */
#define LOAD_FIXED_1 (1ull << LOAD_FSHIFT)
static uint64_t load_avg[3], load_next;

static uint64_t calc_load(uint64_t load, uint64_t exp, uint64_t active)
{
	uint64_t newload = load * exp + active * (LOAD_FIXED_1 - exp);

	if (active >= load)
		newload += LOAD_FIXED_1 - 1;
	return newload / LOAD_FIXED_1;
}

static void loadavg_update(uint64_t now)
{
	static const uint64_t exps[3] = { 1884, 2014, 2037 };
	uint64_t period = clock_ns_to_ticks(5 * NSEC_PER_SEC);
	uint64_t active = (uint64_t)sched_nr_running() * LOAD_FIXED_1;

	if (!load_next)
		load_next = now + period;
	for (int k = 0; now >= load_next && k < 1000; k++) {
		for (int i = 0; i < 3; i++)
			load_avg[i] = calc_load(load_avg[i], exps[i], active);
		load_next += period;
		active = 0;	/* later periods passed idle */
	}
	if (now >= load_next)
		load_next = now + period;
}

void sched_loadavg(uint64_t avg[3])
{
	loadavg_update(clock_ticks());
	memcpy(avg, load_avg, sizeof(load_avg));
}

void thread_free(struct thread *t)
{
	vector_free(t);
	t->state = T_FREE;
	nthreads--;
}

struct thread *thread_by_tid(int tid)
{
	for (int i = 0; i < threads_used; i++)
		if (threads[i]->state != T_FREE && threads[i]->tid == tid)
			return threads[i];
	return NULL;
}

struct thread *thread_next(int tid)
{
	struct thread *best = NULL;

	for (int i = 0; i < threads_used; i++) {
		struct thread *t = threads[i];

		if (t->state != T_FREE && t->tid >= tid && (!best || t->tid < best->tid))
			best = t;
	}
	return best;
}

int thread_count(void)
{
	return nthreads;
}

void sched_make_runnable(struct thread *t)
{
	t->state = T_RUNNABLE;
	t->rq_next = NULL;
	if (rq_tail)
		rq_tail->rq_next = t;
	else
		rq_head = t;
	rq_tail = t;
	/* Work for an idle hart: wake one (another than this, which is busy). */
	uint64_t others = idle_harts & ~(1ull << this_hart()->index);

	/* A polling hart sees the queue without one (sched_idle's order:
	 * the queue written, then polling_harts read; the poller clears its
	 * bit, then reads the queue). */
	if (!others)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&polling_harts, __ATOMIC_SEQ_CST) & others)
		return;
	smp_kick(&harts[__builtin_ctzll(others)]);
}

bool sched_queue_busy(void)
{
	return __atomic_load_n(&rq_head, __ATOMIC_RELAXED) != NULL;
}

static struct thread *rq_pop(void)
{
	struct thread *t = rq_head;

	if (t) {
		rq_head = t->rq_next;
		if (!rq_head)
			rq_tail = NULL;
	}
	return t;
}

static void list_remove(struct thread **head, struct thread *t, bool sleep_list)
{
	for (struct thread **p = head; *p; p = sleep_list ? &(*p)->sleep_next : &(*p)->wait_next) {
		if (*p == t) {
			*p = sleep_list ? t->sleep_next : t->wait_next;
			return;
		}
	}
}

void sched_block(struct thread *t, enum wait_kind kind, uint64_t addr, uint64_t deadline)
{
	t->state = T_BLOCKED;
	t->wait = kind;
	t->wait_addr = addr;
	t->deadline = deadline;
	if (kind == WAIT_FUTEX || kind == WAIT_POLL) {
		t->wait_next = waiters;
		waiters = t;
	}
	if (deadline) {
		struct thread **p = &sleepers;

		while (*p && (*p)->deadline <= deadline)
			p = &(*p)->sleep_next;
		t->sleep_next = *p;
		*p = t;
	}
}

void sched_wake(struct thread *t, long result)
{
	if (t->state != T_BLOCKED || t->wait == WAIT_NONE)
		return;
	if (t->wait == WAIT_FUTEX || t->wait == WAIT_POLL)
		list_remove(&waiters, t, false);
	if (t->deadline)
		list_remove(&sleepers, t, true);
	t->wait = WAIT_NONE;
	t->frame.a0 = (uint64_t)result;
	sched_make_runnable(t);
}

/* A poll waiter re-runs its system call: back up over the ebreak. */
void sched_rerun(struct thread *t)
{
	sched_wake(t, (long)t->orig_a0);
	t->frame.pc -= 4;
	t->restarting = true;
}

long syscall_wait(struct thread *t, bool polled)
{
	uint64_t wake = t->syscall_deadline;

	if (polled) {
		uint64_t soon = clock_ticks() + clock_ns_to_ticks(POLL_INTERVAL_US * 1000ull);

		if (!wake || soon < wake)
			wake = soon;
	}
	sched_block(t, WAIT_POLL, 0, wake);
	return SYSRET_BLOCKED;
}

void sched_wake_pollers(void)
{
	struct thread *t = waiters;

	while (t) {
		struct thread *next = t->wait_next;

		if (t->wait == WAIT_POLL)
			sched_rerun(t);
		t = next;
	}
}

int futex_wake(uint64_t addr, int n, uint32_t bitset)
{
	int woken = 0;
	struct thread *t = waiters;

	while (t && woken < n) {
		struct thread *next = t->wait_next;

		if (t->wait == WAIT_FUTEX && t->wait_addr == addr && (t->wait_bitset & bitset)) {
			sched_wake(t, 0);
			woken++;
		}
		t = next;
	}
	return woken;
}

int futex_requeue(uint64_t addr, uint64_t addr2, int n)
{
	int moved = 0;

	for (struct thread *t = waiters; t && moved < n; t = t->wait_next) {
		if (t->wait == WAIT_FUTEX && t->wait_addr == addr) {
			t->wait_addr = addr2;
			moved++;
		}
	}
	return moved;
}

/* CPU ticks charged to threads so far, the exited ones included. */
static uint64_t cpu_charged;

uint64_t sched_cpu_charged(void)
{
	return cpu_charged;
}

uint64_t sched_process_cpu_ticks(void)
{
	uint64_t sum = 0, now = clock_ticks();

	for (int i = 0; i < threads_used; i++) {
		const struct thread *t = threads[i];

		if (t->state == T_FREE)
			continue;
		sum += t->cpu_ticks + (t->state == T_RUNNING ? now - t->run_start : 0);
	}
	return sum;
}

void sched_expire_timers(uint64_t now)
{
	itimer_expire(now);
	while (sleepers && sleepers->deadline <= now) {
		struct thread *t = sleepers;

		switch (t->wait) {
		case WAIT_FUTEX:
			sched_wake(t, -ETIMEDOUT);
			break;
		case WAIT_POLL:
			sched_rerun(t);
			break;
		default:
			sched_wake(t, 0);
		}
	}
}

void sched_yield_current(struct hart *h)
{
	h->slice_end = 0;
	h->resched = true;
}

/* Poll for work until the tick `until`: a thread on the run queue or an
 * interrupt pending (the timer's included). Whether one came. */
static bool sched_poll(uint64_t until)
{
	while (clock_ticks() < until)
		if (__atomic_load_n(&rq_head, __ATOMIC_RELAXED) || (csr_read(CSR_SIP) & (SIE_SSIE | SIE_STIE | SIE_SEIE)))
			return true;
	return false;
}

/*
 * Wait for an interrupt with the big lock dropped, so other harts go on.
 * The hart is marked idle under the lock, so whoever makes a thread
 * runnable after that sends it an IPI; an IPI that arrives before the wfi
 * leaves SSIP pending and the wfi returns at once: no wake-up is lost.
 *
 * First it polls the run queue for goose.idlepoll microseconds, as Linux's
 * haltpoll does in a virtual machine: a hart woken from wfi by an IPI
 * costs both harts far more on QEMU (the IPI goes through M-mode and
 * QEMU's global lock) than the wait, and a thread blocked in futex is
 * often woken again within microseconds. Meanwhile the hart is in
 * polling_harts and wakers spare the IPI.
 */
static void sched_idle(struct hart *h)
{
	uint64_t next = MIN(sleepers ? sleepers->deadline : UINT64_MAX, itimer_expire(clock_ticks()));
	uint64_t bit = 1ull << h->index;

	clock_set_timer(h, next);
	h->current = NULL;
	idle_harts |= bit;
	/* In wfi the hart uses no translation: shootdowns pass it by. */
	smp_tlb_lazy(h);
	uint64_t slept = clock_ticks();

	h->idle_since = slept;
	if (idle_poll_ticks)
		__atomic_or_fetch(&polling_harts, bit, __ATOMIC_SEQ_CST);
	spin_unlock(&big_lock);
	if (!idle_poll_ticks || !sched_poll(MIN(next, slept + idle_poll_ticks))) {
		__atomic_and_fetch(&polling_harts, ~bit, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&rq_head, __ATOMIC_SEQ_CST))
			wfi();
	}
	__atomic_and_fetch(&polling_harts, ~bit, __ATOMIC_SEQ_CST);
	csr_clear(CSR_SIP, SIE_SSIE);
	h->idle_ticks += clock_ticks() - slept;
	h->idle_since = 0;
	big_lock_take(h);
	idle_harts &= ~(1ull << h->index);
	/* sstatus.SIE is 0 in goose: a device interrupt woke the wfi but
	 * was not taken. */
	if (csr_read(CSR_SIP) & SIE_SEIE)
		irq_handle();
}

struct frame *sched_resume(struct hart *h, struct thread *prev)
{
	uint64_t now = clock_ticks();
	struct thread *next = NULL;

	h->resched = false;
	sched_expire_timers(now);
	if (now >= load_next)
		loadavg_update(now);
	if (prev) {
		prev->cpu_ticks += now - prev->run_start;
		cpu_charged += now - prev->run_start;
		h->busy_ticks += now - prev->run_start;
		prev->run_start = now;
	}
	if (prev && prev->state == T_RUNNING) {
		if (now < h->slice_end || !rq_head)
			next = prev;
		else
			sched_make_runnable(prev);
	}
	/* FP and vector registers follow the thread (goose's own code never
	 * uses them): saved as soon as it leaves the hart (the vector ones
	 * only when sstatus.VS says they changed), so any hart can run it next. */
	bool prev_left = prev && next != prev;

	if (prev_left && prev->state != T_FREE) {
		fp_save(prev->fp);
		vector_leave(prev);
		/* As Linux counts them: a thread that gave up the hart (blocked)
		 * switched voluntarily; one whose slice ran out, not. */
		if (prev->state == T_RUNNABLE)
			prev->nivcsw++;
		else
			prev->nvcsw++;
	}
	while (!next) {
		next = rq_pop();
		if (next)
			break;
		if (thread_count() == 0)
			panic("sched_resume: no thread left");
		sched_idle(h);
		sched_expire_timers(clock_ticks());
	}
	if (next != prev || now >= h->slice_end)
		h->slice_end = clock_ticks() + clock_ns_to_ticks(TIME_SLICE_US * 1000ull);
	if (prev_left || !prev) {
		fp_restore(next->fp);
		vector_enter(next);
		sched_stats.ctxt++;
	}
	next->state = T_RUNNING;
	next->run_start = clock_ticks();
	next->frame.hart = h;
	h->current = next;
	trace_resume(next);

	uint64_t timer = MIN(h->slice_end, itimer_charge(next, now, cpu_charged));

	signal_deliver(next);
	if (sleepers && sleepers->deadline < timer)
		timer = sleepers->deadline;
	timer = MIN(timer, itimer_expire(now));
	clock_set_timer(h, timer);
	return &next->frame;
}
