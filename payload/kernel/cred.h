/* SPDX-License-Identifier: MIT */
/*
 * Credentials the process shares. Each thread's user and group ids are in
 * its struct thread (uid[], gid[]); the supplementary groups are one list
 * for the process (Linux keeps one per thread; Go sets them on every thread
 * alike), none at first. sys/sys_cred.c has the calls, procfs the Groups line.
 */
#ifndef GOOSE_CRED_H
#define GOOSE_CRED_H

#include "lib/lib.h"

#define CRED_MAX_GROUPS 64

/* The groups: their count, *list set. */
int cred_groups(const uint32_t **list);
void cred_set_groups(const uint32_t *list, int n);

#endif
