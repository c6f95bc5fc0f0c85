/* SPDX-License-Identifier: MIT */
/*
 * The vDSO (vdso.S) and its data page. goose maps the data page read-only at
 * USER_VDSO - 4096 and the vDSO image at USER_VDSO, and passes USER_VDSO to
 * the program as AT_SYSINFO_EHDR.
 */
#ifndef GOOSE_VDSO_H
#define GOOSE_VDSO_H

#include "lib/lib.h"

/* The data page; vdso.S reads these offsets (VVAR_*). */
/* The vDSO's data page; vdso.S's VVAR_* offsets follow it. */
struct vdso_data {
	uint64_t boot_ticks;	/* `time` at boot: CLOCK_MONOTONIC's zero */
	uint64_t mult;		/* ns = (ticks * mult) >> shift (clock.h) */
	uint64_t realtime_ns;	/* CLOCK_REALTIME at boot_ticks, ns since the epoch */
	uint64_t shift;
	uint64_t sec_mult;	/* CLOCK_SEC_MULT: seconds of ns without a divide */
};

/* Map both pages; 0 or -ENOMEM. Without export_clock (goose.vdso=0) the
 * image leaves __vdso_clock_gettime undefined, so the program falls back to
 * the clock_gettime system call: the "before" of make bench's vDSO rows. */
int vdso_map(bool export_clock);
/* AT_SYSINFO_EHDR: the vDSO's address once mapped, else 0. */
uint64_t vdso_base(void);
/* goose's view of the data page (NULL before vdso_map). */
struct vdso_data *vdso_data(void);
bool vdso_is_syscall_site(uint64_t pc);
uint64_t vdso_sigreturn(void);
/* "__vdso_clock_gettime" for a pc inside the vDSO, else NULL. */
const char *vdso_symbolize(uint64_t pc, uint64_t *off);

#endif
