/* SPDX-License-Identifier: MIT */
#include "dev/power.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "lib/fdt.h"
#include "sbi/sbi.h"

static const struct power_driver *driver;
static uint64_t timebase_hz;

/*
 * After the console's FIFO is empty, give its last bytes 2 ms to leave
 * before the machine stops: on hardware the shift register still holds
 * one; QEMU 10's sifive UART says its FIFO is empty while a timer has yet
 * to send it, and a reset handled first drops those bytes. The hart waits
 * in wfi (so a simulator's main loop runs meanwhile), woken by the SBI
 * timer: this hart's timer is not goose's any more.
 */
#define POWER_DRAIN_US 2000

static void power_drain(void)
{
	uint64_t end;

	if (!timebase_hz)
		return;
	end = rdtime() + timebase_hz * POWER_DRAIN_US / 1000000;
	sbi_set_timer(end);
	csr_set(CSR_SIE, SIE_STIE);
	while (rdtime() < end)
		wfi();
}

static const struct power_driver *power_match(const struct fdt_info *info, const struct fdt_device **dev)
{
	REGISTRY_FOREACH(power, struct power_driver, d)
	{
		if ((*dev = fdt_find_any(info, (*d)->compatible)))
			return *d;
	}
	return NULL;
}

const struct fdt_device *power_device(const struct fdt_info *info)
{
	const struct fdt_device *dev;

	return power_match(info, &dev) ? dev : NULL;
}

void power_init(const struct fdt_info *info)
{
	const struct fdt_device *dev;
	const struct power_driver *d = power_match(info, &dev);

	timebase_hz = info->timebase_hz;
	if (d && !d->init(dev))
		driver = d;
}

void power_off(int status)
{
	status &= 0xff;
	console_flush();
	power_drain();
	if (driver)
		driver->off(status);
	sbi_system_reset(SBI_SRST_SHUTDOWN, status ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
	/* No shutdown device (QEMU sifive_u): a cold reset, which -no-reboot
	 * turns into an exit; test drivers read the status from the console. */
	sbi_system_reset(SBI_SRST_COLD_REBOOT, SBI_SRST_REASON_NONE);
	for (;;)
		wfi();
}

void goose_exit(int status)
{
	ev_dump();
	gmsg("exit status %d", status & 0xff);
	power_off(status);
}
