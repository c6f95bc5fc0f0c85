// fault_unhandled: with SIGSEGV set back to its default action (raw
// rt_sigaction, behind the Go runtime's back) a bad access kills the
// program as on Linux: goose reports the signal, registers and the Go
// function, and the status is 128 + 11. goose only (the reference dies of
// the signal itself).
package main

import (
	"fmt"
	"syscall"
	"unsafe"
)

type sigaction struct {
	handler, flags, mask uintptr
}

//go:noinline
func poke(p *int) { *p = 42 }

func main() {
	var dfl sigaction
	if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(syscall.SIGSEGV),
		uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0); e != 0 {
		fmt.Println("rt_sigaction:", e)
		return
	}
	fmt.Println("about to fault with SIGSEGV at its default action")
	poke((*int)(unsafe.Pointer(uintptr(0x123000))))
	fmt.Println("survived: wrong")
}
