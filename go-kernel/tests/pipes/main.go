// pipes: os.Pipe works like a Linux pipe. Go makes both ends non-blocking
// and parks goroutines in its netpoller (epoll) on EAGAIN, so goose's pipes
// must report EAGAIN when full or empty and wake epoll when that changes;
// reads after the last writer closes give EOF; writes after the last reader
// closes give EPIPE (Go ignores the SIGPIPE that comes with it, since the fd
// is not stdout or stderr); read deadlines time out through the poller.
package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

func must(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	x := uint32(12345)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func main() {
	// 1 MiB through a pipe in odd-sized chunks, far more than the pipe
	// buffer holds, so both sides block and wake many times.
	r, w, err := os.Pipe()
	must("Pipe", err)
	data := pattern(1 << 20)
	want := sha256.Sum256(data)
	go func() {
		for off := 0; off < len(data); {
			n := 3000 + off%5000
			if off+n > len(data) {
				n = len(data) - off
			}
			_, err := w.Write(data[off : off+n])
			must("Write", err)
			off += n
		}
		must("Close writer", w.Close())
	}()
	h := sha256.New()
	buf := make([]byte, 7777)
	total := 0
	var rerr error
	for {
		n, err := r.Read(buf)
		h.Write(buf[:n])
		total += n
		if err != nil {
			rerr = err
			break
		}
	}
	fmt.Println("bytes through pipe:", total)
	fmt.Println("checksum matches:", string(h.Sum(nil)) == string(want[:]))
	fmt.Println("read after writer closed:", rerr, "is io.EOF:", rerr == io.EOF)
	n, err := r.Read(buf)
	fmt.Println("read again:", n, err)
	must("Close reader", r.Close())

	// One big write, larger than the pipe buffer, in a single call.
	r, w, err = os.Pipe()
	must("Pipe", err)
	go func() {
		_, err := w.Write(data)
		must("big Write", err)
		w.Close()
	}()
	got, err := io.ReadAll(r)
	must("ReadAll", err)
	fmt.Println("single 1 MiB write, read back equal:", string(got) == string(data))
	r.Close()

	// Data written before the writer closes is still read, then EOF.
	r, w, err = os.Pipe()
	must("Pipe", err)
	_, err = w.Write([]byte("last words"))
	must("Write", err)
	must("Close", w.Close())
	got, err = io.ReadAll(r)
	fmt.Printf("buffered data after close: %q, err: %v\n", got, err)
	r.Close()

	// Both ends are FIFOs as far as fstat is concerned.
	r, w, err = os.Pipe()
	must("Pipe", err)
	rs, err := r.Stat()
	must("Stat", err)
	ws, err := w.Stat()
	must("Stat", err)
	fmt.Println("read end is a named pipe:", rs.Mode()&os.ModeNamedPipe != 0, "write end:", ws.Mode()&os.ModeNamedPipe != 0)

	// Writing with no reader left: EPIPE, and the program is not killed.
	must("Close reader", r.Close())
	_, err = w.Write([]byte("nobody listens"))
	fmt.Println("write to closed pipe:", err)
	fmt.Println("errors.Is EPIPE:", errors.Is(err, syscall.EPIPE))
	w.Close()

	// Writing to a closed *os.File is an error too, without a syscall.
	_, err = w.Write([]byte("x"))
	fmt.Println("write to closed file:", err, "is os.ErrClosed:", errors.Is(err, os.ErrClosed))

	// A read deadline on an empty pipe expires.
	r, w, err = os.Pipe()
	must("Pipe", err)
	start := time.Now()
	must("SetReadDeadline", r.SetReadDeadline(start.Add(50*time.Millisecond)))
	n, err = r.Read(buf)
	fmt.Println("read with deadline:", n, err)
	fmt.Println("is os.ErrDeadlineExceeded:", errors.Is(err, os.ErrDeadlineExceeded),
		"elapsed>=50ms:", time.Since(start) >= 50*time.Millisecond)
	// Clearing the deadline makes reads block until data comes.
	must("SetReadDeadline", r.SetReadDeadline(time.Time{}))
	go func() {
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("late"))
	}()
	n, err = r.Read(buf)
	fmt.Printf("read after clearing deadline: %q %v\n", buf[:n], err)

	// Closing the read end from another goroutine wakes a blocked reader.
	go func() {
		time.Sleep(20 * time.Millisecond)
		r.Close()
	}()
	_, err = r.Read(buf)
	fmt.Println("blocked read, then Close:", errors.Is(err, os.ErrClosed))
	w.Close()

	// 50 pipes at once, each with its own writer and reader goroutines.
	const pairs = 50
	var wg sync.WaitGroup
	results := make([]int, pairs)
	for i := 0; i < pairs; i++ {
		r, w, err := os.Pipe()
		must("Pipe", err)
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			msg := make([]byte, 1000*(i+1))
			for j := range msg {
				msg[j] = byte(i)
			}
			for k := 0; k < 3; k++ {
				_, err := w.Write(msg)
				must("Write", err)
			}
			w.Close()
		}(i)
		go func(i int) {
			defer wg.Done()
			b, err := io.ReadAll(r)
			must("ReadAll", err)
			ok := len(b) == 3000*(i+1)
			for _, c := range b {
				if c != byte(i) {
					ok = false
				}
			}
			if ok {
				results[i] = 1
			}
			r.Close()
		}(i)
	}
	wg.Wait()
	good := 0
	for _, v := range results {
		good += v
	}
	fmt.Printf("pipes with all data right: %d of %d\n", good, pairs)
}
