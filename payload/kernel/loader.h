/* SPDX-License-Identifier: MIT */
/*
 * Loading the Go program: validate the ELF, copy its PT_LOAD segments into
 * fresh pages mapped at their own addresses (W^X), rewrite each `ecall` of
 * the text into `ebreak`, map the vDSO page and build the initial stack.
 */
#ifndef GOOSE_LOADER_H
#define GOOSE_LOADER_H

#include "lib/lib.h"

struct bootargs;
struct thread;

struct loader_info {
	const void *elf;	/* the file, which stays in memory (symbols) */
	size_t len;
	const char *argv0;
	const struct bootargs *ba;
	uint64_t hwcap;		/* AT_HWCAP: one bit per single-letter extension */
	bool no_vdso_clock;	/* goose.vdso=0 */
};

/* Load the ELF and set t's frame to enter it. 0, or -1 after printing one
 * "goose: " line saying what is wrong. */
int loader_load(const struct loader_info *li, struct thread *t);

/* Is pc one of the rewritten ecall sites (or the vDSO's sigreturn)? */
bool loader_is_syscall_site(uint64_t pc);

/* The Go function containing pc ("runtime.main"), or NULL; *off is pc's
 * offset into it. */
const char *loader_symbolize(uint64_t pc, uint64_t *off);

/* The Go source file and line of pc (the program's .gopclntab): 0 or -1. */
int loader_go_line(uint64_t pc, const char **file, int *line);

/* Where rt_sigreturn's trampoline is (the return address of handlers). */
uint64_t loader_sigreturn_trampoline(void);

/* End of the loaded image (page-aligned): where the program break starts. */
uint64_t loader_image_end(void);

/* Number of ecall sites rewritten. */
size_t loader_nsites(void);

/* AT_HWCAP from a riscv,isa string ("rv64imafdc_zicsr..."): bit (letter - 'a'). */
uint64_t loader_hwcap(const char *isa);

extern const struct boot_option vdso_option;

#endif
