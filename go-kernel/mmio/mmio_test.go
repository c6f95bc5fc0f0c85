package mmio

import (
	"encoding/binary"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("%s: no panic", what)
		}
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "mmio: ") {
			t.Fatalf("%s: panic %v, want an mmio message", what, r)
		}
	}()
	f()
}

func TestRegionWidths(t *testing.T) {
	buf := make([]uint64, 4) // 8-byte aligned backing
	mem := unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), 32)
	r := NewRegion(mem)
	if r.Size() != 32 {
		t.Fatalf("size %d", r.Size())
	}
	r.Write8(1, 0xab)
	r.Write16(2, 0xcdef)
	r.Write32(4, 0x01234567)
	r.Write64(8, 0x8899aabbccddeeff)
	le := binary.LittleEndian
	if mem[1] != 0xab || le.Uint16(mem[2:]) != 0xcdef || le.Uint32(mem[4:]) != 0x01234567 || le.Uint64(mem[8:]) != 0x8899aabbccddeeff {
		t.Fatalf("memory after writes: % x", mem[:16])
	}
	if r.Read8(1) != 0xab || r.Read16(2) != 0xcdef || r.Read32(4) != 0x01234567 || r.Read64(8) != 0x8899aabbccddeeff {
		t.Fatal("reads do not return what was written")
	}
	// each write touches only its own bytes
	if mem[0] != 0 || mem[16] != 0 {
		t.Fatalf("neighbours touched: % x", mem)
	}
	r.SetBits(4, 0x80000000)
	r.ClearBits(4, 0x7)
	if got := r.Read32(4); got != 0x81234560 {
		t.Fatalf("set/clear bits: %#x", got)
	}
	Modify(r, 4, 0xff000000, 0x42000000)
	if got := r.Read32(4); got != 0x42234560 {
		t.Fatalf("modify: %#x", got)
	}
	Fence()
}

func TestRegionBounds(t *testing.T) {
	buf := make([]uint64, 2)
	r := NewRegion(unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), 16))
	mustPanic(t, "misaligned 32", func() { r.Read32(2) })
	mustPanic(t, "misaligned 16", func() { r.Write16(1, 0) })
	mustPanic(t, "misaligned 64", func() { r.Read64(4) })
	mustPanic(t, "past end", func() { r.Write32(16, 0) })
	mustPanic(t, "straddling end", func() { r.Read64(12) })
	mustPanic(t, "huge offset", func() { r.Read8(^uintptr(0)) })
	mustPanic(t, "sub outside", func() { r.Sub(8, 9) })
	s := r.Sub(8, 8)
	s.Write32(4, 7)
	if r.Read32(12) != 7 {
		t.Fatal("sub-region does not alias its parent")
	}
	mustPanic(t, "sub bounds", func() { s.Read32(8) })
	var zero Region
	mustPanic(t, "empty", func() { zero.Read8(0) })
	if err := zero.Close(); err != nil {
		t.Fatal(err)
	}
	if NewRegion(nil).Size() != 0 {
		t.Fatal("empty region has a size")
	}
}

func TestRegionPointer(t *testing.T) {
	buf := make([]uint32, 4)
	r := NewRegionPointer(unsafe.Pointer(&buf[0]), 16)
	r.Write32(12, 5)
	if buf[3] != 5 || r.Pointer() != unsafe.Pointer(&buf[0]) {
		t.Fatal("pointer region")
	}
	runtime.KeepAlive(buf)
}

func TestFake(t *testing.T) {
	f := NewFake(0x20)
	f.Record = true
	f.Write32(0, 0x11223344)
	if f.Read8(1) != 0x33 || f.Read16(2) != 0x1122 {
		t.Fatal("fake is not little-endian")
	}
	f.Write64(8, 1<<40)
	if f.Read64(8) != 1<<40 {
		t.Fatal("fake 64")
	}
	f.OnRead = func(off uintptr, width int) (uint64, bool) {
		if off == 0x10 {
			return 0xfeed, true
		}
		return 0, false
	}
	var written []uint64
	f.OnWrite = func(off uintptr, width int, v uint64) bool {
		if off == 0x14 {
			written = append(written, v)
			return true
		}
		return false
	}
	if f.Read32(0x10) != 0xfeed {
		t.Fatal("read hook")
	}
	f.Write8(0x14, 9)
	f.Write16(0x16, 3)
	if len(written) != 1 || written[0] != 9 || f.Mem[0x14] != 0 || f.Mem[0x16] != 3 {
		t.Fatalf("write hook: %v % x", written, f.Mem[0x14:0x18])
	}
	log := f.Log()
	want := []string{"W32 0x0=0x11223344", "R8 0x1=0x33", "R16 0x2=0x1122", "W64 0x8=0x10000000000", "R64 0x8=0x10000000000", "R32 0x10=0xfeed", "W8 0x14=0x9", "W16 0x16=0x3"}
	if len(log) != len(want) {
		t.Fatalf("log %v", log)
	}
	for i := range want {
		if log[i].String() != want[i] {
			t.Fatalf("log[%d] = %s, want %s", i, log[i], want[i])
		}
	}
	if len(f.Log()) != 0 {
		t.Fatal("log not cleared")
	}
	mustPanic(t, "fake bounds", func() { f.Read32(0x1e) })
}

func TestPoll(t *testing.T) {
	f := NewFake(8)
	n := 0
	f.OnRead = func(off uintptr, width int) (uint64, bool) {
		n++
		if n > 100 {
			return 0x3, true
		}
		return 0x1, true
	}
	if err := Poll(f, 0, 0x2, 0x2, time.Second); err != nil {
		t.Fatal(err)
	}
	f.OnRead = nil
	err := Poll(f, 4, 1, 1, 2*time.Millisecond)
	var te *ErrTimeout
	if !errors.As(err, &te) || te.Off != 4 || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("poll timeout: %v", err)
	}
	if err := Poll(f, 4, 1, 0, 0); err != nil {
		t.Fatalf("poll with zero timeout on a matching register: %v", err)
	}
}

func TestMapErrors(t *testing.T) {
	if _, err := Map(0x1000, 0); err == nil {
		t.Fatal("size 0 mapped")
	}
	if _, err := Map(^uint64(0)-10, 100); err == nil {
		t.Fatal("overflowing range mapped")
	}
	old := DevMem
	DevMem = "/nonexistent/mem"
	defer func() { DevMem = old }()
	if _, err := Map(0x10000000, 0x100); err == nil || !strings.Contains(err.Error(), "/nonexistent/mem") {
		t.Fatalf("map of a missing device file: %v", err)
	}
}

// TestMapFile maps an ordinary file through Map's path, standing in for
// /dev/mem: offsets, sub-page placement and unmapping.
func TestMapFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Map needs linux")
	}
	ps := os.Getpagesize()
	f, err := os.CreateTemp(t.TempDir(), "mem")
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 3*ps)
	binary.LittleEndian.PutUint32(data[ps+0x10:], 0xdeadbeef)
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	f.Close()
	old := DevMem
	DevMem = f.Name()
	defer func() { DevMem = old }()
	r, err := Map(uint64(ps+0x10), 8)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Read32(0); got != 0xdeadbeef {
		t.Fatalf("read %#x", got)
	}
	r.Write32(4, 0x12345678)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	back, _ := os.ReadFile(DevMem)
	if binary.LittleEndian.Uint32(back[ps+0x14:]) != 0x12345678 {
		t.Fatal("write through the shared mapping did not reach the file")
	}
	if r.Size() != 0 {
		t.Fatal("closed region keeps its size")
	}
}
