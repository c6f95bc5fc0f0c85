// mem_mmap: anonymous memory behaves as on Linux. A 64 MiB read-write
// mapping is zero-filled and every page can be used; a 1 GiB PROT_NONE
// reservation (bigger than the machine's memory, as the Go runtime itself
// makes) succeeds without committing memory, and Mprotect turns parts of it
// into usable memory; MADV_DONTNEED drops a page's contents so it reads as
// zeros; the heap can repeatedly grow to 256 MiB and shrink back within a
// 512 MiB machine, so goose must reuse (and may reclaim) freed memory.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
)

const mib = 1 << 20

func must(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	page := syscall.Getpagesize()

	// 64 MiB read-write: zero-filled, every page written and read back.
	m, err := syscall.Mmap(-1, 0, 64*mib, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	must("mmap 64 MiB", err)
	zero := true
	for i := 0; i < len(m); i += page {
		if m[i] != 0 || m[i+page-1] != 0 {
			zero = false
		}
		m[i] = byte(i / page)
		m[i+page-1] = byte(i/page) ^ 0xff
	}
	ok := true
	for i := 0; i < len(m); i += page {
		if m[i] != byte(i/page) || m[i+page-1] != byte(i/page)^0xff {
			ok = false
		}
	}
	fmt.Println("64 MiB mapping: zero-filled:", zero, "every page kept its data:", ok)
	must("munmap 64 MiB", syscall.Munmap(m))

	// MADV_DONTNEED on a private anonymous page: it reads as zeros after.
	m, err = syscall.Mmap(-1, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	must("mmap 4 pages", err)
	for i := range m {
		m[i] = 0xaa
	}
	must("madvise", syscall.Madvise(m[page:2*page], syscall.MADV_DONTNEED))
	fmt.Println("after MADV_DONTNEED: page 1 reads zero:", m[page] == 0 && m[2*page-1] == 0,
		"pages 0 and 2 untouched:", m[0] == 0xaa && m[2*page] == 0xaa)
	m[page] = 7
	fmt.Println("page 1 usable again:", m[page] == 7)
	must("munmap", syscall.Munmap(m))

	// A 1 GiB reservation (twice the machine's memory) with PROT_NONE.
	res, err := syscall.Mmap(-1, 0, 1024*mib, syscall.PROT_NONE, syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_NORESERVE)
	must("mmap 1 GiB PROT_NONE", err)
	fmt.Println("1 GiB PROT_NONE reservation: ok")
	// Make 16 MiB in the middle usable and fill it.
	mid := res[512*mib : 528*mib]
	must("mprotect", syscall.Mprotect(mid, syscall.PROT_READ|syscall.PROT_WRITE))
	sum := 0
	for i := 0; i < len(mid); i += page {
		mid[i] = 1
	}
	for i := 0; i < len(mid); i += page {
		sum += int(mid[i])
	}
	fmt.Println("16 MiB made read-write inside it, pages written:", sum == len(mid)/page)
	// Several separate pieces of the reservation, 64 MiB apart.
	for off := 0; off < 1024*mib; off += 64 * mib {
		must("mprotect piece", syscall.Mprotect(res[off:off+page], syscall.PROT_READ|syscall.PROT_WRITE))
		res[off] = byte(off / (64 * mib))
	}
	ok = true
	for off := 0; off < 1024*mib; off += 64 * mib {
		ok = ok && res[off] == byte(off/(64*mib))
	}
	fmt.Println("16 single pages spread over the reservation usable:", ok)
	must("munmap 1 GiB", syscall.Munmap(res))

	// Several reservations at once, each bigger than memory.
	var resv [][]byte
	for i := 0; i < 4; i++ {
		r, err := syscall.Mmap(-1, 0, 1024*mib, syscall.PROT_NONE, syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_NORESERVE)
		must("mmap reservation", err)
		resv = append(resv, r)
	}
	fmt.Println("4 reservations of 1 GiB at once: ok")
	for _, r := range resv {
		must("munmap reservation", syscall.Munmap(r))
	}

	// The Go heap grows to 256 MiB and gives it back, four times over.
	for round := 1; round <= 4; round++ {
		b := make([]byte, 256*mib)
		for i := 0; i < len(b); i += page {
			b[i] = byte(round)
		}
		good := b[0] == byte(round) && b[len(b)-page] == byte(round) && b[len(b)-1] == 0
		b = nil
		runtime.GC()
		fmt.Printf("round %d: 256 MiB allocated and touched: %v\n", round, good)
	}
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("after FreeOSMemory: heap in use < 64 MiB:", ms.HeapInuse < 64*mib,
		"released >= 200 MiB:", ms.HeapReleased >= 200*mib)

	// Many small allocations afterwards still work.
	var keep [][]byte
	for i := 0; i < 10000; i++ {
		keep = append(keep, make([]byte, 1000))
	}
	fmt.Println("10000 small allocations:", len(keep))
}
