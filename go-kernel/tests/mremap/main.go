// mremap: growing, shrinking and moving mappings as mremap(2) does on
// Linux: anonymous memory moved with its bytes, a shrink that keeps the
// head, a shared file mapping grown after ftruncate that shows the file's
// new bytes and whose stores reach the file (the way badger grows its
// value log), and MREMAP_DONTUNMAP leaving the old range mapped and empty.
package main

import (
	"bytes"
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

const (
	page          = 4096
	mremapMayMove = 1
	mremapFixed   = 2
	dontUnmap     = 4
)

func mremap(old []byte, newLen int, flags int) ([]byte, error) {
	r, _, e := syscall.Syscall6(syscall.SYS_MREMAP, uintptr(unsafe.Pointer(&old[0])), uintptr(len(old)),
		uintptr(newLen), uintptr(flags), 0, 0)
	if e != 0 {
		return nil, e
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(r)), newLen), nil
}

// munmap by address: Go's syscall.Munmap knows only what syscall.Mmap made.
func munmap(b []byte) error {
	_, _, e := syscall.Syscall(syscall.SYS_MUNMAP, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0)
	if e != 0 {
		return e
	}
	return nil
}

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	// Anonymous: fill 4 pages, grow to 64 pages (moving if it must).
	a, err := syscall.Mmap(-1, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	check("mmap", err)
	for i := range a {
		a[i] = byte(i / page * 7)
	}
	// Something right after, so that growing in place is not possible.
	blocker, err := syscall.Mmap(-1, 0, page, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	check("mmap", err)
	_, err = mremap(a, 64*page, 0)
	fmt.Println("grow without MREMAP_MAYMOVE where there is no room:", err)
	b, err := mremap(a, 64*page, mremapMayMove)
	check("mremap grow", err)
	ok := true
	for i := 0; i < 4*page; i++ {
		ok = ok && b[i] == byte(i/page*7)
	}
	fmt.Println("grown to 64 pages, bytes kept:", ok, "new pages zero:", bytes.Equal(b[4*page:], make([]byte, 60*page)))
	b[63*page] = 9
	c, err := mremap(b, 2*page, 0)
	check("mremap shrink", err)
	fmt.Println("shrunk to 2 pages in place:", &c[0] == &b[0], "head kept:", c[page] == 7)
	_, err = mremap(c, page, mremapFixed)
	fmt.Println("MREMAP_FIXED without MREMAP_MAYMOVE:", err)

	// DONTUNMAP: the pages move, the old range stays mapped, empty.
	c[0] = 42
	d, err := mremap(c, 2*page, mremapMayMove|dontUnmap)
	check("mremap DONTUNMAP", err)
	fmt.Println("MREMAP_DONTUNMAP: moved:", &d[0] != &c[0], "bytes went along:", d[0] == 42, "old range reads zero:", c[0] == 0)
	check("munmap", munmap(d))
	check("munmap", munmap(c))
	check("munmap", syscall.Munmap(blocker))

	// A shared file mapping grown after the file grew: badger's value log.
	f, err := os.CreateTemp("", "mremap")
	check("create", err)
	defer os.Remove(f.Name())
	check("truncate", f.Truncate(page))
	m, err := syscall.Mmap(int(f.Fd()), 0, page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	check("mmap file", err)
	copy(m, "head")
	check("truncate", f.Truncate(16*page))
	_, err = f.WriteAt([]byte("written past the old end"), 8*page)
	check("pwrite", err)
	g, err := mremap(m, 16*page, mremapMayMove)
	check("mremap file", err)
	fmt.Println("file mapping grown: head kept:", string(g[:4]) == "head", "sees the write past the old end:",
		string(g[8*page:8*page+24]) == "written past the old end")
	copy(g[12*page:], "stored through the mapping")
	buf := make([]byte, 26)
	_, err = f.ReadAt(buf, 12*page)
	check("pread", err)
	fmt.Println("a store through the grown mapping reaches the file:", string(buf) == "stored through the mapping")
	check("munmap", munmap(g))
	f.Close()
}
