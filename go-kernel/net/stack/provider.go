package stack

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// provider is the request-serving core: it turns goose's requests into
// netstack calls and netstack's state into REPLY and READY records. It
// knows nothing of the provider file: requests come in through handle
// (which returns the records they produce) and asynchronous READY records
// go out through emit. The fd loop (fdloop.go) and the tests drive it the
// same way.
type provider struct {
	ns   *stack.Stack
	emit func([]byte) // where records go (encoded, whole records, in order)
	logf func(format string, args ...any)
	st   *Stats

	mu    sync.Mutex
	socks map[uint64]*socket

	// Sockets whose readiness changed, waiting for the notifier.
	dirtyMu sync.Mutex
	dirty   map[*socket]struct{}
	wake    chan struct{}
	done    chan struct{}
}

// socket is one provider socket: goose's handle, the netstack endpoint,
// and the little state Linux keeps that netstack does not show.
type socket struct {
	p      *provider
	h      uint64 // goose's handle
	family int    // afInet, afInet6
	typ    int    // sockStream, sockDgram
	proto  int    // ipprotoTCP, ipprotoUDP
	ep     tcpip.Endpoint
	wq     *waiter.Queue
	entry  waiter.Entry

	// seq numbers readiness snapshots: taken (incremented) before the
	// mask is computed, so that the snapshot with the highest seq always
	// describes the newest state, whatever order records arrive in.
	seq atomic.Uint64

	mu       sync.Mutex
	shutRd   bool // shutdown(SHUT_RD) succeeded
	shutWr   bool // shutdown(SHUT_WR) succeeded
	errTaken bool // the connection's error has been reported once (sk_err cleared)
	closed   bool

	// failed is the errno of a socket netstack could not make: goose
	// answered socket() itself, so every later call answers this.
	failed int64

	// The names goose was last told (encoded sockaddrs; nil: none).
	nameMu    sync.Mutex
	lastLocal []byte
	lastPeer  []byte
	namesSent bool
}

func newProvider(ns *stack.Stack, emit func([]byte), logf func(string, ...any), st *Stats) *provider {
	p := &provider{
		ns:    ns,
		emit:  emit,
		logf:  logf,
		st:    st,
		socks: make(map[uint64]*socket),
		dirty: make(map[*socket]struct{}),
		wake:  make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
	go p.notifier()
	return p
}

// stop ends the notifier and closes every socket (tests).
func (p *provider) stop() {
	p.mu.Lock()
	socks := p.socks
	p.socks = map[uint64]*socket{}
	p.mu.Unlock()
	for _, s := range socks {
		s.close()
	}
	close(p.done)
}

func (p *provider) lookup(h uint64) *socket {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.socks[h]
}

// add makes s known under its handle and starts watching its events.
func (p *provider) add(s *socket) {
	s.p = p
	if s.ep == nil {
		p.mu.Lock()
		p.socks[s.h] = s
		p.mu.Unlock()
		return
	}
	// Every event netstack signals: the readiness this socket reports
	// is recomputed from scratch whatever the event was.
	s.entry = waiter.NewFunctionEntry(waiter.EventMask(^uint64(0)), func(waiter.EventMask) { p.markDirty(s) })
	s.wq.EventRegister(&s.entry)
	p.mu.Lock()
	p.socks[s.h] = s
	p.mu.Unlock()
}

// markDirty queues a READY for s. It runs inside netstack's notification
// (perhaps with netstack's locks held), so it only records the socket; the
// notifier computes the mask outside.
func (p *provider) markDirty(s *socket) {
	p.dirtyMu.Lock()
	p.dirty[s] = struct{}{}
	p.dirtyMu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// notifier sends a READY for every socket marked dirty. The mask is
// computed after the event (the event is what woke us), so no change goes
// unreported: Go's netpoller is edge-triggered and a missed edge would be
// a goroutine waiting forever.
func (p *provider) notifier() {
	for {
		select {
		case <-p.wake:
		case <-p.done:
			return
		}
		p.dirtyMu.Lock()
		batch := p.dirty
		p.dirty = make(map[*socket]struct{})
		p.dirtyMu.Unlock()
		recs := make([]Record, 0, len(batch))
		for s := range batch {
			if s.isClosed() {
				continue
			}
			// A name the change made (a connection established) goes
			// out before the READY that lets the program see it.
			s.syncNames()
			recs = append(recs, s.ready())
		}
		if len(recs) > 0 {
			p.st.Ready.Add(uint64(len(recs)))
			p.emitRecords(recs)
		}
	}
}

func (s *socket) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// snapshot takes the next seq, then looks at the socket.
func (s *socket) snapshot() (seq uint64, events uint32) {
	seq = s.seq.Add(1)
	return seq, s.events()
}

// ready is a READY record with a fresh snapshot.
func (s *socket) ready() Record {
	seq, ev := s.snapshot()
	return Record{Kind: KindReady, Sock: s.h, Seq: seq, Events: ev}
}

// close forgets the socket and closes its endpoint (netstack then sends a
// FIN, or an RST when unread data remains, as Linux does).
func (s *socket) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	if s.ep == nil {
		return
	}
	s.wq.EventUnregister(&s.entry)
	s.ep.Close()
}

// events computes the socket's readiness as Linux's poll would report it
// (net/ipv4/tcp.c tcp_poll, net/core/datagram.c datagram_poll for UDP).
func (s *socket) events() uint32 {
	if s.failed != 0 {
		// Ready for everything: each call answers the error at once.
		return EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM | EPOLLERR | EPOLLHUP
	}
	s.mu.Lock()
	shutRd, shutWr, errTaken := s.shutRd, s.shutWr, s.errTaken
	s.mu.Unlock()
	g := s.ep.Readiness(waiter.EventIn | waiter.EventOut | waiter.EventErr | waiter.EventHUp | waiter.EventRdHUp)
	const readable = EPOLLIN | EPOLLRDNORM
	const writable = EPOLLOUT | EPOLLWRNORM
	var m uint32
	if s.proto == ipprotoUDP {
		if g&waiter.EventIn != 0 {
			m |= readable
		}
		if g&waiter.EventOut != 0 {
			m |= writable
		}
		if g&waiter.EventErr != 0 {
			m |= EPOLLERR
		}
		if shutRd {
			m |= readable | EPOLLRDHUP
		}
		if shutRd && shutWr {
			m |= EPOLLHUP
		}
		return m
	}

	// TCP. Linux's tcp_poll, in netstack's states:
	//   - LISTEN: readable when a connection waits to be accepted;
	//   - CLOSE (never connected, or gone): HUP; a socket that never
	//     connected is also writable (sk_stream_is_writeable), one that
	//     is gone has both directions shut: everything;
	//   - SYN_SENT, SYN_RECV: nothing;
	//   - connected: readable with data or after the peer's FIN (which
	//     is also RDHUP), writable with room or once the sending side is
	//     shut (so that the write that fails is tried), HUP once both
	//     directions are shut;
	//   - ERR while the connection's error has not been reported.
	st := tcp.EndpointState(s.ep.State())
	switch st {
	case tcp.StateListen:
		if g&waiter.EventIn != 0 {
			m |= readable
		}
		return m
	case tcp.StateInitial, tcp.StateBound:
		m = writable | EPOLLHUP
		if shutRd {
			m |= readable | EPOLLRDHUP
		}
		return m
	case tcp.StateConnecting, tcp.StateSynSent, tcp.StateSynRecv:
		return 0
	case tcp.StateClose, tcp.StateTimeWait:
		return readable | writable | EPOLLRDHUP | EPOLLHUP
	case tcp.StateError:
		m = readable | writable | EPOLLRDHUP | EPOLLHUP
		if !errTaken {
			m |= EPOLLERR
		}
		return m
	}
	rcvShut := shutRd || g&waiter.EventRdHUp != 0
	sndShut := shutWr
	switch st {
	case tcp.StateCloseWait:
		rcvShut = true
	case tcp.StateLastAck, tcp.StateClosing:
		rcvShut, sndShut = true, true
	case tcp.StateFinWait1, tcp.StateFinWait2:
		sndShut = true
	}
	if g&waiter.EventIn != 0 {
		m |= readable
	}
	if rcvShut {
		m |= readable | EPOLLRDHUP
	}
	if sndShut || g&waiter.EventOut != 0 {
		m |= writable
	}
	if rcvShut && sndShut {
		m |= EPOLLHUP
	}
	return m
}

// emitRecords encodes REPLY and READY records and sends them.
func (p *provider) emitRecords(recs []Record) {
	if len(recs) == 0 {
		return
	}
	b := make([]byte, len(recs)*RecordSize)
	for i := range recs {
		recs[i].Encode(b[i*RecordSize:])
	}
	p.emit(b)
}

// handle serves one request and returns the records it produces: the
// REPLY (none for a close or any request with id 0, such as socket's),
// preceded by a READY for the socket a socket or accept made. NAME records
// are sent (through emit) before handle returns, so they always precede
// the REPLY and READY records that let the program see the names. It never
// blocks on the network.
func (p *provider) handle(req Request) (recs []Record) {
	p.st.Requests.Add(1)
	p.st.op(req.Nr).Add(1)
	if req.Nr == NrClose {
		if s := p.remove(req.Sock); s != nil {
			s.close()
		}
		return nil
	}
	reply := Record{Kind: KindReply, ID: req.ID}
	var s, ns *socket
	defer func() {
		// A bug of ours must not take the program down with it, nor
		// leave its thread waiting forever: report it and fail the call.
		if r := recover(); r != nil {
			p.logf("internal error serving system call %d: %v\n%s", req.Nr, r, debug.Stack())
			reply.Result = -EIO
			recs = nil
			if req.ID != 0 {
				recs = []Record{p.finish(reply, s)}
			}
		}
	}()
	if req.Nr != sysSocket {
		s = p.lookup(req.Sock)
		if s == nil {
			reply.Result = -EBADF
			if req.ID == 0 {
				return nil
			}
			return []Record{reply}
		}
	}
	var res int64
	switch {
	case req.Nr == sysSocket:
		ns, res = p.socket(req)
	case s.failed != 0:
		res = -s.failed
	case req.Nr == sysAccept || req.Nr == sysAccept4:
		ns, res = s.accept(req)
	default:
		res = s.call(req)
	}
	reply.Result = res
	if ns != nil {
		ns.syncNames()
		recs = append(recs, ns.ready())
	}
	if req.ID == 0 {
		return recs
	}
	return append(recs, p.finish(reply, s))
}

// finish stamps the reply with the socket's readiness after the call, and
// sends any name the call gave the socket first.
func (p *provider) finish(reply Record, s *socket) Record {
	if s != nil {
		reply.Sock = s.h
		if s.failed == 0 {
			s.syncNames()
		}
		reply.Seq, reply.Events = s.snapshot()
	}
	return reply
}

// syncNames tells goose the socket's own and peer names when they differ
// from what it was last told. goose answers getsockname and getpeername
// from these (see NameRecord), so a name must be sent before any REPLY or
// READY that lets the program ask for it; emitting here, under nameMu,
// before the caller queues its REPLY or READY, guarantees that order in
// the provider file.
func (s *socket) syncNames() {
	local, peer := s.names()
	s.nameMu.Lock()
	defer s.nameMu.Unlock()
	var out []byte
	put := func(isPeer uint32, sa []byte) {
		n := NameRecord{Peer: isPeer, Sock: s.h, Len: uint32(len(sa))}
		copy(n.Addr[:], sa)
		b := make([]byte, RecordSize)
		n.Encode(b)
		out = append(out, b...)
	}
	if !s.namesSent || !bytes.Equal(local, s.lastLocal) {
		put(0, local)
		s.lastLocal = local
	}
	if !s.namesSent || !bytes.Equal(peer, s.lastPeer) {
		put(1, peer)
		s.lastPeer = peer
	}
	s.namesSent = true
	if len(out) > 0 {
		s.p.emit(out)
	}
}

// names computes the sockaddrs Linux's getsockname and getpeername would
// give (net/ipv4/af_inet.c inet_getname): the local name always (the
// unspecified address and port 0 before a bind), the peer's only while
// connected (TCP: not while the handshake is in progress nor once the
// connection is gone; nil means ENOTCONN).
func (s *socket) names() (local, peer []byte) {
	if fa, err := s.ep.GetLocalAddress(); err == nil {
		local = encodeSockaddr(fa, s.family)
	} else {
		local = encodeSockaddr(tcpip.FullAddress{}, s.family)
	}
	if s.proto == ipprotoTCP {
		switch tcp.EndpointState(s.ep.State()) {
		case tcp.StateEstablished, tcp.StateFinWait1, tcp.StateFinWait2,
			tcp.StateCloseWait, tcp.StateClosing, tcp.StateLastAck:
		default:
			return local, nil
		}
	}
	if fa, err := s.ep.GetRemoteAddress(); err == nil {
		peer = encodeSockaddr(fa, s.family)
	}
	return local, peer
}

func (p *provider) remove(h uint64) *socket {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.socks[h]
	delete(p.socks, h)
	return s
}

// call serves the calls on an existing socket, other than accept.
func (s *socket) call(req Request) int64 {
	a := req.A
	switch req.Nr {
	case sysBind:
		return s.bind(a[1], a[2])
	case sysListen:
		return s.listen(int32(a[1]))
	case sysConnect:
		return s.connect(a[1], a[2])
	case sysGetsockname:
		return s.getname(a[1], a[2], false)
	case sysGetpeername:
		return s.getname(a[1], a[2], true)
	case sysShutdown:
		return s.shutdown(int32(a[1]))
	case sysSetsockopt:
		return s.setsockopt(int32(a[1]), int32(a[2]), a[3], a[4])
	case sysGetsockopt:
		return s.getsockopt(int32(a[1]), int32(a[2]), a[3], a[4])
	case sysIoctl:
		return s.ioctl(uint32(a[1]), a[2])
	case sysRead:
		return s.recvCall(iovecs{{a[1], a[2]}}, 0, 0, 0, 0)
	case sysReadv:
		iov, e := readIovecs(a[1], a[2])
		if e != 0 {
			return -e
		}
		return s.recvCall(iov, 0, 0, 0, 0)
	case sysRecvfrom:
		return s.recvCall(iovecs{{a[1], a[2]}}, uint32(a[3]), a[4], a[5], 0)
	case sysRecvmsg:
		return s.recvmsg(a[1], uint32(a[2]))
	case sysWrite:
		return s.sendCall(iovecs{{a[1], a[2]}}, 0, nil)
	case sysWritev:
		iov, e := readIovecs(a[1], a[2])
		if e != 0 {
			return -e
		}
		return s.sendCall(iov, 0, nil)
	case sysSendto:
		var to []byte
		if a[4] != 0 {
			b, e := readSockaddr(a[4], a[5])
			if e != 0 {
				return -e
			}
			to = b
		}
		return s.sendCall(iovecs{{a[1], a[2]}}, uint32(a[3]), to)
	case sysSendmsg:
		return s.sendmsg(a[1], uint32(a[2]))
	case sysSendfile:
		return s.sendfile(int(int32(a[1])), a[2], a[3])
	}
	return -ENOSYS
}

// Stats counts what the provider and its link do.
type Stats struct {
	FramesIn      atomic.Uint64 // Ethernet frames received from the link
	FramesOut     atomic.Uint64 // frames transmitted
	FramesDropped atomic.Uint64 // frames the link or the stack could not take
	DHCPFrames    atomic.Uint64 // received frames the DHCP client consumed
	Requests      atomic.Uint64 // requests served (closes included)
	Ready         atomic.Uint64 // READY records sent for readiness changes
	ops           [len(opNames)]atomic.Uint64
}

// opNames name the calls counted per operation.
var opNames = [...]string{
	"socket", "bind", "listen", "accept", "connect", "getsockname", "getpeername",
	"sendto", "recvfrom", "setsockopt", "getsockopt", "shutdown", "sendmsg", "recvmsg",
	"read", "write", "readv", "writev", "ioctl", "close", "sendfile", "other",
}

func (st *Stats) op(nr uint32) *atomic.Uint64 {
	i := len(opNames) - 1
	switch nr {
	case sysSocket:
		i = 0
	case sysBind:
		i = 1
	case sysListen:
		i = 2
	case sysAccept, sysAccept4:
		i = 3
	case sysConnect:
		i = 4
	case sysGetsockname:
		i = 5
	case sysGetpeername:
		i = 6
	case sysSendto:
		i = 7
	case sysRecvfrom:
		i = 8
	case sysSetsockopt:
		i = 9
	case sysGetsockopt:
		i = 10
	case sysShutdown:
		i = 11
	case sysSendmsg:
		i = 12
	case sysRecvmsg:
		i = 13
	case sysRead:
		i = 14
	case sysWrite:
		i = 15
	case sysReadv:
		i = 16
	case sysWritev:
		i = 17
	case sysIoctl:
		i = 18
	case NrClose:
		i = 19
	case sysSendfile:
		i = 20
	}
	return &st.ops[i]
}

// Ops returns the number of requests served per operation ("accept"
// counts accept and accept4).
func (st *Stats) Ops() map[string]uint64 {
	m := make(map[string]uint64, len(opNames))
	for i, n := range opNames {
		if v := st.ops[i].Load(); v != 0 {
			m[n] = v
		}
	}
	return m
}

// String is a one-line summary.
func (st *Stats) String() string {
	return fmt.Sprintf("frames in %d out %d dropped %d (dhcp %d), requests %d, ready %d",
		st.FramesIn.Load(), st.FramesOut.Load(), st.FramesDropped.Load(), st.DHCPFrames.Load(),
		st.Requests.Load(), st.Ready.Load())
}
