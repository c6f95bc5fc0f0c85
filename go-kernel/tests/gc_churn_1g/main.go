// gc_churn_1g: 1 GiB allocated in 1 MiB buffers while only 64 MiB stays
// live, on a machine with less memory than that: the collector and the
// scavenger must give pages back (munmap / MADV_DONTNEED) for it to finish.
package main

import (
	"fmt"
	"runtime"
)

const (
	mib    = 1 << 20
	live   = 64   // buffers kept alive
	rounds = 1024 // buffers allocated in total
)

func main() {
	var ring [live][]byte
	var check uint64
	for r := 0; r < rounds; r++ {
		b := make([]byte, mib)
		// Touch every page, and leave a mark to check later.
		for i := 0; i < len(b); i += 4096 {
			b[i] = byte(r + i/4096)
		}
		if old := ring[r%live]; old != nil {
			check += uint64(old[4096])
		}
		ring[r%live] = b
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	intact := true
	for r := rounds - live; r < rounds; r++ {
		intact = intact && ring[r%live][4096] == byte(r+1)
	}
	fmt.Printf("allocated %d MiB, %d MiB live\n", rounds, live)
	fmt.Println("checksum:", check)
	fmt.Println("live buffers intact:", intact)
	fmt.Println("TotalAlloc >= 1 GiB:", ms.TotalAlloc >= rounds*mib)
	fmt.Println("GC cycles > 4:", ms.NumGC > 4)
}
