package mmio

import "unsafe"

// Implemented in access_riscv64.s: one access of the given width between two
// `fence iorw,iorw`.

//go:noescape
func load8(p unsafe.Pointer) uint8

//go:noescape
func load16(p unsafe.Pointer) uint16

//go:noescape
func load32(p unsafe.Pointer) uint32

//go:noescape
func load64(p unsafe.Pointer) uint64

//go:noescape
func store8(p unsafe.Pointer, v uint8)

//go:noescape
func store16(p unsafe.Pointer, v uint16)

//go:noescape
func store32(p unsafe.Pointer, v uint32)

//go:noescape
func store64(p unsafe.Pointer, v uint64)

// Fence orders every load and store (memory and I/O) before it against every
// one after it: `fence iorw,iorw`. Region accesses already include it; call
// it to order plain memory accesses against a device that watches memory
// without a register access in between.
func Fence() { fence() }

//go:noescape
func fence()
