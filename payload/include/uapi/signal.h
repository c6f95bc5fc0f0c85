/* SPDX-License-Identifier: MIT */
/*
 * Signals on riscv64: numbers, flags and si_code values from Linux's
 * include/uapi/asm-generic/signal.h, signal-defs.h and siginfo.h; the
 * layouts from
 *   siginfo     include/uapi/asm-generic/siginfo.h (128 bytes)
 *   ucontext    arch/riscv/include/uapi/asm/ucontext.h
 *   sigcontext  arch/riscv/include/uapi/asm/sigcontext.h (user_regs_struct
 *               from asm/ptrace.h, then union __riscv_fp_state, 16-aligned,
 *               whose other view, struct __riscv_extra_ext_header, ends in
 *               the first struct __riscv_ctx_hdr of the extension records)
 *   V record    asm/sigcontext.h (RISCV_V_MAGIC, END_MAGIC, struct
 *               __sc_riscv_v_state) and asm/ptrace.h (struct
 *               __riscv_ctx_hdr, struct __riscv_v_ext_state)
 *   rt_sigframe arch/riscv/kernel/signal.c: { siginfo; ucontext }
 *   sigaction   include/linux/signal_types.h without sa_restorer (riscv has no
 *               __ARCH_HAS_SA_RESTORER): { handler; flags; mask }
 */
#ifndef GOOSE_UAPI_SIGNAL_H
#define GOOSE_UAPI_SIGNAL_H

#include <stdint.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGURG 23
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define NSIG 64
#define SIG_DFL 0
#define SIG_IGN 1
#define SA_SIGINFO 0x4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define ILL_ILLOPC 1
#define TRAP_BRKPT 1
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define MINSIGSTKSZ 2048

struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t mask;
};

struct k_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t __pad;
	union {
		uint64_t si_addr;	/* SIGSEGV, SIGBUS, SIGILL, SIGTRAP */
		struct {
			int32_t si_pid;	/* kill, tkill */
			uint32_t si_uid;
		};
	};
	uint8_t __rest[128 - 24];
};

struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t __pad;
	uint64_t ss_size;
};

/* struct __riscv_ctx_hdr: one extension record's header; size counts the
 * header and everything up to the next record. */
struct k_ctx_hdr {
	uint32_t magic;
	uint32_t size;
};

#define RISCV_V_MAGIC 0x53465457
#define END_MAGIC 0
#define END_HDR_SIZE 0

struct k_sigcontext {
	uint64_t sc_regs[32];	/* pc, ra, sp, gp, tp, t0-t2, s0-s1, a0-a7, s2-s11, t3-t6 */
	union {
		/* union __riscv_fp_state: the D view is f[32] then fcsr; the
		 * union is as large as the Q view (64 * 8 + 16 bytes). */
		struct {
			uint64_t sc_fpregs_f[32];
			uint32_t sc_fpregs_fcsr;
		};
		/* struct __riscv_extra_ext_header: a word that must be 0, then
		 * the header of the first extension record, whose body
		 * follows the sigcontext (and so the rt_sigframe). */
		struct {
			uint32_t __padding[129];
			uint32_t sc_ext_reserved;
			struct k_ctx_hdr sc_ext_hdr;
		};
		uint8_t __fp_size[528];
	};
} __attribute__((aligned(16)));

/* struct __sc_riscv_v_state: struct __riscv_v_ext_state, 16-aligned;
 * datap points at v0-v31 (vlenb bytes each), which follow it. */
struct k_v_state {
	uint64_t vstart, vl, vtype, vcsr, vlenb;
	uint64_t datap;
} __attribute__((aligned(16)));

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct k_stack uc_stack;
	uint64_t uc_sigmask;
	uint8_t __unused[1024 / 8 - 8];
	struct k_sigcontext uc_mcontext;
};

struct k_rt_sigframe {
	struct k_siginfo info;
	struct k_ucontext uc;
};

_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(__builtin_offsetof(struct k_ucontext, uc_sigmask) == 40, "uc_sigmask offset");
_Static_assert(__builtin_offsetof(struct k_ucontext, uc_mcontext) == 176, "uc_mcontext offset (Go: 176)");
_Static_assert(sizeof(struct k_sigcontext) == 256 + 528, "sigcontext size");
_Static_assert(__builtin_offsetof(struct k_sigcontext, sc_fpregs_fcsr) == 256 + 256, "sigcontext: fcsr (the D view)");
_Static_assert(__builtin_offsetof(struct k_sigcontext, sc_ext_reserved) == 256 + 516, "sigcontext: reserved");
_Static_assert(__builtin_offsetof(struct k_sigcontext, sc_ext_hdr) == 256 + 520, "sigcontext: first record");
_Static_assert(sizeof(struct k_v_state) == 48, "__sc_riscv_v_state size");

#endif
