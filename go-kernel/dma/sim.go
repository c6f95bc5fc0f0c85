package dma

import (
	"fmt"
	"sync"
	"unsafe"
)

// Sim is a Backend over ordinary Go memory with made-up physical addresses,
// for tests and device simulators: a simulated device reads and writes the
// "physical" memory a driver gave it through Bytes. The zero Sim is ready to
// use. It is safe for concurrent use.
type Sim struct {
	// Base is the physical address of the first page handed out
	// (default 0x80000000). It must be page-aligned.
	Base uint64
	// Page is the page size (default 4096, a power of two).
	Page int
	// Scatter places each page of an allocation apart from its
	// neighbours, in reverse order, so no allocation of more than one page
	// is physically contiguous: what Linux may give.
	Scatter bool
	// Limit, if positive, is the most bytes that may be mapped at once.
	Limit int

	mu     sync.Mutex
	next   uint64
	pages  map[uint64]simPage // physical page number -> owner
	allocs map[uintptr]*simAlloc
	inUse  int
}

type simAlloc struct {
	mem  []byte
	phys []uint64
}

type simPage struct {
	a   *simAlloc
	idx int
}

func (s *Sim) page() int {
	if s.Page == 0 {
		return 4096
	}
	return s.Page
}

// PageSize implements Backend.
func (s *Sim) PageSize() int { return s.page() }

// Map implements Backend.
func (s *Sim) Map(size int) ([]byte, error) {
	ps := s.page()
	if size <= 0 || size%ps != 0 {
		return nil, fmt.Errorf("dma: sim: map of %d bytes", size)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Limit > 0 && s.inUse+size > s.Limit {
		return nil, fmt.Errorf("dma: sim: out of memory (%d of %d bytes in use)", s.inUse, s.Limit)
	}
	if s.pages == nil {
		s.pages = make(map[uint64]simPage)
		s.allocs = make(map[uintptr]*simAlloc)
		s.next = s.Base
		if s.next == 0 {
			s.next = 0x80000000
		}
	}
	buf := make([]byte, size+ps)
	off := ps - int(uintptr(unsafe.Pointer(&buf[0]))%uintptr(ps))
	if off == ps {
		off = 0
	}
	a := &simAlloc{mem: buf[off : off+size : off+size]}
	n := size / ps
	a.phys = make([]uint64, n)
	for i := range a.phys {
		var p uint64
		if s.Scatter {
			p = s.next + uint64(2*(n-1-i)*ps) // reversed, a hole between pages
		} else {
			p = s.next + uint64(i*ps)
		}
		a.phys[i] = p
		s.pages[p/uint64(ps)] = simPage{a: a, idx: i}
	}
	if s.Scatter {
		s.next += uint64(2 * n * ps)
	} else {
		s.next += uint64((n + 1) * ps) // a hole between allocations
	}
	s.allocs[uintptr(unsafe.Pointer(&a.mem[0]))] = a
	s.inUse += size
	return a.mem, nil
}

func (s *Sim) lookup(mem []byte) (*simAlloc, error) {
	if len(mem) == 0 {
		return nil, fmt.Errorf("dma: sim: empty mapping")
	}
	a := s.allocs[uintptr(unsafe.Pointer(&mem[0]))]
	if a == nil || len(a.mem) != len(mem) {
		return nil, fmt.Errorf("dma: sim: %d bytes at %p were not mapped by this Sim", len(mem), &mem[0])
	}
	return a, nil
}

// Unmap implements Backend.
func (s *Sim) Unmap(mem []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.lookup(mem)
	if err != nil {
		return err
	}
	for _, p := range a.phys {
		delete(s.pages, p/uint64(s.page()))
	}
	delete(s.allocs, uintptr(unsafe.Pointer(&mem[0])))
	s.inUse -= len(mem)
	return nil
}

// PhysPages implements Backend.
func (s *Sim) PhysPages(mem []byte) ([]uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.lookup(mem)
	if err != nil {
		return nil, err
	}
	return append([]uint64(nil), a.phys...), nil
}

// InUse returns the number of bytes mapped and not yet unmapped.
func (s *Sim) InUse() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inUse
}

// Bytes returns the memory a device sees at physical addresses
// [phys, phys+n): it must lie in mapped memory, and where it crosses a page
// boundary the next physical page must also be the next page of the same
// allocation (as a device reading across a page boundary would read whatever
// is physically next). The slice aliases the allocation.
func (s *Sim) Bytes(phys uint64, n int) ([]byte, error) {
	if n < 0 || phys+uint64(n) < phys {
		return nil, fmt.Errorf("dma: sim: bad range %#x+%d", phys, n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := uint64(s.page())
	first, ok := s.pages[phys/ps]
	if !ok {
		return nil, fmt.Errorf("dma: sim: no memory at physical %#x", phys)
	}
	last := phys / ps
	if n > 0 {
		last = (phys + uint64(n) - 1) / ps
	}
	for pn, i := phys/ps+1, first.idx+1; pn <= last; pn, i = pn+1, i+1 {
		p, ok := s.pages[pn]
		if !ok {
			return nil, fmt.Errorf("dma: sim: range %#x+%d runs into unmapped physical page %#x", phys, n, pn*ps)
		}
		if p.a != first.a || p.idx != i {
			return nil, fmt.Errorf("dma: sim: range %#x+%d runs from one allocation's page into an unrelated page at %#x", phys, n, pn*ps)
		}
	}
	off := first.idx*int(ps) + int(phys%ps)
	return first.a.mem[off : off+n : off+n], nil
}
