/* SPDX-License-Identifier: MIT */
#include "dev/uart.h"

/* 16550 registers (TI PC16550D datasheet): THR/RBR at 0, LSR at 5. */
#define UART16550_THR 0
#define UART16550_RBR 0
#define UART16550_IIR 2
#define UART16550_LSR 5
#define IIR_FIFO_ENABLED 0xc0	/* both bits: FIFOs on (16550A) */
#define UART16550_FIFO 16
#define LSR_DR 0x01	/* data ready */
#define LSR_THRE 0x20	/* transmit holding register empty */
#define LSR_TEMT 0x40	/* transmitter empty: the last bit has left */

static uintptr_t uart16550_reg(const struct uart *u, int i)
{
	return u->base + u->reg_offset + ((uintptr_t)i << u->reg_shift);
}

void uart16550_init(struct uart *u)
{
	uint32_t iir = u->read(u, uart16550_reg(u, UART16550_IIR), u->reg_io_width);

	u->fifo = (iir & IIR_FIFO_ENABLED) == IIR_FIFO_ENABLED ? UART16550_FIFO : 1;
}

void uart16550_write(const struct uart *u, const char *s, size_t n)
{
	size_t burst = u->fifo ? u->fifo : 1;

	while (n) {
		while (!(u->read(u, uart16550_reg(u, UART16550_LSR), u->reg_io_width) & LSR_THRE))
			;
		/* THRE with FIFOs on means the whole FIFO is empty. */
		for (size_t i = 0; i < burst && n; i++, n--)
			u->write(u, uart16550_reg(u, UART16550_THR), u->reg_io_width, (uint8_t)*s++);
	}
}

/* The firmware set the baud rate already: only poll and move bytes. */
void uart16550_putc(const struct uart *u, char c)
{
	while (!(u->read(u, uart16550_reg(u, UART16550_LSR), u->reg_io_width) & LSR_THRE))
		;
	u->write(u, uart16550_reg(u, UART16550_THR), u->reg_io_width, (uint8_t)c);
}

/* Bounded: a UART that never drains must not hang power-off. */
#define UART_FLUSH_POLLS 1000000

void uart16550_flush(const struct uart *u)
{
	for (int i = 0; i < UART_FLUSH_POLLS; i++)
		if (u->read(u, uart16550_reg(u, UART16550_LSR), u->reg_io_width) & LSR_TEMT)
			return;
}

int uart16550_getc(const struct uart *u)
{
	if (!(u->read(u, uart16550_reg(u, UART16550_LSR), u->reg_io_width) & LSR_DR))
		return -1;
	return (int)(u->read(u, uart16550_reg(u, UART16550_RBR), u->reg_io_width) & 0xff);
}

/* SiFive UART (FU540-C000 manual, chapter 13): 32-bit registers. */
#define SIFIVE_TXDATA 0x00
#define SIFIVE_RXDATA 0x04
#define SIFIVE_TXCTRL 0x08
#define SIFIVE_IP 0x14
#define SIFIVE_IP_TXWM 1u
#define SIFIVE_TXCNT_SHIFT 16	/* txctrl.txcnt: txwm pends while fewer entries are queued */
#define SIFIVE_RXCTRL 0x0c
#define SIFIVE_FULL (1u << 31)
#define SIFIVE_EMPTY (1u << 31)

void uart_sifive_init(const struct uart *u)
{
	/* txen, and txcnt = 1 so that ip.txwm means "transmit FIFO empty". */
	u->write(u, u->base + SIFIVE_TXCTRL, 4,
		 (u->read(u, u->base + SIFIVE_TXCTRL, 4) & ~(7u << SIFIVE_TXCNT_SHIFT)) | 1u << SIFIVE_TXCNT_SHIFT | 1);
	u->write(u, u->base + SIFIVE_RXCTRL, 4, u->read(u, u->base + SIFIVE_RXCTRL, 4) | 1);
}

void uart_sifive_putc(const struct uart *u, char c)
{
	while (u->read(u, u->base + SIFIVE_TXDATA, 4) & SIFIVE_FULL)
		;
	u->write(u, u->base + SIFIVE_TXDATA, 4, (uint8_t)c);
}

/* The FIFO is empty (the last byte may still be shifting out). */
void uart_sifive_flush(const struct uart *u)
{
	for (int i = 0; i < UART_FLUSH_POLLS; i++)
		if (u->read(u, u->base + SIFIVE_IP, 4) & SIFIVE_IP_TXWM)
			return;
}

int uart_sifive_getc(const struct uart *u)
{
	uint32_t v = u->read(u, u->base + SIFIVE_RXDATA, 4);

	return (v & SIFIVE_EMPTY) ? -1 : (int)(v & 0xff);
}
