/* SPDX-License-Identifier: MIT */
/*
 * The SiFive UART (FU540-C000 manual, chapter 13: 32-bit registers): the
 * HiFive Unleashed's and Unmatched's console, and QEMU sifive_u's.
 */
#include "dev/uart.h"
#include "dev/console.h"

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

#ifndef GOOSE_HOST
static struct uart uart;

static int sifive_attach(const struct fdt_device *dev)
{
	/* txdata: its read only says whether the FIFO is full (rxdata's pops a byte). */
	if (console_uart(&uart, dev, SIFIVE_TXDATA, 4))
		return -1;
	uart_sifive_init(&uart);
	return 0;
}

static void console_sifive_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uart_sifive_putc(&uart, s[i]);
}

static int console_sifive_getc(void)
{
	return uart_sifive_getc(&uart);
}

static void console_sifive_flush(void)
{
	uart_sifive_flush(&uart);
}
#endif

static const char *const compatible[] = { "sifive,uart0", NULL };

static const struct console_driver sifive_console = {
	.compatible = compatible,
	.name = "uart-sifive",
	.init = HW(sifive_attach),
	.write = HW(console_sifive_write),
	.getc = HW(console_sifive_getc),
	.flush = HW(console_sifive_flush),
};
REGISTER(consoles, struct console_driver, sifive_console);
