/* SPDX-License-Identifier: MIT */
#ifndef GOOSE_DEVMEM_H
#define GOOSE_DEVMEM_H

struct fdt_info;

/* /dev/mem: device registers for the Go program (devmem.c). */
void devmem_init(const struct fdt_info *info);

#endif
