package dma

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func TestSimContiguous(t *testing.T) {
	s := &Sim{Base: 0x40000000}
	a := NewAllocator(s)
	b, err := a.Alloc(10000, true)
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 10000 || len(b.Bytes()) != 10000 || !b.Contiguous() || b.Phys() != 0x40000000 {
		t.Fatalf("len %d contiguous %v phys %#x", b.Len(), b.Contiguous(), b.Phys())
	}
	for i, c := range b.Bytes() {
		if c != 0 {
			t.Fatalf("byte %d not zero", i)
		}
	}
	if p, err := b.PhysAt(4097); err != nil || p != 0x40001001 {
		t.Fatalf("PhysAt: %#x %v", p, err)
	}
	if p, err := b.Range(100, 9000); err != nil || p != 0x40000064 {
		t.Fatalf("Range: %#x %v", p, err)
	}
	segs := b.Segments()
	if len(segs) != 1 || segs[0] != (Segment{0, 0x40000000, 10000}) {
		t.Fatalf("segments %+v", segs)
	}
	// the device's view aliases the CPU's
	binary.LittleEndian.PutUint32(b.Bytes()[5000:], 0xcafef00d)
	dev, err := s.Bytes(0x40000000+5000, 4)
	if err != nil || binary.LittleEndian.Uint32(dev) != 0xcafef00d {
		t.Fatalf("device view: %v", err)
	}
	if _, err := s.Bytes(0x40000000+12000, 8); err != nil {
		t.Fatalf("tail of the last mapped page: %v", err)
	}
	if _, err := s.Bytes(0x40000000+12280, 100); err == nil {
		t.Fatal("range past the allocation resolved")
	}
	if s.InUse() != 12288 {
		t.Fatalf("in use %d", s.InUse())
	}
	if err := b.Free(); err != nil {
		t.Fatal(err)
	}
	if err := b.Free(); !errors.Is(err, ErrFreed) {
		t.Fatalf("double free: %v", err)
	}
	if _, err := s.Bytes(0x40000000, 4); err == nil {
		t.Fatal("freed memory still visible to the device")
	}
	if b.Bytes() != nil || s.InUse() != 0 {
		t.Fatal("freed buffer keeps memory")
	}
	if _, err := b.PhysAt(0); !errors.Is(err, ErrFreed) {
		t.Fatal("PhysAt on freed buffer")
	}
	if _, err := b.SegmentsOf(0, 1); !errors.Is(err, ErrFreed) {
		t.Fatal("SegmentsOf on freed buffer")
	}
}

func TestSimScatter(t *testing.T) {
	s := &Sim{Scatter: true}
	a := NewAllocator(s)
	if _, err := a.Alloc(3*4096, true); !errors.Is(err, ErrNotContiguous) || !strings.Contains(err.Error(), "3 physical runs") {
		t.Fatalf("contiguous alloc on scattered memory: %v", err)
	}
	if s.InUse() != 0 {
		t.Fatal("failed alloc leaked")
	}
	b, err := a.Alloc(3*4096, false)
	if err != nil {
		t.Fatal(err)
	}
	if b.Contiguous() {
		t.Fatal("scattered buffer contiguous")
	}
	segs := b.Segments()
	if len(segs) != 3 {
		t.Fatalf("segments %+v", segs)
	}
	for i, sg := range segs {
		if sg.Offset != i*4096 || sg.Len != 4096 {
			t.Fatalf("segment %d: %+v", i, sg)
		}
		if i > 0 && sg.Phys == segs[i-1].Phys+4096 {
			t.Fatal("adjacent pages")
		}
	}
	sub, err := b.SegmentsOf(4000, 200)
	if err != nil || len(sub) != 2 || sub[0].Len != 96 || sub[1].Len != 104 || sub[1].Offset != 4096 || sub[1].Phys != segs[1].Phys {
		t.Fatalf("SegmentsOf across a page: %+v %v", sub, err)
	}
	if _, err := b.Range(4000, 200); !errors.Is(err, ErrNotContiguous) {
		t.Fatalf("Range across a page: %v", err)
	}
	if p, err := b.Range(4096, 4096); err != nil || p != segs[1].Phys {
		t.Fatalf("Range within a page: %#x %v", p, err)
	}
	// a device reading across the page boundary does not see the next page
	if _, err := s.Bytes(segs[0].Phys+4000, 200); err == nil {
		t.Fatal("device read across scattered pages resolved")
	}
	for _, bad := range [][2]int{{-1, 1}, {0, 0}, {0, 3*4096 + 1}, {3 * 4096, 1}} {
		if _, err := b.SegmentsOf(bad[0], bad[1]); err == nil {
			t.Fatalf("SegmentsOf(%d, %d) accepted", bad[0], bad[1])
		}
	}
	if _, err := b.PhysAt(3 * 4096); err == nil {
		t.Fatal("PhysAt past the end")
	}
	b.Free()
}

func TestAllocErrors(t *testing.T) {
	a := NewAllocator(&Sim{Limit: 8192})
	for _, n := range []int{0, -1, 1 << 41} {
		if _, err := a.Alloc(n, false); err == nil {
			t.Fatalf("alloc %d accepted", n)
		}
	}
	if _, err := a.Alloc(3*4096, false); err == nil || !strings.Contains(err.Error(), "out of memory") {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := NewAllocator(&Sim{Page: 3000}).Alloc(10, false); err == nil {
		t.Fatal("page size 3000 accepted")
	}
	if err := (&Sim{}).Unmap(make([]byte, 4096)); err == nil {
		t.Fatal("unmap of foreign memory")
	}
	bad := badBackend{}
	for _, mode := range []string{"short", "pages", "align"} {
		bad.mode = mode
		if _, err := NewAllocator(&bad).Alloc(8192, false); err == nil {
			t.Fatalf("backend fault %q accepted", mode)
		}
	}
}

type badBackend struct {
	Sim
	mode string
}

func (b *badBackend) Map(size int) ([]byte, error) {
	m, err := b.Sim.Map(size)
	if b.mode == "short" {
		return m[:size-1], err
	}
	return m, err
}

func (b *badBackend) Unmap(mem []byte) error { return nil }

func (b *badBackend) PhysPages(mem []byte) ([]uint64, error) {
	p, err := b.Sim.PhysPages(mem)
	switch b.mode {
	case "pages":
		p = p[:1]
	case "align":
		p[1] += 8
	}
	return p, err
}

// Scatter lists merge runs that happen to be adjacent.
func TestSegmentsMerge(t *testing.T) {
	b := &Buffer{mem: make([]byte, 4*16), size: 4 * 16, pageSize: 16, pages: []uint64{0x100, 0x110, 0x200, 0x210}}
	b.segs = b.segments(0, b.size)
	if len(b.segs) != 2 || b.segs[0] != (Segment{0, 0x100, 32}) || b.segs[1] != (Segment{32, 0x200, 32}) {
		t.Fatalf("%+v", b.segs)
	}
}
