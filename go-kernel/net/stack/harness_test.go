package stack

import (
	"encoding/binary"
	"net/netip"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// The harness plays goose: it makes requests whose pointers point into
// ordinary Go memory (the provider and the test share the address space,
// as the provider and the program do under goose), serves them with the
// provider core over netstack, and collects every record written.

// pipeLink is a Link whose frames go to a peer pipeLink (nil: nowhere).
type pipeLink struct {
	mac  [6]byte
	in   chan []byte
	peer *pipeLink
	done chan struct{}
	once sync.Once
}

func newPipeLink(last byte) *pipeLink {
	return &pipeLink{mac: [6]byte{0x52, 0x54, 0, 0x12, 0x34, last}, in: make(chan []byte, 256), done: make(chan struct{})}
}

func (l *pipeLink) MAC() [6]byte { return l.mac }
func (l *pipeLink) MTU() int     { return 1500 }
func (l *pipeLink) Transmit(f []byte) error {
	if l.peer != nil {
		select {
		case l.peer.in <- append([]byte(nil), f...):
		default:
		}
	}
	return nil
}
func (l *pipeLink) Receive(buf []byte) (int, error) {
	select {
	case f := <-l.in:
		return copy(buf, f), nil
	case <-l.done:
		return 0, errClosed
	}
}
func (l *pipeLink) close() { l.once.Do(func() { close(l.done) }) }

type errString string

func (e errString) Error() string { return string(e) }

const errClosed = errString("link closed")

type harness struct {
	t  *testing.T
	st *Stack
	p  *provider

	mu      sync.Mutex
	out     []byte            // every record emitted, in order
	latest  map[uint64]Record // per socket, the snapshot with the highest seq
	changed chan struct{}

	nextH, nextID uint64
	keep          [][]byte // buffers handed to the provider stay alive
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessOn(t, newPipeLink(1))
}

func newHarnessOn(t *testing.T, link *pipeLink) *harness {
	t.Helper()
	st, err := Start(link, Config{
		Addr:       netip.MustParsePrefix("192.0.2.1/24"),
		Gateway:    netip.MustParseAddr("192.0.2.254"),
		NoProvider: true,
		ResolvConf: "-",
		Hosts:      "-",
		Logf:       t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, st: st, latest: map[uint64]Record{}, changed: make(chan struct{}, 1), nextH: 100}
	h.p = newProvider(st.ns, h.sink, t.Logf, &st.stats)
	t.Cleanup(func() {
		h.p.stop()
		st.Close()
		link.close()
	})
	return h
}

// sink receives what the provider writes.
func (h *harness) sink(b []byte) {
	if len(b)%RecordSize != 0 {
		h.t.Errorf("provider wrote %d bytes: not whole records", len(b))
	}
	h.mu.Lock()
	h.out = append(h.out, b...)
	for off := 0; off+RecordSize <= len(b); off += RecordSize {
		r := DecodeRecord(b[off:])
		if r.Kind == KindReady {
			h.note(r)
		}
	}
	h.mu.Unlock()
	select {
	case h.changed <- struct{}{}:
	default:
	}
}

// note keeps the newest snapshot, as goose does (h.mu held).
func (h *harness) note(r Record) {
	if r.Seq == 0 {
		return
	}
	if old, ok := h.latest[r.Sock]; !ok || r.Seq > old.Seq {
		h.latest[r.Sock] = r
	}
}

// records returns all records emitted so far, decoded by kind.
func (h *harness) records() (recs []Record, names []NameRecord) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for off := 0; off+RecordSize <= len(h.out); off += RecordSize {
		if le.Uint32(h.out[off:]) == KindName {
			names = append(names, DecodeName(h.out[off:]))
		} else {
			recs = append(recs, DecodeRecord(h.out[off:]))
		}
	}
	return
}

// name returns the newest name goose was told for sock (peer or own).
func (h *harness) name(sock uint64, peer bool) (NameRecord, bool) {
	_, names := h.records()
	var last NameRecord
	found := false
	for _, n := range names {
		if n.Sock == sock && (n.Peer == 1) == peer {
			last, found = n, true
		}
	}
	return last, found
}

// ptr is the address of b's first byte, as the program would pass it.
func (h *harness) ptr(b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	h.keep = append(h.keep, b)
	return uint64(uintptr(unsafe.Pointer(&b[0])))
}

func (h *harness) req(sock uint64, nr uint32, args ...uint64) Request {
	h.nextID++
	r := Request{ID: h.nextID, Nr: nr, Sock: sock}
	copy(r.A[1:], args)
	return r
}

// do serves a request and returns its REPLY, noting its snapshot.
func (h *harness) do(r Request) Record {
	h.t.Helper()
	recs := h.p.handle(r)
	var reply Record
	n := 0
	h.mu.Lock()
	for _, x := range recs {
		h.note(x)
		if x.Kind == KindReply {
			reply = x
			n++
		}
	}
	h.mu.Unlock()
	if r.ID != 0 && (n != 1 || reply.ID != r.ID) {
		h.t.Fatalf("request %+v: %d replies, %+v", r, n, recs)
	}
	return reply
}

// call makes system call nr on sock with arguments a[1:] and returns the
// result.
func (h *harness) call(sock uint64, nr uint32, args ...uint64) int64 {
	h.t.Helper()
	return h.do(h.req(sock, nr, args...)).Result
}

// socket makes a socket the way goose does: a request with id 0 and no
// reply, and a READY for the new handle.
func (h *harness) socket(domain, typ, proto int) uint64 {
	h.t.Helper()
	h.nextH++
	hd := h.nextH
	recs := h.p.handle(Request{Nr: sysSocket, NewSock: hd, A: [6]uint64{uint64(domain), uint64(typ), uint64(proto)}})
	if len(recs) != 1 || recs[0].Kind != KindReady || recs[0].Sock != hd {
		h.t.Fatalf("socket: want one READY for %d, got %+v", hd, recs)
	}
	h.mu.Lock()
	h.note(recs[0])
	h.mu.Unlock()
	return hd
}

// accept accepts on sock, writing the peer's address into a buffer.
func (h *harness) accept(sock uint64) (uint64, []byte, int64) {
	h.t.Helper()
	h.nextH++
	sa := make([]byte, 128)
	l := make([]byte, 4)
	le.PutUint32(l, uint32(len(sa)))
	r := h.req(sock, sysAccept4, h.ptr(sa), h.ptr(l), 0)
	r.NewSock = h.nextH
	res := h.do(r).Result
	return h.nextH, sa[:le.Uint32(l)], res
}

// events returns the newest snapshot's mask of sock.
func (h *harness) events(sock uint64) uint32 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.latest[sock].Events
}

// wait waits until sock's newest snapshot has all of want (and, if
// notWant, none of those bits).
func (h *harness) wait(sock uint64, want, notWant uint32) uint32 {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		ev := h.events(sock)
		if ev&want == want && ev&notWant == 0 {
			return ev
		}
		select {
		case <-h.changed:
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			h.t.Fatalf("socket %d: events %#x, want %#x without %#x", sock, ev, want, notWant)
		}
	}
}

func sockaddr4(a string, port uint16) []byte {
	b := make([]byte, sizeofSockaddrIn)
	le.PutUint16(b, afInet)
	binary.BigEndian.PutUint16(b[2:], port)
	ip := netip.MustParseAddr(a).As4()
	copy(b[4:], ip[:])
	return b
}

func sockaddr6(a string, port uint16) []byte {
	b := make([]byte, sizeofSockaddrIn6)
	le.PutUint16(b, afInet6)
	binary.BigEndian.PutUint16(b[2:], port)
	ip := netip.MustParseAddr(a).As16()
	copy(b[8:], ip[:])
	return b
}

// parseSockaddr decodes a sockaddr_in or sockaddr_in6.
func parseSockaddr(t *testing.T, b []byte) netip.AddrPort {
	t.Helper()
	switch {
	case len(b) >= sizeofSockaddrIn && le.Uint16(b) == afInet:
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), binary.BigEndian.Uint16(b[2:]))
	case len(b) >= sizeofSockaddrIn6 && le.Uint16(b) == afInet6:
		return netip.AddrPortFrom(netip.AddrFrom16([16]byte(b[8:24])), binary.BigEndian.Uint16(b[2:]))
	}
	t.Fatalf("not a sockaddr: %x", b)
	return netip.AddrPort{}
}

// getname calls getsockname or getpeername into a buffer.
func (h *harness) getname(sock uint64, nr uint32) (netip.AddrPort, int64) {
	h.t.Helper()
	sa := make([]byte, 128)
	l := make([]byte, 4)
	le.PutUint32(l, 128)
	res := h.call(sock, nr, h.ptr(sa), h.ptr(l))
	if res != 0 {
		return netip.AddrPort{}, res
	}
	return parseSockaddr(h.t, sa[:le.Uint32(l)]), 0
}

// intOpt reads an int socket option.
func (h *harness) getInt(sock uint64, level, name int) (int32, int64) {
	v := make([]byte, 4)
	l := make([]byte, 4)
	le.PutUint32(l, 4)
	res := h.call(sock, sysGetsockopt, uint64(level), uint64(name), h.ptr(v), h.ptr(l))
	return int32(le.Uint32(v)), res
}

func (h *harness) setInt(sock uint64, level, name int, x int32) int64 {
	v := make([]byte, 4)
	le.PutUint32(v, uint32(x))
	return h.call(sock, sysSetsockopt, uint64(level), uint64(name), h.ptr(v), 4)
}

// iovec builds a struct iovec array over bufs.
func (h *harness) iovec(bufs ...[]byte) []byte {
	b := make([]byte, len(bufs)*sizeofIovec)
	for i, x := range bufs {
		le.PutUint64(b[16*i:], h.ptr(x))
		le.PutUint64(b[16*i+8:], uint64(len(x)))
	}
	return b
}

// msghdr builds a struct user_msghdr.
func (h *harness) msghdr(name []byte, iov []byte, niov int) []byte {
	m := make([]byte, sizeofMsghdr)
	if name != nil {
		le.PutUint64(m[msghdrName:], h.ptr(name))
		le.PutUint32(m[msghdrNamelen:], uint32(len(name)))
	}
	le.PutUint64(m[msghdrIov:], h.ptr(iov))
	le.PutUint64(m[msghdrIovlen:], uint64(niov))
	return m
}

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(&b[0]) }

// close closes sock as goose does: id 0, no reply.
func (h *harness) close(sock uint64) {
	h.t.Helper()
	if recs := h.p.handle(Request{Nr: NrClose, Sock: sock}); len(recs) != 0 {
		h.t.Fatalf("close produced records: %+v", recs)
	}
}
