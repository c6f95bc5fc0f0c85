// net_provider: goose's side of the network provider interface
// (payload/include/uapi/goose_net.h), checked with a fake provider that
// this program registers itself: no TCP/IP stack, no NIC, a few lines of Go
// that answer requests the way the real one (go-kernel/net) must. What is
// checked is goose's part:
//
//   - a socket made before registration stays goose's own (loopback);
//   - registration gives a descriptor once (EBUSY after), and a wrong version is EINVAL;
//   - socket(AF_INET) then reaches the provider with a fresh handle, and its
//     errors (AF_INET6 refused) come back as the call's;
//   - stock net.Dial works over it: connect answered EINPROGRESS waits in
//     Go's netpoller for the READY record, then SO_ERROR, names, options;
//   - the provider reads and writes the program's own buffers (iovecs too);
//   - a blocking socket waits in goose (EAGAIN from the provider) until a
//     READY record, and a blocking connect returns 0 after EINPROGRESS;
//   - ioctl requests other than goose's own go to the provider;
//   - close sends a CLOSE record;
//   - LINK and ADDR records become net.Interfaces' answer;
//   - once the provider file is closed, provider sockets answer ENETDOWN and
//     new ones are goose's own again.
//
// goose only (reference=no): Linux has no provider.
package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

const (
	sysProvider = 0x1001
	closeNr     = 0xffffffff
	reqSize     = 80
	recSize     = 64

	kindReply   = 1
	kindReady   = 2
	kindLink    = 3
	kindAddr    = 4
	kindIfReset = 5
	kindName    = 6
	kindRoute   = 7

	epollIn   = 0x1
	epollOut  = 0x4
	epollNorm = 0x40 | 0x100

	sysIoctl      = 29
	sysRead       = 63
	sysWrite      = 64
	sysReadv      = 65
	sysWritev     = 66
	sysSocket     = 198
	sysConnect    = 203
	sysSetsockopt = 208
	sysGetsockopt = 209
	sysShutdown   = 210
)

type request struct {
	id, sock, newsock uint64
	nr, flags         uint32
	a                 [6]uint64
}

// A fake socket: connects to anything, echoes what is written in upper case.
type fakeSock struct {
	err       syscall.Errno // the socket could not be made: every call answers it
	family    uint64
	connected bool
	buf       []byte
	seq       uint64
}

type provider struct {
	f      *os.File
	mu     sync.Mutex
	socks  map[uint64]*fakeSock
	closed []uint64
	seen   map[uint32]int
	seq    uint64
}

// mem is the program's memory at addr: the provider shares the address space.
func mem(addr, n uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(uintptr(addr))), n)
}

func (p *provider) readiness(s *fakeSock) uint32 {
	ev := uint32(0)
	if s.connected {
		ev |= epollOut | 0x100
	}
	if len(s.buf) > 0 {
		ev |= epollIn | 0x40
	}
	return ev
}

func rec(kind uint32, events uint32, sock, seq, id uint64, result int64) []byte {
	b := make([]byte, recSize)
	binary.LittleEndian.PutUint32(b[0:], kind)
	binary.LittleEndian.PutUint32(b[4:], events)
	binary.LittleEndian.PutUint64(b[8:], sock)
	binary.LittleEndian.PutUint64(b[16:], seq)
	binary.LittleEndian.PutUint64(b[24:], id)
	binary.LittleEndian.PutUint64(b[32:], uint64(result))
	return b
}

// ready sends sock's readiness (under p.mu).
func (p *provider) ready(handle uint64) {
	s := p.socks[handle]
	p.seq++
	p.write(rec(kindReady, p.readiness(s), handle, p.seq, 0, 0))
}

func (p *provider) write(b []byte) {
	if _, err := p.f.Write(b); err != nil {
		fmt.Println("provider write:", err)
		os.Exit(1)
	}
}

func sockaddr4(ip [4]byte, port int) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint16(b[0:], syscall.AF_INET)
	binary.BigEndian.PutUint16(b[2:], uint16(port))
	copy(b[4:], ip[:])
	return b
}

// name sends a NAME record: sock's own name (peer 0) or its peer's.
func (p *provider) name(sock uint64, peer uint32, sa []byte) {
	b := make([]byte, recSize)
	binary.LittleEndian.PutUint32(b[0:], kindName)
	binary.LittleEndian.PutUint32(b[4:], peer)
	binary.LittleEndian.PutUint64(b[8:], sock)
	binary.LittleEndian.PutUint32(b[16:], uint32(len(sa)))
	copy(b[20:48], sa)
	p.write(b)
}

// serve answers one request; the result and the socket it concerns.
func (p *provider) serve(q request) (int64, uint64) {
	p.seen[q.nr]++
	if q.nr == closeNr {
		p.closed = append(p.closed, q.sock)
		delete(p.socks, q.sock)
		return 0, 0
	}
	if q.nr == sysSocket {
		// No reply: a socket this provider cannot make answers its error later.
		s := &fakeSock{family: q.a[0]}
		if q.a[0] != syscall.AF_INET {
			s.err = syscall.EAFNOSUPPORT
		}
		p.socks[q.newsock] = s
		return 0, 0
	}
	s := p.socks[q.sock]
	if s == nil {
		return -int64(syscall.EBADF), 0
	}
	if s.err != 0 {
		return -int64(s.err), q.sock
	}
	switch q.nr {
	case sysConnect:
		if s.connected {
			return -int64(syscall.EISCONN), q.sock
		}
		// Named at once; connected a little later, as a real handshake:
		// the peer's name comes before the READY that tells it.
		p.name(q.sock, 0, sockaddr4([4]byte{10, 9, 9, 2}, 40000))
		h := q.sock
		time.AfterFunc(20*time.Millisecond, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if s := p.socks[h]; s != nil {
				s.connected = true
				p.name(h, 1, sockaddr4([4]byte{10, 9, 9, 9}, 7))
				p.ready(h)
			}
		})
		return -int64(syscall.EINPROGRESS), q.sock
	case sysGetsockopt:
		// SO_ERROR and anything else: 0.
		binary.LittleEndian.PutUint32(mem(q.a[3], 4), 0)
		binary.LittleEndian.PutUint32(mem(q.a[4], 4), 4)
		return 0, q.sock
	case sysSetsockopt, sysShutdown:
		return 0, q.sock
	case sysWrite:
		s.buf = append(s.buf, []byte(strings.ToUpper(string(mem(q.a[1], q.a[2]))))...)
		return int64(q.a[2]), q.sock
	case sysWritev:
		n := uint64(0)
		for i := uint64(0); i < q.a[2]; i++ {
			iov := mem(q.a[1]+16*i, 16)
			base, l := binary.LittleEndian.Uint64(iov), binary.LittleEndian.Uint64(iov[8:])
			s.buf = append(s.buf, []byte(strings.ToUpper(string(mem(base, l))))...)
			n += l
		}
		return int64(n), q.sock
	case sysRead, sysReadv:
		if len(s.buf) == 0 {
			return -int64(syscall.EAGAIN), q.sock
		}
		dst := []byte(nil)
		if q.nr == sysRead {
			dst = mem(q.a[1], q.a[2])
		} else {
			iov := mem(q.a[1], 16)
			dst = mem(binary.LittleEndian.Uint64(iov), binary.LittleEndian.Uint64(iov[8:]))
		}
		n := copy(dst, s.buf)
		s.buf = s.buf[n:]
		return int64(n), q.sock
	case sysIoctl:
		if q.a[1] == 0x541b {
			binary.LittleEndian.PutUint32(mem(q.a[2], 4), uint32(len(s.buf)))
			return 0, q.sock
		}
		return -int64(syscall.ENOTTY), q.sock
	}
	return -int64(syscall.EOPNOTSUPP), q.sock
}

func (p *provider) loop() {
	buf := make([]byte, 16*reqSize)
	for {
		n, err := p.f.Read(buf)
		if err != nil {
			return // closed
		}
		if n%reqSize != 0 {
			fmt.Println("provider read a partial request:", n)
			os.Exit(1)
		}
		p.mu.Lock()
		var out []byte
		for off := 0; off < n; off += reqSize {
			b := buf[off:]
			q := request{
				id:      binary.LittleEndian.Uint64(b[0:]),
				nr:      binary.LittleEndian.Uint32(b[8:]),
				flags:   binary.LittleEndian.Uint32(b[12:]),
				sock:    binary.LittleEndian.Uint64(b[16:]),
				newsock: binary.LittleEndian.Uint64(b[24:]),
			}
			for i := range q.a {
				q.a[i] = binary.LittleEndian.Uint64(b[32+8*i:])
			}
			res, h := p.serve(q)
			if q.id == 0 {
				continue
			}
			var ev uint32
			var seq uint64
			if s := p.socks[h]; s != nil {
				p.seq++
				seq, ev = p.seq, p.readiness(s)
			}
			out = append(out, rec(kindReply, ev, h, seq, q.id, res)...)
		}
		if len(out) > 0 {
			p.write(out)
		}
		p.mu.Unlock()
	}
}

func link(index int32, flags uint32, mtu uint32, typ uint16, mac []byte, name string) []byte {
	b := make([]byte, recSize)
	binary.LittleEndian.PutUint32(b[0:], kindLink)
	binary.LittleEndian.PutUint32(b[4:], uint32(index))
	binary.LittleEndian.PutUint32(b[8:], flags)
	binary.LittleEndian.PutUint32(b[12:], mtu)
	binary.LittleEndian.PutUint16(b[16:], typ)
	b[18] = byte(len(mac))
	copy(b[20:28], mac)
	copy(b[28:44], name)
	return b
}

func addr(index int32, ip net.IP, prefix int) []byte {
	b := make([]byte, recSize)
	binary.LittleEndian.PutUint32(b[0:], kindAddr)
	binary.LittleEndian.PutUint32(b[4:], uint32(index))
	b[8], b[9] = syscall.AF_INET, byte(prefix)
	copy(b[12:], ip.To4())
	return b
}

// route: a ROUTE record (dst/len out of index, through gw if not nil).
func route(index int32, dst net.IP, dlen int, gw net.IP, scope byte) []byte {
	b := make([]byte, recSize)
	binary.LittleEndian.PutUint32(b[0:], kindRoute)
	binary.LittleEndian.PutUint32(b[4:], uint32(index))
	b[8], b[9], b[10], b[11] = syscall.AF_INET, byte(dlen), scope, 3
	copy(b[12:16], dst.To4())
	if gw != nil {
		copy(b[28:32], gw.To4())
	}
	return b
}

// routes prints the main table as an RTM_GETROUTE dump gives it.
func routes() {
	rib, err := syscall.NetlinkRIB(syscall.RTM_GETROUTE, syscall.AF_UNSPEC)
	check("RTM_GETROUTE", err)
	msgs, err := syscall.ParseNetlinkMessage(rib)
	check("parse the dump", err)
	for _, m := range msgs {
		if m.Header.Type != syscall.RTM_NEWROUTE {
			continue
		}
		rt := (*syscall.RtMsg)(unsafe.Pointer(&m.Data[0]))
		attrs, err := syscall.ParseNetlinkRouteAttr(&m)
		check("route attributes", err)
		dst, gw, oif := "default", "", uint32(0)
		for _, a := range attrs {
			switch a.Attr.Type {
			case syscall.RTA_DST:
				dst = fmt.Sprintf("%v/%d", net.IP(a.Value), rt.Dst_len)
			case syscall.RTA_GATEWAY:
				gw = " via " + net.IP(a.Value).String()
			case syscall.RTA_OIF:
				oif = binary.LittleEndian.Uint32(a.Value)
			}
		}
		fmt.Printf("route: %s%s dev %d table %d scope %d\n", dst, gw, oif, rt.Table, rt.Scope)
	}
}

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	// Before any provider: goose's own loopback socket, which stays so.
	before, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	check("socket before registration", err)
	check("bind it", syscall.Bind(before, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))

	_, _, e := syscall.Syscall(sysProvider, 99, 0, 0)
	fmt.Println("register version 99:", e)
	fd, _, e := syscall.Syscall(sysProvider, 1, 0, 0)
	if e != 0 {
		fmt.Println("register:", e)
		os.Exit(1)
	}
	_, _, e = syscall.Syscall(sysProvider, 1, 0, 0)
	fmt.Println("register again:", e)
	p := &provider{f: os.NewFile(fd, "goose-net-provider"), socks: map[uint64]*fakeSock{}, seen: map[uint32]int{}}
	go p.loop()

	// socket() is goose's own answer (Go makes it with RawSyscall: it must
	// not wait for the provider); a socket the provider could not make
	// answers its error to the next call. Names before any: unspecified.
	s6, err := syscall.Socket(syscall.AF_INET6, syscall.SOCK_STREAM, 0)
	fmt.Println("AF_INET6 socket:", err)
	err = syscall.SetsockoptInt(s6, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 1)
	fmt.Println("AF_INET6 setsockopt:", err)
	sa6, err := syscall.Getsockname(s6)
	check("AF_INET6 getsockname", err)
	fmt.Println("AF_INET6 getsockname:", sa6.(*syscall.SockaddrInet6).Addr, sa6.(*syscall.SockaddrInet6).Port)
	_, err = syscall.Getpeername(s6)
	fmt.Println("AF_INET6 getpeername:", err)
	_, err = syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, syscall.IPPROTO_UDP)
	fmt.Println("TCP socket with IPPROTO_UDP:", err)
	syscall.Close(s6)

	// Stock net.Dial: EINPROGRESS, the netpoller, SO_ERROR, names.
	c, err := net.DialTimeout("tcp4", "10.9.9.9:7", 5*time.Second)
	check("dial", err)
	fmt.Println("dialed:", c.LocalAddr(), "->", c.RemoteAddr())
	_, err = c.Write([]byte("hello, provider"))
	check("write", err)
	got := make([]byte, 64)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(got)
	check("read", err)
	fmt.Printf("echoed: %q\n", got[:n])
	check("close", c.Close())

	// A blocking socket: connect waits and returns 0; read waits in goose
	// (the provider says EAGAIN) until data comes, with a READY record.
	s, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	check("blocking socket", err)
	start := time.Now()
	err = syscall.Connect(s, &syscall.SockaddrInet4{Addr: [4]byte{10, 9, 9, 9}, Port: 7})
	fmt.Println("blocking connect:", err, "waited:", time.Since(start) >= 15*time.Millisecond)
	done := make(chan string)
	go func() {
		b := make([]byte, 32)
		n, err := syscall.Read(s, b)
		done <- fmt.Sprintf("%q %v", b[:max(n, 0)], err)
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case r := <-done:
		fmt.Println("blocking read returned early:", r)
		os.Exit(1)
	default:
	}
	// writev: the provider reads the program's iovecs; the echo wakes the reader.
	a, b := []byte("iov "), []byte("two")
	iov := []syscall.Iovec{{Base: &a[0]}, {Base: &b[0]}}
	iov[0].SetLen(len(a))
	iov[1].SetLen(len(b))
	w, _, e := syscall.Syscall(syscall.SYS_WRITEV, uintptr(s), uintptr(unsafe.Pointer(&iov[0])), 2)
	fmt.Println("writev:", w, e)
	fmt.Println("blocking read:", <-done)

	// ioctl: FIONBIO is goose's, FIONREAD the provider's.
	syscall.Write(s, []byte("four"))
	var inq int32
	_, _, e = syscall.Syscall(syscall.SYS_IOCTL, uintptr(s), 0x541b, uintptr(unsafe.Pointer(&inq)))
	fmt.Println("FIONREAD:", inq, e)
	check("set non-blocking", syscall.SetNonblock(s, true))
	b4 := make([]byte, 8)
	n, _ = syscall.Read(s, b4)
	_, err = syscall.Read(s, b4)
	fmt.Println("non-blocking read after", n, "bytes:", err)

	// fstat: a socket.
	var st syscall.Stat_t
	check("fstat", syscall.Fstat(s, &st))
	fmt.Println("fstat is a socket:", st.Mode&syscall.S_IFMT == syscall.S_IFSOCK)

	// close: a CLOSE record.
	check("close blocking socket", syscall.Close(s))
	closes := 0
	for deadline := time.Now().Add(5 * time.Second); closes < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		p.mu.Lock()
		closes = len(p.closed)
		p.mu.Unlock()
	}
	fmt.Println("CLOSE records:", closes)

	// Interfaces from LINK and ADDR records.
	p.mu.Lock()
	var recs []byte
	recs = append(recs, rec(kindIfReset, 0, 0, 0, 0, 0)...)
	recs = append(recs, link(1, 0x1|0x8|0x40, 65536, 772, make([]byte, 6), "lo")...)
	recs = append(recs, link(2, 0x1|0x2|0x40|0x1000, 1500, 1, []byte{0x52, 0x54, 0, 0x12, 0x34, 0x56}, "eth0")...)
	recs = append(recs, addr(1, net.IPv4(127, 0, 0, 1), 8)...)
	recs = append(recs, addr(2, net.IPv4(10, 9, 9, 2), 24)...)
	recs = append(recs, route(2, net.IPv4(10, 9, 9, 0), 24, nil, 253)...)
	recs = append(recs, route(2, net.IPv4zero, 0, net.IPv4(10, 9, 9, 1), 0)...)
	p.write(recs)
	p.mu.Unlock()
	routes()
	ifs, err := net.Interfaces()
	check("interfaces", err)
	for _, ifc := range ifs {
		addrs, err := ifc.Addrs()
		check("addrs", err)
		// Up, loopback, broadcast, multicast (FlagRunning is Go 1.20's).
		flags := ifc.Flags & (net.FlagUp | net.FlagLoopback | net.FlagBroadcast | net.FlagMulticast)
		fmt.Println("interface:", ifc.Index, ifc.Name, ifc.MTU, ifc.HardwareAddr, flags, addrs)
	}
	_, _, e = syscall.Syscall(sysProvider, 1, 1, 0)
	fmt.Println("register with flags:", e)

	// A record goose cannot take is refused.
	bad := rec(77, 0, 0, 0, 0, 0)
	_, err = p.f.Write(bad)
	fmt.Println("unknown record:", err)
	_, err = p.f.Write(rec(kindReply, 0, 0, 0, 12345, 0))
	fmt.Println("reply to no request:", err)

	p.mu.Lock()
	fmt.Println("requests seen: socket", p.seen[sysSocket], "close", p.seen[closeNr], "connect>=2", p.seen[sysConnect] >= 2,
		"read>=2", p.seen[sysRead] >= 2, "ioctl", p.seen[sysIoctl])
	p.mu.Unlock()

	// The provider goes: its sockets answer ENETDOWN, new ones are goose's.
	s2, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	check("socket before the provider goes", err)
	check("close provider", p.f.Close())
	_, err = syscall.Write(s2, []byte("x"))
	fmt.Println("write after the provider went:", err)
	s3, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	check("socket after the provider went", err)
	err = syscall.Bind(s3, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	fmt.Println("goose's own socket again, bind 127.0.0.1:", err)
	sa, err := syscall.Getsockname(before)
	check("getsockname of the first socket", err)
	fmt.Println("first socket still goose's:", sa.(*syscall.SockaddrInet4).Addr)

}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
