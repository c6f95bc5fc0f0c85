/* SPDX-License-Identifier: MIT */
/*
 * Threads: clone (threads only: goose runs one process), exit, exit_group,
 * futex, set_tid_address, sched_yield and the affinity calls. Flag values
 * from include/uapi/linux/sched.h and include/uapi/linux/futex.h.
 */
#include "dev/console.h"
#include "dev/power.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/futex.h"
#include "include/uapi/mman.h"
#include "include/uapi/sched.h"
#include "include/uapi/signal.h"
#include "kernel/clock.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "kernel/trace.h"
#include "kernel/vector.h"
#include "mm/vm.h"
#include "sys/sys.h"

#define CLONE_THREAD_FLAGS (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND)
/* Accepted with a thread; meaningless or already true with one process. */
#define CLONE_OK_FLAGS                                                                                     \
	(CLONE_THREAD_FLAGS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |   \
	 CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_UNTRACED | CLONE_IO | 0xff)

/* clone(flags, newsp, parent_tidptr, tls, child_tidptr): the generic order
 * (no CONFIG_CLONE_BACKWARDS on riscv). */
SYSCALL(clone)
{
	uint64_t flags = a[0];

	/* What Linux refuses outright (kernel/fork.c copy_process). */
	if (((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) || ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) ||
	    ((flags & CLONE_NEWUSER) && (flags & CLONE_FS)))
		return -EINVAL;
	if ((flags & CLONE_THREAD_FLAGS) != CLONE_THREAD_FLAGS || (flags & ~(uint64_t)CLONE_OK_FLAGS)) {
		/* fork, vfork, namespaces: one process is all goose runs. */
		return -ENOSYS;
	}
	if ((flags & 0xff) != 0)
		return -EINVAL; /* a thread has no exit signal */
	struct thread *c = thread_alloc();

	if (!c) {
		/* Once: Go retries EAGAIN, then dies naming the clone only. */
		static bool said;

		if (!said)
			gmsg("clone: no thread left (%d threads, the most goose runs, or no memory for one): EAGAIN",
			     thread_count());
		said = true;
		return -EAGAIN;
	}
	if ((flags & CLONE_PARENT_SETTID) && copy_to_user(a[2], &c->tid, sizeof(c->tid))) {
		thread_free(c);
		return -EFAULT;
	}
	if ((flags & CLONE_CHILD_SETTID) && copy_to_user(a[4], &c->tid, sizeof(c->tid))) {
		thread_free(c);
		return -EFAULT;
	}
	c->frame = t->frame;
	memcpy(c->name, t->name, sizeof(c->name));
	/* Credentials go with clone. */
	c->keepcaps = t->keepcaps;
	memcpy(c->uid, t->uid, sizeof(c->uid));
	memcpy(c->gid, t->gid, sizeof(c->gid));
	c->frame.a0 = 0;
	if (a[1])
		c->frame.sp = a[1];
	if (flags & CLONE_SETTLS)
		c->frame.tp = a[3];
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = a[4];
	/* The parent runs on this hart, so its FP registers are live. */
	fp_save(c->fp);
	vector_clone(t, c);
	c->sigmask = t->sigmask;
	/* A new thread starts without an alternate signal stack (kernel/fork.c):
	 * thread_alloc's SS_DISABLE. */
	trace_thread(t, "clone", c->tid);
	proc_thread_add(c->tid);
	sched_make_runnable(c);
	return c->tid;
}

/* The thread is gone: tell whoever waits on its tid word (CLONE_CHILD_CLEARTID). */
static void thread_exit(struct thread *t)
{
	uint32_t zero = 0;

	if (t->clear_child_tid && !copy_to_user(t->clear_child_tid, &zero, sizeof(zero)))
		futex_wake(t->clear_child_tid, 1, UINT32_MAX);
	trace_thread(t, "exit", t->tid);
	proc_thread_remove(t->tid);
	thread_free(t);
}

SYSCALL(exit)
{
	if (thread_count() == 1)
		goose_exit((int)a[0]);
	thread_exit(t);
	return SYSRET_BLOCKED;
}

SYSCALL(exit_group)
{
	(void)t;
	goose_exit((int)a[0]);
}

SYSCALL(set_tid_address)
{
	t->clear_child_tid = a[0];
	return t->tid;
}

SYSCALL(set_robust_list)
{
	/* One process never dies with futexes held by another: nothing to clean up. */
	(void)t;
	return a[1] == 24 ? 0 : -EINVAL;
}

/* FUTEX_WAKE's count: Linux's futex_wake takes val as an int and stops
 * once it has woken that many or more (kernel/futex/waitwake.c: "if
 * (++ret >= nr_wake) break"), so 0 and negative counts wake one. */
static int futex_nr_wake(uint32_t val)
{
	return (int32_t)val > 0 ? (int)val : 1;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) */
SYSCALL(futex)
{
	uint64_t uaddr = a[0];
	int op = (int)a[1] & FUTEX_CMD_MASK;
	uint32_t val = (uint32_t)a[2], bitset = FUTEX_BITSET_MATCH_ANY;

	if (uaddr & 3)
		return -EINVAL;
	/* The realtime clock only goes with a waiting operation (kernel/futex/syscalls.c). */
	if (((int)a[1] & FUTEX_CLOCK_REALTIME) && op != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	/* A shared futex is found through its page (get_futex_key): it must be mapped. */
	if (!((int)a[1] & FUTEX_PRIVATE_FLAG) && uaccess_ok(uaddr, sizeof(uint32_t), PROT_READ))
		return -EFAULT;
	switch (op) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint64_t deadline = 0, ns;

		if (op == FUTEX_WAIT_BITSET) {
			bitset = (uint32_t)a[5];
			if (!bitset)
				return -EINVAL;
		}
		if (a[3]) {
			long r = timespec_from_user(a[3], &ns);

			if (r)
				return r;
			if (op == FUTEX_WAIT) {
				deadline = clock_ticks() + clock_ns_to_ticks(ns);
			} else if ((int)a[1] & FUTEX_CLOCK_REALTIME) {
				uint64_t now = clock_realtime_ns();

				deadline = clock_ticks() + clock_ns_to_ticks(ns > now ? ns - now : 0);
			} else {
				deadline = clock_deadline(ns);
			}
			deadline = MAX(deadline, 1ull);
		}
		/* An untimed wait runs again after an SA_RESTART handler; a timed
		 * one fails with EINTR (Linux: -ERESTARTSYS, and restart_block
		 * with its -EINTR under a handler; signal(7)). */
		t->restartable = !deadline;
		/* futex_wait reads the word; a page not there yet (never touched)
		 * is faulted in and the word read again. The usual word is there:
		 * the walk of the page tables (uaccess_ok) before every wait was
		 * the longest step of a blocking one at 2 harts. */
		long r = futex_wait(t, uaddr, val, bitset, deadline);

		if (r == -EFAULT) {
			if (uaccess_ok(uaddr, sizeof(uint32_t), PROT_READ))
				return -EFAULT;
			r = futex_wait(t, uaddr, val, bitset, deadline);
		}
		return r ? r : SYSRET_BLOCKED;
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (op == FUTEX_WAKE_BITSET) {
			bitset = (uint32_t)a[5];
			if (!bitset)
				return -EINVAL;
		}
		return futex_wake(uaddr, futex_nr_wake(val), bitset);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE: {
		uint32_t nr_requeue = (uint32_t)a[3];

		if (a[4] & 3 || (int32_t)val < 0 || (int32_t)nr_requeue < 0)
			return -EINVAL;
		/* The page faulted in here; futex_requeue compares the word. */
		if (op == FUTEX_CMP_REQUEUE && uaccess_ok(uaddr, sizeof(uint32_t), PROT_READ))
			return -EFAULT;
		uint32_t cmp = (uint32_t)a[5];

		return futex_requeue(uaddr, a[4], (int)MIN(val, (uint32_t)INT32_MAX),
				     (int)MIN(nr_requeue, (uint32_t)INT32_MAX), op == FUTEX_CMP_REQUEUE ? &cmp : NULL);
	}
	default:
		return -ENOSYS;
	}
}

/* A private FUTEX_WAKE or FUTEX_WAKE_BITSET takes only sched_lock
 * (kernel/thread.c); the rest, the usual way. */
bool sys_futex_lockless(struct thread *t)
{
	const uint64_t *a = frame_args(&t->frame);
	int op = (int)a[1] & FUTEX_CMD_MASK;
	uint32_t bitset = op == FUTEX_WAKE_BITSET ? (uint32_t)a[5] : FUTEX_BITSET_MATCH_ANY;

	if ((op != FUTEX_WAKE && op != FUTEX_WAKE_BITSET) ||
	    ((int)a[1] & (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)) != FUTEX_PRIVATE_FLAG || (a[0] & 3) || !bitset)
		return false;
	t->frame.a0 = (uint64_t)futex_wake(a[0], futex_nr_wake((uint32_t)a[2]), bitset);
	return true;
}

SYSCALL(sched_yield)
{
	(void)a;
	sched_yield_current(t->frame.hart);
	return 0;
}

/* No thread waits for a hart: nothing to yield to, no lock needed. */
bool sys_sched_yield_lockless(struct thread *t)
{
	if (sched_queue_busy())
		return false;
	t->frame.a0 = 0;
	return true;
}

/* The CPU mask is one bit per hart goose runs on, logical numbers 0..n-1. */
SYSCALL(sched_getaffinity)
{
	uint64_t mask = nharts >= 64 ? UINT64_MAX : (1ull << nharts) - 1;

	(void)t;
	if (a[0] > 1 && !thread_by_tid((int)a[0]))
		return -ESRCH;
	if (a[1] < sizeof(mask) || (a[1] & (sizeof(uint64_t) - 1)))
		return -EINVAL;
	if (copy_to_user(a[2], &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

SYSCALL(sched_setaffinity)
{
	uint64_t mask = 0;

	(void)t;
	if (a[0] > 1 && !thread_by_tid((int)a[0]))
		return -ESRCH;
	if (copy_from_user(&mask, a[2], MIN(a[1], sizeof(mask))))
		return -EFAULT;
	/* Any hart may run any thread; a mask naming none of them is the only error. */
	if (!(mask & (nharts >= 64 ? UINT64_MAX : (1ull << nharts) - 1)))
		return -EINVAL;
	return 0;
}

SYSCALL(getcpu)
{
	unsigned cpu = (unsigned)t->frame.hart->index, node = 0;

	if (a[0] && copy_to_user(a[0], &cpu, sizeof(cpu)))
		return -EFAULT;
	if (a[1] && copy_to_user(a[1], &node, sizeof(node)))
		return -EFAULT;
	return 0;
}
