// Command gcchurn allocates -total bytes (1 GiB) in -size objects (4 KiB)
// while a ring of them holds -live bytes (64 MiB) reachable, so that the
// collector runs again and again over a large live heap; it reports the time.
package main

import (
	"flag"
	"runtime"
	"time"

	"goose/go-kernel/bench/internal/benchutil"
)

var (
	total = flag.Int("total-mib", 1024, "MiB allocated in all")
	live  = flag.Int("live-mib", 64, "MiB kept reachable")
	size  = flag.Int("size", 4096, "bytes per object")
)

func main() {
	benchutil.Start()
	ring := make([][]byte, (*live<<20) / *size)
	count := (*total << 20) / *size
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d := benchutil.Timed(func() {
		for i := 0; i < count; i++ {
			b := make([]byte, *size)
			for j := 0; j < len(b); j += 4096 {
				b[j] = byte(i)
			}
			ring[i%len(ring)] = b
		}
	})
	runtime.ReadMemStats(&after)
	benchutil.Info("gc_cycles", after.NumGC-before.NumGC)
	benchutil.Info("heap_sys_mib", after.HeapSys>>20)
	benchutil.Result("gc_churn", float64(d)/float64(time.Millisecond), "ms")
	runtime.KeepAlive(ring)
}
