/* SPDX-License-Identifier: MIT */
/* Goldfish RTC (QEMU hw/rtc/goldfish_rtc.c), QEMU virt's: reading TIME_LOW
 * latches TIME_HIGH; the value is nanoseconds since the epoch. */
#include "dev/rtc.h"
#include "arch/riscv/layout.h"
#include "lib/fdt.h"

#define GOLDFISH_TIME_LOW 0x00
#define GOLDFISH_TIME_HIGH 0x04

static int goldfish_read(const struct fdt_device *dev, uint64_t *ns)
{
	volatile uint32_t *r = PA2VA(dev->base);
	uint64_t lo = r[GOLDFISH_TIME_LOW / 4];
	uint64_t hi = r[GOLDFISH_TIME_HIGH / 4];

	*ns = hi << 32 | lo;
	return 0;
}

static const char *const compatible[] = { "google,goldfish-rtc", NULL };

static const struct rtc_driver goldfish_rtc = {
	.name = "goldfish-rtc",
	.compatible = compatible,
	.read = goldfish_read,
};
REGISTER(rtcs, struct rtc_driver, goldfish_rtc);
