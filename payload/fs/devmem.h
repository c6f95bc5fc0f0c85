/* SPDX-License-Identifier: MIT */
#ifndef GOOSE_DEVMEM_H
#define GOOSE_DEVMEM_H

struct fdt_info;

/* /dev/mem and /proc/self/pagemap (devmem.c). */
void devmem_init(const struct fdt_info *info);

#endif
