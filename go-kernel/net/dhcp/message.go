package dhcp

// Frames: DHCP messages (RFC 2131 section 2, options RFC 2132) inside UDP
// (RFC 768), IPv4 (RFC 791) and Ethernet II, built and parsed whole because
// the client runs before any stack has an address. Nothing here keeps a
// reference to a frame it was given.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"time"
)

const (
	serverPort = 67 // RFC 2131 section 4.1
	clientPort = 68

	ethHeaderLen  = 14
	etherTypeIPv4 = 0x0800
	ipHeaderLen   = 20 // we send no IP options
	udpHeaderLen  = 8
	protoUDP      = 17
	ipTTL         = 64

	// The fixed part of a message, op through file (RFC 2131 section 2,
	// figure 1), then the magic cookie that starts the options.
	fixedLen  = 236
	cookieLen = 4
	// Messages are padded to 300 octets, the size of a BOOTP message with
	// RFC 951's 64-octet vendor area, which some servers and relays still
	// take as the minimum.
	minMessageLen = 300

	opRequest     = 1 // BOOTREQUEST
	opReply       = 2 // BOOTREPLY
	htypeEthernet = 1
	flagBroadcast = 0x8000 // RFC 2131 section 2, figure 2

	maxMessageSize = 1500 // what we announce in option 57
)

// Offsets in the fixed part (RFC 2131 section 2, figure 1).
const (
	offOp     = 0
	offHtype  = 1
	offHlen   = 2
	offHops   = 3
	offXid    = 4
	offSecs   = 8
	offFlags  = 10
	offCiaddr = 12
	offYiaddr = 16
	offSiaddr = 20
	offGiaddr = 24
	offChaddr = 28
	offSname  = 44
	offFile   = 108
	offCookie = 236
)

// Option codes (RFC 2132).
const (
	optPad          = 0   // section 3.1
	optSubnetMask   = 1   // section 3.3
	optRouter       = 3   // section 3.5
	optDNS          = 6   // section 3.8
	optHostname     = 12  // section 3.14
	optDomain       = 15  // section 3.17
	optMTU          = 26  // section 5.1
	optRequestedIP  = 50  // section 9.1
	optLeaseTime    = 51  // section 9.2
	optOverload     = 52  // section 9.3
	optMessageType  = 53  // section 9.6
	optServerID     = 54  // section 9.7
	optParamRequest = 55  // section 9.8
	optMessage      = 56  // section 9.9
	optMaxSize      = 57  // section 9.10
	optT1           = 58  // section 9.11
	optT2           = 59  // section 9.12
	optClientID     = 61  // section 9.14
	optEnd          = 255 // section 3.2
)

// Message types, the value of option 53 (RFC 2132 section 9.6).
const (
	msgDiscover = 1
	msgOffer    = 2
	msgRequest  = 3
	msgDecline  = 4
	msgAck      = 5
	msgNak      = 6
	msgRelease  = 7
	msgInform   = 8
)

var (
	magicCookie  = [4]byte{99, 130, 83, 99} // RFC 2131 section 3
	broadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	broadcastIP  = netip.AddrFrom4([4]byte{255, 255, 255, 255})
	zeroIP       = netip.AddrFrom4([4]byte{})

	// What we ask for in option 55: mask, router, DNS, domain, MTU, lease
	// time, server identifier, T1, T2.
	paramRequests = []byte{optSubnetMask, optRouter, optDNS, optDomain, optMTU,
		optLeaseTime, optServerID, optT1, optT2}
)

func typeName(t byte) string {
	switch t {
	case msgDiscover:
		return "DHCPDISCOVER"
	case msgOffer:
		return "DHCPOFFER"
	case msgRequest:
		return "DHCPREQUEST"
	case msgDecline:
		return "DHCPDECLINE"
	case msgAck:
		return "DHCPACK"
	case msgNak:
		return "DHCPNAK"
	case msgRelease:
		return "DHCPRELEASE"
	case msgInform:
		return "DHCPINFORM"
	}
	return fmt.Sprintf("message type %d", t)
}

// request is a message the client sends.
type request struct {
	typ       byte
	xid       uint32
	secs      uint16
	broadcast bool       // the flag asking for broadcast replies
	ciaddr    netip.Addr // invalid: 0.0.0.0
	requested netip.Addr // option 50, if valid
	server    netip.Addr // option 54, if valid
	hostname  string     // option 12, if not empty
	params    bool       // options 55 and 57
}

// encode returns the DHCP message (the UDP payload) of r from the client
// with hardware address mac.
func (r *request) encode(mac [6]byte) []byte {
	b := make([]byte, fixedLen+cookieLen, minMessageLen)
	b[offOp] = opRequest
	b[offHtype] = htypeEthernet
	b[offHlen] = 6
	binary.BigEndian.PutUint32(b[offXid:], r.xid)
	binary.BigEndian.PutUint16(b[offSecs:], r.secs)
	if r.broadcast {
		binary.BigEndian.PutUint16(b[offFlags:], flagBroadcast)
	}
	if r.ciaddr.Is4() {
		a := r.ciaddr.As4()
		copy(b[offCiaddr:], a[:])
	}
	copy(b[offChaddr:], mac[:])
	copy(b[offCookie:], magicCookie[:])

	b = append(b, optMessageType, 1, r.typ)
	// Client identifier: hardware type 1 and the MAC (RFC 2132 section 9.14).
	b = append(b, optClientID, 7, htypeEthernet)
	b = append(b, mac[:]...)
	if r.requested.Is4() {
		a := r.requested.As4()
		b = append(b, optRequestedIP, 4)
		b = append(b, a[:]...)
	}
	if r.server.Is4() {
		a := r.server.As4()
		b = append(b, optServerID, 4)
		b = append(b, a[:]...)
	}
	if r.params {
		b = append(b, optMaxSize, 2, maxMessageSize>>8, maxMessageSize&0xff)
	}
	if h := r.hostname; h != "" {
		if len(h) > 255 {
			h = h[:255]
		}
		b = append(b, optHostname, byte(len(h)))
		b = append(b, h...)
	}
	if r.params {
		b = append(b, optParamRequest, byte(len(paramRequests)))
		b = append(b, paramRequests...)
	}
	b = append(b, optEnd)
	for len(b) < minMessageLen {
		b = append(b, optPad)
	}
	return b
}

// frame wraps a DHCP message in UDP (68 to 67), IPv4 and Ethernet II.
// The IPv4 header has no options and is never fragmented; both checksums
// are filled in.
func frame(srcMAC, dstMAC [6]byte, src, dst netip.Addr, id uint16, msg []byte) []byte {
	udpLen := udpHeaderLen + len(msg)
	ipLen := ipHeaderLen + udpLen
	f := make([]byte, ethHeaderLen+ipLen)
	copy(f[0:6], dstMAC[:])
	copy(f[6:12], srcMAC[:])
	binary.BigEndian.PutUint16(f[12:], etherTypeIPv4)

	ip := f[ethHeaderLen : ethHeaderLen+ipHeaderLen]
	ip[0] = 4<<4 | ipHeaderLen/4 // version, header length in words
	binary.BigEndian.PutUint16(ip[2:], uint16(ipLen))
	binary.BigEndian.PutUint16(ip[4:], id)
	ip[8] = ipTTL
	ip[9] = protoUDP
	s, d := src.As4(), dst.As4()
	copy(ip[12:16], s[:])
	copy(ip[16:20], d[:])
	binary.BigEndian.PutUint16(ip[10:], finish(sum(0, ip)))

	udp := f[ethHeaderLen+ipHeaderLen:]
	binary.BigEndian.PutUint16(udp[0:], clientPort)
	binary.BigEndian.PutUint16(udp[2:], serverPort)
	binary.BigEndian.PutUint16(udp[4:], uint16(udpLen))
	copy(udp[udpHeaderLen:], msg)
	c := finish(sum(pseudoHeader(s, d, udpLen), udp))
	if c == 0 {
		c = 0xffff // 0 would mean "no checksum" (RFC 768)
	}
	binary.BigEndian.PutUint16(udp[6:], c)
	return f
}

// sum adds b to the one's complement sum s as big-endian 16-bit words
// (RFC 1071), the odd last byte padded with zero.
func sum(s uint64, b []byte) uint64 {
	for len(b) >= 2 {
		s += uint64(b[0])<<8 | uint64(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint64(b[0]) << 8
	}
	return s
}

// finish folds a sum to 16 bits and complements it: the checksum to store,
// or 0 when computed over data that already holds a correct checksum.
func finish(s uint64) uint16 {
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// pseudoHeader is the sum of the IPv4 pseudo-header of a UDP datagram
// (RFC 768).
func pseudoHeader(src, dst [4]byte, udpLen int) uint64 {
	s := sum(0, src[:])
	s = sum(s, dst[:])
	return s + protoUDP + uint64(udpLen)
}

// reply is a parsed DHCP message from a server, with what its frame said.
type reply struct {
	ethSrc, ethDst [6]byte
	ipSrc, ipDst   netip.Addr

	op     byte
	xid    uint32
	yiaddr netip.Addr
	chaddr [16]byte
	typ    byte            // option 53
	opts   map[byte][]byte // values of repeated codes concatenated (RFC 3396)

	l Lease // of a DHCPOFFER or DHCPACK, filled in by Deliver
}

// Why parse refused a frame. Most frames a NIC sees are not DHCP at all;
// these are not meant for users, only for tests and debugging.
var (
	errNotIPv4     = errors.New("not an IPv4 frame")
	errNotDHCP     = errors.New("not UDP from port 67 to port 68")
	errFragment    = errors.New("IPv4 fragment")
	errIPHeader    = errors.New("bad IPv4 header")
	errIPChecksum  = errors.New("bad IPv4 header checksum")
	errUDPLength   = errors.New("bad UDP length")
	errUDPChecksum = errors.New("bad UDP checksum")
	errShort       = errors.New("DHCP message too short")
	errHardware    = errors.New("hardware type not Ethernet")
	errCookie      = errors.New("no DHCP magic cookie")
	errOptions     = errors.New("option runs past its field")
	errMessageType = errors.New("no valid option 53 (message type)")
)

// parse checks a received Ethernet frame down to the DHCP options and
// returns the message, or why it is not one. It never panics and copies
// what it keeps.
func parse(f []byte) (*reply, error) {
	if len(f) < ethHeaderLen || binary.BigEndian.Uint16(f[12:]) != etherTypeIPv4 {
		return nil, errNotIPv4
	}
	ip := f[ethHeaderLen:]
	// RFC 791 section 3.1.
	if len(ip) < ipHeaderLen || ip[0]>>4 != 4 {
		return nil, errIPHeader
	}
	ihl := int(ip[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(ip[2:]))
	if ihl < ipHeaderLen || total < ihl || total > len(ip) {
		return nil, errIPHeader
	}
	ip = ip[:total] // Ethernet pads short frames
	if ip[9] != protoUDP {
		return nil, errNotDHCP
	}
	// More-fragments set or a nonzero offset: we reassemble nothing.
	if binary.BigEndian.Uint16(ip[6:])&0x3fff != 0 {
		return nil, errFragment
	}
	if finish(sum(0, ip[:ihl])) != 0 {
		return nil, errIPChecksum
	}
	udp := ip[ihl:]
	if len(udp) < udpHeaderLen {
		return nil, errUDPLength
	}
	if binary.BigEndian.Uint16(udp[0:]) != serverPort || binary.BigEndian.Uint16(udp[2:]) != clientPort {
		return nil, errNotDHCP
	}
	ulen := int(binary.BigEndian.Uint16(udp[4:]))
	if ulen < udpHeaderLen || ulen > len(udp) {
		return nil, errUDPLength
	}
	udp = udp[:ulen]
	var src, dst [4]byte
	copy(src[:], ip[12:16])
	copy(dst[:], ip[16:20])
	if binary.BigEndian.Uint16(udp[6:]) != 0 && finish(sum(pseudoHeader(src, dst, ulen), udp)) != 0 {
		return nil, errUDPChecksum
	}
	r, err := parseMessage(udp[udpHeaderLen:])
	if err != nil {
		return nil, err
	}
	copy(r.ethDst[:], f[0:6])
	copy(r.ethSrc[:], f[6:12])
	r.ipSrc = netip.AddrFrom4(src)
	r.ipDst = netip.AddrFrom4(dst)
	return r, nil
}

// parseMessage parses a DHCP message (a UDP payload).
func parseMessage(b []byte) (*reply, error) {
	if len(b) < fixedLen+cookieLen {
		return nil, errShort
	}
	if b[offHtype] != htypeEthernet || b[offHlen] != 6 {
		return nil, errHardware
	}
	if !bytes.Equal(b[offCookie:offCookie+cookieLen], magicCookie[:]) {
		return nil, errCookie
	}
	r := &reply{
		op:     b[offOp],
		xid:    binary.BigEndian.Uint32(b[offXid:]),
		yiaddr: addr4(b[offYiaddr:]),
		opts:   make(map[byte][]byte),
	}
	copy(r.chaddr[:], b[offChaddr:offChaddr+16])
	if err := parseOptions(r.opts, b[offCookie+cookieLen:]); err != nil {
		return nil, err
	}
	// Option overload (RFC 2132 section 9.3): file, then sname, carry more
	// options (RFC 2131 section 4.1 gives the order).
	if v := r.opts[optOverload]; len(v) == 1 {
		if v[0]&1 != 0 {
			if err := parseOptions(r.opts, b[offFile:offFile+128]); err != nil {
				return nil, err
			}
		}
		if v[0]&2 != 0 {
			if err := parseOptions(r.opts, b[offSname:offSname+64]); err != nil {
				return nil, err
			}
		}
	}
	if v := r.opts[optMessageType]; len(v) != 1 {
		return nil, errMessageType
	} else {
		r.typ = v[0]
	}
	return r, nil
}

// parseOptions adds the options of one field to m: code, length, value,
// with pad (0) alone and end (255) closing the field (RFC 2132 section 2).
// A field that ends without an end option is accepted.
func parseOptions(m map[byte][]byte, b []byte) error {
	for i := 0; i < len(b); {
		code := b[i]
		switch code {
		case optPad:
			i++
			continue
		case optEnd:
			return nil
		}
		if i+2 > len(b) || i+2+int(b[i+1]) > len(b) {
			return errOptions
		}
		n := int(b[i+1])
		// append copies: the frame's buffer is not ours.
		m[code] = append(m[code], b[i+2:i+2+n]...)
		if m[code] == nil {
			m[code] = []byte{} // present, empty
		}
		i += 2 + n
	}
	return nil
}

func addr4(b []byte) netip.Addr {
	var a [4]byte
	copy(a[:], b)
	return netip.AddrFrom4(a)
}

// usable reports whether a is an address a host or server can have.
func usable(a netip.Addr) bool {
	return a.Is4() && !a.IsUnspecified() && a != broadcastIP && !a.IsMulticast() && !a.IsLoopback()
}

// lease reads a DHCPOFFER's or DHCPACK's configuration, refusing values
// that break RFC 2132's lengths.
func (r *reply) lease() (Lease, error) {
	var l Lease
	if !usable(r.yiaddr) {
		return l, fmt.Errorf("offered address %v is not usable", r.yiaddr)
	}
	bits, err := prefixLen(r.yiaddr, r.opts[optSubnetMask])
	if err != nil {
		return l, err
	}
	l.Addr = netip.PrefixFrom(r.yiaddr, bits)

	if v, ok := r.opts[optRouter]; ok {
		if len(v) < 4 || len(v)%4 != 0 {
			return l, fmt.Errorf("option 3 (router) has length %d", len(v))
		}
		l.Router = addr4(v)
	}
	if v, ok := r.opts[optDNS]; ok {
		if len(v) < 4 || len(v)%4 != 0 {
			return l, fmt.Errorf("option 6 (DNS) has length %d", len(v))
		}
		for ; len(v) > 0; v = v[4:] {
			l.DNS = append(l.DNS, addr4(v))
		}
	}
	// Some servers count a terminating NUL in the length.
	d := r.opts[optDomain]
	for len(d) > 0 && d[len(d)-1] == 0 {
		d = d[:len(d)-1]
	}
	l.Domain = string(d)

	if v, ok := r.opts[optServerID]; ok {
		if len(v) != 4 || !usable(addr4(v)) {
			return l, fmt.Errorf("option 54 (server identifier) is not an address")
		}
		l.Server = addr4(v)
	} else if usable(r.ipSrc) {
		// RFC 2131 section 4.3.1 makes option 54 a MUST; without it, the
		// sender is the best guess.
		l.Server = r.ipSrc
	} else {
		return l, fmt.Errorf("no option 54 (server identifier)")
	}

	secs := func(code byte) (time.Duration, bool, error) {
		v, ok := r.opts[code]
		if !ok {
			return 0, false, nil
		}
		if len(v) != 4 {
			return 0, false, fmt.Errorf("option %d has length %d, not 4", code, len(v))
		}
		s := binary.BigEndian.Uint32(v)
		if s == 0xffffffff { // infinity (RFC 2131 section 3.3)
			return 0, true, nil
		}
		return time.Duration(s) * time.Second, true, nil
	}
	if l.Duration, _, err = secs(optLeaseTime); err != nil {
		return l, err
	}
	t1, has1, err := secs(optT1)
	if err != nil {
		return l, err
	}
	t2, has2, err := secs(optT2)
	if err != nil {
		return l, err
	}
	// RFC 2131 section 4.4.5: by default T1 is half the lease and T2 seven
	// eighths of it; given values are used when they keep
	// T1 <= T2 <= lease.
	if l.Duration > 0 {
		if !has1 {
			t1 = l.Duration / 2
		}
		if !has2 {
			t2 = l.Duration / 8 * 7
		}
		if t1 > t2 || t2 > l.Duration || (has1 && t1 == 0) || (has2 && t2 == 0) {
			t1, t2 = l.Duration/2, l.Duration/8*7
		}
	}
	l.T1, l.T2 = t1, t2
	return l, nil
}

// prefixLen turns option 1 into a prefix length. Without it, the address's
// class decides, as hosts did before subnet masks were sent.
func prefixLen(a netip.Addr, mask []byte) (int, error) {
	if mask == nil {
		switch b := a.As4()[0]; {
		case b < 128:
			return 8, nil
		case b < 192:
			return 16, nil
		default:
			return 24, nil
		}
	}
	if len(mask) != 4 {
		return 0, fmt.Errorf("option 1 (subnet mask) has length %d, not 4", len(mask))
	}
	m := binary.BigEndian.Uint32(mask)
	n := bits.LeadingZeros32(^m)
	if n == 0 || m != ^uint32(0)<<(32-n) {
		return 0, fmt.Errorf("option 1 (subnet mask) %d.%d.%d.%d is not a prefix", mask[0], mask[1], mask[2], mask[3])
	}
	return n, nil
}
