/* SPDX-License-Identifier: MIT */
#include "kernel/signal.h"
#include "arch/riscv/frame.h"
#include "arch/riscv/ksyms.h"
#include "dev/console.h"
#include "dev/power.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "include/uapi/signal.h"
#include "kernel/clock.h"
#include "kernel/loader.h"
#include "kernel/thread.h"
#include "kernel/trace.h"
#include "kernel/vector.h"
#include "mm/vm.h"

/* Process-wide, as Go's threads share them (CLONE_SIGHAND). */
struct k_sigaction sigactions[NSIG + 1];

/* Signals whose default action is to do nothing (signal(7)); the job-control
 * stops are treated alike, as there is no shell to continue them. */
#define SIG_DEFAULT_IGNORED                                                                              \
	(SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT) | SIGBIT(SIGSTOP) |          \
	 SIGBIT(20) /* SIGTSTP */ | SIGBIT(21) /* SIGTTIN */ | SIGBIT(22) /* SIGTTOU */)

/* The names of signal(7), for reports and traces. */
static const char *const signal_names[] = {
	[1] = "SIGHUP",     [2] = "SIGINT",   [3] = "SIGQUIT",  [4] = "SIGILL",   [5] = "SIGTRAP",
	[6] = "SIGABRT",    [7] = "SIGBUS",   [8] = "SIGFPE",   [9] = "SIGKILL",  [10] = "SIGUSR1",
	[11] = "SIGSEGV",   [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN",   [22] = "SIGTTOU", [23] = "SIGURG",  [24] = "SIGXCPU", [25] = "SIGXFSZ",
	[26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO",  [30] = "SIGPWR",
	[31] = "SIGSYS",
};

const char *signal_name(int sig)
{
	if (sig > 0 && sig < (int)ARRAY_SIZE(signal_names) && signal_names[sig])
		return signal_names[sig];
	return sig >= 32 && sig <= NSIG ? "SIGRT" : "signal";
}

static const char *const reg_names[32] = {
	"pc", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* "pc 0x8cf34 main.poke+0x4 (main.go:29)": the symbol, and the line from
 * Go's own tables (for ra, the line of the call). */
static void print_location(const char *what, uint64_t pc)
{
	uint64_t off;
	const char *fn, *file;
	int line;

	/* goose's own code: its symbol table (ci/mksyms.py). */
	if (!ksym_lookup(pc, &fn, &off, &file, &line)) {
		if (file)
			gmsg("  %s 0x%lx %s+0x%lx (%s:%d)", what, pc, fn, off, file, line);
		else
			gmsg("  %s 0x%lx %s+0x%lx", what, pc, fn, off);
		return;
	}
	fn = loader_symbolize(pc, &off);
	if (!fn)
		gmsg("  %s 0x%lx", what, pc);
	else if (!loader_go_line(what[0] == 'r' && pc >= 2 ? pc - 2 : pc, &file, &line))
		gmsg("  %s 0x%lx %s+0x%lx (%s:%d)", what, pc, fn, off, file, line);
	else
		gmsg("  %s 0x%lx %s+0x%lx", what, pc, fn, off);
}

void signal_dump_frame(const struct frame *f)
{
	print_location("pc", f->pc);
	print_location("ra", f->ra);
	for (int i = 0; i < 32; i += 4)
		gmsg("  %-3s %016lx  %-3s %016lx  %-3s %016lx  %-3s %016lx", reg_names[i], f->x[i], reg_names[i + 1],
		     f->x[i + 1], reg_names[i + 2], f->x[i + 2], reg_names[i + 3], f->x[i + 3]);
	gmsg("  sstatus %016lx scause %016lx stval %016lx", f->sstatus, f->scause, f->stval);
}

/* Default action "terminate" (or a fault nobody handles): report and stop. */
static void __attribute__((noreturn)) signal_die(struct thread *t, int sig, uint64_t addr)
{
	gmsg("fatal: %s (signal %d) in thread %d, address 0x%lx", signal_name(sig), sig, t->tid, addr);
	signal_dump_frame(&t->frame);
	goose_exit(128 + sig);
}

void signal_send_kernel(struct thread *t, int sig)
{
	/* A signal already pending from elsewhere stays as it was sent. */
	if (!(t->sigpending & SIGBIT(sig)))
		t->sigkernel |= SIGBIT(sig);
	signal_send(t, sig);
}

void signal_send(struct thread *t, int sig)
{
	trace_signal(t, "send", sig);
	t->sigpending |= SIGBIT(sig);
	if (t->sigmask & SIGBIT(sig))
		return;
	/* Running on another hart: interrupt it, its next resume delivers. */
	if (t->state == T_RUNNING) {
		smp_kick(t->frame.hart);
		return;
	}
	signal_interrupt_wait(t);
}

void signal_interrupt_wait(struct thread *t)
{
	if (!thread_interruptible(t) || !(t->sigpending & ~t->sigmask))
		return;
	long result = -EINTR;

	/* nanosleep tells how much of the sleep was left (EFAULT if it cannot). */
	if (t->wait == WAIT_SLEEP && t->sleep_rem) {
		uint64_t now = clock_ticks(), left = t->deadline > now ? t->deadline - now : 0;
		uint64_t ns = left * 1000000000ull / clock_timebase();
		int64_t ts[2] = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };

		if (copy_to_user(t->sleep_rem, ts, sizeof(ts)))
			result = -EFAULT;
	}
	sched_interrupt(t, result);
}

struct thread *signal_process_target(struct thread *self, int sig)
{
	if (sig <= 0 || sig > NSIG || !(self->sigmask & SIGBIT(sig)))
		return self;
	for (int tid = 1;; tid++) {
		struct thread *t = thread_next(tid);

		if (!t)
			return self;
		if (!(t->sigmask & SIGBIT(sig)))
			return t;
		tid = t->tid;
	}
}

void signal_discard(int sig)
{
	for (int tid = 1;; tid++) {
		struct thread *t = thread_next(tid);

		if (!t)
			return;
		t->sigpending &= ~SIGBIT(sig);
		tid = t->tid;
	}
}

/* sp (a stack pointer: the stack lies below it) is on t's enabled
 * alternate signal stack (on_sig_stack). */
static bool on_altstack(const struct thread *t, uint64_t sp)
{
	return t->altstack_size && !(t->altstack_flags & SS_DISABLE) && sp - 1 - t->altstack_sp < t->altstack_size;
}

/* Build the rt_sigframe on the right stack and point the thread at the
 * handler, as arch/riscv/kernel/signal.c setup_rt_frame() does. */
static int signal_setup_frame(struct thread *t, int sig, const struct k_siginfo *info)
{
	const struct k_sigaction *act = &sigactions[sig];
	struct frame *f = &t->frame;
	uint64_t sp = f->sp;
	bool on_alt = t->altstack_size && sp - t->altstack_sp < t->altstack_size;
	/* The rt_sigframe, then the extension records the sigcontext's last
	 * header starts (get_rt_frame_size): the V record when t uses V. */
	size_t size = (sizeof(struct k_rt_sigframe) + vector_sigframe_extra(t) + 15) & ~(size_t)15;

	if ((act->flags & SA_ONSTACK) && t->altstack_size && !(t->altstack_flags & SS_DISABLE) && !on_alt)
		sp = t->altstack_sp + t->altstack_size;
	/* A frame that would run off the alternate stack is not built
	 * (get_sigframe): the thread gets SIGSEGV. */
	if (on_altstack(t, sp) && !on_altstack(t, sp - size))
		return -EFAULT;
	sp = (sp - size) & ~0xfull;
	if (uaccess_ok(sp, size, PROT_WRITE))
		return -EFAULT;

	/* t is about to run on this hart, so its FP and vector state is in
	 * the registers. */
	fp_save(t->fp);

	struct k_rt_sigframe *fr = (struct k_rt_sigframe *)sp;

	memset(fr, 0, size);
	fr->info = *info;
	fr->uc.uc_stack.ss_sp = t->altstack_sp;
	fr->uc.uc_stack.ss_size = t->altstack_size;
	fr->uc.uc_stack.ss_flags = !t->altstack_size ? SS_DISABLE : on_alt ? SS_ONSTACK : 0;
	fr->uc.uc_sigmask = t->sigmask;
	/* An interrupted call under SA_RESTART runs again once the handler returns. */
	if (t->interrupted && (act->flags & SA_RESTART) && t->restartable && f->a0 == (uint64_t)-EINTR) {
		f->pc -= 4;
		f->a0 = t->orig_a0;
	}
	t->interrupted = false;
	memcpy(fr->uc.uc_mcontext.sc_regs, f->x, sizeof(f->x));
	memcpy(fr->uc.uc_mcontext.sc_fpregs_f, t->fp, 32 * 8);
	fr->uc.uc_mcontext.sc_fpregs_fcsr = (uint32_t)t->fp[32];
	if (vector_sigframe_save(t, sp + __builtin_offsetof(struct k_rt_sigframe, uc.uc_mcontext.sc_ext_hdr)))
		return -EFAULT;

	t->sigmask |= act->mask;
	if (!(act->flags & SA_NODEFER))
		t->sigmask |= SIGBIT(sig);
	t->sigmask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	f->pc = act->handler;
	f->ra = loader_sigreturn_trampoline();
	f->sp = sp;
	f->a0 = (uint64_t)sig;
	f->a1 = sp + __builtin_offsetof(struct k_rt_sigframe, info);
	f->a2 = sp + __builtin_offsetof(struct k_rt_sigframe, uc);
	if (act->flags & SA_RESETHAND)
		sigactions[sig].handler = SIG_DFL;
	return 0;
}

void signal_fault(struct thread *t, int sig, int code, uint64_t addr)
{
	const struct k_sigaction *act = &sigactions[sig];
	struct k_siginfo info = { .si_signo = sig, .si_code = code, .si_addr = addr };

	trace_signal(t, "deliver", sig);
	/* A fault that is blocked, ignored or unhandled kills, as on Linux. */
	if (act->handler == SIG_DFL || act->handler == SIG_IGN || (t->sigmask & SIGBIT(sig)) ||
	    signal_setup_frame(t, sig, &info))
		signal_die(t, sig, addr);
}

void signal_deliver(struct thread *t)
{
	uint64_t ready = t->sigpending & ~t->sigmask;

	if (!ready)
		return;
	int sig = __builtin_ctzll(ready) + 1;
	const struct k_sigaction *act = &sigactions[sig];
	struct k_siginfo info = { .si_signo = sig, .si_code = SI_TKILL, .si_pid = 1 };

	if (t->sigkernel & SIGBIT(sig))
		info = (struct k_siginfo){ .si_signo = sig, .si_code = SI_KERNEL };
	t->sigpending &= ~SIGBIT(sig);
	t->sigkernel &= ~SIGBIT(sig);
	trace_signal(t, "deliver", sig);
	if (act->handler == SIG_IGN)
		return;
	if (act->handler == SIG_DFL) {
		if (SIG_DEFAULT_IGNORED & SIGBIT(sig))
			return;
		signal_die(t, sig, 0);
	}
	if (signal_setup_frame(t, sig, &info))
		signal_die(t, SIGSEGV, t->frame.sp);
}

long signal_return(struct thread *t)
{
	struct frame *f = &t->frame;
	uint64_t sp = f->sp;

	if (uaccess_ok(sp, sizeof(struct k_rt_sigframe), PROT_READ))
		signal_die(t, SIGSEGV, sp);

	const struct k_rt_sigframe *fr = (const struct k_rt_sigframe *)sp;

	memcpy(f->x, fr->uc.uc_mcontext.sc_regs, sizeof(f->x));
	memcpy(t->fp, fr->uc.uc_mcontext.sc_fpregs_f, 32 * 8);
	t->fp[32] = fr->uc.uc_mcontext.sc_fpregs_fcsr;
	fp_restore(t->fp);
	if (vector_sigframe_restore(t, sp + __builtin_offsetof(struct k_rt_sigframe, uc.uc_mcontext.sc_ext_hdr)))
		signal_die(t, SIGSEGV, sp);
	t->sigmask = fr->uc.uc_sigmask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	return f->a0;
}
