/* SPDX-License-Identifier: MIT */
#include "kernel/cred.h"

static struct {
	uint32_t list[CRED_MAX_GROUPS];
	int n;
} groups;

int cred_groups(const uint32_t **list)
{
	*list = groups.list;
	return groups.n;
}

void cred_set_groups(const uint32_t *list, int n)
{
	memcpy(groups.list, list, (size_t)n * sizeof(*list));
	groups.n = n;
}
