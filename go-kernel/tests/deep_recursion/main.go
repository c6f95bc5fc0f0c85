// deep_recursion: goroutine stacks grow (by copying) to tens of megabytes,
// in the main goroutine and in a new one.
package main

import "fmt"

const depth = 50000 // about 1 KiB per frame: a stack of about 50 MiB

//go:noinline
func recurse(n int) uint64 {
	var frame [120]uint64 // keep every frame large
	for i := range frame {
		frame[i] = uint64(n + i)
	}
	if n == 0 {
		return frame[7]
	}
	return recurse(n-1) + frame[n%len(frame)]
}

func main() {
	fmt.Printf("main goroutine: depth %d, result %d\n", depth, recurse(depth))

	done := make(chan uint64)
	go func() { done <- recurse(depth) }()
	fmt.Printf("new goroutine: depth %d, result %d\n", depth, <-done)
}
