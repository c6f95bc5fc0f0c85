//go:build linux

package dma

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// Pagemap is the file the OS backend reads physical page numbers from.
var Pagemap = "/proc/self/pagemap"

// OSBackend returns the backend for Linux and goose: anonymous shared mappings
// that are locked and populated, with physical addresses from Pagemap.
func OSBackend() Backend { return osBackend{} }

type osBackend struct{}

func (osBackend) PageSize() int { return os.Getpagesize() }

func (osBackend) Map(size int) ([]byte, error) {
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_SHARED|syscall.MAP_ANONYMOUS|syscall.MAP_LOCKED|syscall.MAP_POPULATE)
	if err != nil {
		hint := ""
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOMEM) {
			hint = " (locked memory is limited by RLIMIT_MEMLOCK on Linux)"
		}
		return nil, fmt.Errorf("dma: mmap %d bytes locked: %w%s", size, err, hint)
	}
	return mem, nil
}

func (osBackend) Unmap(mem []byte) error { return syscall.Munmap(mem) }

// Pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst).
const (
	pmPresent = 1 << 63
	pmPFNMask = 1<<55 - 1
)

func (osBackend) PhysPages(mem []byte) ([]uint64, error) {
	ps := uint64(os.Getpagesize())
	if len(mem) == 0 {
		return nil, nil
	}
	va := uint64(uintptr(unsafe.Pointer(&mem[0])))
	n := (uint64(len(mem)) + ps - 1) / ps
	fd, err := syscall.Open(Pagemap, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("dma: open %s: %w", Pagemap, err)
	}
	defer syscall.Close(fd)
	raw := make([]byte, 8*n)
	for done := 0; done < len(raw); {
		k, err := syscall.Pread(fd, raw[done:], int64(va/ps*8)+int64(done))
		if err != nil {
			return nil, fmt.Errorf("dma: read %s: %w", Pagemap, err)
		}
		if k <= 0 {
			return nil, fmt.Errorf("dma: read %s: short read at page %d of %d", Pagemap, done/8, n)
		}
		done += k
	}
	return decodePagemap(raw, va, ps)
}

// decodePagemap turns pagemap entries for the pages from va into physical
// addresses.
func decodePagemap(raw []byte, va, ps uint64) ([]uint64, error) {
	pages := make([]uint64, len(raw)/8)
	for i := range pages {
		e := binary.LittleEndian.Uint64(raw[8*i:])
		if e&pmPresent == 0 {
			return nil, fmt.Errorf("dma: page at %#x not present in %s", va+uint64(i)*ps, Pagemap)
		}
		pfn := e & pmPFNMask
		if pfn == 0 {
			return nil, fmt.Errorf("dma: %s shows no page frame numbers (Linux shows them only with CAP_SYS_ADMIN: run as root)", Pagemap)
		}
		pages[i] = pfn * ps
	}
	return pages, nil
}
