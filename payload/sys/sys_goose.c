/* SPDX-License-Identifier: MIT */
/*
 * goose's own system calls, numbered from 0x1000 (Linux's end at a few
 * hundred). goose_sbi_call lets a Go kernel make chosen SBI calls:
 *
 *   a7 = 0x1000, a0 = extension id, a1 = function id, a2..a5 = arguments 0..3
 *   a0 = -sbiret.error (0, or the SBI error negated: never in -4095..-1,
 *        which Go takes for an errno), a1 = sbiret.value;
 *        -EPERM when goose does not pass the call on (go-kernel/sbi).
 *
 * The allow-list, and why everything else is refused, is docs/syscalls.md's
 * "SBI from Go" table.
 *
 * goose_net_provider (0x1001) registers the program's network provider
 * (net/provider.c, include/uapi/goose_net.h).
 */
#include "dev/console.h"
#include "include/uapi/errno.h"
#include "kernel/thread.h"
#include "mm/vm.h"
#include "net/net.h"
#include "sbi/sbi.h"
#include "sys/sys.h"

#define SBI_BASE_MAX_FID 6	/* spec version .. mimpid */
#define SBI_DBCN_WRITE 0
#define SBI_DBCN_READ 1
#define SBI_DBCN_WRITE_BYTE 2
#define DBCN_CHUNK 4096

static long sbi_result(struct thread *t, long error, long value)
{
	t->frame.a1 = (uint64_t)value;
	return -error;
}

/*
 * DBCN gives the firmware a physical address; the program's buffer is in
 * its own address space, so goose writes the bytes to its console itself
 * (which is the firmware's DBCN when that is the console, else the UART):
 * the same effect, on any firmware.
 */
static long sbi_dbcn(struct thread *t, uint64_t fid, const uint64_t *arg)
{
	char buf[256];

	switch (fid) {
	case SBI_DBCN_WRITE: {
		uint64_t len = MIN(arg[0], (uint64_t)DBCN_CHUNK), done = 0;

		/* arg[2] is the high half of the address: 0 on RV64. */
		if (arg[2])
			return sbi_result(t, SBI_ERR_INVALID_PARAM, 0);
		while (done < len) {
			size_t n = MIN(len - done, sizeof(buf));

			if (copy_from_user(buf, arg[1] + done, n))
				return sbi_result(t, SBI_ERR_INVALID_ADDRESS, (long)done);
			console_write(buf, n);
			done += n;
		}
		return sbi_result(t, SBI_SUCCESS, (long)done);
	}
	case SBI_DBCN_WRITE_BYTE:
		buf[0] = (char)arg[0];
		console_write(buf, 1);
		return sbi_result(t, SBI_SUCCESS, 0);
	default:
		return -EPERM;
	}
}

SYSCALL(goose_sbi_call)
{
	uint64_t ext = a[0], fid = a[1];
	const uint64_t *arg = &a[2];
	struct sbiret r;

	switch (ext) {
	case SBI_EXT_BASE:
		if (fid > SBI_BASE_MAX_FID)
			return sbi_result(t, SBI_ERR_NOT_SUPPORTED, 0);
		r = sbi_ecall(SBI_EXT_BASE, fid, arg[0], 0, 0, 0, 0, 0);
		return sbi_result(t, r.error, r.value);
	case SBI_EXT_SRST:
		/* The program asked to stop the machine: say so, then let the firmware. */
		if (fid != 0)
			return -EPERM;
		gmsg("system reset by the program (SBI SRST type %lu, reason %lu)", arg[0], arg[1]);
		r = sbi_ecall(SBI_EXT_SRST, 0, arg[0], arg[1], 0, 0, 0, 0);
		return sbi_result(t, r.error, r.value);
	case SBI_EXT_DBCN:
		return sbi_dbcn(t, fid, arg);
	default:
		/* TIME, IPI, RFENCE and HSM belong to goose's scheduler and
		 * memory manager; the legacy console and the rest are not
		 * passed on either (docs/syscalls.md). */
		return -EPERM;
	}
}

SYSCALL(goose_net_provider)
{
	(void)t;
	return net_provider_register(a[0], a[1]);
}
