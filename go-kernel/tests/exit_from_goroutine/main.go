// exit_from_goroutine: os.Exit(3) from a goroutine other than main, while
// main is blocked and other goroutines spin on other threads, ends the
// whole process (exit_group) with status 3; main never resumes and deferred
// calls do not run.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	defer fmt.Println("deferred in main: must not be printed")
	var spinning int32
	// Goroutines busy on every P, so that other threads are running (not
	// asleep) when exit_group happens.
	for i := 0; i < runtime.GOMAXPROCS(0)+1; i++ {
		go func() {
			atomic.AddInt32(&spinning, 1)
			for {
				runtime.Gosched()
			}
		}()
	}
	go func() {
		for atomic.LoadInt32(&spinning) == 0 {
			runtime.Gosched()
		}
		fmt.Println("goroutine: exiting with status 3")
		os.Exit(3)
	}()
	var wg sync.WaitGroup
	wg.Add(1)
	wg.Wait() // never done
	fmt.Println("main: must not be printed")
}
