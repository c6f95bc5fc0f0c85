/* SPDX-License-Identifier: MIT */
/*
 * /proc, in Linux's formats:
 *   /proc/<tid>/status, /proc/1/task/<tid>/status and /proc/self/status (the
 *     main thread's), made when a thread starts and removed when it ends
 *     (fs/proc/array.c): the name, state, ids, groups and thread count, what
 *     Go's tests and ps-like code read;
 *   /proc/self/pagemap: 8 bytes per virtual page, bit 63 present, bits 0-54
 *     the page frame number (fs/proc/task_mmu.c); how a driver learns the
 *     physical address of its DMA buffers;
 *   /proc/self/maps: the mappings, one line each (runtime/pprof reads it);
 *     none names a file;
 *   /proc/self/exe: a symbolic link to the program (procfs_exe);
 *   /proc/self/cmdline and /proc/self/environ: the words the program was
 *     started with, each ending in a NUL (fs/proc/base.c reads them from the
 *     program's stack; goose keeps the boot's copy: procfs_process);
 *   /proc/sys/fs/pipe-max-size: Linux's default, 1048576.
 * and what monitoring libraries (prometheus/procfs, gopsutil) read, each
 * made anew on every read from goose's own counters:
 *   /proc/self/stat, /proc/<tid>/stat, /proc/1/task/<tid>/stat: the 52
 *     fields of fs/proc/array.c's do_task_stat (times in USER_HZ ticks);
 *   /proc/self/statm: fs/proc/array.c's proc_pid_statm (task_statm, pages);
 *   /proc/self/limits: fs/proc/base.c's proc_pid_limits table;
 *   /proc/self/io: fs/proc/base.c's do_io_accounting;
 *   /proc/self/fd/<n> (symbolic links to what each descriptor is) and
 *     /proc/self/fdinfo/<n> (fs/proc/fd.c), directories made as they are
 *     read (struct dir_hooks), never kept;
 *   /proc/stat (fs/proc/stat.c), /proc/meminfo (fs/proc/meminfo.c),
 *     /proc/uptime (fs/proc/uptime.c), /proc/loadavg (fs/proc/loadavg.c),
 *     /proc/cpuinfo (arch/riscv/kernel/cpu.c's c_show, as in Linux 6.1).
 */
#include "fs/tmpfs.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "include/uapi/errno.h"
#include "include/uapi/mman.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/resource.h"
#include "kernel/clock.h"
#include "kernel/cred.h"
#include "kernel/syscall.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "lib/bootargs.h"
#include "mm/kmem.h"
#include "mm/vm.h"
#include "sbi/sbi.h"

/* ------------------------------------------------------- text files */

/* The text of one file, made whole on every read (the big lock is held,
 * so one buffer does for all). */
#define PROC_TEXT_MAX 16384
static char proc_text[PROC_TEXT_MAX];

/* A file's maker: its text for thread tid (0: the process). */
typedef void (*proc_show)(struct pbuf *pb, int tid);

static long proc_show_read(proc_show show, struct file *f, void *buf, size_t len, uint64_t *off)
{
	struct pbuf pb = { proc_text, 0, sizeof(proc_text) };

	show(&pb, (int)(uintptr_t)f->priv);
	if (*off >= pb.n)
		return 0;
	len = MIN(len, pb.n - *off);
	memcpy(buf, proc_text + *off, len);
	*off += len;
	return (long)len;
}

/* A file of a higher layer's (procfs_add_text): its maker in f->priv. */
static long text_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	size_t n = ((procfs_text_fn)f->priv)(proc_text, sizeof(proc_text));

	if (*off >= n)
		return 0;
	len = MIN(len, n - *off);
	memcpy(buf, proc_text + *off, len);
	*off += len;
	return (long)len;
}

static const struct file_ops text_ops = { .read = text_read, .seekable = true };

int procfs_add_text(const char *path, procfs_text_fn make)
{
	return vfs_add_device(path, &text_ops, 0444, 0, (void *)make);
}

#define PROC_FILE(name)                                                                                                \
	static long name##_read(struct file *f, void *buf, size_t len, uint64_t *off)                                  \
	{                                                                                                              \
		return proc_show_read(name##_show, f, buf, len, off);                                                  \
	}                                                                                                              \
	static const struct file_ops name##_ops = { .read = name##_read, .seekable = true }

/* Linux's USER_HZ (clock_t): 100 a second. */
#define USER_HZ 100

static uint64_t ticks_to_clock_t(uint64_t ticks)
{
	return ticks / clock_timebase() * USER_HZ + ticks % clock_timebase() * USER_HZ / clock_timebase();
}

/*
 * CPU time in `time` ticks: a thread's, or the process's (every thread
 * there has been, the running ones up to now). All of it is reported as
 * user time, goose's trap handling included: telling the two apart would
 * take two clock reads on every trap (about 15% of a system call under
 * QEMU, and far more on boards whose `time` CSR traps to the firmware).
 */
static uint64_t thread_cpu(const struct thread *t)
{
	return t->cpu_ticks + (t->state == T_RUNNING ? clock_ticks() - t->run_start : 0);
}

static uint64_t process_cpu(void)
{
	uint64_t now = clock_ticks(), cpu = sched_cpu_charged();

	for (const struct thread *t = thread_next(0); t; t = thread_next(t->tid + 1))
		if (t->state == T_RUNNING)
			cpu += now - t->run_start;
	return cpu;
}

/* The program's text (its first executable mapping, not the vDSO), and its
 * stack's mapping: [start, end), 0 when none. */
static void vm_parts(uint64_t *text_start, uint64_t *text_end, uint64_t *stack, uint64_t *data)
{
	const struct vma *v;

	*text_start = *text_end = *stack = *data = 0;
	vm_lock();
	for (int i = 0; (v = vm_vma_at(i)); i++) {
		uint64_t len = v->end - v->start;

		if ((v->prot & PROT_EXEC) && v->start < USER_VDSO - PAGE_SIZE && !*text_end) {
			*text_start = v->start;
			*text_end = v->end;
		}
		if (v->start < USER_STACK_TOP && v->end >= USER_STACK_TOP)
			*stack += len;
		else if ((v->prot & PROT_WRITE) && !(v->prot & (VM_SHARED | VM_DEVICE)))
			*data += len;	/* Linux's data_vm: private writable, not stack */
	}
	vm_unlock();
}

static const struct thread *proc_thread(int tid)
{
	return thread_by_tid(tid ? tid : GOOSE_PID);
}

/* The signals the process ignores and catches (sigset bits). */
static void sig_dispositions(uint64_t *ign, uint64_t *cgt)
{
	*ign = *cgt = 0;
	for (int sig = 1; sig <= NSIG; sig++) {
		if (sigactions[sig].handler == SIG_IGN)
			*ign |= SIGBIT(sig);
		else if (sigactions[sig].handler != SIG_DFL)
			*cgt |= SIGBIT(sig);
	}
}

/*
 * fs/proc/array.c's do_task_stat: 52 fields after "pid (comm)". tid 0:
 * the process (its threads' times summed); else that thread's own.
 */
static void stat_show(struct pbuf *pb, int tid)
{
	const struct thread *t = proc_thread(tid);
	struct vm_usage u;
	uint64_t cpu, ts, te, stack, data, ign, cgt, lim[2];

	if (!t)
		return;
	cpu = tid ? thread_cpu(t) : process_cpu();
	vm_usage(&u);
	vm_parts(&ts, &te, &stack, &data);
	sig_dispositions(&ign, &cgt);
	rlimit_get(5 /* RLIMIT_RSS */, lim);
	const struct thread *main = proc_thread(0);
	uint64_t minflt = tid ? t->minflt : sched_stats.minflt;

	/* pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
	 * majflt cmajflt utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime vsize rss rsslim */
	pp(pb, "%d (%s) %c 0 %d %d 0 -1 0 %lu 0 0 0 %lu 0 0 0 20 0 %d 0 %lu %lu %lu %lu", t->tid,
	   t->name[0] ? t->name : "goose", t->state == T_RUNNING || t->state == T_RUNNABLE ? 'R' : 'S', GOOSE_PID,
	   GOOSE_PID, minflt, ticks_to_clock_t(cpu), thread_count(),
	   ticks_to_clock_t((main ? main : t)->start_ticks), u.size, u.rss, lim[0]);
	/* startcode endcode startstack kstkesp kstkeip signal blocked sigignore
	 * sigcatch wchan nswap cnswap exit_signal processor rt_priority policy
	 * delayacct_blkio_ticks guest_time cguest_time start_data end_data
	 * start_brk arg_start arg_end env_start env_end exit_code */
	pp(pb, " %lu %lu %lu 0 0 %lu %lu %lu %lu %d 0 0 %d %d 0 0 0 0 0 0 0 0 0 0 0 0 0\n", ts, te,
	   stack ? (uint64_t)USER_STACK_TOP : 0, t->sigpending, t->sigmask, ign, cgt, t->state == T_BLOCKED,
	   t->tid == GOOSE_PID ? SIGCHLD : -1, t->frame.hart ? t->frame.hart->index : 0);
}
PROC_FILE(stat);

/* fs/proc/array.c's proc_pid_statm (task_statm): size resident shared
 * text lib data dt, in pages. */
static void statm_show(struct pbuf *pb, int tid)
{
	struct vm_usage u;
	uint64_t ts, te, stack, data;

	(void)tid;
	vm_usage(&u);
	vm_parts(&ts, &te, &stack, &data);
	pp(pb, "%lu %lu 0 %lu 0 %lu 0\n", u.size / PAGE_SIZE, u.rss, (te - ts) / PAGE_SIZE, (data + stack) / PAGE_SIZE);
}
PROC_FILE(statm);

/* A bitmap as Linux's "%*pb" prints it: 32-bit words in hex, highest first, comma-separated. */
static void cpu_mask(struct pbuf *pb, int n)
{
	uint64_t mask = n >= 64 ? ~0ull : (1ull << n) - 1;

	if (n > 32)
		pp(pb, "%0*lx,%08lx", (n - 32 + 3) / 4, mask >> 32, mask & 0xffffffffu);
	else
		pp(pb, "%0*lx", (n + 3) / 4, mask);
}

/* FDSize: the descriptor table's size as Linux grows it (64, then powers of 2). */
static int fd_table_size(void)
{
	int top = -1, size = 64;

	for (int fd = fd_next(0); fd >= 0; fd = fd_next(fd + 1))
		top = fd;
	while (top >= size)
		size *= 2;
	return size;
}

/* "VmPeak:\t%8lu kB\n", as fs/proc/task_mmu.c's task_mem (seq_put_decimal_ull_width 8). */
static void kb_line(struct pbuf *pb, const char *name, uint64_t kb)
{
	pp(pb, "%s:\t%8lu kB\n", name, kb);
}

/* fs/proc/array.c's proc_pid_status (with task_mem, task_sig, task_cap,
 * task_cpus_allowed, task_context_switch_counts), as Linux 6.1 prints it. */
static void status_show(struct pbuf *pb, int tid)
{
	const struct thread *t = proc_thread(tid);
	const uint32_t *groups;
	int ngroups = cred_groups(&groups);
	struct vm_usage u;
	uint64_t ts, te, stack, data, ign, cgt;
	const char *state = !t ? "" : t->state == T_RUNNING || t->state == T_RUNNABLE ? "R (running)" : "S (sleeping)";

	if (!t)
		return;
	vm_usage(&u);
	vm_parts(&ts, &te, &stack, &data);
	sig_dispositions(&ign, &cgt);
	pp(pb, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t0\nTracerPid:\t0\n"
	   "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t",
	   t->name[0] ? t->name : "goose", vfs_umask, state, GOOSE_PID, t->tid, t->uid[0], t->uid[1], t->uid[2],
	   t->uid[3], t->gid[0], t->gid[1], t->gid[2], t->gid[3], fd_table_size());
	for (int i = 0; i < ngroups; i++)
		pp(pb, "%u ", groups[i]);
	pp(pb, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", GOOSE_PID, t->tid, GOOSE_PID, GOOSE_PID);
	kb_line(pb, "VmPeak", u.size_peak / 1024);
	kb_line(pb, "VmSize", u.size / 1024);
	kb_line(pb, "VmLck", 0);
	kb_line(pb, "VmPin", 0);
	kb_line(pb, "VmHWM", u.rss_peak * (PAGE_SIZE / 1024));
	kb_line(pb, "VmRSS", u.rss * (PAGE_SIZE / 1024));
	kb_line(pb, "RssAnon", u.rss * (PAGE_SIZE / 1024));
	kb_line(pb, "RssFile", 0);
	kb_line(pb, "RssShmem", 0);
	kb_line(pb, "VmData", data / 1024);
	kb_line(pb, "VmStk", stack / 1024);
	kb_line(pb, "VmExe", (te - ts) / 1024);
	kb_line(pb, "VmLib", 0);
	kb_line(pb, "VmPTE", 0);
	kb_line(pb, "VmSwap", 0);
	kb_line(pb, "HugetlbPages", 0);
	bool root = t->uid[1] == 0;
	uint64_t caps = root ? (uint64_t)((1ull << 41) - 1) : 0;	/* CAP_LAST_CAP 40 */

	pp(pb, "CoreDumping:\t0\nTHP_enabled:\t0\nThreads:\t%d\nSigQ:\t%d/%lu\n", thread_count(),
	   __builtin_popcountll(t->sigpending), (uint64_t)MAX_THREADS);
	pp(pb, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n", t->sigpending,
	   0ul, t->sigmask, ign, cgt);
	pp(pb, "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\n", 0ul, caps, caps,
	   (uint64_t)((1ull << 41) - 1), 0ul);
	pp(pb, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\nSpeculation_Store_Bypass:\tunknown\n"
	       "SpeculationIndirectBranch:\tunknown\nCpus_allowed:\t");
	cpu_mask(pb, nharts);
	pp(pb, nharts > 1 ? "\nCpus_allowed_list:\t0-%d\n" : "\nCpus_allowed_list:\t%d\n", nharts - 1);
	pp(pb, "Mems_allowed:\t1\nMems_allowed_list:\t0\nvoluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
	   t->nvcsw, t->nivcsw);
}
PROC_FILE(status);

/* fs/proc/base.c's proc_pid_limits: lnames[] and its column widths. */
static void limits_show(struct pbuf *pb, int tid)
{
	static const struct {
		const char *name, *unit;
	} lnames[16] = {
		{ "Max cpu time", "seconds" },	  { "Max file size", "bytes" },	   { "Max data size", "bytes" },
		{ "Max stack size", "bytes" },	  { "Max core file size", "bytes" }, { "Max resident set", "bytes" },
		{ "Max processes", "processes" }, { "Max open files", "files" },	   { "Max locked memory", "bytes" },
		{ "Max address space", "bytes" }, { "Max file locks", "locks" },	   { "Max pending signals", "signals" },
		{ "Max msgqueue size", "bytes" }, { "Max nice priority", NULL },	   { "Max realtime priority", NULL },
		{ "Max realtime timeout", "us" },
	};

	(void)tid;
	pp(pb, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < 16; i++) {
		uint64_t lim[2];

		rlimit_get(i, lim);
		if (lim[0] == RLIM_INFINITY)
			pp(pb, "%-25s %-20s ", lnames[i].name, "unlimited");
		else
			pp(pb, "%-25s %-20lu ", lnames[i].name, lim[0]);
		if (lim[1] == RLIM_INFINITY)
			pp(pb, "%-20s ", "unlimited");
		else
			pp(pb, "%-20lu ", lim[1]);
		if (lnames[i].unit)
			pp(pb, "%-10s\n", lnames[i].unit);
		else
			pp(pb, "\n");
	}
}
PROC_FILE(limits);

/* fs/proc/base.c's do_io_accounting. tmpfs has no block device: nothing
 * is read from or written to storage. */
static void io_show(struct pbuf *pb, int tid)
{
	(void)tid;
	pp(pb, "rchar: %lu\nwchar: %lu\nsyscr: %lu\nsyscw: %lu\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n",
	   io_acct.rchar, io_acct.wchar, io_acct.syscr, io_acct.syscw);
}
PROC_FILE(io);

/* A hart's time (`time` ticks) up to now: running threads (user time, as
 * thread_cpu says), idle in wfi. */
static void hart_times(const struct hart *h, uint64_t now, uint64_t *user, uint64_t *idle)
{
	const struct thread *t = h->current;

	*user = h->busy_ticks + (t && now > t->run_start ? now - t->run_start : 0);
	*idle = h->idle_ticks + (h->idle_since && now > h->idle_since ? now - h->idle_since : 0);
}

static void cpu_line(struct pbuf *pb, const char *name, uint64_t user, uint64_t idle)
{
	/* user nice system idle iowait irq softirq steal guest guest_nice */
	pp(pb, "%s %lu 0 0 %lu 0 0 0 0 0 0\n", name, ticks_to_clock_t(user), ticks_to_clock_t(idle));
}

/* fs/proc/stat.c's show_stat ("cpu " then two spaces before the first figure). */
static void pstat_show(struct pbuf *pb, int tid)
{
	uint64_t now = clock_ticks(), tu = 0, ti = 0, u[MAX_HARTS] = { 0 }, i[MAX_HARTS] = { 0 };

	(void)tid;
	for (int k = 0; k < nharts; k++) {
		hart_times(&harts[k], now, &u[k], &i[k]);
		tu += u[k], ti += i[k];
	}
	cpu_line(pb, "cpu ", tu, ti);
	for (int k = 0; k < nharts; k++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu%d", k);
		cpu_line(pb, name, u[k], i[k]);
	}
	uint64_t btime = (clock_realtime_ns() - clock_monotonic_ns()) / NSEC_PER_SEC;

	pp(pb, "intr 0\nctxt %lu\nbtime %lu\nprocesses %lu\nprocs_running %d\nprocs_blocked 0\n"
	       "softirq 0 0 0 0 0 0 0 0 0 0 0\n",
	   sched_stats.ctxt, btime, sched_stats.threads_made, sched_nr_running());
}
PROC_FILE(pstat);

/* fs/proc/meminfo.c's show_val_kb: the name padded to 16, the figure to 8. */
static void mem_line(struct pbuf *pb, const char *name, uint64_t kb)
{
	char label[32];

	snprintf(label, sizeof(label), "%s:", name);
	pp(pb, "%-16s%8lu kB\n", label, kb);
}

/*
 * fs/proc/meminfo.c's meminfo_proc_show, in its order. MemTotal is the RAM
 * goose manages (the -m given less the firmware, goose's image, the FDT
 * and initrd); MemFree its free pages. Nothing is swapped or reclaimable:
 * MemAvailable is MemFree; the program's pages are anonymous.
 */
static void meminfo_show(struct pbuf *pb, int tid)
{
	uint64_t kb = PAGE_SIZE / 1024, total = pmem.total_pages * kb, free = pmem.free_pages * kb;
	uint64_t rss = vm_resident_pages() * kb, slab = ALIGN_UP((uint64_t)kmem_used(), 1024) / 1024;

	(void)tid;
	mem_line(pb, "MemTotal", total);
	mem_line(pb, "MemFree", free);
	mem_line(pb, "MemAvailable", free);
	mem_line(pb, "Buffers", 0);
	mem_line(pb, "Cached", 0);
	mem_line(pb, "SwapCached", 0);
	mem_line(pb, "Active", rss);
	mem_line(pb, "Inactive", 0);
	mem_line(pb, "Active(anon)", rss);
	mem_line(pb, "Inactive(anon)", 0);
	mem_line(pb, "Active(file)", 0);
	mem_line(pb, "Inactive(file)", 0);
	mem_line(pb, "Unevictable", 0);
	mem_line(pb, "Mlocked", 0);
	mem_line(pb, "SwapTotal", 0);
	mem_line(pb, "SwapFree", 0);
	mem_line(pb, "Dirty", 0);
	mem_line(pb, "Writeback", 0);
	mem_line(pb, "AnonPages", rss);
	mem_line(pb, "Mapped", 0);
	mem_line(pb, "Shmem", 0);
	mem_line(pb, "KReclaimable", 0);
	mem_line(pb, "Slab", slab);
	mem_line(pb, "SReclaimable", 0);
	mem_line(pb, "SUnreclaim", slab);
	mem_line(pb, "KernelStack", 0);
	mem_line(pb, "PageTables", 0);
	mem_line(pb, "NFS_Unstable", 0);
	mem_line(pb, "Bounce", 0);
	mem_line(pb, "WritebackTmp", 0);
	mem_line(pb, "CommitLimit", total);
	mem_line(pb, "Committed_AS", vm_committed_pages() * kb);
	mem_line(pb, "VmallocTotal", 0);
	mem_line(pb, "VmallocUsed", 0);
	mem_line(pb, "VmallocChunk", 0);
	mem_line(pb, "Percpu", 0);
}
PROC_FILE(meminfo);

/* fs/proc/uptime.c: seconds since boot, and the harts' idle time summed. */
static void uptime_show(struct pbuf *pb, int tid)
{
	uint64_t now = clock_ticks(), idle = 0, hz = clock_timebase(), up = clock_monotonic_ns();

	(void)tid;
	for (int k = 0; k < nharts; k++) {
		uint64_t u, i;

		hart_times(&harts[k], now, &u, &i);
		idle += i;
	}
	pp(pb, "%lu.%02lu %lu.%02lu\n", (uint64_t)(up / NSEC_PER_SEC), (uint64_t)(up % NSEC_PER_SEC / 10000000), idle / hz,
	   idle % hz * 100 / hz);
}
PROC_FILE(uptime);

/* fs/proc/loadavg.c: LOAD_INT and LOAD_FRAC of each average + FIXED_1/200. */
static void loadavg_show(struct pbuf *pb, int tid)
{
	uint64_t avg[3];

	(void)tid;
	sched_loadavg(avg);
	for (int i = 0; i < 3; i++) {
		uint64_t a = avg[i] + (1ull << LOAD_FSHIFT) / 200;

		pp(pb, "%lu.%02lu ", a >> LOAD_FSHIFT, (uint64_t)(((a & ((1ull << LOAD_FSHIFT) - 1)) * 100) >> LOAD_FSHIFT));
	}
	pp(pb, "%d/%d %d\n", sched_nr_running(), thread_count(), sched_last_tid());
}
PROC_FILE(loadavg);

static char cpu_isa[64] = "rv64imafdc";

void procfs_set_isa(const char *isa)
{
	snprintf(cpu_isa, sizeof(cpu_isa), "%s", isa);
}

/* arch/riscv/kernel/cpu.c's c_show (Linux 6.1): goose maps with Sv39; the
 * ids are what SBI's BASE extension (functions 4-6) tells S-mode. */
static void cpuinfo_show(struct pbuf *pb, int tid)
{
	static uint64_t ids[3];
	static bool have_ids;

	(void)tid;
	if (!have_ids) {
		for (int i = 0; i < 3; i++)
			ids[i] = (uint64_t)sbi_ecall(SBI_EXT_BASE, 4 + (unsigned long)i, 0, 0, 0, 0, 0, 0).value;
		have_ids = true;
	}
	for (int k = 0; k < nharts; k++)
		pp(pb, "processor\t: %d\nhart\t\t: %lu\nisa\t\t: %s\nmmu\t\t: sv39\nmvendorid\t: 0x%lx\n"
		       "marchid\t\t: 0x%lx\nmimpid\t\t: 0x%lx\n\n",
		   k, harts[k].hartid, cpu_isa, ids[0], ids[1], ids[2]);
}
PROC_FILE(cpuinfo);

/* ------------------------------------------------ /proc/self/fd, fdinfo */

/* The inodes the two directories' names stand for, made on first lookup
 * and kept (one per descriptor number, brought up to date on each). */
static struct inode **fd_links, **fd_infos;
static struct inode *fd_dir, *fdinfo_dir;

static int fd_name(const char *name, size_t len)
{
	int fd = 0;

	if (!len || len > 5 || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		fd = fd * 10 + (name[i] - '0');
	}
	return fd < MAX_FDS && fd_get(fd) ? fd : -1;
}

/* What readlink of /proc/self/fd/<n> gives (fs/proc/fd.c, and the d_dname
 * of pipes, sockets and anonymous inodes). */
static void fd_target(struct file *f, char *buf, size_t size)
{
	struct kstat st;

	memset(&st, 0, sizeof(st));
	if (f->path) {
		snprintf(buf, size, "%s", f->path);
		return;
	}
	file_stat(f, &st);
	switch (st.st_mode & S_IFMT) {
	case S_IFIFO:
		snprintf(buf, size, "pipe:[%lu]", (uint64_t)st.st_ino);
		return;
	case S_IFSOCK:
		snprintf(buf, size, "socket:[%lu]", (uint64_t)st.st_ino);
		return;
	default:
		snprintf(buf, size, "anon_inode:[%s]", file_is_epoll(f) ? "eventpoll" : "eventfd");
	}
}

/* The inode slot[fd] (made when missing): NULL when out of memory. */
static struct inode *fd_inode(struct inode ***slots, int fd, uint32_t mode)
{
	if (!*slots && !(*slots = kzalloc(MAX_FDS * sizeof(struct inode *))))
		return NULL;
	struct inode *in = (*slots)[fd];

	if (!in) {
		in = inode_new(mode);
		if (!in)
			return NULL;
		in->nlink = 1;	/* named by the directory: never freed */
		(*slots)[fd] = in;
	}
	return in;
}

/* Each lookup sets the node to what the descriptor is now: the link's
 * target and its mode (lr-x, l-wx or lrwx as opened), or fdinfo's text. */
static struct inode *fd_lookup(struct inode *dir, const char *name, size_t len)
{
	int fd = fd_name(name, len);
	bool info = dir == fdinfo_dir;
	struct inode *in;
	char text[VFS_PATH_MAX];

	if (fd < 0 || !(in = fd_inode(info ? &fd_infos : &fd_links, fd, info ? S_IFREG | 0444 : S_IFLNK | 0700)))
		return NULL;
	struct file *f = fd_get(fd);
	uint32_t acc = f->flags & O_ACCMODE;

	if (info) {
		struct kstat st;

		memset(&st, 0, sizeof(st));
		file_stat(f, &st);
		/* fs/proc/fd.c's seq_show: O_CLOEXEC joins the flags shown. */
		snprintf(text, sizeof(text), "pos:\t%lu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", f->off,
			 f->flags | (fd_cloexec(fd) ? O_CLOEXEC : 0), 1, (uint64_t)st.st_ino);
	} else {
		fd_target(f, text, sizeof(text));
		in->mode = S_IFLNK | (acc == O_RDONLY ? 0500 : acc == O_WRONLY ? 0300 : 0700);
	}
	size_t n = strlen(text);
	char *copy = kzalloc(n + 1);

	if (!copy)
		return NULL;
	memcpy(copy, text, n + 1);
	if (info) {
		kfree((void *)in->static_data);
		in->static_data = (const uint8_t *)copy;
	} else {
		kfree(in->target);
		in->target = copy;
	}
	in->size = n;
	return in;
}

static struct inode *fd_next_entry(struct inode *dir, uint64_t *index, char name[32])
{
	int fd = *index < MAX_FDS ? fd_next((int)*index) : -1;
	size_t len;

	if (fd < 0)
		return NULL;
	*index = (uint64_t)fd;
	len = (size_t)snprintf(name, 32, "%d", fd);
	return fd_lookup(dir, name, len);
}

static const struct dir_hooks fd_hooks = {
	.lookup = fd_lookup,
	.next = fd_next_entry,
};

/* ------------------------------------------------------------ threads */

static void thread_paths(int tid, const char *file, char paths[2][48])
{
	snprintf(paths[0], 48, "/proc/%d/%s", tid, file);
	snprintf(paths[1], 48, "/proc/%d/task/%d/%s", GOOSE_PID, tid, file);
}

/* /proc/<tid>/x is the process's for the main thread (pid 1), the
 * thread's own otherwise; /proc/1/task/<tid>/x always the thread's. */
void proc_thread_add(int tid)
{
	static const struct {
		const char *name;
		const struct file_ops *ops;
	} files[] = { { "status", &status_ops }, { "stat", &stat_ops } };

	for (size_t k = 0; k < ARRAY_SIZE(files); k++) {
		char paths[2][48];

		thread_paths(tid, files[k].name, paths);
		/* Out of memory, the files are missing; the thread runs all the same. */
		for (int i = 0; i < 2; i++)
			(void)vfs_add_device(paths[i], files[k].ops, 0444, 0,
					     (void *)(uintptr_t)(i == 0 && tid == GOOSE_PID ? 0 : tid));
	}
}

void proc_thread_remove(int tid)
{
	char paths[2][48];

	thread_paths(tid, "stat", paths);
	for (int i = 0; i < 2; i++)
		vfs_remove(paths[i]);
	thread_paths(tid, "status", paths);
	for (int i = 0; i < 2; i++) {
		char *slash;

		vfs_remove(paths[i]);
		slash = paths[i] + strlen(paths[i]) - strlen("/status");
		*slash = '\0';
		vfs_remove(paths[i]);	/* the directory, now empty */
	}
}

#define PM_PRESENT (1ull << 63)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN_MASK ((1ull << 55) - 1)

/* Linux reads pagemap 8 bytes at a time from an 8-aligned offset. */
static long pagemap_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	uint64_t *out = buf;
	size_t n = len / 8;

	(void)f;
	if ((*off & 7) || (len & 7))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t va = (*off / 8 + i) * PAGE_SIZE;
		uint64_t pa = va < USER_TOP ? vm_phys(va) : 0;

		out[i] = pa ? PM_PRESENT | PM_EXCLUSIVE | ((pa >> PAGE_SHIFT) & PM_PFN_MASK) : 0;
	}
	*off += n * 8;
	return (long)(n * 8);
}

static const struct file_ops pagemap_ops = {
	.read = pagemap_read,
	.seekable = true,
};

/* The lines are made as they are read: the bytes of [*off, *off + len). */
static long maps_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	uint64_t pos = 0, done = 0;
	const struct vma *v;

	(void)f;
	vm_lock();
	for (int i = 0; (v = vm_vma_at(i)) && done < len; i++) {
		char line[128];
		const char *name = v->start == USER_VDSO - PAGE_SIZE ? "[vvar]" : v->start == USER_VDSO ? "[vdso]" : "";
		int n = snprintf(line, sizeof(line), "%08lx-%08lx %c%c%c%c 00000000 00:00 0%s%s\n", v->start, v->end,
				 v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
				 v->prot & PROT_EXEC ? 'x' : '-', v->prot & (VM_DEVICE | VM_SHARED) ? 's' : 'p', *name ? "    " : " ",
				 name);

		if (pos + (uint64_t)n > *off) {
			uint64_t from = *off > pos ? *off - pos : 0, k = MIN((uint64_t)n - from, len - done);

			memcpy((char *)buf + done, line + from, k);
			done += k;
		}
		pos += (uint64_t)n;
	}
	vm_unlock();
	*off += done;
	return (long)done;
}

static const struct file_ops maps_ops = {
	.read = maps_read,
	.seekable = true,
};

void procfs_init(void)
{
	static const char pipe_max[] = "1048576\n";
	static const struct {
		const char *path;
		const struct file_ops *ops;
		uint32_t mode;
	} files[] = {
		{ "/proc/1/pagemap", &pagemap_ops, 0400 }, { "/proc/1/maps", &maps_ops, 0444 },
		{ "/proc/1/statm", &statm_ops, 0444 },     { "/proc/1/limits", &limits_ops, 0444 },
		{ "/proc/1/io", &io_ops, 0400 },	   { "/proc/stat", &pstat_ops, 0444 },
		{ "/proc/meminfo", &meminfo_ops, 0444 },      { "/proc/uptime", &uptime_ops, 0444 },
		{ "/proc/loadavg", &loadavg_ops, 0444 },      { "/proc/cpuinfo", &cpuinfo_ops, 0444 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (vfs_add_device(files[i].path, files[i].ops, files[i].mode, 0, NULL))
			panic("procfs_init: no memory for /proc");
	fd_dir = mkdirs("/proc/1/fd");
	fdinfo_dir = mkdirs("/proc/1/fdinfo");
	/* As on Linux, /proc/self names the process's directory, /proc/1
	 * (its status and stat come with the main thread: proc_thread_add),
	 * and /proc/net is self/net. */
	if (!fd_dir || !fdinfo_dir || vfs_add_static("/proc/sys/fs/pipe-max-size", pipe_max, sizeof(pipe_max) - 1, 0444) ||
	    vfs_add_symlink("/proc/self", "1", 1) || vfs_add_symlink("/proc/net", "self/net", 8))
		panic("procfs_init: no memory for /proc");
	fd_dir->mode = fdinfo_dir->mode = S_IFDIR | 0500;
	fd_dir->hooks = fdinfo_dir->hooks = &fd_hooks;
}

/* w, with its NUL, at buf + *len if it fits in size: false when it does not. */
static bool nul_word(char *buf, size_t size, size_t *len, const char *w)
{
	size_t k = strlen(w) + 1;

	if (*len + k > size)
		return false;
	memcpy(buf + *len, w, k);
	*len += k;
	return true;
}

/* first (when not NULL) and words, each with its NUL, into buf: their
 * length (what does not fit is left out). */
static size_t nul_words(char *buf, size_t size, const char *first, const char *const *words, int n)
{
	size_t len = 0;

	if (first && !nul_word(buf, size, &len, first))
		return 0;
	for (int i = 0; i < n && nul_word(buf, size, &len, words[i]); i++)
		;
	return len;
}

int procfs_process(const char *argv0, const struct bootargs *ba)
{
	static char cmdline[BOOTARGS_MAX_LEN + 256], environ[BOOTARGS_MAX_LEN];
	size_t nc = nul_words(cmdline, sizeof(cmdline), argv0, ba->args, ba->nargs);
	size_t ne = nul_words(environ, sizeof(environ), NULL, ba->env, ba->nenv);

	return vfs_add_static("/proc/1/cmdline", cmdline, nc, 0444) ||
	       vfs_add_static("/proc/1/environ", environ, ne, 0400);
}

int procfs_exe(const char *path)
{
	return vfs_add_symlink("/proc/1/exe", path, strlen(path));
}
