/* SPDX-License-Identifier: MIT */
/*
 * Threads and harts. A Go OS thread (clone with CLONE_THREAD) is a goose
 * thread: a saved frame, FP state, signal state, and what it waits for. goose
 * itself never blocks on a kernel stack: a system call either finishes, or
 * marks the thread blocked and the hart moves on; whoever wakes it stores the
 * result in its frame. So each hart needs one goose stack, not each thread.
 *
 * Most of goose's state is under one lock (big_lock), taken for the whole of
 * a trap that needs it; the run queue, the sleepers and the futex waiters
 * have a lock of their own (sched_lock, kernel/thread.c), so a futex wake
 * takes no big lock. docs/architecture.md, "Locks", lists them all.
 */
#ifndef GOOSE_THREAD_H
#define GOOSE_THREAD_H

#include "arch/riscv/frame.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/spinlock.h"
#include "lib/lib.h"

/* Go makes a thread for each goroutine blocked in a system call: a server
 * with a thousand connections may want a thousand at once. */
#define MAX_THREADS 4096
#define TIME_SLICE_US 10000
/* How often a thread waiting on a polled file (the console) looks again. */
#define POLL_INTERVAL_US 10000

enum thread_state { T_FREE, T_RUNNABLE, T_RUNNING, T_BLOCKED };
/* WAIT_NET: a request out to the network provider (net/provider.c); no
 * signal ends it, the reply comes at once. */
enum wait_kind { WAIT_NONE, WAIT_FUTEX, WAIT_SLEEP, WAIT_POLL, WAIT_NET };

struct vregs;
struct net_req;

struct thread {
	struct frame frame;	/* first: sscratch points here while it runs */
	uint64_t fp[33];	/* f0-f31, then fcsr */
	struct vregs *vregs;	/* vector state (kernel/vector.h), from the first vector instruction on */
	uint8_t vctrl;		/* prctl(PR_RISCV_V_SET_CONTROL)'s word */
	int tid;
	char name[16];		/* prctl(PR_SET_NAME) */
	bool keepcaps;		/* prctl(PR_SET_KEEPCAPS) */
	uint32_t uid[4], gid[4];	/* real, effective, saved, fs (sys_cred.c) */
	enum thread_state state;
	struct thread *rq_next;	/* run queue */

	/* Blocking: what for, until when (absolute `time` ticks, 0 = forever). */
	enum wait_kind wait;
	uint64_t wait_addr;
	uint32_t wait_bitset;	/* futex: FUTEX_WAIT_BITSET's mask */
	uint64_t deadline;
	struct thread *wait_next;	/* futex / poll waiter list */
	struct thread *sleep_next;	/* deadline-ordered list */

	/* The system call in progress (as Linux keeps orig_a0 in pt_regs). */
	uint64_t orig_a0;
	bool restarting;	/* re-running the call after a poll wake-up */
	uint64_t syscall_deadline;	/* its own timeout in ticks (0: none), kept over restarts */
	bool restartable;	/* EINTR may become a restart under SA_RESTART */
	bool interrupted;	/* a signal woke it with EINTR */
	uint64_t sleep_rem;	/* nanosleep: where to store the time left if interrupted */
	struct net_req *net_req;	/* a call on a provider socket, sent (net/provider.c) */

	/* goose.trace=syscalls: the call to report once it is done. */
	uint64_t trace_nr;
	uint64_t trace_args[6];
	bool trace_pending;

	/* CPU time (CLOCK_THREAD_CPUTIME_ID), in ticks. */
	uint64_t cpu_ticks;
	uint64_t run_start;
	/* For /proc (fs/procfs.c): when the thread was made (`time` ticks),
	 * its context switches (gave up the hart / had it taken) and page
	 * faults. */
	uint64_t start_ticks;
	uint64_t nvcsw, nivcsw;
	uint64_t minflt;

	/* Signals (per thread, as on Linux). */
	uint64_t sigmask;
	uint64_t sigpending;
	uint64_t sigkernel;	/* the pending ones goose raised itself (SI_KERNEL) */
	uint64_t altstack_sp;
	uint64_t altstack_size;
	int altstack_flags;
	uint64_t clear_child_tid;
};

/* trap.S finds a thread's frame where sscratch points: the thread itself. */
/* Whether this pass of a system call is its first, not a re-run after a
 * wait (kernel/syscall.h): what must happen once per call keys on it. */
static inline bool syscall_first_pass(const struct thread *t)
{
	return !t->restarting;
}

_Static_assert(__builtin_offsetof(struct thread, frame) == 0, "struct thread: frame first");

extern struct spinlock big_lock;
extern int lockless_unmaps;

/*
 * Every taking of the big lock: the hart is lazy for TLB shootdowns while
 * it waits (it touches no program memory before it holds the lock), and
 * flushes on the way in if one passed it by (arch/riscv/smp.c).
 *
 * Only the big lock's holder reaches the program's memory (a system call's
 * copies, after uaccess_ok says the pages are there), so a munmap that runs
 * without the big lock (sys_munmap_lockless) must not overlap a holder: it
 * counts itself in lockless_unmaps and then looks at the lock, the holder
 * takes the lock and then waits for the count to drop (both sequentially
 * consistent): either the munmap sees the lock held and takes the usual
 * way, or the holder waits for it to finish.
 */
void big_lock_wait(struct spinlock *l);
extern uint64_t big_lock_sleepers;

static inline void big_lock_take(struct hart *h)
{
	smp_tlb_away(h);
	spin_lock_or(&big_lock, big_lock_wait);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (__atomic_load_n(&lockless_unmaps, __ATOMIC_SEQ_CST))
		;
	smp_tlb_active(h);
}

/* Let the big lock go, and wake a hart that sleeps waiting for it
 * (big_lock_wait, kernel/thread.c). */
static inline void big_lock_release(void)
{
	spin_unlock(&big_lock);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t s = __atomic_load_n(&big_lock_sleepers, __ATOMIC_SEQ_CST);

	if (s)
		smp_kick(&harts[__builtin_ctzll(s)]);
}

/* A munmap without the big lock begins (false: the lock is held, take the
 * usual way), and ends. */
static inline bool lockless_unmap_begin(void)
{
	__atomic_add_fetch(&lockless_unmaps, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&big_lock.locked, __ATOMIC_SEQ_CST))
		return true;
	__atomic_sub_fetch(&lockless_unmaps, 1, __ATOMIC_SEQ_CST);
	return false;
}

static inline void lockless_unmap_end(void)
{
	__atomic_sub_fetch(&lockless_unmaps, 1, __ATOMIC_SEQ_CST);
}

/* trap.S: f0-f31 and fcsr to/from buf[0..32]. */
void fp_save(uint64_t *buf);
void fp_restore(const uint64_t *buf);

struct thread *thread_alloc(void);
void thread_free(struct thread *t);
struct thread *thread_by_tid(int tid);
/* The live thread with the smallest tid >= tid, or NULL (for walks over all). */
struct thread *thread_next(int tid);
int thread_count(void);

/* Run queue and blocking (each takes sched_lock; the big lock held, but
 * for futex_wake). */
void sched_make_runnable(struct thread *t);
void sched_block(struct thread *t, enum wait_kind kind, uint64_t addr, uint64_t deadline);
void sched_wake(struct thread *t, long result);
/* Wake t to run its system call again (kernel/syscall.h, way 2). */
void sched_rerun(struct thread *t);
/* Whether a signal may end t's wait: blocked, in any wait but WAIT_NET.
 * Without sched_lock, a hint (a futex wake may end the wait meanwhile). */
static inline bool thread_interruptible(const struct thread *t)
{
	return t->state == T_BLOCKED && t->wait != WAIT_NONE && t->wait != WAIT_NET;
}

/* A signal ends t's interruptible wait with result: marks it interrupted
 * and wakes it, if it still waits (decided under sched_lock). Whether it
 * did. */
bool sched_interrupt(struct thread *t, long result);
/* Wake every thread blocked in WAIT_POLL so it re-runs its call. */
void sched_wake_pollers(void);
/* FUTEX_WAIT: block t on uaddr until deadline (ticks, 0: none) if the word
 * there is val (read under sched_lock, so no wake between the look and the
 * sleep is lost); -EAGAIN if not, -ETIMEDOUT if the deadline passed
 * already, -EFAULT if its page is not there. */
int futex_wait(struct thread *t, uint64_t uaddr, uint32_t val, uint32_t bitset, uint64_t deadline);
int futex_wake(uint64_t addr, int n, uint32_t bitset);
/* FUTEX_REQUEUE: wake up to nwake of addr's waiters and move up to nmove
 * more to addr2; how many in all. FUTEX_CMP_REQUEUE: only if the word at
 * addr is *cmp (-EAGAIN if not, -EFAULT if its page is not there). */
int futex_requeue(uint64_t addr, uint64_t addr2, int nwake, int nmove, const uint32_t *cmp);
/* Total CPU time of all threads, in ticks (CLOCK_PROCESS_CPUTIME_ID). */
uint64_t sched_process_cpu_ticks(void);
/* CPU ticks charged so far to every thread there has been (the running ones
 * up to their last entry into goose). */
uint64_t sched_cpu_charged(void);
/* What /proc reports (fs/procfs.c), kept by the scheduler and trap.c:
 * context switches on all harts, threads ever made, and the page faults
 * of every thread there has been. */
struct sched_stats {
	uint64_t ctxt;
	uint64_t threads_made;
	uint64_t minflt;
};
extern struct sched_stats sched_stats;
/* Threads running or waiting for a hart now; the tid made last. */
int sched_nr_running(void);
/* Does a thread wait for a hart now? Read without the big lock: a hint. */
bool sched_queue_busy(void);
int sched_last_tid(void);
/* The load averages over 1, 5 and 15 minutes as Linux keeps them
 * (kernel/sched/loadavg.c: fixed point, FSHIFT 11 bits of fraction,
 * sampled every 5 s). */
#define LOAD_FSHIFT 11
void sched_loadavg(uint64_t avg[3]);

/* setitimer's timers (sys_time.c). itimer_expire: ITIMER_REAL, at wall time
 * now; itimer_charge: ITIMER_VIRTUAL and ITIMER_PROF, given the CPU ticks the
 * process has used, with t about to run. Each sends what is due and returns
 * when (in clock ticks) it wants to look again: UINT64_MAX for never. */
uint64_t itimer_expire(uint64_t now);
uint64_t itimer_charge(struct thread *t, uint64_t now, uint64_t cpu);
/* Pick the next thread for this hart (may idle); returns its frame. */
struct frame *sched_resume(struct hart *h, struct thread *prev);
void sched_expire_timers(uint64_t now);
/* End the current slice of t at the next scheduling point. */
void sched_yield_current(struct hart *h);
/* goose.idlepoll: how long an idle hart polls before its wfi. */
#define IDLE_POLL_US_DEFAULT 50
#define IDLE_POLL_US_MAX 10000
void sched_set_idle_poll(uint64_t us);

#endif
