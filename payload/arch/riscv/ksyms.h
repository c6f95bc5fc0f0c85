/* SPDX-License-Identifier: MIT */
/*
 * goose's own functions and lines (the table ci/mksyms.py builds at link
 * time), for reports of faults inside goose.
 */
#ifndef GOOSE_KSYMS_H
#define GOOSE_KSYMS_H

#include "lib/lib.h"

/* The goose function holding pc, and its source line; 0 or -1 (not goose's).
 * file and line are NULL / 0 when the table has no line there. */
int ksym_lookup(uint64_t pc, const char **func, uint64_t *off, const char **file, int *line);

#endif
