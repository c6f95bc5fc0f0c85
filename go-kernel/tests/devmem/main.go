// devmem: device registers through /dev/mem (mmap with the physical address
// as the offset), refusals for RAM and for addresses no device has, and
// physical addresses of pinned memory through /proc/self/pagemap. goose
// only: it is what a Go kernel uses to drive hardware.
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

const (
	virtioBase  = 0x10001000 // QEMU virt: the first virtio-mmio slot
	virtioMagic = 0x74726976 // "virt"
	ramBase     = 0x80000000
	page        = 4096
)

func main() {
	f, err := os.OpenFile("/dev/mem", os.O_RDWR|os.O_SYNC, 0)
	if err != nil {
		fmt.Println("open /dev/mem:", err)
		os.Exit(1)
	}
	defer f.Close()
	regs, err := syscall.Mmap(int(f.Fd()), virtioBase, page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		fmt.Println("mmap virtio-mmio:", err)
		os.Exit(1)
	}
	magic := *(*uint32)(unsafe.Pointer(&regs[0]))
	version := *(*uint32)(unsafe.Pointer(&regs[4]))
	fmt.Printf("virtio-mmio magic: %#x version: %d\n", magic, version)
	fmt.Println("magic is \"virt\":", magic == virtioMagic)
	must(syscall.Munmap(regs))

	// One mapping across neighbouring devices, as Linux's /dev/mem allows:
	// all eight virtio-mmio slots (0x10001000-0x10008fff) in one call.
	slots, err := syscall.Mmap(int(f.Fd()), virtioBase, 8*page, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		fmt.Println("mmap of the eight virtio-mmio slots:", err)
		os.Exit(1)
	}
	all := true
	for i := 0; i < 8; i++ {
		all = all && *(*uint32)(unsafe.Pointer(&slots[i*page])) == virtioMagic
	}
	fmt.Println("eight virtio-mmio slots in one mapping, each says \"virt\":", all)
	must(syscall.Munmap(slots))
	_, err = syscall.Mmap(int(f.Fd()), virtioBase+7*page, 2*page, syscall.PROT_READ, syscall.MAP_SHARED)
	fmt.Println("mmap from the last slot into the gap after it refused with ENXIO:", errors.Is(err, syscall.ENXIO))

	_, err = syscall.Mmap(int(f.Fd()), ramBase, page, syscall.PROT_READ, syscall.MAP_SHARED)
	fmt.Println("mmap of RAM refused with EPERM:", errors.Is(err, syscall.EPERM))
	_, err = syscall.Mmap(int(f.Fd()), 0x7f000000, page, syscall.PROT_READ, syscall.MAP_SHARED)
	fmt.Println("mmap where no device is refused with ENXIO:", errors.Is(err, syscall.ENXIO))
	_, err = syscall.Mmap(int(f.Fd()), virtioBase, 1<<40, syscall.PROT_READ, syscall.MAP_SHARED)
	fmt.Println("mmap of an absurd length refused:", err != nil)
	_, err = syscall.Mmap(int(f.Fd()), virtioBase, page, syscall.PROT_READ, syscall.MAP_PRIVATE)
	fmt.Println("private mapping refused with EINVAL:", errors.Is(err, syscall.EINVAL))

	// Pinned, populated memory: physically contiguous under goose.
	const n = 16
	buf, err := syscall.Mmap(-1, 0, n*page, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_SHARED|syscall.MAP_ANONYMOUS|syscall.MAP_LOCKED|syscall.MAP_POPULATE)
	must(err)
	pm, err := os.Open("/proc/self/pagemap")
	must(err)
	entries := make([]byte, 8*n)
	_, err = pm.ReadAt(entries, int64(uintptr(unsafe.Pointer(&buf[0]))/page*8))
	must(err)
	present, contiguous := true, true
	var first uint64
	for i := 0; i < n; i++ {
		e := binary.LittleEndian.Uint64(entries[8*i:])
		pfn := e & (1<<55 - 1)
		present = present && e>>63 == 1
		if i == 0 {
			first = pfn
		} else if pfn != first+uint64(i) {
			contiguous = false
		}
	}
	fmt.Println("pagemap: all present:", present, "contiguous:", contiguous, "in RAM:", first*page >= ramBase)
	_, err = pm.ReadAt(entries[:3], 0)
	fmt.Println("unaligned pagemap read refused with EINVAL:", errors.Is(err, syscall.EINVAL))
}

func must(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}
