// signals_segv: memory faults become Go panics that recover() catches, and the
// program keeps running after each. A nil dereference must arrive as SIGSEGV
// with si_code SEGV_MAPERR and a small fault address (the runtime then panics
// with a plain runtime.Error); with debug.SetPanicOnFault(true) a fault at a
// real address (a write to a PROT_READ page, a read of a PROT_NONE page, a
// touch of an unmapped page) panics with a runtime.Error whose Addr() is the
// faulting address, so goose must fill si_addr in the signal frame correctly.
package main

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"syscall"
	"unsafe"
)

type big struct {
	pad [1 << 20]byte
	x   int
}

var (
	nilInt *int
	nilBig *big
)

// addrError is what runtime errors from SetPanicOnFault faults implement.
type addrError interface {
	Addr() uintptr
}

// try runs f, recovers its panic and reports what kind of panic it was.
// When want is non-zero, it also reports whether Addr() equals want.
func try(name string, want uintptr, f func()) {
	defer func() {
		r := recover()
		err, isErr := r.(error)
		var rerr runtime.Error
		isRuntime := isErr && errors.As(err, &rerr)
		fmt.Printf("%s: recovered %q (runtime.Error: %v)", name, fmt.Sprint(r), isRuntime)
		if want != 0 {
			ae, ok := r.(addrError)
			fmt.Printf(" (has Addr: %v, Addr correct: %v)", ok, ok && ae.Addr() == want)
		}
		fmt.Println()
	}()
	f()
}

func mmap(size int, prot int) []byte {
	b, err := syscall.Mmap(-1, 0, size, prot, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic(fmt.Sprintf("mmap: %v", err))
	}
	return b
}

// munmap unmaps part of a mapping (syscall.Munmap only takes whole ones).
func munmap(b []byte) error {
	_, _, e := syscall.Syscall(syscall.SYS_MUNMAP, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0)
	if e != 0 {
		return e
	}
	return nil
}

func main() {
	page := syscall.Getpagesize()
	fmt.Println("page size:", page)

	// Nil dereferences: address 0 and a small offset from 0.
	try("nil read", 0, func() { fmt.Println(*nilInt) })
	try("nil write", 0, func() { *nilInt = 1 })
	// A large offset from nil: the compiler adds an explicit nil check, so
	// this still faults at a low address and panics the same way.
	try("nil big-offset read", 0, func() { fmt.Println(nilBig.x) })

	// A nil dereference in another goroutine, recovered there.
	done := make(chan bool)
	go func() {
		defer close(done)
		try("nil read in goroutine", 0, func() { fmt.Println(*nilInt) })
	}()
	<-done

	old := debug.SetPanicOnFault(true)
	fmt.Println("SetPanicOnFault was:", old)

	// Write to a read-only page: SIGSEGV with SEGV_ACCERR.
	ro := mmap(2*page, syscall.PROT_READ)
	fmt.Println("read-only page reads zero:", ro[0] == 0 && ro[page+7] == 0)
	target := uintptr(unsafe.Pointer(&ro[page+8]))
	try("write to PROT_READ page", target, func() { ro[page+8] = 1 })
	fmt.Println("read-only page still zero:", ro[page+8] == 0)

	// Read from a PROT_NONE page.
	none := mmap(page, syscall.PROT_NONE)
	target = uintptr(unsafe.Pointer(&none[16]))
	try("read from PROT_NONE page", target, func() { fmt.Println(none[16]) })

	// Mprotect makes it usable; the data written is kept.
	if err := syscall.Mprotect(none, syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
		fmt.Println("mprotect:", err)
	}
	none[16] = 42
	fmt.Println("after mprotect RW, value:", none[16])
	// And back to read-only: writes fault again, reads still work.
	if err := syscall.Mprotect(none, syscall.PROT_READ); err != nil {
		fmt.Println("mprotect:", err)
	}
	try("write after mprotect R", target, func() { none[16] = 43 })
	fmt.Println("after mprotect R, value:", none[16])

	// Touch a page after Munmap: unmap the middle page of three, so that
	// the hole is too small for the runtime's own mappings to land in it,
	// and the pages either side keep their contents.
	three := mmap(3*page, syscall.PROT_READ|syscall.PROT_WRITE)
	three[0], three[page+100], three[2*page] = 1, 5, 3
	p := &three[page+100]
	target = uintptr(unsafe.Pointer(p))
	if err := munmap(three[page : 2*page]); err != nil {
		fmt.Println("munmap middle page:", err)
	}
	try("read of unmapped page", target, func() { fmt.Println(*p) })
	fmt.Println("pages either side kept:", three[0] == 1 && three[2*page] == 3)

	// Many faults in a row: each one is recovered and the stack unwinds.
	count := 0
	for i := 0; i < 200; i++ {
		func() {
			defer func() {
				if recover() != nil {
					count++
				}
			}()
			ro[i%(2*page)] = byte(i)
		}()
	}
	fmt.Println("faults recovered in a loop:", count)

	debug.SetPanicOnFault(old)
	if err := syscall.Munmap(ro); err != nil {
		fmt.Println("munmap:", err)
	}
	if err := syscall.Munmap(none); err != nil {
		fmt.Println("munmap:", err)
	}
	if err := munmap(three[:page]); err != nil {
		fmt.Println("munmap first page:", err)
	}
	if err := munmap(three[2*page:]); err != nil {
		fmt.Println("munmap last page:", err)
	}

	// The program carries on normally; the garbage collector still works.
	runtime.GC()
	m := map[int]int{}
	for i := 0; i < 1000; i++ {
		m[i] = i * i
	}
	fmt.Println("still running:", m[999] == 998001)
}
