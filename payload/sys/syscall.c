/* SPDX-License-Identifier: MIT */
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "dev/random.h"
#include "fs/file.h"
#include "include/uapi/errno.h"
#include "include/uapi/fcntl.h"
#include "include/uapi/hwprobe.h"
#include "include/uapi/mman.h"
#include "include/uapi/prctl.h"
#include "include/uapi/random.h"
#include "include/uapi/resource.h"
#include "include/uapi/wait.h"
#include "kernel/loader.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "kernel/trace.h"
#include "kernel/vector.h"
#include "lib/fdt.h"
#include "mm/vm.h"
#include "sbi/sbi.h"
#include "sys/sys.h"

/* Every number's name and handler (NULL: ENOSYS), from syscalls.tbl. */
struct syscall_entry {
	const char *name;
	syscall_fn fn;
	int nargs;
};

static const struct syscall_entry syscall_table[SYSCALL_MAX] = { SYSCALL_TABLE };

/* goose's own calls, numbered above Linux's (sys_goose.c). */
static const struct {
	uint64_t nr;
	struct syscall_entry e;
} goose_calls[] = { SYSCALL_GOOSE_TABLE };

static const struct syscall_entry *syscall_entry(uint64_t nr)
{
	if (nr < SYSCALL_MAX)
		return syscall_table[nr].name ? &syscall_table[nr] : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(goose_calls); i++)
		if (goose_calls[i].nr == nr)
			return &goose_calls[i].e;
	return NULL;
}

const char *syscall_name(unsigned long nr)
{
	const struct syscall_entry *e = syscall_entry(nr);

	return e ? e->name : "?";
}

int syscall_nargs(unsigned long nr)
{
	const struct syscall_entry *e = syscall_entry(nr);

	return e && e->fn ? e->nargs : 6;
}

static void syscall_enosys(uint64_t nr)
{
	static uint64_t logged[SYSCALL_MAX / 64];

	if (nr < SYSCALL_MAX) {
		if (logged[nr / 64] & (1ull << (nr % 64)))
			return;
		logged[nr / 64] |= 1ull << (nr % 64);
	}
	if (syscall_entry(nr))
		gmsg("unimplemented syscall %lu (%s): ENOSYS", nr, syscall_name(nr));
	else
		gmsg("unimplemented syscall %lu (no such call on linux/riscv64): ENOSYS", nr);
}

void syscall_handle(struct thread *t)
{
	uint64_t nr = t->frame.a7;
	const struct syscall_entry *e = syscall_entry(nr);
	long r;

	t->orig_a0 = t->frame.a0;
	t->restartable = false;
	if (trace_mask & TRACE_SYSCALLS)
		trace_syscall_enter(t);
	if (e && e->fn) {
		r = e->fn(t, frame_args(&t->frame));
	} else {
		if (trace_mask & TRACE_ENOSYS)
			syscall_enosys(nr);
		r = -ENOSYS;
	}
	if (r != SYSRET_BLOCKED) {
		t->restarting = false;
		if (r != SYSRET_NOREPLY)
			t->frame.a0 = (uint64_t)r;
	}
	trace_syscall(t, r);
}

/* mmap and munmap reach no program memory: shootdowns pass the hart by
 * meanwhile, as a fault's (kernel/trap.c). */
static bool lockless_mm(struct thread *t)
{
	struct hart *h = t->frame.hart;

	smp_tlb_brief(h);
	bool done = t->frame.a7 == SYS_mmap ? sys_mmap_lockless(t) : sys_munmap_lockless(t);

	smp_tlb_active(h);
	return done;
}

bool syscall_lockless(struct thread *t)
{
	bool (*fn)(struct thread *t) = NULL;	/* NULL: syscall_handle's, it reads only constants or the thread's own */

	switch (t->frame.a7) {
	case SYS_getpid:
	case SYS_getppid:
	case SYS_gettid:
	case SYS_getuid:
	case SYS_geteuid:
	case SYS_getgid:
	case SYS_getegid:
		break;
	case SYS_mmap:
	case SYS_munmap:
		fn = lockless_mm;
		break;
	/* Only some of these (the usual way does the rest). */
	case SYS_nanosleep:
		fn = sys_nanosleep_spin;
		break;
	case SYS_futex:
		fn = sys_futex_lockless;
		break;
	case SYS_sched_yield:
		fn = sys_sched_yield_lockless;
		break;
	default:
		return false;
	}
	/* A trace line takes the console and counts: the usual way. */
	if (trace_mask || !loader_is_syscall_site(t->frame.pc))
		return false;
	if (!fn)
		syscall_handle(t);
	else if (!fn(t))
		return false;
	t->frame.pc += 4;
	return true;
}

/* One process, run as root: uid and gid 0, pid 1, parent 0. */
#define ID_CALL(name, value)            \
	SYSCALL(name)                   \
	{                               \
		(void)t;                \
		(void)a;                \
		return value;           \
	}
ID_CALL(getppid, 0)
ID_CALL(getpid, GOOSE_PID)

SYSCALL(gettid)
{
	(void)a;
	return t->tid;
}

/* struct new_utsname (include/uapi/linux/utsname.h): six 65-byte strings. */
SYSCALL(uname)
{
	(void)t;
	char u[6][65];

	memset(u, 0, sizeof(u));
	memcpy(u[0], "Linux", 6);
	memcpy(u[1], "goose", 6);
	memcpy(u[2], "6.1.0-goose", 12);
	memcpy(u[3], "#1 goose", 9);
	memcpy(u[4], "riscv64", 8);
	return copy_to_user(a[0], u, sizeof(u));
}

/* struct rlimit64 { u64 cur, max } (include/uapi/linux/resource.h). */
void rlimit_get(int res, uint64_t lim[2])
{
	lim[0] = lim[1] = RLIM_INFINITY;
	if (res == RLIMIT_STACK)
		lim[0] = USER_STACK_SIZE;
	if (res == RLIMIT_NOFILE) {
		lim[0] = fd_limit;
		lim[1] = MAX_FDS;
	}
}

/* Only RLIMIT_NOFILE changes anything; other limits accept any value. */
static long rlimit_set(uint64_t res, uint64_t ulim)
{
	uint64_t want[2];

	if (copy_from_user(want, ulim, sizeof(want)))
		return -EFAULT;
	if (want[0] > want[1])
		return -EINVAL;
	if (res == RLIMIT_NOFILE) {
		if (want[1] > MAX_FDS && want[1] != RLIM_INFINITY)
			return -EPERM;
		fd_limit = MIN(want[0], (uint64_t)MAX_FDS);
	}
	return 0;
}

SYSCALL(getrlimit)
{
	(void)t;
	uint64_t lim[2];

	if (a[0] >= 16)
		return -EINVAL;
	rlimit_get((int)a[0], lim);
	return copy_to_user(a[1], lim, sizeof(lim));
}

SYSCALL(setrlimit)
{
	(void)t;
	if (a[0] >= 16)
		return -EINVAL;
	return rlimit_set(a[0], a[1]);
}

SYSCALL(prlimit64)
{
	uint64_t lim[2];

	(void)t;
	if (a[0] != 0 && a[0] != GOOSE_PID)
		return -ESRCH;
	if (a[1] >= 16)
		return -EINVAL;
	rlimit_get((int)a[1], lim);
	if (a[2]) {
		long r = rlimit_set(a[1], a[2]);

		if (r)
			return r;
	}
	if (a[3] && copy_to_user(a[3], lim, sizeof(lim)))
		return -EFAULT;
	return 0;
}

/*
 * riscv_hwprobe (arch/riscv/include/uapi/asm/hwprobe.h): struct
 * riscv_hwprobe { s64 key; u64 value; } pairs, answered for the boot hart
 * (all harts of the boards goose knows are alike). V and the vector
 * sub-extensions the FDT names are reported while goose offers V
 * (kernel/vector.h; goose.vector=0 hides them), and V brings Zve32x,
 * Zve32f, Zve64x, Zve64f and Zve64d with it, as on Linux.
 */
static struct {
	uint64_t hwcap;	/* single letters, bit (c - 'a') */
	uint32_t ext;	/* FDT_EXT_* */
} cpu;

void syscall_set_cpu(uint64_t hwcap, uint32_t ext)
{
	cpu.hwcap = hwcap;
	cpu.ext = ext;
}

static bool has_letter(char c)
{
	return cpu.hwcap & (1ull << (c - 'a'));
}

static bool hwprobe_value(int64_t key, uint64_t *v)
{
	static const struct {
		uint32_t fdt;
		uint64_t probe;
	} exts[] = {
		{ FDT_EXT_ZBA, HWPROBE_EXT_ZBA }, { FDT_EXT_ZBB, HWPROBE_EXT_ZBB }, { FDT_EXT_ZBS, HWPROBE_EXT_ZBS },
		{ FDT_EXT_ZICBOZ, HWPROBE_EXT_ZICBOZ }, { FDT_EXT_ZBC, HWPROBE_EXT_ZBC },
	}, vexts[] = {
		{ FDT_EXT_ZVE32X, HWPROBE_EXT_ZVE32X }, { FDT_EXT_ZVE32F, HWPROBE_EXT_ZVE32F },
		{ FDT_EXT_ZVE64X, HWPROBE_EXT_ZVE64X }, { FDT_EXT_ZVE64F, HWPROBE_EXT_ZVE64F },
		{ FDT_EXT_ZVE64D, HWPROBE_EXT_ZVE64D }, { FDT_EXT_ZVBB, HWPROBE_EXT_ZVBB },
		{ FDT_EXT_ZVBC, HWPROBE_EXT_ZVBC },	{ FDT_EXT_ZVKB, HWPROBE_EXT_ZVKB },
		{ FDT_EXT_ZVKG, HWPROBE_EXT_ZVKG },	{ FDT_EXT_ZVKNED, HWPROBE_EXT_ZVKNED },
		{ FDT_EXT_ZVKNHA, HWPROBE_EXT_ZVKNHA }, { FDT_EXT_ZVKNHB, HWPROBE_EXT_ZVKNHB },
		{ FDT_EXT_ZVKSED, HWPROBE_EXT_ZVKSED }, { FDT_EXT_ZVKSH, HWPROBE_EXT_ZVKSH },
		{ FDT_EXT_ZVKT, HWPROBE_EXT_ZVKT },	{ FDT_EXT_ZVFH, HWPROBE_EXT_ZVFH },
		{ FDT_EXT_ZVFHMIN, HWPROBE_EXT_ZVFHMIN },
	};

	switch (key) {
	case HWPROBE_KEY_MVENDORID:
	case HWPROBE_KEY_MARCHID:
	case HWPROBE_KEY_MIMPID:
		/* SBI BASE functions 4-6 read them for S-mode. */
		*v = (uint64_t)sbi_ecall(SBI_EXT_BASE, 4 + (unsigned long)key, 0, 0, 0, 0, 0, 0).value;
		return true;
	case HWPROBE_KEY_BASE_BEHAVIOR:
		*v = has_letter('i') && has_letter('m') && has_letter('a') ? HWPROBE_BASE_BEHAVIOR_IMA : 0;
		return true;
	case HWPROBE_KEY_IMA_EXT_0:
		*v = (has_letter('f') && has_letter('d') ? HWPROBE_IMA_FD : 0) | (has_letter('c') ? HWPROBE_IMA_C : 0);
		for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
			if (cpu.ext & exts[i].fdt)
				*v |= exts[i].probe;
		if (vector_vlenb_bytes()) {
			*v |= HWPROBE_IMA_V | HWPROBE_EXT_ZVE32X | HWPROBE_EXT_ZVE32F | HWPROBE_EXT_ZVE64X |
			      HWPROBE_EXT_ZVE64F | HWPROBE_EXT_ZVE64D;
			for (size_t i = 0; i < ARRAY_SIZE(vexts); i++)
				if (cpu.ext & vexts[i].fdt)
					*v |= vexts[i].probe;
		}
		return true;
	case HWPROBE_KEY_CPUPERF_0:
		*v = 0; /* misaligned access speed unknown */
		return true;
	case HWPROBE_KEY_ZICBOZ_BLOCK_SIZE:
		*v = (cpu.ext & FDT_EXT_ZICBOZ) ? 64 : 0;
		return true;
	default:
		return false;
	}
}

/*
 * As hwprobe_get_values (arch/riscv/kernel/sys_hwprobe.c): no flags (goose
 * has no RISCV_HWPROBE_WHICH_CPUS), a cpu set (none and size 0: all) that
 * names an online hart, then each pair in turn, read and written back,
 * until the first that faults. Any number of pairs.
 */
SYSCALL(riscv_hwprobe)
{
	uint64_t online = nharts >= 64 ? UINT64_MAX : (1ull << nharts) - 1, cpus = 0;

	(void)t;
	if (a[4])
		return -EINVAL;
	if (a[2] || a[3]) {
		if (copy_from_user(&cpus, a[3], MIN(a[2], sizeof(cpus))))
			return -EFAULT;
		if (!(cpus & online))
			return -EINVAL;
	}
	for (uint64_t i = 0; i < a[1]; i++) {
		int64_t pair[2];

		if (copy_from_user(pair, a[0] + i * 16, sizeof(pair)))
			return -EFAULT;
		uint64_t v = 0;

		if (!hwprobe_value(pair[0], &v))
			pair[0] = -1;
		pair[1] = (int64_t)v;
		if (copy_to_user(a[0] + i * 16, pair, sizeof(pair)))
			return -EFAULT;
	}
	return 0;
}

/* prctl (include/uapi/linux/prctl.h): thread names, the keep-capabilities
 * flag, the vector control word (kernel/vector.h; EINVAL without V, as
 * Linux); the rest as a kernel without those features answers. */
SYSCALL(prctl)
{
	char name[16];

	switch (a[0]) {
	case PR_SET_NAME:
		memset(name, 0, sizeof(name));
		if (strncpy_from_user(name, a[1], sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = '\0';
		memcpy(t->name, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user(a[1], t->name, sizeof(t->name));
	case PR_GET_KEEPCAPS:
		return t->keepcaps;
	case PR_SET_KEEPCAPS:
		if (a[1] > 1)
			return -EINVAL;
		t->keepcaps = a[1];
		return 0;
	case PR_RISCV_V_GET_CONTROL:
		return vector_get_control(t);
	case PR_RISCV_V_SET_CONTROL:
		return vector_set_control(t, a[1]);
	case PR_SET_VMA:
		/* Naming anonymous memory (Go 1.25+ does, and ignores the answer):
		 * Linux without CONFIG_ANON_VMA_NAME says EINVAL. */
	default:
		return -EINVAL;
	}
}

/*
 * One process, pid 1, alone in its session and process group, run as root
 * with every capability. It has no children: it cannot start any.
 */
#define INT32_MIN_ (-0x7fffffff - 1)

/* kernel_wait4 (kernel/exit.c): the options, then pid INT_MIN (whose
 * negation is undefined) is ESRCH; any other pid finds no child. */
SYSCALL(wait4)
{
	(void)t;
	if (a[2] & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
		return -EINVAL;
	if ((int32_t)a[0] == INT32_MIN_)
		return -ESRCH;
	return -ECHILD;
}

/* kernel_waitid (kernel/exit.c): the options (one of WEXITED, WSTOPPED,
 * WCONTINUED among them), then the id for its type: P_PID wants a pid > 0,
 * P_PGID and P_PIDFD one >= 0, and no descriptor here is a pidfd
 * (pidfd_get_pid: EBADF). */
SYSCALL(waitid)
{
	int32_t id = (int32_t)a[1];

	(void)t;
	if (a[3] & ~(uint64_t)(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | __WALL | __WCLONE | __WNOTHREAD) ||
	    !(a[3] & (WUNTRACED | WEXITED | WCONTINUED)))
		return -EINVAL;
	switch (a[0]) {
	case P_ALL:
		return -ECHILD;
	case P_PID:
		return id <= 0 ? -EINVAL : -ECHILD;
	case P_PGID:
		return id < 0 ? -EINVAL : -ECHILD;
	case P_PIDFD:
		return id < 0 ? -EINVAL : -EBADF;
	default:
		return -EINVAL;
	}
}

/* Process groups and sessions: pid 1's own, and no other; any other pid,
 * a negative one too, names no task (find_task_by_vpid): ESRCH. */
static long own_pid(uint64_t pid)
{
	return (int32_t)pid == 0 || (int32_t)pid == GOOSE_PID ? 0 : -ESRCH;
}

/* setpgid (kernel/sys.c): pid 0 is the caller, pgid 0 the pid; a negative
 * pgid is EINVAL before the pid is looked up. The one process is a session
 * leader, which cannot change its group at all (p->signal->leader: EPERM). */
SYSCALL(setpgid)
{
	int32_t pid = (int32_t)a[0] ? (int32_t)a[0] : GOOSE_PID;
	int32_t pgid = (int32_t)a[1] ? (int32_t)a[1] : pid;

	(void)t;
	if (pgid < 0)
		return -EINVAL;
	return pid == GOOSE_PID ? -EPERM : -ESRCH;
}

SYSCALL(getpgid)
{
	long r = own_pid(a[0]);

	(void)t;
	return r ? r : GOOSE_PID;
}

SYSCALL(getsid)
{
	long r = own_pid(a[0]);

	(void)t;
	return r ? r : GOOSE_PID;
}

SYSCALL(setsid)
{
	(void)t;
	(void)a;
	return -EPERM;	/* already a process group leader */
}

/* splice and tee move pages between pipes and files without copying
 * them; no goose file supports that, and the answer is Linux's for such
 * files: EINVAL, so callers (Go's io.Copy among them) read and write.
 * The arguments are checked first, in fs/splice.c's order. */
#define SPLICE_F_ALL 0xf

static bool file_reads(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool file_writes(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* The file behind fd, or NULL: O_PATH descriptors are not found (fdget). */
static struct file *fd_file_get(uint64_t fd)
{
	struct file *f = fd_get((int)fd);

	return f && !(f->flags & O_PATH) ? f : NULL;
}

/* splice: a zero length is 0, then the flags, the fds, an offset on a pipe
 * (ESPIPE), the offsets themselves (__do_splice), then each end's access
 * (do_splice). */
SYSCALL(splice)
{
	struct file *in, *out;
	int64_t off;

	(void)t;
	if (!a[4])
		return 0;
	if (a[5] & ~(uint64_t)SPLICE_F_ALL)
		return -EINVAL;
	if (!(in = fd_file_get(a[0])) || !(out = fd_file_get(a[2])))
		return -EBADF;
	if ((file_is_pipe(in) && a[1]) || (file_is_pipe(out) && a[3]))
		return -ESPIPE;
	if ((a[1] && copy_from_user(&off, a[1], sizeof(off))) || (a[3] && copy_from_user(&off, a[3], sizeof(off))))
		return -EFAULT;
	return !file_reads(in) || !file_writes(out) ? -EBADF : -EINVAL;
}

/* tee: the flags, then a zero length is 0, the fds, each end's access
 * (do_tee). */
SYSCALL(tee)
{
	struct file *in, *out;

	(void)t;
	if (a[3] & ~(uint64_t)SPLICE_F_ALL)
		return -EINVAL;
	if (!a[2])
		return 0;
	if (!(in = fd_file_get(a[0])) || !(out = fd_file_get(a[1])))
		return -EBADF;
	return !file_reads(in) || !file_writes(out) ? -EBADF : -EINVAL;
}

SYSCALL(getrandom)
{
	(void)t;
	uint64_t len = MIN(a[1], 1ull << 25);

	if (a[2] & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (a[2] & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (uaccess_ok(a[0], len, PROT_WRITE))
		return -EFAULT;
	random_fill((void *)a[0], len);
	return (long)len;
}

/* struct sysinfo (include/uapi/linux/sysinfo.h), 64-bit layout. */
SYSCALL(sysinfo)
{
	(void)t;
	struct {
		int64_t uptime;
		uint64_t loads[3];
		uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		uint16_t procs, pad;
		uint32_t pad2;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		char f[4];
	} si;

	memset(&si, 0, sizeof(si));
	si.totalram = pmem.total_pages;
	si.freeram = pmem.free_pages;
	si.procs = 1;
	si.mem_unit = PAGE_SIZE;
	return copy_to_user(a[0], &si, sizeof(si));
}
