/* SPDX-License-Identifier: MIT */
/*
 * Device access the Linux way (drivers/char/mem.c, fs/proc/task_mmu.c):
 *   /dev/mem            mmap(MAP_SHARED, offset = physical address) maps
 *                       device registers; only ranges inside a device node's
 *                       reg (from the FDT) are allowed, never RAM (EPERM).
 *   /proc/self/pagemap  8 bytes per virtual page: bit 63 present, bits 0-54
 *                       the page frame number; how a driver learns the
 *                       physical address of its DMA buffers.
 *   /proc/self/maps     the mappings, one line each, as Linux prints them
 *                       (runtime/pprof reads it); none names a file.
 * goose maps device pages without the PBMT IO attribute: on the boards and
 * on QEMU the platform's PMAs already make device ranges uncached.
 */
#include "fs/devmem.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "include/uapi/errno.h"
#include "include/uapi/eventpoll.h"
#include "include/uapi/mman.h"
#include "lib/fdt.h"
#include "mm/vm.h"

static struct {
	struct fdt_range dev[FDT_MAX_DEVS];
	int ndev;
	struct fdt_range ram[FDT_MAX_RANGES];
	int nram;
} dm;

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* Is [pa, pa+len) inside one device's registers (widened to whole pages)? */
static long mem_range_ok(uint64_t pa, uint64_t len)
{
	if (len > UINT64_MAX - pa)
		return -EINVAL;
	for (int i = 0; i < dm.nram; i++)
		if (overlaps(pa, pa + len, dm.ram[i].base, dm.ram[i].base + dm.ram[i].size))
			return -EPERM;
	for (int i = 0; i < dm.ndev; i++) {
		uint64_t b = ALIGN_DOWN(dm.dev[i].base, PAGE_SIZE);
		uint64_t e = ALIGN_UP(dm.dev[i].base + dm.dev[i].size, PAGE_SIZE);

		if (pa >= b && pa + len <= e)
			return 0;
	}
	return -ENXIO;
}

static long mem_mmap(struct file *f, uint64_t va, uint64_t len, uint32_t prot, uint64_t off, bool shared)
{
	long r;

	(void)f;
	if (!shared)
		return -EINVAL; /* a private copy of device registers means nothing */
	if (prot & PROT_EXEC)
		return -EPERM;
	if ((r = mem_range_ok(off, len)))
		return r;
	for (uint64_t done = 0; done < len; done += PAGE_SIZE)
		if (vm_map_device(va + done, off + done, prot))
			return -ENOMEM;
	return 0;
}

static uint32_t mem_poll(struct file *f)
{
	(void)f;
	return EPOLLIN | EPOLLOUT;
}

static const struct file_ops mem_ops = {
	.poll = mem_poll,
	.mmap = mem_mmap,
	.seekable = true,
	.vm_flags = VM_DEVICE,
};

#define PM_PRESENT (1ull << 63)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN_MASK ((1ull << 55) - 1)

/* Linux reads pagemap 8 bytes at a time from an 8-aligned offset. */
static long pagemap_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	uint64_t *out = buf;
	size_t n = len / 8;

	(void)f;
	if ((*off & 7) || (len & 7))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t va = (*off / 8 + i) * PAGE_SIZE;
		uint64_t pa = va < USER_TOP ? vm_phys(va) : 0;

		out[i] = pa ? PM_PRESENT | PM_EXCLUSIVE | ((pa >> PAGE_SHIFT) & PM_PFN_MASK) : 0;
	}
	*off += n * 8;
	return (long)(n * 8);
}

static const struct file_ops pagemap_ops = {
	.read = pagemap_read,
	.seekable = true,
};

/* The lines are made as they are read: the bytes of [*off, *off + len). */
static long maps_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	uint64_t pos = 0, done = 0;
	const struct vma *v;

	(void)f;
	for (int i = 0; (v = vm_vma_at(i)) && done < len; i++) {
		char line[128];
		const char *name = v->start == USER_VDSO - PAGE_SIZE ? "[vvar]" : v->start == USER_VDSO ? "[vdso]" : "";
		int n = snprintf(line, sizeof(line), "%08lx-%08lx %c%c%c%c 00000000 00:00 0%s%s\n", v->start, v->end,
				 v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
				 v->prot & PROT_EXEC ? 'x' : '-', v->prot & VM_DEVICE ? 's' : 'p', *name ? "    " : " ",
				 name);

		if (pos + (uint64_t)n > *off) {
			uint64_t from = *off > pos ? *off - pos : 0, k = MIN((uint64_t)n - from, len - done);

			memcpy((char *)buf + done, line + from, k);
			done += k;
		}
		pos += (uint64_t)n;
	}
	*off += done;
	return (long)done;
}

static const struct file_ops maps_ops = {
	.read = maps_read,
	.seekable = true,
};

void devmem_init(const struct fdt_info *info)
{
	dm.ndev = info->ndevs;
	memcpy(dm.dev, info->devs, sizeof(dm.dev));
	dm.nram = info->nmem;
	memcpy(dm.ram, info->mem, sizeof(dm.ram));
	if (vfs_add_device("/dev/mem", &mem_ops, 0640, 0x101, NULL) ||
	    vfs_add_device("/proc/self/pagemap", &pagemap_ops, 0400, 0, NULL) ||
	    vfs_add_device("/proc/self/maps", &maps_ops, 0444, 0, NULL))
		panic("devmem_init: no memory for /dev/mem");
}
