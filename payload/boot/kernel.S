/* SPDX-License-Identifier: MIT */
/*
 * The Go program embedded in the payload image (`make image` / `make run`
 * pass its path as GOOSE_KERNEL_ELF and its name as GOOSE_KERNEL_NAME). Built
 * without one, the payload looks for the program in the initrd instead.
 */
	.section .kernel, "a"
	.balign	4096
	.globl	goose_kernel_elf
goose_kernel_elf:
#ifdef GOOSE_KERNEL_ELF
	.incbin	GOOSE_KERNEL_ELF
#endif
goose_kernel_elf_end:
	.balign	8
	.globl	goose_kernel_elf_size
goose_kernel_elf_size:
	.dword	goose_kernel_elf_end - goose_kernel_elf
	.globl	goose_kernel_name
goose_kernel_name:
#ifdef GOOSE_KERNEL_NAME
	.asciz	GOOSE_KERNEL_NAME
#else
	.asciz	""
#endif
