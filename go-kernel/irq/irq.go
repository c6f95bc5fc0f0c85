// Package irq waits for device interrupts through per-interrupt files.
//
// goose exposes each PLIC interrupt source n as the file /dev/irq/<n>, with
// the semantics of a Linux UIO device (/dev/uio<N>):
//
//   - read(fd, 4 bytes) blocks until the interrupt has fired since the last
//     read on this file, then returns a uint32 (native byte order): the
//     number of times it has fired so far;
//   - the source is masked when it fires and stays masked until the program
//     writes uint32(1) to the file, after it has made the device drop the
//     interrupt (writing uint32(0) masks it again);
//   - poll/epoll report EPOLLIN while a read would not block.
//
// A Line wraps one such file: Wait blocks for the next interrupt, Enable
// re-arms it, Events delivers interrupts on a channel. The usual loop is
//
//	for {
//		line.Wait()     // the device raised its interrupt; now masked
//		ackDevice()     // make the device drop the interrupt line
//		line.Enable()   // unmask
//		handleWork()
//	}
//
// Pattern names the file for interrupt n. Its default, "/dev/irq/%d", is
// goose's; set it to "/dev/uio%d" to use a Linux UIO device instead (there
// n is the UIO device number, not the interrupt number).
//
// Waiter is the interface drivers take, so that they can be given a Line, a
// Poller (no interrupts: wake up periodically) or a simulated interrupt.
package irq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
	"unsafe"
)

// Pattern is the fmt pattern of the file of interrupt n used by Open.
var Pattern = "/dev/irq/%d"

// Waiter blocks until an interrupt fires and re-arms it.
type Waiter interface {
	// Wait blocks until the interrupt fires (or has fired since the last
	// Wait) and returns how many times it has fired in all. The source
	// is then masked until Enable.
	Wait() (uint32, error)
	// Enable unmasks the source.
	Enable() error
}

// ErrClosed is returned by a Line's methods after Close.
var ErrClosed = errors.New("irq: line closed")

// Line is one interrupt source, opened as a file. Wait and Enable may be
// called from different goroutines; two concurrent Waits each get their own
// reads.
type Line struct {
	name string
	rw   io.ReadWriteCloser

	mu     sync.Mutex
	last   uint32
	seen   bool
	closed bool
	events chan Event
}

// Open opens the file Pattern names for interrupt n.
func Open(n int) (*Line, error) { return OpenPath(fmt.Sprintf(Pattern, n)) }

// OpenPath opens the interrupt file at path (read-write).
func OpenPath(path string) (*Line, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("irq: %w", err)
	}
	return New(f, path), nil
}

// New returns a Line over rw, which behaves as an interrupt file: reads of 4
// bytes wait and return a count, writes of 4 bytes enable (1) or mask (0).
// Close closes rw. name is used in errors.
func New(rw io.ReadWriteCloser, name string) *Line { return &Line{name: name, rw: rw} }

// Name returns the name the line was opened with.
func (l *Line) Name() string { return l.name }

// Wait blocks until the interrupt fires and returns the total number of times
// it has fired. The source stays masked until Enable.
func (l *Line) Wait() (uint32, error) {
	var b [4]byte
	n, err := io.ReadFull(l.rw, b[:])
	if err != nil {
		l.mu.Lock()
		closed := l.closed
		l.mu.Unlock()
		if closed {
			return 0, ErrClosed
		}
		if n > 0 && errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, fmt.Errorf("irq: %s: short read of %d bytes", l.name, n)
		}
		return 0, fmt.Errorf("irq: %s: %w", l.name, err)
	}
	c := nativeEndian.Uint32(b[:])
	l.mu.Lock()
	l.last, l.seen = c, true
	l.mu.Unlock()
	return c, nil
}

// Count returns the count the last successful Wait returned.
func (l *Line) Count() uint32 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

func (l *Line) control(v uint32) error {
	var b [4]byte
	nativeEndian.PutUint32(b[:], v)
	n, err := l.rw.Write(b[:])
	if err == nil && n != 4 {
		err = io.ErrShortWrite
	}
	if err != nil {
		l.mu.Lock()
		closed := l.closed
		l.mu.Unlock()
		if closed {
			return ErrClosed
		}
		return fmt.Errorf("irq: %s: %w", l.name, err)
	}
	return nil
}

// Enable unmasks the interrupt (writes uint32(1)). Call it after the device
// has dropped its interrupt, or it fires again at once.
func (l *Line) Enable() error { return l.control(1) }

// Disable masks the interrupt (writes uint32(0)).
func (l *Line) Disable() error { return l.control(0) }

// Event is one interrupt delivered by Events.
type Event struct {
	Count  uint32 // times fired in all
	Missed uint32 // times fired since the previous event and not reported
	Err    error  // set on the last event, when waiting failed
}

// Events starts a goroutine that waits for interrupts and sends one Event per
// Wait on the returned channel (the same channel on every call). The source is
// masked after each event as with Wait: the receiver re-arms it with Enable.
// When waiting fails (for instance because the line was closed) the goroutine
// sends a last Event with Err set, unless the line was closed, and closes the
// channel. Do not mix Events with direct calls to Wait.
func (l *Line) Events() <-chan Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.events != nil {
		return l.events
	}
	ch := make(chan Event)
	l.events = ch
	go func() {
		defer close(ch)
		for {
			l.mu.Lock()
			prev, seen := l.last, l.seen
			l.mu.Unlock()
			c, err := l.Wait()
			if err != nil {
				if !errors.Is(err, ErrClosed) {
					ch <- Event{Err: err}
				}
				return
			}
			ev := Event{Count: c}
			if seen && c-prev > 1 {
				ev.Missed = c - prev - 1
			}
			ch <- ev
		}
	}()
	return ch
}

// Close closes the interrupt file. A Wait blocked on a file the runtime polls
// (goose's and Linux's interrupt files are) returns ErrClosed.
func (l *Line) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	l.mu.Unlock()
	return l.rw.Close()
}

// Poller is a Waiter without interrupts: Wait sleeps for Interval and
// pretends an interrupt came. Drivers given a Poller check their device
// every Interval.
type Poller struct {
	Interval time.Duration

	mu sync.Mutex
	n  uint32
}

// Poll returns a Poller with the given interval.
func Poll(interval time.Duration) *Poller { return &Poller{Interval: interval} }

// Wait implements Waiter.
func (p *Poller) Wait() (uint32, error) {
	time.Sleep(p.Interval)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	return p.n, nil
}

// Enable implements Waiter; it does nothing.
func (p *Poller) Enable() error { return nil }

var (
	_ Waiter = (*Line)(nil)
	_ Waiter = (*Poller)(nil)
)

// nativeEndian is the CPU's byte order (interrupt files use it, as UIO does).
var nativeEndian binary.ByteOrder = func() binary.ByteOrder {
	x := uint16(1)
	if *(*byte)(unsafe.Pointer(&x)) == 1 {
		return binary.LittleEndian
	}
	return binary.BigEndian
}()
