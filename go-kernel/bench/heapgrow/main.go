// Command heapgrow grows the heap to -mib MiB (256) of live 64 KiB slices,
// touching every page once, and reports the time: mmap, page faults and the
// collector's cycles while the heap doubles.
package main

import (
	"flag"
	"runtime"
	"time"

	"goose/go-kernel/bench/internal/benchutil"
)

var mib = flag.Int("mib", 256, "MiB to grow the live heap to")

func main() {
	benchutil.Start()
	const chunk = 64 << 10
	keep := make([][]byte, 0, (*mib<<20)/chunk)
	var ms runtime.MemStats
	d := benchutil.Timed(func() {
		for len(keep) < cap(keep) {
			b := make([]byte, chunk)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			keep = append(keep, b)
		}
	})
	runtime.ReadMemStats(&ms)
	benchutil.Info("gc_cycles", ms.NumGC)
	benchutil.Info("heap_sys_mib", ms.HeapSys>>20)
	benchutil.Result("heap_grow", float64(d)/float64(time.Millisecond), "ms")
	runtime.KeepAlive(keep)
}
