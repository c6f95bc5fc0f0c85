package stack

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

// The provider file: registration, the request reader and the record
// writer. Both loops use an *os.File over the O_NONBLOCK descriptor, so
// that a read with nothing to read parks the goroutine in Go's netpoller
// (goose reports EPOLLIN on the provider file when requests wait) instead
// of blocking a thread, which would hold a P.

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
	f := os.NewFile(fd, "goose-net-provider")
	s.out = newOutQueue(f, s.logf)
	go s.out.run()
	go s.readRequests(f)
	s.logf("provider registered; internet sockets go through netstack")
}

// readRequests reads request records in batches and serves them, in
// order, in this goroutine: no call waits on the network (each is answered
// as a non-blocking one), so serving inline costs less than handing each
// to another goroutine, and the caller, waiting in goose, hears sooner. The
// batch's records (names, READYs, REPLYs, in the order they were made) go
// to goose in one write at its end.
func (s *Stack) readRequests(f *os.File) {
	buf := make([]byte, RequestSize*64)
	for {
		n, err := f.Read(buf)
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
	f       *os.File
	logf    func(string, ...any)
	mu      sync.Mutex // buf
	buf     []byte
	writeMu sync.Mutex // one write at a time, each taking all of buf: order kept
	held    atomic.Int32
	wake    chan struct{}
}

func newOutQueue(f *os.File, logf func(string, ...any)) *outQueue {
	return &outQueue{f: f, logf: logf, wake: make(chan struct{}, 1)}
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
		n, err := q.f.Write(b)
		if err == nil {
			return
		}
		if errors.Is(err, syscall.EINTR) || errors.Is(err, syscall.EAGAIN) {
			b = b[n:]
			continue
		}
		// goose refused the record at offset n (EINVAL): drop that
		// one record, keep the rest.
		q.logf("provider file: write refused a record: %v", err)
		skip := n + RecordSize - n%RecordSize
		if skip > len(b) {
			return
		}
		b = b[skip:]
	}
}
