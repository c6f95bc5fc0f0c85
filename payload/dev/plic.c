/* SPDX-License-Identifier: MIT */
/*
 * The platform-level interrupt controller (RISC-V PLIC specification 1.0.0),
 * an irq_chip (irq.c). Every source is routed to the boot hart's S-mode
 * context (the context whose interrupts-extended entry is <that hart's intc,
 * 9>); any hart takes them if it is that one, and an idle boot hart looks
 * after its wfi.
 */
#include "arch/riscv/hart.h"
#include "arch/riscv/ioremap.h"
#include "arch/riscv/layout.h"
#include "dev/console.h"
#include "dev/irq.h"
#include "dev/plic.h"
#include "lib/fdt.h"

#define PLIC_PRIORITY(src) (4 * (src))
#define PLIC_ENABLE(ctx, src) (0x2000 + 0x80 * (ctx) + 4 * ((src) / 32))
#define PLIC_THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (0x200004 + 0x1000 * (ctx))
#define IRQ_S_EXTERNAL 9

/* The context whose interrupts-extended entry is <intc 9>: the hart's S-mode
 * external interrupt (RISC-V PLIC binding: entry i is context i, each a
 * phandle and one cell, 9 S-mode, 11 M-mode). -1 when none is. */
int plic_s_context(const struct fdt_device *dev, uint32_t intc)
{
	for (uint32_t i = 0; intc && i + 8 <= dev->intx_len; i += 8)
		if (be32_load(dev->intx + i) == intc && be32_load(dev->intx + i + 4) == IRQ_S_EXTERNAL)
			return (int)(i / 8);
	return -1;
}

#ifndef GOOSE_HOST
static struct {
	volatile uint8_t *base;
	int ctx;		/* the boot hart's S-mode context */
} plic;

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

static void plic_set_priority(uint32_t src, uint32_t prio)
{
	*plic_reg(PLIC_PRIORITY(src)) = prio;
}

static uint32_t plic_claim(void)
{
	return *plic_reg(PLIC_CLAIM(plic.ctx));
}

static void plic_complete(uint32_t src)
{
	*plic_reg(PLIC_CLAIM(plic.ctx)) = src;
}

static int plic_init(const struct fdt_device *dev, const struct fdt_info *info, const struct hart *boot,
		     uint32_t *nsrc)
{
	uint32_t intc = 0;

	for (int i = 0; i < info->nharts; i++)
		if (info->harts[i].hartid == boot->hartid)
			intc = info->harts[i].intc_phandle;
	plic.ctx = plic_s_context(dev, intc);
	if (plic.ctx < 0) {
		gmsg("plic: no S-mode context for hart %lu in interrupts-extended; no device interrupts",
		     boot->hartid);
		return -1;
	}
	uint32_t v;

	plic.base = ioremap(dev->base, dev->size);
	if (!plic.base || io_probe32(plic_reg(PLIC_THRESHOLD(plic.ctx)), &v)) {
		gmsg("irq: %s at 0x%lx does not answer: no device interrupts", dev->name, dev->base);
		return -1;
	}
	*plic_reg(PLIC_THRESHOLD(plic.ctx)) = 0;
	*nsrc = dev->ndev;
	return 0;
}
#endif

static const char *const compatible[] = { PLIC_COMPATIBLE, NULL };

static const struct irq_chip plic_chip = {
	.name = "plic",
	.compatible = compatible,
	.init = HW(plic_init),
	.enable = HW(plic_enable),
	.set_priority = HW(plic_set_priority),
	.claim = HW(plic_claim),
	.complete = HW(plic_complete),
};
REGISTER(irqchips, struct irq_chip, plic_chip);
