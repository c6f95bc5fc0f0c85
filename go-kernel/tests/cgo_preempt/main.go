// cgo_preempt: asynchronous preemption (SIGURG) under load with many
// threads: C threads call into Go, where each spins in a loop with no
// preemption point, beside goroutines spinning alike, on two Ps. The main
// goroutine still wakes from its sleep and a garbage collection (which must
// stop every spinner) completes. One round: with more, the reference
// (qemu-riscv64) and goose alike were seen to hang in the second or third
// round's stop-the-world with a C thread's goroutine running, even with the
// rare call below; not understood yet (docs/compat.md, cgo).
package main

/*
int run_spinners(int n, int round);
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

var stop int32

//export spin
func spin(id C.int) C.int {
	n := 0
	for atomic.LoadInt32(&stop) == 0 { // no call: a signal preempts it
		n++
		if n&(1<<20-1) == 0 {
			checkpoint() // and, rarely, a function prologue does
		}
	}
	_ = n
	return 1
}

//go:noinline
func checkpoint() {}

func main() {
	runtime.GOMAXPROCS(2)
	const cthreads, goroutines, rounds = 8, 4, 1
	for r := 1; r <= rounds; r++ {
		atomic.StoreInt32(&stop, 0)
		var wg sync.WaitGroup
		var spun int32
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if spin(C.int(-1)) == 1 {
					atomic.AddInt32(&spun, 1)
				}
			}()
		}
		res := make(chan C.int, 1)
		go func() { res <- C.run_spinners(cthreads, C.int(r)) }()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		time.Sleep(100 * time.Millisecond)
		runtime.GC()
		runtime.ReadMemStats(&after)
		atomic.StoreInt32(&stop, 1)
		wg.Wait()
		fmt.Printf("round %d: slept and collected while spinning: %v; goroutines that spun: %d; C threads that called Go: %d\n",
			r, after.NumGC > before.NumGC, spun, <-res)
	}
}
