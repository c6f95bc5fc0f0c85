/* SPDX-License-Identifier: MIT */
/* The empty symbol table of goose's first link (ci/mksyms.py). */
	.section .goose_syms, "a"
	.balign	8
	.globl	goose_syms
goose_syms:
	.word	0, 0, 0, 0
