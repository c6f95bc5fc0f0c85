// Package sbi calls the RISC-V Supervisor Binary Interface (the firmware,
// OpenSBI) from a Go program running under goose, through goose's SBI
// pass-through system call.
//
// # The system call
//
// GOOSE_SBI_CALL (SysCall, 0x1000) is a goose-specific system call. Go makes
// it with syscall.Syscall6 (or RawSyscall6), which on linux/riscv64 loads the
// registers as follows and returns a0 and a1:
//
//	a7 = 0x1000 (GOOSE_SBI_CALL)
//	a0 = SBI extension ID (EID)        -> goose's ecall: a7
//	a1 = SBI function ID (FID)         -> goose's ecall: a6
//	a2, a3, a4, a5 = SBI arguments 0-3 -> goose's ecall: a0-a3 (a4, a5 = 0)
//
// goose answers
//
//	a0 = -errno  when it refuses the call: -EPERM for a call not on its
//	             allow-list (Linux answers -ENOSYS: no such call);
//	a0 = -sbiret.error, a1 = sbiret.value  otherwise.
//
// The SBI error is negated so that it is 0 or a small positive number:
// Go's syscall wrappers take any a0 in [-4095, -1] for an errno and then
// zero a1, and an SBI error of -1 (SBI_ERR_FAILED) would be indistinguishable
// from -EPERM. Calls take at most four arguments; none on the allow-list
// needs more.
//
// The allow-list is the BASE extension (spec version, implementation ID and
// version, probe, machine IDs), SRST system reset, and DBCN console write.
// For DBCN, whose arguments are physical addresses for the firmware, the
// program passes the virtual address of its bytes (base_addr_lo/hi) and
// goose translates or copies them.
//
// Each call goes through a Client, whose Syscall function can be replaced, so
// that the argument packing and result decoding can be tested without goose.
package sbi

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

// SysCall is the number of the GOOSE_SBI_CALL system call.
const SysCall = 0x1000

// Extension IDs (SBI specification, chapter "Binary Encoding" and each
// extension's chapter).
const (
	ExtLegacyConsolePutchar = 0x01
	ExtLegacyConsoleGetchar = 0x02
	ExtLegacyShutdown       = 0x08
	ExtBase                 = 0x10
	ExtTimer                = 0x54494D45 // "TIME"
	ExtIPI                  = 0x735049   // "sPI"
	ExtRFence               = 0x52464E43 // "RFNC"
	ExtHSM                  = 0x48534D   // "HSM"
	ExtSRST                 = 0x53525354 // "SRST"
	ExtPMU                  = 0x504D55   // "PMU"
	ExtDBCN                 = 0x4442434E // "DBCN"
	ExtSUSP                 = 0x53555350 // "SUSP"
	ExtCPPC                 = 0x43505043 // "CPPC"
	ExtNACL                 = 0x4E41434C // "NACL"
	ExtSTA                  = 0x535441   // "STA"
)

// BASE extension function IDs.
const (
	BaseGetSpecVersion   = 0
	BaseGetImplID        = 1
	BaseGetImplVersion   = 2
	BaseProbeExtension   = 3
	BaseGetMVendorID     = 4
	BaseGetMArchID       = 5
	BaseGetMImpID        = 6
	SRSTSystemReset      = 0
	DBCNConsoleWrite     = 0
	DBCNConsoleRead      = 1
	DBCNConsoleWriteByte = 2
)

// ResetType is the reset_type argument of SystemReset.
type ResetType uint32

// Reset types.
const (
	Shutdown   ResetType = 0
	ColdReboot ResetType = 1
	WarmReboot ResetType = 2
)

// ResetReason is the reset_reason argument of SystemReset.
type ResetReason uint32

// Reset reasons.
const (
	NoReason      ResetReason = 0
	SystemFailure ResetReason = 1
)

// Error is an SBI error code (sbiret.error), always negative.
type Error int64

// SBI error codes.
const (
	ErrFailed           Error = -1
	ErrNotSupported     Error = -2
	ErrInvalidParam     Error = -3
	ErrDenied           Error = -4
	ErrInvalidAddress   Error = -5
	ErrAlreadyAvailable Error = -6
	ErrAlreadyStarted   Error = -7
	ErrAlreadyStopped   Error = -8
	ErrNoSharedMemory   Error = -9
	ErrInvalidState     Error = -10
	ErrBadRange         Error = -11
	ErrTimeout          Error = -12
	ErrIO               Error = -13
)

var errorNames = map[Error]string{
	ErrFailed:           "SBI_ERR_FAILED",
	ErrNotSupported:     "SBI_ERR_NOT_SUPPORTED",
	ErrInvalidParam:     "SBI_ERR_INVALID_PARAM",
	ErrDenied:           "SBI_ERR_DENIED",
	ErrInvalidAddress:   "SBI_ERR_INVALID_ADDRESS",
	ErrAlreadyAvailable: "SBI_ERR_ALREADY_AVAILABLE",
	ErrAlreadyStarted:   "SBI_ERR_ALREADY_STARTED",
	ErrAlreadyStopped:   "SBI_ERR_ALREADY_STOPPED",
	ErrNoSharedMemory:   "SBI_ERR_NO_SHMEM",
	ErrInvalidState:     "SBI_ERR_INVALID_STATE",
	ErrBadRange:         "SBI_ERR_BAD_RANGE",
	ErrTimeout:          "SBI_ERR_TIMEOUT",
	ErrIO:               "SBI_ERR_IO",
}

func (e Error) Error() string {
	if n, ok := errorNames[e]; ok {
		return "sbi: " + n
	}
	return fmt.Sprintf("sbi: error %d", int64(e))
}

var (
	// ErrRefused: goose refused the call (it is not on the allow-list).
	ErrRefused = errors.New("sbi: call refused by goose (not on its allow-list)")
	// ErrUnavailable: there is no SBI pass-through (not running under
	// goose: Linux has no such system call).
	ErrUnavailable = errors.New("sbi: no SBI pass-through system call (not running under goose)")
	// ErrTooManyArgs: more arguments than the system call carries.
	ErrTooManyArgs = errors.New("sbi: at most 4 arguments")
)

// SyscallFunc makes a system call: syscall.Syscall6 and syscall.RawSyscall6
// have this type.
type SyscallFunc func(trap, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err syscall.Errno)

// Client makes SBI calls through a system call function.
type Client struct {
	// Syscall makes the system call. The default client uses
	// syscall.Syscall6, which lets the Go scheduler run other goroutines
	// if the call takes long (a console write may).
	Syscall SyscallFunc
}

// Default is the client the package-level functions use.
var Default = &Client{Syscall: defaultSyscall}

// Call makes SBI call (ext, fid) with up to 4 arguments and returns
// sbiret.value, or the error: an Error for an SBI error, ErrRefused or
// ErrUnavailable, or a syscall.Errno for anything else goose answers.
func (c *Client) Call(ext, fid uint32, args ...uintptr) (uintptr, error) {
	if len(args) > 4 {
		return 0, ErrTooManyArgs
	}
	var a [4]uintptr
	copy(a[:], args)
	r1, r2, errno := c.Syscall(SysCall, uintptr(ext), uintptr(fid), a[0], a[1], a[2], a[3])
	return decode(r1, r2, errno)
}

// decode turns the system call's results into sbiret (see the package
// documentation for the convention).
func decode(r1, r2 uintptr, errno syscall.Errno) (uintptr, error) {
	switch errno {
	case 0:
	case syscall.EPERM:
		return 0, ErrRefused
	case syscall.ENOSYS:
		return 0, ErrUnavailable
	default:
		return 0, fmt.Errorf("sbi: goose: %w", errno)
	}
	if r1 != 0 {
		return r2, Error(-int64(r1))
	}
	return r2, nil
}

// Call makes an SBI call with the Default client.
func Call(ext, fid uint32, args ...uintptr) (uintptr, error) { return Default.Call(ext, fid, args...) }

// SpecVersion returns the SBI specification version the firmware implements.
func (c *Client) SpecVersion() (major, minor int, err error) {
	v, err := c.Call(ExtBase, BaseGetSpecVersion)
	if err != nil {
		return 0, 0, err
	}
	return int(v>>24) & 0x7f, int(v & 0xffffff), nil
}

// ImplID returns the SBI implementation ID (1 is OpenSBI).
func (c *Client) ImplID() (uintptr, error) { return c.Call(ExtBase, BaseGetImplID) }

// ImplVersion returns the implementation's version (for OpenSBI,
// major<<16 | minor).
func (c *Client) ImplVersion() (uintptr, error) { return c.Call(ExtBase, BaseGetImplVersion) }

// Probe reports whether extension ext is available (and its nonzero probe
// value, extension-specific).
func (c *Client) Probe(ext uint32) (uintptr, error) {
	return c.Call(ExtBase, BaseProbeExtension, uintptr(ext))
}

// MachineIDs returns mvendorid, marchid and mimpid.
func (c *Client) MachineIDs() (vendor, arch, imp uintptr, err error) {
	if vendor, err = c.Call(ExtBase, BaseGetMVendorID); err != nil {
		return
	}
	if arch, err = c.Call(ExtBase, BaseGetMArchID); err != nil {
		return
	}
	imp, err = c.Call(ExtBase, BaseGetMImpID)
	return
}

// SystemReset resets or shuts down the machine; on success it does not
// return.
func (c *Client) SystemReset(t ResetType, r ResetReason) error {
	_, err := c.Call(ExtSRST, SRSTSystemReset, uintptr(t), uintptr(r))
	return err
}

// consoleChunk is how many bytes ConsoleWrite hands goose per call.
const consoleChunk = 256

// consoleBufs hold the bytes ConsoleWrite passes by address: heap objects
// (a sync.Pool's values always are), which do not move, unlike a goroutine
// stack, between taking the address and the system call.
var consoleBufs = sync.Pool{New: func() interface{} { return new([consoleChunk]byte) }}

// ConsoleWrite writes p to the firmware's debug console and returns how many
// bytes were written (fewer than len(p) if the console took fewer).
func (c *Client) ConsoleWrite(p []byte) (int, error) {
	buf := consoleBufs.Get().(*[consoleChunk]byte)
	defer consoleBufs.Put(buf)
	done := 0
	for done < len(p) {
		k := copy(buf[:], p[done:])
		// DBCN takes base_addr_lo and base_addr_hi: on RV64 the high
		// half of an address is 0.
		n, err := c.Call(ExtDBCN, DBCNConsoleWrite, uintptr(k), uintptr(unsafe.Pointer(&buf[0])), 0)
		runtime.KeepAlive(buf)
		if n > uintptr(k) {
			n = uintptr(k)
		}
		done += int(n)
		if err != nil || int(n) < k {
			return done, err
		}
	}
	return done, nil
}

// ConsoleWriteByte writes one byte to the firmware's debug console.
func (c *Client) ConsoleWriteByte(b byte) error {
	_, err := c.Call(ExtDBCN, DBCNConsoleWriteByte, uintptr(b))
	return err
}

// SpecVersion calls Default.SpecVersion.
func SpecVersion() (major, minor int, err error) { return Default.SpecVersion() }

// ImplID calls Default.ImplID.
func ImplID() (uintptr, error) { return Default.ImplID() }

// ImplVersion calls Default.ImplVersion.
func ImplVersion() (uintptr, error) { return Default.ImplVersion() }

// Probe calls Default.Probe.
func Probe(ext uint32) (uintptr, error) { return Default.Probe(ext) }

// MachineIDs calls Default.MachineIDs.
func MachineIDs() (vendor, arch, imp uintptr, err error) { return Default.MachineIDs() }

// SystemReset calls Default.SystemReset.
func SystemReset(t ResetType, r ResetReason) error { return Default.SystemReset(t, r) }

// ConsoleWrite calls Default.ConsoleWrite.
func ConsoleWrite(p []byte) (int, error) { return Default.ConsoleWrite(p) }

// ConsoleWriteByte calls Default.ConsoleWriteByte.
func ConsoleWriteByte(b byte) error { return Default.ConsoleWriteByte(b) }

// Available reports whether the SBI pass-through works (the program runs
// under goose): it asks for the SBI specification version.
func Available() bool {
	_, _, err := SpecVersion()
	return err == nil
}
