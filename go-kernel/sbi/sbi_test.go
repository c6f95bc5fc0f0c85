package sbi

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

type call struct {
	trap uintptr
	a    [6]uintptr
}

// fakeGoose answers GOOSE_SBI_CALL as goose would: the allow-list, then a
// tiny firmware; it records every call.
type fakeGoose struct {
	calls   []call
	console []byte
}

func (g *fakeGoose) syscall(trap, a1, a2, a3, a4, a5, a6 uintptr) (uintptr, uintptr, syscall.Errno) {
	g.calls = append(g.calls, call{trap, [6]uintptr{a1, a2, a3, a4, a5, a6}})
	if trap != SysCall {
		return 0, 0, syscall.ENOSYS
	}
	ext, fid := uint32(a1), uint32(a2)
	ret := func(err Error, val uintptr) (uintptr, uintptr, syscall.Errno) {
		return uintptr(-int64(err)), val, 0
	}
	switch ext {
	case ExtBase:
		switch fid {
		case BaseGetSpecVersion:
			return ret(0, 1<<24|0)
		case BaseGetImplID:
			return ret(0, 1)
		case BaseGetImplVersion:
			return ret(0, 1<<16|1)
		case BaseProbeExtension:
			if a3 == ExtSRST || a3 == ExtDBCN {
				return ret(0, 1)
			}
			return ret(0, 0)
		case BaseGetMVendorID, BaseGetMArchID, BaseGetMImpID:
			return ret(0, uintptr(fid)*0x100)
		}
		return ret(ErrNotSupported, 0)
	case ExtSRST:
		if a3 > 2 {
			return ret(ErrInvalidParam, 0)
		}
		return ret(ErrFailed, 0) // the "firmware" could not reset
	case ExtDBCN:
		if fid == DBCNConsoleWrite {
			if a5 != 0 {
				return ret(ErrInvalidAddress, 0)
			}
			p := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&a4))), a3) // the bytes stay alive for the call
			n := len(p)
			if n > 5 {
				n = 5 // a partial write
			}
			g.console = append(g.console, p[:n]...)
			return ret(0, uintptr(n))
		}
		if fid == DBCNConsoleWriteByte {
			g.console = append(g.console, byte(a3))
			return ret(0, 0)
		}
	}
	return 0, 0, syscall.EPERM
}

func TestCallPacking(t *testing.T) {
	g := &fakeGoose{}
	c := &Client{Syscall: g.syscall}
	if _, err := c.Call(0x12345678, 9, 1, 2, 3, 4); !errors.Is(err, ErrRefused) {
		t.Fatalf("refused call: %v", err)
	}
	want := call{SysCall, [6]uintptr{0x12345678, 9, 1, 2, 3, 4}}
	if len(g.calls) != 1 || g.calls[0] != want {
		t.Fatalf("registers %+v, want %+v", g.calls, want)
	}
	c.Call(ExtBase, BaseProbeExtension, ExtDBCN)
	if got := g.calls[1]; got != (call{SysCall, [6]uintptr{ExtBase, BaseProbeExtension, ExtDBCN}}) {
		t.Fatalf("missing arguments not zero: %+v", got)
	}
	if _, err := c.Call(ExtBase, 0, 1, 2, 3, 4, 5); !errors.Is(err, ErrTooManyArgs) || len(g.calls) != 2 {
		t.Fatalf("5 arguments: %v", err)
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		r1, r2 uintptr
		errno  syscall.Errno
		val    uintptr
		err    error
	}{
		{0, 42, 0, 42, nil},
		{2, 0, 0, 0, ErrNotSupported},
		{1, 0, 0, 0, ErrFailed},
		{8, 0, 0, 0, ErrAlreadyStopped},
		{13, 7, 0, 7, ErrIO},
		{^uintptr(0), 0, syscall.EPERM, 0, ErrRefused},
		{^uintptr(0), 0, syscall.ENOSYS, 0, ErrUnavailable},
		{^uintptr(0), 0, syscall.EFAULT, 0, syscall.EFAULT},
	} {
		v, err := decode(tc.r1, tc.r2, tc.errno)
		if v != tc.val || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("decode(%d, %d, %v) = %d, %v; want %d, %v", tc.r1, tc.r2, tc.errno, v, err, tc.val, tc.err)
		}
	}
}

func TestErrors(t *testing.T) {
	for e := Error(-1); e >= -13; e-- {
		if !strings.HasPrefix(e.Error(), "sbi: SBI_ERR_") {
			t.Errorf("%d: %q", int64(e), e.Error())
		}
	}
	if Error(-99).Error() != "sbi: error -99" {
		t.Error(Error(-99).Error())
	}
	var err error = ErrDenied
	var se Error
	if !errors.As(fmt.Errorf("wrapped: %w", err), &se) || se != -4 {
		t.Error("errors.As")
	}
}

func TestBase(t *testing.T) {
	g := &fakeGoose{}
	c := &Client{Syscall: g.syscall}
	if ma, mi, err := c.SpecVersion(); ma != 1 || mi != 0 || err != nil {
		t.Fatalf("spec version %d.%d %v", ma, mi, err)
	}
	if id, err := c.ImplID(); id != 1 || err != nil {
		t.Fatal("impl id")
	}
	if v, err := c.ImplVersion(); v != 0x10001 || err != nil {
		t.Fatal("impl version")
	}
	if v, err := c.Probe(ExtSRST); v != 1 || err != nil {
		t.Fatal("probe SRST")
	}
	if v, err := c.Probe(ExtHSM); v != 0 || err != nil {
		t.Fatal("probe HSM")
	}
	if v, a, i, err := c.MachineIDs(); v != 0x400 || a != 0x500 || i != 0x600 || err != nil {
		t.Fatalf("machine ids %x %x %x %v", v, a, i, err)
	}
}

func TestResetAndConsole(t *testing.T) {
	g := &fakeGoose{}
	c := &Client{Syscall: g.syscall}
	if err := c.SystemReset(ColdReboot, SystemFailure); !errors.Is(err, ErrFailed) {
		t.Fatalf("reset: %v", err)
	}
	if last := g.calls[len(g.calls)-1]; last.a[0] != ExtSRST || last.a[1] != SRSTSystemReset || last.a[2] != 1 || last.a[3] != 1 {
		t.Fatalf("reset registers %+v", last)
	}
	if err := c.SystemReset(7, NoReason); !errors.Is(err, ErrInvalidParam) {
		t.Fatalf("bad reset type: %v", err)
	}
	n, err := c.ConsoleWrite([]byte("hello, world"))
	if n != 5 || err != nil {
		t.Fatalf("console write %d %v", n, err)
	}
	if n, err := c.ConsoleWrite(nil); n != 0 || err != nil {
		t.Fatal("empty write")
	}
	if err := c.ConsoleWriteByte('!'); err != nil {
		t.Fatal(err)
	}
	if string(g.console) != "hello!" {
		t.Fatalf("console %q", g.console)
	}
}

// On a host (or under qemu-riscv64) there is no goose: the system call does
// not exist.
func TestNoGoose(t *testing.T) {
	if _, _, err := SpecVersion(); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("SpecVersion outside goose: %v", err)
	}
	if Available() {
		t.Fatal("Available outside goose")
	}
	for _, f := range []func() error{
		func() error { _, err := ImplID(); return err },
		func() error { _, err := ImplVersion(); return err },
		func() error { _, err := Probe(ExtBase); return err },
		func() error { _, _, _, err := MachineIDs(); return err },
		func() error { _, err := ConsoleWrite([]byte("x")); return err },
		func() error { return ConsoleWriteByte('x') },
		func() error { _, err := Call(ExtBase, 0); return err },
	} {
		if err := f(); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("outside goose: %v", err)
		}
	}
}

func TestConsoleWriteChunks(t *testing.T) {
	var got []byte
	calls := 0
	c := &Client{Syscall: func(trap, a1, a2, a3, a4, a5, a6 uintptr) (uintptr, uintptr, syscall.Errno) {
		calls++
		if a1 != ExtDBCN || a2 != DBCNConsoleWrite || a3 > 256 || a5 != 0 {
			return 0, 0, syscall.EPERM
		}
		got = append(got, unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&a4))), a3)...)
		return 0, a3, 0
	}}
	p := make([]byte, 1000)
	for i := range p {
		p[i] = byte(i)
	}
	if n, err := c.ConsoleWrite(p); n != 1000 || err != nil || calls != 4 || string(got) != string(p) {
		t.Fatalf("wrote %d in %d calls: %v", n, calls, err)
	}
}
