package dhcp

// Test helpers written apart from the package's own framing code, so that
// a mistake there is not repeated here: a decoder for the frames the client
// sends, an encoder for server replies, and a fake server that answers the
// way QEMU's user networking (libslirp) does.

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
)

var (
	ourMAC   = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56} // the chaddr of the captured frames
	slirpMAC = [6]byte{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02} // what slirp sends from for 10.0.2.2
	bcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

	slirpServer = netip.MustParseAddr("10.0.2.2")
	slirpDNS    = netip.MustParseAddr("10.0.2.3")
	slirpGuest  = netip.MustParseAddr("10.0.2.15")
	limitedBc   = netip.MustParseAddr("255.255.255.255")
	anyAddr     = netip.MustParseAddr("0.0.0.0")
)

// The xids of the captured frames in testdata.
const (
	offerXid = 0xf16ca053
	ackXid   = 0x1c927e18
	nakXid   = 0x11223344
)

// capture reads a frame from testdata: hex, '#' lines are comments.
func capture(t testing.TB, name string) []byte {
	t.Helper()
	text, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var h strings.Builder
	for _, line := range strings.Split(string(text), "\n") {
		if !strings.HasPrefix(line, "#") {
			h.WriteString(strings.TrimSpace(line))
		}
	}
	b, err := hex.DecodeString(h.String())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// inetSum is the Internet checksum (RFC 1071) of the concatenation of parts.
func inetSum(parts ...[]byte) uint16 {
	var all []byte
	for _, p := range parts {
		all = append(all, p...)
	}
	if len(all)%2 == 1 {
		all = append(all, 0)
	}
	var s uint32
	for i := 0; i < len(all); i += 2 {
		s += uint32(binary.BigEndian.Uint16(all[i:]))
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}

func udpPseudo(ip []byte, udpLen int) []byte {
	p := make([]byte, 12)
	copy(p[0:8], ip[12:20])
	p[9] = 17
	binary.BigEndian.PutUint16(p[10:], uint16(udpLen))
	return p
}

// fixSums recomputes the IPv4 header and UDP checksums of a frame after a
// test changed it.
func fixSums(f []byte) []byte {
	ip := f[14:]
	ihl := int(ip[0]&0xf) * 4
	ip[10], ip[11] = 0, 0
	binary.BigEndian.PutUint16(ip[10:], inetSum(ip[:ihl]))
	udp := ip[ihl:]
	if len(udp) < 8 {
		return f
	}
	n := int(binary.BigEndian.Uint16(udp[4:]))
	if n < 8 || n > len(udp) {
		return f
	}
	udp[6], udp[7] = 0, 0
	binary.BigEndian.PutUint16(udp[6:], inetSum(udpPseudo(ip, n), udp[:n]))
	return f
}

type opt struct {
	code byte
	val  []byte
}

// sent is a frame from the client, decoded field by field.
type sent struct {
	ethDst, ethSrc [6]byte
	ethType        uint16

	version, ihl, tos byte
	total, id, frag   uint16
	ttl, proto        byte
	ipSumOK           bool
	src, dst          netip.Addr

	sport, dport, ulen uint16
	usum               uint16
	udpSumOK           bool

	op, htype, hlen, hops          byte
	xid                            uint32
	secs, flags                    uint16
	ciaddr, yiaddr, siaddr, giaddr netip.Addr
	chaddr                         [16]byte
	snameFileZero                  bool
	cookie                         []byte
	opts                           []opt // in order, without pad and end
	ended                          bool  // an end option came
	afterEnd                       []byte
	msgLen                         int
}

func (s *sent) opt(code byte) ([]byte, bool) {
	for _, o := range s.opts {
		if o.code == code {
			return o.val, true
		}
	}
	return nil, false
}

func ip4(b []byte) netip.Addr { return netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]}) }

// decodeSent decodes a frame the client sent, failing the test on
// anything it cannot decode.
func decodeSent(t testing.TB, f []byte) *sent {
	t.Helper()
	if len(f) < 14+20+8+240 {
		t.Fatalf("frame of %d bytes is too short for DHCP", len(f))
	}
	s := &sent{}
	copy(s.ethDst[:], f[0:6])
	copy(s.ethSrc[:], f[6:12])
	s.ethType = binary.BigEndian.Uint16(f[12:14])
	ip := f[14:]
	s.version, s.ihl, s.tos = ip[0]>>4, ip[0]&0xf, ip[1]
	s.total = binary.BigEndian.Uint16(ip[2:])
	s.id = binary.BigEndian.Uint16(ip[4:])
	s.frag = binary.BigEndian.Uint16(ip[6:])
	s.ttl, s.proto = ip[8], ip[9]
	s.src, s.dst = ip4(ip[12:]), ip4(ip[16:])
	if s.ihl != 5 || int(s.total) != len(ip) {
		t.Fatalf("IPv4 header length %d words, total length %d, %d bytes after Ethernet", s.ihl, s.total, len(ip))
	}
	// The header sums to 0xffff with its checksum in: recompute without.
	hdr := append([]byte(nil), ip[:20]...)
	stored := binary.BigEndian.Uint16(hdr[10:])
	hdr[10], hdr[11] = 0, 0
	s.ipSumOK = inetSum(hdr) == stored
	udp := ip[20:]
	s.sport = binary.BigEndian.Uint16(udp[0:])
	s.dport = binary.BigEndian.Uint16(udp[2:])
	s.ulen = binary.BigEndian.Uint16(udp[4:])
	s.usum = binary.BigEndian.Uint16(udp[6:])
	if int(s.ulen) != len(udp) {
		t.Fatalf("UDP length %d, %d bytes after the IPv4 header", s.ulen, len(udp))
	}
	seg := append([]byte(nil), udp...)
	seg[6], seg[7] = 0, 0
	want := inetSum(udpPseudo(ip, len(udp)), seg)
	if want == 0 {
		want = 0xffff
	}
	s.udpSumOK = s.usum == want
	m := udp[8:]
	s.msgLen = len(m)
	s.op, s.htype, s.hlen, s.hops = m[0], m[1], m[2], m[3]
	s.xid = binary.BigEndian.Uint32(m[4:])
	s.secs = binary.BigEndian.Uint16(m[8:])
	s.flags = binary.BigEndian.Uint16(m[10:])
	s.ciaddr, s.yiaddr, s.siaddr, s.giaddr = ip4(m[12:]), ip4(m[16:]), ip4(m[20:]), ip4(m[24:])
	copy(s.chaddr[:], m[28:44])
	s.snameFileZero = true
	for _, b := range m[44:236] {
		if b != 0 {
			s.snameFileZero = false
		}
	}
	s.cookie = m[236:240]
	o := m[240:]
	for i := 0; i < len(o); {
		switch o[i] {
		case 0:
			i++
			continue
		case 255:
			s.ended = true
			s.afterEnd = o[i+1:]
			i = len(o)
			continue
		}
		if i+2 > len(o) || i+2+int(o[i+1]) > len(o) {
			t.Fatalf("option %d at %d runs past the message", o[i], i)
		}
		s.opts = append(s.opts, opt{o[i], o[i+2 : i+2+int(o[i+1])]})
		i += 2 + int(o[i+1])
	}
	return s
}

// serverReply describes a reply from a server.
type serverReply struct {
	ethSrc, ethDst [6]byte
	src, dst       netip.Addr
	ipID           uint16
	xid            uint32
	ciaddr, yiaddr netip.Addr
	siaddr         netip.Addr
	chaddr         [6]byte
	opts           []opt  // in order, then end
	rawOpts        []byte // if not nil, the options area instead of opts
	file           []byte // the file field
	msgLen         int    // padded to this; 548 as slirp does
}

// encode builds the frame: slirp's IPv4 header has TOS 0x10 (low delay)
// and TTL 64, and it sends a checksummed UDP datagram.
func (r *serverReply) encode() []byte {
	m := make([]byte, 240)
	m[0], m[1], m[2] = 2, 1, 6
	binary.BigEndian.PutUint32(m[4:], r.xid)
	put := func(off int, a netip.Addr) {
		if a.IsValid() {
			b := a.As4()
			copy(m[off:], b[:])
		}
	}
	put(12, r.ciaddr)
	put(16, r.yiaddr)
	put(20, r.siaddr)
	copy(m[28:], r.chaddr[:])
	copy(m[108:236], r.file)
	copy(m[236:], []byte{99, 130, 83, 99})
	if r.rawOpts != nil {
		m = append(m, r.rawOpts...)
	} else {
		for _, o := range r.opts {
			m = append(m, o.code, byte(len(o.val)))
			m = append(m, o.val...)
		}
		m = append(m, 255)
	}
	for len(m) < r.msgLen {
		m = append(m, 0)
	}
	udp := make([]byte, 8, 8+len(m))
	binary.BigEndian.PutUint16(udp[0:], 67)
	binary.BigEndian.PutUint16(udp[2:], 68)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(m)))
	udp = append(udp, m...)
	ip := make([]byte, 20, 20+len(udp))
	ip[0], ip[1] = 0x45, 0x10
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
	binary.BigEndian.PutUint16(ip[4:], r.ipID)
	ip[8], ip[9] = 64, 17
	s, d := r.src.As4(), r.dst.As4()
	copy(ip[12:], s[:])
	copy(ip[16:], d[:])
	binary.BigEndian.PutUint16(ip[10:], inetSum(ip))
	binary.BigEndian.PutUint16(udp[6:], inetSum(udpPseudo(ip, len(udp)), udp))
	f := append(append(append([]byte(nil), r.ethDst[:]...), r.ethSrc[:]...), 0x08, 0x00)
	f = append(f, ip...)
	return append(f, udp...)
}

func a4(a netip.Addr) []byte { b := a.As4(); return b[:] }

// slirpReply is the reply slirp gives: to the broadcast addresses, from
// 10.0.2.2, with options 53, 54, 1, 3, 6, 51 for an offer or ack and 53, 56
// for a nak (whose yiaddr is 255.255.255.255).
func slirpReply(typ byte, xid uint32, chaddr [6]byte, ipID uint16) *serverReply {
	r := &serverReply{
		ethSrc: slirpMAC, ethDst: bcastMAC, src: slirpServer, dst: limitedBc,
		ipID: ipID, xid: xid, chaddr: chaddr, msgLen: 548,
	}
	if typ == msgNak {
		r.yiaddr = limitedBc
		r.siaddr = slirpServer
		r.opts = []opt{{53, []byte{typ}}, {56, []byte("requested address not available")}}
		return r
	}
	r.yiaddr = slirpGuest
	r.siaddr = slirpServer
	r.opts = []opt{
		{53, []byte{typ}},
		{54, a4(slirpServer)},
		{1, []byte{255, 255, 255, 0}},
		{3, a4(slirpServer)},
		{6, a4(slirpDNS)},
		{51, []byte{0, 1, 0x51, 0x80}}, // 86400 s
	}
	return r
}

// slirp is a fake DHCP server answering like QEMU's user networking.
type slirp struct {
	mu            sync.Mutex
	dropDiscovers int  // ignore this many DISCOVERs
	dropRequests  int  // ignore this many REQUESTs
	nakRequests   int  // answer this many REQUESTs with a NAK
	unicast       bool // send to the client's MAC and address, not broadcast
	silent        bool
	ipID          uint16
	got           []*sent
}

// answer returns the frames the server sends for frame f from the client.
func (s *slirp) answer(t testing.TB, f []byte) [][]byte {
	m := decodeSent(t, f)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, m)
	if s.silent || m.dport != 67 || m.op != 1 {
		return nil
	}
	var mac [6]byte
	copy(mac[:], m.chaddr[:6])
	typ, _ := m.opt(53)
	var out byte
	switch {
	case len(typ) == 1 && typ[0] == msgDiscover:
		if s.dropDiscovers > 0 {
			s.dropDiscovers--
			return nil
		}
		out = msgOffer
	case len(typ) == 1 && typ[0] == msgRequest:
		if s.dropRequests > 0 {
			s.dropRequests--
			return nil
		}
		want := m.ciaddr
		if v, ok := m.opt(50); ok && len(v) == 4 {
			want = ip4(v)
		}
		out = msgAck
		if s.nakRequests > 0 || want != slirpGuest {
			if s.nakRequests > 0 {
				s.nakRequests--
			}
			out = msgNak
		}
	default:
		return nil
	}
	r := slirpReply(out, m.xid, mac, s.ipID)
	s.ipID++
	if s.unicast && out != msgNak {
		r.ethDst, r.dst = mac, slirpGuest
	}
	return [][]byte{r.encode()}
}

func (s *slirp) sent() []*sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*sent(nil), s.got...)
}
