/* SPDX-License-Identifier: MIT */
#include "kernel/clock.h"
#include "arch/riscv/extable.h"
#include "arch/riscv/layout.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "kernel/thread.h"
#include "kernel/vdso.h"
#include "lib/bootargs.h"

BOOT_OPTION(time_option, "goose.time", "goose.time=<unix seconds>",
	    "the wall clock at boot when the machine has no RTC goose knows");

static struct {
	uint64_t hz;
	uint64_t boot_ticks;
	struct clock_scale scale;	/* ns = (ticks * mult) >> shift */
	uint64_t realtime_at_boot;	/* ns since the epoch at boot_ticks */
	const char *source;
} clk;

uint64_t clock_ticks(void)
{
	return rdtime();
}

uint64_t clock_timebase(void)
{
	return clk.hz;
}

/* Rounded up, so a deadline is never early. */
uint64_t clock_ns_to_ticks(uint64_t ns)
{
	uint64_t t = ns / NSEC_PER_SEC * clk.hz;
	uint64_t r = ns % NSEC_PER_SEC * clk.hz;

	return t + r / NSEC_PER_SEC + (r % NSEC_PER_SEC != 0);
}

void clock_init(uint64_t timebase_hz, uint64_t realtime_ns, const char *source)
{
	clk.hz = timebase_hz ? timebase_hz : 10000000;
	clk.scale = clock_scale_of(clk.hz);
	clk.boot_ticks = rdtime();
	clk.realtime_at_boot = realtime_ns;
	clk.source = source ? source : "none (epoch)";
	/* A long wait for a spinlock naps this long at a time (arch/riscv/smp.c). */
	smp_set_spin_nap(clock_ns_to_ticks(100 * 1000));
}

const char *clock_source(void)
{
	return clk.source;
}

uint64_t clock_monotonic_ns(void)
{
	return clock_scale_ns(clk.scale, rdtime() - clk.boot_ticks);
}

uint64_t clock_realtime_ns(void)
{
	return __atomic_load_n(&clk.realtime_at_boot, __ATOMIC_RELAXED) + clock_monotonic_ns();
}

void clock_set_realtime_ns(uint64_t ns)
{
	uint64_t at_boot = ns - clock_monotonic_ns();
	struct vdso_data *d = vdso_data();

	__atomic_store_n(&clk.realtime_at_boot, at_boot, __ATOMIC_RELAXED);
	if (d)
		__atomic_store_n(&d->realtime_ns, at_boot, __ATOMIC_RELAXED);
}

uint64_t clock_deadline(uint64_t mono_ns)
{
	uint64_t t = clk.boot_ticks + clock_ns_to_ticks(mono_ns);

	return t < clk.boot_ticks ? UINT64_MAX : t;
}

void clock_vdso_fill(struct vdso_data *d)
{
	d->boot_ticks = clk.boot_ticks;
	d->mult = clk.scale.mult;
	d->shift = clk.scale.shift;
	d->sec_mult = CLOCK_SEC_MULT;
	d->realtime_ns = clk.realtime_at_boot;
}

void clock_probe_sstc(struct hart *h)
{
	static int said;	/* an int: amoswap.w (no byte atomics) */
	uint64_t v;

	if (!h->has_sstc || !csr_try_read_stimecmp(&v))
		return;
	h->has_sstc = false;
	if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		gmsg("hart %lu: sstc: stimecmp traps (absent, or the firmware keeps it from S-mode): the timer goes through SBI",
		     h->hartid);
}
