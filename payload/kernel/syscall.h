/* SPDX-License-Identifier: MIT */
/*
 * System calls. The Go program's `ecall`s were rewritten to `ebreak`; the
 * trap lands in syscall_handle(), which dispatches on a7 with Linux riscv64
 * numbers (include/uapi/asm-generic/unistd.h) and puts the result in a0.
 * Handlers return -errno (Linux values), or one of the SYSRET_ values below.
 */
#ifndef GOOSE_SYSCALL_H
#define GOOSE_SYSCALL_H

#include "lib/lib.h"

struct thread;

/*
 * Calls that wait. goose never sleeps on a kernel stack (kernel/thread.h):
 * a handler that must wait blocks its thread and returns SYSRET_BLOCKED,
 * and the hart moves on. There are two ways back, and every waiting call
 * uses one of them:
 *
 * 1. Woken with a result: futex waits, nanosleep and clock_nanosleep
 *    (sched_block). The waker, or the deadline, stores a0 (sched_wake);
 *    the call does not run again.
 *
 * 2. Run again: everything that waits for a file to change, that is reads,
 *    writes, sendfile, socket sends, receives, accept and connect, the open
 *    of a FIFO, epoll_pwait and epoll_pwait2, and flock and fcntl's
 *    F_SETLKW and F_OFD_SETLKW waiting for a lock (syscall_wait, through
 *    file_block for one file). When any file changes (file_notify), the
 *    deadline passes, or, for a polled file, a few milliseconds go by, the
 *    thread backs up over its ebreak and the whole call runs again from its
 *    first instruction, a0 restored from orig_a0. So, on a pass that
 *    blocks, a handler may check arguments, read the program's memory and
 *    look at state, and nothing else: a file op returns -EAGAIN only when it
 *    did nothing (a partial transfer returns its count instead, as a short
 *    read or write); an fd is installed, data is moved or taken, a
 *    connection is queued, only on the pass that returns. What must happen
 *    once per call, not per pass, is keyed on syscall_first_pass(): the
 *    deadline from the call's timeout (kept in t->syscall_deadline), and
 *    reading a timeout structure (kernel/thread.h). The restart test
 *    (go-kernel/tests/restart) checks each such call does its work once.
 *
 * A signal ends either kind of wait with -EINTR; with SA_RESTART, a call of
 * the second kind that set t->restartable (the reads, writes, socket calls
 * and opens, flock and the lock waits, an untimed futex wait; epoll never
 * is, as signal(7) says) runs again after the
 * handler (kernel/signal.c), as Linux restarts it.
 */

/* The thread blocked; whoever wakes it sets a0 (or it runs again). */
#define SYSRET_BLOCKED (-100000)
/* The handler set the whole frame itself (rt_sigreturn); leave a0 alone. */
#define SYSRET_NOREPLY (-100001)

/* Wait for some file to change (or t->syscall_deadline, or with polled a
 * few milliseconds), then run the call again: returns SYSRET_BLOCKED for
 * the handler to return. */
long syscall_wait(struct thread *t, bool polled);

/* Handle the system call t made (its frame has a7 and a0-a5): sys/syscall.c. */
/*
 * The calls that read only constants or the calling thread's own state
 * (getpid, getppid, gettid, get[e]uid, get[e]gid), and the common cases of
 * mmap, munmap, short nanosleeps, futex wakes and sched_yield (sys/sys.h): trap.c runs
 * them without the big lock. True when t's trap was one (at a rewritten
 * site, no trace on) and it has run; false to take the usual way.
 */
bool syscall_lockless(struct thread *t);
void syscall_handle(struct thread *t);
/* Resource limit res (RLIMIT_*) as getrlimit gives it: soft, hard (sys/syscall.c;
 * /proc/self/limits reads it too). */
void rlimit_get(int res, uint64_t lim[2]);
/* The call's name ("?" when none) and how many arguments it takes (for
 * goose.trace=syscalls), from the system call table (sys/syscalls.tbl). */
const char *syscall_name(unsigned long nr);
int syscall_nargs(unsigned long nr);

#endif
