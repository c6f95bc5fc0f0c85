package stack

import (
	"runtime/debug"
	"unsafe"
)

// The program's memory. A request's pointers (buffers, sockaddrs, msghdrs,
// iovecs, option values, length words) are addresses in the program's own
// address space, which is also the provider's: under goose the program and
// the provider are one Go process. This file is the only place that turns
// those numbers into Go pointers.
//
// Why that is sound here:
//
//   - The memory belongs to a goroutine that is blocked in the system call
//     for as long as the provider serves the request (goose does not return
//     until the REPLY). Go's rules for syscall.Syscall arguments keep the
//     objects those addresses point into alive and in place for the call;
//     a goroutine in a system call never has its stack moved (the runtime
//     does not shrink the stack of a goroutine in a syscall), so even a
//     stack buffer stays put.
//   - Go's collector does not move heap objects, and it ignores, or accepts,
//     a pointer into a goroutine stack or into memory it does not manage;
//     so holding such a pointer for the duration of a copy is harmless.
//   - A wrong address (the program's bug, or a deliberate test) faults;
//     every access runs with debug.SetPanicOnFault and recovers, so it
//     becomes EFAULT, as Linux's copy_from_user/copy_to_user would.
//
// Every access copies: netstack itself never sees the program's memory, so
// a fault can never happen inside netstack while it holds its locks.

// userBytes views n bytes at addr. It is only called inside copyIn and
// copyOut, under fault protection.
//
// The address is converted by reinterpreting the uintptr's storage as an
// unsafe.Pointer rather than with unsafe.Pointer(uintptr): the value is a
// foreign address, not a Go pointer that went through uintptr, which is the
// pattern go vet's unsafeptr check guards against.
func userBytes(addr uint64, n int) []byte {
	p := uintptr(addr)
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p))), n)
}

// badRange reports a range no copy may touch: NULL with a length, or one
// that wraps around the address space.
func badRange(addr uint64, n int) bool {
	if n == 0 {
		return false
	}
	return addr == 0 || n < 0 || addr+uint64(n) < addr
}

// copyIn copies len(dst) bytes from the program's address addr into dst.
// It reports false when the memory is not readable (EFAULT).
func copyIn(dst []byte, addr uint64) (ok bool) {
	if len(dst) == 0 {
		return true
	}
	if badRange(addr, len(dst)) {
		return false
	}
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if recover() != nil {
			ok = false
		}
	}()
	copy(dst, userBytes(addr, len(dst)))
	return true
}

// copyOut copies src to the program's address addr. It reports false when
// the memory is not writable (EFAULT); some bytes may have been written,
// as with Linux.
func copyOut(addr uint64, src []byte) (ok bool) {
	if len(src) == 0 {
		return true
	}
	if badRange(addr, len(src)) {
		return false
	}
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if recover() != nil {
			ok = false
		}
	}()
	copy(userBytes(addr, len(src)), src)
	return true
}

// readU32 reads a little-endian 32-bit word (an int or socklen_t).
func readU32(addr uint64) (uint32, bool) {
	var b [4]byte
	if !copyIn(b[:], addr) {
		return 0, false
	}
	return le.Uint32(b[:]), true
}

// readU64 reads a little-endian 64-bit word (a pointer or size_t).
func readU64(addr uint64) (uint64, bool) {
	var b [8]byte
	if !copyIn(b[:], addr) {
		return 0, false
	}
	return le.Uint64(b[:]), true
}

// writeU32 writes a little-endian 32-bit word.
func writeU32(addr uint64, v uint32) bool {
	var b [4]byte
	le.PutUint32(b[:], v)
	return copyOut(addr, b[:])
}

// writeU64 writes a little-endian 64-bit word.
func writeU64(addr uint64, v uint64) bool {
	var b [8]byte
	le.PutUint64(b[:], v)
	return copyOut(addr, b[:])
}
