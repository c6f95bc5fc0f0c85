// Command parallel computes SHA-256 over fixed data in -goroutines (8)
// goroutines, -blocks (48) 64 KiB blocks each, and reports the wall time. Run
// with 1, 2 and 4 CPUs, the times give the speedup; GOMAXPROCS is left at its
// default (the number of CPUs the program sees). One untimed pass comes first,
// so the timed one measures hashing, not the runtime starting its threads.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"sync"
	"time"

	"goose/go-kernel/bench/internal/benchutil"
)

var (
	goroutines = flag.Int("goroutines", 8, "goroutines hashing")
	blocks     = flag.Int("blocks", 48, "64 KiB blocks each goroutine hashes")
)

func main() {
	benchutil.Start()
	data := make([]byte, 64<<10)
	for i := range data {
		data[i] = byte(i * 31)
	}
	sums := make([][32]byte, *goroutines)
	work := func() {
		var wg sync.WaitGroup
		for g := 0; g < *goroutines; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				sum := sha256.Sum256(data)
				for i := 1; i < *blocks; i++ {
					h := sha256.New()
					h.Write(sum[:])
					h.Write(data)
					h.Sum(sum[:0])
				}
				sums[g] = sum
			}(g)
		}
		wg.Wait()
	}
	// An untimed pass first: the runtime starts its threads (clone, and
	// under goose the harts' first scheduling) outside the timed pass.
	work()
	d := benchutil.Timed(work)
	for g := 1; g < *goroutines; g++ {
		if sums[g] != sums[0] {
			panic(fmt.Sprintf("goroutine %d got a different hash", g))
		}
	}
	benchutil.Info("sha256", fmt.Sprintf("%x", sums[0][:8]))
	benchutil.Result("parallel_sha256", float64(d)/float64(time.Millisecond), "ms")
}
