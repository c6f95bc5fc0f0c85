//go:build !riscv64

package mmio

import (
	"sync/atomic"
	"unsafe"
)

// Portable accessors for the host. 32- and 64-bit accesses are sync/atomic
// (single, sequentially consistent accesses); 8- and 16-bit ones are plain
// accesses in functions the compiler may not inline, so each call performs
// exactly one access.

//go:noinline
func load8(p unsafe.Pointer) uint8 { return *(*uint8)(p) }

//go:noinline
func load16(p unsafe.Pointer) uint16 { return *(*uint16)(p) }

func load32(p unsafe.Pointer) uint32 { return atomic.LoadUint32((*uint32)(p)) }

func load64(p unsafe.Pointer) uint64 { return atomic.LoadUint64((*uint64)(p)) }

//go:noinline
func store8(p unsafe.Pointer, v uint8) { *(*uint8)(p) = v }

//go:noinline
func store16(p unsafe.Pointer, v uint16) { *(*uint16)(p) = v }

func store32(p unsafe.Pointer, v uint32) { atomic.StoreUint32((*uint32)(p), v) }

func store64(p unsafe.Pointer, v uint64) { atomic.StoreUint64((*uint64)(p), v) }

var fenceWord uint32

// Fence orders every load and store before it against every one after it
// (here: a sequentially consistent atomic operation). Region accesses already
// order themselves; call it to order plain memory accesses.
func Fence() { atomic.AddUint32(&fenceWord, 0) }
