// cgo_threads: threads made by C (pthread_create) call an exported Go
// function while goroutines run meanwhile; Go keeps count of every call.
package main

/*
int run_threads(int n, int iters);
*/
import "C"

import (
	"fmt"
	"sync"
	"sync/atomic"
)

const nthreads, iters = 8, 300

var (
	total     int64
	perThread [nthreads]int64
)

//export goAdd
func goAdd(id, v C.int) {
	atomic.AddInt64(&perThread[id], int64(v))
	atomic.AddInt64(&total, 1)
}

func main() {
	var wg sync.WaitGroup
	sums := make([]int, 4)
	for g := range sums {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200000; i++ {
				sums[g] += i % (g + 2)
				if i%20000 == 0 {
					_ = make([]byte, 64<<10) // some garbage for the collector
				}
			}
		}(g)
	}
	started := C.run_threads(nthreads, iters)
	wg.Wait()
	fmt.Println("C threads started and joined:", started)
	fmt.Println("Go callbacks:", atomic.LoadInt64(&total))
	want := int64(iters * (iters - 1) / 2)
	ok := true
	for i := range perThread {
		if atomic.LoadInt64(&perThread[i]) != want {
			ok = false
			fmt.Printf("thread %d: sum %d, want %d\n", i, perThread[i], want)
		}
	}
	fmt.Println("every thread's sum right:", ok)
	fmt.Println("goroutine sums:", sums)
}
