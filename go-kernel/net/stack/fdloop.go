package stack

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
)

// The provider file: registration, the request reader and the record
// writer.
//
// The reader is a goroutine locked to a thread of its own that blocks in
// read(2) on the provider file, so goose wakes that thread itself when a
// request comes. Parked in Go's netpoller instead (an O_NONBLOCK
// descriptor in an *os.File), its wake-up waited, at SMP 2, for whichever
// thread next polled the network, often sysmon's poll every 10 ms: a TCP
// round trip on loopback measured 11 ms that way and 1 ms this way (0.5 ms
// both ways at SMP 1). Writes never wait in goose.

// register makes the program goose's network provider. ENOSYS (not goose,
// or a goose without networking) and EBUSY (another provider) leave the
// program with goose's own loopback-only sockets.
func (s *Stack) register() {
	fd, _, errno := syscall.Syscall(NrNetProvider, NetVersion, 0, 0)
	switch errno {
	case 0:
	case syscall.ENOSYS:
		s.logf("this kernel has no network provider interface (ENOSYS); sockets stay loopback-only")
		return
	case syscall.EBUSY:
		s.logf("another network provider is registered (EBUSY); sockets stay with it")
		return
	default:
		s.logf("cannot register as network provider: %v; sockets stay loopback-only", errno)
		return
	}
	if err := syscall.SetNonblock(int(fd), false); err != nil {
		s.logf("provider file: cannot make it blocking: %v; no socket calls are served", err)
		return
	}
	s.out = newOutQueue(int(fd), s.logf)
	go s.out.run()
	go s.readRequests(int(fd))
	s.logf("provider registered; internet sockets go through netstack")
}

// readRequests reads request records in batches and serves them, in
// order, in this goroutine: no call waits on the network (each is answered
// as a non-blocking one), so serving inline costs less than handing each
// to another goroutine, and the caller, waiting in goose, hears sooner. The
// batch's records (names, READYs, REPLYs, in the order they were made) go
// to goose in one write at its end.
func (s *Stack) readRequests(fd int) {
	runtime.LockOSThread()
	buf := make([]byte, RequestSize*64)
	for {
		n, err := syscall.Read(fd, buf)
		if err != nil {
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			s.logf("provider file: read: %v; no more socket calls are served", err)
			return
		}
		if n%RequestSize != 0 {
			s.logf("provider file: read %d bytes, not whole %d-byte records", n, RequestSize)
		}
		s.out.hold()
		for off := 0; off+RequestSize <= n; off += RequestSize {
			s.prov.serve(DecodeRequest(buf[off:]))
		}
		s.out.release()
	}
}

// emit queues encoded records for goose.
func (s *Stack) emit(b []byte) {
	if s.out == nil || len(b) == 0 {
		return
	}
	s.out.put(b)
}

// serve handles one request and sends its records.
func (p *provider) serve(req Request) {
	p.emitRecords(p.handle(req))
}

// outQueue gathers records and writes them to the provider file in the
// order they were made. The request reader holds it while it serves a
// batch and writes everything at the end (release); records made by others
// meanwhile (the notifier's READYs) go in that same write. Otherwise the
// writer goroutine writes whatever accumulated, so records are batched
// under load without delaying any.
type outQueue struct {
	fd      int
	logf    func(string, ...any)
	mu      sync.Mutex // buf
	buf     []byte
	writeMu sync.Mutex // one write at a time, each taking all of buf: order kept
	held    atomic.Int32
	wake    chan struct{}
}

func newOutQueue(fd int, logf func(string, ...any)) *outQueue {
	return &outQueue{fd: fd, logf: logf, wake: make(chan struct{}, 1)}
}

func (q *outQueue) put(b []byte) {
	q.mu.Lock()
	q.buf = append(q.buf, b...)
	q.mu.Unlock()
	// Held: the holder writes it at release, which comes after this
	// append (it lets go of the hold first, then writes).
	if q.held.Load() != 0 {
		return
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *outQueue) hold() { q.held.Add(1) }

func (q *outQueue) release() {
	q.held.Add(-1)
	q.flush()
}

func (q *outQueue) run() {
	for range q.wake {
		q.flush()
	}
}

// flush writes everything put so far.
func (q *outQueue) flush() {
	q.writeMu.Lock()
	defer q.writeMu.Unlock()
	q.mu.Lock()
	b := q.buf
	q.buf = nil
	q.mu.Unlock()
	for len(b) > 0 {
		n, err := syscall.Write(q.fd, b)
		if err == nil {
			b = b[n:]
			continue
		}
		if errors.Is(err, syscall.EINTR) || errors.Is(err, syscall.EAGAIN) {
			continue
		}
		// goose refused the first record (EINVAL, ENOENT; those
		// before it it took, and said so with a short count): drop
		// that one record, keep the rest.
		q.logf("provider file: write refused a record: %v", err)
		if len(b) <= RecordSize {
			return
		}
		b = b[RecordSize:]
	}
}
