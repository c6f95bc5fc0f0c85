/* SPDX-License-Identifier: MIT */
/*
 * Every trap from the Go program lands here (trap.S saved its registers in
 * its thread's frame): system calls (the rewritten ebreaks), page faults,
 * other exceptions, and the timer and software interrupts. The big lock is
 * held from here until the frame to resume is chosen, except for the calls
 * and faults that need none.
 */
#include "arch/riscv/extable.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "dev/irq.h"
#include "dev/power.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "include/uapi/signal.h"
#include "include/uapi/unistd.h"
#include "kernel/clock.h"
#include "kernel/loader.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/trace.h"
#include "kernel/vector.h"
#include "mm/vm.h"

struct thread *frame_thread(struct frame *f)
{
	return (struct thread *)f;
}

static const char *const exc_names[] = {
	[EXC_INST_MISALIGNED] = "instruction address misaligned",
	[EXC_INST_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INST] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store address misaligned",
	[EXC_STORE_ACCESS] = "store access fault",
	[EXC_ECALL_U] = "ecall from U-mode",
	[EXC_ECALL_S] = "ecall from S-mode",
	[EXC_INST_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store page fault",
};

static const char *exc_name(uint64_t cause)
{
	if (cause < ARRAY_SIZE(exc_names) && exc_names[cause])
		return exc_names[cause];
	return "unknown exception";
}

static bool is_page_fault(uint64_t cause)
{
	return cause == EXC_STORE_PAGE_FAULT || cause == EXC_LOAD_PAGE_FAULT || cause == EXC_INST_PAGE_FAULT;
}

static uint32_t fault_access(uint64_t cause)
{
	return cause == EXC_STORE_PAGE_FAULT ? PROT_WRITE : cause == EXC_LOAD_PAGE_FAULT ? PROT_READ : PROT_EXEC;
}

static void count_fault(struct thread *t)
{
	t->minflt++;
	__atomic_fetch_add(&sched_stats.minflt, 1, __ATOMIC_RELAXED);
}

/* A page fault in Go code: supply the page, or turn it into SIGSEGV (or
 * SIGBUS past the end of a mapped file, as Linux). */
static void trap_page_fault(struct thread *t, uint64_t cause, uint64_t addr)
{
	int r = vm_fault(addr, fault_access(cause));

	count_fault(t);
	if (r == 0)
		return;
	if (r == -ENOMEM)
		vm_oom(addr);
	trace_fault(t, exc_name(cause), addr);
	if (r == -EIO)
		signal_fault(t, SIGBUS, BUS_ADRERR, addr);
	else
		signal_fault(t, SIGSEGV, r == -EACCES ? SEGV_ACCERR : SEGV_MAPERR, addr);
}

static void trap_exception(struct thread *t, uint64_t cause)
{
	struct frame *f = &t->frame;
	uint64_t pc = f->pc;

	switch (cause) {
	case EXC_BREAKPOINT:
		if (loader_is_syscall_site(pc)) {
			f->pc = pc + 4;
			syscall_handle(t);
			return;
		}
		trace_fault(t, exc_name(cause), pc);
		signal_fault(t, SIGTRAP, TRAP_BRKPT, pc);
		return;
	case EXC_INST_PAGE_FAULT:
	case EXC_LOAD_PAGE_FAULT:
	case EXC_STORE_PAGE_FAULT:
		trap_page_fault(t, cause, f->stval);
		return;
	case EXC_ILLEGAL_INST:
		/* A thread's first vector instruction traps (sstatus.VS off). */
		if (vector_first_use(t))
			return;
		trace_fault(t, exc_name(cause), pc);
		signal_fault(t, SIGILL, ILL_ILLOPC, pc);
		return;
	case EXC_INST_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		trace_fault(t, exc_name(cause), f->stval);
		signal_fault(t, SIGBUS, BUS_ADRALN, f->stval);
		return;
	case EXC_INST_ACCESS:
	case EXC_LOAD_ACCESS:
	case EXC_STORE_ACCESS:
		/* Linux (arch/riscv/kernel/traps.c) reports access faults as SIGSEGV. */
		trace_fault(t, exc_name(cause), f->stval);
		signal_fault(t, SIGSEGV, SEGV_ACCERR, f->stval);
		return;
	default:
		gmsg("fatal: %s (scause %lu) in thread %d", exc_name(cause), cause, t->tid);
		signal_dump_frame(f);
		goose_exit(POWER_EXIT_GOOSE_FAILURE);
	}
}

static void trap_interrupt(struct hart *h, uint64_t irq)
{
	switch (irq) {
	case IRQ_S_TIMER:
		/* sched_resume reprograms the timer, which clears the interrupt. */
		hart_set_timer(h, UINT64_MAX);
		vm_tick();
		break;
	case IRQ_S_SOFT:
		csr_clear(CSR_SIP, SIE_SSIE);
		break;
	case IRQ_S_EXT:
		irq_handle();
		break;
	default:
		break;
	}
}

/* Out of line: the usual trap finds the hart's TLB up to date. */
static __attribute__((noinline)) void tlb_catch_up_unless_brief(struct hart *h, const struct frame *f, uint64_t g)
{
	if (!is_page_fault(f->scause) && !(f->scause == EXC_BREAKPOINT && (f->a7 == SYS_mmap || f->a7 == SYS_munmap)))
		smp_tlb_catch_up(h, g);
}

/* trap_handler's work; always inline, so that only GOOSE_DEBUG=events
 * builds have the wrapper's two calls around it. */
static inline __attribute__((always_inline)) struct frame *trap_dispatch(struct frame *f)
{
	struct hart *h = this_hart();
	struct thread *t = frame_thread(f);
	uint64_t cause = f->scause;

	/* A deferred shootdown since this hart last came in (mm/defer.c);
	 * not yet on the allocator's fast paths (a fault, mmap, munmap: see
	 * arch/riscv/smp.c), which go on below with the hart brief. */
	uint64_t behind = smp_tlb_behind(h);

	if (behind)
		tlb_catch_up_unless_brief(h, f, behind);

	/* A call that needs no shared state runs with no lock (sys/syscall.c);
	 * the thread goes straight back unless something waits for it. The
	 * signal and resched flags are read without the lock: whoever sets
	 * them under it also kicks the thread's hart, which traps again. */
	bool done = cause == EXC_BREAKPOINT && syscall_lockless(t);

	/* So does the common page fault (mm/fault.c: vm_fault_fast); the rest
	 * (files, copies on write, signals, no page left) below. It reaches
	 * no program memory through the program's mapping, so the hart is
	 * brief meanwhile: a munmap's shootdown does not wait for it to get
	 * mm_lock, and it flushes on its way out if one went by. */
	if (is_page_fault(cause)) {
		smp_tlb_brief(h);
		done = vm_fault_fast(f->stval, fault_access(cause)) == 0;
		smp_tlb_active(h);
		if (done)
			count_fault(t);
	}

	if (done && !h->resched && !(__atomic_load_n(&t->sigpending, __ATOMIC_RELAXED) & ~t->sigmask) &&
	    !t->trace_pending) {
		if (*h->kstack_canary != HART_STACK_CANARY)
			panic("hart %d: goose stack overflow (trap scause 0x%lx)", h->index, cause);
		return f;
	}
	big_lock_take(h);
	ev_record(EV_LOCKED, 0, 0);
	if (cause & SCAUSE_INTERRUPT)
		trap_interrupt(h, cause & ~SCAUSE_INTERRUPT);
	else if (!done)
		trap_exception(t, cause);
	/* A signal sent while this thread was on its way into a blocking call
	 * (running then, so the sender only kicked its hart) must not sleep
	 * with it: std syscall's AllThreadsSyscall tests waited for good. */
	if (t->state == T_BLOCKED)
		signal_interrupt_wait(t);
	/*
	 * The short way back from a system call or fault: the thread goes on,
	 * nothing asked for another (sched_yield), no signal waits for it.
	 * Slices end by the timer interrupt and woken threads go to idle harts
	 * by IPI, so there is no scheduling to do and no clock to read (a
	 * thread's CPU time is charged when it leaves the hart: sched_resume).
	 * Interrupts always take the long way (it re-arms the timer).
	 */
	struct frame *next = f;

	if ((cause & SCAUSE_INTERRUPT) || t->state != T_RUNNING || h->resched || (t->sigpending & ~t->sigmask) ||
	    t->trace_pending)
		next = sched_resume(h, t);

	/* goose's stacks have no guard page: catch an overflow here, before
	 * whatever lies below the stack is used. */
	if (*h->kstack_canary != HART_STACK_CANARY)
		panic("hart %d: goose stack overflow (trap scause 0x%lx)", h->index, cause);
	big_lock_release();
	return next;
}

/* The code EV_ENTER records for the trap f (arch/riscv/events.h). */
static inline uint32_t ev_trap_code(const struct frame *f)
{
	if (f->scause & SCAUSE_INTERRUPT)
		return EV_INTERRUPT + (uint32_t)(f->scause & ~SCAUSE_INTERRUPT);
	if (f->scause == EXC_BREAKPOINT && loader_is_syscall_site(f->pc))
		return (uint32_t)f->a7;
	return EV_EXCEPTION + (uint32_t)f->scause;
}

struct frame *trap_handler(struct frame *f)
{
	ev_record(EV_ENTER, (uint32_t)frame_thread(f)->tid, ev_trap_code(f));
	struct frame *next = trap_dispatch(f);

	ev_record(EV_EXIT, (uint32_t)frame_thread(next)->tid, 0);
	return next;
}

/* A trap while goose itself ran: a bug in goose, never the program's fault,
 * unless the instruction has an exception fixup: then return to go on there. */
void trap_goose_fault(struct frame *f)
{
	uint64_t cause = f->scause;
	uint64_t fixup = (cause & SCAUSE_INTERRUPT) ? 0 : extable_fixup(f->pc);

	if (fixup) {
		f->pc = fixup;	/* trap.S resumes there */
		return;
	}

	gmsg("panic: %s%s (scause 0x%lx) inside goose at pc 0x%lx, stval 0x%lx",
	     (cause & SCAUSE_INTERRUPT) ? "interrupt " : "", exc_name(cause & ~SCAUSE_INTERRUPT), cause, f->pc,
	     f->stval);
	signal_dump_frame(f);
	goose_exit(POWER_EXIT_GOOSE_FAILURE);
}
