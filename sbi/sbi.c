/* SPDX-License-Identifier: MIT */
#include "sbi.h"

/* The SBI calling convention (SBI spec, chapter 3): EID in a7, FID in a6. */
struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long arg0, unsigned long arg1,
			unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
	register unsigned long a0 asm("a0") = arg0;
	register unsigned long a1 asm("a1") = arg1;
	register unsigned long a2 asm("a2") = arg2;
	register unsigned long a3 asm("a3") = arg3;
	register unsigned long a4 asm("a4") = arg4;
	register unsigned long a5 asm("a5") = arg5;
	register unsigned long a6 asm("a6") = fid;
	register unsigned long a7 asm("a7") = ext;

	asm volatile("ecall"
		     : "+r"(a0), "+r"(a1)
		     : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
		     : "memory");
	return (struct sbiret){ .error = (long)a0, .value = (long)a1 };
}

static long sbi_base_value(unsigned long fid, unsigned long arg)
{
	struct sbiret r = sbi_ecall(SBI_EXT_BASE, fid, arg, 0, 0, 0, 0, 0);

	return r.error ? r.error : r.value;
}

long sbi_spec_version(void)
{
	return sbi_base_value(0, 0);
}

long sbi_impl_id(void)
{
	return sbi_base_value(1, 0);
}

long sbi_impl_version(void)
{
	return sbi_base_value(2, 0);
}

int sbi_probe(unsigned long ext)
{
	return sbi_base_value(3, ext) > 0;
}

void sbi_set_timer(uint64_t when)
{
	sbi_ecall(SBI_EXT_TIME, 0, when, 0, 0, 0, 0, 0);
}

struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
	return sbi_ecall(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0, 0, 0);
}

struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base, unsigned long start,
				    unsigned long size)
{
	return sbi_ecall(SBI_EXT_RFENCE, 1, hart_mask, hart_mask_base, start, size, 0, 0);
}

struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, 0, hartid, start_addr, opaque, 0, 0, 0);
}

struct sbiret sbi_hart_get_status(unsigned long hartid)
{
	return sbi_ecall(SBI_EXT_HSM, 2, hartid, 0, 0, 0, 0, 0);
}

long sbi_system_reset(unsigned long type, unsigned long reason)
{
	return sbi_ecall(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0).error;
}

long sbi_dbcn_write(unsigned long len, uint64_t phys_addr)
{
	struct sbiret r = sbi_ecall(SBI_EXT_DBCN, 0, len, phys_addr, 0, 0, 0, 0);

	return r.error ? r.error : r.value;
}

/* Legacy extensions return their result in a0 and take no FID. */
void sbi_legacy_putchar(int c)
{
	sbi_ecall(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0, 0, 0, 0);
}

int sbi_legacy_getchar(void)
{
	return (int)sbi_ecall(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0, 0, 0, 0).error;
}
