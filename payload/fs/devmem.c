/* SPDX-License-Identifier: MIT */
/*
 * /dev/mem, device access the Linux way (drivers/char/mem.c): mmap(MAP_SHARED,
 * offset = physical address) maps device registers. A range must lie in the
 * union of the device nodes' reg (from the FDT, widened to whole pages), so
 * one call may span neighbours (QEMU virt's eight virtio-mmio slots); RAM,
 * and the firmware's reserved memory wherever it is, are refused (EPERM),
 * as Linux refuses RAM and leaves device boundaries alone. (How a
 * driver learns its DMA buffers' addresses, /proc/self/pagemap, is procfs.c's.)
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
	struct fdt_range ram[2 * FDT_MAX_RANGES];	/* RAM banks and reserved memory */
	int nram;
} dm;

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* Is [pa, pa+len) covered by devices' registers (widened to whole pages),
 * one or several, with no RAM in it? */
static long mem_range_ok(uint64_t pa, uint64_t len)
{
	uint64_t at = pa, end;

	/* Room to round the end up to a page, without wrapping. */
	if (pa > UINT64_MAX - PAGE_SIZE || len > UINT64_MAX - PAGE_SIZE - pa)
		return -EINVAL;
	end = pa + len;
	for (int i = 0; i < dm.nram; i++)
		if (overlaps(pa, end, dm.ram[i].base, dm.ram[i].base + dm.ram[i].size))
			return -EPERM;
	/* Walk from pa: some device's pages must hold each next address. */
	while (at < end) {
		uint64_t reach = at;

		for (int i = 0; i < dm.ndev; i++) {
			uint64_t b = ALIGN_DOWN(dm.dev[i].base, PAGE_SIZE);
			uint64_t e = ALIGN_UP(dm.dev[i].base + dm.dev[i].size, PAGE_SIZE);

			if (b <= at && at < e)
				reach = MAX(reach, e);
		}
		if (reach == at)
			return -ENXIO;
		at = reach;
	}
	return 0;
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

void devmem_init(const struct fdt_info *info)
{
	dm.ndev = info->nmmio;
	memcpy(dm.dev, info->mmio, sizeof(dm.dev));
	for (int i = 0; i < info->nmem; i++)
		dm.ram[dm.nram++] = info->mem[i];
	for (int i = 0; i < info->nresv; i++)
		dm.ram[dm.nram++] = info->resv[i];
	if (vfs_add_device("/dev/mem", &mem_ops, 0640, 0x101, NULL))
		panic("devmem_init: no memory for /dev/mem");
}
