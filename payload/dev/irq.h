/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts, whatever controller delivers them. The controller
 * driver (plic.c) claims and completes; this layer counts each source's
 * interrupts and keeps a fired source masked until the program re-enables
 * it (fs/devirq.c: /dev/irq/<n>, Linux's UIO model), then tells whoever
 * waits (a notifier the file layer sets: dev/ knows no threads).
 */
#ifndef GOOSE_IRQ_H
#define GOOSE_IRQ_H

#include "lib/lib.h"

struct fdt_device;
struct fdt_info;
struct hart;

/* An interrupt controller driver, REGISTERed in its own file (plic.c). */
struct irq_chip {
	const char *name;
	const char *const *compatible;	/* NULL-terminated */
	/* Take dev for hart boot: sources 1..n in *nsrc; 0, or -1 when it
	 * cannot (after one "goose: " line). */
	int (*init)(const struct fdt_device *dev, const struct fdt_info *info, const struct hart *boot,
		    uint32_t *nsrc);
	void (*enable)(uint32_t src, bool on);
	void (*set_priority)(uint32_t src, uint32_t prio);
	/* The next pending source (0: none); complete it when handled. */
	uint32_t (*claim)(void);
	void (*complete)(uint32_t src);
};

/* The PLIC binding (plic.c): the context of the hart whose interrupt
 * controller is intc for its S-mode external interrupt (entry i of dev's
 * interrupts-extended is context i, <phandle 9>), or -1 when none is. */
int plic_s_context(const struct fdt_device *dev, uint32_t intc);

/* Find and start the controller; returns its name or NULL (no device interrupts). */
const char *irq_init(const struct fdt_info *info, const struct hart *boot);
bool irq_present(void);
uint32_t irq_nsources(void);
/* An external interrupt: claim, count, mask and complete what is pending,
 * then call the notifier. */
void irq_handle(void);
void irq_set_notify(void (*fn)(void));
/* Interrupts source src has raised so far. */
uint32_t irq_count(uint32_t src);
/* Arm src (priority above the threshold, enabled), or mask / unmask it. */
void irq_arm(uint32_t src);
void irq_enable(uint32_t src, bool on);

#endif
