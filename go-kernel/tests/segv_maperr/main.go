// segv_maperr: a load from an address nothing maps (below the program, above page 0) kills the program with
// SIGSEGV and si_code SEGV_MAPERR (1), which Go prints as "code=0x1" in its
// crash report (runtime.sigpanic -> throw). The address is fixed, so the whole
// line is compared with the reference's. Its twin segv_accerr checks
// SEGV_ACCERR; signals_segv, where Go recovers, cannot tell the two apart.
package main

import (
	"fmt"
	"unsafe"
)

//go:noinline
func peek(p *int) int { return *p }

func main() {
	fmt.Println("about to load from unmapped 0x8000")
	fmt.Println(peek((*int)(unsafe.Pointer(uintptr(0x8000)))))
}
