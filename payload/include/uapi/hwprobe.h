/* SPDX-License-Identifier: MIT */
/* Linux's values: arch/riscv/include/uapi/asm/hwprobe.h. */
#ifndef GOOSE_UAPI_HWPROBE_H
#define GOOSE_UAPI_HWPROBE_H

#define HWPROBE_KEY_MVENDORID 0
#define HWPROBE_KEY_MARCHID 1
#define HWPROBE_KEY_MIMPID 2
#define HWPROBE_KEY_BASE_BEHAVIOR 3
#define HWPROBE_BASE_BEHAVIOR_IMA 1
#define HWPROBE_KEY_IMA_EXT_0 4
#define HWPROBE_IMA_FD (1 << 0)
#define HWPROBE_IMA_C (1 << 1)
#define HWPROBE_EXT_ZBA (1 << 3)
#define HWPROBE_EXT_ZBB (1 << 4)
#define HWPROBE_EXT_ZBS (1 << 5)
#define HWPROBE_EXT_ZICBOZ (1 << 6)
#define HWPROBE_EXT_ZBC (1 << 7)
#define HWPROBE_KEY_CPUPERF_0 5
#define HWPROBE_KEY_ZICBOZ_BLOCK_SIZE 6

#endif
