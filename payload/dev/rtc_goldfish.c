/* SPDX-License-Identifier: MIT */
/* Goldfish RTC (QEMU hw/rtc/goldfish_rtc.c), QEMU virt's: reading TIME_LOW
 * latches TIME_HIGH; the value is nanoseconds since the epoch. */
#include "dev/rtc.h"
#include "arch/riscv/ioremap.h"
#include "arch/riscv/layout.h"
#include "lib/fdt.h"

#define GOLDFISH_TIME_LOW 0x00
#define GOLDFISH_TIME_HIGH 0x04

#ifndef GOOSE_HOST
static int goldfish_read(const struct fdt_device *dev, uint64_t *ns)
{
	volatile uint32_t *r = ioremap(dev->base, 8);
	uint32_t lo, hi;

	/* Reading TIME_LOW latches TIME_HIGH; a tree may name an RTC that is not there. */
	if (!r || io_probe32(&r[GOLDFISH_TIME_LOW / 4], &lo))
		return -1;
	hi = r[GOLDFISH_TIME_HIGH / 4];
	*ns = (uint64_t)hi << 32 | lo;
	return 0;
}
#endif

static const char *const compatible[] = { "google,goldfish-rtc", NULL };

static const struct rtc_driver goldfish_rtc = {
	.name = "goldfish-rtc",
	.compatible = compatible,
	.read = HW(goldfish_read),
};
REGISTER(rtcs, struct rtc_driver, goldfish_rtc);
