//go:build linux

package dma

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

func TestDecodePagemap(t *testing.T) {
	raw := make([]byte, 16)
	binary.LittleEndian.PutUint64(raw, 1<<63|0x80123)
	binary.LittleEndian.PutUint64(raw[8:], 1<<63|1<<62|0x7f<<55|0x80124) // other flag bits ignored
	p, err := decodePagemap(raw, 0x10000, 4096)
	if err != nil || len(p) != 2 || p[0] != 0x80123000 || p[1] != 0x80124000 {
		t.Fatalf("%#x %v", p, err)
	}
	binary.LittleEndian.PutUint64(raw[8:], 0x80124)
	if _, err := decodePagemap(raw, 0x10000, 4096); err == nil || !strings.Contains(err.Error(), "0x11000 not present") {
		t.Fatalf("absent page: %v", err)
	}
	binary.LittleEndian.PutUint64(raw[8:], 1<<63)
	if _, err := decodePagemap(raw, 0x10000, 4096); err == nil || !strings.Contains(err.Error(), "CAP_SYS_ADMIN") {
		t.Fatalf("hidden PFN: %v", err)
	}
}

// TestOSBackend runs the real backend: mmap and pagemap. Without root the
// kernel hides page frame numbers (and may refuse to lock memory), which
// must give a clear error.
func TestOSBackend(t *testing.T) {
	b, err := Alloc(3*os.Getpagesize(), false)
	if err != nil {
		if strings.Contains(err.Error(), "CAP_SYS_ADMIN") || strings.Contains(err.Error(), "RLIMIT_MEMLOCK") || strings.Contains(err.Error(), "pagemap") {
			t.Skipf("no physical addresses here: %v", err)
		}
		t.Fatal(err)
	}
	defer b.Free()
	if b.Phys() == 0 || len(b.Segments()) == 0 {
		t.Fatalf("phys %#x segments %v", b.Phys(), b.Segments())
	}
	t.Logf("3 pages at %#x in %d runs", b.Phys(), len(b.Segments()))
}

func TestPagemapMissing(t *testing.T) {
	old := Pagemap
	Pagemap = "/nonexistent/pagemap"
	defer func() { Pagemap = old }()
	if _, err := NewAllocator(OSBackend()).Alloc(100, false); err == nil || !strings.Contains(err.Error(), "/nonexistent/pagemap") {
		t.Fatalf("%v", err)
	}
}
