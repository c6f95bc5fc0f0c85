package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"

	"goose/go-kernel/net/dhcp"
)

// applyV4 makes p eth0's IPv4 address (replacing the previous one), with
// its subnet route and a default route through gw, then tells everyone:
// one log line, resolv.conf, goose's interface list.
func (s *Stack) applyV4(p netip.Prefix, gw netip.Addr, dns []netip.Addr, domain, source string) {
	p = netip.PrefixFrom(p.Addr(), p.Bits()) // keep the host part: it is the address
	s.mu.Lock()
	old := s.v4
	s.mu.Unlock()
	if old.IsValid() && old != p {
		s.removeV4(old)
	}
	addr := tcpip.AddrFrom4(p.Addr().As4())
	if old != p {
		pa := tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber,
			AddressWithPrefix: tcpip.AddressWithPrefix{Address: addr, PrefixLen: p.Bits()}}
		if e := s.ns.AddProtocolAddress(EthNIC, pa, stack.AddressProperties{}); e != nil {
			s.logf("eth0: cannot add %v: %v", p, e)
			return
		}
	}
	s.ns.RemoveRoutes(func(r tcpip.Route) bool {
		return r.NIC == EthNIC && r.Destination.ID().Len() == 4
	})
	s.ns.AddRoute(tcpip.Route{Destination: pa(p).Subnet(), NIC: EthNIC})
	if gw.IsValid() && gw.Is4() {
		s.ns.AddRoute(tcpip.Route{Destination: header.IPv4EmptySubnet, Gateway: tcpip.AddrFrom4(gw.As4()), NIC: EthNIC})
	}
	if len(s.cfg.DNS) > 0 {
		dns = s.cfg.DNS
	}
	s.mu.Lock()
	s.v4, s.gw, s.dns, s.domain, s.source = p, gw, dns, domain, source
	select {
	case <-s.v4ready:
	default:
		close(s.v4ready)
	}
	s.mu.Unlock()

	line := fmt.Sprintf("eth0 %v %v", net.HardwareAddr(s.mac[:]), p)
	if gw.IsValid() {
		line += fmt.Sprintf(" via %v", gw)
	}
	line += fmt.Sprintf(" (%s)", source)
	if len(dns) > 0 {
		line += ", dns " + joinAddrs(dns)
	}
	if domain != "" {
		line += ", search " + domain
	}
	s.logf("%s", line)
	s.writeResolvConf()
	s.nudgeInterfaces()
}

func pa(p netip.Prefix) tcpip.AddressWithPrefix {
	return tcpip.AddressWithPrefix{Address: tcpip.AddrFrom4(p.Addr().As4()), PrefixLen: p.Bits()}
}

// removeV4 takes eth0's IPv4 address and routes away (a lease lost).
func (s *Stack) removeV4(p netip.Prefix) {
	s.ns.RemoveAddress(EthNIC, tcpip.AddrFrom4(p.Addr().As4()))
	s.ns.RemoveRoutes(func(r tcpip.Route) bool {
		return r.NIC == EthNIC && r.Destination.ID().Len() == 4
	})
	s.mu.Lock()
	if s.v4 == p {
		s.v4, s.gw = netip.Prefix{}, netip.Addr{}
	}
	s.mu.Unlock()
	s.nudgeInterfaces()
}

func joinAddrs(as []netip.Addr) string {
	ss := make([]string, len(as))
	for i, a := range as {
		ss[i] = a.String()
	}
	return strings.Join(ss, " ")
}

// runDHCP acquires a lease, keeps it renewed at half its duration, and
// starts over when it is lost.
func (s *Stack) runDHCP() {
	c := dhcp.NewClient(s.mac, s.transmit)
	s.dhcp.Store(c)
	retry := 5 * time.Second
	for s.ctx.Err() == nil {
		lease, err := c.Acquire(s.ctx)
		if err != nil {
			if s.ctx.Err() != nil {
				return
			}
			s.logf("dhcp: no lease: %v (trying again in %v)", err, retry)
			if !s.sleep(retry) {
				return
			}
			retry = min(retry*2, 2*time.Minute)
			continue
		}
		retry = 5 * time.Second
		if !lease.Addr.Addr().Is4() {
			s.logf("dhcp: lease without an IPv4 address: %v", lease.Addr)
			continue
		}
		s.applyV4(lease.Addr, lease.Router, lease.DNS, lease.Domain, "dhcp")
		s.keepLease(c, lease)
	}
}

// keepLease keeps the lease (RFC 2131 section 4.4.5): at T1 it renews
// with its server, retrying until T2; from T2 it keeps trying (Renew falls
// back to broadcast when the server did not answer directly) until the
// lease ends, when the address is dropped; a DHCPNAK drops it at once.
// It returns when the address is gone, for runDHCP to start over.
func (s *Stack) keepLease(c *dhcp.Client, lease dhcp.Lease) {
	for {
		if lease.Duration <= 0 {
			// An infinite lease: nothing to renew, ever.
			<-s.ctx.Done()
			return
		}
		start := time.Now()
		t1, t2 := lease.T1, lease.T2
		if t1 <= 0 || t1 >= lease.Duration {
			t1 = lease.Duration / 2
		}
		if t2 <= t1 || t2 >= lease.Duration {
			t2 = lease.Duration * 7 / 8
		}
		if !s.sleep(t1) {
			return
		}
		var nl dhcp.Lease
		var err error
		for _, until := range []time.Time{start.Add(t2), start.Add(lease.Duration)} {
			ctx, cancel := context.WithDeadline(s.ctx, until)
			nl, err = c.Renew(ctx, lease)
			cancel()
			if err == nil || errors.Is(err, dhcp.ErrNAK) || s.ctx.Err() != nil {
				break
			}
		}
		if s.ctx.Err() != nil {
			return
		}
		if err != nil {
			s.logf("dhcp: lost %v: %v", lease.Addr, err)
			s.removeV4(lease.Addr)
			return
		}
		if nl.Addr != lease.Addr || nl.Router != lease.Router || !sameAddrs(nl.DNS, lease.DNS) || nl.Domain != lease.Domain {
			s.applyV4(nl.Addr, nl.Router, nl.DNS, nl.Domain, "dhcp")
		}
		lease = nl
	}
}

func sameAddrs(a, b []netip.Addr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sleep waits d, or less if the stack stops (false).
func (s *Stack) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// ndpDispatcher follows IPv6 neighbor discovery: routes learned from
// router advertisements go into the route table (netstack leaves that to
// its user), and address changes (SLAAC) update goose's interface list.
// The callbacks run under netstack's locks, so the work is queued.
type ndpDispatcher struct{ s *Stack }

func (d ndpDispatcher) OnDuplicateAddressDetectionResult(nic tcpip.NICID, a tcpip.Address, r stack.DADResult) {
	if _, ok := r.(*stack.DADDupAddrDetected); ok {
		d.s.ndpq.enqueue(func() { d.s.logf("eth0: %v is in use by another host (duplicate address detection)", a) })
	}
	d.s.nudgeInterfaces()
}

func (d ndpDispatcher) OnOffLinkRouteUpdated(nic tcpip.NICID, dest tcpip.Subnet, router tcpip.Address, _ header.NDPRoutePreference) {
	d.s.ndpq.enqueue(func() {
		d.s.ns.RemoveRoutes(func(r tcpip.Route) bool { return r.NIC == nic && r.Destination == dest && r.Gateway == router })
		d.s.ns.AddRoute(tcpip.Route{Destination: dest, Gateway: router, NIC: nic})
		d.s.nudgeInterfaces() // the routes goose reports
	})
}

func (d ndpDispatcher) OnOffLinkRouteInvalidated(nic tcpip.NICID, dest tcpip.Subnet, router tcpip.Address) {
	d.s.ndpq.enqueue(func() {
		d.s.ns.RemoveRoutes(func(r tcpip.Route) bool { return r.NIC == nic && r.Destination == dest && r.Gateway == router })
		d.s.nudgeInterfaces() // the routes goose reports
	})
}

func (d ndpDispatcher) OnOnLinkPrefixDiscovered(nic tcpip.NICID, prefix tcpip.Subnet) {
	d.s.ndpq.enqueue(func() {
		d.s.ns.RemoveRoutes(func(r tcpip.Route) bool { return r.NIC == nic && r.Destination == prefix && r.Gateway.BitLen() == 0 })
		d.s.ns.AddRoute(tcpip.Route{Destination: prefix, NIC: nic})
		d.s.nudgeInterfaces() // the routes goose reports
	})
}

func (d ndpDispatcher) OnOnLinkPrefixInvalidated(nic tcpip.NICID, prefix tcpip.Subnet) {
	d.s.ndpq.enqueue(func() {
		d.s.ns.RemoveRoutes(func(r tcpip.Route) bool { return r.NIC == nic && r.Destination == prefix && r.Gateway.BitLen() == 0 })
		d.s.nudgeInterfaces() // the routes goose reports
	})
}

func (d ndpDispatcher) OnAutoGenAddress(nic tcpip.NICID, a tcpip.AddressWithPrefix) stack.AddressDispatcher {
	d.s.nudgeInterfaces()
	return addrWatcher{d.s}
}

func (d ndpDispatcher) OnAutoGenAddressDeprecated(tcpip.NICID, tcpip.AddressWithPrefix) {}

func (d ndpDispatcher) OnAutoGenAddressInvalidated(tcpip.NICID, tcpip.AddressWithPrefix) {
	d.s.nudgeInterfaces()
}

func (d ndpDispatcher) OnRecursiveDNSServerOption(tcpip.NICID, []tcpip.Address, time.Duration) {}

func (d ndpDispatcher) OnDNSSearchListOption(tcpip.NICID, []string, time.Duration) {}

// addrWatcher nudges the interface list when a SLAAC address changes state
// (for instance when duplicate address detection completes).
type addrWatcher struct{ s *Stack }

func (w addrWatcher) OnChanged(stack.AddressLifetimes, stack.AddressAssignmentState) {
	w.s.nudgeInterfaces()
}

func (w addrWatcher) OnRemoved(stack.AddressRemovalReason) { w.s.nudgeInterfaces() }

// OnDHCPv6Configuration: no DHCPv6 client here; SLAAC only.
func (d ndpDispatcher) OnDHCPv6Configuration(tcpip.NICID, ipv6.DHCPv6ConfigurationFromNDPRA) {}
