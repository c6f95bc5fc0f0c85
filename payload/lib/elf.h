/* SPDX-License-Identifier: MIT */
/*
 * ELF64 reader for the Go program (System V gABI + RISC-V psABI).
 *
 * Pure: takes (buf, len), bounds-checks everything, no CSR or MMIO, compiles
 * natively for host tests and fuzzers.
 */
#ifndef GOOSE_ELF_H
#define GOOSE_ELF_H

#include "lib/lib.h"

#define EM_RISCV 243
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags;		/* PF_R | PF_W | PF_X */
};

struct elf_image {
	uint64_t entry;
	uint64_t phdr_vaddr;	/* address of the program headers in memory (AT_PHDR), 0 if not loaded */
	uint16_t phnum;		/* all program headers (AT_PHNUM) */
	uint16_t phentsize;	/* AT_PHENT */
	struct elf_segment seg[ELF_MAX_SEGMENTS];	/* PT_LOAD only, sorted by vaddr */
	int nseg;
	uint64_t lo;		/* lowest PT_LOAD vaddr, page-aligned down */
	uint64_t hi;		/* end of the highest PT_LOAD, page-aligned up */
};

/*
 * Validate and describe an executable. Checks: ELF magic, ELFCLASS64,
 * ELFDATA2LSB, EV_CURRENT, ET_EXEC, EM_RISCV, e_phentsize == 56, 1 <=
 * e_phnum <= 64, program headers inside the file, each PT_LOAD with
 * p_offset + p_filesz inside the file (no overflow), p_filesz <= p_memsz,
 * p_offset and p_vaddr congruent modulo 4096, vaddr >= 4096 (page 0 stays
 * unmapped), vaddr + memsz <= va_limit (no overflow), PT_LOAD address ranges
 * not overlapping one another (sharing a page is allowed), at least one
 * executable segment, and the entry point inside an executable segment.
 * Returns 0, or -1 with one line in err naming the field and value, e.g.
 * "elf: e_machine is 62 (x86-64), want 243 (RISC-V)" or
 * "elf: segment 2: p_offset 0x1000 + p_filesz 0x500000 is past the end of the file (0x2000)".
 */
int elf_parse(const void *buf, size_t len, uint64_t va_limit, struct elf_image *img, char *err, size_t errlen);

/*
 * Find the `ecall` instructions (0x00000073) in a block of RISC-V code that
 * starts at virtual address va. Decodes instruction lengths (RVC: low two bits
 * != 0b11 means 16 bits) from the start of the block, and additionally restarts
 * decoding at every address listed in starts[] (function entry points from the
 * symbol table; may be NULL) so a stray halfword cannot hide an ecall. Writes
 * up to max site addresses, ascending and without duplicates, to sites;
 * returns how many it found in all (which may exceed max).
 */
size_t elf_scan_ecalls(const uint8_t *code, size_t len, uint64_t va, const uint64_t *starts, size_t nstarts,
		       uint64_t *sites, size_t max);

/*
 * Symbols from .symtab (via the section headers; all bounds-checked). Returns
 * how many STT_FUNC symbols with a non-zero size lie in [lo, hi) and writes up
 * to max of their addresses, ascending, to out (used as the starts[] above).
 */
size_t elf_func_starts(const void *buf, size_t len, uint64_t lo, uint64_t hi, uint64_t *out, size_t max);

/*
 * Name of the function symbol (STT_FUNC) containing addr; 0 with *name and
 * *offset set, or -1 when none. *name points into the buffer, NUL-terminated.
 */
int elf_symbolize(const void *buf, size_t len, uint64_t addr, const char **name, uint64_t *offset);

/*
 * runtime.text and runtime.etext, the symbols around a Go program's own
 * functions (its .gopclntab's entries are offsets from runtime.text; an
 * externally linked program has C code around them in .text). 0, or -1
 * when the symbol table lacks either.
 */
int elf_go_text_bounds(const void *buf, size_t len, uint64_t *text, uint64_t *etext);

/*
 * The executable sections (SHF_ALLOC and SHF_EXECINSTR) as [addr, addr +
 * size) pairs, up to max of them into out; returns how many there are (0
 * when the file has no section headers).
 */
size_t elf_code_sections(const void *buf, size_t len, uint64_t (*out)[2], size_t max);

/*
 * The ecall sites between runtime.text and runtime.etext, found cheaply
 * (gosym.c): Go's compiler never emits ecall, so only the functions written
 * in assembly (FuncFlagAsm in their _func's flag, Go 1.18 and later) and
 * the padding after the last function are scanned, as elf_scan_ecalls
 * does, each from its start. *text and *etext say where that span is: code
 * outside it (an externally linked program's C) is the caller's to scan.
 * Writes up to max sites, ascending; returns how many there are in all, or
 * -1 when the program has no usable .gopclntab or runtime.text symbols.
 */
long elf_go_ecalls(const void *buf, size_t len, const struct elf_image *img, uint64_t *text, uint64_t *etext,
		   uint64_t *sites, size_t max);

/* The Go version the program was built with ("go1.26.8"), from its build
 * information; 0, or -1 when there is none. */
int elf_go_version(const void *buf, size_t len, char *out, size_t outlen);

/*
 * Where pc is in the Go source: the function, file and line from the
 * program's .gopclntab (gosym.c; Go 1.18 and later). 0, or -1 when the file
 * has no such table or pc is in no Go function. Strings point into buf.
 */
int elf_go_line(const void *buf, size_t len, uint64_t pc, const char **func, const char **file, int *line);

#endif
