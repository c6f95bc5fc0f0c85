// goroutines: many goroutines, a mutex, a WaitGroup, a select timeout and
// unbuffered ping-pong all work (threads, futexes and timers underneath).
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	// 10,000 goroutines increment one counter under a mutex.
	const n = 10000
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		counter int
	)
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer wg.Done()
			mu.Lock()
			counter++
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Printf("counter = %d (want %d)\n", counter, n)

	// select gives up on a channel nobody sends on.
	never := make(chan int)
	start := time.Now()
	select {
	case v := <-never:
		fmt.Println("unexpected value", v)
	case <-time.After(20 * time.Millisecond):
		fmt.Printf("select timed out: true, after>=20ms: %v\n", time.Since(start) >= 20*time.Millisecond)
	}

	// 20,000 round trips over unbuffered channels.
	const rounds = 20000
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < rounds; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	_, open := <-pong
	fmt.Printf("ping-pong: %d round trips, value %d, pong closed: %v\n", rounds, v, !open)
}
