package irq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeIRQ behaves like goose's /dev/irq/<n>: a read blocks until the source
// has fired since the last read; the source masks itself when it fires until
// a write of 1 enables it.
type fakeIRQ struct {
	mu       sync.Mutex
	cond     *sync.Cond
	count    uint32
	lastRead uint32
	enabled  bool
	asserted bool // the device's level
	closed   bool
	writes   []uint32
	short    bool
}

func newFake() *fakeIRQ {
	f := &fakeIRQ{enabled: true}
	f.cond = sync.NewCond(&f.mu)
	return f
}

func (f *fakeIRQ) fireLocked() {
	if f.asserted && f.enabled {
		f.count++
		f.enabled = false
		f.cond.Broadcast()
	}
}

// assert raises the device's level (it stays up until deassert).
func (f *fakeIRQ) assert() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asserted = true
	f.fireLocked()
}

func (f *fakeIRQ) deassert() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asserted = false
}

func (f *fakeIRQ) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.count == f.lastRead && !f.closed {
		f.cond.Wait()
	}
	if f.closed {
		return 0, os.ErrClosed
	}
	f.lastRead = f.count
	if f.short {
		return copy(p, []byte{1, 2}), io.EOF
	}
	binary.LittleEndian.PutUint32(p, f.count)
	return 4, nil
}

func (f *fakeIRQ) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return 0, os.ErrClosed
	}
	if len(p) != 4 {
		return 0, syscall.EINVAL
	}
	v := binary.LittleEndian.Uint32(p)
	f.writes = append(f.writes, v)
	f.enabled = v == 1
	f.fireLocked()
	return 4, nil
}

func (f *fakeIRQ) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	f.cond.Broadcast()
	return nil
}

func TestWaitEnable(t *testing.T) {
	f := newFake()
	l := New(f, "fake")
	f.assert()
	c, err := l.Wait()
	if err != nil || c != 1 || l.Count() != 1 {
		t.Fatalf("wait: %d %v", c, err)
	}
	// while masked, a new assertion does not fire
	done := make(chan uint32)
	go func() {
		c, _ := l.Wait()
		done <- c
	}()
	select {
	case c := <-done:
		t.Fatalf("wait returned %d while the line was masked", c)
	case <-time.After(20 * time.Millisecond):
	}
	// the level is still up: enabling fires again at once
	if err := l.Enable(); err != nil {
		t.Fatal(err)
	}
	if c := <-done; c != 2 {
		t.Fatalf("count %d", c)
	}
	// acknowledge the device first, then enable: no new interrupt
	f.deassert()
	if err := l.Enable(); err != nil {
		t.Fatal(err)
	}
	if err := l.Disable(); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	w := append([]uint32(nil), f.writes...)
	f.mu.Unlock()
	if fmt.Sprint(w) != "[1 1 0]" {
		t.Fatalf("writes %v", w)
	}
	if l.Name() != "fake" {
		t.Fatal(l.Name())
	}
}

func TestCloseUnblocksWait(t *testing.T) {
	f := newFake()
	l := New(f, "fake")
	errc := make(chan error)
	go func() {
		_, err := l.Wait()
		errc <- err
	}()
	time.Sleep(5 * time.Millisecond)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Fatalf("wait after close: %v", err)
	}
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Fatal("second close")
	}
	if err := l.Enable(); !errors.Is(err, ErrClosed) {
		t.Fatalf("enable after close: %v", err)
	}
}

func TestShortRead(t *testing.T) {
	f := newFake()
	f.short = true
	l := New(f, "fake")
	f.assert()
	if _, err := l.Wait(); err == nil || !strings.Contains(err.Error(), "short read") {
		t.Fatalf("short read: %v", err)
	}
}

func TestEvents(t *testing.T) {
	f := newFake()
	l := New(f, "fake")
	ch := l.Events()
	if l.Events() != ch {
		t.Fatal("Events returns a new channel")
	}
	for i := uint32(1); i <= 3; i++ {
		f.assert()
		ev := <-ch
		if ev.Count != i || ev.Missed != 0 || ev.Err != nil {
			t.Fatalf("event %d: %+v", i, ev)
		}
		f.deassert()
		l.Enable()
	}
	// interrupts the reader did not see are reported as missed
	f.mu.Lock()
	f.count += 2
	f.mu.Unlock()
	f.assert()
	if ev := <-ch; ev.Count != 6 || ev.Missed != 2 {
		t.Fatalf("missed: %+v", ev)
	}
	l.Close()
	if _, ok := <-ch; ok {
		t.Fatal("channel not closed after Close")
	}
}

type failing struct{ fakeIRQ }

func (*failing) Read([]byte) (int, error) { return 0, syscall.EIO }

func TestEventsError(t *testing.T) {
	l := New(&failing{}, "bad")
	ev, ok := <-l.Events()
	if !ok || !errors.Is(ev.Err, syscall.EIO) || !strings.Contains(ev.Err.Error(), "bad") {
		t.Fatalf("%+v %v", ev, ok)
	}
	if _, ok := <-l.Events(); ok {
		t.Fatal("channel open after an error")
	}
}

func TestPoller(t *testing.T) {
	p := Poll(time.Millisecond)
	start := time.Now()
	a, _ := p.Wait()
	b, _ := p.Wait()
	if a != 1 || b != 2 || time.Since(start) < 2*time.Millisecond || p.Enable() != nil {
		t.Fatalf("poller %d %d %v", a, b, time.Since(start))
	}
}

func TestOpen(t *testing.T) {
	old := Pattern
	defer func() { Pattern = old }()
	dir := t.TempDir()
	Pattern = filepath.Join(dir, "uio%d")
	if _, err := Open(3); err == nil || !strings.Contains(err.Error(), "uio3") {
		t.Fatalf("missing file: %v", err)
	}
	if runtime.GOOS != "linux" {
		return
	}
	// A FIFO stands in for the device file: the count arrives as 4 bytes,
	// through the runtime's poller, and Close unblocks a waiting read.
	path := filepath.Join(dir, "uio4")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip(err)
	}
	l, err := Open(4)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var b [4]byte
	nativeEndian.PutUint32(b[:], 41)
	w.Write(b[:])
	if c, err := l.Wait(); err != nil || c != 41 {
		t.Fatalf("wait: %d %v", c, err)
	}
	errc := make(chan error)
	go func() {
		_, err := l.Wait()
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	l.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("wait after close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("close did not unblock wait")
	}
}
