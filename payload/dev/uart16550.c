/* SPDX-License-Identifier: MIT */
/*
 * The 16550 UART and its kin (TI PC16550D datasheet): ns16550a, Synopsys
 * DesignWare's dw-apb-uart (registers reg-shift apart, reg-io-width wide:
 * the VisionFive 2's). The firmware set the baud rate already: goose only
 * polls and moves bytes. The register logic works through struct uart's
 * accessors, so host tests drive it against a simulated register file.
 */
#include "dev/uart.h"
#include "dev/console.h"


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

#ifndef GOOSE_HOST
static struct uart uart;

static int uart16550_attach(const struct fdt_device *dev)
{
	if (console_uart(&uart, dev))
		return -1;
	uart16550_init(&uart);
	return 0;
}

static void console_16550_write(const char *s, size_t n)
{
	uart16550_write(&uart, s, n);
}

static int console_16550_getc(void)
{
	return uart16550_getc(&uart);
}

static void console_16550_flush(void)
{
	uart16550_flush(&uart);
}
#endif

static const char *const compatible[] = { "ns16550a", "ns16550", "snps,dw-apb-uart", NULL };

static const struct console_driver uart16550_console = {
	.compatible = compatible,
	.init = HW(uart16550_attach),
	.write = HW(console_16550_write),
	.getc = HW(console_16550_getc),
	.flush = HW(console_16550_flush),
};
REGISTER(consoles, struct console_driver, uart16550_console);
