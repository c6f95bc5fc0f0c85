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
/* PE/COFF section and file alignment (payload.ld aligns .text to it). */
#define PE_ALIGN 4096

/* SBI legacy putchar / SRST, for the one error possible before C runs. */
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_SRST 0x53525354

	.section .head, "ax"
	.option push
	.option norvc
	.globl _start
/*
 * The image header: a RISC-V Linux image header (booti, and OpenSBI, which
 * jumps to its first byte; Documentation/arch/riscv/boot-image-header.rst)
 * that is also the DOS stub of a PE/COFF image (UEFI loads it as an EFI
 * application, entered at efi_main: boot/efi.c), as Linux's Image is.
 * "MZ" is the compressed instruction c.li s4, -13: harmless; then the jump.
 * res3, at 0x3c, is the DOS header's e_lfanew: where the PE header starts.
 * ci/pecoff.py checks both headers against their specs.
 */
_start:
	.half	0x5a4d			/* code0: "MZ" = c.li s4, -13 */
	j	goose_entry		/* ... and the jump (code0's second half, code1) */
	.half	0
	.dword	0x200000		/* text_offset */
	.dword	__image_size		/* image_size, including BSS */
	.dword	0			/* flags: little-endian */
	.word	2			/* version 0.2 */
	.word	0			/* res1 */
	.dword	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	.Lpe_header - _start	/* res3: the PE header's offset (e_lfanew) */

/* PE/COFF (Microsoft's PE Format specification): signature, COFF header. */
.Lpe_header:
	.ascii	"PE\0\0"
	.half	0x5064			/* Machine: IMAGE_FILE_MACHINE_RISCV64 */
	.half	2			/* NumberOfSections */
	.word	0			/* TimeDateStamp */
	.word	0			/* PointerToSymbolTable */
	.word	0			/* NumberOfSymbols */
	.half	.Lsection_table - .Loptional_header /* SizeOfOptionalHeader */
	.half	0x0206			/* EXECUTABLE_IMAGE | LINE_NUMS_STRIPPED | DEBUG_STRIPPED */
/* The PE32+ optional header. RVAs are offsets from _start; the file is laid
 * out as it loads (FileAlignment = SectionAlignment = 4 KiB), so a
 * section's file offset is its RVA. No relocations: goose needs none. */
.Loptional_header:
	.half	0x20b			/* Magic: PE32+ */
	.byte	0, 0			/* linker version */
	.word	__pe_text_size		/* SizeOfCode */
	.word	__pe_data_file_size	/* SizeOfInitializedData */
	.word	__pe_bss_size		/* SizeOfUninitializedData */
	.word	__pe_entry		/* AddressOfEntryPoint: efi_main */
	.word	__pe_text_rva		/* BaseOfCode */
	.dword	0			/* ImageBase */
	.word	PE_ALIGN		/* SectionAlignment */
	.word	PE_ALIGN		/* FileAlignment */
	.half	0, 0			/* operating system version */
	.half	0, 0			/* image version */
	.half	0, 0			/* subsystem version */
	.word	0			/* Win32VersionValue */
	.word	__image_size		/* SizeOfImage */
	.word	__pe_text_rva		/* SizeOfHeaders: everything before .text */
	.word	0			/* CheckSum */
	.half	10			/* Subsystem: IMAGE_SUBSYSTEM_EFI_APPLICATION */
	.half	0			/* DllCharacteristics */
	.dword	0, 0, 0, 0		/* stack and heap reserve, commit */
	.word	0			/* LoaderFlags */
	.word	16			/* NumberOfRvaAndSizes */
	.fill	16, 8, 0		/* data directories: none (no imports, no relocations) */
.Lsection_table:
	.ascii	".text\0\0\0"
	.word	__pe_text_size		/* VirtualSize */
	.word	__pe_text_rva		/* VirtualAddress */
	.word	__pe_text_size		/* SizeOfRawData */
	.word	__pe_text_rva		/* PointerToRawData */
	.word	0, 0			/* relocations, line numbers */
	.half	0, 0
	.word	0x60000020		/* CNT_CODE | MEM_EXECUTE | MEM_READ */
	.ascii	".data\0\0\0"		/* read-only data, data, the program, BSS */
	.word	__pe_data_size		/* VirtualSize, BSS included */
	.word	__pe_data_rva
	.word	__pe_data_file_size
	.word	__pe_data_rva
	.word	0, 0
	.half	0, 0
	.word	0xc0000040		/* CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE */
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
 * A hart goose leaves alone, started only so that the firmware clears an
 * IPI it left pending (park_hart, payload/boot/main.c): SBI HSM hart_stop
 * (extension 0x48534D, function 1) at once, with the MMU off at this
 * code's physical address. hart_stop returns only when it failed.
 */
	.globl	hart_park_entry
hart_park_entry:
	li	a7, 0x48534D
	li	a6, 1
	ecall
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
