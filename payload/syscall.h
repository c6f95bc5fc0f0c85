/* SPDX-License-Identifier: MIT */
/*
 * System calls. The Go program's `ecall`s were rewritten to `ebreak`; the
 * trap lands in syscall_handle(), which dispatches on a7 with Linux riscv64
 * numbers (include/uapi/asm-generic/unistd.h) and puts the result in a0.
 * Handlers return -errno (Linux values), or one of the SYSRET_ values below.
 */
#ifndef GOOSE_SYSCALL_H
#define GOOSE_SYSCALL_H

#include "lib.h"

struct thread;

/* The thread blocked; whoever wakes it sets a0. */
#define SYSRET_BLOCKED (-100000)
/* The handler set the whole frame itself (rt_sigreturn); leave a0 alone. */
#define SYSRET_NOREPLY (-100001)

#define SYS_getcwd 17
#define SYS_eventfd2 19
#define SYS_epoll_create1 20
#define SYS_epoll_ctl 21
#define SYS_epoll_pwait 22
#define SYS_dup 23
#define SYS_dup3 24
#define SYS_fcntl 25
#define SYS_ioctl 29
#define SYS_mknodat 33
#define SYS_mkdirat 34
#define SYS_unlinkat 35
#define SYS_symlinkat 36
#define SYS_linkat 37
#define SYS_renameat 38
#define SYS_statfs 43
#define SYS_fstatfs 44
#define SYS_truncate 45
#define SYS_ftruncate 46
#define SYS_faccessat 48
#define SYS_chdir 49
#define SYS_fchdir 50
#define SYS_fchmod 52
#define SYS_fchmodat 53
#define SYS_fchownat 54
#define SYS_fchown 55
#define SYS_openat 56
#define SYS_close 57
#define SYS_pipe2 59
#define SYS_getdents64 61
#define SYS_lseek 62
#define SYS_read 63
#define SYS_write 64
#define SYS_readv 65
#define SYS_writev 66
#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_sendfile 71
#define SYS_pselect6 72
#define SYS_splice 76
#define SYS_tee 77
#define SYS_ppoll 73
#define SYS_readlinkat 78
#define SYS_newfstatat 79
#define SYS_fstat 80
#define SYS_fsync 82
#define SYS_fdatasync 83
#define SYS_utimensat 88
#define SYS_capget 90
#define SYS_capset 91
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_waitid 95
#define SYS_set_tid_address 96
#define SYS_futex 98
#define SYS_set_robust_list 99
#define SYS_nanosleep 101
#define SYS_getitimer 102
#define SYS_setitimer 103
#define SYS_timer_create 107
#define SYS_timer_settime 110
#define SYS_timer_delete 111
#define SYS_clock_settime 112
#define SYS_clock_gettime 113
#define SYS_clock_getres 114
#define SYS_clock_nanosleep 115
#define SYS_sched_setaffinity 122
#define SYS_sched_getaffinity 123
#define SYS_sched_yield 124
#define SYS_kill 129
#define SYS_tkill 130
#define SYS_tgkill 131
#define SYS_sigaltstack 132
#define SYS_rt_sigsuspend 133
#define SYS_rt_sigaction 134
#define SYS_rt_sigprocmask 135
#define SYS_rt_sigpending 136
#define SYS_rt_sigreturn 139
#define SYS_reboot 142
#define SYS_setregid 143
#define SYS_setgid 144
#define SYS_setreuid 145
#define SYS_setuid 146
#define SYS_setresuid 147
#define SYS_getresuid 148
#define SYS_setresgid 149
#define SYS_getresgid 150
#define SYS_setfsuid 151
#define SYS_setfsgid 152
#define SYS_setpgid 154
#define SYS_getpgid 155
#define SYS_getsid 156
#define SYS_setsid 157
#define SYS_getgroups 158
#define SYS_setgroups 159
#define SYS_uname 160
#define SYS_getrlimit 163
#define SYS_setrlimit 164
#define SYS_getrusage 165
#define SYS_umask 166
#define SYS_prctl 167
#define SYS_getcpu 168
#define SYS_gettimeofday 169
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_getuid 174
#define SYS_geteuid 175
#define SYS_getgid 176
#define SYS_getegid 177
#define SYS_gettid 178
#define SYS_sysinfo 179
#define SYS_socket 198
#define SYS_socketpair 199
#define SYS_bind 200
#define SYS_listen 201
#define SYS_accept 202
#define SYS_connect 203
#define SYS_getsockname 204
#define SYS_getpeername 205
#define SYS_sendto 206
#define SYS_recvfrom 207
#define SYS_setsockopt 208
#define SYS_getsockopt 209
#define SYS_shutdown 210
#define SYS_sendmsg 211
#define SYS_recvmsg 212
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_clone 220
#define SYS_execve 221
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_mincore 232
#define SYS_accept4 242
#define SYS_madvise 233
#define SYS_wait4 260
#define SYS_riscv_hwprobe 258
#define SYS_prlimit64 261
#define SYS_renameat2 276
#define SYS_getrandom 278
#define SYS_statx 291
#define SYS_clone3 435
#define SYS_faccessat2 439
#define SYS_epoll_pwait2 441
#define SYS_fchmodat2 452
#define SYS_goose_sbi_call 0x1000
#define SYSCALL_MAX 512

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

/* Handle the system call t made (its frame has a7 and a0-a5). */
void syscall_handle(struct thread *t);
const char *syscall_name(unsigned long nr);
/* Arguments the call takes (for goose.trace=syscalls). */
int syscall_nargs(unsigned long nr);
/* "ENOENT" for 2, NULL when unknown. */
const char *errno_name(long e);
/* The process's supplementary groups (sys_cred.c): the count, *list set. */
int cred_groups(const uint32_t **list);
/* What riscv_hwprobe reports: the boot hart's letters (AT_HWCAP) and FDT_EXT_* bits. */
void syscall_set_cpu(uint64_t hwcap, uint32_t ext);
/* The program break starts at the end of the loaded image. */
void sys_brk_init(uint64_t image_end);

/* Block t on f's next change when r is -EAGAIN, unless f is O_NONBLOCK
 * (the call runs again on wake-up); else r. */
struct file;
long file_block(struct thread *t, struct file *f, long r);

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
