// preempt_tight: goroutines spinning in loops without function calls (so
// without cooperative preemption points) must not starve the others. Go
// preempts them asynchronously: sysmon notices a goroutine running for more
// than 10ms and sends its thread SIGURG with tgkill; the handler rewrites the
// interrupted context to call into the scheduler. Goose must deliver SIGURG to
// the right thread at any instruction and restore the modified context on
// rt_sigreturn. Garbage collection also has to stop spinning goroutines.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// spin counts until *stop becomes non-zero. The loop calls nothing: the
// atomic operations are compiled inline.
func spin(stop *int32, counter *int64) {
	for atomic.LoadInt32(stop) == 0 {
		atomic.AddInt64(counter, 1)
	}
}

// startSpinners starts n spinning goroutines and returns their counters and
// a function that stops them and waits for them.
func startSpinners(n int) ([]int64, func()) {
	var (
		stop     int32
		wg       sync.WaitGroup
		counters = make([]int64, n)
	)
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer wg.Done()
			spin(&stop, &counters[i])
		}(i)
	}
	return counters, func() {
		atomic.StoreInt32(&stop, 1)
		wg.Wait()
	}
}

// waitAllPositive waits, sleeping, until every counter has moved.
func waitAllPositive(c []int64) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ok := true
		for i := range c {
			if atomic.LoadInt64(&c[i]) <= 0 {
				ok = false
			}
		}
		if ok {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

func main() {
	runtime.GOMAXPROCS(1)
	fmt.Println("phase 1: GOMAXPROCS =", runtime.GOMAXPROCS(0))

	// main spins; a sleeping goroutine must still wake and end the loop.
	var flag int32
	go func() {
		time.Sleep(20 * time.Millisecond)
		atomic.StoreInt32(&flag, 1)
	}()
	var spins int64
	spin(&flag, &spins)
	fmt.Println("main spinner preempted, sleeper ran: true, spun:", spins > 0)

	// A goroutine spins; main sleeps, and its timer must still fire.
	counters, stop := startSpinners(1)
	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	fmt.Println("main woke while a goroutine spins, slept>=30ms:", time.Since(start) >= 30*time.Millisecond)
	stop()
	fmt.Println("spinner made progress:", counters[0] > 0)

	// Three spinners share the only P with main, which sleeps in between
	// looking at their counters: each one gets turns.
	counters, stop = startSpinners(3)
	fmt.Println("3 spinners on 1 P all ran:", waitAllPositive(counters))
	stop()

	// Ping-pong over a channel keeps working while a spinner hogs the P.
	_, stop = startSpinners(1)
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	v := 0
	for i := 0; i < 20; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	stop()
	fmt.Println("ping-pong beside a spinner, value:", v)

	// A garbage collection needs every goroutine stopped.
	_, stop = startSpinners(1)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.NumGC
	runtime.GC()
	runtime.ReadMemStats(&ms)
	stop()
	fmt.Println("GC completed beside a spinner:", ms.NumGC > before)

	runtime.GOMAXPROCS(2)
	fmt.Println("phase 2: GOMAXPROCS =", runtime.GOMAXPROCS(0))

	// Four spinners, two Ps: main still gets ticks, and all of them run.
	counters, stop = startSpinners(4)
	t := time.NewTicker(5 * time.Millisecond)
	start = time.Now()
	for i := 0; i < 5; i++ {
		<-t.C
	}
	t.Stop()
	fmt.Println("5 ticks beside 4 spinners, elapsed>=20ms:", time.Since(start) >= 20*time.Millisecond)
	fmt.Println("4 spinners on 2 Ps all ran:", waitAllPositive(counters))
	runtime.ReadMemStats(&ms)
	before = ms.NumGC
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Println("2 GCs completed beside 4 spinners:", ms.NumGC >= before+2)

	// Spinners started while others already hog both Ps get going too.
	late, stopLate := startSpinners(2)
	fmt.Println("2 more spinners ran:", waitAllPositive(late))
	stopLate()
	stop()
	fmt.Println("done")
}
