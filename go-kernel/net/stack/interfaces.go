package stack

import (
	"bytes"
	"slices"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
)

// The interface list goose reports through netlink (RTM_GETLINK,
// RTM_GETADDR: what net.Interfaces and net.InterfaceAddrs read). It is
// sent whole, IFRESET first, whenever something may have changed; a
// goroutine does it so that callers inside netstack's callbacks only nudge.

// nudgeInterfaces asks for the list to be sent again.
func (s *Stack) nudgeInterfaces() {
	select {
	case s.ifaceNudge <- struct{}{}:
	default:
	}
}

// interfacesLoop sends the list after each nudge, skipping identical ones.
func (s *Stack) interfacesLoop() {
	var last []byte
	for {
		select {
		case <-s.ifaceNudge:
		case <-s.ctx.Done():
			return
		}
		if s.out == nil {
			continue
		}
		b := s.interfaceRecords()
		if bytes.Equal(b, last) {
			continue
		}
		last = b
		s.out.put(b)
	}
}

// interfaceRecords encodes IFRESET, a LINK for lo and eth0, an ADDR for
// each of their addresses, and a ROUTE for each of eth0's routes (the main
// table: RTM_GETROUTE dumps; Linux keeps lo's in its local table).
func (s *Stack) interfaceRecords() []byte {
	var out []byte
	rec := func() []byte {
		out = append(out, make([]byte, RecordSize)...)
		return out[len(out)-RecordSize:]
	}
	reset := Record{Kind: KindIfReset}
	reset.Encode(rec())

	lo := LinkRecord{Index: int32(LoopbackNIC), Flags: iffUp | iffLoopback | iffRunning,
		MTU: 65536, Type: arphrdLoopback, AddrLen: 6}
	copy(lo.Name[:], "lo")
	lo.Encode(rec())
	eth := LinkRecord{Index: int32(EthNIC), Flags: iffUp | iffBroadcast | iffRunning | iffMulticast,
		MTU: uint32(s.mtu), Type: arphrdEther, AddrLen: 6}
	copy(eth.Addr[:], s.mac[:])
	copy(eth.Name[:], "eth0")
	eth.Encode(rec())

	all := s.ns.AllAddresses()
	for _, nic := range []tcpip.NICID{LoopbackNIC, EthNIC} {
		addrs := slices.Clone(all[nic])
		// IPv4 first, then by address: a stable order, so that an
		// unchanged list is recognised and not sent again.
		slices.SortFunc(addrs, func(a, b tcpip.ProtocolAddress) int {
			if a.Protocol != b.Protocol {
				if a.Protocol == ipv4.ProtocolNumber {
					return -1
				}
				return 1
			}
			return bytes.Compare(a.AddressWithPrefix.Address.AsSlice(), b.AddressWithPrefix.Address.AsSlice())
		})
		for _, pa := range addrs {
			a := pa.AddressWithPrefix.Address
			r := AddrRecord{Index: int32(nic), PrefixLen: uint8(pa.AddressWithPrefix.PrefixLen), Family: familyOf(a)}
			if r.Family == 0 {
				continue
			}
			if a == header.IPv4Broadcast {
				// netstack's own, for DHCP and broadcasts; Linux lists no such address.
				continue
			}
			copy(r.Addr[:], a.AsSlice())
			switch {
			case nic == LoopbackNIC:
				r.Scope = rtScopeHost
			case a.Len() == 16 && header.IsV6LinkLocalUnicastAddress(a):
				r.Scope = rtScopeLink
			default:
				r.Scope = rtScopeUniverse
			}
			r.Encode(rec())
		}
	}
	s.mu.Lock()
	v4, source := s.v4, s.source
	s.mu.Unlock()
	for _, rt := range s.ns.GetRouteTable() {
		if rt.NIC != EthNIC {
			continue
		}
		dst := rt.Destination.ID()
		r := RouteRecord{Index: int32(EthNIC), DstLen: uint8(rt.Destination.Prefix()), Protocol: rtprotKernel,
			Scope: rtScopeLink, Family: familyOf(dst)}
		if r.Family == 0 {
			continue
		}
		copy(r.Dst[:], dst.AsSlice())
		if rt.Gateway.Len() != 0 && !rt.Gateway.Unspecified() {
			copy(r.Gateway[:], rt.Gateway.AsSlice())
			r.Scope = rtScopeUniverse
			switch {
			case r.Family == afInet6:
				r.Protocol = rtprotRA
			case source == "dhcp":
				r.Protocol = rtprotDHCP
			default:
				r.Protocol = rtprotBoot
			}
		} else if r.Family == afInet && v4.IsValid() {
			a := v4.Addr().As4()
			copy(r.PrefSrc[:], a[:])
		}
		r.Encode(rec())
	}
	return out
}

// familyOf is an address's AF_INET or AF_INET6, or 0.
func familyOf(a tcpip.Address) uint8 {
	switch a.Len() {
	case 4:
		return afInet
	case 16:
		return afInet6
	}
	return 0
}
