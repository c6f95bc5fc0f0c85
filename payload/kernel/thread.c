/* SPDX-License-Identifier: MIT */
#include "kernel/thread.h"
#include "arch/riscv/extable.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "dev/irq.h"
#include "include/uapi/errno.h"
#include "include/uapi/futex.h"
#include "kernel/clock.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/trace.h"
#include "mm/kmem.h"
#include "kernel/vector.h"
#include "sbi/sbi.h"

struct spinlock big_lock = SPINLOCK_INIT("big_lock", LOCK_RANK_BIG);
int lockless_unmaps;

/*
 * Waiting for the big lock: spin for BIG_LOCK_SPIN_US, then sleep in wfi
 * until its holder lets go (big_lock_release kicks the lowest hart in
 * big_lock_sleepers). A trap holds it for microseconds, a munmap's
 * shootdowns for a hundred or so; a wait much longer than that means the
 * holder's hart is not running at all, as when QEMU runs more vCPUs than
 * the host has cores and the host took the holder's away: spinning on then
 * only keeps the holder off a core (make bench's allocating goroutines at 4
 * harts on 2 host cores ran twice as fast with the sleep). Not sooner: the
 * kick is an SBI IPI, 13-60 us for the releaser (after 50 us, first-touch
 * faults at 4 harts lost a tenth to a third; after 200 us, nothing
 * measurable).
 *
 * The hart announces itself and then tries the lock once more, the
 * releaser lets go and then reads the announcements (both sequentially
 * consistent): one of them sees the other. SSIP is cleared first, so the
 * wfi waits for a kick that comes after; the kicks it clears (a signal, a
 * reschedule, a thread queued) all leave a flag or a queue entry that this
 * hart looks at once it holds the lock.
 */
#define BIG_LOCK_SPIN_US 200
uint64_t big_lock_sleepers;

void big_lock_wait(struct spinlock *l)
{
	uint64_t bit = 1ull << this_hart()->index;

	for (;;) {
		uint64_t until = clock_ticks() + clock_ns_to_ticks(BIG_LOCK_SPIN_US * 1000);

		while (clock_ticks() < until)
			if (raw_spin_trylock(l))
				return;
		csr_clear(CSR_SIP, SIE_SSIE);
		__atomic_or_fetch(&big_lock_sleepers, bit, __ATOMIC_SEQ_CST);
		bool got = !__atomic_exchange_n(&l->locked, 1, __ATOMIC_SEQ_CST);

		if (!got)
			wfi();
		__atomic_and_fetch(&big_lock_sleepers, ~bit, __ATOMIC_SEQ_CST);
		if (got)
			return;
	}
}

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
/* Harts asleep in sched_idle, by index: a thread made runnable wakes one
 * (kick_idle). */
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

/*
 * sched_lock: the run queue, the sleepers, the futex and poll waiters, and
 * each thread's passage between blocked and runnable (state, wait,
 * wait_addr, wait_bitset, deadline, the list links, and the result its
 * waker stores in a0). A futex wake takes it alone (sys_futex_lockless);
 * everything else here takes it inside the big lock. It is never held
 * across an IPI: rq_push counts the threads queued, and sched_unlock kicks
 * idle harts for them after letting go.
 *
 * A thread blocks on its own hart under the big lock, and stays on that
 * hart until sched_resume has saved its registers; a futex wake without the
 * big lock may queue it meanwhile. Only a holder of the big lock takes a
 * thread off the run queue, so nobody runs it before it is saved.
 */
static struct spinlock sched_lock = SPINLOCK_INIT("sched_lock", LOCK_RANK_SCHED);

/* Futex waiters, hashed by address (each bucket in the order they came);
 * poll waiters in a list of their own. */
#define FUTEX_BUCKETS 64
static struct thread *futex_queues[FUTEX_BUCKETS];
static struct thread *pollers;

static struct thread **futex_bucket(uint64_t addr)
{
	return &futex_queues[((addr >> 2) * 0x9e3779b97f4a7c15ull) >> 58];
}

static struct thread **wait_list(const struct thread *t)
{
	return t->wait == WAIT_FUTEX ? futex_bucket(t->wait_addr) : t->wait == WAIT_POLL ? &pollers : NULL;
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

static void list_append(struct thread **head, struct thread *t)
{
	while (*head)
		head = &(*head)->wait_next;
	t->wait_next = NULL;
	*head = t;
}

/* Threads queued since sched_lock was taken (sched_unlock wakes harts for them). */
static int queued;

/* sched_lock held: t to the run queue's tail. */
static void rq_push(struct thread *t)
{
	queued++;
	t->state = T_RUNNABLE;
	t->rq_next = NULL;
	if (rq_tail)
		rq_tail->rq_next = t;
	else
		__atomic_store_n(&rq_head, t, __ATOMIC_RELAXED);
	rq_tail = t;
}

/*
 * sched_lock released: n threads were queued, wake up to n idle harts
 * other than this one (which is busy). A polling hart needs no IPI: the
 * queue was written before polling_harts is read here, and a poller
 * clears its bit before it reads the queue a last time (sched_idle), both
 * sequentially consistent; so does idle_harts, set before the hart first
 * looks at the queue.
 */
static void kick_idle(int n)
{
	if (!n)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t idle = __atomic_load_n(&idle_harts, __ATOMIC_SEQ_CST) & ~(1ull << this_hart()->index);
	uint64_t polling = __atomic_load_n(&polling_harts, __ATOMIC_SEQ_CST) & idle;

	n -= __builtin_popcountll(polling);
	for (idle &= ~polling; n > 0 && idle; n--, idle &= idle - 1)
		smp_kick(&harts[__builtin_ctzll(idle)]);
}

static void sched_unlock(void)
{
	int n = queued;

	queued = 0;
	spin_unlock(&sched_lock);
	kick_idle(n);
}

void sched_make_runnable(struct thread *t)
{
	spin_lock(&sched_lock);
	rq_push(t);
	sched_unlock();
}

bool sched_queue_busy(void)
{
	return __atomic_load_n(&rq_head, __ATOMIC_RELAXED) != NULL;
}

static struct thread *rq_pop(void)
{
	spin_lock(&sched_lock);
	struct thread *t = rq_head;

	if (t) {
		__atomic_store_n(&rq_head, t->rq_next, __ATOMIC_RELAXED);
		if (!rq_head)
			rq_tail = NULL;
	}
	spin_unlock(&sched_lock);
	return t;
}

/* The earliest deadline of a blocked thread (UINT64_MAX: none). */
static uint64_t sched_next_deadline(void)
{
	spin_lock(&sched_lock);
	uint64_t d = sleepers ? sleepers->deadline : UINT64_MAX;

	spin_unlock(&sched_lock);
	return d;
}

static void block_locked(struct thread *t, enum wait_kind kind, uint64_t addr, uint64_t deadline)
{
	t->state = T_BLOCKED;
	t->wait = kind;
	t->wait_addr = addr;
	t->deadline = deadline;
	struct thread **list = wait_list(t);

	if (list)
		list_append(list, t);
	if (deadline) {
		struct thread **p = &sleepers;

		while (*p && (*p)->deadline <= deadline)
			p = &(*p)->sleep_next;
		t->sleep_next = *p;
		*p = t;
	}
}

void sched_block(struct thread *t, enum wait_kind kind, uint64_t addr, uint64_t deadline)
{
	spin_lock(&sched_lock);
	block_locked(t, kind, addr, deadline);
	spin_unlock(&sched_lock);
}

/* sched_lock held: wake t with result in a0, if it is blocked. Whether it was. */
static bool wake_locked(struct thread *t, long result)
{
	if (t->state != T_BLOCKED || t->wait == WAIT_NONE)
		return false;
	struct thread **list = wait_list(t);

	if (list)
		list_remove(list, t, false);
	if (t->deadline)
		list_remove(&sleepers, t, true);
	t->wait = WAIT_NONE;
	t->frame.a0 = (uint64_t)result;
	rq_push(t);
	return true;
}

/* A poll or network waiter re-runs its system call: back up over the ebreak. */
static bool rerun_locked(struct thread *t)
{
	if (!wake_locked(t, (long)t->orig_a0))
		return false;
	t->frame.pc -= 4;
	t->restarting = true;
	return true;
}

void sched_wake(struct thread *t, long result)
{
	spin_lock(&sched_lock);
	wake_locked(t, result);
	sched_unlock();
}

void sched_rerun(struct thread *t)
{
	spin_lock(&sched_lock);
	rerun_locked(t);
	sched_unlock();
}

bool sched_interrupt(struct thread *t, long result)
{
	spin_lock(&sched_lock);
	bool woke = thread_interruptible(t);

	if (woke) {
		t->restarting = false;
		t->interrupted = true;
		wake_locked(t, result);
	}
	sched_unlock();
	return woke;
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
	spin_lock(&sched_lock);
	for (struct thread *t = pollers, *next; t; t = next) {
		next = t->wait_next;
		rerun_locked(t);
	}
	sched_unlock();
}

/* The futex word, read with a fixup: false if its page is not there. */
static bool futex_load(uint64_t uaddr, uint32_t *val)
{
	uint32_t v = 0;

	if (uaddr >= USER_TOP - 4 || EXTABLE_TRY("lw %0, 0(%2)", v, "r"(uaddr)))
		return false;
	*val = v;
	return true;
}

/* sched_lock held: FUTEX_WAIT's look at the word, and the sleep if it is val. */
static int futex_wait_locked(struct thread *t, uint64_t uaddr, uint32_t val, uint32_t bitset, uint64_t deadline)
{
	uint32_t cur;

	if (!futex_load(uaddr, &cur))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	if (deadline && clock_ticks() >= deadline)
		return -ETIMEDOUT;
	t->wait_bitset = bitset;
	block_locked(t, WAIT_FUTEX, uaddr, deadline);
	return 0;
}

int futex_wait(struct thread *t, uint64_t uaddr, uint32_t val, uint32_t bitset, uint64_t deadline)
{
	spin_lock(&sched_lock);
	int r = futex_wait_locked(t, uaddr, val, bitset, deadline);

	spin_unlock(&sched_lock);
	return r;
}

/* sched_lock held: wake up to n of addr's waiters whose bits meet bitset, first come first. */
static int futex_wake_locked(uint64_t addr, int n, uint32_t bitset)
{
	int woken = 0;

	for (struct thread *t = *futex_bucket(addr), *next; t && woken < n; t = next) {
		next = t->wait_next;
		if (t->wait_addr == addr && (t->wait_bitset & bitset))
			woken += wake_locked(t, 0);
	}
	return woken;
}

int futex_wake(uint64_t addr, int n, uint32_t bitset)
{
	spin_lock(&sched_lock);
	int woken = futex_wake_locked(addr, n, bitset);

	sched_unlock();
	return woken;
}

int futex_requeue(uint64_t addr, uint64_t addr2, int nwake, int nmove, const uint32_t *cmp)
{
	uint32_t cur;
	int r;

	spin_lock(&sched_lock);
	if (cmp && !futex_load(addr, &cur)) {
		r = -EFAULT;
	} else if (cmp && cur != *cmp) {
		r = -EAGAIN;
	} else {
		r = futex_wake_locked(addr, nwake, FUTEX_BITSET_MATCH_ANY);
		struct thread **from = futex_bucket(addr);

		for (struct thread *t = *from, *next; t && nmove > 0; t = next) {
			next = t->wait_next;
			if (t->wait_addr != addr)
				continue;
			/* To the same word: it stays (or it would come round again). */
			if (addr2 != addr) {
				list_remove(from, t, false);
				t->wait_addr = addr2;
				list_append(futex_bucket(addr2), t);
			}
			nmove--;
			r++;
		}
	}
	sched_unlock();
	return r;
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
	spin_lock(&sched_lock);
	while (sleepers && sleepers->deadline <= now) {
		struct thread *t = sleepers;

		bool woke = t->wait == WAIT_POLL ? rerun_locked(t) : wake_locked(t, t->wait == WAIT_FUTEX ? -ETIMEDOUT : 0);

		if (!woke)
			panic("thread %d sleeps but is not blocked", t->tid);
	}
	sched_unlock();
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
 * The hart is marked idle before it looks at the run queue, so whoever
 * queues a thread after that sends it an IPI (kick_idle); an IPI that
 * arrives before the wfi leaves SSIP pending and the wfi returns at once:
 * no wake-up is lost.
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
	uint64_t next = MIN(sched_next_deadline(), itimer_expire(clock_ticks()));
	uint64_t bit = 1ull << h->index;

	hart_set_timer(h, next);
	h->current = NULL;
	__atomic_or_fetch(&idle_harts, bit, __ATOMIC_SEQ_CST);
	/* In wfi the hart uses no translation: shootdowns pass it by. */
	smp_tlb_away(h);
	uint64_t slept = clock_ticks();

	h->idle_since = slept;
	if (idle_poll_ticks)
		__atomic_or_fetch(&polling_harts, bit, __ATOMIC_SEQ_CST);
	big_lock_release();
	ev_record(EV_IDLE, 0, 0);
	if (!idle_poll_ticks || !sched_poll(MIN(next, slept + idle_poll_ticks))) {
		__atomic_and_fetch(&polling_harts, ~bit, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&rq_head, __ATOMIC_SEQ_CST))
			wfi();
	}
	__atomic_and_fetch(&polling_harts, ~bit, __ATOMIC_SEQ_CST);
	ev_record(EV_AWAKE, 0, 0);
	csr_clear(CSR_SIP, SIE_SSIE);
	h->idle_ticks += clock_ticks() - slept;
	h->idle_since = 0;
	big_lock_take(h);
	__atomic_and_fetch(&idle_harts, ~bit, __ATOMIC_SEQ_CST);
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
	/* Only a running prev can be preempted (a blocked one may be queued
	 * already: a futex wake needs no big lock, see sched_lock). */
	bool preempted = false;

	if (prev && prev->state == T_RUNNING) {
		if (now < h->slice_end || !sched_queue_busy()) {
			next = prev;
		} else {
			sched_make_runnable(prev);
			preempted = true;
		}
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
		if (preempted)
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
	timer = MIN(timer, MIN(sched_next_deadline(), itimer_expire(now)));
	hart_set_timer(h, timer);
	return &next->frame;
}
