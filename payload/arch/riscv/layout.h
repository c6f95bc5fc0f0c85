/* SPDX-License-Identifier: MIT */
/*
 * goose's virtual memory layout (Sv39; see docs/architecture.md).
 *
 *   0x0000000000000000  page 0: never mapped (nil dereferences fault)
 *   0x0000000000010000  the Go ELF at its link addresses (Go's default)
 *   ...                 the program break, then free space
 *   0x0000000100000000  USER_MMAP_BOTTOM: mmap hands out addresses from here...
 *   USER_MMAP_TOP       ...up to here, top-down
 *   USER_STACK_TOP      the main thread's stack (USER_STACK_SIZE, demand-zero)
 *   USER_VDSO - 4 KiB   the vDSO's data page (read-only)
 *   USER_VDSO           the vDSO (clock_gettime, rt_sigreturn)
 *   0x0000004000000000  end of the lower half (USER_TOP)
 *   0xffffffc000000000  KERNEL_BASE: direct map of physical 0..254 GiB
 *                       (RAM and devices, 1 GiB pages, global)
 *   0xffffffff80000000  KERNEL_LINK: goose's own image, as linked, mapped
 *                       with 2 MiB pages to wherever it was loaded
 */
#ifndef GOOSE_LAYOUT_H
#define GOOSE_LAYOUT_H

#define KERNEL_BASE 0xffffffc000000000
#define KERNEL_DIRECT_GIB 254
#define KERNEL_LINK 0xffffffff80000000
#define USER_TOP 0x0000004000000000
#define USER_VDSO (USER_TOP - 0x1000)
#define USER_STACK_TOP (USER_TOP - 0x10000)
#define USER_STACK_SIZE (8ul << 20)
#define USER_MMAP_TOP (USER_STACK_TOP - USER_STACK_SIZE - 0x10000)
#define USER_MMAP_BOTTOM 0x0000000100000000

#ifndef __ASSEMBLER__
#include <stdint.h>
#ifdef GOOSE_HOST
/* Host tests put "physical" memory in a malloc'd arena at this offset. */
extern uint64_t host_pa_offset;
#define PA2VA(pa) ((void *)((uint64_t)(pa) + host_pa_offset))
#define VA2PA(va) ((uint64_t)(va) - host_pa_offset)
#else
/* The direct map: any physical address below 254 GiB. */
#define PA2VA(pa) ((void *)((uint64_t)(pa) + KERNEL_BASE))
#define VA2PA(va) ((uint64_t)(va) - KERNEL_BASE)
#endif
/* Where the image was loaded (entry.S): for goose's own symbols, statics and stacks. */
extern uint64_t goose_image_pa;
#define IMAGE_PA(sym) ((uint64_t)(sym) - KERNEL_LINK + goose_image_pa)
#endif

#endif
