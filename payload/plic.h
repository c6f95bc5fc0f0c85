/* SPDX-License-Identifier: MIT */
#ifndef GOOSE_PLIC_H
#define GOOSE_PLIC_H

#include "lib.h"

struct fdt_info;
struct hart;

/* Route every PLIC source to the boot hart's S-mode context and make
 * /dev/irq/<n> for each (plic.c). */
void plic_init(const struct fdt_info *info, const struct hart *boot);
/* Claim, count, mask and complete what is pending (an external interrupt). */
void plic_handle(void);
bool plic_present(void);

#endif
