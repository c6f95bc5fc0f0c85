// timers: time.Sleep, Ticker, Timer.Stop/Reset, AfterFunc and a context
// deadline behave, with checks that tolerate a slow or loaded machine.
package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

func main() {
	// Sleep lasts at least as long as asked; the monotonic clock never goes back.
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	d := time.Since(start)
	fmt.Printf("sleep: elapsed>=20ms: %v\n", d >= 20*time.Millisecond)

	// Many short sleeps in a row.
	start = time.Now()
	for i := 0; i < 10; i++ {
		time.Sleep(time.Millisecond)
	}
	fmt.Printf("10 sleeps of 1ms: elapsed>=10ms: %v\n", time.Since(start) >= 10*time.Millisecond)

	// A Ticker delivers ticks; five of them take at least four periods.
	start = time.Now()
	t := time.NewTicker(5 * time.Millisecond)
	for i := 0; i < 5; i++ {
		<-t.C
	}
	t.Stop()
	fmt.Printf("ticker: 5 ticks, elapsed>=20ms: %v\n", time.Since(start) >= 20*time.Millisecond)

	// Stopping a timer before it fires: Stop reports true and nothing arrives.
	timer := time.NewTimer(50 * time.Millisecond)
	fmt.Printf("timer.Stop before firing: %v\n", timer.Stop())
	select {
	case <-timer.C:
		fmt.Println("stopped timer: fired (wrong)")
	case <-time.After(100 * time.Millisecond):
		fmt.Println("stopped timer: did not fire")
	}

	// Reset re-arms a stopped timer.
	start = time.Now()
	timer.Reset(10 * time.Millisecond)
	<-timer.C
	fmt.Printf("timer.Reset: fired, elapsed>=10ms: %v\n", time.Since(start) >= 10*time.Millisecond)
	fmt.Printf("timer.Stop after firing: %v\n", timer.Stop())

	// AfterFunc runs its function on another goroutine.
	var ran int32
	done := make(chan struct{})
	time.AfterFunc(5*time.Millisecond, func() {
		atomic.StoreInt32(&ran, 1)
		close(done)
	})
	<-done
	fmt.Printf("AfterFunc ran: %v\n", atomic.LoadInt32(&ran) == 1)

	// A context deadline expires.
	// start is taken first: the deadline counts from WithTimeout, and a
	// loaded machine may run other threads between the two calls.
	start = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	fmt.Printf("context: %v, elapsed>=15ms: %v\n", ctx.Err(), time.Since(start) >= 15*time.Millisecond)

	// Durations measured back to back are never negative.
	neg := false
	prev := time.Now()
	for i := 0; i < 20000; i++ {
		now := time.Now()
		if now.Sub(prev) < 0 {
			neg = true
		}
		prev = now
	}
	fmt.Printf("monotonic clock went backwards: %v\n", neg)
}
