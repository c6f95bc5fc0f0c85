package stack

import (
	"bytes"
	"io"
	"math"
	"runtime"
	"sync"
	"syscall"
	"unsafe"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// The system calls. Each returns what the call returns (>= 0) or -errno,
// answering as a non-blocking call would: goose makes blocking sockets
// wait for a readiness change and calls again.

// socket: socket(domain, type, protocol), with Linux's checks
// (net/socket.c __sock_create, net/ipv4/af_inet.c inet_create): a type
// outside Linux's range is EINVAL; a type internet sockets lack is
// ESOCKTNOSUPPORT; a protocol the type does not have is EPROTONOSUPPORT.
func (p *provider) socket(req Request) (*socket, int64) {
	domain := int(int32(req.A[0]))
	rawType := int32(req.A[1])
	proto := int(int32(req.A[2]))
	if domain != afInet && domain != afInet6 {
		return nil, -EAFNOSUPPORT
	}
	if rawType&^(sockTypeMask|sockNonblock|sockCloexec) != 0 {
		return nil, -EINVAL
	}
	typ := int(rawType & sockTypeMask)
	if typ <= 0 || typ > sockMaxLinux {
		return nil, -EINVAL
	}
	var trans tcpip.TransportProtocolNumber
	switch typ {
	case sockStream:
		if proto != 0 && proto != ipprotoTCP {
			return nil, -EPROTONOSUPPORT
		}
		proto, trans = ipprotoTCP, tcp.ProtocolNumber
	case sockDgram:
		// ICMP "ping" sockets (IPPROTO_ICMP) are not offered.
		if proto != 0 && proto != ipprotoUDP {
			return nil, -EPROTONOSUPPORT
		}
		proto, trans = ipprotoUDP, udp.ProtocolNumber
	default:
		return nil, -ESOCKTNOSUPPORT
	}
	if req.NewSock == 0 {
		return nil, -EINVAL
	}
	netProto := ipv4.ProtocolNumber
	if domain == afInet6 {
		netProto = ipv6.ProtocolNumber
	}
	wq := new(waiter.Queue)
	ep, err := p.ns.NewEndpoint(trans, netProto, wq)
	if err != nil {
		// goose has already answered socket() (and made a descriptor);
		// the socket exists for goose, and every call on it fails.
		s := &socket{h: req.NewSock, family: domain, typ: typ, proto: proto, failed: errnoOf(err)}
		p.add(s)
		return s, -s.failed
	}
	s := &socket{h: req.NewSock, family: domain, typ: typ, proto: proto, ep: ep, wq: wq}
	p.add(s)
	return s, 0
}

// accept: accept(fd, addr, addrlen) and accept4 (whose flags are goose's
// business, but are checked as Linux does).
func (s *socket) accept(req Request) (*socket, int64) {
	if req.Nr == sysAccept4 && int32(req.A[3])&^(sockNonblock|sockCloexec) != 0 {
		return nil, -EINVAL
	}
	if s.proto != ipprotoTCP {
		return nil, -EOPNOTSUPP
	}
	if req.NewSock == 0 {
		return nil, -EINVAL
	}
	var peer tcpip.FullAddress
	ep, wq, err := s.ep.Accept(&peer)
	if err != nil {
		if _, ok := err.(*tcpip.ErrWouldBlock); ok {
			return nil, -EAGAIN
		}
		return nil, -errnoOf(err)
	}
	if e := writeSockaddr(req.A[1], req.A[2], encodeSockaddr(peer, s.family)); e != 0 {
		// Linux, too, drops the connection it took when the address
		// cannot be given back.
		ep.Close()
		return nil, -e
	}
	ns := &socket{h: req.NewSock, family: s.family, typ: s.typ, proto: s.proto, ep: ep, wq: wq}
	s.p.add(ns)
	return ns, 0
}

func (s *socket) bind(addr, n uint64) int64 {
	b, e := readSockaddr(addr, n)
	if e != 0 {
		return -e
	}
	fa, e := decodeSockaddr(b, s.family, true)
	if e != 0 {
		return -e
	}
	if err := s.ep.Bind(fa); err != nil {
		if _, ok := err.(*tcpip.ErrNoPortAvailable); ok {
			// bind(port 0) with no free port: Linux's inet_csk_get_port
			// fails with EADDRINUSE.
			return -EADDRINUSE
		}
		return -errnoOf(err)
	}
	return 0
}

// somaxconn is Linux's default net.core.somaxconn, the cap of a backlog.
const somaxconn = 4096

func (s *socket) listen(backlog int32) int64 {
	if s.proto != ipprotoTCP {
		return -EOPNOTSUPP
	}
	// Linux compares the backlog unsigned: a negative one is the maximum.
	if backlog < 0 || backlog > somaxconn {
		backlog = somaxconn
	}
	if err := s.ep.Listen(int(backlog)); err != nil {
		return -errnoOf(err)
	}
	return 0
}

func (s *socket) connect(addr, n uint64) int64 {
	b, e := readSockaddr(addr, n)
	if e != 0 {
		return -e
	}
	if sockaddrFamily(b) == afUnspec {
		// AF_UNSPEC dissolves a datagram socket's association
		// (net/ipv4/af_inet.c inet_dgram_connect → udp_disconnect).
		if s.proto == ipprotoUDP {
			s.ep.Disconnect()
			return 0
		}
		if err := s.ep.Disconnect(); err != nil {
			return -errnoOf(err)
		}
		return 0
	}
	fa, e := s.destination(b)
	if e != 0 {
		return -e
	}
	err := s.ep.Connect(fa)
	switch err.(type) {
	case nil:
		return 0
	case *tcpip.ErrConnectStarted:
		return -EINPROGRESS
	case *tcpip.ErrAlreadyConnecting:
		return -EALREADY
	case *tcpip.ErrAlreadyConnected:
		return -EISCONN
	}
	errno := errnoOf(err)
	s.tookError(errno)
	return -errno
}

// tookError records that a connection error was reported by a call, which
// clears it on Linux (sock_error), so that poll stops reporting EPOLLERR.
func (s *socket) tookError(errno int64) {
	if connError(errno) {
		s.mu.Lock()
		s.errTaken = true
		s.mu.Unlock()
	}
}

func (s *socket) getname(addr, lenp uint64, peer bool) int64 {
	var fa tcpip.FullAddress
	var err tcpip.Error
	if peer {
		fa, err = s.ep.GetRemoteAddress()
	} else {
		fa, err = s.ep.GetLocalAddress()
	}
	if err != nil {
		return -errnoOf(err)
	}
	if addr == 0 {
		return -EFAULT
	}
	return -writeSockaddr(addr, lenp, encodeSockaddr(fa, s.family))
}

func (s *socket) shutdown(how int32) int64 {
	var flags tcpip.ShutdownFlags
	switch how {
	case shutRD:
		flags = tcpip.ShutdownRead
	case shutWR:
		flags = tcpip.ShutdownWrite
	case shutRDWR:
		flags = tcpip.ShutdownRead | tcpip.ShutdownWrite
	default:
		return -EINVAL
	}
	if err := s.ep.Shutdown(flags); err != nil {
		return -errnoOf(err)
	}
	s.mu.Lock()
	s.shutRd = s.shutRd || flags&tcpip.ShutdownRead != 0
	s.shutWr = s.shutWr || flags&tcpip.ShutdownWrite != 0
	s.mu.Unlock()
	return 0
}

// ioctl: FIONREAD (SIOCINQ) and TIOCOUTQ (SIOCOUTQ); anything else is not
// a socket ioctl here (ENOTTY, as Linux answers unknown ones).
func (s *socket) ioctl(cmd uint32, arg uint64) int64 {
	var v int
	var err tcpip.Error
	switch cmd {
	case ioctlFIONREAD:
		if s.proto == ipprotoTCP && tcp.EndpointState(s.ep.State()) == tcp.StateListen {
			return -EINVAL // net/ipv4/tcp.c tcp_ioctl
		}
		v, err = s.ep.GetSockOptInt(tcpip.ReceiveQueueSizeOption)
	case ioctlTIOCOUTQ:
		if s.proto == ipprotoTCP && tcp.EndpointState(s.ep.State()) == tcp.StateListen {
			return -EINVAL
		}
		v, err = s.ep.GetSockOptInt(tcpip.SendQueueSizeOption)
	default:
		return -ENOTTY
	}
	if err != nil {
		return -errnoOf(err)
	}
	if !writeU32(arg, uint32(v)) {
		return -EFAULT
	}
	return 0
}

// iovecs are the program's buffers of one call: (base, length) pairs.
type iovecs [][2]uint64

// readIovecs reads iovcnt struct iovec at addr (include/uapi/linux/uio.h)
// with Linux's checks: at most UIO_MAXIOV of them, no length negative as
// an ssize_t, and no total past what a ssize_t holds (EINVAL).
func readIovecs(addr, cnt uint64) (iovecs, int64) {
	if int64(cnt) < 0 || cnt > uioMaxIov {
		return nil, EINVAL
	}
	b := make([]byte, cnt*sizeofIovec)
	if !copyIn(b, addr) {
		return nil, EFAULT
	}
	iov := make(iovecs, cnt)
	var total uint64
	for i := range iov {
		iov[i][0] = le.Uint64(b[16*i:])
		iov[i][1] = le.Uint64(b[16*i+8:])
		total += iov[i][1]
		if int64(iov[i][1]) < 0 || int64(total) < 0 {
			return nil, EINVAL
		}
	}
	return iov, 0
}

// total is the sum of the lengths; readIovecs checked it cannot overflow,
// and a single buffer's length is checked here.
func (iov iovecs) total() (int, int64) {
	var t uint64
	for _, v := range iov {
		t += v[1]
		if int64(v[1]) < 0 || int64(t) < 0 {
			return 0, EINVAL
		}
	}
	// Linux caps one transfer at MAX_RW_COUNT (INT_MAX rounded down to a
	// page); a larger count simply transfers less.
	return int(min(t, math.MaxInt32&^0xfff)), 0
}

// gather copies n bytes from the buffers into one slice.
func (iov iovecs) gather(n int) ([]byte, bool) {
	buf := make([]byte, n)
	off := 0
	for _, v := range iov {
		if off == n {
			break
		}
		k := min(int(v[1]), n-off)
		if !copyIn(buf[off:off+k], v[0]) {
			return nil, false
		}
		off += k
	}
	return buf, true
}

// scatter copies data into the buffers.
func (iov iovecs) scatter(data []byte) bool {
	for _, v := range iov {
		if len(data) == 0 {
			break
		}
		k := min(int(v[1]), len(data))
		if !copyOut(v[0], data[:k]) {
			return false
		}
		data = data[k:]
	}
	return true
}

// maxDatagram bounds a UDP payload (65535 less the 8-byte UDP header).
const maxDatagram = 65535 - header.UDPMinimumSize

// sendCall serves write, writev, sendto and sendmsg. to is the raw
// destination sockaddr, nil for none.
func (s *socket) sendCall(iov iovecs, flags uint32, to []byte) int64 {
	if flags&msgOOB != 0 {
		return -EOPNOTSUPP
	}
	total, e := iov.total()
	if e != 0 {
		return -e
	}
	opts := tcpip.WriteOptions{More: flags&msgMore != 0}
	if to != nil && s.proto == ipprotoUDP {
		// A stream socket ignores the address (net/ipv4/tcp.c), as
		// Linux does for a connected socket.
		fa, e := s.destination(to)
		if e != 0 {
			return -e
		}
		opts.To = &fa
	}
	n := total
	if s.proto == ipprotoUDP {
		if total > maxDatagram {
			return -EMSGSIZE
		}
		opts.Atomic = true
	} else {
		// A stream write may take part of the data, as a non-blocking
		// write does; copy no more than the send buffer could hold.
		if sb := int(s.ep.SocketOptions().GetSendBufferSize()); sb > 0 && n > sb {
			n = sb
		}
	}
	data, ok := iov.gather(n)
	if !ok {
		return -EFAULT
	}
	w, err := s.ep.Write(bytes.NewReader(data), opts)
	if err != nil {
		if w > 0 {
			return w
		}
		errno := errnoOf(err)
		s.tookError(errno)
		return -errno
	}
	return w
}

// sendmsg reads the struct user_msghdr (include/linux/socket.h) and sends.
// Ancillary data (msg_control) is not interpreted.
func (s *socket) sendmsg(msg uint64, flags uint32) int64 {
	var h [sizeofMsghdr]byte
	if !copyIn(h[:], msg) {
		return -EFAULT
	}
	var to []byte
	if name := le.Uint64(h[msghdrName:]); name != 0 {
		n := int32(le.Uint32(h[msghdrNamelen:]))
		if n < 0 {
			return -EINVAL
		}
		b, e := readSockaddr(name, uint64(n))
		if e != 0 {
			return -e
		}
		to = b
	}
	iov, e := readIovecs(le.Uint64(h[msghdrIov:]), le.Uint64(h[msghdrIovlen:]))
	if e != 0 {
		return -e
	}
	return s.sendCall(iov, flags, to)
}

// recvBufs hands out receive buffers of a datagram's largest size.
const recvBufSize = 64 << 10

var recvBufs = sync.Pool{New: func() any { b := make([]byte, recvBufSize); return &b }}

// recvCall serves read, readv, recvfrom and recvmsg. name and namelenp
// receive the source address (recvfrom's addr and addrlen); flagsp, when
// not 0, receives msg_flags (recvmsg). The result follows Linux: the bytes
// received, or with MSG_TRUNC on a datagram socket the datagram's real
// length; 0 at end of stream.
func (s *socket) recvCall(iov iovecs, flags uint32, name, namelenp, flagsp uint64) int64 {
	total, e := iov.total()
	if e != 0 {
		return -e
	}
	if flags&msgOOB != 0 {
		if s.proto == ipprotoTCP {
			return -EINVAL // no urgent data is ever kept (tcp_recv_urg)
		}
		return -EOPNOTSUPP
	}
	stream := s.proto == ipprotoTCP
	if stream && total == 0 {
		// tcp_recvmsg copies nothing and returns 0, unless the socket
		// cannot be read at all.
		switch tcp.EndpointState(s.ep.State()) {
		case tcp.StateListen, tcp.StateInitial, tcp.StateBound:
			return -ENOTCONN
		}
		return 0
	}
	// The buffer: a datagram's whole size, so that truncation is known
	// exactly; for a stream, what is queued (at least a little, for data
	// arriving meanwhile) up to what was asked.
	size := min(total, recvBufSize)
	if stream {
		if q, err := s.ep.GetSockOptInt(tcpip.ReceiveQueueSizeOption); err == nil && q > size {
			size = min(total, q)
		}
	}
	var buf []byte
	if size <= recvBufSize {
		bp := recvBufs.Get().(*[]byte)
		defer recvBufs.Put(bp)
		buf = (*bp)[:size]
	} else {
		buf = make([]byte, size)
	}
	// A stream takes what fits (netstack leaves the rest queued); a
	// datagram keeps what fits and drops the rest, as Linux truncates it.
	// (netstack's UDP read would take a writer that kept nothing, as with a
	// zero-length buffer, for a bad buffer, EFAULT, and lose the datagram.)
	var dst io.Writer
	sw := tcpip.SliceWriter(buf)
	tw := truncWriter{buf: buf}
	if stream {
		dst = &sw
	} else {
		dst = &tw
	}
	res, err := s.ep.Read(dst, tcpip.ReadOptions{
		Peek:           flags&msgPeek != 0,
		NeedRemoteAddr: !stream && (name != 0 || flagsp != 0),
	})
	if err != nil {
		if _, ok := err.(*tcpip.ErrClosedForReceive); ok {
			return 0
		}
		errno := errnoOf(err)
		s.tookError(errno)
		return -errno
	}
	if !stream {
		res.Count = tw.n
	}
	// MSG_TRUNC on a stream socket discards the data instead of copying
	// it (net/ipv4/tcp.c); on a datagram socket it asks for the real length.
	if !(stream && flags&msgTrunc != 0) {
		if !iov.scatter(buf[:res.Count]) {
			return -EFAULT
		}
	}
	if name != 0 {
		var sa []byte // a stream socket reports no address: length 0
		if !stream {
			sa = encodeSockaddr(res.RemoteAddr, s.family)
		}
		if e := writeSockaddr(name, namelenp, sa); e != 0 {
			return -e
		}
	}
	truncated := !stream && res.Total > res.Count
	if flagsp != 0 {
		var mf uint32
		if truncated {
			mf |= msgTrunc
		}
		if !writeU32(flagsp, mf) {
			return -EFAULT
		}
	}
	if !stream && flags&msgTrunc != 0 {
		return int64(res.Total)
	}
	return int64(res.Count)
}

// truncWriter keeps the first len(buf) bytes written, n of them, and takes
// the rest without keeping it.
type truncWriter struct {
	buf []byte
	n   int
}

func (w *truncWriter) Write(b []byte) (int, error) {
	w.n += copy(w.buf[w.n:], b)
	return len(b), nil
}

// recvmsg reads the struct user_msghdr, receives, and writes back
// msg_namelen, msg_controllen (0: no ancillary data is produced) and
// msg_flags.
func (s *socket) recvmsg(msg uint64, flags uint32) int64 {
	var h [sizeofMsghdr]byte
	if !copyIn(h[:], msg) {
		return -EFAULT
	}
	iov, e := readIovecs(le.Uint64(h[msghdrIov:]), le.Uint64(h[msghdrIovlen:]))
	if e != 0 {
		return -e
	}
	name := le.Uint64(h[msghdrName:])
	if name != 0 && int32(le.Uint32(h[msghdrNamelen:])) < 0 {
		return -EINVAL
	}
	if le.Uint64(h[msghdrControl:]) != 0 {
		if !writeU64(msg+msghdrControllen, 0) {
			return -EFAULT
		}
	}
	return s.recvCall(iov, flags, name, msg+msghdrNamelen, msg+msghdrFlags)
}

// sendfileChunk bounds what one sendfile reads of its file: a short count
// is an answer, as from Linux when the socket's buffer fills.
const sendfileChunk = 256 << 10

// sendfile serves sendfile(2) into the socket: the provider reads the
// file itself (in_fd is the program's descriptor of a file, not an
// internet socket, so the call does not come back here), sends what it
// read, and moves *offp (offp != 0) or the file's position by what was
// sent, as Linux's do_sendfile does.
func (s *socket) sendfile(inFd int, offp, count uint64) int64 {
	if count == 0 {
		return 0
	}
	var off int64
	if offp != 0 {
		v, ok := readU64(offp)
		if !ok {
			return -EFAULT
		}
		off = int64(v)
		if off < 0 {
			return -EINVAL
		}
	}
	buf := make([]byte, min(count, sendfileChunk))
	var got int
	var err error
	if offp != 0 {
		got, err = syscall.Pread(inFd, buf, off)
	} else {
		got, err = syscall.Read(inFd, buf)
	}
	if err != nil {
		return -int64(err.(syscall.Errno))
	}
	if got == 0 {
		return 0
	}
	sent := s.sendCall(iovecs{{uint64(uintptr(unsafe.Pointer(&buf[0]))), uint64(got)}}, 0, nil)
	runtime.KeepAlive(buf)
	kept := max(sent, 0)
	if offp != 0 {
		if kept > 0 && !writeU64(offp, uint64(off+kept)) {
			return -EFAULT
		}
	} else if int(kept) < got {
		// Give back what the socket did not take.
		if _, err := syscall.Seek(inFd, kept-int64(got), 1); err != nil {
			return -int64(err.(syscall.Errno))
		}
	}
	return sent
}

// destination decodes a connect or sendto address; the unspecified one
// reaches this host (Linux routes 0.0.0.0 and :: to the loopback).
func (s *socket) destination(b []byte) (tcpip.FullAddress, int64) {
	fa, e := decodeSockaddr(b, s.family, false)
	if e == 0 && fa.Addr.BitLen() == 0 {
		if s.family == afInet {
			fa.Addr = header.IPv4Loopback
		} else {
			fa.Addr = header.IPv6Loopback
		}
	}
	return fa, e
}
