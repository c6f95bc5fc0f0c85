package stack

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
)

// TestOverLink connects two stacks by a pair of pipe links: the provider
// of one (192.0.2.1) connects over Ethernet and ARP to a gonet listener on
// the other (192.0.2.2), and bytes flow both ways.
func TestOverLink(t *testing.T) {
	la, lb := newPipeLink(1), newPipeLink(2)
	la.peer, lb.peer = lb, la
	h := newHarnessOn(t, la)
	b, err := Start(lb, Config{Addr: netip.MustParsePrefix("192.0.2.2/24"), NoProvider: true,
		ResolvConf: "-", Hosts: "-", Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { b.Close(); lb.close() }()
	ln, err := gonet.ListenTCP(b.Netstack(), tcpip.FullAddress{NIC: EthNIC, Port: 8080}, ipv4.ProtocolNumber)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c, buf); err != nil {
			got <- err.Error()
			return
		}
		c.Write([]byte("pong!"))
		got <- string(buf)
	}()

	c := h.connect(afInet, sockaddr4("192.0.2.2", 8080))
	msg := []byte("ping!")
	if r := h.call(c, sysWrite, h.ptr(msg), 5); r != 5 {
		t.Fatalf("write: %d", r)
	}
	if s := <-got; s != "ping!" {
		t.Fatalf("the other stack got %q", s)
	}
	h.wait(c, readable, 0)
	buf := make([]byte, 5)
	if r := h.call(c, sysRead, h.ptr(buf), 5); r != 5 || string(buf) != "pong!" {
		t.Fatalf("read: %d %q", r, buf)
	}
	h.wait(c, readable|EPOLLRDHUP, 0) // the other side closed
	if r := h.call(c, sysRead, h.ptr(buf), 5); r != 0 {
		t.Fatalf("read at end: %d", r)
	}
	st := h.st.Stats()
	if st.FramesIn.Load() == 0 || st.FramesOut.Load() == 0 {
		t.Fatalf("no frames counted: %v", st)
	}
}

// TestInterfaceRecords checks the LINK and ADDR records goose gets.
func TestInterfaceRecords(t *testing.T) {
	h := newHarness(t)
	b := h.st.interfaceRecords()
	if len(b)%RecordSize != 0 || le.Uint32(b) != KindIfReset {
		t.Fatalf("records do not start with IFRESET: %x", b[:8])
	}
	var links, routes []string
	addrs := map[string]uint8{}
	for off := RecordSize; off < len(b); off += RecordSize {
		r := b[off : off+RecordSize]
		switch le.Uint32(r) {
		case KindLink:
			name := string(r[28:44])
			name = name[:len(name)-len(trimNUL(name))]
			links = append(links, name)
			if name == "eth0" && (le.Uint32(r[12:]) != 1500 || r[18] != 6 || r[20] != 0x52 || le.Uint16(r[16:]) != arphrdEther) {
				t.Errorf("eth0 link record %x", r)
			}
			if name == "lo" && (le.Uint32(r[8:])&iffLoopback == 0 || le.Uint16(r[16:]) != arphrdLoopback) {
				t.Errorf("lo link record %x", r)
			}
		case KindAddr:
			n := 4
			if r[8] == afInet6 {
				n = 16
			}
			a, _ := netip.AddrFromSlice(r[12 : 12+n])
			addrs[netip.PrefixFrom(a, int(r[9])).String()] = r[10]
		case KindRoute:
			n := 4
			if r[8] == afInet6 {
				n = 16
			}
			dst, _ := netip.AddrFromSlice(r[12 : 12+n])
			gw, _ := netip.AddrFromSlice(r[28 : 28+n])
			src, _ := netip.AddrFromSlice(r[44 : 44+n])
			routes = append(routes, fmt.Sprintf("%v via %v src %v dev %d scope %d proto %d",
				netip.PrefixFrom(dst, int(r[9])), gw, src, le.Uint32(r[4:]), r[10], r[11]))
		default:
			t.Fatalf("unexpected record %x", r)
		}
	}
	if len(links) != 2 || links[0] != "lo" || links[1] != "eth0" {
		t.Fatalf("links %q", links)
	}
	for p, scope := range map[string]uint8{"127.0.0.1/8": rtScopeHost, "::1/128": rtScopeHost, "192.0.2.1/24": rtScopeUniverse} {
		if got, ok := addrs[p]; !ok || got != scope {
			t.Errorf("address %s: scope %d present %v (all: %v)", p, got, ok, addrs)
		}
	}
	ll := false
	for p, scope := range addrs {
		pp := netip.MustParsePrefix(p)
		if pp.Addr().IsLinkLocalUnicast() && scope == rtScopeLink {
			ll = true
		}
	}
	if !ll {
		t.Errorf("no IPv6 link-local address: %v", addrs)
	}
	// eth0's routes, as `ip route` would list the main table.
	want := []string{
		"192.0.2.0/24 via 0.0.0.0 src 192.0.2.1 dev 2 scope 253 proto 2",
		"0.0.0.0/0 via 192.0.2.254 src 0.0.0.0 dev 2 scope 0 proto 3",
		"fe80::/64 via :: src :: dev 2 scope 253 proto 2",
	}
	for _, w := range want {
		if !slices.Contains(routes, w) {
			t.Errorf("no route %q in %q", w, routes)
		}
	}
}

func trimNUL(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[i:]
		}
	}
	return ""
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("GOOSE_NET", "")
	t.Setenv("GOOSE_NET_ADDR", "10.0.2.15/24")
	t.Setenv("GOOSE_NET_GW", "10.0.2.2")
	t.Setenv("GOOSE_NET_DNS", "10.0.2.3, 2001:db8::53")
	t.Setenv("GOOSE_NET_WAIT", "0")
	t.Setenv("GOOSE_NET_DNS_TCP", "1")
	c, errs := ConfigFromEnv()
	if len(errs) != 0 || c.Off || c.Addr.String() != "10.0.2.15/24" || c.Gateway.String() != "10.0.2.2" ||
		len(c.DNS) != 2 || c.DNS[1].String() != "2001:db8::53" || c.Wait != 0 || !c.DNSOverTCP {
		t.Fatalf("%+v %v", c, errs)
	}
	t.Setenv("GOOSE_NET", "off")
	t.Setenv("GOOSE_NET_ADDR", "10.0.2.15")
	t.Setenv("GOOSE_NET_WAIT", "soon")
	c, errs = ConfigFromEnv()
	if !c.Off || c.Addr.IsValid() || len(errs) != 3 || c.Wait != DefaultWait {
		t.Fatalf("%+v %v", c, errs)
	}
}
