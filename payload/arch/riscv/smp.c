/* SPDX-License-Identifier: MIT */
/* The harts and what one asks of the others (SBI IPI and RFENCE). */
#include "arch/riscv/hart.h"
#include "sbi/sbi.h"

struct hart harts[MAX_HARTS];
int nharts;

void smp_tlb_shootdown(uint64_t start, uint64_t size)
{
	struct hart *self = this_hart();

	/* SBI RFENCE returns once the other harts have fenced. */
	for (int i = 0; i < nharts; i++)
		if (&harts[i] != self)
			sbi_remote_sfence_vma(1, harts[i].hartid, start, size);
}

/* Interrupt hart h (SBI IPI): it traps, and its sched_resume runs. */
void smp_kick(struct hart *h)
{
	if (h != this_hart())
		sbi_send_ipi(1, h->hartid);
}
