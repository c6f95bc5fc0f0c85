/* SPDX-License-Identifier: MIT */
/*
 * Credentials (kernel/sys.c, kernel/capability.c). Each thread has its own
 * real, effective, saved and file-system user and group ids, as on Linux
 * (Go's syscall.Setuid sets them on every thread); all start at 0 (root) and
 * clone copies them. The rules for changing them are Linux's, with "has
 * CAP_SETUID/CAP_SETGID" read as "effective uid 0". goose checks no file
 * permissions against them: they are what the program says it is.
 */
#include "include/uapi/capability.h"
#include "include/uapi/errno.h"
#include "include/uapi/limits.h"
#include "kernel/cred.h"
#include "kernel/thread.h"
#include "mm/vm.h"
#include "sys/sys.h"

enum { REAL, EFF, SAVED, FS };
#define KEEP UINT32_MAX	/* -1: leave this id as it is */

static bool privileged(const struct thread *t)
{
	return t->uid[EFF] == 0;
}

static bool one_of(const uint32_t id[4], uint32_t v)
{
	return v == id[REAL] || v == id[EFF] || v == id[SAVED];
}

/* setresuid/setresgid: unprivileged, each new id must be one of the three. */
static long set_res(struct thread *t, uint32_t id[4], uint64_t r, uint64_t e, uint64_t s)
{
	uint32_t v[3] = { (uint32_t)r, (uint32_t)e, (uint32_t)s };

	for (int i = 0; i < 3; i++)
		if (v[i] != KEEP && !privileged(t) && !one_of(id, v[i]))
			return -EPERM;
	for (int i = 0; i < 3; i++)
		if (v[i] != KEEP)
			id[i] = v[i];
	id[FS] = id[EFF];
	return 0;
}

/* setreuid/setregid: a new real id is the old real or effective one; a new
 * effective id one of the three; the saved id follows the effective one
 * when the real one is set or the effective one moves off the real one. */
static long set_re(struct thread *t, uint32_t id[4], uint64_t r, uint64_t e)
{
	uint32_t nr = (uint32_t)r, ne = (uint32_t)e;

	if (!privileged(t) && ((nr != KEEP && nr != id[REAL] && nr != id[EFF]) || (ne != KEEP && !one_of(id, ne))))
		return -EPERM;
	if (nr != KEEP || (ne != KEEP && ne != id[REAL]))
		id[SAVED] = ne != KEEP ? ne : id[EFF];
	if (nr != KEEP)
		id[REAL] = nr;
	if (ne != KEEP)
		id[EFF] = ne;
	id[FS] = id[EFF];
	return 0;
}

/* setuid/setgid: privileged, all four; else the effective (and fs) id, to
 * the real or saved one. */
static long set_one(struct thread *t, uint32_t id[4], uint64_t v)
{
	uint32_t n = (uint32_t)v;

	if (n == KEEP)
		return -EINVAL;
	if (privileged(t)) {
		id[REAL] = id[EFF] = id[SAVED] = id[FS] = n;
		return 0;
	}
	if (n != id[REAL] && n != id[SAVED])
		return -EPERM;
	id[EFF] = id[FS] = n;
	return 0;
}

/* setfsuid/setfsgid: the old value, whether or not the new one is taken. */
static long set_fs(struct thread *t, uint32_t id[4], uint64_t v)
{
	uint32_t old = id[FS], n = (uint32_t)v;

	if (n != KEEP && (privileged(t) || one_of(id, n) || n == id[FS]))
		id[FS] = n;
	return old;
}

static long get_res(const uint32_t id[4], const uint64_t *a)
{
	for (int i = 0; i < 3; i++)
		if (copy_to_user(a[i], &id[i], 4))
			return -EFAULT;
	return 0;
}

#define ID_GET(name, ids, which) \
	SYSCALL(name)            \
	{                        \
		(void)a;         \
		return t->ids[which]; \
	}
ID_GET(getuid, uid, REAL)
ID_GET(geteuid, uid, EFF)
ID_GET(getgid, gid, REAL)
ID_GET(getegid, gid, EFF)
#undef ID_GET

SYSCALL(setuid)
{
	return set_one(t, t->uid, a[0]);
}

SYSCALL(setgid)
{
	return set_one(t, t->gid, a[0]);
}

SYSCALL(setreuid)
{
	return set_re(t, t->uid, a[0], a[1]);
}

SYSCALL(setregid)
{
	return set_re(t, t->gid, a[0], a[1]);
}

SYSCALL(setresuid)
{
	return set_res(t, t->uid, a[0], a[1], a[2]);
}

SYSCALL(setresgid)
{
	return set_res(t, t->gid, a[0], a[1], a[2]);
}

SYSCALL(getresuid)
{
	return get_res(t->uid, a);
}

SYSCALL(getresgid)
{
	return get_res(t->gid, a);
}

SYSCALL(setfsuid)
{
	return set_fs(t, t->uid, a[0]);
}

SYSCALL(setfsgid)
{
	return set_fs(t, t->gid, a[0]);
}

SYSCALL(getgroups)
{
	const uint32_t *groups;
	uint64_t ngroups = (uint64_t)cred_groups(&groups);

	(void)t;
	if ((int)a[0] < 0)
		return -EINVAL;
	if (a[0] == 0)
		return (long)ngroups;
	if (a[0] < ngroups)
		return -EINVAL;
	return copy_to_user(a[1], groups, ngroups * 4) ? -EFAULT : (long)ngroups;
}

SYSCALL(setgroups)
{
	uint32_t groups[CRED_MAX_GROUPS];

	(void)t;
	if (a[0] > NGROUPS_MAX)
		return -EINVAL;
	if (a[0] > CRED_MAX_GROUPS)
		return -ENOMEM;
	if (copy_from_user(groups, a[1], a[0] * 4))
		return -EFAULT;
	cred_set_groups(groups, (int)a[0]);
	return 0;
}

/* capget/capset (include/uapi/linux/capability.h): every capability, as
 * root has. goose checks none, so capset is taken and changes nothing.
 * The header's version (cap_validate_magic: an unknown one is answered
 * with the one the kernel speaks, and EINVAL), then its pid: capget asks
 * for a task that exists (cap_get_target_pid), capset may name only the
 * caller itself ("may only affect current now": EPERM). */
static long cap_header(const struct thread *t, uint64_t uhdr, int *words, bool set)
{
	uint32_t hdr[2];

	if (copy_from_user(hdr, uhdr, sizeof(hdr)))
		return -EFAULT;
	if (hdr[0] != CAP_V1 && hdr[0] != CAP_V2 && hdr[0] != CAP_V3) {
		hdr[0] = CAP_V3;
		return copy_to_user(uhdr, hdr, 4) ? -EFAULT : -EINVAL;
	}
	*words = hdr[0] == CAP_V1 ? 1 : 2;
	if (set)
		return hdr[1] == 0 || (int)hdr[1] == t->tid ? 0 : -EPERM;
	return hdr[1] == 0 || thread_by_tid((int)hdr[1]) ? 0 : (int32_t)hdr[1] < 0 ? -EINVAL : -ESRCH;
}

SYSCALL(capget)
{
	/* struct __user_cap_data_struct: effective, permitted, inheritable. */
	const uint32_t high = (1u << (CAP_LAST_CAP - 31)) - 1;	/* capabilities 32..CAP_LAST_CAP */
	uint32_t data[2][3] = { { 0xffffffffu, 0xffffffffu, 0 }, { high, high, 0 } };
	int words;
	long r = cap_header(t, a[0], &words, false);

	if (r == -EINVAL && !a[1])
		return 0;	/* probing for the version */
	if (r)
		return r;
	return a[1] && copy_to_user(a[1], data, (size_t)words * 12) ? -EFAULT : 0;
}

SYSCALL(capset)
{
	uint32_t data[2][3];
	int words;
	long r = cap_header(t, a[0], &words, true);

	if (r)
		return r;
	if (copy_from_user(data, a[1], (size_t)words * 12))
		return -EFAULT;
	return 0;
}

