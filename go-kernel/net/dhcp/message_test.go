package dhcp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The fake server's replies are byte for byte what slirp sent.
func TestFakeServerIsSlirp(t *testing.T) {
	for _, c := range []struct {
		file string
		typ  byte
		xid  uint32
		id   uint16
	}{
		{"slirp-offer.hex", msgOffer, offerXid, 0},
		{"slirp-ack.hex", msgAck, ackXid, 2},
		{"slirp-nak.hex", msgNak, nakXid, 3},
	} {
		want := capture(t, c.file)
		got := slirpReply(c.typ, c.xid, ourMAC, c.id).encode()
		if !bytes.Equal(got, want) {
			t.Errorf("%s: fake server sends\n%x\nslirp sent\n%x", c.file, got, want)
		}
	}
}

var paramList = []byte{1, 3, 6, 15, 26, 51, 54, 58, 59}

func TestBuild(t *testing.T) {
	lease := Lease{Addr: netip.MustParsePrefix("10.0.2.15/24"), Server: slirpServer}
	cases := []struct {
		name     string
		hostname string
		build    func(c *Client) []byte
		ethDst   [6]byte
		src, dst netip.Addr
		flags    uint16
		ciaddr   netip.Addr
		secs     uint16
		opts     []opt
	}{
		{
			name: "DISCOVER", hostname: "goose",
			build:  func(c *Client) []byte { return c.discover(0x01020304, 3) },
			ethDst: bcastMAC, src: anyAddr, dst: limitedBc, flags: 0x8000, ciaddr: anyAddr, secs: 3,
			opts: []opt{
				{53, []byte{1}},
				{61, []byte{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}},
				{57, []byte{0x05, 0xdc}},
				{12, []byte("goose")},
				{55, paramList},
			},
		},
		{
			name: "DISCOVER without hostname", hostname: "",
			build:  func(c *Client) []byte { return c.discover(0xfffffffe, 0) },
			ethDst: bcastMAC, src: anyAddr, dst: limitedBc, flags: 0x8000, ciaddr: anyAddr,
			opts: []opt{
				{53, []byte{1}},
				{61, []byte{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}},
				{57, []byte{0x05, 0xdc}},
				{55, paramList},
			},
		},
		{
			name: "REQUEST selecting", hostname: "kernel-7",
			build:  func(c *Client) []byte { return c.selectOffer(0xdeadbeef, 9, lease) },
			ethDst: bcastMAC, src: anyAddr, dst: limitedBc, flags: 0x8000, ciaddr: anyAddr, secs: 9,
			opts: []opt{
				{53, []byte{3}},
				{61, []byte{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}},
				{50, []byte{10, 0, 2, 15}},
				{54, []byte{10, 0, 2, 2}},
				{57, []byte{0x05, 0xdc}},
				{12, []byte("kernel-7")},
				{55, paramList},
			},
		},
		{
			name: "REQUEST renewing to the server", hostname: "goose",
			build: func(c *Client) []byte {
				return c.renew(0x00000001, 0, slirpGuest, slirpMAC, slirpServer)
			},
			ethDst: slirpMAC, src: slirpGuest, dst: slirpServer, flags: 0, ciaddr: slirpGuest,
			opts: []opt{
				{53, []byte{3}},
				{61, []byte{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}},
				{57, []byte{0x05, 0xdc}},
				{12, []byte("goose")},
				{55, paramList},
			},
		},
		{
			name: "REQUEST renewing by broadcast", hostname: "goose",
			build: func(c *Client) []byte {
				return c.renew(0x80000000, 65535, slirpGuest, bcastMAC, limitedBc)
			},
			ethDst: bcastMAC, src: slirpGuest, dst: limitedBc, flags: 0, ciaddr: slirpGuest, secs: 65535,
			opts: []opt{
				{53, []byte{3}},
				{61, []byte{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}},
				{57, []byte{0x05, 0xdc}},
				{12, []byte("goose")},
				{55, paramList},
			},
		},
		{
			name: "RELEASE", hostname: "goose",
			build: func(c *Client) []byte {
				return c.release(0x12345678, lease, slirpMAC, slirpServer)
			},
			ethDst: slirpMAC, src: slirpGuest, dst: slirpServer, flags: 0, ciaddr: slirpGuest,
			opts: []opt{
				{53, []byte{7}},
				{61, []byte{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}},
				{54, []byte{10, 0, 2, 2}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClient(ourMAC, func([]byte) error { return nil })
			c.Hostname = tc.hostname
			f := tc.build(c)
			s := decodeSent(t, f)
			check := func(what string, got, want interface{}) {
				t.Helper()
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("Ethernet destination", s.ethDst, tc.ethDst)
			check("Ethernet source", s.ethSrc, ourMAC)
			check("ethertype", s.ethType, uint16(0x0800))
			check("IP version", s.version, byte(4))
			check("IP TOS", s.tos, byte(0))
			check("IP flags and fragment offset", s.frag, uint16(0))
			check("TTL", s.ttl, byte(64))
			check("IP protocol", s.proto, byte(17))
			check("IP header checksum correct", s.ipSumOK, true)
			check("IP source", s.src, tc.src)
			check("IP destination", s.dst, tc.dst)
			check("UDP source port", s.sport, uint16(68))
			check("UDP destination port", s.dport, uint16(67))
			check("UDP checksum correct", s.udpSumOK, true)
			check("op", s.op, byte(1))
			check("htype", s.htype, byte(1))
			check("hlen", s.hlen, byte(6))
			check("hops", s.hops, byte(0))
			xid := binary.BigEndian.Uint32(f[14+20+8+4:])
			check("xid", s.xid, xid)
			check("secs", s.secs, tc.secs)
			check("flags", s.flags, tc.flags)
			check("ciaddr", s.ciaddr, tc.ciaddr)
			check("yiaddr", s.yiaddr, anyAddr)
			check("siaddr", s.siaddr, anyAddr)
			check("giaddr", s.giaddr, anyAddr)
			check("chaddr", s.chaddr, [16]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56})
			check("sname and file zero", s.snameFileZero, true)
			check("magic cookie", s.cookie, []byte{99, 130, 83, 99})
			check("options", s.opts, tc.opts)
			check("end option present", s.ended, true)
			check("after end only pad", bytes.Count(s.afterEnd, []byte{0}), len(s.afterEnd))
			if s.msgLen < 300 {
				t.Errorf("message of %d bytes, want at least 300", s.msgLen)
			}
			if s.msgLen > 576-28 {
				t.Errorf("message of %d bytes, more than fits a 576-byte datagram", s.msgLen)
			}
		})
	}
}

// The xid the builders were given is the one in the frame.
func TestBuildXid(t *testing.T) {
	c := NewClient(ourMAC, nil)
	for _, x := range []uint32{0, 1, 0x01020304, 0xffffffff} {
		if got := decodeSent(t, c.discover(x, 0)).xid; got != x {
			t.Errorf("xid %#x sent as %#x", x, got)
		}
	}
	// A computed UDP checksum of 0 is sent as 0xffff (RFC 768). The xid's
	// low word adds to the one's complement sum: with xid 0 giving checksum
	// c, xid c makes the sum 0xffff and the checksum 0.
	c0 := binary.BigEndian.Uint16(c.discover(0, 0)[14+20+6:])
	f := c.discover(uint32(c0), 0)
	if got := binary.BigEndian.Uint16(f[14+20+6:]); got != 0xffff || !decodeSent(t, f).udpSumOK {
		t.Errorf("xid %#x: UDP checksum %#04x, want 0xffff", c0, got)
	}
}

func TestParseSlirp(t *testing.T) {
	for _, c := range []struct {
		file string
		typ  byte
		xid  uint32
	}{
		{"slirp-offer.hex", msgOffer, offerXid},
		{"slirp-ack.hex", msgAck, ackXid},
		{"slirp-nak.hex", msgNak, nakXid},
	} {
		r, err := parse(capture(t, c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if r.typ != c.typ || r.xid != c.xid || r.op != opReply {
			t.Errorf("%s: type %d xid %#x op %d", c.file, r.typ, r.xid, r.op)
		}
		if r.ethSrc != slirpMAC || r.ethDst != bcastMAC || r.ipSrc != slirpServer || r.ipDst != limitedBc {
			t.Errorf("%s: from %x %v to %x %v", c.file, r.ethSrc, r.ipSrc, r.ethDst, r.ipDst)
		}
		if !bytes.Equal(r.chaddr[:6], ourMAC[:]) {
			t.Errorf("%s: chaddr %x", c.file, r.chaddr)
		}
		if c.typ == msgNak {
			if string(r.opts[optMessage]) != "requested address not available" {
				t.Errorf("NAK message %q", r.opts[optMessage])
			}
			continue
		}
		l, err := r.lease()
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		want := Lease{
			Addr:     netip.MustParsePrefix("10.0.2.15/24"),
			Router:   slirpServer,
			DNS:      []netip.Addr{slirpDNS},
			Server:   slirpServer,
			Duration: 86400 * time.Second,
			T1:       43200 * time.Second,
			T2:       75600 * time.Second,
		}
		if !reflect.DeepEqual(l, want) {
			t.Errorf("%s: lease\n%+v, want\n%+v", c.file, l, want)
		}
	}
}

// Every shortened OFFER is refused, without a panic.
func TestParseTruncated(t *testing.T) {
	f := capture(t, "slirp-offer.hex")
	for n := 0; n < len(f); n++ {
		if r, err := parse(f[:n]); err == nil {
			t.Fatalf("%d of %d bytes parsed: %+v", n, len(f), r)
		}
	}
}

func TestParseFrame(t *testing.T) {
	const ip, udp, msg = 14, 34, 42 // offsets in the captured OFFER
	cases := []struct {
		name   string
		change func(f []byte) []byte
		fix    bool // recompute the checksums after the change
		want   error
	}{
		{"as captured", func(f []byte) []byte { return f }, false, nil},
		{"Ethernet padding", func(f []byte) []byte { return append(f, make([]byte, 30)...) }, false, nil},
		{"no UDP checksum", func(f []byte) []byte { f[udp+6], f[udp+7] = 0, 0; return f }, false, nil},
		{"don't fragment", func(f []byte) []byte { f[ip+6] = 0x40; return f }, true, nil},
		{"IP options", func(f []byte) []byte {
			g := append(append(append([]byte(nil), f[:ip+20]...), 1, 1, 1, 0), f[ip+20:]...)
			g[ip] = 0x46
			binary.BigEndian.PutUint16(g[ip+2:], binary.BigEndian.Uint16(g[ip+2:])+4)
			return g
		}, true, nil},
		{"short Ethernet", func(f []byte) []byte { return f[:13] }, false, errNotIPv4},
		{"IPv6 ethertype", func(f []byte) []byte { f[12], f[13] = 0x86, 0xdd; return f }, false, errNotIPv4},
		{"ARP ethertype", func(f []byte) []byte { f[12], f[13] = 0x08, 0x06; return f }, false, errNotIPv4},
		{"version 6", func(f []byte) []byte { f[ip] = 0x65; return f }, true, errIPHeader},
		{"header length 4 words", func(f []byte) []byte { f[ip] = 0x44; return f }, false, errIPHeader},
		{"header length past total", func(f []byte) []byte { f[ip] = 0x4f; binary.BigEndian.PutUint16(f[ip+2:], 40); return f }, false, errIPHeader},
		{"total length past frame", func(f []byte) []byte { binary.BigEndian.PutUint16(f[ip+2:], uint16(len(f)-ip+1)); return f }, false, errIPHeader},
		{"total length under header", func(f []byte) []byte { binary.BigEndian.PutUint16(f[ip+2:], 19); return f }, false, errIPHeader},
		{"TCP", func(f []byte) []byte { f[ip+9] = 6; return f }, true, errNotDHCP},
		{"more fragments", func(f []byte) []byte { f[ip+6] = 0x20; return f }, true, errFragment},
		{"fragment offset", func(f []byte) []byte { f[ip+7] = 1; return f }, true, errFragment},
		{"IP header checksum", func(f []byte) []byte { f[ip+8]--; return f }, false, errIPChecksum},
		{"source port 53", func(f []byte) []byte { f[udp+1] = 53; return f }, true, errNotDHCP},
		{"destination port 67", func(f []byte) []byte { f[udp+3] = 67; return f }, true, errNotDHCP},
		{"UDP length 7", func(f []byte) []byte { binary.BigEndian.PutUint16(f[udp+4:], 7); return f }, false, errUDPLength},
		{"UDP length into Ethernet padding", func(f []byte) []byte {
			binary.BigEndian.PutUint16(f[udp+4:], binary.BigEndian.Uint16(f[udp+4:])+10)
			return append(f, make([]byte, 30)...)
		}, true, errUDPLength},
		{"UDP length past IP", func(f []byte) []byte { binary.BigEndian.PutUint16(f[udp+4:], uint16(len(f)-udp+1)); return f }, false, errUDPLength},
		{"IP too short for UDP", func(f []byte) []byte { binary.BigEndian.PutUint16(f[ip+2:], 24); return f[:ip+24] }, true, errUDPLength},
		{"UDP checksum", func(f []byte) []byte { f[msg+300] ^= 1; return f }, false, errUDPChecksum},
		{"message short", func(f []byte) []byte {
			binary.BigEndian.PutUint16(f[ip+2:], 20+8+239)
			binary.BigEndian.PutUint16(f[udp+4:], 8+239)
			return f[:msg+239]
		}, true, errShort},
		{"htype 6", func(f []byte) []byte { f[msg+1] = 6; return f }, true, errHardware},
		{"hlen 16", func(f []byte) []byte { f[msg+2] = 16; return f }, true, errHardware},
		{"no cookie", func(f []byte) []byte { f[msg+239] = 0; return f }, true, errCookie},
		{"no option 53", func(f []byte) []byte { f[msg+240], f[msg+241], f[msg+242] = 0, 0, 0; return f }, true, errMessageType},
		{"option runs past message", func(f []byte) []byte {
			// Cut the message inside option 51 (the last before end).
			n := msg + 240 + 3 + 6 + 6 + 6 + 6 + 4
			binary.BigEndian.PutUint16(f[ip+2:], uint16(n-ip))
			binary.BigEndian.PutUint16(f[udp+4:], uint16(n-udp))
			return f[:n]
		}, true, errOptions},
		{"no end option", func(f []byte) []byte {
			n := msg + 240 + 3 + 6 + 6 + 6 + 6 + 6
			binary.BigEndian.PutUint16(f[ip+2:], uint16(n-ip))
			binary.BigEndian.PutUint16(f[udp+4:], uint16(n-udp))
			return f[:n]
		}, true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := c.change(capture(t, "slirp-offer.hex"))
			if c.fix {
				f = fixSums(f)
			}
			r, err := parse(f)
			if err != c.want {
				t.Fatalf("parse: %v, want %v", err, c.want)
			}
			if err == nil {
				if _, err := r.lease(); err != nil || r.typ != msgOffer || r.xid != offerXid {
					t.Fatalf("type %d, xid %#x, lease error %v", r.typ, r.xid, err)
				}
			}
		})
	}
}

// offerWith is a slirp OFFER with other options.
func offerWith(opts ...opt) *serverReply {
	r := slirpReply(msgOffer, offerXid, ourMAC, 0)
	r.opts = append([]opt{{53, []byte{msgOffer}}}, opts...)
	return r
}

func TestParseOptions(t *testing.T) {
	mask := opt{1, []byte{255, 255, 255, 0}}
	server := opt{54, a4(slirpServer)}
	cases := []struct {
		name  string
		reply *serverReply
		err   error  // from parse
		lease string // from lease: an error's text, or the lease printed
	}{
		{"minimal", offerWith(mask, server), nil,
			"{Addr:10.0.2.15/24 Router:invalid IP DNS:[] Domain: Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"no mask: class A", offerWith(server), nil,
			"{Addr:10.0.2.15/8 Router:invalid IP DNS:[] Domain: Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"no server identifier: the sender", offerWith(mask), nil,
			"{Addr:10.0.2.15/24 Router:invalid IP DNS:[] Domain: Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"two routers, two DNS, domain with NUL", offerWith(mask, server,
			opt{3, []byte{10, 0, 2, 1, 10, 0, 2, 254}}, opt{6, []byte{1, 1, 1, 1, 8, 8, 8, 8}},
			opt{15, []byte("example.org\x00")}), nil,
			"{Addr:10.0.2.15/24 Router:10.0.2.1 DNS:[1.1.1.1 8.8.8.8] Domain:example.org Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"repeated option concatenated (RFC 3396)", offerWith(mask, server,
			opt{6, []byte{1, 1, 1, 1}}, opt{6, []byte{8, 8, 8, 8}}), nil,
			"{Addr:10.0.2.15/24 Router:invalid IP DNS:[1.1.1.1 8.8.8.8] Domain: Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"T1 and T2 given", offerWith(mask, server, opt{51, []byte{0, 0, 1, 44}},
			opt{58, []byte{0, 0, 0, 100}}, opt{59, []byte{0, 0, 0, 200}}), nil,
			"{Addr:10.0.2.15/24 Router:invalid IP DNS:[] Domain: Server:10.0.2.2 Duration:5m0s T1:1m40s T2:3m20s}"},
		{"T1 after T2: defaults", offerWith(mask, server, opt{51, []byte{0, 0, 1, 44}},
			opt{58, []byte{0, 0, 0, 250}}, opt{59, []byte{0, 0, 0, 200}}), nil,
			"{Addr:10.0.2.15/24 Router:invalid IP DNS:[] Domain: Server:10.0.2.2 Duration:5m0s T1:2m30s T2:4m22.5s}"},
		{"infinite lease", offerWith(mask, server, opt{51, []byte{255, 255, 255, 255}}), nil,
			"{Addr:10.0.2.15/24 Router:invalid IP DNS:[] Domain: Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"pads between options", &serverReply{
			ethSrc: slirpMAC, ethDst: bcastMAC, src: slirpServer, dst: limitedBc, xid: offerXid,
			chaddr: ourMAC, yiaddr: slirpGuest,
			rawOpts: []byte{0, 0, 53, 1, 2, 0, 1, 4, 255, 255, 0, 0, 0, 0, 255, 3, 4, 9, 9, 9, 9}}, nil,
			"{Addr:10.0.2.15/16 Router:invalid IP DNS:[] Domain: Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"overload: options in file", func() *serverReply {
			r := offerWith(mask, server, opt{52, []byte{1}})
			r.file = []byte{3, 4, 10, 0, 2, 9, 255}
			return r
		}(), nil,
			"{Addr:10.0.2.15/24 Router:10.0.2.9 DNS:[] Domain: Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"overload: bad option in file", func() *serverReply {
			r := offerWith(mask, server, opt{52, []byte{3}})
			r.file = make([]byte, 128)
			r.file[126], r.file[127] = 3, 4
			return r
		}(), errOptions, ""},
		{"overload of bad length ignored", func() *serverReply {
			r := offerWith(mask, server, opt{52, []byte{1, 1}})
			r.file = []byte{3, 4, 10, 0, 2, 9, 255}
			return r
		}(), nil,
			"{Addr:10.0.2.15/24 Router:invalid IP DNS:[] Domain: Server:10.0.2.2 Duration:0s T1:0s T2:0s}"},
		{"option 53 empty", func() *serverReply {
			r := offerWith(mask, server)
			r.opts[0].val = nil
			return r
		}(), errMessageType, ""},
		{"option 53 twice", offerWith(opt{53, []byte{2}}), errMessageType, ""},
		{"mask not a prefix", offerWith(opt{1, []byte{255, 0, 255, 0}}, server), nil,
			"option 1 (subnet mask) 255.0.255.0 is not a prefix"},
		{"mask 0", offerWith(opt{1, []byte{0, 0, 0, 0}}, server), nil,
			"option 1 (subnet mask) 0.0.0.0 is not a prefix"},
		{"mask length 3", offerWith(opt{1, []byte{255, 255, 255}}, server), nil,
			"option 1 (subnet mask) has length 3, not 4"},
		{"router length 5", offerWith(mask, server, opt{3, []byte{1, 2, 3, 4, 5}}), nil,
			"option 3 (router) has length 5"},
		{"DNS length 0", offerWith(mask, server, opt{6, nil}), nil,
			"option 6 (DNS) has length 0"},
		{"server identifier length 3", offerWith(mask, opt{54, []byte{10, 0, 2}}), nil,
			"option 54 (server identifier) is not an address"},
		{"lease time length 2", offerWith(mask, server, opt{51, []byte{1, 0}}), nil,
			"option 51 has length 2, not 4"},
		{"T2 length 8", offerWith(mask, server, opt{59, make([]byte, 8)}), nil,
			"option 59 has length 8, not 4"},
		{"yiaddr 0", func() *serverReply { r := offerWith(mask, server); r.yiaddr = anyAddr; return r }(), nil,
			"offered address 0.0.0.0 is not usable"},
		{"yiaddr multicast", func() *serverReply {
			r := offerWith(mask, server)
			r.yiaddr = netip.MustParseAddr("224.0.0.1")
			return r
		}(), nil, "offered address 224.0.0.1 is not usable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := parse(c.reply.encode())
			if err != c.err {
				t.Fatalf("parse: %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			l, err := r.lease()
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = printLease(l)
			}
			if got != c.lease {
				t.Errorf("lease:\n%s\nwant\n%s", got, c.lease)
			}
		})
	}
}

func printLease(l Lease) string {
	var b strings.Builder
	b.WriteString("{Addr:" + l.Addr.String() + " Router:" + l.Router.String() + " DNS:[")
	for i, a := range l.DNS {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(a.String())
	}
	b.WriteString("] Domain:" + l.Domain + " Server:" + l.Server.String() +
		" Duration:" + l.Duration.String() + " T1:" + l.T1.String() + " T2:" + l.T2.String() + "}")
	return b.String()
}

// parse keeps nothing of the frame it was given.
func TestParseCopies(t *testing.T) {
	f := capture(t, "slirp-offer.hex")
	r, err := parse(f)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := r.lease()
	for i := range f {
		f[i] = 0xa5
	}
	after, err := r.lease()
	if err != nil || !reflect.DeepEqual(before, after) {
		t.Fatalf("lease changed with the frame's buffer: %+v, %v", after, err)
	}
}

func TestChecksumSelfCheck(t *testing.T) {
	// Our sum and the test's agree on odd lengths too.
	for n := 0; n < 40; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		if got, want := finish(sum(0, b)), inetSum(b); got != want {
			t.Errorf("%d bytes: %#04x, want %#04x", n, got, want)
		}
	}
	if errors.Is(errOptions, errShort) {
		t.Fatal("parse errors alias")
	}
}
