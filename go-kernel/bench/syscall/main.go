// Command syscall measures the cheapest ways into the kernel and the clock:
// the round trip of a system call that does nothing (getpid), time.Now (the
// vDSO where there is one), time.Sleep(0), a 1 µs time.Sleep and
// runtime.Gosched, each in ns per operation; and one rdtime instruction (the
// time CSR, which goose's vDSO reads once per clock_gettime), to tell the
// cost of the clock itself from that of the vDSO call around it; and the
// first touch of a page of anonymous memory (mmap 16 MiB, write one byte per
// page, munmap), in ns per page. -only runs some of them (make bench's
// goose.vdso=0 and -icount runs need two).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"goose/go-kernel/bench/internal/benchutil"
)

var sink int64

// only names the measurements to run (-only=getpid,time_now); all if empty.
var only = flag.String("only", "", "comma-separated measurements to run (default: all)")

type measurement struct {
	name, unit string
	loop       func(n int)
}

func main() {
	benchutil.Start()
	const page, chunk = 4096, 16 << 20
	all := []measurement{
		{"getpid", "ns/op", func(n int) {
			s := 0
			for i := 0; i < n; i++ {
				s += syscall.Getpid()
			}
			sink += int64(s)
		}},
		{"time_now", "ns/op", func(n int) {
			var s int64
			for i := 0; i < n; i++ {
				s += time.Now().UnixNano()
			}
			sink += s
		}},
		{"rdtime", "ns/op", func(n int) {
			sink += int64(rdtimeLoop(n))
		}},
		{"sleep0", "ns/op", func(n int) {
			for i := 0; i < n; i++ {
				time.Sleep(0)
			}
		}},
		{"sleep_1us", "ns/op", func(n int) {
			for i := 0; i < n; i++ {
				time.Sleep(time.Microsecond)
			}
		}},
		{"gosched", "ns/op", func(n int) {
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
		}},
		{"page_fault", "ns/page", func(n int) {
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
		}},
	}
	want, unknown := map[string]bool{}, map[string]bool{}
	for _, name := range strings.Split(*only, ",") {
		if name != "" {
			want[name], unknown[name] = true, true
		}
	}
	for _, m := range all {
		delete(unknown, m.name)
	}
	for name := range unknown {
		fmt.Fprintf(os.Stderr, "syscall: -only: no measurement %q\n", name)
		os.Exit(2)
	}
	for _, m := range all {
		if len(want) == 0 || want[m.name] {
			ns, _ := benchutil.NsPerOp(m.loop)
			benchutil.Result(m.name, ns, m.unit)
		}
	}
}
