/* SPDX-License-Identifier: MIT */
/*
 * Time: the `time` CSR counts at /cpus/timebase-frequency. CLOCK_MONOTONIC is
 * that count since boot; CLOCK_REALTIME adds the wall-clock time read once at
 * boot from the RTC in the FDT (goldfish on QEMU virt), else from the
 * goose.time=<unix seconds> boot option, else the epoch. Ticks become
 * nanoseconds as (ticks * mult) >> shift, here and in the vDSO alike, so
 * both paths give the very same value.
 */
#ifndef GOOSE_CLOCK_H
#define GOOSE_CLOCK_H

#include "lib/lib.h"

#define NSEC_PER_SEC 1000000000ull

struct fdt_device;
struct hart;
struct vdso_data;

/*
 * Ticks to nanoseconds as Linux's clocksource does it, ns = (ticks * mult)
 * >> shift, with no divide; mult and shift are chosen once, at boot, from
 * the timebase (1 Hz to 1 GHz): mult is ns per tick times 2^shift, rounded
 * up, and shift the largest at which (whole ns per tick + 1) << shift fits
 * 64 bits, so mult does (the product is 128 bits: mul and mulhu). Exact when the timebase divides 10^9 << shift (1, 4, 10,
 * 50 MHz); otherwise a tick counts less than 2^-shift ns too much (shift is
 * 58 at 24 MHz: 0.2 ns in a year), never too little. Rounded down, a
 * deadline clock_ns_to_ticks rounds up to its tick could read of that very
 * tick a nanosecond before the deadline (with a 32-bit shift on a 24 or
 * 3 MHz board, most did).
 */
struct clock_scale {
	uint64_t mult;
	uint32_t shift;		/* 34..63 */
};

static inline struct clock_scale clock_scale_of(uint64_t hz)
{
	uint64_t q = NSEC_PER_SEC / hz, r = NSEC_PER_SEC % hz, frac = 0;
	uint32_t bits = 64 - (uint32_t)__builtin_clzll(q + 1);
	struct clock_scale sc = { .shift = 64 - bits };

	/* (q + 1) << shift fits 64 bits; r/hz's binary digits, one a step
	 * (r < hz <= 10^9: no step overflows), give the fraction's shift bits. */
	for (uint32_t i = 0; i < sc.shift; i++) {
		r <<= 1;
		frac <<= 1;
		if (r >= hz) {
			r -= hz;
			frac |= 1;
		}
	}
	sc.mult = (q << sc.shift) + frac + (r != 0);
	return sc;
}

static inline uint64_t clock_scale_ns(struct clock_scale sc, uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * sc.mult) >> sc.shift);
}

/*
 * Seconds of ns without a divide (the vDSO's split into tv_sec and
 * tv_nsec): 10^9 = 2^9 * 5^9, so (ns >> 9) / 1953125 by the reciprocal
 * m = ceil(2^76 / 1953125): floor((ns >> 9) * m / 2^76) is exact for every
 * ns below 2^64, as m * 1953125 - 2^76 = 799614 is below 2^76 / 2^55
 * (Granlund and Montgomery, "Division by invariant integers using
 * multiplication", 1994; the host test checks it too).
 */
#define CLOCK_SEC_MULT 0x89705f4136b4a6ull
#define CLOCK_SEC_SHIFT 12

static inline uint64_t clock_ns_to_sec(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)(ns >> 9) * CLOCK_SEC_MULT) >> 64) >> CLOCK_SEC_SHIFT;
}

/* realtime_s: seconds since the epoch to use when there is no RTC (0: none). */
/* The wall clock: realtime_ns (since the epoch) now, from source (an RTC, goose.time, or none). */
void clock_init(uint64_t timebase_hz, uint64_t realtime_ns, const char *source);
uint64_t clock_ticks(void);
uint64_t clock_ns_to_ticks(uint64_t ns);
uint64_t clock_monotonic_ns(void);
uint64_t clock_realtime_ns(void);
void clock_set_realtime_ns(uint64_t ns);
uint64_t clock_timebase(void);
/* Where the wall clock came from: "goldfish-rtc", "goose.time" or "none (epoch)". */
const char *clock_source(void);
/* Monotonic ns -> absolute `time` ticks (for deadlines). */
uint64_t clock_deadline(uint64_t mono_ns);
void clock_vdso_fill(struct vdso_data *d);

/* On hart h itself, before its first timer: keep h->has_sstc (from the
 * FDT) only if S-mode may use stimecmp (the firmware sets menvcfg.STCE);
 * otherwise the timer goes through SBI, said once. */
void clock_probe_sstc(struct hart *h);

/* goose.time=<unix seconds>: the wall clock when no RTC tells it. */
extern const struct boot_option time_option;

#endif
