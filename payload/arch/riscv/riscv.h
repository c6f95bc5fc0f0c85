/* SPDX-License-Identifier: MIT */
/*
 * CSRs and bits from the RISC-V Privileged Architecture, v1.12 (chapter 4,
 * "Supervisor-Level ISA"). One accessor style, always asm volatile with a
 * "memory" clobber so no access is moved across them.
 */
#ifndef GOOSE_RISCV_H
#define GOOSE_RISCV_H

#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d /* Sstc */
#define CSR_SATP 0x180
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02
#define CSR_SEED 0x015 /* Zkr */
/* The vector extension's CSRs (RISC-V "V" Vector Extension 1.0, 3.x). */
#define CSR_VSTART 0x008
#define CSR_VXSAT 0x009
#define CSR_VXRM 0x00a
#define CSR_VCSR 0x00f
#define CSR_VL 0xc20
#define CSR_VTYPE 0xc21
#define CSR_VLENB 0xc22

/* sstatus (4.1.1) */
#define SSTATUS_SIE (1ul << 1)
#define SSTATUS_SPIE (1ul << 5)
#define SSTATUS_SPP (1ul << 8)
/* VS: the vector unit's state, as FS is the FPU's (V 1.0, 3.2): off (vector
 * instructions and CSRs trap), initial, clean, dirty (set by the hart on
 * any change of a vector register or CSR). */
#define SSTATUS_VS (3ul << 9)
#define SSTATUS_VS_OFF 0ul
#define SSTATUS_VS_INITIAL (1ul << 9)
#define SSTATUS_VS_CLEAN (2ul << 9)
#define SSTATUS_VS_DIRTY (3ul << 9)
#define SSTATUS_FS (3ul << 13)
#define SSTATUS_FS_INITIAL (1ul << 13)
#define SSTATUS_FS_CLEAN (2ul << 13)
#define SSTATUS_FS_DIRTY (3ul << 13)
#define SSTATUS_SUM (1ul << 18)
#define SSTATUS_MXR (1ul << 19)

/* sie / sip (4.1.3) */
#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)

/* scause (4.1.9, table 4.2) */
#define SCAUSE_INTERRUPT (1ul << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* satp (4.1.11) and Sv39 PTEs (4.4.1) */
#define SATP_MODE_SV39 (8ul << 60)
#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_PPN_SHIFT 10

#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "arch/riscv/events.h"

#define __csr_str(x) #x
#define csr_str(x) __csr_str(x)

#define csr_read(csr)                                                           \
	({                                                                      \
		unsigned long __v;                                              \
		asm volatile("csrr %0, " csr_str(csr) : "=r"(__v) : : "memory"); \
		__v;                                                            \
	})

#define csr_write(csr, val)                                                            \
	({                                                                             \
		unsigned long __v = (unsigned long)(val);                              \
		asm volatile("csrw " csr_str(csr) ", %0" : : "rK"(__v) : "memory");   \
	})

#define csr_set(csr, val)                                                              \
	({                                                                             \
		unsigned long __v = (unsigned long)(val);                              \
		asm volatile("csrs " csr_str(csr) ", %0" : : "rK"(__v) : "memory");   \
	})

#define csr_clear(csr, val)                                                            \
	({                                                                             \
		unsigned long __v = (unsigned long)(val);                              \
		asm volatile("csrc " csr_str(csr) ", %0" : : "rK"(__v) : "memory");   \
	})

#ifdef GOOSE_HOST
/* Host tests of the memory code: no TLB, no harts. */
static inline void sfence_vma_all(void)
{
}

static inline void sfence_vma_page(uint64_t va)
{
	(void)va;
}

static inline void fence_i(void)
{
}
#else
#ifdef GOOSE_DEBUG_EVENTS
/* Where this fence is, for EV_FENCE (arch/riscv/events.h). */
#define EV_FENCE_HERE()                                   \
	do {                                              \
		uint64_t pc_;                             \
		asm volatile("auipc %0, 0" : "=r"(pc_)); \
		ev_record(EV_FENCE, 0, (uint32_t)pc_);   \
	} while (0)
#else
#define EV_FENCE_HERE() do {} while (0)
#endif

static inline void sfence_vma_all(void)
{
	EV_FENCE_HERE();
	asm volatile("sfence.vma" : : : "memory");
}

static inline void sfence_vma_page(uint64_t va)
{
	EV_FENCE_HERE();
	asm volatile("sfence.vma %0" : : "r"(va) : "memory");
}

static inline void fence_i(void)
{
	asm volatile("fence.i" : : : "memory");
}
#endif

static inline void wfi(void)
{
	asm volatile("wfi" : : : "memory");
}

static inline uint64_t rdtime(void)
{
	return csr_read(CSR_TIME);
}

static inline uint64_t rdinstret(void)
{
	return csr_read(CSR_INSTRET);
}

#endif
#endif
