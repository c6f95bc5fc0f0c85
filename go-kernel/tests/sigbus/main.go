// sigbus: an atomic on a misaligned address raises a misaligned-AMO
// exception, which becomes SIGBUS (BUS_ADRALN) with si_addr; Go's runtime
// calls it an unexpected fault address and exits 2.
package main

import (
	"fmt"
	"sync/atomic"
	"unsafe"
)

func main() {
	buf := make([]byte, 64)
	p := (*uint32)(unsafe.Pointer(uintptr(unsafe.Pointer(&buf[0])) + 1))
	fmt.Println("about to do a misaligned atomic add")
	atomic.AddUint32(p, 1)
	fmt.Println("survived: wrong")
}
