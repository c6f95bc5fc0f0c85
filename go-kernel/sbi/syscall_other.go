//go:build !linux

package sbi

import "syscall"

func defaultSyscall(trap, a1, a2, a3, a4, a5, a6 uintptr) (uintptr, uintptr, syscall.Errno) {
	return 0, 0, syscall.ENOSYS
}
