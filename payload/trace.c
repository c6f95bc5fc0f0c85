/* SPDX-License-Identifier: MIT */
#include "trace.h"
#include "console.h"
#include "errno.h"
#include "loader.h"
#include "signal.h"
#include "syscall.h"
#include "thread.h"

uint32_t trace_mask;

static const struct {
	const char *name;
	uint32_t bits;
} trace_words[] = {
	{ "syscalls", TRACE_SYSCALLS }, { "faults", TRACE_FAULTS }, { "signals", TRACE_SIGNALS },
	{ "threads", TRACE_THREADS },	{ "enosys", TRACE_ENOSYS }, { "all", 0x1f },
};

int trace_init(const char *spec)
{
	const char *p = spec;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p), i;

		for (i = 0; i < ARRAY_SIZE(trace_words); i++) {
			if (strlen(trace_words[i].name) == n && !strncmp(trace_words[i].name, p, n)) {
				trace_mask |= trace_words[i].bits;
				break;
			}
		}
		if (n && i == ARRAY_SIZE(trace_words)) {
			gmsg("goose.trace: unknown event class \"%.*s\" (want syscalls, faults, signals, threads, enosys, all)",
			     (int)n, p);
			return -1;
		}
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static const char *const errno_names[] = {
	[EPERM] = "EPERM",	 [ENOENT] = "ENOENT",	[ESRCH] = "ESRCH",   [EINTR] = "EINTR",
	[EIO] = "EIO",		 [ENXIO] = "ENXIO",	[E2BIG] = "E2BIG",   [EBADF] = "EBADF",
	[ECHILD] = "ECHILD",	 [EAGAIN] = "EAGAIN",	[ENOMEM] = "ENOMEM", [EACCES] = "EACCES",
	[EFAULT] = "EFAULT",	 [EBUSY] = "EBUSY",	[EEXIST] = "EEXIST", [EXDEV] = "EXDEV",
	[ENODEV] = "ENODEV",	 [ENOTDIR] = "ENOTDIR", [EISDIR] = "EISDIR", [EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE",	 [EMFILE] = "EMFILE",	[ENOTTY] = "ENOTTY", [EFBIG] = "EFBIG",
	[ENOSPC] = "ENOSPC",	 [ESPIPE] = "ESPIPE",	[EROFS] = "EROFS",   [EMLINK] = "EMLINK",
	[EPIPE] = "EPIPE",	 [ERANGE] = "ERANGE",	[ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOSYS] = "ENOSYS",	 [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP", [ENODATA] = "ENODATA",
	[EOVERFLOW] = "EOVERFLOW", [ENOTSOCK] = "ENOTSOCK", [EOPNOTSUPP] = "EOPNOTSUPP",
	[EAFNOSUPPORT] = "EAFNOSUPPORT", [ETIMEDOUT] = "ETIMEDOUT",
};

const char *errno_name(long e)
{
	if (e > 0 && e < (long)ARRAY_SIZE(errno_names) && errno_names[e])
		return errno_names[e];
	return NULL;
}

/* The call's number and arguments, before the call changes the frame. */
void trace_syscall_enter(struct thread *t)
{
	t->trace_nr = t->frame.x[REG_A7];
	memcpy(t->trace_args, &t->frame.x[REG_A0], sizeof(t->trace_args));
}

static void trace_line(struct thread *t, long result, const char *suffix)
{
	const uint64_t *a = t->trace_args;
	uint64_t nr = t->trace_nr;
	int nargs = syscall_nargs(nr);
	char args[160];
	size_t n = 0;

	args[0] = '\0';
	for (int i = 0; i < nargs && n < sizeof(args); i++) {
		uint64_t v = a[i];

		n += (size_t)snprintf(args + n, sizeof(args) - n, "%s%s0x%lx", i ? ", " : "",
				      (int64_t)v < 0 && (int64_t)v > -4096 ? "-" : "",
				      (int64_t)v < 0 && (int64_t)v > -4096 ? -v : v);
	}
	const char *name = syscall_name(nr);

	if (result < 0 && result > -4096 && errno_name(-result))
		gmsg("[%d] %s(%s) = -1 %s%s", t->tid, name, args, errno_name(-result), suffix);
	else if (result < 0 && result > -4096)
		gmsg("[%d] %s(%s) = -1 errno %ld%s", t->tid, name, args, -result, suffix);
	else
		gmsg("[%d] %s(%s) = 0x%lx%s", t->tid, name, args, (uint64_t)result, suffix);
}

void trace_syscall_do(struct thread *t, long result)
{
	if (result == SYSRET_BLOCKED) {
		t->trace_pending = true;
		return;
	}
	/* rt_sigreturn has no result of its own. */
	if (result == SYSRET_NOREPLY)
		result = 0;
	trace_line(t, result, "");
}

void trace_resume_do(struct thread *t)
{
	if (!t->trace_pending)
		return;
	t->trace_pending = false;
	/* A restarted call traces itself when it finishes. */
	if (t->restarting)
		return;
	trace_line(t, (long)t->frame.x[REG_A0], " (blocked)");
}

void trace_fault_do(struct thread *t, const char *what, uint64_t addr)
{
	uint64_t off;
	const char *fn = loader_symbolize(t->frame.x[0], &off);

	gmsg("[%d] fault: %s at 0x%lx, pc 0x%lx %s+0x%lx", t->tid, what, addr, t->frame.x[0], fn ? fn : "?",
	     fn ? off : 0);
}

void trace_signal_do(struct thread *t, const char *what, int sig)
{
	gmsg("[%d] signal %s: %d (%s)", t->tid, what, sig, signal_name(sig));
}

void trace_thread_do(struct thread *t, const char *what, int tid)
{
	gmsg("[%d] thread %s: %d", t->tid, what, tid);
}
