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
#define HWPROBE_IMA_V (1 << 2)
#define HWPROBE_EXT_ZBA (1 << 3)
#define HWPROBE_EXT_ZBB (1 << 4)
#define HWPROBE_EXT_ZBS (1 << 5)
#define HWPROBE_EXT_ZICBOZ (1 << 6)
#define HWPROBE_EXT_ZBC (1 << 7)
#define HWPROBE_EXT_ZVBB (1ull << 17)
#define HWPROBE_EXT_ZVBC (1ull << 18)
#define HWPROBE_EXT_ZVKB (1ull << 19)
#define HWPROBE_EXT_ZVKG (1ull << 20)
#define HWPROBE_EXT_ZVKNED (1ull << 21)
#define HWPROBE_EXT_ZVKNHA (1ull << 22)
#define HWPROBE_EXT_ZVKNHB (1ull << 23)
#define HWPROBE_EXT_ZVKSED (1ull << 24)
#define HWPROBE_EXT_ZVKSH (1ull << 25)
#define HWPROBE_EXT_ZVKT (1ull << 26)
#define HWPROBE_EXT_ZVFH (1ull << 30)
#define HWPROBE_EXT_ZVFHMIN (1ull << 31)
#define HWPROBE_EXT_ZVE32X (1ull << 37)
#define HWPROBE_EXT_ZVE32F (1ull << 38)
#define HWPROBE_EXT_ZVE64X (1ull << 39)
#define HWPROBE_EXT_ZVE64F (1ull << 40)
#define HWPROBE_EXT_ZVE64D (1ull << 41)
#define HWPROBE_KEY_CPUPERF_0 5
#define HWPROBE_KEY_ZICBOZ_BLOCK_SIZE 6

#endif
