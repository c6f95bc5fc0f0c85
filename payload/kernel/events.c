/* SPDX-License-Identifier: MIT */
/*
 * The rings of GOOSE_DEBUG=events (arch/riscv/events.h). A hart writes only
 * its own ring, with no lock. Recording starts once every hart goose runs
 * on has its ring (ev_start; the boot's own events before it are not kept,
 * and the harts' tp is set by then). ev_dump, on the way out (goose_exit),
 * stops all recording first, then prints each ring from its oldest event:
 * "goose: ev HART TIME TID KIND CODE", after a line with the timebase that
 * TIME counts in.
 */
#include "arch/riscv/events.h"
#include "arch/riscv/hart.h"
#include "arch/riscv/riscv.h"
#include "dev/console.h"
#include "kernel/clock.h"
#include "mm/kmem.h"

#ifdef GOOSE_DEBUG_EVENTS
#define EV_RING 16384

struct ev {
	uint64_t time;
	uint32_t tid, code;
	uint16_t kind;
};

static struct ev *rings[MAX_HARTS];
static uint64_t recorded[MAX_HARTS];
static enum { EV_NOT_YET, EV_RECORDING, EV_STOPPED } state;

void ev_start(void)
{
	for (int i = 0; i < nharts; i++) {
		struct ev *r = kzalloc(EV_RING * sizeof(*r));

		if (!r) {
			gmsg("events: no memory for hart %d's ring; its events are not kept", i);
			continue;
		}
		rings[i] = r;
	}
	__atomic_store_n(&state, EV_RECORDING, __ATOMIC_RELEASE);
}

void ev_record(enum ev_kind kind, uint32_t tid, uint32_t code)
{
	if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != EV_RECORDING)
		return;
	int i = this_hart()->index;
	struct ev *r = rings[i];

	if (r)
		r[recorded[i]++ % EV_RING] = (struct ev){ .time = rdtime(), .tid = tid, .code = code, .kind = (uint16_t)kind };
}

void ev_dump(void)
{
	if (__atomic_exchange_n(&state, EV_STOPPED, __ATOMIC_SEQ_CST) != EV_RECORDING)
		return;
	gmsg("events: timebase %lu Hz, %d harts, the last %d events of each", clock_timebase(), nharts, EV_RING);
	for (int i = 0; i < nharts; i++) {
		uint64_t n = recorded[i], k = n > EV_RING ? n - EV_RING : 0;

		for (; rings[i] && k < n; k++) {
			const struct ev *e = &rings[i][k % EV_RING];

			gmsg("ev %d %lu %u %u %u", i, e->time, e->tid, e->kind, e->code);
		}
	}
}
#endif
