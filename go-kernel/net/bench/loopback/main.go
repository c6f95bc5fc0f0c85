// loopback: make bench's rows for TCP on 127.0.0.1 (ci/bench.py, step
// loopback). With the provider's blank import, a program's loopback sockets
// are the provider's (gVisor's netstack); with GOOSE_NET=off in the
// environment the provider stays out and goose's own C sockets serve them:
// the same ELF measures both ways, and under qemu-riscv64 the host's.
//
//	bench loop_rtt <us>      one 64-byte message and its echo, on one connection
//	bench loop_bulk <MiB/s>  -mib MiB written on one connection and read on the other
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	_ "goose/go-kernel/net/virtio"
)

func main() {
	rounds := flag.Int("rounds", 2000, "round trips")
	mib := flag.Int("mib", 32, "MiB of the bulk transfer")
	flag.Parse()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	check(err)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(c, c) // echo
		}
	}()
	c, err := net.Dial("tcp4", ln.Addr().String())
	check(err)
	msg, back := make([]byte, 64), make([]byte, 64)
	start := time.Now()
	for i := 0; i < *rounds; i++ {
		_, err = c.Write(msg)
		check(err)
		_, err = io.ReadFull(c, back)
		check(err)
	}
	fmt.Printf("bench loop_rtt %.2f us\n", float64(time.Since(start).Microseconds())/float64(*rounds))

	// Bulk: write on one goroutine, read the echo on another.
	total := *mib << 20
	buf := make([]byte, 64<<10)
	start = time.Now()
	go func() {
		for left := total; left > 0; left -= len(buf) {
			if _, err := c.Write(buf[:min(left, len(buf))]); err != nil {
				check(err)
			}
		}
	}()
	got, err := io.CopyN(io.Discard, c, int64(total))
	check(err)
	secs := time.Since(start).Seconds()
	fmt.Printf("bench loop_bulk %.2f MiB/s\n", float64(got)/(1<<20)/secs)
}

func check(err error) {
	if err != nil {
		fmt.Println("loopback:", err)
		os.Exit(1)
	}
}
