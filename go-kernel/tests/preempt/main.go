// preempt: with one P, a goroutine spinning in a loop without function calls
// is preempted asynchronously (SIGURG via tgkill), so a sleeping goroutine
// still gets to run and set the flag that ends the loop.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

func main() {
	runtime.GOMAXPROCS(1)
	var flag int32
	go func() {
		time.Sleep(20 * time.Millisecond)
		atomic.StoreInt32(&flag, 1)
	}()
	spins := 0
	for atomic.LoadInt32(&flag) == 0 { // no call, no preemption point
		spins++
	}
	fmt.Printf("preempted: ok (spun: %v)\n", spins > 0)
}
