// Package mmio gives typed, ordered access to memory-mapped device registers.
//
// A driver talks to its device through the Regs interface: 8-, 16-, 32- and
// 64-bit reads and writes at byte offsets from the start of the device's
// register window. Region implements Regs over real mapped memory (from Map,
// which maps physical addresses through /dev/mem, or over any []byte or
// pointer); Fake implements it over an ordinary byte slice with hooks, so a
// driver can be tested on a host against a simulated register file.
//
// # Ordering
//
// Every Region access is exactly one load or store of the access's width
// (never split, merged, widened or elided), and on riscv64 it is bracketed by
// two full fences, `fence iorw,iorw`, written in assembly (access_riscv64.s):
//
//	read:  fence; l{b,h,w,d}u; fence
//	write: fence; s{b,h,w,d};  fence
//
// So an access is ordered after every earlier load and store of the program
// and before every later one, in both the memory and the I/O domains: writes
// a driver made to a DMA buffer in ordinary memory reach memory before the
// register write that tells the device to look at them (Linux's writel), and
// a register read that says a DMA transfer is done completes before the
// driver reads the buffer (Linux's readl). This is stronger than Linux's
// readl/writel (which fence on one side only) and costs a few cycles.
//
// sync/atomic is not used on riscv64 on purpose. Go compiles
// atomic.LoadUint32 to lr.w.aq and atomic.StoreUint32 to amoswap.w.aqrl: an
// AMO store also reads the register (a read with side effects on some
// devices), LR/SC and AMOs need the target region to support them (device
// regions often do not, and the access faults), and the aq/rl bits of an
// atomic order accesses only within its own domain (memory or I/O), so an
// amoswap to a register does not order earlier stores to DMA memory before it.
// On other architectures (the host where tests run) the accessors use
// sync/atomic for 32- and 64-bit accesses and non-inlined plain accesses for
// 8 and 16 bits, which is enough for tests and for x86's strongly ordered
// uncached mappings.
//
// Registers are little-endian, as on every RISC-V platform; the accessors use
// the CPU's native byte order, which is little-endian on riscv64 and amd64.
//
// Offsets must be naturally aligned for the access width and inside the
// region; an access that is not panics with a message naming the offset (it
// is a driver bug, like an index out of range), instead of faulting.
package mmio

import (
	"fmt"
	"time"
	"unsafe"
)

// Regs is a device register window: reads and writes of each width at byte
// offsets. Implementations must perform each call as one access of that width.
type Regs interface {
	Read8(off uintptr) uint8
	Read16(off uintptr) uint16
	Read32(off uintptr) uint32
	Read64(off uintptr) uint64
	Write8(off uintptr, v uint8)
	Write16(off uintptr, v uint16)
	Write32(off uintptr, v uint32)
	Write64(off uintptr, v uint64)
}

// Region is a window of mapped device registers. The zero Region is empty;
// make one with Map, NewRegion or NewRegionPointer.
type Region struct {
	base    unsafe.Pointer
	size    uintptr
	keep    []byte // the Go slice the region was made from, if any
	mapping []byte // the whole mmap'd range, when Map made the region
}

// NewRegion returns a Region over mem (for instance a slice returned by
// syscall.Mmap). The region keeps mem alive.
func NewRegion(mem []byte) *Region {
	if len(mem) == 0 {
		return &Region{}
	}
	return &Region{base: unsafe.Pointer(&mem[0]), size: uintptr(len(mem)), keep: mem}
}

// NewRegionPointer returns a Region of size bytes at p, which must stay
// mapped for as long as the region is used (memory outside the Go heap, such
// as a mapping the program made itself).
func NewRegionPointer(p unsafe.Pointer, size uintptr) *Region {
	return &Region{base: p, size: size}
}

// Size returns the size of the region in bytes.
func (r *Region) Size() uintptr { return r.size }

// Pointer returns the address of the first byte of the region.
func (r *Region) Pointer() unsafe.Pointer { return r.base }

// Sub returns the part of r from off for size bytes, sharing its mapping
// (closing the sub-region does nothing). It panics if that is not inside r.
func (r *Region) Sub(off, size uintptr) *Region {
	if off > r.size || size > r.size-off {
		panic(fmt.Sprintf("mmio: sub-region %#x+%#x outside region of %#x bytes", off, size, r.size))
	}
	return &Region{base: unsafe.Add(r.base, off), size: size, keep: r.keep}
}

// Close unmaps a region made by Map. For other regions it does nothing.
func (r *Region) Close() error {
	if r.mapping == nil {
		return nil
	}
	err := unmap(r.mapping)
	r.mapping, r.base, r.size = nil, nil, 0
	return err
}

func (r *Region) at(off uintptr, width uintptr) unsafe.Pointer {
	if off&(width-1) != 0 || off >= r.size || width > r.size-off {
		panic(fmt.Sprintf("mmio: %d-byte access at offset %#x: misaligned or outside region of %#x bytes", width, off, r.size))
	}
	return unsafe.Add(r.base, off)
}

// Read8 reads the 8-bit register at off.
func (r *Region) Read8(off uintptr) uint8 { return load8(r.at(off, 1)) }

// Read16 reads the 16-bit register at off.
func (r *Region) Read16(off uintptr) uint16 { return load16(r.at(off, 2)) }

// Read32 reads the 32-bit register at off.
func (r *Region) Read32(off uintptr) uint32 { return load32(r.at(off, 4)) }

// Read64 reads the 64-bit register at off with one 64-bit load.
func (r *Region) Read64(off uintptr) uint64 { return load64(r.at(off, 8)) }

// Write8 writes the 8-bit register at off.
func (r *Region) Write8(off uintptr, v uint8) { store8(r.at(off, 1), v) }

// Write16 writes the 16-bit register at off.
func (r *Region) Write16(off uintptr, v uint16) { store16(r.at(off, 2), v) }

// Write32 writes the 32-bit register at off.
func (r *Region) Write32(off uintptr, v uint32) { store32(r.at(off, 4), v) }

// Write64 writes the 64-bit register at off with one 64-bit store.
func (r *Region) Write64(off uintptr, v uint64) { store64(r.at(off, 8), v) }

// SetBits sets the bits of mask in the 32-bit register at off
// (read, or, write: not atomic against other writers of the register).
func (r *Region) SetBits(off uintptr, mask uint32) { SetBits(r, off, mask) }

// ClearBits clears the bits of mask in the 32-bit register at off
// (read, and-not, write).
func (r *Region) ClearBits(off uintptr, mask uint32) { ClearBits(r, off, mask) }

// SetBits sets the bits of mask in the 32-bit register at off of r.
func SetBits(r Regs, off uintptr, mask uint32) { r.Write32(off, r.Read32(off)|mask) }

// ClearBits clears the bits of mask in the 32-bit register at off of r.
func ClearBits(r Regs, off uintptr, mask uint32) { r.Write32(off, r.Read32(off)&^mask) }

// Modify clears the bits of clear, then sets the bits of set, in the 32-bit
// register at off of r, with one read and one write.
func Modify(r Regs, off uintptr, clear, set uint32) {
	r.Write32(off, r.Read32(off)&^clear|set)
}

// ErrTimeout is returned by Poll when the register did not reach the wanted
// value in time.
type ErrTimeout struct {
	Off       uintptr
	Mask, Got uint32
	Want      uint32
}

func (e *ErrTimeout) Error() string {
	return fmt.Sprintf("mmio: timeout waiting for register %#x & %#x == %#x (last %#x)", e.Off, e.Mask, e.Want, e.Got)
}

// Poll reads the 32-bit register at off until its bits in mask equal want,
// or until timeout has passed (a timeout of 0 or less tries once). It checks
// busily at first, then sleeps between reads, up to a millisecond.
func Poll(r Regs, off uintptr, mask, want uint32, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	sleep := time.Microsecond
	for i := 0; ; i++ {
		v := r.Read32(off)
		if v&mask == want {
			return nil
		}
		if !time.Now().Before(deadline) {
			return &ErrTimeout{Off: off, Mask: mask, Got: v & mask, Want: want}
		}
		if i >= 64 {
			time.Sleep(sleep)
			if sleep < time.Millisecond {
				sleep *= 2
			}
		}
	}
}
