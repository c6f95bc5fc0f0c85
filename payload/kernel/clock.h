/* SPDX-License-Identifier: MIT */
/*
 * Time: the `time` CSR counts at /cpus/timebase-frequency. CLOCK_MONOTONIC is
 * that count since boot; CLOCK_REALTIME adds the wall-clock time read once at
 * boot from the RTC in the FDT (goldfish on QEMU virt), else from the
 * goose.time=<unix seconds> boot option, else the epoch. Ticks become
 * nanoseconds as (ticks * mult) >> 32, here and in the vDSO alike, so both
 * paths give the very same value.
 */
#ifndef GOOSE_CLOCK_H
#define GOOSE_CLOCK_H

#include "lib/lib.h"

#define NSEC_PER_SEC 1000000000ull

struct fdt_device;
struct hart;
struct vdso_data;

/*
 * ns per tick, times 2^32, rounded up: exact when the timebase divides
 * 10^9 << 32 (1, 4, 10, 50 MHz), a little fast otherwise (24 MHz: 160 ns a
 * day), never slow. Rounded down, a deadline clock_ns_to_ticks rounds up
 * to its tick could read (ticks * mult) >> 32 of that very tick a
 * nanosecond before the deadline: on a 24 or 3 MHz board, most would.
 */
static inline uint64_t clock_mult(uint64_t hz)
{
	return (NSEC_PER_SEC << 32) / hz + ((NSEC_PER_SEC << 32) % hz != 0);
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

/* Program this hart's next timer interrupt at absolute tick `when`
 * (UINT64_MAX: none). Sstc's stimecmp where the hart has it, else SBI TIME. */
void clock_set_timer(struct hart *h, uint64_t when);
/* On hart h itself, before its first timer: keep h->has_sstc (from the
 * FDT) only if S-mode may use stimecmp (the firmware sets menvcfg.STCE);
 * otherwise the timer goes through SBI, said once. */
void clock_probe_sstc(struct hart *h);

/* goose.time=<unix seconds>: the wall clock when no RTC tells it. */
extern const struct boot_option time_option;

#endif
