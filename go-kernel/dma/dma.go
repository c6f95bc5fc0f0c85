// Package dma allocates memory that devices can read and write directly:
// pinned, page-aligned buffers whose physical addresses are known.
//
// A Buffer is a []byte for the CPU plus the physical address of each of its
// pages for the device. When all its pages are adjacent in physical memory the
// buffer is contiguous and Phys gives its one address; otherwise Segments
// gives the scatter list: one (offset, physical address, length) run per
// physically contiguous stretch. Alloc(size, true) insists on contiguity and
// fails with ErrNotContiguous when the backend cannot give it.
//
// The memory comes from a Backend. The default one, for Linux and goose,
// maps memory with
//
//	mmap(NULL, size, PROT_READ|PROT_WRITE,
//	     MAP_SHARED|MAP_ANONYMOUS|MAP_LOCKED|MAP_POPULATE, -1, 0)
//
// and reads the physical page numbers from /proc/self/pagemap (8 bytes per
// virtual page: bits 0-54 the page frame number, bit 63 present). goose makes
// such mappings physically contiguous; Linux does not, and shows page frame
// numbers only to root (CAP_SYS_ADMIN). Sim is a backend in ordinary Go memory
// with made-up physical addresses, for tests and device simulators.
//
// DMA memory is assumed cache-coherent with devices, as it is on QEMU and on
// the RISC-V boards whose DMA masters snoop the caches; this package does no
// cache maintenance.
package dma

import (
	"errors"
	"fmt"
	"sync"
)

// Backend provides pinned memory and its physical addresses.
type Backend interface {
	// PageSize returns the size of a page: the unit of Map and PhysPages.
	PageSize() int
	// Map returns size bytes (a multiple of PageSize) of zeroed memory,
	// page-aligned, that stays at the same physical pages until Unmap.
	Map(size int) ([]byte, error)
	// Unmap releases memory returned by Map.
	Unmap(mem []byte) error
	// PhysPages returns the physical address of each page of mem, which
	// Map returned.
	PhysPages(mem []byte) ([]uint64, error)
}

// ErrNotContiguous is returned (wrapped) when physically contiguous memory
// was asked for and the memory is not.
var ErrNotContiguous = errors.New("dma: memory is not physically contiguous")

// ErrFreed is returned by operations on a freed Buffer.
var ErrFreed = errors.New("dma: buffer already freed")

// Segment is a physically contiguous part of a Buffer.
type Segment struct {
	Offset int    // offset of the segment in the buffer
	Phys   uint64 // physical address of its first byte
	Len    int    // length in bytes
}

// Allocator hands out Buffers from a Backend. It is safe for concurrent use.
type Allocator struct {
	backend Backend
}

// NewAllocator returns an Allocator over b.
func NewAllocator(b Backend) *Allocator { return &Allocator{backend: b} }

// Backend returns the allocator's backend.
func (a *Allocator) Backend() Backend { return a.backend }

var (
	defaultOnce sync.Once
	defaultA    *Allocator
)

// Default returns the allocator over the operating system's backend
// (mmap and /proc/self/pagemap, see the package documentation).
func Default() *Allocator {
	defaultOnce.Do(func() { defaultA = NewAllocator(OSBackend()) })
	return defaultA
}

// Alloc allocates size bytes from the Default allocator.
func Alloc(size int, contiguous bool) (*Buffer, error) { return Default().Alloc(size, contiguous) }

// Alloc returns a zeroed buffer of size bytes, page-aligned, whose physical
// addresses are known. With contiguous set, it fails (with an error wrapping
// ErrNotContiguous) unless the whole buffer is one physically contiguous run.
func (a *Allocator) Alloc(size int, contiguous bool) (*Buffer, error) {
	ps := a.backend.PageSize()
	if ps <= 0 || ps&(ps-1) != 0 {
		return nil, fmt.Errorf("dma: backend page size %d", ps)
	}
	if size <= 0 || size > 1<<40 {
		return nil, fmt.Errorf("dma: alloc of %d bytes", size)
	}
	mapped := (size + ps - 1) &^ (ps - 1)
	mem, err := a.backend.Map(mapped)
	if err != nil {
		return nil, err
	}
	if len(mem) != mapped {
		a.backend.Unmap(mem)
		return nil, fmt.Errorf("dma: backend mapped %d bytes, want %d", len(mem), mapped)
	}
	pages, err := a.backend.PhysPages(mem)
	if err == nil && len(pages) != mapped/ps {
		err = fmt.Errorf("dma: backend gave %d physical pages for %d", len(pages), mapped/ps)
	}
	if err == nil {
		for i, p := range pages {
			if p%uint64(ps) != 0 {
				err = fmt.Errorf("dma: page %d at physical %#x is not page-aligned", i, p)
				break
			}
		}
	}
	if err != nil {
		a.backend.Unmap(mem)
		return nil, err
	}
	b := &Buffer{alloc: a, mem: mem, size: size, pageSize: ps, pages: pages}
	b.segs = b.segments(0, size)
	if contiguous && len(b.segs) != 1 {
		a.backend.Unmap(mem)
		return nil, fmt.Errorf("%w: %d bytes came as %d physical runs (Linux does not give contiguous anonymous memory; goose does)", ErrNotContiguous, size, len(b.segs))
	}
	return b, nil
}

// Buffer is memory shared with devices.
type Buffer struct {
	alloc    *Allocator
	mu       sync.Mutex
	mem      []byte
	size     int
	pageSize int
	pages    []uint64
	segs     []Segment
}

// Bytes returns the buffer's memory, Len bytes (nil once freed).
func (b *Buffer) Bytes() []byte {
	if b.mem == nil {
		return nil
	}
	return b.mem[:b.size]
}

// Len returns the size of the buffer as allocated.
func (b *Buffer) Len() int { return b.size }

// Contiguous reports whether the whole buffer is one physical run.
func (b *Buffer) Contiguous() bool { return len(b.segs) == 1 }

// Phys returns the physical address of the buffer's first byte. On its own it
// describes the whole buffer only when Contiguous is true.
func (b *Buffer) Phys() uint64 {
	if len(b.pages) == 0 {
		return 0
	}
	return b.pages[0]
}

// PhysAt returns the physical address of byte off of the buffer.
func (b *Buffer) PhysAt(off int) (uint64, error) {
	if b.mem == nil {
		return 0, ErrFreed
	}
	if off < 0 || off >= b.size {
		return 0, fmt.Errorf("dma: offset %d outside buffer of %d bytes", off, b.size)
	}
	return b.pages[off/b.pageSize] + uint64(off%b.pageSize), nil
}

// Range returns the physical address of bytes [off, off+n) of the buffer,
// which must be one physical run; otherwise the error wraps ErrNotContiguous.
func (b *Buffer) Range(off, n int) (uint64, error) {
	segs, err := b.SegmentsOf(off, n)
	if err != nil {
		return 0, err
	}
	if len(segs) != 1 {
		return 0, fmt.Errorf("%w: bytes %d-%d of the buffer span %d physical runs", ErrNotContiguous, off, off+n, len(segs))
	}
	return segs[0].Phys, nil
}

// Segments returns the scatter list of the whole buffer: one Segment per
// physically contiguous run, in buffer order. Do not modify it.
func (b *Buffer) Segments() []Segment { return b.segs }

// SegmentsOf returns the scatter list of bytes [off, off+n) of the buffer.
func (b *Buffer) SegmentsOf(off, n int) ([]Segment, error) {
	if b.mem == nil {
		return nil, ErrFreed
	}
	if off < 0 || n <= 0 || off > b.size || n > b.size-off {
		return nil, fmt.Errorf("dma: range %d+%d outside buffer of %d bytes", off, n, b.size)
	}
	return b.segments(off, n), nil
}

func (b *Buffer) segments(off, n int) []Segment {
	var segs []Segment
	for n > 0 {
		pi, po := off/b.pageSize, off%b.pageSize
		l := b.pageSize - po
		if l > n {
			l = n
		}
		phys := b.pages[pi] + uint64(po)
		if k := len(segs) - 1; k >= 0 && segs[k].Phys+uint64(segs[k].Len) == phys {
			segs[k].Len += l
		} else {
			segs = append(segs, Segment{Offset: off, Phys: phys, Len: l})
		}
		off += l
		n -= l
	}
	return segs
}

// Free gives the buffer back. The device must be done with it. Freeing twice
// returns ErrFreed.
func (b *Buffer) Free() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.mem == nil {
		return ErrFreed
	}
	err := b.alloc.backend.Unmap(b.mem)
	b.mem = nil
	return err
}
