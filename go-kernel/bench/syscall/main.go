// Command syscall measures the cheapest ways into the kernel and the clock:
// the round trip of a system call that does nothing (getpid), time.Now (the
// vDSO where there is one), time.Sleep(0), a 1 µs time.Sleep and
// runtime.Gosched, each in ns per operation; and one rdtime instruction (the
// time CSR, which goose's vDSO reads once per clock_gettime), to tell the
// cost of the clock itself from that of the vDSO call around it; and the
// first touch of a page of anonymous memory (mmap 16 MiB, write one byte per
// page, munmap), in ns per page.
package main

import (
	"runtime"
	"syscall"
	"time"

	"goose/go-kernel/bench/internal/benchutil"
)

var sink int64

func main() {
	benchutil.Start()

	ns, _ := benchutil.NsPerOp(func(n int) {
		s := 0
		for i := 0; i < n; i++ {
			s += syscall.Getpid()
		}
		sink += int64(s)
	})
	benchutil.Result("getpid", ns, "ns/op")

	ns, _ = benchutil.NsPerOp(func(n int) {
		var s int64
		for i := 0; i < n; i++ {
			s += time.Now().UnixNano()
		}
		sink += s
	})
	benchutil.Result("time_now", ns, "ns/op")

	ns, _ = benchutil.NsPerOp(func(n int) {
		sink += int64(rdtimeLoop(n))
	})
	benchutil.Result("rdtime", ns, "ns/op")

	ns, _ = benchutil.NsPerOp(func(n int) {
		for i := 0; i < n; i++ {
			time.Sleep(0)
		}
	})
	benchutil.Result("sleep0", ns, "ns/op")

	ns, _ = benchutil.NsPerOp(func(n int) {
		for i := 0; i < n; i++ {
			time.Sleep(time.Microsecond)
		}
	})
	benchutil.Result("sleep_1us", ns, "ns/op")

	ns, _ = benchutil.NsPerOp(func(n int) {
		for i := 0; i < n; i++ {
			runtime.Gosched()
		}
	})
	benchutil.Result("gosched", ns, "ns/op")

	const page, chunk = 4096, 16 << 20
	ns, _ = benchutil.NsPerOp(func(n int) {
		for n > 0 {
			pages := chunk / page
			if n < pages {
				pages = n
			}
			m, err := syscall.Mmap(-1, 0, pages*page, syscall.PROT_READ|syscall.PROT_WRITE,
				syscall.MAP_PRIVATE|syscall.MAP_ANON)
			if err != nil {
				panic(err)
			}
			for i := 0; i < len(m); i += page {
				m[i] = 1
			}
			if err := syscall.Munmap(m); err != nil {
				panic(err)
			}
			n -= pages
		}
	})
	benchutil.Result("page_fault", ns, "ns/page")
}
