// Command allthreads_syscall runs syscall.AllThreadsSyscall (getpid on every
// thread, which the runtime does by signalling each thread and waiting with
// sched_yield until all have run it) while one goroutine sits in a blocking
// read. A signal that reaches a thread on its way into a blocking call must
// end that call: under goose it once stayed pending while the thread slept
// in a futex, and the caller yielded for good (std syscall's
// TestAllThreadsSyscallBlockedSyscall at SMP 2).
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
)

func main() {
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		fmt.Println("pipe:", err)
		os.Exit(1)
	}
	var wg sync.WaitGroup
	ready := make(chan bool)
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 1)
		ready <- true
		n, err := syscall.Read(fds[0], buf)
		fmt.Println("blocked read ends at close:", n == 0 && err == nil)
	}()
	<-ready
	pid := syscall.Getpid()
	ok := 0
	const rounds = 200
	for i := 0; i < rounds; i++ {
		id, _, e := syscall.AllThreadsSyscall(syscall.SYS_GETPID, 0, 0, 0)
		if e == 0 && int(id) == pid {
			ok++
		}
		runtime.Gosched()
	}
	fmt.Printf("getpid on every thread: %d of %d\n", ok, rounds)
	syscall.Close(fds[1])
	wg.Wait()
}
