// gc_churn: the garbage collector reclaims memory: about 256 MiB is
// allocated in total while only about 16 MiB is live at any time, and the
// surviving data is intact.
package main

import (
	"fmt"
	"runtime"
)

const (
	bufWords = 128 << 10 // 1 MiB of uint64
	live     = 16        // buffers kept alive
	rounds   = 256       // buffers allocated in total
)

type node struct {
	next *node
	val  uint64
}

func fill(buf []uint64, seed uint64) {
	x := seed*0x9E3779B97F4A7C15 + 1
	for i := range buf {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		buf[i] = x
	}
}

func sum(buf []uint64) uint64 {
	var s uint64
	for i, v := range buf {
		s += v * uint64(i|1)
	}
	return s
}

func main() {
	var ring [live][]uint64
	var lists [live]*node
	for r := 0; r < rounds; r++ {
		b := make([]uint64, bufWords)
		fill(b, uint64(r))
		ring[r%live] = b

		// Small pointerful objects too: a 1,000-node list per round.
		var head *node
		for i := 0; i < 1000; i++ {
			head = &node{next: head, val: uint64(r*1000 + i)}
		}
		lists[r%live] = head
	}

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	var check uint64
	for i := range ring {
		check = check*31 + sum(ring[i])
		for n := lists[i]; n != nil; n = n.next {
			check += n.val
		}
	}
	fmt.Printf("allocated %d MiB in %d buffers, %d live\n", rounds*bufWords*8>>20, rounds, live)
	fmt.Printf("checksum: %016x\n", check)
	fmt.Printf("GC cycles > 1: %v\n", ms.NumGC > 1)
	fmt.Printf("TotalAlloc >= 256 MiB: %v\n", ms.TotalAlloc >= 256<<20)
	fmt.Printf("live heap < 64 MiB after GC: %v\n", ms.HeapAlloc < 64<<20)
	runtime.KeepAlive(ring)
}
