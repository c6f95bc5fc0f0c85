// tlb_reuse: memory unmapped on one thread and mapped again at the same
// address must read as the new mapping on every other thread at once. Two
// goroutines, each locked to its own thread (on its own hart when goose has
// two or more), hand a page back and forth: the owner maps it (MAP_FIXED at
// the same address every round, so a stale translation on the other hart
// would reach the old, freed page), writes the round number, and the other
// checks it and writes back; then the owner unmaps it. A second phase does
// the same with madvise(MADV_DONTNEED) (the page stays mapped, its contents
// go). goose passes harts that
// cannot be using the program's translations by on a TLB shootdown
// (arch/riscv/smp.c): each of these must still see the change.
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

const rounds = 400
const size = 64 << 10

func mmapAt(addr uintptr, size int, flags int) uintptr {
	p, _, e := syscall.Syscall6(syscall.SYS_MMAP, addr, uintptr(size), syscall.PROT_READ|syscall.PROT_WRITE,
		uintptr(flags|syscall.MAP_PRIVATE|syscall.MAP_ANON), ^uintptr(0), 0)
	if e != 0 {
		fmt.Println("mmap:", e)
		os.Exit(1)
	}
	return p
}

func word(p uintptr, i int) *uint64 {
	return (*uint64)(unsafe.Pointer(p + uintptr(i)*8))
}

type msg struct {
	round int
	addr  uintptr
}

func main() {
	fmt.Println("threads:", runtime.GOMAXPROCS(0) >= 1)
	base := mmapAt(0, size, 0)
	toB, toA := make(chan msg), make(chan int)
	bad := 0
	go func() {
		runtime.LockOSThread()
		for m := range toB {
			// Every word the owner wrote this round, none from a round before.
			for i := 0; i < size/8; i += 512 {
				if v := *word(m.addr, i); v != uint64(m.round) {
					bad++
					if bad < 4 {
						fmt.Printf("round %d: word %d reads %d\n", m.round, i, v)
					}
				}
			}
			*word(m.addr, 1) = uint64(m.round) + 1000000
			toA <- m.round
		}
	}()
	runtime.LockOSThread()
	for r := 1; r <= rounds; r++ {
		p := mmapAt(base, size, syscall.MAP_FIXED)
		if p != base {
			fmt.Println("MAP_FIXED moved")
			os.Exit(1)
		}
		for i := 0; i < size/8; i += 512 {
			*word(p, i) = uint64(r)
		}
		toB <- msg{r, p}
		<-toA
		if v := *word(p, 1); v != uint64(r)+1000000 {
			bad++
			fmt.Printf("round %d: the other thread's write reads %d\n", r, v)
		}
		if r%2 == 0 {
			// MADV_DONTNEED: the same mapping, fresh zero pages.
			if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, p, size, 4); e != 0 {
				fmt.Println("madvise:", e)
				os.Exit(1)
			}
			toB <- msg{0, p}
			<-toA
			if v := *word(p, 1); v != 1000000 {
				bad++
				fmt.Printf("round %d after DONTNEED: the other thread's write reads %d\n", r, v)
			}
		}
		if _, _, e := syscall.Syscall(syscall.SYS_MUNMAP, p, size, 0); e != 0 {
			fmt.Println("munmap:", e)
			os.Exit(1)
		}
	}
	close(toB)
	fmt.Println("rounds:", rounds, "stale reads:", bad)
}
