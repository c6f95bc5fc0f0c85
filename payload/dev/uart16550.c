/* SPDX-License-Identifier: MIT */
/*
 * The 16550 UART and its kin (TI PC16550D datasheet): ns16550a, Synopsys
 * DesignWare's dw-apb-uart (registers reg-shift apart, reg-io-width wide:
 * the VisionFive 2's), and the XScale UART of Intel's PXA (the Banana Pi
 * F3's SpacemiT K1 has four-byte registers of that kind). The firmware set
 * the baud rate already: goose only polls and moves bytes. The register
 * logic works through struct uart's accessors, so host tests drive it
 * against a simulated register file.
 */
#include "dev/uart.h"
#include "dev/console.h"
#include "lib/fdt.h"


/* 16550 registers (TI PC16550D datasheet): THR/RBR at 0, LSR at 5. */
#define UART16550_THR 0
#define UART16550_RBR 0
#define UART16550_IER 1
#define UART16550_IIR 2
#define UART16550_LSR 5
#define IIR_FIFO_ENABLED 0xc0	/* both bits: FIFOs on (16550A) */
#define UART16550_FIFO 16
#define LSR_DR 0x01	/* data ready */
#define LSR_THRE 0x20	/* transmit holding register empty */
#define LSR_TEMT 0x40	/* transmitter empty: the last bit has left */
/* XScale (PXA) IER bit 6: the UART unit is on. Clear, it sends nothing;
 * Linux's 8250 driver keeps it set in every IER it writes (UART_CAP_UUE). */
#define IER_UUE 0x40

static uintptr_t uart16550_reg(const struct uart *u, int i)
{
	return u->base + u->reg_offset + ((uintptr_t)i << u->reg_shift);
}

uint32_t uart16550_probe_offset(uint32_t reg_shift)
{
	return UART16550_LSR << reg_shift;
}

void uart16550_init(struct uart *u)
{
	uint32_t iir, ier;

	/* The firmware that printed before goose left the unit on; a unit some
	 * earlier stage turned off is turned on, its other IER bits kept. */
	if (u->uue) {
		ier = u->read(u, uart16550_reg(u, UART16550_IER), u->reg_io_width);
		if (!(ier & IER_UUE))
			u->write(u, uart16550_reg(u, UART16550_IER), u->reg_io_width, (ier & 0xff) | IER_UUE);
	}
	iir = u->read(u, uart16550_reg(u, UART16550_IIR), u->reg_io_width);
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

static bool uart16550_is_xscale(const struct fdt_device *dev)
{
	static const char *const xscale[] = { UART_XSCALE_COMPATIBLE, NULL };

	for (const char *const *c = xscale; *c; c++)
		if (fdt_stringlist_contains(dev->compat, dev->compat_len, *c))
			return true;
	return false;
}

static int uart16550_attach(const struct fdt_device *dev)
{
	if (console_uart(&uart, dev, uart16550_probe_offset(dev->reg_shift), dev->reg_io_width == 4 ? 4 : 1))
		return -1;
	uart.uue = uart16550_is_xscale(dev);
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

static const char *const compatible[] = { UART16550_COMPATIBLE, UART_XSCALE_COMPATIBLE, NULL };

static const struct console_driver uart16550_console = {
	.compatible = compatible,
	.name = "uart16550",
	.init = HW(uart16550_attach),
	.write = HW(console_16550_write),
	.getc = HW(console_16550_getc),
	.flush = HW(console_16550_flush),
};
REGISTER(consoles, struct console_driver, uart16550_console);
