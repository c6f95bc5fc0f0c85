/* SPDX-License-Identifier: MIT */
/*
 * UART drivers as pure register logic over an accessor, so host tests drive
 * them against a simulated register file.
 */
#ifndef GOOSE_UART_H
#define GOOSE_UART_H

#include "lib/lib.h"

struct uart {
	uintptr_t base;		/* mapped address */
	uint32_t reg_shift;	/* 16550: register i at base + (i << reg_shift) + reg_offset */
	uint32_t reg_io_width;	/* 16550: 1 or 4 byte accesses */
	uint32_t reg_offset;
	uint32_t fifo;		/* 16550: bytes the transmitter takes per THRE (1, or 16 with FIFOs on) */
	bool uue;		/* 16550: an XScale UART, IER bit 6 (unit enable) must stay set */
	uint32_t (*read)(const struct uart *u, uintptr_t addr, int width);
	void (*write)(const struct uart *u, uintptr_t addr, int width, uint32_t val);
};

/* Bounded: a UART that never drains must not hang power-off. */
#define UART_FLUSH_POLLS 1000000

/* The compatible strings uart16550.c takes (the host tests use the list too):
 * the 16550 and DesignWare's, then the XScale UARTs (Linux's 8250 PORT_XSCALE:
 * "intel,xscale-uart", and the SpacemiT K1's, which lists it second). */
#define UART16550_COMPATIBLE "ns16550a", "ns16550", "snps,dw-apb-uart"
#define UART_XSCALE_COMPATIBLE "spacemit,k1-uart", "intel,xscale-uart"

/* uart16550.c. Learn whether the firmware turned the FIFOs on (IIR), for
 * uart16550_write; on an XScale UART (u->uue), make sure the unit is on. */
void uart16550_init(struct uart *u);
/* The byte offset (from the first register) of the one the console probes
 * first: LSR, whose read changes nothing. Never RBR at offset 0: reading it
 * would pop a byte already typed. */
uint32_t uart16550_probe_offset(uint32_t reg_shift);
void uart16550_putc(const struct uart *u, char c);
/* n bytes: one THRE wait per FIFO-full, not per byte. */
void uart16550_write(const struct uart *u, const char *s, size_t n);
int uart16550_getc(const struct uart *u);
/* Wait (bounded) until what was written has left: before power-off. */
void uart16550_flush(const struct uart *u);
/* uart_sifive.c. */
void uart_sifive_flush(const struct uart *u);
void uart_sifive_init(const struct uart *u);
void uart_sifive_putc(const struct uart *u, char c);
int uart_sifive_getc(const struct uart *u);

#endif
