package main

import (
	"encoding/binary"
	"syscall"
)

// Sockets (net/socket.c, net/ipv4/af_inet.c, net/unix/af_unix.c).
const (
	nrSocket      = 198
	nrSocketpair  = 199
	nrBind        = 200
	nrListen      = 201
	nrAccept      = 202
	nrConnect     = 203
	nrGetsockname = 204
	nrGetpeername = 205
	nrSendto      = 206
	nrRecvfrom    = 207
	nrSetsockopt  = 208
	nrGetsockopt  = 209
	nrShutdown    = 210
	nrSendmsg     = 211
	nrRecvmsg     = 212
	nrAccept4     = 242

	afUnix      = 1
	afInet      = 2
	afNetlink   = 16
	sockStream  = 1
	sockDgram   = 2
	sockRaw     = 3
	sockRdm     = 4
	sockSeqpkt  = 5
	sockNB      = syscall.O_NONBLOCK
	sockCl      = syscall.O_CLOEXEC
	solSocket   = 1
	solTCP      = 6
	soType      = 3
	soLinger    = 13
	soReuseaddr = 2
	tcpNodelay  = 1
	msgOOB      = 0x1
	msgDontwait = 0x40
	msgNosignal = 0x4000
	msgUnknown  = 0x400000 // no MSG_ flag has this bit (include/linux/socket.h)
)

// sockaddr_in for 127.0.0.1:port.
func (s *scratch) inAddr(port uint16) uintptr {
	a := s.alloc(16)
	b := s.b[s.off(a):]
	binary.LittleEndian.PutUint16(b, afInet)
	binary.BigEndian.PutUint16(b[2:], port)
	copy(b[4:], []byte{127, 0, 0, 1})
	return a
}

// A sockaddr of family fam, len bytes, the rest zero.
func (s *scratch) famAddr(fam uint16, n int) uintptr {
	a := s.alloc(n)
	binary.LittleEndian.PutUint16(s.b[s.off(a):], fam)
	return a
}

// sockaddr_un for a path.
func (s *scratch) unAddr(path string) (uintptr, uintptr) {
	a := s.alloc(110)
	binary.LittleEndian.PutUint16(s.b[s.off(a):], afUnix)
	copy(s.b[s.off(a)+2:], path)
	return a, uintptr(2 + len(path) + 1)
}

// An int (a socklen_t) in scratch.
func (s *scratch) int32p(v int32) uintptr {
	a := s.alloc(4)
	s.put32(a, v)
	return a
}

// struct msghdr (56 bytes): name, namelen, iov, iovlen, control, controllen, flags.
func (s *scratch) msghdr(name, namelen, iov, iovlen, control, controllen uintptr) uintptr {
	a := s.alloc(56)
	s.put64(a, int64(name))
	s.put32(a+8, int32(namelen))
	s.put64(a+16, int64(iov))
	s.put64(a+24, int64(iovlen))
	s.put64(a+32, int64(control))
	s.put64(a+40, int64(controllen))
	return a
}

func sock(what string, domain, typ, proto uintptr) uintptr {
	return mustFd(what, sys(nrSocket, domain, typ|sockCl, proto))
}

// port of the socket fd is bound to.
func boundPort(fd uintptr) uint16 {
	a := mem.alloc(16)
	mustFd("getsockname", sys(nrGetsockname, fd, a, mem.int32p(16)))
	return binary.BigEndian.Uint16(mem.b[mem.off(a)+2:])
}

func testSockets() {
	fds := mem.alloc(8)
	mustFd("socketpair", sys(nrSocketpair, afUnix, sockStream|sockNB|sockCl, 0, fds))
	sp0, sp1 := uintptr(mem.get32(fds)), uintptr(mem.get32(fds+4))
	tcp := sock("socket tcp", afInet, sockStream|sockNB, 0) // unbound, unconnected
	udp := sock("socket udp", afInet, sockDgram|sockNB, 0)  // unbound, unconnected
	ustream := sock("socket unix stream", afUnix, sockStream|sockNB, 0)
	udgram := sock("socket unix dgram", afUnix, sockDgram|sockNB, 0)
	// A listener, a connection to it, and a bound port nobody listens on.
	lst := sock("socket listener", afInet, sockStream, 0)
	mustFd("bind", sys(nrBind, lst, mem.inAddr(0), 16))
	mustFd("listen", sys(nrListen, lst, 8))
	lstAddr := mem.inAddr(boundPort(lst))
	cli := sock("socket client", afInet, sockStream, 0)
	mustFd("connect", sys(nrConnect, cli, lstAddr, 16))
	acc := mustFd("accept4", sys(nrAccept4, lst, 0, 0, sockCl))
	quiet := sock("socket bound", afInet, sockStream, 0)
	mustFd("bind", sys(nrBind, quiet, mem.inAddr(0), 16))
	quietAddr := mem.inAddr(boundPort(quiet))

	buf := mem.alloc(256)
	one := mem.iov(buf, 4)
	hdr := mem.msghdr(0, 0, one, 1, 0, 0)
	ival := mem.int32p(1)
	bad := append(badFds(), struct {
		name string
		fd   uintptr
	}{"regular file", fdRO})
	for _, f := range bad {
		show("bind "+f.name, sys(nrBind, f.fd, mem.inAddr(0), 16))
		show("listen "+f.name, sys(nrListen, f.fd, 1))
		show("accept "+f.name, sys(nrAccept, f.fd, 0, 0))
		show("accept4 "+f.name, sys(nrAccept4, f.fd, 0, 0, 0))
		show("connect "+f.name, sys(nrConnect, f.fd, lstAddr, 16))
		show("getsockname "+f.name, sys(nrGetsockname, f.fd, mem.alloc(16), mem.int32p(16)))
		show("getpeername "+f.name, sys(nrGetpeername, f.fd, mem.alloc(16), mem.int32p(16)))
		show("sendto "+f.name, sys(nrSendto, f.fd, buf, 4, msgNosignal, 0, 0))
		show("recvfrom "+f.name, sys(nrRecvfrom, f.fd, buf, 4, msgDontwait, 0, 0))
		show("sendmsg "+f.name, sys(nrSendmsg, f.fd, hdr, msgNosignal))
		show("recvmsg "+f.name, sys(nrRecvmsg, f.fd, hdr, msgDontwait))
		show("shutdown "+f.name, sys(nrShutdown, f.fd, 2))
		show("setsockopt "+f.name, sys(nrSetsockopt, f.fd, solSocket, soReuseaddr, ival, 4))
		show("getsockopt "+f.name, sys(nrGetsockopt, f.fd, solSocket, soType, mem.alloc(4), mem.int32p(4)))
	}

	// socket, socketpair: __sys_socket_create, __sock_create, inet_create,
	// unix_create, netlink_create.
	open := func(what string, domain, typ, proto uintptr) {
		x := showOK(what, sys(nrSocket, domain, typ|sockCl, proto))
		if x.e == 0 {
			sys(nrClose, x.r)
		}
	}
	open("socket domain -1", neg(-1), sockStream, 0)
	open("socket domain 9999", 9999, sockStream, 0)
	open("socket AF_INET type 15 (past SOCK_MAX)", afInet, 15, 0) // __sock_create: EINVAL
	open("socket AF_INET SOCK_RDM", afInet, sockRdm, 0)
	open("socket AF_INET SOCK_STREAM protocol UDP", afInet, sockStream, 17)
	open("socket AF_INET SOCK_DGRAM protocol TCP", afInet, sockDgram, 6)
	// inet_create: a protocol outside [0, IPPROTO_MAX) is EINVAL.
	open("socket AF_INET SOCK_STREAM protocol -1", afInet, sockStream, neg(-1))
	open("socket AF_INET SOCK_STREAM protocol 300", afInet, sockStream, 300)
	open("socket AF_UNIX SOCK_RDM", afUnix, sockRdm, 0)
	open("socket AF_UNIX protocol 2", afUnix, sockStream, 2)
	// unix_create takes protocol PF_UNIX, and turns SOCK_RAW into SOCK_DGRAM.
	open("socket AF_UNIX protocol PF_UNIX", afUnix, sockStream, 1)
	open("socket AF_UNIX SOCK_RAW", afUnix, sockRaw, 0)
	open("socket AF_NETLINK SOCK_STREAM", afNetlink, sockStream, 0)
	open("socket AF_NETLINK protocol 9999", afNetlink, sockRaw, 9999)
	for _, b := range bads {
		show("socketpair into "+b.name, sys(nrSocketpair, afUnix, sockStream|sockCl, 0, b.addr))
	}
	show("socketpair into read-only page", sys(nrSocketpair, afUnix, sockStream|sockCl, 0, roPage))
	show("socketpair AF_INET", sys(nrSocketpair, afInet, sockStream|sockCl, 0, mem.alloc(8)))
	show("socketpair domain 9999", sys(nrSocketpair, 9999, sockStream|sockCl, 0, mem.alloc(8)))
	show("socketpair AF_UNIX protocol 2", sys(nrSocketpair, afUnix, sockStream|sockCl, 2, mem.alloc(8)))

	// bind: move_addr_to_kernel, inet_bind_sk, unix_bind.
	for _, b := range bads {
		show("bind address "+b.name, sys(nrBind, tcp, b.addr, 16))
	}
	show("bind addrlen -1", sys(nrBind, tcp, mem.inAddr(0), neg(-1)))
	show("bind addrlen 129", sys(nrBind, tcp, mem.alloc(160), 129))
	show("bind AF_INET addrlen 8", sys(nrBind, tcp, mem.inAddr(0), 8))
	show("bind AF_INET address of family AF_UNIX", sys(nrBind, tcp, mem.famAddr(afUnix, 16), 16))
	show("bind AF_INET to 192.0.2.1 (not local)", sys(nrBind, tcp, func() uintptr {
		a := mem.inAddr(0)
		copy(mem.b[mem.off(a)+4:], []byte{192, 0, 2, 1})
		return a
	}(), 16))
	show("bind AF_INET to a port in use", sys(nrBind, tcp, quietAddr, 16))
	show("bind AF_INET bound socket again", sys(nrBind, quiet, mem.inAddr(0), 16))
	show("bind AF_UNIX addrlen 1", sys(nrBind, ustream, mem.famAddr(afUnix, 16), 1))
	show("bind AF_UNIX address of family AF_INET", sys(nrBind, ustream, mem.inAddr(0), 16))
	sa, sl := mem.unAddr(dir + "/missing/sock")
	show("bind AF_UNIX in a missing directory", sys(nrBind, ustream, sa, sl))
	sa, sl = mem.unAddr(dir + "/f")
	show("bind AF_UNIX over an existing file", sys(nrBind, ustream, sa, sl))

	// listen: __sys_listen, inet_listen, unix_listen.
	show("listen UDP socket", sys(nrListen, udp, 1))
	show("listen AF_UNIX datagram socket", sys(nrListen, udgram, 1))
	show("listen AF_UNIX unbound", sys(nrListen, ustream, 1))
	show("listen AF_UNIX socketpair end", sys(nrListen, sp0, 1))
	show("listen connected TCP socket", sys(nrListen, cli, 1))

	// accept, accept4: __sys_accept4_file checks the flags (after the fd).
	show("accept4 bad flags O_RDWR", sys(nrAccept4, lst, 0, 0, syscall.O_RDWR))
	show("accept unbound TCP socket", sys(nrAccept, tcp, 0, 0))
	show("accept UDP socket", sys(nrAccept, udp, 0, 0))
	show("accept AF_UNIX datagram socket", sys(nrAccept, udgram, 0, 0))
	show("accept AF_UNIX not listening", sys(nrAccept, ustream, 0, 0))
	show("accept4 connected TCP socket", sys(nrAccept4, cli, 0, 0, 0))
	sys(nrFcntl, lst, syscall.F_SETFL, syscall.O_NONBLOCK)
	show("accept4 listener, nothing pending", sys(nrAccept4, lst, 0, 0, sockCl))

	// connect: __sys_connect, __inet_stream_connect, tcp_v4_connect,
	// __ip4_datagram_connect, unix_stream_connect.
	for _, b := range bads {
		show("connect address "+b.name, sys(nrConnect, tcp, b.addr, 16))
	}
	show("connect addrlen -1", sys(nrConnect, tcp, lstAddr, neg(-1)))
	show("connect addrlen 129", sys(nrConnect, tcp, mem.alloc(160), 129))
	show("connect TCP addrlen 8", sys(nrConnect, tcp, lstAddr, 8))
	show("connect TCP address of family AF_UNIX", sys(nrConnect, tcp, mem.famAddr(afUnix, 16), 16))
	// Blocking, so that the refusal is the answer (not EINPROGRESS).
	refused := sock("socket", afInet, sockStream, 0)
	show("connect TCP to a port nobody listens on", sys(nrConnect, refused, quietAddr, 16))
	sys(nrClose, refused)
	show("connect connected TCP socket", sys(nrConnect, cli, lstAddr, 16))
	show("connect listening TCP socket", sys(nrConnect, lst, lstAddr, 16))
	show("connect UDP addrlen 8", sys(nrConnect, udp, lstAddr, 8))
	show("connect UDP address of family AF_UNIX", sys(nrConnect, udp, mem.famAddr(afUnix, 16), 16))
	show("connect AF_UNIX addrlen 2", sys(nrConnect, ustream, mem.famAddr(afUnix, 16), 2))
	show("connect AF_UNIX address of family AF_INET", sys(nrConnect, ustream, lstAddr, 16))
	sa, sl = mem.unAddr(dir + "/missing")
	show("connect AF_UNIX to a missing path", sys(nrConnect, ustream, sa, sl))
	sa, sl = mem.unAddr(dir + "/f")
	show("connect AF_UNIX to a regular file", sys(nrConnect, ustream, sa, sl))
	show("connect AF_UNIX datagram to a regular file", sys(nrConnect, udgram, sa, sl))

	// getsockname, getpeername: move_addr_to_user.
	for _, b := range bads {
		show("getsockname addrlen "+b.name, sys(nrGetsockname, quiet, mem.alloc(16), b.addr))
		show("getsockname address "+b.name, sys(nrGetsockname, quiet, b.addr, mem.int32p(16)))
		show("getpeername address "+b.name, sys(nrGetpeername, cli, b.addr, mem.int32p(16)))
	}
	show("getsockname address read-only page", sys(nrGetsockname, quiet, roPage, mem.int32p(16)))
	show("getsockname addrlen read-only page", sys(nrGetsockname, quiet, mem.alloc(16), roPage))
	show("getsockname addrlen -1", sys(nrGetsockname, quiet, mem.alloc(16), mem.int32p(-1)))
	show("getsockname addrlen 0, nil address", sys(nrGetsockname, quiet, 0, mem.int32p(0)))
	l := mem.int32p(4)
	show("getsockname addrlen 4", sys(nrGetsockname, quiet, mem.alloc(16), l))
	show("getsockname addrlen 4, full length back", res{uintptr(mem.get32(l)), 0})
	show("getpeername unconnected TCP", sys(nrGetpeername, tcp, mem.alloc(16), mem.int32p(16)))
	show("getpeername listening TCP", sys(nrGetpeername, lst, mem.alloc(16), mem.int32p(16)))
	show("getpeername unconnected UDP", sys(nrGetpeername, udp, mem.alloc(16), mem.int32p(16)))
	show("getpeername unconnected AF_UNIX", sys(nrGetpeername, udgram, mem.alloc(16), mem.int32p(16)))
	show("getpeername addrlen -1", sys(nrGetpeername, cli, mem.alloc(16), mem.int32p(-1)))

	// sendto, recvfrom: __sys_sendto, __sys_recvfrom, tcp_sendmsg,
	// udp_sendmsg, unix_stream_sendmsg, unix_dgram_sendmsg.
	ns := uintptr(msgNosignal)
	for _, b := range bads {
		show("sendto from "+b.name, sys(nrSendto, sp0, b.addr, 4, ns, 0, 0))
	}
	show("sendto UDP address nil, addrlen 16", sys(nrSendto, udp, buf, 4, ns, 0, 16))
	show("sendto UDP address unmapped", sys(nrSendto, udp, buf, 4, ns, unmapped, 16))
	show("sendto UDP addrlen -1", sys(nrSendto, udp, buf, 4, ns, lstAddr, neg(-1)))
	show("sendto UDP addrlen 8", sys(nrSendto, udp, buf, 4, ns, lstAddr, 8))
	show("sendto UDP address of family AF_UNIX", sys(nrSendto, udp, buf, 4, ns, mem.famAddr(afUnix, 16), 16))
	show("sendto UDP unconnected, no address", sys(nrSendto, udp, buf, 4, ns, 0, 0))
	show("sendto UDP MSG_OOB", sys(nrSendto, udp, buf, 4, ns|msgOOB, quietAddr, 16))
	big := mem.alloc(65508)
	show("sendto UDP 65508 bytes", sys(nrSendto, udp, big, 65508, ns, quietAddr, 16))
	show("sendto TCP unconnected", sys(nrSendto, tcp, buf, 4, ns, 0, 0))
	show("sendto AF_UNIX stream unconnected", sys(nrSendto, ustream, buf, 4, ns, 0, 0))
	sa, sl = mem.unAddr(dir + "/missing")
	show("sendto AF_UNIX stream unconnected, with an address", sys(nrSendto, ustream, buf, 4, ns, sa, sl))
	show("sendto AF_UNIX stream connected, with an address", sys(nrSendto, sp0, buf, 4, ns, sa, sl))
	show("sendto AF_UNIX datagram unconnected", sys(nrSendto, udgram, buf, 4, ns, 0, 0))
	show("sendto AF_UNIX datagram to a missing path", sys(nrSendto, udgram, buf, 4, ns, sa, sl))
	show("sendto AF_UNIX datagram MSG_OOB", sys(nrSendto, udgram, buf, 4, ns|msgOOB, sa, sl))
	show("sendto TCP connected, with an address", sys(nrSendto, cli, buf, 4, ns, quietAddr, 16))
	show("sendto unknown flag 0x400000", sys(nrSendto, sp0, buf, 4, ns|msgUnknown, 0, 0))
	show("recvfrom the 4 bytes", sys(nrRecvfrom, sp1, buf, 64, 0, 0, 0))
	show("sendto one byte", sys(nrSendto, sp0, buf, 1, ns, 0, 0))
	for _, b := range bads {
		show("recvfrom into "+b.name, sys(nrRecvfrom, sp1, b.addr, 4, 0, 0, 0))
	}
	show("recvfrom into read-only page", sys(nrRecvfrom, sp1, roPage, 4, 0, 0, 0))
	show("recvfrom the byte, still there", sys(nrRecvfrom, sp1, buf, 4, 0, 0, 0))
	show("recvfrom nothing there", sys(nrRecvfrom, sp1, buf, 4, 0, 0, 0))
	show("recvfrom TCP unconnected", sys(nrRecvfrom, tcp, buf, 4, 0, 0, 0))
	show("recvfrom AF_UNIX stream unconnected", sys(nrRecvfrom, ustream, buf, 4, 0, 0, 0))
	show("recvfrom listening TCP", sys(nrRecvfrom, lst, buf, 4, 0, 0, 0))

	// sendmsg, recvmsg: copy_msghdr_from_user, ____sys_sendmsg, __scm_send.
	for _, b := range bads {
		show("sendmsg msghdr "+b.name, sys(nrSendmsg, sp0, b.addr, ns))
		show("recvmsg msghdr "+b.name, sys(nrRecvmsg, sp1, b.addr, 0))
		show("sendmsg iov array "+b.name, sys(nrSendmsg, sp0, mem.msghdr(0, 0, b.addr, 1, 0, 0), ns))
		show("sendmsg iov_base "+b.name, sys(nrSendmsg, sp0, mem.msghdr(0, 0, mem.iov(b.addr, 4), 1, 0, 0), ns))
		show("sendmsg control "+b.name, sys(nrSendmsg, sp0, mem.msghdr(0, 0, one, 1, b.addr, 16), ns))
	}
	cm := mem.alloc(64) // struct cmsghdr: len (u64), level, type (i32), data
	mem.put64(cm, 20)
	mem.put32(cm+8, solSocket)
	mem.put32(cm+12, 99)
	show("sendmsg SOL_SOCKET cmsg type 99", sys(nrSendmsg, sp0, mem.msghdr(0, 0, one, 1, cm, 24), ns))
	mem.put32(cm+12, 1) // SCM_RIGHTS
	mem.put32(cm+16, 9999)
	show("sendmsg SCM_RIGHTS fd 9999", sys(nrSendmsg, sp0, mem.msghdr(0, 0, one, 1, cm, 24), ns))
	mem.put32(cm+16, int32(closedFd))
	show("sendmsg SCM_RIGHTS closed fd", sys(nrSendmsg, sp0, mem.msghdr(0, 0, one, 1, cm, 24), ns))
	mem.put32(cm+16, int32(fdRO))
	show("sendmsg SCM_RIGHTS over TCP", sys(nrSendmsg, cli, mem.msghdr(0, 0, one, 1, cm, 24), ns))
	show("sendmsg TCP unconnected", sys(nrSendmsg, tcp, hdr, ns))
	show("sendmsg AF_UNIX datagram unconnected", sys(nrSendmsg, udgram, hdr, ns))
	show("recvmsg nothing there", sys(nrRecvmsg, sp1, hdr, 0))
	show("recvmsg AF_UNIX stream unconnected", sys(nrRecvmsg, ustream, hdr, 0))
	// __scm_send skips levels other than SOL_SOCKET.
	mem.put32(cm+8, 99)
	show("sendmsg cmsg_level 99", sys(nrSendmsg, sp0, mem.msghdr(0, 0, one, 1, cm, 24), ns))
	show("recvmsg the 4 bytes", sys(nrRecvmsg, sp1, mem.msghdr(0, 0, mem.iov(buf, 64), 1, 0, 0), 0))
	// __copy_msghdr: a negative msg_namelen, more than UIO_MAXIOV iovecs.
	show("sendmsg msg_namelen -1", sys(nrSendmsg, sp0, mem.msghdr(buf, neg(-1), one, 1, 0, 0), ns))
	show("sendmsg msg_iovlen 1025", sys(nrSendmsg, sp0, mem.msghdr(0, 0, one, 1025, 0, 0), ns))
	show("recvmsg msg_iovlen 1025", sys(nrRecvmsg, sp1, mem.msghdr(0, 0, one, 1025, 0, 0), 0))
	show("sendto one byte", sys(nrSendto, sp0, buf, 1, ns, 0, 0))
	for _, b := range bads {
		show("recvmsg iov_base "+b.name, sys(nrRecvmsg, sp1, mem.msghdr(0, 0, mem.iov(b.addr, 4), 1, 0, 0), 0))
	}
	show("recvmsg iov_base read-only page", sys(nrRecvmsg, sp1, mem.msghdr(0, 0, mem.iov(roPage, 4), 1, 0, 0), 0))
	show("recvmsg the byte, still there", sys(nrRecvmsg, sp1, mem.msghdr(0, 0, mem.iov(buf, 4), 1, 0, 0), 0))

	// shutdown: inet_shutdown, unix_shutdown.
	show("shutdown how 3", sys(nrShutdown, sp0, 3))
	show("shutdown how -1", sys(nrShutdown, sp0, neg(-1)))
	show("shutdown TCP how 3", sys(nrShutdown, cli, 3))
	show("shutdown TCP unconnected", sys(nrShutdown, tcp, 2))
	show("shutdown UDP unconnected", sys(nrShutdown, udp, 2))
	// inet_shutdown: a listener's SHUT_WR changes nothing.
	show("shutdown listening TCP SHUT_WR", sys(nrShutdown, lst, 1))
	// unix_shutdown asks for no peer.
	show("shutdown AF_UNIX unconnected", sys(nrShutdown, ustream, 2))

	// setsockopt, getsockopt: __sys_setsockopt, sk_setsockopt,
	// do_sock_getsockopt, sk_getsockopt; a level the protocol does not
	// have is ENOPROTOOPT to ip_setsockopt but EOPNOTSUPP to
	// do_ip_getsockopt.
	for _, b := range bads {
		show("setsockopt optval "+b.name, sys(nrSetsockopt, tcp, solSocket, soReuseaddr, b.addr, 4))
		show("getsockopt optval "+b.name, sys(nrGetsockopt, tcp, solSocket, soType, b.addr, mem.int32p(4)))
		show("getsockopt optlen "+b.name, sys(nrGetsockopt, tcp, solSocket, soType, mem.alloc(4), b.addr))
	}
	show("getsockopt optval read-only page", sys(nrGetsockopt, tcp, solSocket, soType, roPage, mem.int32p(4)))
	show("getsockopt optlen read-only page", sys(nrGetsockopt, tcp, solSocket, soType, mem.alloc(4), roPage))
	show("setsockopt optlen 0", sys(nrSetsockopt, tcp, solSocket, soReuseaddr, ival, 0))
	show("setsockopt optlen 3", sys(nrSetsockopt, tcp, solSocket, soReuseaddr, ival, 3))
	show("setsockopt SOL_SOCKET option 9999", sys(nrSetsockopt, tcp, solSocket, 9999, ival, 4))
	show("getsockopt SOL_SOCKET option 9999", sys(nrGetsockopt, tcp, solSocket, 9999, mem.alloc(4), mem.int32p(4)))
	show("setsockopt TCP level 9999", sys(nrSetsockopt, tcp, 9999, 1, ival, 4))
	show("setsockopt TCP_NODELAY on UDP", sys(nrSetsockopt, udp, solTCP, tcpNodelay, ival, 4))
	show("setsockopt SO_LINGER optlen 4", sys(nrSetsockopt, tcp, solSocket, soLinger, ival, 4))
	show("setsockopt SO_LINGER optval unmapped", sys(nrSetsockopt, tcp, solSocket, soLinger, unmapped, 8))
	show("getsockopt optlen -1", sys(nrGetsockopt, tcp, solSocket, soType, mem.alloc(4), mem.int32p(-1)))
	show("getsockopt optlen 0", sys(nrGetsockopt, tcp, solSocket, soType, mem.alloc(4), mem.int32p(0)))
	show("getsockopt TCP level 9999", sys(nrGetsockopt, tcp, 9999, 1, mem.alloc(4), mem.int32p(4)))
	show("getsockopt TCP_NODELAY on UDP", sys(nrGetsockopt, udp, solTCP, tcpNodelay, mem.alloc(4), mem.int32p(4)))

	// sendfile hands the socket goose's own buffer, not the program's.
	show("sendfile from a file into a socket", sys(nrSendfile, sp0, fdRO, mem.alloc(8), 10))
	show("recvfrom what sendfile sent", sys(nrRecvfrom, sp1, buf, 64, 0, 0, 0))

	for _, fd := range []uintptr{sp0, sp1, tcp, udp, ustream, udgram, lst, cli, acc, quiet} {
		sys(nrClose, fd)
	}
}
