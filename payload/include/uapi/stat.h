/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/linux/stat.h (S_IF*, UTIME_*), include/linux/fs_types.h (DT_*, the dirent types), include/uapi/linux/magic.h. */
#ifndef GOOSE_UAPI_STAT_H
#define GOOSE_UAPI_STAT_H

#include <stdint.h>

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12
#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)
#define TMPFS_MAGIC 0x01021994

/* struct stat for riscv64 (include/uapi/asm-generic/stat.h), 128 bytes. */
struct kstat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint64_t __pad1;
	int64_t st_size;
	int32_t st_blksize;
	int32_t __pad2;
	int64_t st_blocks;
	int64_t st_atime_sec;
	uint64_t st_atime_nsec;
	int64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	int64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	uint32_t __unused4;
	uint32_t __unused5;
};
_Static_assert(sizeof(struct kstat) == 128, "struct stat is 128 bytes on riscv64");

#endif
