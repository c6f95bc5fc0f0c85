/* SPDX-License-Identifier: MIT */
/*
 * SBI client: the calls goose makes to the M-mode firmware.
 * Numbers from the RISC-V SBI specification v2.0 (riscv-non-isa/riscv-sbi-doc):
 * a7 = extension id, a6 = function id, a0-a5 = arguments;
 * the firmware returns a0 = error, a1 = value.
 */
#ifndef GOOSE_SBI_H
#define GOOSE_SBI_H

#include <stdint.h>

/* Extension ids (SBI spec, chapters 4-12, and chapter 5 for the legacy ones). */
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434E

/* Standard SBI errors (SBI spec, table 1). */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED (-1)
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_DENIED (-4)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_ERR_ALREADY_STARTED (-7)
#define SBI_ERR_ALREADY_STOPPED (-8)

/* SRST types and reasons (SBI spec, chapter 10). */
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1
#define SBI_SRST_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

/* HSM states (SBI spec, table 24). */
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5);

/* BASE */
long sbi_spec_version(void);
long sbi_impl_id(void);
long sbi_impl_version(void);
int sbi_probe(unsigned long ext);	/* 1 when the extension is there, 0 when not */

/* TIME: program the next timer interrupt (absolute `time` value). */
void sbi_set_timer(uint64_t when);

/* IPI, RFENCE */
struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base, unsigned long start,
				    unsigned long size);

/* HSM */
struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque);
struct sbiret sbi_hart_get_status(unsigned long hartid);

/* SRST: returns only when the reset failed (the error). */
long sbi_system_reset(unsigned long type, unsigned long reason);

/* DBCN: physical address of the bytes (on RV64 the upper XLEN bits, a2, are 0);
 * returns the bytes written (possibly fewer than len) or a negative error. */
long sbi_dbcn_write(unsigned long len, uint64_t phys_addr);

/* Legacy console (SBI v0.1, EIDs 0x01 / 0x02). */
void sbi_legacy_putchar(int c);
int sbi_legacy_getchar(void);

#endif
