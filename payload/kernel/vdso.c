/* SPDX-License-Identifier: MIT */
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "include/uapi/mman.h"
#include "kernel/clock.h"
#include "kernel/vdso.h"
#include "mm/vm.h"

/* vdso.S */
extern const char vdso_start[], vdso_end[];
extern const char __vdso_clock_gettime[], __vdso_rt_sigreturn[];
extern const char vdso_syscall_clock_gettime[], vdso_syscall_rt_sigreturn[];
extern const char vdso_sym_clock_gettime[];

/* Elf64_Sym's st_shndx; SHN_UNDEF (0) makes the symbol one the vDSO lacks. */
#define ST_SHNDX 6

#define VDSO_DATA (USER_VDSO - PAGE_SIZE)

static struct vdso_data *data;
static bool mapped;

_Static_assert(sizeof(struct vdso_data) <= PAGE_SIZE, "vdso data fits a page");
/* vdso.S's VVAR_* offsets. */
_Static_assert(__builtin_offsetof(struct vdso_data, mult) == 8 && __builtin_offsetof(struct vdso_data, realtime_ns) == 16 &&
		       __builtin_offsetof(struct vdso_data, shift) == 24 &&
		       __builtin_offsetof(struct vdso_data, sec_mult) == 32,
	       "vdso.S's VVAR offsets");

static uint64_t vdso_addr(const char *sym)
{
	return USER_VDSO + (uint64_t)(sym - vdso_start);
}

int vdso_map(bool export_clock)
{
	uint64_t dpa = pmem_alloc_zeroed(&pmem), cpa = pmem_alloc_zeroed(&pmem);

	if (!dpa || !cpa)
		return -1;
	if ((size_t)(vdso_end - vdso_start) > PAGE_SIZE)
		panic("vdso: image is %zu bytes, more than a page", (size_t)(vdso_end - vdso_start));
	memcpy(PA2VA(cpa), vdso_start, (size_t)(vdso_end - vdso_start));
	/* goose.vdso=0: the program's lookup of __vdso_clock_gettime fails
	 * (Go's vdsoParseSymbols skips undefined symbols), so it reads the clock
	 * with the system call. The image stays for __vdso_rt_sigreturn. */
	if (!export_clock)
		*(uint16_t *)((char *)PA2VA(cpa) + (vdso_sym_clock_gettime - vdso_start) + ST_SHNDX) = 0;
	data = PA2VA(dpa);
	clock_vdso_fill(data);
	if (vm_add(VDSO_DATA, USER_VDSO, PROT_READ) || vm_map_page(VDSO_DATA, dpa, PROT_READ) ||
	    vm_add(USER_VDSO, USER_VDSO + PAGE_SIZE, PROT_READ | PROT_EXEC) ||
	    vm_map_page(USER_VDSO, cpa, PROT_READ | PROT_EXEC))
		return -1;
	fence_i();
	mapped = true;
	return 0;
}

uint64_t vdso_base(void)
{
	return mapped ? USER_VDSO : 0;
}

struct vdso_data *vdso_data(void)
{
	return data;
}

bool vdso_is_syscall_site(uint64_t pc)
{
	return mapped && (pc == vdso_addr(vdso_syscall_clock_gettime) || pc == vdso_addr(vdso_syscall_rt_sigreturn));
}

uint64_t vdso_sigreturn(void)
{
	return vdso_addr(__vdso_rt_sigreturn);
}

const char *vdso_symbolize(uint64_t pc, uint64_t *off)
{
	if (!mapped || pc < USER_VDSO || pc >= USER_VDSO + PAGE_SIZE)
		return NULL;
	if (pc >= vdso_addr(__vdso_rt_sigreturn)) {
		*off = pc - vdso_addr(__vdso_rt_sigreturn);
		return "__vdso_rt_sigreturn";
	}
	if (pc >= vdso_addr(__vdso_clock_gettime)) {
		*off = pc - vdso_addr(__vdso_clock_gettime);
		return "__vdso_clock_gettime";
	}
	*off = pc - USER_VDSO;
	return "[vdso]";
}
