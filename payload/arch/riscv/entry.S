/* SPDX-License-Identifier: MIT */
/*
 * goose's first instructions. OpenSBI (or U-Boot's booti) enters here in
 * S-mode with a0 = hart id, a1 = FDT physical address, satp = 0, at
 * whatever 2 MiB-aligned address the image was loaded (RAM base + 0x200000
 * on every board goose knows). The image is linked at KERNEL_LINK; this code
 * runs position-independently (pc-relative only) until it has built the
 * boot page table, 2 MiB pages only:
 *   root[510]       -> boot_pt_image: the image at KERNEL_LINK
 *   root[pa >> 30]  -> boot_pt_ident: the image at its physical address
 *                      (dropped in goose_main)
 *   root[256 + fdt >> 30] -> boot_pt_fdt: the FDT in the direct map
 * then turns on Sv39, jumps to the link address and calls
 * goose_main(hartid, fdt_pa) in C.
 */
#include "arch/riscv/frame.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"

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

	/* The image at KERNEL_LINK (root entry 510), and at its own
	 * physical address so the instruction after the satp write still
	 * fetches (dropped in goose_main); 2 MiB pages, never a 1 GiB page
	 * over the firmware's PMP-protected RAM (kmap.h). */
	lla	t0, boot_pt
	li	a0, 510 * 8
	add	a0, a0, t0
	lla	a1, boot_pt_image
	li	a2, KERNEL_LINK
	mv	a3, s4
	lla	a4, _end
	jal	.Lmap2m
	srli	a0, s4, 30
	slli	a0, a0, 3
	add	a0, a0, t0
	lla	a1, boot_pt_ident
	mv	a2, s4
	mv	a3, s4
	lla	a4, _end
	jal	.Lmap2m

	/* The FDT through the direct map, 6 MiB from its 2 MiB page, so C can
	 * parse it; goose_main then builds the real direct map from it. */
	beqz	s1, 1f
	srli	a0, s1, 30
	li	t1, KERNEL_DIRECT_GIB
	bgeu	a0, t1, 1f
	addi	a0, a0, 256
	slli	a0, a0, 3
	add	a0, a0, t0
	lla	a1, boot_pt_fdt
	mv	a2, s1
	li	t1, ~((1 << MEGA_SHIFT) - 1)
	and	a3, s1, t1
	li	t1, 3 << MEGA_SHIFT
	add	a4, a3, t1
	jal	.Lmap2m
1:
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

/*
 * *a0 = a table entry for the level-1 table a1, and a1's entries from the
 * index of va a2 on map physical [a3, a4) in 2 MiB pages (at most to the
 * end of the table). Uses t1-t6; runs with the MMU off.
 */
.Lmap2m:
	srli	t1, a1, PAGE_SHIFT
	slli	t1, t1, PTE_PPN_SHIFT
	ori	t1, t1, PTE_V
	sd	t1, (a0)
	srli	t2, a2, MEGA_SHIFT
	andi	t2, t2, 511
	srli	t3, a3, PAGE_SHIFT
	slli	t3, t3, PTE_PPN_SHIFT
	ori	t3, t3, PTE_KERNEL
	li	t4, 1 << (MEGA_SHIFT - PAGE_SHIFT + PTE_PPN_SHIFT)
	li	t6, 512
2:	bgeu	a3, a4, 3f
	bgeu	t2, t6, 3f
	slli	t5, t2, 3
	add	t5, t5, a1
	sd	t3, (t5)
	add	t3, t3, t4
	li	t5, 1 << MEGA_SHIFT
	add	a3, a3, t5
	addi	t2, t2, 1
	j	2b
3:	ret

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
	.globl	boot_pt, boot_pt_ident
boot_pt:
	.space	PAGE_SIZE
boot_pt_image:
	.space	PAGE_SIZE
boot_pt_ident:
	.space	PAGE_SIZE
boot_pt_fdt:
	.space	PAGE_SIZE
	.align	4
	.globl	boot_stack
boot_stack:
	.space	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:
