// Command hello is the first program goose boots: an ordinary Go program,
// built with the stock toolchain for linux/riscv64, running as the kernel.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	start := time.Now()
	fmt.Printf("Hello from %s on %s/%s with %d CPU(s)\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())

	// A few goroutines, each squaring its number and sending the result back.
	const n = 4
	results := make(chan [2]int)
	for i := 1; i <= n; i++ {
		go func(i int) { results <- [2]int{i, i * i} }(i)
	}
	squares := make([]int, n+1)
	for i := 0; i < n; i++ {
		r := <-results
		squares[r[0]] = r[1]
	}
	for i := 1; i <= n; i++ {
		fmt.Printf("goroutine %d says %d*%d = %d\n", i, i, i, squares[i])
	}

	time.Sleep(10 * time.Millisecond)
	fmt.Printf("slept 10ms; %v since start. Bye!\n", time.Since(start).Round(time.Millisecond))
	os.Exit(0)
}
