/* SPDX-License-Identifier: MIT */
#include "kernel/trace.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "include/uapi/errno.h"
#include "include/uapi/signal.h"
#include "include/uapi/unistd.h"
#include "kernel/loader.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "lib/bootargs.h"
#include "mm/vm.h"

uint32_t trace_mask;

BOOT_OPTION(trace_option, "goose.trace", "goose.trace=syscalls,faults,signals,threads,enosys,boot (or all)",
	    "an strace-like log, one `goose: [tid] ...` line per event; `enosys` names each unimplemented call once; "
	    "`boot` prints each boot phase with the instructions (instret) it took, `goose: boot: <phase> N "
	    "instructions`, and their total");

static const struct {
	const char *name;
	uint32_t bits;
} trace_words[] = {
	{ "syscalls", TRACE_SYSCALLS }, { "faults", TRACE_FAULTS }, { "signals", TRACE_SIGNALS },
	{ "threads", TRACE_THREADS },	{ "enosys", TRACE_ENOSYS }, { "boot", TRACE_BOOT },
	{ "all", 0x3f },
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
			gmsg("goose.trace: unknown event class \"%.*s\" (want syscalls, faults, signals, threads, enosys, boot, all)",
			     (int)n, p);
			return -1;
		}
		p = e ? e + 1 : NULL;
	}
	return 0;
}

#define BOOT_PHASES_MAX 32

static struct {
	const char *name;
	uint64_t instret;
} boot_phases[BOOT_PHASES_MAX];
static int nboot_phases;

void trace_boot_phase(const char *name)
{
	if (nboot_phases < BOOT_PHASES_MAX)
		boot_phases[nboot_phases++] = (typeof(boot_phases[0])){ name, rdinstret() };
}

void trace_boot_report(uint64_t start)
{
	uint64_t prev = start;

	if (!(trace_mask & TRACE_BOOT))
		return;
	for (int i = 0; i < nboot_phases; i++) {
		gmsg("boot: %-16s %9lu instructions", boot_phases[i].name, boot_phases[i].instret - prev);
		prev = boot_phases[i].instret;
	}
	gmsg("boot: %-16s %9lu instructions from goose's entry (instret: guest instructions on hardware and "
	     "under QEMU -icount)", "total", prev - start);
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
	[EAFNOSUPPORT] = "EAFNOSUPPORT", [ETIMEDOUT] = "ETIMEDOUT", [EDESTADDRREQ] = "EDESTADDRREQ",
	[EMSGSIZE] = "EMSGSIZE", [EPROTOTYPE] = "EPROTOTYPE", [ENOPROTOOPT] = "ENOPROTOOPT",
	[EPROTONOSUPPORT] = "EPROTONOSUPPORT", [ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT",
	[EADDRINUSE] = "EADDRINUSE", [EADDRNOTAVAIL] = "EADDRNOTAVAIL", [ENETDOWN] = "ENETDOWN", [ENETUNREACH] = "ENETUNREACH",
	[ECONNRESET] = "ECONNRESET", [ENOBUFS] = "ENOBUFS", [EISCONN] = "EISCONN", [ENOTCONN] = "ENOTCONN",
	[ECONNREFUSED] = "ECONNREFUSED", [EALREADY] = "EALREADY", [EINPROGRESS] = "EINPROGRESS", [ENOLCK] = "ENOLCK",
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
	t->trace_nr = t->frame.a7;
	memcpy(t->trace_args, frame_args(&t->frame), sizeof(t->trace_args));
}

/* How an argument is shown ("decoded flags where cheap", as strace). */
enum arg_kind { ARG_HEX, ARG_INT, ARG_FD, ARG_PATH, ARG_PROT, ARG_MAP, ARG_SIG, ARG_FUTEX };

static const struct {
	uint16_t nr;
	uint8_t kind[6];
} arg_kinds[] = {
	{ SYS_openat, { ARG_FD, ARG_PATH, ARG_HEX, ARG_HEX } },
	{ SYS_newfstatat, { ARG_FD, ARG_PATH, ARG_HEX, ARG_HEX } },
	{ SYS_faccessat, { ARG_FD, ARG_PATH, ARG_INT } },
	{ SYS_mkdirat, { ARG_FD, ARG_PATH, ARG_HEX } },
	{ SYS_unlinkat, { ARG_FD, ARG_PATH, ARG_HEX } },
	{ SYS_readlinkat, { ARG_FD, ARG_PATH, ARG_HEX, ARG_INT } },
	{ SYS_chdir, { ARG_PATH } },
	{ SYS_read, { ARG_FD, ARG_HEX, ARG_INT } },
	{ SYS_write, { ARG_FD, ARG_HEX, ARG_INT } },
	{ SYS_close, { ARG_FD } },
	{ SYS_mmap, { ARG_HEX, ARG_HEX, ARG_PROT, ARG_MAP, ARG_FD, ARG_HEX } },
	{ SYS_mprotect, { ARG_HEX, ARG_HEX, ARG_PROT } },
	{ SYS_futex, { ARG_HEX, ARG_FUTEX, ARG_INT, ARG_HEX, ARG_HEX, ARG_HEX } },
	{ SYS_rt_sigaction, { ARG_SIG, ARG_HEX, ARG_HEX, ARG_INT } },
	{ SYS_tgkill, { ARG_INT, ARG_INT, ARG_SIG } },
	{ SYS_tkill, { ARG_INT, ARG_SIG } },
	{ SYS_kill, { ARG_INT, ARG_SIG } },
};

static size_t flags_str(char *buf, size_t size, uint64_t v, const char *const *names, int nnames)
{
	size_t n = 0;

	for (int b = 0; b < nnames; b++) {
		if (!(v & (1ull << b)) || !names[b])
			continue;
		n += (size_t)snprintf(buf + n, size - MIN(n, size), "%s%s", n ? "|" : "", names[b]);
		v &= ~(1ull << b);
	}
	if (v || !n)
		n += (size_t)snprintf(buf + n, size - MIN(n, size), "%s0x%lx", n ? "|" : "", v);
	return n;
}

static size_t arg_str(char *buf, size_t size, enum arg_kind kind, uint64_t v)
{
	static const char *const prot[] = { "PROT_READ", "PROT_WRITE", "PROT_EXEC" };
	static const char *const map[] = { "MAP_SHARED", "MAP_PRIVATE", NULL, NULL, "MAP_FIXED", "MAP_ANONYMOUS" };
	static const char *const futex_ops[] = { "FUTEX_WAIT", "FUTEX_WAKE", NULL, "FUTEX_REQUEUE",
						 "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", NULL, NULL, NULL,
						 "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET" };
	char path[64];

	switch (kind) {
	case ARG_INT:
		return (size_t)snprintf(buf, size, "%ld", (long)v);
	case ARG_FD:
		return (int)v == -100 ? (size_t)snprintf(buf, size, "AT_FDCWD") : (size_t)snprintf(buf, size, "%d", (int)v);
	case ARG_PATH: {
		int r = strncpy_from_user(path, v, sizeof(path));

		if (r == -EFAULT)
			return (size_t)snprintf(buf, size, "0x%lx", v);
		return (size_t)snprintf(buf, size, "\"%s\"%s", path, r ? "..." : "");
	}
	case ARG_PROT:
		if (!v)
			return (size_t)snprintf(buf, size, "PROT_NONE");
		return flags_str(buf, size, v, prot, ARRAY_SIZE(prot));
	case ARG_MAP:
		return flags_str(buf, size, v, map, ARRAY_SIZE(map));
	case ARG_SIG:
		return (size_t)snprintf(buf, size, "%s", (int)v > 0 && (int)v <= NSIG ? signal_name((int)v) : "?");
	case ARG_FUTEX: {
		uint64_t op = v & 0x7f;
		const char *name = op < ARRAY_SIZE(futex_ops) ? futex_ops[op] : NULL;

		if (!name)
			return (size_t)snprintf(buf, size, "0x%lx", v);
		return (size_t)snprintf(buf, size, "%s%s", name, (v & 128) ? "_PRIVATE" : "");
	}
	default:
		return (size_t)snprintf(buf, size, "%s0x%lx", (int64_t)v < 0 && (int64_t)v > -4096 ? "-" : "",
					(int64_t)v < 0 && (int64_t)v > -4096 ? -v : v);
	}
}

static void trace_line(struct thread *t, long result, const char *suffix)
{
	const uint64_t *a = t->trace_args;
	uint64_t nr = t->trace_nr;
	int nargs = syscall_nargs(nr);
	const uint8_t *kinds = NULL;
	char args[240];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(arg_kinds); i++)
		if (arg_kinds[i].nr == nr)
			kinds = arg_kinds[i].kind;
	args[0] = '\0';
	for (int i = 0; i < nargs && n < sizeof(args); i++) {
		n += (size_t)snprintf(args + n, sizeof(args) - n, "%s", i ? ", " : "");
		if (n < sizeof(args))
			n += arg_str(args + n, sizeof(args) - n, kinds ? (enum arg_kind)kinds[i] : ARG_HEX, a[i]);
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
	trace_line(t, (long)t->frame.a0, " (blocked)");
}

void trace_fault_do(struct thread *t, const char *what, uint64_t addr)
{
	uint64_t off;
	const char *fn = loader_symbolize(t->frame.pc, &off);

	gmsg("[%d] fault: %s at 0x%lx, pc 0x%lx %s+0x%lx", t->tid, what, addr, t->frame.pc, fn ? fn : "?",
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
