//go:build linux

package mmio

import (
	"fmt"
	"os"
	"syscall"
)

// DevMem is the file Map opens.
var DevMem = "/dev/mem"

// Map maps size bytes of device registers at physical address phys, through
// open(DevMem, O_RDWR|O_SYNC) and mmap(MAP_SHARED) at offset phys rounded down
// to a page. phys need not be page-aligned. Close the region to unmap it.
//
// Under goose, /dev/mem maps device (non-RAM) physical memory; under Linux
// it needs root and a kernel that allows the range (CONFIG_STRICT_DEVMEM).
func Map(phys uint64, size int) (*Region, error) {
	if size <= 0 {
		return nil, fmt.Errorf("mmio: map %#x: size %d", phys, size)
	}
	ps := uint64(os.Getpagesize())
	start := phys &^ (ps - 1)
	end := phys + uint64(size)
	if end < phys || end+ps-1 < end {
		return nil, fmt.Errorf("mmio: map %#x+%#x: address overflow", phys, size)
	}
	end = (end + ps - 1) &^ (ps - 1)
	if start > 1<<62 || end-start > 1<<40 {
		return nil, fmt.Errorf("mmio: map %#x+%#x: out of range", phys, size)
	}
	fd, err := syscall.Open(DevMem, syscall.O_RDWR|syscall.O_SYNC|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("mmio: open %s: %w", DevMem, err)
	}
	defer syscall.Close(fd)
	mem, err := syscall.Mmap(fd, int64(start), int(end-start), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmio: mmap %s at %#x+%#x: %w", DevMem, start, end-start, err)
	}
	r := NewRegion(mem[phys-start : phys-start+uint64(size)])
	r.keep = nil // mmap'd memory is not Go memory
	r.mapping = mem
	return r, nil
}

func unmap(mem []byte) error { return syscall.Munmap(mem) }
