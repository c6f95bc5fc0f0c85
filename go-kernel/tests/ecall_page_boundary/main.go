//go:build riscv64

// System calls whose ecall straddles a page boundary. goose once wrote the
// second half of such an ebreak into the wrong frame, so the call ran as an
// ecall goose never saw (a Go 1.27 test binary could not start).
package main

import (
	"fmt"
	"os"
)

func writeTwice(fd uintptr, p *byte, n uintptr) (r1, r2 uintptr)

func main() {
	msg := []byte("written by an ecall near a page boundary\n")
	r1, r2 := writeTwice(1, &msg[0], uintptr(len(msg)))
	if r1 != uintptr(len(msg)) || r2 != uintptr(len(msg)) {
		fmt.Println("write returned", int64(r1), int64(r2))
		os.Exit(1)
	}
	fmt.Println("done")
}
