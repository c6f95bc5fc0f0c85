// unknown_syscalls: numbers that name no system call on riscv64 Linux are
// ENOSYS, and the program goes on. (These were in hostile_syscalls, whose
// lines each name an implemented call.)
package main

import (
	"fmt"
	"syscall"
)

func main() {
	for _, c := range []struct {
		name string
		nr   uintptr
	}{
		// riscv64 Linux has no renameat (no __ARCH_WANT_RENAMEAT in
		// include/uapi/asm-generic/unistd.h): its number 38 is ENOSYS.
		{"nr 38 (renameat, absent on riscv64)", 38},
		{"nr 500 (unassigned)", 500},
		{"nr 1024 (beyond the table)", 1024},
		{"nr -1", ^uintptr(0)},
	} {
		_, _, e := syscall.Syscall6(c.nr, 0, 0, 0, 0, 0, 0)
		fmt.Printf("%s: ENOSYS %v\n", c.name, e == syscall.ENOSYS)
	}
	fmt.Println("kept running: true")
}
