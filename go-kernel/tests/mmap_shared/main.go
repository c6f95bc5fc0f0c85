// mmap_shared: a file mapped MAP_SHARED is the file. Stores through one
// mapping are seen by read, by pread and by a second mapping at once;
// write and pwrite are seen by the mappings; a MAP_PRIVATE mapping keeps
// its own copy of what it stores and still sees the file elsewhere;
// msync checks its flags; a page past the end after ftruncate raises
// SIGBUS (a Go panic with SetPanicOnFault), and growing the file back
// reads zeros; a punched hole reads zeros through the mapping; the mapping
// outlives close and unlink.
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"syscall"
	"unsafe"
)

const page = 4096

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

// touch reads p[i]; it reports whether the read faulted, and the fault's
// address relative to p's start.
func touch(p []byte, i int) (faulted bool, off uintptr) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			faulted = true
			if e, ok := r.(interface{ Addr() uintptr }); ok {
				off = e.Addr() - uintptr(unsafe.Pointer(&p[0]))
			}
		}
	}()
	sink = p[i]
	return false, 0
}

var sink byte

func msync(b []byte, flags int) error {
	_, _, e := syscall.Syscall(syscall.SYS_MSYNC, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(flags))
	if e != 0 {
		return e
	}
	return nil
}

func main() {
	f, err := os.CreateTemp("", "mmap_shared")
	check("create", err)
	name := f.Name()
	fd := int(f.Fd())
	data := bytes.Repeat([]byte("0123456789abcdef"), 3*page/16)
	_, err = f.Write(data)
	check("write", err)

	a, err := syscall.Mmap(fd, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	check("mmap shared", err)
	b, err := syscall.Mmap(fd, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	check("mmap shared again", err)
	p, err := syscall.Mmap(fd, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	check("mmap private", err)
	fmt.Println("mappings hold the file's bytes:", bytes.Equal(a, data) && bytes.Equal(b, data) && bytes.Equal(p, data))

	copy(a[100:], "STORED")
	buf := make([]byte, 6)
	_, err = f.ReadAt(buf, 100)
	check("pread", err)
	fmt.Println("a store through one mapping: pread sees it:", string(buf) == "STORED",
		"the other mapping sees it:", string(b[100:106]) == "STORED",
		"the private one too (not yet its own):", string(p[100:106]) == "STORED")

	_, err = f.WriteAt([]byte("WRITTEN"), page+7)
	check("pwrite", err)
	fmt.Println("pwrite: both shared mappings see it:", string(a[page+7:page+14]) == "WRITTEN" && string(b[page+7:page+14]) == "WRITTEN")

	copy(p[2*page:], "PRIVATE")
	_, err = f.ReadAt(buf, 2*page)
	check("pread", err)
	fmt.Println("a store through the private mapping stays there:", string(p[2*page:2*page+7]) == "PRIVATE",
		"the file keeps its bytes:", bytes.Equal(buf, data[2*page:2*page+6]),
		"the shared mapping too:", bytes.Equal(a[2*page:2*page+6], data[2*page:2*page+6]))
	_, err = f.WriteAt([]byte("LATER"), 2*page+100)
	check("pwrite", err)
	fmt.Println("the private copy does not see later writes:", bytes.Equal(p[2*page+100:2*page+105], data[2*page+100:2*page+105]))

	fmt.Println("msync MS_SYNC:", msync(a, syscall.MS_SYNC), "MS_ASYNC:", msync(a, syscall.MS_ASYNC),
		"MS_SYNC|MS_ASYNC:", msync(a, syscall.MS_SYNC|syscall.MS_ASYNC))
	fmt.Println("fsync:", f.Sync())

	check("ftruncate", f.Truncate(page+50))
	faulted, off := touch(a, 2*page+10)
	fmt.Println("after ftruncate to 1 page + 50: a read 2 pages in faults:", faulted, "at offset", off)
	faulted, _ = touch(a, page+60)
	fmt.Println("the rest of the last page reads as zero:", !faulted && a[page+60] == 0 && a[page+49] == data[page+49])
	check("ftruncate", f.Truncate(3*page))
	faulted, _ = touch(b, 2*page+10)
	fmt.Println("grown back: reads zeros:", !faulted && bytes.Equal(b[2*page:2*page+16], make([]byte, 16)))

	copy(a[page:], bytes.Repeat([]byte{'x'}, page))
	const punchHole, keepSize = 0x2, 0x1
	check("fallocate", syscall.Fallocate(fd, punchHole|keepSize, page, page))
	fmt.Println("a punched hole reads zeros in both mappings:", bytes.Equal(a[page:2*page], make([]byte, page)) &&
		bytes.Equal(b[page:2*page], make([]byte, page)))

	copy(a[10:], "AFTER")
	check("close", f.Close())
	check("remove", os.Remove(name))
	fmt.Println("after close and unlink the mappings still share:", string(b[10:15]) == "AFTER")
	a[20] = 'z'
	fmt.Println("and stores still reach the other:", b[20] == 'z')
	check("munmap", syscall.Munmap(a))
	check("munmap", syscall.Munmap(b))
	check("munmap", syscall.Munmap(p))
	fmt.Println("done")
}
