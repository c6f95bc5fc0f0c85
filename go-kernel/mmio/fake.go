package mmio

import (
	"encoding/binary"
	"fmt"
	"sync"
)

// Access is one register access recorded by a Fake.
type Access struct {
	Write bool
	Off   uintptr
	Width int // bytes: 1, 2, 4 or 8
	Value uint64
}

func (a Access) String() string {
	op := "R"
	if a.Write {
		op = "W"
	}
	return fmt.Sprintf("%s%d %#x=%#x", op, a.Width*8, a.Off, a.Value)
}

// Fake is a register file in ordinary memory, for testing drivers on a host.
// Reads return the bytes of Mem (little-endian) unless OnRead handles them;
// writes store into Mem unless OnWrite handles them. Every access is recorded
// when Record is set. A Fake is safe for concurrent use; the hooks run with
// its lock held and must not call the Fake.
type Fake struct {
	mu  sync.Mutex
	Mem []byte

	// OnRead, if set, is called first for every read; ok=true means v is
	// the result and Mem is not consulted.
	OnRead func(off uintptr, width int) (v uint64, ok bool)
	// OnWrite, if set, is called first for every write; handled=true
	// means Mem is not updated.
	OnWrite func(off uintptr, width int, v uint64) (handled bool)

	Record bool
	log    []Access
}

// NewFake returns a Fake of size zeroed bytes.
func NewFake(size int) *Fake { return &Fake{Mem: make([]byte, size)} }

// Log returns the accesses recorded so far and forgets them.
func (f *Fake) Log() []Access {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.log
	f.log = nil
	return l
}

func (f *Fake) check(off uintptr, width int) {
	if off%uintptr(width) != 0 || off >= uintptr(len(f.Mem)) || uintptr(width) > uintptr(len(f.Mem))-off {
		panic(fmt.Sprintf("mmio: fake: %d-byte access at offset %#x: misaligned or outside %#x bytes", width, off, len(f.Mem)))
	}
}

func (f *Fake) read(off uintptr, width int) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var v uint64
	handled := false
	if f.OnRead != nil {
		v, handled = f.OnRead(off, width)
	}
	if !handled {
		f.check(off, width)
		b := f.Mem[off:]
		switch width {
		case 1:
			v = uint64(b[0])
		case 2:
			v = uint64(binary.LittleEndian.Uint16(b))
		case 4:
			v = uint64(binary.LittleEndian.Uint32(b))
		default:
			v = binary.LittleEndian.Uint64(b)
		}
	}
	if f.Record {
		f.log = append(f.log, Access{Off: off, Width: width, Value: v})
	}
	return v
}

func (f *Fake) write(off uintptr, width int, v uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Record {
		f.log = append(f.log, Access{Write: true, Off: off, Width: width, Value: v})
	}
	if f.OnWrite != nil && f.OnWrite(off, width, v) {
		return
	}
	f.check(off, width)
	b := f.Mem[off:]
	switch width {
	case 1:
		b[0] = uint8(v)
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	default:
		binary.LittleEndian.PutUint64(b, v)
	}
}

// Read8 implements Regs.
func (f *Fake) Read8(off uintptr) uint8 { return uint8(f.read(off, 1)) }

// Read16 implements Regs.
func (f *Fake) Read16(off uintptr) uint16 { return uint16(f.read(off, 2)) }

// Read32 implements Regs.
func (f *Fake) Read32(off uintptr) uint32 { return uint32(f.read(off, 4)) }

// Read64 implements Regs.
func (f *Fake) Read64(off uintptr) uint64 { return f.read(off, 8) }

// Write8 implements Regs.
func (f *Fake) Write8(off uintptr, v uint8) { f.write(off, 1, uint64(v)) }

// Write16 implements Regs.
func (f *Fake) Write16(off uintptr, v uint16) { f.write(off, 2, uint64(v)) }

// Write32 implements Regs.
func (f *Fake) Write32(off uintptr, v uint32) { f.write(off, 4, uint64(v)) }

// Write64 implements Regs.
func (f *Fake) Write64(off uintptr, v uint64) { f.write(off, 8, v) }

var (
	_ Regs = (*Region)(nil)
	_ Regs = (*Fake)(nil)
)
