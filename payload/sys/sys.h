/* SPDX-License-Identifier: MIT */
/*
 * The system-call layer's own header: the handlers (one per call, grouped by
 * subsystem in sys_*.c) and the helpers they share for decoding arguments.
 * kernel/syscall.h is what the rest of goose sees of it.
 */
#ifndef GOOSE_SYS_H
#define GOOSE_SYS_H

#include "kernel/syscall.h"

/*
 * Timeouts become absolute `time` deadlines: 0 waits forever, and a zero
 * timeout gives 1, a tick long past, so the call only polls.
 */
long timeout_from_ms(int ms, uint64_t *deadline);
long timeout_from_timespec(uint64_t uts, uint64_t *deadline);
bool timeout_expired(uint64_t deadline);
/* struct timespec { i64 tv_sec; i64 tv_nsec; } from the program, checked: ns or -EINVAL/-EFAULT. */
long timespec_from_user(uint64_t uts, uint64_t *ns);

typedef long (*syscall_fn)(struct thread *t, const uint64_t *a);
/* The process's supplementary groups (sys_cred.c): the count, *list set. */
int cred_groups(const uint32_t **list);
/* What riscv_hwprobe reports: the boot hart's letters (AT_HWCAP) and FDT_EXT_* bits. */
void syscall_set_cpu(uint64_t hwcap, uint32_t ext);
/* The program break starts at the end of the loaded image. */
void sys_brk_init(uint64_t image_end);

/* One handler per call, grouped by file (sys_*.c, vfs.c). */
#define SYSCALL(name) long sys_##name(struct thread *t, const uint64_t *a)
#define SYSCALL_LIST(X)                                                                                    \
	X(getcwd, 2) X(eventfd2, 2) X(epoll_create1, 1) X(epoll_ctl, 4) X(epoll_pwait, 6) X(dup, 1)          \
	X(dup3, 3) X(fcntl, 3) X(ioctl, 3) X(mkdirat, 3) X(unlinkat, 3) X(symlinkat, 3) X(linkat, 5)       \
	X(statfs, 2) X(fstatfs, 2) X(truncate, 2) X(ftruncate, 2) X(faccessat, 3) X(chdir, 1) X(fchdir, 1) \
	X(fchmod, 2) X(fchmodat, 3) X(fchownat, 5) X(fchown, 3) X(openat, 4) X(close, 1) X(pipe2, 2)       \
	X(getdents64, 3) X(lseek, 3) X(read, 3) X(write, 3) X(readv, 3) X(writev, 3) X(pread64, 4)         \
	X(pwrite64, 4) X(readlinkat, 4) X(newfstatat, 4) X(fstat, 2) X(fsync, 1) X(utimensat, 4)           \
	X(exit, 1) X(exit_group, 1) X(set_tid_address, 1) X(futex, 6) X(set_robust_list, 2)                \
	X(nanosleep, 2) X(clock_settime, 2) X(clock_gettime, 2) X(clock_getres, 2) X(clock_nanosleep, 4)   \
	X(sched_setaffinity, 3) X(sched_getaffinity, 3) X(sched_yield, 0) X(kill, 2) X(tkill, 2)           \
	X(tgkill, 3) X(sigaltstack, 2) X(rt_sigaction, 4) X(rt_sigprocmask, 4) X(rt_sigpending, 2)         \
	X(rt_sigreturn, 0) X(uname, 1) X(getrlimit, 2) X(setrlimit, 2) X(getrusage, 2) X(umask, 1)         \
	X(getcpu, 3) X(gettimeofday, 2) X(getpid, 0) X(getppid, 0) X(getuid, 0) X(geteuid, 0) X(getgid, 0) \
	X(getegid, 0) X(gettid, 0) X(sysinfo, 1) X(brk, 1) X(munmap, 2) X(clone, 5) X(mmap, 6)             \
	X(mprotect, 3) X(mincore, 3) X(madvise, 3) X(prlimit64, 4) X(renameat2, 5) X(getrandom, 3)         \
	X(faccessat2, 4) X(epoll_pwait2, 6) X(riscv_hwprobe, 5) X(prctl, 5) X(socket, 3) X(socketpair, 4)      \
	X(bind, 3) X(listen, 2) X(accept, 3) X(connect, 3) X(getsockname, 3) X(getpeername, 3)            \
	X(sendto, 6) X(recvfrom, 6) X(setsockopt, 5) X(getsockopt, 5) X(shutdown, 2) X(sendmsg, 3)        \
	X(recvmsg, 3) X(accept4, 4) X(wait4, 4) X(waitid, 5) X(capget, 2) X(capset, 2) X(setpgid, 2)      \
	X(getpgid, 1) X(getsid, 1) X(setsid, 0) X(getgroups, 2) X(setgroups, 2) X(fchmodat2, 4) X(splice, 6)    \
	X(tee, 4) X(getitimer, 2) X(setitimer, 3) X(mknodat, 4) X(setregid, 2) X(setgid, 1) \
	X(setreuid, 2) X(setuid, 1) X(setresuid, 3) X(getresuid, 3) X(setresgid, 3) X(getresgid, 3) X(setfsuid, 1) \
	X(setfsgid, 1) X(sendfile, 4)

#define SYSCALL_DECLARE(name, n) SYSCALL(name);
SYSCALL_LIST(SYSCALL_DECLARE)
#undef SYSCALL_DECLARE
/* goose's own (sys_goose.c), outside Linux's numbers. */
SYSCALL(goose_sbi_call);

#endif
