// oom: a program that allocates and touches memory without bound, keeping
// every block, must end with a failure status and an "out of memory"
// message rather than hang or corrupt memory. Depending on where memory runs
// out, either Go's runtime sees mmap fail with ENOMEM and prints "runtime:
// out of memory: cannot allocate ..." and "fatal error: out of memory"
// (status 2), or goose cannot back a page the program touches and reports
// out of memory itself.
//
// The test machine has 256 MiB. So that a run on a big machine (for example
// `ci/gotest.py --runner ref`, which runs even reference=no tests under
// qemu-riscv64) cannot eat the host's memory, the program gives up after
// 1 GiB with its own message and status 1, which fails the test.
package main

import (
	"fmt"
	"os"
)

const (
	block = 1 << 20 // bytes per allocation
	limit = 1024    // blocks: give up after 1 GiB
)

func main() {
	fmt.Println("allocating until out of memory")
	var keep [][]byte
	for i := 1; i <= limit; i++ {
		b := make([]byte, block)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i)
		}
		keep = append(keep, b)
		if i%64 == 0 {
			// Progress on stderr, in MiB; not part of expected.
			fmt.Fprintf(os.Stderr, "allocated %d MiB\n", i)
		}
	}
	fmt.Printf("still running after %d MiB: no out-of-memory failure\n", len(keep)*block>>20)
	os.Exit(1)
}
