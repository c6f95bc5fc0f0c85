/* SPDX-License-Identifier: MIT */
/*
 * What the host tests of fs/ and net/ put under them: the few things those
 * layers ask of the kernel and the devices (host_kernel.c stands in for
 * them), the real memory manager (mm/) over a malloc'd arena, and a "user"
 * range mapped in it for the copies to and from the program.
 */
#ifndef GOOSE_HOST_KERNEL_H
#define GOOSE_HOST_KERNEL_H

#include <stdint.h>

#include "fs/vfs.h"
#include "kernel/thread.h"

/* The program's memory for the tests: HOST_USER .. + HOST_USER_SIZE, read-write. */
#define HOST_USER 0x100000000ull
#define HOST_USER_SIZE (64ull << 10)

/* Set everything up, once: the arena, the page tables, the file tree. */
void host_setup(void);
/* A pointer to the test program's byte at user address va (faulted in). */
uint8_t *host_user(uint64_t va);
/* The thread the calls run as (tid 1), and a second one (tid 2). */
extern struct thread *host_thread, *host_thread2;

/* What the stand-ins saw: waits asked for (syscall_wait), poller wake-ups,
 * threads made to run their call again (sched_rerun; sched_block marks a
 * thread blocked), the console. */
extern int host_waits, host_wakeups, host_reruns;
extern char host_console_out[4096];
extern size_t host_console_len;
/* Bytes the console will read, then end (console_getc returns -1). */
void host_console_feed(const char *s);
/* The last "goose: " message. */
extern char host_last_msg[256];
/* What makes the /proc file at path a higher layer added (procfs_add_text), or NULL. */
procfs_text_fn host_procfs(const char *path);

#endif
