// segv_accerr: a load from a page mapped PROT_NONE kills the program with
// SIGSEGV and si_code SEGV_ACCERR (2): the page is there, the access is not
// allowed (Linux's arch/riscv/mm/fault.c: bad_area with the vma found). Go
// prints it as "code=0x2" in its crash report. Its twin segv_maperr checks
// SEGV_MAPERR.
package main

import (
	"fmt"
	"syscall"
	"unsafe"
)

//go:noinline
func peek(p *int) int { return *p }

func main() {
	b, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		fmt.Println("mmap:", err)
		return
	}
	fmt.Println("about to load from a PROT_NONE page")
	fmt.Println(peek((*int)(unsafe.Pointer(&b[0]))))
}
