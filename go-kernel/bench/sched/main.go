// Command sched measures the Go scheduler on top of the kernel's threads and
// futexes: a ping-pong between two goroutines over unbuffered channels (ns per
// round trip) and a sync.Mutex that several goroutines fight over (ns per
// Lock/Unlock pair, all goroutines together).
package main

import (
	"flag"
	"sync"

	"goose/go-kernel/bench/internal/benchutil"
)

var workers = flag.Int("mutex-goroutines", 4, "goroutines contending for the mutex")

func main() {
	benchutil.Start()

	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	ns, _ := benchutil.NsPerOp(func(n int) {
		for i := 0; i < n; i++ {
			ping <- i
			<-pong
		}
	})
	close(ping)
	benchutil.Result("pingpong", ns, "ns/roundtrip")

	var mu sync.Mutex
	counter := 0
	ns, _ = benchutil.NsPerOp(func(n int) {
		var wg sync.WaitGroup
		per := (n + *workers - 1) / *workers
		for w := 0; w < *workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < per; i++ {
					mu.Lock()
					counter++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	})
	benchutil.Info("mutex_goroutines", *workers)
	benchutil.Result("mutex", ns, "ns/op")
}
