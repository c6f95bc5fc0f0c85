/* SPDX-License-Identifier: MIT */
#ifndef GOOSE_DEVIRQ_H
#define GOOSE_DEVIRQ_H

/* /dev/irq/<n> for every source of the interrupt controller (devirq.c). */
void devirq_init(void);

#endif
