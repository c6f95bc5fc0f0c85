/* SPDX-License-Identifier: MIT */
/*
 * The platform-level interrupt controller (RISC-V PLIC specification 1.0.0)
 * and a file per interrupt source for the Go program, in the manner of
 * Linux's UIO (drivers/uio/uio.c):
 *
 *   /dev/irq/<n>   n = PLIC source. Opening it enables the source. read()
 *                  of 4 bytes blocks until the source has fired since this
 *                  file last read, and returns the count of interrupts so
 *                  far (u32). A source that fires is masked until the program
 *                  writes a u32 1 (re-enable; 0 masks it). poll/epoll: EPOLLIN
 *                  when there is a count to read.
 *
 * Every source is routed to the boot hart's S-mode context (the context
 * whose interrupts-extended entry is <that hart's intc, 9>); any hart takes
 * them if it is that one, and an idle boot hart looks after its wfi.
 */
#include "plic.h"
#include "console.h"
#include "errno.h"
#include "fdt.h"
#include "file.h"
#include "layout.h"
#include "riscv.h"
#include "thread.h"
#include "vfs.h"

#define PLIC_PRIORITY(src) (4 * (src))
#define PLIC_ENABLE(ctx, src) (0x2000 + 0x80 * (ctx) + 4 * ((src) / 32))
#define PLIC_THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (0x200004 + 0x1000 * (ctx))
#define PLIC_MAX_SOURCES 1024
#define IRQ_S_EXTERNAL 9

static struct {
	volatile uint8_t *base;
	int ctx;		/* the boot hart's S-mode context, -1 when none */
	uint32_t ndev;
	uint32_t count[PLIC_MAX_SOURCES];
} plic = { .ctx = -1 };

static volatile uint32_t *plic_reg(uint64_t off)
{
	return (volatile uint32_t *)(plic.base + off);
}

static void plic_enable(uint32_t src, bool on)
{
	volatile uint32_t *en = plic_reg(PLIC_ENABLE(plic.ctx, src));

	if (on)
		*en |= 1u << (src % 32);
	else
		*en &= ~(1u << (src % 32));
}

bool plic_present(void)
{
	return plic.ctx >= 0;
}

void plic_handle(void)
{
	if (plic.ctx < 0)
		return;
	for (;;) {
		uint32_t src = *plic_reg(PLIC_CLAIM(plic.ctx));

		if (!src)
			break;
		/* Masked until the program says it is done (write 1). */
		if (src <= plic.ndev) {
			plic.count[src]++;
			plic_enable(src, false);
		}
		*plic_reg(PLIC_CLAIM(plic.ctx)) = src;
	}
	/* Readers block as poll waiters: let them look again. */
	sched_wake_pollers();
}

static uint32_t irq_src(const struct file *f)
{
	return (uint32_t)(uintptr_t)f->priv;
}

/* The file's offset holds the count it last read. */
static uint32_t irq_poll(struct file *f)
{
	uint32_t c = plic.count[irq_src(f)];

	/* epoll's edge trigger sees a new count as a new event. */
	f->gen = c;
	return (c != (uint32_t)f->off ? EPOLLIN | EPOLLRDNORM : 0) | EPOLLOUT;
}

static long irq_read(struct file *f, void *buf, size_t len, uint64_t *off)
{
	uint32_t c = plic.count[irq_src(f)];

	(void)off;
	if (len < sizeof(c))
		return -EINVAL;
	if (c == (uint32_t)f->off)
		return -EAGAIN;
	f->off = c;
	memcpy(buf, &c, sizeof(c));
	return sizeof(c);
}

static long irq_write(struct file *f, const void *buf, size_t len, uint64_t *off)
{
	uint32_t v;

	(void)off;
	if (len != sizeof(v))
		return -EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v > 1)
		return -EINVAL;
	plic_enable(irq_src(f), v);
	return sizeof(v);
}

/* Opening arms the source: priority 1 (above the threshold 0), enabled. */
static int irq_open(struct file *f)
{
	uint32_t src = irq_src(f);

	*plic_reg(PLIC_PRIORITY(src)) = 1;
	plic_enable(src, true);
	f->off = plic.count[src];
	return 0;
}

static const struct file_ops irq_ops = {
	.open = irq_open,
	.read = irq_read,
	.write = irq_write,
	.poll = irq_poll,
};

void plic_init(const struct fdt_info *info, const struct hart *boot)
{
	uint32_t intc = 0;

	if (!info->plic.present)
		return;
	for (int i = 0; i < info->nharts; i++)
		if (info->harts[i].hartid == boot->hartid)
			intc = info->harts[i].intc_phandle;
	for (int i = 0; i < info->nplic_ctx && intc; i++)
		if (info->plic_ctx_phandle[i] == intc && info->plic_ctx_irq[i] == IRQ_S_EXTERNAL)
			plic.ctx = i;
	if (plic.ctx < 0) {
		gmsg("plic: no S-mode context for hart %lu in interrupts-extended; no device interrupts",
		     boot->hartid);
		return;
	}
	plic.base = PA2VA(info->plic.base);
	plic.ndev = MIN(info->plic_ndev, (uint32_t)PLIC_MAX_SOURCES - 1);
	for (uint32_t src = 1; src <= plic.ndev; src++)
		plic_enable(src, false);
	*plic_reg(PLIC_THRESHOLD(plic.ctx)) = 0;
	for (uint32_t src = 1; src <= plic.ndev; src++) {
		char path[32];

		snprintf(path, sizeof(path), "/dev/irq/%u", src);
		if (vfs_add_device(path, &irq_ops, 0600, 0, (void *)(uintptr_t)src))
			panic("plic_init: no memory for %s", path);
	}
	csr_set(CSR_SIE, SIE_SEIE);
}
