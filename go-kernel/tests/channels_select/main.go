// channels_select: channel and select semantics: buffering, close, range,
// comma-ok, default cases, nil channels and random choice among ready cases.
package main

import "fmt"

func main() {
	// Buffered channel: len/cap, FIFO order.
	b := make(chan int, 3)
	b <- 1
	b <- 2
	fmt.Printf("buffered: len=%d cap=%d\n", len(b), cap(b))
	fmt.Printf("fifo: %d %d\n", <-b, <-b)

	// Close: values already sent are still received, then zero values.
	b <- 7
	close(b)
	v, ok := <-b
	fmt.Printf("after close: %d %v\n", v, ok)
	v, ok = <-b
	fmt.Printf("drained: %d %v\n", v, ok)

	// range over a channel stops at close.
	c := make(chan string)
	go func() {
		for _, s := range []string{"alpha", "beta", "gamma"} {
			c <- s
		}
		close(c)
	}()
	for s := range c {
		fmt.Println("range:", s)
	}

	// select with default never blocks.
	empty := make(chan int)
	select {
	case <-empty:
		fmt.Println("default: wrong case")
	default:
		fmt.Println("default: taken")
	}

	// A nil channel is never ready in a select.
	var nilc chan int
	ready := make(chan int, 1)
	ready <- 5
	select {
	case <-nilc:
		fmt.Println("nil channel: wrong case")
	case x := <-ready:
		fmt.Println("nil channel: skipped, got", x)
	}

	// When several cases are ready, select picks at random: both get picked.
	x, y := make(chan int, 1), make(chan int, 1)
	var nx, ny int
	for i := 0; i < 2000; i++ {
		x <- 1
		y <- 1
		select {
		case <-x:
			nx++
			<-y
		case <-y:
			ny++
			<-x
		}
	}
	fmt.Printf("random choice: x chosen %v, y chosen %v, total %d\n", nx > 100, ny > 100, nx+ny)

	// Sending on a closed channel panics.
	func() {
		defer func() { fmt.Println("send on closed:", recover()) }()
		d := make(chan int, 1)
		close(d)
		d <- 1
	}()

	// A pipeline of goroutines: generator -> square -> sum.
	gen := make(chan int)
	sq := make(chan int)
	go func() {
		for i := 1; i <= 100; i++ {
			gen <- i
		}
		close(gen)
	}()
	go func() {
		for i := range gen {
			sq <- i * i
		}
		close(sq)
	}()
	sum := 0
	for s := range sq {
		sum += s
	}
	fmt.Println("pipeline sum of squares 1..100:", sum)
}
