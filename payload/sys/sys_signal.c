/* SPDX-License-Identifier: MIT */
/*
 * Signal system calls (kernel/signal.c semantics). Dispositions are
 * process-wide (CLONE_SIGHAND); masks, pending sets and alternate stacks are
 * per thread. Layouts are in signal.h.
 */
#include "include/uapi/errno.h"
#include "include/uapi/signal.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "mm/vm.h"
#include "sys/sys.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

SYSCALL(rt_sigaction)
{
	int sig = (int)a[0];
	struct k_sigaction act;

	(void)t;
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (a[1] && copy_from_user(&act, a[1], sizeof(act)))
		return -EFAULT;
	if (a[2] && copy_to_user(a[2], &sigactions[sig], sizeof(act)))
		return -EFAULT;
	if (a[1]) {
		act.mask &= ~UNBLOCKABLE;
		sigactions[sig] = act;
		/* Ignoring a signal discards it wherever it is pending. */
		if (act.handler == SIG_IGN)
			signal_discard(sig);
	}
	return 0;
}

SYSCALL(rt_sigprocmask)
{
	uint64_t set, old = t->sigmask;

	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	if (a[1]) {
		if (copy_from_user(&set, a[1], sizeof(set)))
			return -EFAULT;
		switch (a[0]) {
		case SIG_BLOCK:
			t->sigmask |= set;
			break;
		case SIG_UNBLOCK:
			t->sigmask &= ~set;
			break;
		case SIG_SETMASK:
			t->sigmask = set;
			break;
		default:
			return -EINVAL;
		}
		t->sigmask &= ~UNBLOCKABLE;
	}
	if (a[2] && copy_to_user(a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL(rt_sigpending)
{
	uint64_t pending = t->sigpending & t->sigmask;

	/* kernel/signal.c: a smaller set gets its first bytes. */
	if (a[1] > sizeof(uint64_t))
		return -EINVAL;
	return copy_to_user(a[0], &pending, a[1]);
}

static bool on_altstack(const struct thread *t)
{
	uint64_t sp = t->frame.sp;

	return t->altstack_size && sp - t->altstack_sp < t->altstack_size;
}

SYSCALL(sigaltstack)
{
	struct k_stack ss, old = {
		.ss_sp = t->altstack_sp,
		.ss_size = t->altstack_size,
		.ss_flags = on_altstack(t) ? SS_ONSTACK : (t->altstack_flags & SS_DISABLE) ? SS_DISABLE : 0,
	};

	if (a[0]) {
		if (copy_from_user(&ss, a[0], sizeof(ss)))
			return -EFAULT;
		if (on_altstack(t))
			return -EPERM;
		if (ss.ss_flags & ~(SS_DISABLE | SS_ONSTACK))
			return -EINVAL;
		if (ss.ss_flags & SS_DISABLE) {
			t->altstack_sp = 0;
			t->altstack_size = 0;
			t->altstack_flags = SS_DISABLE;
		} else {
			if (ss.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			t->altstack_sp = ss.ss_sp;
			t->altstack_size = ss.ss_size;
			t->altstack_flags = 0;
		}
	}
	if (a[1] && copy_to_user(a[1], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL(rt_sigreturn)
{
	(void)a;
	signal_return(t);
	return SYSRET_NOREPLY;
}

static long send_checked(struct thread *target, int sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!target)
		return -ESRCH;
	if (sig)
		signal_send(target, sig);
	return 0;
}

SYSCALL(tgkill)
{
	(void)t;
	if ((int)a[0] <= 0 || (int)a[1] <= 0)
		return -EINVAL;
	if ((int)a[0] != GOOSE_PID)
		return -ESRCH;
	return send_checked(thread_by_tid((int)a[1]), (int)a[2]);
}

SYSCALL(tkill)
{
	(void)t;
	if ((int)a[0] <= 0)
		return -EINVAL;
	return send_checked(thread_by_tid((int)a[0]), (int)a[1]);
}

/* kill(pid, sig): goose's one process is pid 1; 0 and -1 also reach it. */
SYSCALL(kill)
{
	int pid = (int)a[0];

	if (pid != GOOSE_PID && pid != 0 && pid != -1)
		return -ESRCH;
	return send_checked(signal_process_target(t, (int)a[1]), (int)a[1]);
}
