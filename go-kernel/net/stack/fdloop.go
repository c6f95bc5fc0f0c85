package stack

import (
	"errors"
	"os"
	"sync"
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

// readRequests reads request records in batches and submits each.
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
		for off := 0; off+RequestSize <= n; off += RequestSize {
			s.prov.submit(DecodeRequest(buf[off:]))
		}
	}
}

// emit queues encoded records for goose.
func (s *Stack) emit(b []byte) {
	if s.out == nil || len(b) == 0 {
		return
	}
	s.out.put(b)
}

// submit takes one request from the reader, in the order goose sent them.
// socket and close requests are served at once, in that order, because a
// request may name a socket whose socket request came just before it
// (goose answers socket() itself and does not wait). The calls of one
// socket are served one at a time in arrival order, by a goroutine that
// drains the socket's queue while it has requests; different sockets are
// served concurrently. No call waits on the network, so no queue stalls.
func (p *provider) submit(req Request) {
	if req.Nr == sysSocket {
		p.serve(req)
		return
	}
	s := p.lookup(req.Sock)
	if s == nil {
		p.serve(req) // answers EBADF
		return
	}
	s.qmu.Lock()
	s.queue = append(s.queue, req)
	if s.running {
		s.qmu.Unlock()
		return
	}
	s.running = true
	s.qmu.Unlock()
	go func() {
		for {
			s.qmu.Lock()
			if len(s.queue) == 0 {
				s.running = false
				s.qmu.Unlock()
				return
			}
			req := s.queue[0]
			s.queue = s.queue[1:]
			s.qmu.Unlock()
			p.serve(req)
		}
	}()
}

// serve handles one request and sends its records.
func (p *provider) serve(req Request) {
	p.emitRecords(p.handle(req))
}

// outQueue gathers records and writes them to the provider file from one
// goroutine: whatever accumulated while a write was in progress goes in
// the next write, so records are batched under load without delaying any.
type outQueue struct {
	f    *os.File
	logf func(string, ...any)
	mu   sync.Mutex
	buf  []byte
	wake chan struct{}
}

func newOutQueue(f *os.File, logf func(string, ...any)) *outQueue {
	return &outQueue{f: f, logf: logf, wake: make(chan struct{}, 1)}
}

func (q *outQueue) put(b []byte) {
	q.mu.Lock()
	q.buf = append(q.buf, b...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *outQueue) run() {
	var spare []byte
	for range q.wake {
		q.mu.Lock()
		b := q.buf
		q.buf = spare[:0]
		q.mu.Unlock()
		orig := b
		for len(b) > 0 {
			n, err := q.f.Write(b)
			if err == nil {
				break
			}
			if errors.Is(err, syscall.EINTR) || errors.Is(err, syscall.EAGAIN) {
				b = b[n:]
				continue
			}
			// goose refused the record at offset n (EINVAL): drop
			// that one record, keep the rest.
			q.logf("provider file: write refused a record: %v", err)
			skip := n + RecordSize - n%RecordSize
			if skip > len(b) {
				break
			}
			b = b[skip:]
		}
		spare = orig[:0]
	}
}
