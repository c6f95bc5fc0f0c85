/* SPDX-License-Identifier: MIT */
#include "dev/irq.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "lib/fdt.h"

#define IRQ_MAX_SOURCES 1024

static struct {
	const struct irq_chip *chip;
	uint32_t nsrc;
	uint32_t count[IRQ_MAX_SOURCES];
	void (*notify)(void);
} irq;

const char *irq_init(const struct fdt_info *info, const struct hart *boot)
{
	REGISTRY_FOREACH(irqchips, struct irq_chip, chip)
	{
		const struct fdt_device *dev = fdt_find_any(info, (*chip)->compatible);
		uint32_t n = 0;

		if (!dev || (*chip)->init(dev, info, boot, &n))
			continue;
		irq.chip = *chip;
		irq.nsrc = MIN(n, (uint32_t)IRQ_MAX_SOURCES - 1);
		for (uint32_t src = 1; src <= irq.nsrc; src++)
			irq.chip->enable(src, false);
		csr_set(CSR_SIE, SIE_SEIE);
		return irq.chip->name;
	}
	return NULL;
}

bool irq_present(void)
{
	return irq.chip != NULL;
}

uint32_t irq_nsources(void)
{
	return irq.nsrc;
}

void irq_set_notify(void (*fn)(void))
{
	irq.notify = fn;
}

void irq_handle(void)
{
	if (!irq.chip)
		return;
	for (uint32_t src; (src = irq.chip->claim());) {
		/* Masked until the program says it is done (write 1). */
		if (src <= irq.nsrc) {
			irq.count[src]++;
			irq.chip->enable(src, false);
		}
		irq.chip->complete(src);
	}
	if (irq.notify)
		irq.notify();
}

uint32_t irq_count(uint32_t src)
{
	return src <= irq.nsrc ? irq.count[src] : 0;
}

void irq_arm(uint32_t src)
{
	irq.chip->set_priority(src, 1);
	irq.chip->enable(src, true);
}

void irq_enable(uint32_t src, bool on)
{
	irq.chip->enable(src, on);
}
