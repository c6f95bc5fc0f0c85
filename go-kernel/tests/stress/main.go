// stress: goroutine storms, channels, timers and garbage collection all at
// once, three rounds over: 10,000 goroutines each sending through a chain of
// channels, sleeping on timers and allocating, while the collector runs.
// Run at SMP=1, 2 and 4 by make test: lost wake-ups show as a hang, races
// in goose as wrong sums or a crash.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

const (
	workers = 10000
	rounds  = 3
)

func round(r int) (sum int64, timers int64, garbage int) {
	in := make(chan int, 64)
	out := make(chan int64, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			// Allocate something the collector has to chase.
			buf := make([][]byte, 4)
			for i := range buf {
				buf[i] = make([]byte, 512+w%512)
			}
			if w%100 == 0 {
				t := time.NewTimer(time.Duration(w%7) * time.Millisecond)
				<-t.C
				mu.Lock()
				timers++
				garbage += len(buf[3])
				mu.Unlock()
			}
			v := <-in
			out <- int64(v) * int64(v)
		}(w)
	}
	go func() {
		for i := 1; i <= workers; i++ {
			in <- i + r
		}
	}()
	for i := 0; i < workers; i++ {
		sum += <-out
	}
	wg.Wait()
	runtime.GC()
	return sum, timers, garbage
}

func main() {
	for r := 0; r < rounds; r++ {
		sum, timers, garbage := round(r)
		var want int64
		for i := 1; i <= workers; i++ {
			v := int64(i + r)
			want += v * v
		}
		fmt.Printf("round %d: sum ok: %v, timers fired: %d, garbage > 0: %v\n", r, sum == want, timers, garbage > 0)
	}
	fmt.Println("goroutines left:", runtime.NumGoroutine() < 10)
}
