/* SPDX-License-Identifier: MIT */
/* Linux's values: include/uapi/asm-generic/fcntl.h (O_*, F_*, the record
 * lock commands and struct flock, LOCK_* for flock(2)), include/uapi/linux/fcntl.h
 * (AT_*, RENAME_*, F_GETPIPE_SZ), include/uapi/linux/fs.h (SEEK_*,
 * SYNC_FILE_RANGE_*); F_OK.. are POSIX <unistd.h>'s. */
#ifndef GOOSE_UAPI_FCNTL_H
#define GOOSE_UAPI_FCNTL_H

#include <stdint.h>

#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_DIRECT 040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define O_PATH 010000000
#define O_TMPFILE 020200000
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000
#define AT_REMOVEDIR 0x200
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_SETLK 6
#define F_SETLKW 7
#define F_GETLK 5
#define F_DUPFD_CLOEXEC 1030
#define F_GETPIPE_SZ 1032
#define FD_CLOEXEC 1
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
/* Open file description locks (fcntl(2) "Open file description locks"). */
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
/* flock(2)'s operations. LOCK_MAND is no longer honoured: Linux ignores a
 * call that sets it (returns 0 at once). */
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define LOCK_MAND 32

/* struct flock as riscv64 has it (no __ARCH_FLOCK_PAD): the fields at 0, 2,
 * 8, 16 and 24, 32 bytes with the tail padding. */
struct k_flock {
	int16_t l_type;
	int16_t l_whence;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
};
_Static_assert(sizeof(struct k_flock) == 32, "struct flock: 32 bytes on riscv64");

#endif
