// SPDX-License-Identifier: MIT
/*
 * Host tests for kernel/clock.h's arithmetic, what goose's clock and the
 * vDSO compute without a divide: ticks to nanoseconds by mult and shift
 * (chosen from the timebase), and nanoseconds to seconds by a reciprocal.
 * Each timebase is checked against the exact quotient (128-bit division)
 * over years of uptime: never slow, never more than 1 ns fast; and a
 * deadline's tick (rounded up, as clock_ns_to_ticks does) never reads as
 * earlier than the deadline.
 */
#include "kernel/clock.h"
#include "test.h"

typedef unsigned __int128 u128;

/* The timebases of the boards goose knows, and some that divide nothing. */
static const struct {
	uint64_t hz;
	const char *what;
} timebases[] = {
	{ 10000000, "QEMU virt" },
	{ 1000000, "sifive_u, FU740" },
	{ 4000000, "JH7110" },
	{ 24000000, "SpacemiT K1" },
	{ 3000000, "TH1520" },
	{ 50000000, "SG2042" },
	{ 25000000, "25 MHz" },
	{ 32768, "a 32 kHz crystal" },
	{ 1193182, "the PC's PIT" },
	{ 999999937, "a prime near 1 GHz" },
	{ 1000000000, "1 GHz, the most clock.c takes" },
	{ 1, "1 Hz" },
};

/* Uptimes, in seconds, each checked at several ticks around it. */
static const uint64_t uptimes_s[] = {
	0, 1, 59, 3600, 86400, 86400 * 49 + 1, 31557600, 10 * 31557600ull, 30 * 31557600ull, 100 * 31557600ull,
};

static uint64_t exact_ns(uint64_t hz, uint64_t ticks)
{
	return (uint64_t)((u128)ticks * NSEC_PER_SEC / hz);
}

static void test_scale(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(timebases); i++) {
		uint64_t hz = timebases[i].hz, worst = 0;
		struct clock_scale sc = clock_scale_of(hz);
		u128 want_mult = (((u128)NSEC_PER_SEC << sc.shift) + hz - 1) / hz;

		CHECK(sc.mult == want_mult && sc.shift >= 34 && sc.shift <= 63, "%s: mult %#" PRIx64 " shift %u",
		      timebases[i].what, sc.mult, sc.shift);
		/* The largest shift at which (whole ns per tick + 1) << shift
		 * fits 64 bits: one more would not. */
		CHECK(((u128)(NSEC_PER_SEC / hz + 1) << sc.shift) <= UINT64_MAX &&
			      ((u128)(NSEC_PER_SEC / hz + 1) << (sc.shift + 1)) > UINT64_MAX,
		      "%s: shift %u is not the largest", timebases[i].what, sc.shift);
		for (size_t j = 0; j < ARRAY_SIZE(uptimes_s); j++) {
			uint64_t base = uptimes_s[j] * hz;

			for (uint64_t d = 0; d < 5; d++) {
				uint64_t ticks = base + d * 7919, got = clock_scale_ns(sc, ticks), want = exact_ns(hz, ticks);

				CHECK(got >= want && got - want <= 1, "%s: %" PRIu64 " ticks: %" PRIu64 " ns, want %" PRIu64,
				      timebases[i].what, ticks, got, want);
				worst = MAX(worst, got - want);
			}
		}
		/* A deadline rounded up to its tick never reads earlier. */
		for (size_t j = 0; j < ARRAY_SIZE(uptimes_s); j++) {
			uint64_t ns = uptimes_s[j] * NSEC_PER_SEC + 123456789;
			uint64_t ticks = (uint64_t)(((u128)ns * hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC);

			CHECK(clock_scale_ns(sc, ticks) >= ns, "%s: the tick of deadline %" PRIu64 " reads earlier",
			      timebases[i].what, ns);
		}
		printf("test_clock: %-30s %10" PRIu64 " Hz: mult %#18" PRIx64 " shift %2u, at most %" PRIu64
		       " ns fast over 100 years\n",
		       timebases[i].what, hz, sc.mult, sc.shift, worst);
	}
}

/* Seconds by the reciprocal: exact for every 64-bit ns, most of all at
 * the edges of a second. */
static void test_seconds(void)
{
	static const uint64_t cases[] = { 0, 1, NSEC_PER_SEC - 1, NSEC_PER_SEC, NSEC_PER_SEC + 1, 59 * NSEC_PER_SEC,
					  UINT64_MAX, UINT64_MAX - 1, (UINT64_MAX / NSEC_PER_SEC) * NSEC_PER_SEC,
					  (UINT64_MAX / NSEC_PER_SEC) * NSEC_PER_SEC - 1, 1ull << 63, (1ull << 63) - 1 };
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_EQ_U64(clock_ns_to_sec(cases[i]), cases[i] / NSEC_PER_SEC, "ns %" PRIu64, cases[i]);
	/* Every whole second up to 2^64 ns (584 years), on both sides of it. */
	for (uint64_t s = 1; s <= UINT64_MAX / NSEC_PER_SEC; s += 1 + s / 4096) {
		uint64_t ns = s * NSEC_PER_SEC;

		if (clock_ns_to_sec(ns) != s || clock_ns_to_sec(ns - 1) != s - 1)
			CHECK(0, "the second %" PRIu64 ": %" PRIu64 " and %" PRIu64, s, clock_ns_to_sec(ns),
			      clock_ns_to_sec(ns - 1));
	}
	/* And a million of anything (xorshift). */
	for (int i = 0; i < 1000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (clock_ns_to_sec(x) != x / NSEC_PER_SEC)
			CHECK(0, "ns %" PRIu64 ": %" PRIu64, x, clock_ns_to_sec(x));
	}
	CHECK(1, "seconds");
}

int main(void)
{
	test_scale();
	test_seconds();
	return test_done("clock");
}
