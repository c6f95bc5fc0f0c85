package stack

import (
	"bytes"
	"net/netip"
	"os"
	"syscall"
	"testing"
)

const (
	readable = EPOLLIN | EPOLLRDNORM
	writable = EPOLLOUT | EPOLLWRNORM
)

// listener makes a bound, listening TCP socket and returns it and its port.
func (h *harness) listener(domain int, addr []byte) (uint64, uint16) {
	h.t.Helper()
	l := h.socket(domain, sockStream|sockNonblock|sockCloexec, 0)
	if r := h.call(l, sysBind, h.ptr(addr), uint64(len(addr))); r != 0 {
		h.t.Fatalf("bind: %d", r)
	}
	ap, r := h.getname(l, sysGetsockname)
	if r != 0 || ap.Port() == 0 {
		h.t.Fatalf("getsockname after bind to port 0: %v %d", ap, r)
	}
	// goose answers getsockname from the NAME record: it must be there.
	n, ok := h.name(l, false)
	if !ok || parseSockaddr(h.t, n.Addr[:n.Len]) != ap {
		h.t.Fatalf("NAME record after bind: %+v, want %v", n, ap)
	}
	if r := h.call(l, sysListen, 16); r != 0 {
		h.t.Fatalf("listen: %d", r)
	}
	if ev := h.events(l); ev != 0 {
		h.t.Fatalf("idle listener events %#x, want 0", ev)
	}
	return l, ap.Port()
}

// connect connects a new socket and waits for the connection.
func (h *harness) connect(domain int, addr []byte) uint64 {
	h.t.Helper()
	c := h.socket(domain, sockStream, ipprotoTCP)
	if ev := h.events(c); ev != writable|EPOLLHUP {
		h.t.Fatalf("fresh TCP socket events %#x, want EPOLLOUT|EPOLLWRNORM|EPOLLHUP as Linux", ev)
	}
	r := h.call(c, sysConnect, h.ptr(addr), uint64(len(addr)))
	if r != -EINPROGRESS && r != 0 {
		h.t.Fatalf("connect: %d, want -EINPROGRESS", r)
	}
	h.wait(c, writable, EPOLLERR|EPOLLHUP)
	// goose resends a waited-for connect: EISCONN (or 0, once).
	if r := h.call(c, sysConnect, h.ptr(addr), uint64(len(addr))); r != -EISCONN && r != 0 {
		h.t.Fatalf("connect again: %d, want -EISCONN", r)
	}
	if r := h.call(c, sysConnect, h.ptr(addr), uint64(len(addr))); r != -EISCONN {
		h.t.Fatalf("connect a third time: %d, want -EISCONN", r)
	}
	return c
}

func TestTCPLoopbackV4(t *testing.T) {
	h := newHarness(t)
	l, port := h.listener(afInet, sockaddr4("127.0.0.1", 0))
	if _, _, r := h.accept(l); r != -EAGAIN {
		t.Fatalf("accept with nothing pending: %d, want -EAGAIN", r)
	}
	c := h.connect(afInet, sockaddr4("127.0.0.1", port))
	h.wait(l, readable, 0)
	s, peer, r := h.accept(l)
	if r != 0 {
		t.Fatalf("accept: %d", r)
	}
	cl, _ := h.getname(c, sysGetsockname)
	if got := parseSockaddr(t, peer); got != cl {
		t.Fatalf("accept's peer %v, client's name %v", got, cl)
	}
	if n, ok := h.name(s, true); !ok || parseSockaddr(t, n.Addr[:n.Len]) != cl {
		t.Fatalf("accepted socket's peer NAME %+v, want %v", n, cl)
	}
	if n, ok := h.name(c, true); !ok || parseSockaddr(t, n.Addr[:n.Len]).Port() != port {
		t.Fatalf("client's peer NAME %+v, want port %d", n, port)
	}
	h.wait(s, writable, readable)

	// write, then read
	msg := []byte("hello, netstack")
	if r := h.call(c, sysWrite, h.ptr(msg), uint64(len(msg))); r != int64(len(msg)) {
		t.Fatalf("write: %d", r)
	}
	h.wait(s, readable, 0)
	v := make([]byte, 4)
	if r := h.call(s, sysIoctl, ioctlFIONREAD, h.ptr(v)); r != 0 || le.Uint32(v) != uint32(len(msg)) {
		t.Fatalf("FIONREAD: %d %d", r, le.Uint32(v))
	}
	buf := make([]byte, 5)
	if r := h.call(s, sysRead, h.ptr(buf), 5); r != 5 || string(buf) != "hello" {
		t.Fatalf("read: %d %q", r, buf)
	}
	// recvmsg with two iovecs takes the rest
	a, b := make([]byte, 3), make([]byte, 20)
	iov := h.iovec(a, b)
	m := h.msghdr(nil, iov, 2)
	n := h.call(s, sysRecvmsg, h.ptr(m), 0)
	if got := string(a) + string(b[:max(n-3, 0)]); n != int64(len(msg)-5) || got != ", netstack" {
		t.Fatalf("recvmsg: %d %q", n, got)
	}
	if r := h.call(s, sysRead, h.ptr(buf), 5); r != -EAGAIN {
		t.Fatalf("read with nothing: %d, want -EAGAIN", r)
	}
	h.wait(s, 0, readable)

	// sendmsg with iovecs, readv on the other side
	p1, p2 := []byte("abc"), []byte("defg")
	iov = h.iovec(p1, p2)
	m = h.msghdr(nil, iov, 2)
	if r := h.call(s, sysSendmsg, h.ptr(m), msgNoSignal); r != 7 {
		t.Fatalf("sendmsg: %d", r)
	}
	h.wait(c, readable, 0)
	x, y := make([]byte, 2), make([]byte, 10)
	iov = h.iovec(x, y)
	if r := h.call(c, sysReadv, h.ptr(iov), 2); r != 7 || string(x)+string(y[:5]) != "abcdefg" {
		t.Fatalf("readv: %d %q %q", r, x, y)
	}

	// shutdown(SHUT_WR): the peer sees RDHUP and then end of file
	if r := h.call(c, sysShutdown, shutWR); r != 0 {
		t.Fatalf("shutdown: %d", r)
	}
	ev := h.wait(s, readable|EPOLLRDHUP, EPOLLHUP)
	if ev&writable == 0 {
		t.Fatalf("half-closed socket not writable: %#x", ev)
	}
	if r := h.call(s, sysRead, h.ptr(buf), 5); r != 0 {
		t.Fatalf("read after the peer's FIN: %d, want 0", r)
	}
	if r := h.call(c, sysWrite, h.ptr(msg), uint64(len(msg))); r != -EPIPE {
		t.Fatalf("write after SHUT_WR: %d, want -EPIPE", r)
	}
	// and the other way: both directions shut is HUP
	if r := h.call(s, sysShutdown, shutWR); r != 0 {
		t.Fatalf("shutdown: %d", r)
	}
	h.wait(c, readable|EPOLLRDHUP|EPOLLHUP, 0)
	h.wait(s, EPOLLHUP, 0)

	h.close(c)
	h.close(s)
	h.close(l)
	if r := h.call(c, sysRead, h.ptr(buf), 5); r != -EBADF {
		t.Fatalf("read after close: %d, want -EBADF", r)
	}
}

func TestTCPDualStack(t *testing.T) {
	h := newHarness(t)
	// An AF_INET6 listener on :: takes IPv4 connections (IPV6_V6ONLY 0).
	l := h.socket(afInet6, sockStream, 0)
	if v, r := h.getInt(l, ipprotoIPv6, ipv6V6Only); r != 0 || v != 0 {
		t.Fatalf("IPV6_V6ONLY default %d %d, want 0", v, r)
	}
	sa := sockaddr6("::", 0)
	if r := h.call(l, sysBind, h.ptr(sa), uint64(len(sa))); r != 0 {
		t.Fatalf("bind [::]:0: %d", r)
	}
	if r := h.setInt(l, ipprotoIPv6, ipv6V6Only, 1); r != -EINVAL {
		t.Fatalf("IPV6_V6ONLY after bind: %d, want -EINVAL", r)
	}
	if r := h.call(l, sysListen, 8); r != 0 {
		t.Fatalf("listen: %d", r)
	}
	ap, _ := h.getname(l, sysGetsockname)

	c4 := h.connect(afInet, sockaddr4("127.0.0.1", ap.Port()))
	h.wait(l, readable, 0)
	s, peer, r := h.accept(l)
	if r != 0 {
		t.Fatalf("accept: %d", r)
	}
	got := parseSockaddr(t, peer)
	if !got.Addr().Is4In6() || got.Addr().Unmap() != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("IPv4 peer on an AF_INET6 socket: %v, want ::ffff:127.0.0.1", got)
	}
	h.close(s)
	h.close(c4)

	// ::1 over IPv6, and an IPv4-mapped connect from an AF_INET6 socket
	for _, dst := range []string{"::1", "::ffff:127.0.0.1"} {
		c6 := h.connect(afInet6, sockaddr6(dst, ap.Port()))
		h.wait(l, readable, 0)
		s, peer, r := h.accept(l)
		if r != 0 {
			t.Fatalf("accept: %d", r)
		}
		want, _ := h.getname(c6, sysGetsockname)
		if got := parseSockaddr(t, peer); got != want {
			t.Fatalf("%s: peer %v, want %v", dst, got, want)
		}
		h.close(s)
		h.close(c6)
	}
}

func TestConnectRefused(t *testing.T) {
	h := newHarness(t)
	// a port with no listener: bind one and close it
	l, port := h.listener(afInet, sockaddr4("127.0.0.1", 0))
	h.close(l)

	c := h.socket(afInet, sockStream, 0)
	sa := sockaddr4("127.0.0.1", port)
	r := h.call(c, sysConnect, h.ptr(sa), uint64(len(sa)))
	if r != -EINPROGRESS && r != -ECONNREFUSED {
		t.Fatalf("connect: %d", r)
	}
	t.Logf("connect: %d", r)
	if r == -EINPROGRESS {
		h.wait(c, EPOLLERR|EPOLLHUP|writable, 0)
		if v, r := h.getInt(c, solSocket, soError); r != 0 || v != ECONNREFUSED {
			t.Fatalf("SO_ERROR %d (%d), want ECONNREFUSED", v, r)
		}
	}
	// read clears
	if v, r := h.getInt(c, solSocket, soError); r != 0 || v != 0 {
		t.Fatalf("second SO_ERROR %d (%d), want 0", v, r)
	}
	if h.events(c)&EPOLLERR != 0 {
		t.Fatalf("EPOLLERR after SO_ERROR was read: %#x", h.events(c))
	}
	if _, r := h.getname(c, sysGetpeername); r != -ENOTCONN {
		t.Fatalf("getpeername: %d, want -ENOTCONN", r)
	}
	if n, ok := h.name(c, true); ok && n.Len != 0 {
		t.Fatalf("refused socket has a peer NAME: %+v", n)
	}
}

func TestUDP(t *testing.T) {
	h := newHarness(t)
	a := h.socket(afInet, sockDgram, 0)
	b := h.socket(afInet, sockDgram, ipprotoUDP)
	if ev := h.events(a); ev != writable {
		t.Fatalf("fresh UDP socket events %#x, want EPOLLOUT|EPOLLWRNORM", ev)
	}
	sa := sockaddr4("127.0.0.1", 0)
	if r := h.call(b, sysBind, h.ptr(sa), 16); r != 0 {
		t.Fatalf("bind: %d", r)
	}
	bp, _ := h.getname(b, sysGetsockname)

	msg := []byte("datagram one")
	to := sockaddr4("127.0.0.1", bp.Port())
	if r := h.call(a, sysSendto, h.ptr(msg), uint64(len(msg)), 0, h.ptr(to), 16); r != int64(len(msg)) {
		t.Fatalf("sendto: %d", r)
	}
	// sendto bound a: its name is known
	ap, _ := h.getname(a, sysGetsockname)
	if n, ok := h.name(a, false); ap.Port() == 0 || !ok || parseSockaddr(t, n.Addr[:n.Len]) != ap {
		t.Fatalf("autobound name %v, NAME %+v", ap, n)
	}
	h.wait(b, readable, 0)

	// MSG_PEEK leaves it; recvfrom gets it with the sender's address
	buf := make([]byte, 64)
	from := make([]byte, 16)
	fl := make([]byte, 4)
	le.PutUint32(fl, 16)
	if r := h.call(b, sysRecvfrom, h.ptr(buf), 64, msgPeek|msgDontWait, h.ptr(from), h.ptr(fl)); r != int64(len(msg)) {
		t.Fatalf("peek: %d", r)
	}
	clear(buf)
	if r := h.call(b, sysRecvfrom, h.ptr(buf), 64, 0, h.ptr(from), h.ptr(fl)); r != int64(len(msg)) || !bytes.Equal(buf[:r], msg) {
		t.Fatalf("recvfrom: %d %q", r, buf)
	}
	if got := parseSockaddr(t, from[:le.Uint32(fl)]); got != netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), ap.Port()) {
		t.Fatalf("recvfrom's source %v, want 127.0.0.1:%d", got, ap.Port())
	}
	if r := h.call(b, sysRecvfrom, h.ptr(buf), 64, 0, 0, 0); r != -EAGAIN {
		t.Fatalf("recvfrom with nothing: %d", r)
	}

	// truncation: MSG_TRUNC in flags returns the real length; recvmsg
	// reports MSG_TRUNC in msg_flags
	for i := 0; i < 2; i++ {
		if r := h.call(a, sysSendto, h.ptr(msg), uint64(len(msg)), 0, h.ptr(to), 16); r != int64(len(msg)) {
			t.Fatalf("sendto: %d", r)
		}
	}
	h.wait(b, readable, 0)
	small := make([]byte, 4)
	if r := h.call(b, sysRecvfrom, h.ptr(small), 4, msgTrunc, 0, 0); r != int64(len(msg)) || string(small) != "data" {
		t.Fatalf("recv MSG_TRUNC: %d %q, want %d", r, small, len(msg))
	}
	name := make([]byte, 16)
	iov := h.iovec(small)
	m := h.msghdr(name, iov, 1)
	h.wait(b, readable, 0)
	if r := h.call(b, sysRecvmsg, h.ptr(m), 0); r != 4 {
		t.Fatalf("recvmsg: %d", r)
	}
	if f := le.Uint32(m[msghdrFlags:]); f&msgTrunc == 0 {
		t.Fatalf("msg_flags %#x without MSG_TRUNC", f)
	}
	if nl := le.Uint32(m[msghdrNamelen:]); nl != 16 || parseSockaddr(t, name).Port() != ap.Port() {
		t.Fatalf("recvmsg's name %d %x", nl, name)
	}

	// sendmsg with an address and iovecs, on AF_INET6 to a v4-mapped address
	c := h.socket(afInet6, sockDgram, 0)
	to6 := sockaddr6("::ffff:127.0.0.1", bp.Port())
	iov = h.iovec([]byte("six"), []byte("four"))
	m = h.msghdr(to6, iov, 2)
	if r := h.call(c, sysSendmsg, h.ptr(m), 0); r != 7 {
		t.Fatalf("sendmsg: %d", r)
	}
	h.wait(b, readable, 0)
	if r := h.call(b, sysRead, h.ptr(buf), 64); r != 7 || string(buf[:7]) != "sixfour" {
		t.Fatalf("read: %d %q", r, buf[:7])
	}

	// a connected UDP socket: peer name at once; write needs no address
	if r := h.call(a, sysConnect, h.ptr(to), 16); r != 0 {
		t.Fatalf("udp connect: %d", r)
	}
	if n, ok := h.name(a, true); !ok || parseSockaddr(t, n.Addr[:n.Len]).Port() != bp.Port() {
		t.Fatalf("udp peer NAME %+v", n)
	}
	if r := h.call(a, sysWrite, h.ptr(msg), uint64(len(msg))); r != int64(len(msg)) {
		t.Fatalf("write on connected udp: %d", r)
	}
	if r := h.call(b, sysWrite, h.ptr(msg), uint64(len(msg))); r != -EDESTADDRREQ {
		t.Fatalf("write on unconnected udp: %d, want -EDESTADDRREQ", r)
	}
	if r := h.call(b, sysListen, 1); r != -EOPNOTSUPP {
		t.Fatalf("listen on udp: %d", r)
	}
}

// TestUDPZeroLengthRead: a datagram read into no room (Go's
// ReadFrom(nil), TestUDPZeroByteBuffer in package net) returns 0 and
// discards the datagram, as Linux's udp_recvmsg does, with MSG_TRUNC
// telling the real length; netstack's UDP read calls that a bad buffer
// (EFAULT) when the writer keeps nothing.
func TestUDPZeroLengthRead(t *testing.T) {
	h := newHarness(t)
	a := h.socket(afInet, sockDgram, 0)
	b := h.socket(afInet, sockDgram, 0)
	if r := h.call(b, sysBind, h.ptr(sockaddr4("127.0.0.1", 0)), 16); r != 0 {
		t.Fatalf("bind: %d", r)
	}
	bp, _ := h.getname(b, sysGetsockname)
	to := sockaddr4("127.0.0.1", bp.Port())
	msg := []byte("UDP ZERO BYTE BUFFER TEST")
	send := func() {
		t.Helper()
		if r := h.call(a, sysSendto, h.ptr(msg), uint64(len(msg)), 0, h.ptr(to), 16); r != int64(len(msg)) {
			t.Fatalf("sendto: %d", r)
		}
		h.wait(b, readable, 0)
	}
	zero := make([]byte, 1) // Go passes a valid address with length 0
	from := make([]byte, 16)
	fl := make([]byte, 4)
	le.PutUint32(fl, 16)

	send()
	if r := h.call(b, sysRecvfrom, h.ptr(zero), 0, 0, h.ptr(from), h.ptr(fl)); r != 0 {
		t.Fatalf("recvfrom into 0 bytes: %d, want 0", r)
	}
	if got := parseSockaddr(t, from[:le.Uint32(fl)]); got.Port() == 0 {
		t.Fatalf("recvfrom's source %v", got)
	}
	if r := h.call(b, sysRecvfrom, h.ptr(zero), 1, msgDontWait, 0, 0); r != -EAGAIN {
		t.Fatalf("the datagram was not consumed: %d", r)
	}

	send()
	if r := h.call(b, sysRead, h.ptr(zero), 0); r != 0 {
		t.Fatalf("read into 0 bytes: %d, want 0", r)
	}

	send()
	if r := h.call(b, sysRecvfrom, h.ptr(zero), 0, msgTrunc, 0, 0); r != int64(len(msg)) {
		t.Fatalf("recvfrom MSG_TRUNC into 0 bytes: %d, want %d", r, len(msg))
	}

	send()
	m := h.msghdr(nil, h.iovec(zero[:0]), 1)
	if r := h.call(b, sysRecvmsg, h.ptr(m), 0); r != 0 {
		t.Fatalf("recvmsg into 0 bytes: %d, want 0", r)
	}
	if f := le.Uint32(m[msghdrFlags:]); f&msgTrunc == 0 {
		t.Fatalf("msg_flags %#x without MSG_TRUNC", f)
	}

	// a datagram of 0 bytes into 0 bytes: 0, not truncated
	if r := h.call(a, sysSendto, h.ptr(zero), 0, 0, h.ptr(to), 16); r != 0 {
		t.Fatalf("sendto 0 bytes: %d", r)
	}
	h.wait(b, readable, 0)
	m = h.msghdr(nil, h.iovec(zero[:0]), 1)
	if r := h.call(b, sysRecvmsg, h.ptr(m), 0); r != 0 {
		t.Fatalf("recvmsg of an empty datagram: %d", r)
	}
	if f := le.Uint32(m[msghdrFlags:]); f&msgTrunc != 0 {
		t.Fatalf("msg_flags %#x: an empty datagram is not truncated", f)
	}
}

func TestErrors(t *testing.T) {
	h := newHarness(t)
	s := h.socket(afInet, sockStream, 0)
	for _, c := range []struct {
		name       string
		level, opt int
		want       int32
	}{
		{"SO_TYPE", solSocket, soType, sockStream},
		{"SO_DOMAIN", solSocket, soDomain, afInet},
		{"SO_PROTOCOL", solSocket, soProtocol, ipprotoTCP},
		{"SO_ACCEPTCONN", solSocket, soAcceptConn, 0},
		{"SO_ERROR", solSocket, soError, 0},
		{"IP_TTL", ipprotoIP, ipTTL, 64},
	} {
		if v, r := h.getInt(s, c.level, c.opt); r != 0 || v != c.want {
			t.Errorf("%s: %d (%d), want %d", c.name, v, r, c.want)
		}
	}
	if r := h.setInt(s, solSocket, soReuseAddr, 1); r != 0 {
		t.Fatalf("SO_REUSEADDR: %d", r)
	}
	if v, _ := h.getInt(s, solSocket, soReuseAddr); v != 1 {
		t.Fatalf("SO_REUSEADDR reads %d", v)
	}
	if r := h.setInt(s, ipprotoTCP, tcpNodelay, 1); r != 0 {
		t.Fatalf("TCP_NODELAY: %d", r)
	}
	if v, _ := h.getInt(s, ipprotoTCP, tcpNodelay); v != 1 {
		t.Fatalf("TCP_NODELAY reads %d", v)
	}
	if r := h.setInt(s, ipprotoTCP, tcpKeepIdle, 0); r != -EINVAL {
		t.Fatalf("TCP_KEEPIDLE 0: %d", r)
	}
	if r := h.setInt(s, ipprotoTCP, tcpKeepIntvl, 15); r != 0 {
		t.Fatalf("TCP_KEEPINTVL: %d", r)
	}
	if v, _ := h.getInt(s, ipprotoTCP, tcpKeepIntvl); v != 15 {
		t.Fatalf("TCP_KEEPINTVL reads %d", v)
	}
	if r := h.setInt(s, solSocket, soRcvTimeoOld, 1); r != -ENOPROTOOPT {
		t.Fatalf("SO_RCVTIMEO: %d, want -ENOPROTOOPT", r)
	}
	if r := h.setInt(s, ipprotoIPv6, ipv6V6Only, 1); r != -ENOPROTOOPT {
		t.Fatalf("IPV6_V6ONLY on AF_INET: %d", r)
	}
	if r := h.call(s, sysIoctl, 0x8912, 0); r != -ENOTTY {
		t.Fatalf("unknown ioctl: %d", r)
	}
	buf := make([]byte, 8)
	if r := h.call(s, sysRead, h.ptr(buf), 8); r != -ENOTCONN {
		t.Fatalf("read unconnected: %d", r)
	}
	if r := h.call(s, sysShutdown, shutRDWR); r != -ENOTCONN {
		t.Fatalf("shutdown unconnected: %d", r)
	}
	if r := h.call(s, sysShutdown, 7); r != -EINVAL {
		t.Fatalf("shutdown(7): %d", r)
	}
	if _, r := h.getname(s, sysGetpeername); r != -ENOTCONN {
		t.Fatalf("getpeername: %d", r)
	}
	sa := sockaddr4("10.9.9.9", 0)
	if r := h.call(s, sysBind, h.ptr(sa), 16); r != -EADDRNOTAVAIL {
		t.Fatalf("bind to a foreign address: %d", r)
	}
	sa6 := sockaddr6("::1", 0)
	if r := h.call(s, sysBind, h.ptr(sa6), 28); r != -EAFNOSUPPORT {
		t.Fatalf("bind AF_INET socket to sockaddr_in6: %d", r)
	}
	if r := h.call(s, sysBind, h.ptr(sa), 8); r != -EINVAL {
		t.Fatalf("bind with a short sockaddr: %d", r)
	}
	l, port := h.listener(afInet, sockaddr4("127.0.0.1", 0))
	_ = l
	sa = sockaddr4("127.0.0.1", port)
	if r := h.call(s, sysBind, h.ptr(sa), 16); r != -EADDRINUSE {
		t.Fatalf("bind to a port in use: %d", r)
	}
	sa = sockaddr4("0.0.0.0", 0)
	if r := h.call(s, sysBind, h.ptr(sa), 16); r != 0 {
		t.Fatalf("bind: %d", r)
	}
	if r := h.call(s, sysBind, h.ptr(sa), 16); r != -EINVAL {
		t.Fatalf("bind twice: %d, want -EINVAL", r)
	}
	if r := h.call(12345, sysRead, h.ptr(buf), 8); r != -EBADF {
		t.Fatalf("unknown handle: %d", r)
	}
}

func TestBadPointers(t *testing.T) {
	h := newHarness(t)
	page, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(page)
	bad := uint64(uint64(uintptr(unsafePointer(page))))

	l, port := h.listener(afInet, sockaddr4("127.0.0.1", 0))
	s := h.socket(afInet, sockStream, 0)
	if r := h.call(s, sysBind, bad, 16); r != -EFAULT {
		t.Fatalf("bind with a bad sockaddr: %d", r)
	}
	if r := h.call(s, sysBind, 0, 16); r != -EFAULT {
		t.Fatalf("bind with NULL: %d", r)
	}
	c := h.connect(afInet, sockaddr4("127.0.0.1", port))
	h.wait(l, readable, 0)
	acc, _, r := h.accept(l)
	if r != 0 {
		t.Fatal(r)
	}
	if r := h.call(c, sysWrite, bad, 100); r != -EFAULT {
		t.Fatalf("write from a bad buffer: %d", r)
	}
	msg := []byte("x")
	if r := h.call(c, sysWrite, h.ptr(msg), 1); r != 1 {
		t.Fatalf("write: %d", r)
	}
	h.wait(acc, readable, 0)
	if r := h.call(acc, sysRead, bad, 100); r != -EFAULT {
		t.Fatalf("read into a bad buffer: %d", r)
	}
	if r := h.call(acc, sysReadv, bad, 2); r != -EFAULT {
		t.Fatalf("readv with a bad iovec array: %d", r)
	}
	if r := h.call(acc, sysRecvmsg, bad, 0); r != -EFAULT {
		t.Fatalf("recvmsg with a bad msghdr: %d", r)
	}
	if _, r := h.getInt(acc, solSocket, soType); r != 0 {
		t.Fatalf("provider broken after faults: %d", r)
	}
	if r := h.call(acc, sysGetsockopt, solSocket, soType, bad, bad); r != -EFAULT {
		t.Fatalf("getsockopt with a bad length: %d", r)
	}
}

// TestSeq checks that every socket's snapshots are numbered in increasing
// order across REPLY and READY records, so that goose can keep the newest.
func TestSeq(t *testing.T) {
	h := newHarness(t)
	l, port := h.listener(afInet, sockaddr4("127.0.0.1", 0))
	c := h.connect(afInet, sockaddr4("127.0.0.1", port))
	h.wait(l, readable, 0)
	s, _, _ := h.accept(l)
	msg := []byte("0123456789")
	buf := make([]byte, 10)
	for i := 0; i < 50; i++ {
		h.call(c, sysWrite, h.ptr(msg), 10)
		h.wait(s, readable, 0)
		h.call(s, sysRead, h.ptr(buf), 10)
	}
	recs, _ := h.records()
	// The sink holds READYs; replies were seen by do. Check the READYs
	// alone are distinct per socket, and that the newest snapshot of s
	// (after the last read) is not readable.
	seen := map[[2]uint64]bool{}
	for _, r := range recs {
		if r.Kind != KindReady {
			continue
		}
		k := [2]uint64{r.Sock, r.Seq}
		if r.Seq == 0 || seen[k] {
			t.Fatalf("seq %d of socket %d zero or used twice", r.Seq, r.Sock)
		}
		seen[k] = true
	}
	h.wait(s, writable, readable)
	if h.st.stats.Ready.Load() == 0 || h.st.stats.Ops()["write"] != 50 {
		t.Fatalf("stats: %v %v", h.st.stats.String(), h.st.stats.Ops())
	}
}

// sendfile into a socket: the provider reads the file itself, from *offset
// (moved by what was sent) or from the file's position (likewise).
func TestSendfile(t *testing.T) {
	h := newHarness(t)
	l, port := h.listener(afInet, sockaddr4("127.0.0.1", 0))
	c := h.connect(afInet, sockaddr4("127.0.0.1", port))
	h.wait(l, readable, 0)
	s, _, r := h.accept(l)
	if r != 0 {
		t.Fatalf("accept: %d", r)
	}
	h.wait(c, writable, 0)
	f, err := os.CreateTemp(t.TempDir(), "sendfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	content := []byte("0123456789abcdefghij")
	f.Write(content)
	fd := uint64(f.Fd())

	off := make([]byte, 8)
	le.PutUint64(off, 5)
	if r := h.call(c, sysSendfile, fd, h.ptr(off), 7); r != 7 || le.Uint64(off) != 12 {
		t.Fatalf("sendfile from offset 5: %d, offset now %d (want 7, 12)", r, le.Uint64(off))
	}
	if _, err := f.Seek(10, 0); err != nil {
		t.Fatal(err)
	}
	if r := h.call(c, sysSendfile, fd, 0, 100); r != 10 {
		t.Fatalf("sendfile from the position: %d, want 10 (to the end)", r)
	}
	if pos, _ := f.Seek(0, 1); pos != 20 {
		t.Fatalf("file position %d after sendfile, want 20", pos)
	}
	if r := h.call(c, sysSendfile, fd, 0, 100); r != 0 {
		t.Fatalf("sendfile at the end of the file: %d, want 0", r)
	}
	le.PutUint64(off, ^uint64(0))
	if r := h.call(c, sysSendfile, fd, h.ptr(off), 1); r != -EINVAL {
		t.Fatalf("sendfile from a negative offset: %d, want -EINVAL", r)
	}
	if r := h.call(c, sysSendfile, 9999, 0, 1); r != -int64(syscall.EBADF) {
		t.Fatalf("sendfile from a bad descriptor: %d, want -EBADF", r)
	}
	want := "56789ab" + "abcdefghij"
	got := make([]byte, 0, len(want))
	for len(got) < len(want) {
		h.wait(s, readable, 0)
		buf := make([]byte, 64)
		r := h.call(s, sysRead, h.ptr(buf), 64)
		if r <= 0 {
			t.Fatalf("read: %d", r)
		}
		got = append(got, buf[:r]...)
	}
	if string(got) != want {
		t.Fatalf("received %q, want %q", got, want)
	}
}
