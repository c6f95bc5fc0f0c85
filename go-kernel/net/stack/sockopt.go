package stack

import (
	"bytes"
	"math"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// Socket options, with Linux's checks (net/core/sock.c sk_setsockopt,
// net/ipv4/tcp.c do_tcp_setsockopt, net/ipv4/ip_sockglue.c,
// net/ipv6/ipv6_sockglue.c) and getsockopt's rule for lengths: the value is
// cut to *optlen, and *optlen says how much was written.

// optval is setsockopt's value: the program's bytes.
type optval []byte

// intValue reads an int option: at least 4 bytes (EINVAL), as SOL_SOCKET,
// IPPROTO_TCP and IPPROTO_IPV6 want; the IPv4 level also takes one byte.
func (v optval) intValue(byteOK bool) (int32, int64) {
	if len(v) >= 4 {
		return int32(le.Uint32(v)), 0
	}
	if byteOK && len(v) >= 1 {
		return int32(v[0]), 0
	}
	return 0, EINVAL
}

func (s *socket) setsockopt(level, name int32, addr, n uint64) int64 {
	if int32(n) < 0 {
		return -EINVAL
	}
	// Bounded well above any option's size: anything longer is cut, which
	// no option here cares about.
	v := make(optval, min(int(n), 256))
	if !copyIn(v, addr) {
		return -EFAULT
	}
	switch level {
	case solSocket:
		return -s.setSocketOpt(name, v)
	case ipprotoTCP:
		if s.proto != ipprotoTCP {
			return -ENOPROTOOPT
		}
		return -s.setTCPOpt(name, v)
	case ipprotoIP:
		return -s.setIPOpt(name, v)
	case ipprotoIPv6:
		if s.family != afInet6 {
			return -ENOPROTOOPT
		}
		return -s.setIPv6Opt(name, v)
	}
	return -ENOPROTOOPT
}

func (s *socket) setSocketOpt(name int32, v optval) int64 {
	so := s.ep.SocketOptions()
	switch name {
	case soRcvTimeoOld, soSndTimeoOld, soRcvTimeoNew, soSndTimeoNew:
		// goose refuses socket timeouts for its own sockets too: the
		// waiting is goose's, and it does not time out.
		return ENOPROTOOPT
	case soLinger:
		if len(v) < sizeofLinger {
			return EINVAL
		}
		onoff, secs := int32(le.Uint32(v)), int32(le.Uint32(v[4:]))
		so.SetLinger(tcpip.LingerOption{Enabled: onoff != 0, Timeout: time.Duration(max(secs, 0)) * time.Second})
		return 0
	case soBindToDevice:
		// The interface name, NUL-terminated or not.
		name := string(v)
		if i := bytes.IndexByte(v, 0); i >= 0 {
			name = string(v[:i])
		}
		var id tcpip.NICID
		if name != "" {
			for nid, info := range s.p.ns.NICInfo() {
				if info.Name == name {
					id = nid
				}
			}
			if id == 0 {
				return ENODEV
			}
		}
		return errnoOf(so.SetBindToDevice(int32(id)))
	}
	x, e := v.intValue(false)
	if e != 0 {
		return e
	}
	on := x != 0
	switch name {
	case soReuseAddr:
		so.SetReuseAddress(on)
	case soReusePort:
		so.SetReusePort(on)
	case soKeepAlive:
		so.SetKeepAlive(on)
	case soBroadcast:
		so.SetBroadcast(on)
	case soOOBInline:
		// Urgent data is always inline here.
	case soSndbuf, soRcvbuf:
		// Linux doubles the value for its bookkeeping, and getsockopt
		// reports the doubled value.
		size := int64(max(x, 0)) * 2
		if name == soSndbuf {
			so.SetSendBufferSize(size, true)
		} else {
			so.SetReceiveBufferSize(size, true)
		}
	case soRcvLowat:
		return errnoOf(so.SetRcvlowat(max(x, 1)))
	case soType, soError, soDomain, soProtocol, soAcceptConn:
		return ENOPROTOOPT
	default:
		return ENOPROTOOPT
	}
	return 0
}

func (s *socket) setTCPOpt(name int32, v optval) int64 {
	x, e := v.intValue(false)
	if e != 0 {
		return e
	}
	so := s.ep.SocketOptions()
	switch name {
	case tcpNodelay:
		so.SetDelayOption(x == 0)
	case tcpCork:
		so.SetCorkOption(x != 0)
	case tcpQuickAck:
		so.SetQuickAck(x != 0)
	case tcpKeepIdle:
		if x < 1 || x > maxTCPKeepIdle {
			return EINVAL
		}
		o := tcpip.KeepaliveIdleOption(time.Duration(x) * time.Second)
		return errnoOf(s.ep.SetSockOpt(&o))
	case tcpKeepIntvl:
		if x < 1 || x > maxTCPKeepIntvl {
			return EINVAL
		}
		o := tcpip.KeepaliveIntervalOption(time.Duration(x) * time.Second)
		return errnoOf(s.ep.SetSockOpt(&o))
	case tcpKeepCnt:
		if x < 1 || x > maxTCPKeepCnt {
			return EINVAL
		}
		return errnoOf(s.ep.SetSockOptInt(tcpip.KeepaliveCountOption, int(x)))
	case tcpUserTimeout:
		if x < 0 {
			return EINVAL
		}
		o := tcpip.TCPUserTimeoutOption(time.Duration(x) * time.Millisecond)
		return errnoOf(s.ep.SetSockOpt(&o))
	case tcpMaxseg:
		return errnoOf(s.ep.SetSockOptInt(tcpip.MaxSegOption, int(x)))
	default:
		return ENOPROTOOPT
	}
	return 0
}

// mreq decodes struct ip_mreq (multiaddr, interface address) or struct
// ip_mreqn (multiaddr, address, ifindex): include/uapi/linux/in.h.
func mreq(v optval) (tcpip.MembershipOption, int64) {
	var m tcpip.MembershipOption
	if len(v) < 8 {
		return m, EINVAL
	}
	m.MulticastAddr = tcpip.AddrFrom4Slice(v[0:4])
	if a := tcpip.AddrFrom4Slice(v[4:8]); !a.Unspecified() {
		m.InterfaceAddr = a
	}
	if len(v) >= 12 {
		m.NIC = tcpip.NICID(int32(le.Uint32(v[8:])))
	}
	return m, 0
}

func (s *socket) setIPOpt(name int32, v optval) int64 {
	so := s.ep.SocketOptions()
	switch name {
	case ipAddMembership, ipDropMembership:
		m, e := mreq(v)
		if e != 0 {
			return e
		}
		if name == ipAddMembership {
			o := tcpip.AddMembershipOption(m)
			return errnoOf(s.ep.SetSockOpt(&o))
		}
		o := tcpip.RemoveMembershipOption(m)
		return errnoOf(s.ep.SetSockOpt(&o))
	case ipMulticastIF:
		var o tcpip.MulticastInterfaceOption
		switch {
		case len(v) >= 12: // ip_mreqn
			o.InterfaceAddr = tcpip.AddrFrom4Slice(v[4:8])
			o.NIC = tcpip.NICID(int32(le.Uint32(v[8:])))
		case len(v) >= 4: // in_addr (or ip_mreq's first field)
			o.InterfaceAddr = tcpip.AddrFrom4Slice(v[0:4])
		default:
			return EINVAL
		}
		if o.InterfaceAddr.Unspecified() {
			o.InterfaceAddr = tcpip.Address{}
		}
		return errnoOf(s.ep.SetSockOpt(&o))
	}
	x, e := v.intValue(true)
	if e != 0 {
		return e
	}
	switch name {
	case ipTOS:
		return errnoOf(s.ep.SetSockOptInt(tcpip.IPv4TOSOption, int(uint8(x))))
	case ipTTL:
		if x == -1 {
			x = tcpip.UseDefaultIPv4TTL
		} else if x < 1 || x > 255 {
			return EINVAL
		}
		return errnoOf(s.ep.SetSockOptInt(tcpip.IPv4TTLOption, int(x)))
	case ipMulticastTTL:
		if x == -1 {
			x = 1
		} else if x < 0 || x > 255 {
			return EINVAL
		}
		return errnoOf(s.ep.SetSockOptInt(tcpip.MulticastTTLOption, int(x)))
	case ipMulticastLoop:
		so.SetMulticastLoop(x != 0)
		return 0
	}
	return ENOPROTOOPT
}

func (s *socket) setIPv6Opt(name int32, v optval) int64 {
	so := s.ep.SocketOptions()
	switch name {
	case ipv6JoinGroup, ipv6LeaveGroup:
		// struct ipv6_mreq: include/uapi/linux/in6.h.
		if len(v) < 20 {
			return EINVAL
		}
		m := tcpip.MembershipOption{
			MulticastAddr: tcpip.AddrFrom16Slice(v[0:16]),
			NIC:           tcpip.NICID(int32(le.Uint32(v[16:]))),
		}
		if name == ipv6JoinGroup {
			o := tcpip.AddMembershipOption(m)
			return errnoOf(s.ep.SetSockOpt(&o))
		}
		o := tcpip.RemoveMembershipOption(m)
		return errnoOf(s.ep.SetSockOpt(&o))
	}
	x, e := v.intValue(false)
	if e != 0 {
		return e
	}
	switch name {
	case ipv6V6Only:
		// Only before the socket has a port (net/ipv6/ipv6_sockglue.c).
		if fa, err := s.ep.GetLocalAddress(); err == nil && fa.Port != 0 {
			return EINVAL
		}
		so.SetV6Only(x != 0)
		return 0
	case ipv6UnicastHops:
		if x < -1 || x > 255 {
			return EINVAL
		}
		return errnoOf(s.ep.SetSockOptInt(tcpip.IPv6HopLimitOption, int(x)))
	case ipv6TClass:
		if x < -1 || x > 255 {
			return EINVAL
		}
		if x == -1 {
			x = 0
		}
		return errnoOf(s.ep.SetSockOptInt(tcpip.IPv6TrafficClassOption, int(x)))
	case ipv6MulticastHops:
		if x < -1 || x > 255 {
			return EINVAL
		}
		if x == -1 {
			x = 1
		}
		return errnoOf(s.ep.SetSockOptInt(tcpip.MulticastTTLOption, int(x)))
	case ipv6MulticastLoop:
		so.SetMulticastLoop(x != 0)
		return 0
	case ipv6MulticastIF:
		return errnoOf(s.ep.SetSockOptInt(tcpip.IPv6MulticastInterfaceOption, int(x)))
	}
	return ENOPROTOOPT
}

func (s *socket) getsockopt(level, name int32, addr, lenp uint64) int64 {
	l, ok := readU32(lenp)
	if !ok {
		return -EFAULT
	}
	n := int32(l)
	if n < 0 {
		return -EINVAL
	}
	var v []byte
	var e int64
	switch level {
	case solSocket:
		v, e = s.getSocketOpt(name)
	case ipprotoTCP:
		if s.proto != ipprotoTCP {
			return -ENOPROTOOPT
		}
		v, e = s.getTCPOpt(name)
	case ipprotoIP:
		v, e = s.getIPOpt(name)
	case ipprotoIPv6:
		if s.family != afInet6 {
			return -ENOPROTOOPT
		}
		v, e = s.getIPv6Opt(name)
	default:
		return -ENOPROTOOPT
	}
	if e != 0 {
		return -e
	}
	v = v[:min(int(n), len(v))]
	if !copyOut(addr, v) || !writeU32(lenp, uint32(len(v))) {
		return -EFAULT
	}
	return 0
}

func intOpt(x int) []byte {
	b := make([]byte, 4)
	le.PutUint32(b, uint32(int32(max(min(x, math.MaxInt32), math.MinInt32))))
	return b
}

func boolOpt(on bool) []byte {
	if on {
		return intOpt(1)
	}
	return intOpt(0)
}

func (s *socket) getSocketOpt(name int32) ([]byte, int64) {
	so := s.ep.SocketOptions()
	switch name {
	case soType:
		return intOpt(s.typ), 0
	case soDomain:
		return intOpt(s.family), 0
	case soProtocol:
		return intOpt(s.proto), 0
	case soError:
		// Reading SO_ERROR clears the error (sock_error).
		errno := errnoOf(s.ep.LastError())
		if errno != 0 {
			// netstack may keep the same error twice (its hard error
			// and its last error); Linux's sk_err is one slot.
			for i := 0; i < 4 && s.ep.LastError() != nil; i++ {
			}
			s.mu.Lock()
			s.errTaken = true
			s.mu.Unlock()
		}
		return intOpt(int(errno)), 0
	case soAcceptConn:
		return boolOpt(so.GetAcceptConn()), 0
	case soReuseAddr:
		return boolOpt(so.GetReuseAddress()), 0
	case soReusePort:
		return boolOpt(so.GetReusePort()), 0
	case soKeepAlive:
		return boolOpt(so.GetKeepAlive()), 0
	case soBroadcast:
		return boolOpt(so.GetBroadcast()), 0
	case soOOBInline:
		return boolOpt(true), 0
	case soSndbuf:
		return intOpt(int(so.GetSendBufferSize())), 0
	case soRcvbuf:
		return intOpt(int(so.GetReceiveBufferSize())), 0
	case soRcvLowat:
		return intOpt(int(so.GetRcvlowat())), 0
	case soLinger:
		l := so.GetLinger()
		b := make([]byte, sizeofLinger)
		if l.Enabled {
			le.PutUint32(b, 1)
		}
		le.PutUint32(b[4:], uint32(l.Timeout/time.Second))
		return b, 0
	case soBindToDevice:
		id := so.GetBindToDevice()
		if id == 0 {
			return nil, 0
		}
		name := s.p.ns.NICInfo()[tcpip.NICID(id)].Name
		return append([]byte(name), 0), 0
	}
	return nil, ENOPROTOOPT
}

func (s *socket) getTCPOpt(name int32) ([]byte, int64) {
	so := s.ep.SocketOptions()
	switch name {
	case tcpNodelay:
		return boolOpt(!so.GetDelayOption()), 0
	case tcpCork:
		return boolOpt(so.GetCorkOption()), 0
	case tcpQuickAck:
		return boolOpt(so.GetQuickAck()), 0
	case tcpKeepIdle:
		var o tcpip.KeepaliveIdleOption
		if err := s.ep.GetSockOpt(&o); err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(int(time.Duration(o) / time.Second)), 0
	case tcpKeepIntvl:
		var o tcpip.KeepaliveIntervalOption
		if err := s.ep.GetSockOpt(&o); err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(int(time.Duration(o) / time.Second)), 0
	case tcpKeepCnt:
		x, err := s.ep.GetSockOptInt(tcpip.KeepaliveCountOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(x), 0
	case tcpUserTimeout:
		var o tcpip.TCPUserTimeoutOption
		if err := s.ep.GetSockOpt(&o); err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(int(time.Duration(o) / time.Millisecond)), 0
	case tcpMaxseg:
		x, err := s.ep.GetSockOptInt(tcpip.MaxSegOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(x), 0
	}
	return nil, ENOPROTOOPT
}

// defaultTTL is Linux's net.ipv4.ip_default_ttl and IPv6's default hop
// limit, which getsockopt reports while the socket uses the default.
const defaultTTL = 64

func (s *socket) getIPOpt(name int32) ([]byte, int64) {
	switch name {
	case ipTOS:
		x, err := s.ep.GetSockOptInt(tcpip.IPv4TOSOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(x), 0
	case ipTTL:
		x, err := s.ep.GetSockOptInt(tcpip.IPv4TTLOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		if x == tcpip.UseDefaultIPv4TTL {
			x = defaultTTL
		}
		return intOpt(x), 0
	case ipMulticastTTL:
		x, err := s.ep.GetSockOptInt(tcpip.MulticastTTLOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(x), 0
	case ipMulticastLoop:
		return boolOpt(s.ep.SocketOptions().GetMulticastLoop()), 0
	}
	return nil, ENOPROTOOPT
}

func (s *socket) getIPv6Opt(name int32) ([]byte, int64) {
	switch name {
	case ipv6V6Only:
		return boolOpt(s.ep.SocketOptions().GetV6Only()), 0
	case ipv6UnicastHops:
		x, err := s.ep.GetSockOptInt(tcpip.IPv6HopLimitOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		if x == tcpip.UseDefaultIPv6HopLimit {
			x = defaultTTL
		}
		return intOpt(x), 0
	case ipv6TClass:
		x, err := s.ep.GetSockOptInt(tcpip.IPv6TrafficClassOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(x), 0
	case ipv6MulticastHops:
		x, err := s.ep.GetSockOptInt(tcpip.MulticastTTLOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(x), 0
	case ipv6MulticastLoop:
		return boolOpt(s.ep.SocketOptions().GetMulticastLoop()), 0
	case ipv6MulticastIF:
		x, err := s.ep.GetSockOptInt(tcpip.IPv6MulticastInterfaceOption)
		if err != nil {
			return nil, errnoOf(err)
		}
		return intOpt(x), 0
	}
	return nil, ENOPROTOOPT
}
