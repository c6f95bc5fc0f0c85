/* SPDX-License-Identifier: MIT */
/*
 * goose's own small-object allocator (inodes, open files, pipes, epoll
 * items). Power-of-two size classes from 16 to 2048 bytes cut from whole
 * pages; larger requests take physically contiguous pages. Host builds
 * (GOOSE_HOST) use the C library's malloc so the sanitizers watch them.
 */
#ifndef GOOSE_KMEM_H
#define GOOSE_KMEM_H

#include "lib/lib.h"

/* Zeroed memory, or NULL when no page is left. */
void *kzalloc(size_t size);
void kfree(void *p);
/* Bytes of goose heap in use (for reports). */
size_t kmem_used(void);

#endif
