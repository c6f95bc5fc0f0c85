/* SPDX-License-Identifier: MIT */
/*
 * The vDSO goose maps into the Go program (AT_SYSINFO_EHDR), written out by
 * hand because the bare-metal linker cannot make shared objects. It is the
 * smallest ELF that Go's runtime/vdso_linux.go accepts, and what Linux's
 * arch/riscv/kernel/vdso exports of use to Go:
 *
 *   __vdso_clock_gettime (version LINUX_4.15): reads `time` and the data page
 *       goose keeps one page below the vDSO, without a trap;
 *   __vdso_rt_sigreturn: the return address of every signal handler.
 *
 * Layouts: System V gABI (ELF header, program header, dynamic section, symbol
 * table, SysV hash table) and the LSB's symbol versioning (Elf64_Verdef,
 * Elf64_Verdaux, .gnu.version). Every address is an offset from vdso_start,
 * the image is linked at 0 (p_vaddr 0) and is copied whole to its page.
 *
 * Its two `ebreak`s are goose system call sites, as the program's rewritten
 * `ecall`s are.
 */
#define SYS_clock_gettime 113
#define SYS_rt_sigreturn 139

/* struct vdso_data in vdso.h, at vdso_start - 4096. */
#define VVAR_BOOT_TICKS 0
#define VVAR_MULT 8
#define VVAR_REALTIME 16
#define VVAR_SHIFT 24
#define VVAR_SEC_MULT 32
/* clock.h's CLOCK_SEC_SHIFT */
#define SEC_SHIFT 12

#define OFF(x) ((x) - vdso_start)

	.section .rodata.vdso, "a"
	.balign	4096
	.globl	vdso_start
vdso_start:
/* Elf64_Ehdr */
	.byte	0x7f, 'E', 'L', 'F', 2, 1, 1, 0		/* ELFCLASS64, ELFDATA2LSB, EV_CURRENT, SYSV */
	.byte	0, 0, 0, 0, 0, 0, 0, 0
	.half	3					/* e_type: ET_DYN */
	.half	243					/* e_machine: EM_RISCV */
	.word	1					/* e_version */
	.dword	0					/* e_entry */
	.dword	OFF(vdso_phdr)				/* e_phoff */
	.dword	0					/* e_shoff: no sections */
	.word	0x5					/* e_flags: RVC, double-float ABI */
	.half	64					/* e_ehsize */
	.half	56					/* e_phentsize */
	.half	2					/* e_phnum */
	.half	64					/* e_shentsize */
	.half	0					/* e_shnum */
	.half	0					/* e_shstrndx */

/* Elf64_Phdr: one PT_LOAD for the whole image, and PT_DYNAMIC. */
vdso_phdr:
	.word	1					/* PT_LOAD */
	.word	5					/* PF_R | PF_X */
	.dword	0, 0, 0					/* p_offset, p_vaddr, p_paddr */
	.dword	OFF(vdso_end), OFF(vdso_end)		/* p_filesz, p_memsz */
	.dword	4096
	.word	2					/* PT_DYNAMIC */
	.word	4					/* PF_R */
	.dword	OFF(vdso_dynamic), OFF(vdso_dynamic), OFF(vdso_dynamic)
	.dword	vdso_dynamic_end - vdso_dynamic, vdso_dynamic_end - vdso_dynamic
	.dword	8

/* Elf64_Dyn */
	.balign	8
vdso_dynamic:
	.dword	4, OFF(vdso_hash)			/* DT_HASH */
	.dword	5, OFF(vdso_dynstr)			/* DT_STRTAB */
	.dword	6, OFF(vdso_dynsym)			/* DT_SYMTAB */
	.dword	10, vdso_dynstr_end - vdso_dynstr	/* DT_STRSZ */
	.dword	11, 24					/* DT_SYMENT */
	.dword	14, vdso_str_soname - vdso_dynstr	/* DT_SONAME */
	.dword	0x6ffffff0, OFF(vdso_versym)		/* DT_VERSYM */
	.dword	0x6ffffffc, OFF(vdso_verdef)		/* DT_VERDEF */
	.dword	0x6ffffffd, 2				/* DT_VERDEFNUM */
	.dword	0, 0					/* DT_NULL */
vdso_dynamic_end:

/* SysV hash: one bucket whose chain runs through both symbols. */
vdso_hash:
	.word	1, 3					/* nbucket, nchain */
	.word	1					/* bucket[0] */
	.word	0, 2, 0					/* chain[0..2] */

/* Elf64_Sym: STB_GLOBAL | STT_FUNC = 0x12; st_shndx only has to be defined. */
	.balign	8
vdso_dynsym:
	.word	0
	.byte	0, 0
	.half	0
	.dword	0, 0
	.globl	vdso_sym_clock_gettime
vdso_sym_clock_gettime:
	.word	vdso_str_clock_gettime - vdso_dynstr
	.byte	0x12, 0
	.half	1
	.dword	OFF(__vdso_clock_gettime), vdso_clock_gettime_end - __vdso_clock_gettime
	.word	vdso_str_rt_sigreturn - vdso_dynstr
	.byte	0x12, 0
	.half	1
	.dword	OFF(__vdso_rt_sigreturn), vdso_rt_sigreturn_end - __vdso_rt_sigreturn

/* .gnu.version: symbol i has version index versym[i] (2 = LINUX_4.15). */
vdso_versym:
	.half	0, 2, 2

/* Elf64_Verdef + Elf64_Verdaux: the base version (the soname), then LINUX_4.15. */
	.balign	4
vdso_verdef:
	.half	1, 1, 1, 1				/* vd_version, vd_flags VER_FLG_BASE, vd_ndx, vd_cnt */
	.word	0x0deebfa1				/* vd_hash: ELF hash of "linux-vdso.so.1" */
	.word	20, 28					/* vd_aux, vd_next */
	.word	vdso_str_soname - vdso_dynstr, 0	/* vda_name, vda_next */
	.half	1, 0, 2, 1
	.word	0x0ae77f75				/* ELF hash of "LINUX_4.15" */
	.word	20, 0
	.word	vdso_str_version - vdso_dynstr, 0

vdso_dynstr:
	.byte	0
vdso_str_soname:
	.asciz	"linux-vdso.so.1"
vdso_str_version:
	.asciz	"LINUX_4.15"
vdso_str_clock_gettime:
	.asciz	"__vdso_clock_gettime"
vdso_str_rt_sigreturn:
	.asciz	"__vdso_rt_sigreturn"
vdso_dynstr_end:

	.balign	4
	.option	push
	.option	norvc
	.option	norelax
/*
 * int __vdso_clock_gettime(clockid_t id, struct timespec *ts): the C calling
 * convention (a0, a1; t0-t6 and a7 are the caller's to lose). Handles
 * CLOCK_REALTIME (0), MONOTONIC (1), MONOTONIC_RAW (4), REALTIME_COARSE (5),
 * MONOTONIC_COARSE (6) and BOOTTIME (7); any other id is a system call.
 * ns = (ticks * mult) >> shift, the same sum goose's clock.c does, then
 * tv_sec by a reciprocal multiply (clock_ns_to_sec): no divide.
 */
	.globl	__vdso_clock_gettime
__vdso_clock_gettime:
	li	t0, 7
	bgtu	a0, t0, .Lfallback
	li	t0, 0xf3
	srl	t0, t0, a0
	andi	t0, t0, 1
	beqz	t0, .Lfallback
	lla	t1, vdso_start
	li	t0, 4096
	sub	t1, t1, t0
	rdtime	t2
	ld	t3, VVAR_BOOT_TICKS(t1)
	sub	t2, t2, t3
	/* The 128-bit product's bits shift..shift+63 (shift is 34..63). */
	ld	t3, VVAR_MULT(t1)
	ld	t6, VVAR_SHIFT(t1)
	mul	t4, t2, t3
	mulhu	t5, t2, t3
	srl	t4, t4, t6
	neg	t6, t6
	sll	t5, t5, t6
	or	t2, t4, t5
	/* REALTIME and REALTIME_COARSE: add the wall-clock time at boot. */
	li	t0, 0x21
	srl	t0, t0, a0
	andi	t0, t0, 1
	beqz	t0, 1f
	ld	t3, VVAR_REALTIME(t1)
	add	t2, t2, t3
	/* tv_sec = ((ns >> 9) * sec_mult) >> (64 + SEC_SHIFT), tv_nsec the rest. */
1:	srli	t3, t2, 9
	ld	t4, VVAR_SEC_MULT(t1)
	mulhu	t3, t3, t4
	srli	t3, t3, SEC_SHIFT
	li	t0, 1000000000
	mul	t4, t3, t0
	sub	t4, t2, t4
	sd	t3, 0(a1)
	sd	t4, 8(a1)
	li	a0, 0
	ret
.Lfallback:
	li	a7, SYS_clock_gettime
	.globl	vdso_syscall_clock_gettime
vdso_syscall_clock_gettime:
	ebreak
	ret
vdso_clock_gettime_end:

/* Signal handlers return here (ra); the frame is at sp. */
	.globl	__vdso_rt_sigreturn
__vdso_rt_sigreturn:
	li	a7, SYS_rt_sigreturn
	.globl	vdso_syscall_rt_sigreturn
vdso_syscall_rt_sigreturn:
	ebreak
vdso_rt_sigreturn_end:
	.option	pop

	.globl	vdso_end
vdso_end:
