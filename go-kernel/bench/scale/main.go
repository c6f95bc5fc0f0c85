// Command scale measures how goose's own work scales with harts: one
// goroutine per CPU (GOMAXPROCS = the CPUs the program sees), each on its
// own thread (runtime.LockOSThread), runs the same loop for -ms
// milliseconds (200) and the result is operations per millisecond, all
// goroutines together:
//
//	scale_syscall  getppid system calls (no shared state behind them)
//	scale_fault    first-touch page faults: map 4 MiB, touch every page, unmap
//	scale_churn    map 64 KiB, touch one page, unmap (what allocators do),
//	               through syscall.Mmap and Munmap, which hold one mutex of
//	               the syscall package across each call
//	scale_churn_raw the same with mmap and munmap called directly, as Go's
//	               runtime and C allocators do: no mutex between the threads
//	scale_gc       goroutines allocating 64 KiB slices and dropping them (the GC
//	               frees, faults and madvises from several threads), in MiB/ms
//
// Booted with SMP=1, 2, 4 (and run under qemu-riscv64 with GOMAXPROCS=1, 2,
// 4), the rows give the scaling of each path (ci/bench.py).
package main

import (
	"flag"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"goose/go-kernel/bench/internal/benchutil"
)

var (
	ms   = flag.Int("ms", 200, "milliseconds each measurement runs")
	only = flag.String("only", "", "run only this one (syscall, fault, churn, churnraw, gc)")
)

// parallel runs op in one locked goroutine per CPU until the time is up;
// op returns how many operations it did. Returns operations per ms.
func parallel(op func() int) float64 {
	n := runtime.GOMAXPROCS(0)
	var total atomic.Int64
	var stop atomic.Bool
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			ready.Done()
			<-start
			count := 0
			for !stop.Load() {
				count += op()
			}
			total.Add(int64(count))
		}()
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	time.Sleep(time.Duration(*ms) * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	return float64(total.Load()) / (float64(time.Since(t0)) / float64(time.Millisecond))
}

func mmap(size int) []byte {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		panic(err)
	}
	return b
}

func main() {
	benchutil.Start()
	page := syscall.Getpagesize()
	run := func(name string) bool { return *only == "" || *only == name }
	if run("syscall") {
		benchutil.Result("scale_syscall", parallel(func() int {
			for i := 0; i < 100; i++ {
				syscall.Getppid()
			}
			return 100
		}), "ops/ms")
	}
	if run("fault") {
		benchutil.Result("scale_fault", parallel(func() int {
			b := mmap(4 << 20)
			for i := 0; i < len(b); i += page {
				b[i] = 1
			}
			if err := syscall.Munmap(b); err != nil {
				panic(err)
			}
			return len(b) / page
		}), "faults/ms")
	}
	if run("churn") {
		benchutil.Result("scale_churn", parallel(func() int {
			b := mmap(64 << 10)
			b[0] = 1
			if err := syscall.Munmap(b); err != nil {
				panic(err)
			}
			return 1
		}), "ops/ms")
	}
	if run("churnraw") {
		benchutil.Result("scale_churn_raw", parallel(func() int {
			p, _, e := syscall.RawSyscall6(syscall.SYS_MMAP, 0, 64<<10, syscall.PROT_READ|syscall.PROT_WRITE,
				syscall.MAP_PRIVATE|syscall.MAP_ANON, ^uintptr(0), 0)
			if e != 0 {
				panic(e)
			}
			*(*byte)(unsafe.Pointer(p)) = 1
			if _, _, e := syscall.RawSyscall(syscall.SYS_MUNMAP, p, 64<<10, 0); e != 0 {
				panic(e)
			}
			return 1
		}), "ops/ms")
	}
	if run("gc") {
		var sink atomic.Pointer[[]byte]
		benchutil.Result("scale_gc", parallel(func() int {
			for i := 0; i < 16; i++ {
				b := make([]byte, 64<<10)
				b[len(b)-1] = byte(i)
				sink.Store(&b)
			}
			return 1
		}), "MiB/ms")
	}
}
