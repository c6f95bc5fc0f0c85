// munmap_race: buffers unmapped on one thread while other threads have
// system calls copy from them. goose unmaps private anonymous memory
// without its big lock, while only the big lock's holder reaches the
// program's memory (kernel/thread.h, lockless_unmap_begin): each call
// must see its buffer mapped or not, never crash goose. A write(2) moves
// some of the buffer (Linux stops at the first page that faults) or fails
// with EFAULT. (The calls only read the buffer: once unmapped, its
// addresses may be the runtime's.) Also: the unmapping thread itself
// faults on a buffer at once (a 64 KiB one too, whose unmap leaves the
// other harts' fences for later, goose's deferred unmaps, and its own for
// its way out of goose), and so does a thread that used it and is woken
// through a futex after the unmap (it came back through goose, which
// flushed its TLB on the way), and so does a thread that learns of the
// unmap through memory alone and then makes a system call (getpid): goose
// fences a hart at every entry but a fault, mmap or munmap on their fast
// paths, whose other harts' deferred fences may wait (arch/riscv/smp.c);
// a thread in those paths when a munmap's shootdown comes fences on its
// way out, so a thread told of it through memory alone faults too.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

const size = 1 << 20
const small = 64 << 10
const rounds = 1000
const writers = 1

func mmap() uintptr {
	return mmapSize(size)
}

func mmapSize(size uintptr) uintptr {
	p, _, e := syscall.Syscall6(syscall.SYS_MMAP, 0, size, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON, ^uintptr(0), 0)
	if e != 0 {
		fmt.Println("mmap:", e)
		os.Exit(1)
	}
	// Touched all through, so an unmap has every page to take.
	for i := uintptr(0); i < size; i += 4096 {
		*(*byte)(unsafe.Pointer(p + i)) = 1
	}
	return p
}

func munmap(p uintptr) {
	munmapSize(p, size)
}

func munmapSize(p, size uintptr) {
	if _, _, e := syscall.Syscall(syscall.SYS_MUNMAP, p, size, 0); e != 0 {
		fmt.Println("munmap:", e)
		os.Exit(1)
	}
}

var oneCPU = runtime.NumCPU() == 1

// spinUntil waits for step to reach n on the thread's own hart, yielding
// only when there is one CPU: a locked thread's yield is a futex wait,
// which would fence its hart on the way back.
func spinUntil(step *atomic.Int32, n int32) {
	for step.Load() != n {
		if oneCPU {
			runtime.Gosched()
		}
	}
}

// faults reports whether reading p panics (debug.SetPanicOnFault).
func faults(p uintptr) (fault bool) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		fault = recover() != nil
	}()
	_ = *(*byte)(unsafe.Pointer(p))
	return false
}

func main() {
	var buf atomic.Uintptr
	buf.Store(mmap())
	var stop atomic.Bool
	var bad, calls atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		f, err := os.CreateTemp("", "munmap_race")
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		wg.Add(1)
		go func(fd uintptr) {
			defer wg.Done()
			runtime.LockOSThread()
			for !stop.Load() {
				n, _, e := syscall.Syscall6(syscall.SYS_PWRITE64, fd, buf.Load(), size, 0, 0, 0)
				calls.Add(1)
				if !(e == 0 && n > 0 && n <= size) && e != syscall.EFAULT {
					bad.Add(1)
					fmt.Println("pwrite gave", n, e)
				}
			}
		}(f.Fd())
	}

	runtime.LockOSThread()
	unmappedFaults := 0
	for r := 0; r < rounds; r++ {
		// The writers go on with the old buffer while it goes.
		old := buf.Load()
		munmap(old)
		if faults(old) {
			unmappedFaults++
		}
		buf.Store(mmap())
	}
	stop.Store(true)
	wg.Wait()
	fmt.Println("own faults after munmap:", unmappedFaults == rounds)
	smallFaults := 0
	for r := 0; r < rounds; r++ {
		p := mmapSize(small)
		// Read just before, so this hart's TLB holds the translation.
		_ = *(*byte)(unsafe.Pointer(p))
		munmapSize(p, small)
		if faults(p) {
			smallFaults++
		}
	}
	fmt.Println("own faults after munmap of 64 KiB:", smallFaults == rounds)
	fmt.Println("bad results:", bad.Load(), "calls made:", calls.Load() > 0)

	// A thread that used the page, then waits on a futex (a channel)
	// while another unmaps it, faults on it when woken.
	woken := 0
	for r := 0; r < 200; r++ {
		p := mmap()
		ready, unmapped, done := make(chan bool), make(chan bool), make(chan bool)
		go func() {
			runtime.LockOSThread()
			*(*byte)(unsafe.Pointer(p)) = 1
			ready <- true
			<-unmapped
			done <- faults(p)
		}()
		<-ready
		munmap(p)
		unmapped <- true
		if <-done {
			woken++
		}
	}
	fmt.Println("woken threads fault:", woken == 200)

	// The same told through memory, of a 64 KiB buffer (its unmap leaves
	// the other harts' fences for later), and a system call in between.
	told := 0
	for r := 0; r < 200; r++ {
		p := mmapSize(small)
		var step atomic.Int32
		done := make(chan bool)
		go func() {
			runtime.LockOSThread()
			*(*byte)(unsafe.Pointer(p)) = 1
			step.Store(1)
			spinUntil(&step, 2)
			syscall.Getpid()
			done <- faults(p)
		}()
		spinUntil(&step, 1)
		munmapSize(p, small)
		step.Store(2)
		if <-done {
			told++
		}
	}
	fmt.Println("threads told through memory fault after a system call:", told == 200)

	// Told through memory alone, no system call, of a 1 MiB buffer, whose
	// unmap fences every hart before it returns, while the thread maps
	// and unmaps untouched memory of its own: each a brief stay in goose
	// that the shootdown passes by (the hart fences on its way out
	// instead), and none a fence of its own or a page that would push
	// the buffer's translation out of the TLB.
	brief := 0
	for r := 0; r < 100; r++ {
		p := mmap()
		var step atomic.Int32
		done := make(chan bool)
		go func() {
			runtime.LockOSThread()
			*(*byte)(unsafe.Pointer(p)) = 1
			step.Store(1)
			for step.Load() != 2 {
				q, _, e := syscall.RawSyscall6(syscall.SYS_MMAP, 0, small, syscall.PROT_READ|syscall.PROT_WRITE,
					syscall.MAP_PRIVATE|syscall.MAP_ANON, ^uintptr(0), 0)
				if e == 0 {
					syscall.RawSyscall(syscall.SYS_MUNMAP, q, small, 0)
				}
				if oneCPU {
					runtime.Gosched()
				}
			}
			done <- faults(p)
		}()
		spinUntil(&step, 1)
		munmap(p)
		step.Store(2)
		if <-done {
			brief++
		}
	}
	fmt.Println("threads mapping meanwhile, told through memory, fault:", brief == 100)
}
