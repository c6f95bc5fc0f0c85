/* SPDX-License-Identifier: MIT */
/*
 * QEMU's sifive_test finisher (hw/misc/sifive_test.c), QEMU virt's power-off
 * device: a 32-bit write of 0x5555 passes, (code << 16) | 0x3333 fails with
 * exit code `code`, so QEMU's own exit status is the program's.
 */
#include "dev/power.h"
#include "arch/riscv/ioremap.h"
#include "arch/riscv/layout.h"
#include "lib/fdt.h"

#define FINISHER_FAIL 0x3333
#define FINISHER_PASS 0x5555

#ifndef GOOSE_HOST
static volatile uint32_t *reg;

static int sifive_test_init(const struct fdt_device *dev)
{
	uint32_t v;

	reg = ioremap(dev->base, 4);
	return reg && !io_probe32(reg, &v) ? 0 : -1;
}

static void sifive_test_off(int status)
{
	*reg = status ? ((uint32_t)status << 16) | FINISHER_FAIL : FINISHER_PASS;
}
#endif

static const char *const compatible[] = { "sifive,test0", NULL };

static const struct power_driver sifive_test = {
	.compatible = compatible,
	.init = HW(sifive_test_init),
	.off = HW(sifive_test_off),
};
REGISTER(power, struct power_driver, sifive_test);
