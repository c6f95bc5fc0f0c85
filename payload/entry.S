/* SPDX-License-Identifier: MIT */
/*
 * goose's first instructions. OpenSBI (or U-Boot's booti) enters here in
 * S-mode with a0 = hart id, a1 = FDT physical address, satp = 0, at
 * whatever 2 MiB-aligned address the image was loaded (RAM base + 0x200000
 * on every board goose knows). The image is linked at KERNEL_LINK; this code
 * runs position-independently (pc-relative only) until it has built the
 * boot page table:
 *   root[256..509]  direct map: physical GiB 0..253 at KERNEL_BASE
 *   root[510]       -> boot_pt_image: the image, 2 MiB pages, at KERNEL_LINK
 *   root[pa >> 30]  identity for the GiB we run in (dropped in goose_main)
 * then turns on Sv39, jumps to the link address and calls
 * goose_main(hartid, fdt_pa) in C.
 */
#include "frame.h"
#include "layout.h"
#include "riscv.h"

#define BOOT_STACK_SIZE HART_STACK_SIZE
/* Leaf PTE for goose's mappings: RWX, global, A and D preset (no A/D faults). */
#define PTE_KERNEL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D)
#define MEGA_SHIFT 21

/* SBI legacy putchar / SRST, for the one error possible before C runs. */
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_SRST 0x53525354

	.section .head, "ax"
	.option push
	.option norvc
	.globl _start
/* RISC-V Linux image header (Documentation/arch/riscv/boot-image-header.rst). */
_start:
	j	goose_entry		/* code0 */
	.word	0			/* code1 */
	.dword	0x200000		/* text_offset */
	.dword	__image_size		/* image_size, including BSS */
	.dword	0			/* flags: little-endian */
	.word	2			/* version 0.2 */
	.word	0			/* res1 */
	.dword	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* res3 */
	.option pop

	.text
goose_entry:
	/* For the boot report: instructions and time from here to the Go program. */
	csrr	s2, CSR_INSTRET
	csrr	s3, CSR_TIME
	csrw	CSR_SIE, zero
	/* Only one hart may boot: U-Boot's booti can send several here. */
	lla	t0, boot_lottery
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, .Lpark
	mv	s0, a0
	mv	s1, a1

	/* The image maps with 2 MiB pages: it must start on a 2 MiB boundary. */
	lla	s4, _start
	li	t0, (1 << MEGA_SHIFT) - 1
	and	t0, s4, t0
	bnez	t0, .Lmisaligned

	/* Clear BSS (page tables and the boot stack live there). */
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, (t0)
	addi	t0, t0, 8
	j	1b
2:
	lla	t0, boot_instret
	sd	s2, (t0)
	lla	t0, boot_time
	sd	s3, (t0)
	lla	t0, goose_image_pa
	sd	s4, (t0)

	/* Root entries 256..509: physical GiB 0..253 at KERNEL_BASE. */
	lla	t0, boot_pt
	li	t1, 256 * 8
	add	t1, t1, t0
	li	t2, (256 + KERNEL_DIRECT_GIB) * 8
	add	t2, t2, t0
	li	t3, PTE_KERNEL
	li	t4, 1 << 28		/* one GiB, as a PTE's PPN field */
3:	sd	t3, (t1)
	add	t3, t3, t4
	addi	t1, t1, 8
	bltu	t1, t2, 3b

	/* Root entry 510 -> boot_pt_image; its entries map the image from
	 * KERNEL_LINK, one 2 MiB page each, up to _end. */
	lla	t1, boot_pt_image
	srli	t2, t1, PAGE_SHIFT
	slli	t2, t2, PTE_PPN_SHIFT
	ori	t2, t2, PTE_V
	li	t3, 510 * 8
	add	t3, t3, t0
	sd	t2, (t3)
	lla	t2, _end
	srli	t3, s4, PAGE_SHIFT
	slli	t3, t3, PTE_PPN_SHIFT
	ori	t3, t3, PTE_KERNEL
	li	t4, 1 << (MEGA_SHIFT - PAGE_SHIFT + PTE_PPN_SHIFT)
	mv	t5, s4
4:	sd	t3, (t1)
	add	t3, t3, t4
	addi	t1, t1, 8
	li	t6, 1 << MEGA_SHIFT
	add	t5, t5, t6
	bltu	t5, t2, 4b

	/* A temporary identity entry for the GiB we run in, so the
	 * instruction after the satp write still fetches. */
	srli	t1, s4, 30
	slli	t2, t1, 28
	ori	t2, t2, PTE_KERNEL
	slli	t1, t1, 3
	add	t1, t1, t0
	sd	t2, (t1)

	srli	t1, t0, PAGE_SHIFT
	li	t2, SATP_MODE_SV39
	or	t1, t1, t2
	sfence.vma
	csrw	CSR_SATP, t1
	sfence.vma

	/* Continue at the link address (within 2 GiB of 0: lui/addi reach it). */
	lui	t1, %hi(.Lhigh)
	addi	t1, t1, %lo(.Lhigh)
	jr	t1
.Lhigh:
	lla	sp, boot_stack_top
	lla	t0, trap_entry
	csrw	CSR_STVEC, t0
	csrw	CSR_SSCRATCH, zero
	mv	a0, s0
	mv	a1, s1
	call	goose_main
	/* goose_main never returns; if it did, stop here. */
.Lpark:
	wfi
	j	.Lpark

/*
 * Other harts, started by goose_main with SBI HSM hart_start: a0 = hart id,
 * a1 = its struct hart (a virtual address), satp = 0, at this code's
 * physical address. The trampoline table (goose's half of boot_pt plus an
 * identity entry for the image's GiB, made by goose_main) gets it to the
 * link address; then it takes boot_pt itself, its own stack and tp.
 */
	.globl	secondary_entry
secondary_entry:
	csrw	CSR_SIE, zero
	mv	s0, a0
	mv	s1, a1
	lla	t0, secondary_trampoline_satp
	ld	t0, (t0)
	sfence.vma
	csrw	CSR_SATP, t0
	sfence.vma
	lui	t1, %hi(.Lsecondary_high)
	addi	t1, t1, %lo(.Lsecondary_high)
	jr	t1
.Lsecondary_high:
	lla	t0, boot_satp
	ld	t0, (t0)
	csrw	CSR_SATP, t0
	sfence.vma
	mv	tp, s1
	ld	sp, HART_KSTACK(tp)
	lla	t0, trap_entry
	csrw	CSR_STVEC, t0
	csrw	CSR_SSCRATCH, zero
	mv	a0, s1
	call	secondary_main
	j	.Lpark

/* Say why through the SBI legacy console, then shut down with a failure. */
.Lmisaligned:
	lla	s5, .Lmisaligned_msg
5:	lbu	a0, (s5)
	beqz	a0, 6f
	li	a7, SBI_EXT_LEGACY_PUTCHAR
	ecall
	addi	s5, s5, 1
	j	5b
6:	li	a0, 0			/* shutdown */
	li	a1, 1			/* system failure */
	li	a6, 0
	li	a7, SBI_EXT_SRST
	ecall
	j	.Lpark

	.section .rodata
.Lmisaligned_msg:
	.asciz	"goose: the image must be loaded at a 2 MiB-aligned address (as RAM base + 0x200000 is)\r\n"

	.data
	.align	3
boot_lottery:
	.word	0
	.align	3
	.globl	boot_instret, boot_time, goose_image_pa
boot_instret:
	.dword	0
boot_time:
	.dword	0
goose_image_pa:
	.dword	0
	/* satp values for secondary harts, set by goose_main. */
	.globl	boot_satp, secondary_trampoline_satp
boot_satp:
	.dword	0
secondary_trampoline_satp:
	.dword	0

	.bss
	.align	PAGE_SHIFT
	.globl	boot_pt
boot_pt:
	.space	PAGE_SIZE
boot_pt_image:
	.space	PAGE_SIZE
	.align	4
	.globl	boot_stack
boot_stack:
	.space	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:
