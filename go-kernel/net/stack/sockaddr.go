package stack

import (
	"encoding/binary"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// sizeofSockaddrStorage bounds the sockaddr a call may pass
// (include/uapi/linux/socket.h: struct __kernel_sockaddr_storage, 128
// bytes); Linux's move_addr_to_kernel refuses longer ones with EINVAL.
const sizeofSockaddrStorage = 128

// readSockaddr copies the program's sockaddr (addr, n bytes) in, as
// Linux's move_addr_to_kernel does.
func readSockaddr(addr uint64, n uint64) ([]byte, int64) {
	if int64(n) < 0 || n > sizeofSockaddrStorage {
		return nil, EINVAL
	}
	b := make([]byte, n)
	if !copyIn(b, addr) {
		return nil, EFAULT
	}
	return b, 0
}

// sockaddrFamily returns sa_family (0 when the address is too short to
// have one).
func sockaddrFamily(b []byte) int {
	if len(b) < 2 {
		return -1
	}
	return int(le.Uint16(b))
}

// decodeSockaddr turns a sockaddr into netstack's address for a socket of
// family fam, with Linux's checks: a sockaddr_in needs 16 bytes
// (include/uapi/linux/in.h), a sockaddr_in6 at least 24 (sin6_scope_id is
// optional, as Linux's SIN6_LEN_RFC2133 allows), and the family must be the
// socket's (EAFNOSUPPORT; bind also accepts AF_UNSPEC with INADDR_ANY on an
// AF_INET socket, for old programs, as inet_bind does).
//
// The unspecified address becomes netstack's empty address (any); an
// IPv4-mapped address on an AF_INET6 socket stays 16 bytes, and netstack's
// dual-stack endpoints handle it. A nonzero sin6_scope_id names the NIC,
// since NIC ids are interface indexes here.
func decodeSockaddr(b []byte, fam int, bind bool) (tcpip.FullAddress, int64) {
	var fa tcpip.FullAddress
	if len(b) < 2 {
		return fa, EINVAL
	}
	sf := sockaddrFamily(b)
	switch fam {
	case afInet:
		if len(b) < sizeofSockaddrIn {
			return fa, EINVAL
		}
		if sf != afInet {
			anyAddr := le.Uint32(b[4:]) == 0
			if !(bind && sf == afUnspec && anyAddr) {
				return fa, EAFNOSUPPORT
			}
		}
		fa.Port = binary.BigEndian.Uint16(b[2:])
		a := tcpip.AddrFrom4Slice(b[4:8])
		if !a.Unspecified() {
			fa.Addr = a
		}
	case afInet6:
		if sf != afInet6 {
			return fa, EAFNOSUPPORT
		}
		if len(b) < sin6LenRFC2133 {
			return fa, EINVAL
		}
		fa.Port = binary.BigEndian.Uint16(b[2:])
		a := tcpip.AddrFrom16Slice(b[8:24])
		if !a.Unspecified() {
			fa.Addr = a
		}
		if len(b) >= sizeofSockaddrIn6 {
			scope := le.Uint32(b[24:])
			if scope != 0 && needsScope(a) {
				fa.NIC = tcpip.NICID(scope)
			}
		}
	default:
		return fa, EAFNOSUPPORT
	}
	return fa, 0
}

// needsScope reports addresses whose sin6_scope_id means something: link-
// local unicast and multicast.
func needsScope(a tcpip.Address) bool {
	return header.IsV6LinkLocalUnicastAddress(a) || header.IsV6LinkLocalMulticastAddress(a)
}

// encodeSockaddr builds the sockaddr Linux would report for fa on a socket
// of family fam: a sockaddr_in, or a sockaddr_in6 in which an IPv4 peer of
// a dual-stack socket appears IPv4-mapped (::ffff:a.b.c.d), as it does on
// Linux.
func encodeSockaddr(fa tcpip.FullAddress, fam int) []byte {
	if fam == afInet {
		b := make([]byte, sizeofSockaddrIn)
		le.PutUint16(b, afInet)
		binary.BigEndian.PutUint16(b[2:], fa.Port)
		if fa.Addr.Len() == 4 {
			a := fa.Addr.As4()
			copy(b[4:], a[:])
		} else if fa.Addr.Len() == 16 {
			// An IPv4-mapped address on the wire of an AF_INET socket
			// does not happen; keep the IPv4 part if it does.
			a := fa.Addr.As16()
			copy(b[4:], a[12:])
		}
		return b
	}
	b := make([]byte, sizeofSockaddrIn6)
	le.PutUint16(b, afInet6)
	binary.BigEndian.PutUint16(b[2:], fa.Port)
	switch fa.Addr.Len() {
	case 4:
		a := fa.Addr.As4()
		b[18], b[19] = 0xff, 0xff
		copy(b[20:], a[:])
	case 16:
		a := fa.Addr.As16()
		copy(b[8:], a[:])
		if needsScope(fa.Addr) {
			le.PutUint32(b[24:], uint32(fa.NIC))
		}
	}
	return b
}

// writeSockaddr gives a sockaddr back as Linux's move_addr_to_user does:
// *lenp is read (negative: EINVAL), at most that many bytes of sa are
// copied to addr, and *lenp is set to sa's full length. A NULL addr writes
// nothing (accept(fd, NULL, NULL)).
func writeSockaddr(addr, lenp uint64, sa []byte) int64 {
	if addr == 0 {
		return 0
	}
	l, ok := readU32(lenp)
	if !ok {
		return EFAULT
	}
	n := int(int32(l))
	if n < 0 {
		return EINVAL
	}
	n = min(n, len(sa))
	if !copyOut(addr, sa[:n]) {
		return EFAULT
	}
	if !writeU32(lenp, uint32(len(sa))) {
		return EFAULT
	}
	return 0
}
