package stack

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/link/ethernet"
	"gvisor.dev/gvisor/pkg/tcpip/link/loopback"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"

	"goose/go-kernel/net/dhcp"
)

// Link is a NIC driver as the stack uses it: Ethernet frames (destination,
// source, type, payload; no FCS) in and out.
//
// Receiving is pull-based: the stack runs one goroutine that calls Receive
// in a loop, so a driver needs no callback registration and no knowledge of
// the stack; a driver that is interrupt-driven blocks in Receive until a
// frame arrives (virtio/netdev.Device.Receive already has that shape), and
// one for a board's MAC can do the same over its DMA ring. Transmit is
// called from the stack's goroutines, never two at once.
type Link interface {
	// MAC is the interface's Ethernet address.
	MAC() [6]byte
	// MTU is the largest payload of a frame (1500 for plain Ethernet).
	MTU() int
	// Transmit sends one frame. It may return before the frame is on the
	// wire, and must not keep frame after it returns.
	Transmit(frame []byte) error
	// Receive waits for the next frame and copies it into buf, returning
	// its length. buf holds MTU()+18 bytes, or MaxFrame() when the Link
	// has that method. An error wrapping ErrFrameDropped loses one frame and
	// the loop goes on; any other error stops receiving for good (the
	// link is gone).
	Receive(buf []byte) (int, error)
}

// ErrFrameDropped is what Link.Receive returns (wrapped) for a frame that
// was bad or did not fit: the stack counts it and receives the next one.
var ErrFrameDropped = errors.New("frame dropped")

// NIC ids, which are also the interface indexes goose reports.
const (
	LoopbackNIC tcpip.NICID = 1
	EthNIC      tcpip.NICID = 2
)

// Stack is a running provider: netstack, its link, its configuration, and
// (under goose) the provider file.
type Stack struct {
	ns    *stack.Stack
	link  Link
	mac   [6]byte
	mtu   int
	cfg   Config
	stats Stats
	logf  func(string, ...any)

	ctx    context.Context
	cancel context.CancelFunc
	ch     *channel.Endpoint
	txMu   sync.Mutex
	dhcp   atomic.Pointer[dhcp.Client]

	prov *provider
	out  *outQueue // the provider file's records; nil when not registered

	mu          sync.Mutex
	v4          netip.Prefix // the IPv4 address in use (zero: none yet)
	gw          netip.Addr
	dns         []netip.Addr
	domain      string
	source      string        // "static" or "dhcp"
	v4ready     chan struct{} // closed once v4 is set
	ownResolv   bool          // resolv.conf is ours to write
	lastResolv  string
	ndpq        serialQueue
	ifaceNudge  chan struct{}
	ifacesFirst sync.Once
}

// Start builds the network stack over link and configures it with cfg
// (ConfigFromEnv reads it from the environment). Under goose it registers
// as the network provider, from which point the program's internet sockets
// are served here; when goose has no provider interface (ENOSYS) or has
// one already (EBUSY) it says so in one line and the stack still runs (for
// Netstack users), while the program keeps goose's loopback-only sockets.
//
// Start raises GOMAXPROCS to at least 2: a thread waiting in goose for a
// socket call's reply holds its P, and the provider needs one to answer
// (see the package documentation).
//
// IPv4 configuration (DHCP) continues in the background; WaitIPv4 waits
// for it.
func Start(link Link, cfg Config) (*Stack, error) {
	if cfg.Off {
		return nil, errors.New("networking is off (GOOSE_NET=off)")
	}
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	s := &Stack{
		link:       link,
		mac:        link.MAC(),
		mtu:        link.MTU(),
		cfg:        cfg,
		logf:       cfg.logger(),
		v4ready:    make(chan struct{}),
		ifaceNudge: make(chan struct{}, 1),
	}
	if s.mtu < header.IPv4MinimumMTU || s.mtu > 65535 {
		return nil, fmt.Errorf("link MTU %d out of range", s.mtu)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.build(); err != nil {
		s.cancel()
		return nil, err
	}
	go s.receive()
	go s.transmitLoop()

	s.prov = newProvider(s.ns, s.emit, s.logf, &s.stats)
	if !cfg.NoProvider {
		s.register()
	}
	if s.out != nil {
		s.prepareFiles()
	}
	go s.interfacesLoop()
	s.nudgeInterfaces()

	if cfg.Addr.IsValid() {
		s.applyV4(cfg.Addr, cfg.Gateway, nil, "", "static")
	} else {
		go s.runDHCP()
	}
	return s, nil
}

// build makes netstack and its two NICs.
func (s *Stack) build() error {
	ndp := ipv6.DefaultNDPConfigurations()
	ndp.HandleRAs = ipv6.HandlingRAsEnabledWhenForwardingDisabled
	ndp.DiscoverDefaultRouters = true
	ndp.DiscoverOnLinkPrefixes = true
	ndp.AutoGenGlobalAddresses = true
	s.ns = stack.New(stack.Options{
		NetworkProtocols: []stack.NetworkProtocolFactory{
			ipv4.NewProtocol,
			ipv6.NewProtocolWithOptions(ipv6.Options{
				NDPConfigs:       ndp,
				AutoGenLinkLocal: true,
				NDPDisp:          ndpDispatcher{s},
			}),
			arp.NewProtocol,
		},
		TransportProtocols: []stack.TransportProtocolFactory{
			tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4, icmp.NewProtocol6,
		},
		// Traffic to the stack's own addresses (eth0's included) is
		// looped back inside, as Linux does through lo.
		HandleLocal: true,
	})
	sack := tcpip.TCPSACKEnabled(true)
	s.ns.SetTransportProtocolOption(tcp.ProtocolNumber, &sack)
	moderate := tcpip.TCPModerateReceiveBufferOption(true)
	s.ns.SetTransportProtocolOption(tcp.ProtocolNumber, &moderate)
	// netstack drops a segment that arrives while the receiver's memory
	// (its unread data and queued segments, overhead included) is over
	// its receive buffer, even inside the window it advertised; under
	// QEMU the reader often lags so, and the sender then retransmits on
	// its timer, which doubles each time: a full-duplex bulk transfer on
	// loopback stalled for minutes (11 timeouts in a row). Linux's
	// TCP_RTO_MAX is 120 s; 2 s bounds such a stall.
	maxRTO := tcpip.TCPMaxRTOOption(2 * time.Second)
	s.ns.SetTransportProtocolOption(tcp.ProtocolNumber, &maxRTO)

	if e := s.ns.CreateNICWithOptions(LoopbackNIC, loopback.New(), stack.NICOptions{Name: "lo"}); e != nil {
		return fmt.Errorf("create lo: %v", e)
	}
	for _, a := range []tcpip.ProtocolAddress{
		{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: tcpip.AddressWithPrefix{Address: header.IPv4Loopback, PrefixLen: 8}},
		{Protocol: ipv6.ProtocolNumber, AddressWithPrefix: header.IPv6Loopback.WithPrefix()},
	} {
		if e := s.ns.AddProtocolAddress(LoopbackNIC, a, stack.AddressProperties{}); e != nil {
			return fmt.Errorf("lo address %v: %v", a.AddressWithPrefix, e)
		}
	}
	// The channel's MTU counts the Ethernet header, which
	// ethernet.Endpoint adds and strips.
	s.ch = channel.New(512, uint32(s.mtu+header.EthernetMinimumSize), tcpip.LinkAddress(s.mac[:]))
	if e := s.ns.CreateNICWithOptions(EthNIC, ethernet.New(s.ch), stack.NICOptions{Name: "eth0"}); e != nil {
		return fmt.Errorf("create eth0: %v", e)
	}
	s.ns.AddRoute(tcpip.Route{Destination: subnet(header.IPv4Loopback, 8), NIC: LoopbackNIC})
	s.ns.AddRoute(tcpip.Route{Destination: header.IPv6Loopback.WithPrefix().Subnet(), NIC: LoopbackNIC})
	s.ns.AddRoute(tcpip.Route{Destination: subnet(tcpip.AddrFrom16([16]byte{0xfe, 0x80}), 64), NIC: EthNIC})
	return nil
}

func subnet(a tcpip.Address, bits int) tcpip.Subnet {
	return tcpip.AddressWithPrefix{Address: a, PrefixLen: bits}.Subnet()
}

// receive hands every frame the link delivers to the DHCP client (while
// it runs, its replies stop there) or to netstack.
func (s *Stack) receive() {
	// Room for the largest frame: the MTU, the Ethernet header and a VLAN
	// tag, or what the driver says it may deliver (MaxFrame, optional).
	size := s.mtu + header.EthernetMinimumSize + 4
	if mf, ok := s.link.(interface{ MaxFrame() int }); ok && mf.MaxFrame() > size {
		size = mf.MaxFrame()
	}
	buf := make([]byte, size)
	for {
		n, err := s.link.Receive(buf)
		if err != nil {
			if errors.Is(err, ErrFrameDropped) {
				s.stats.FramesDropped.Add(1)
				continue
			}
			if s.ctx.Err() == nil {
				s.logf("eth0: receive stopped: %v", err)
			}
			return
		}
		if n < header.EthernetMinimumSize {
			s.stats.FramesDropped.Add(1)
			continue
		}
		s.stats.FramesIn.Add(1)
		frame := buf[:n]
		if c := s.dhcp.Load(); c != nil && c.Deliver(frame) {
			s.stats.DHCPFrames.Add(1)
			continue
		}
		pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{
			Payload: buffer.MakeWithData(append([]byte(nil), frame...)),
		})
		// ethernet.Endpoint reads the protocol from the header.
		s.ch.InjectInbound(0, pkt)
		pkt.DecRef()
	}
}

// transmitLoop sends every frame netstack writes.
func (s *Stack) transmitLoop() {
	for {
		pkt := s.ch.ReadContext(s.ctx)
		if pkt == nil {
			return
		}
		frame := pkt.ToView().AsSlice()
		pkt.DecRef()
		s.transmit(frame)
	}
}

// transmit sends one frame; netstack and the DHCP client share it, and the
// Link is promised one Transmit at a time.
func (s *Stack) transmit(frame []byte) error {
	s.txMu.Lock()
	err := s.link.Transmit(frame)
	s.txMu.Unlock()
	if err != nil {
		s.stats.FramesDropped.Add(1)
		return err
	}
	s.stats.FramesOut.Add(1)
	return nil
}

// Netstack returns gVisor's stack, for programs that want to use it
// directly (gonet, extra routes, statistics).
func (s *Stack) Netstack() *stack.Stack { return s.ns }

// Stats returns the counters (live: the fields are atomic).
func (s *Stack) Stats() *Stats { return &s.stats }

// MAC returns eth0's Ethernet address.
func (s *Stack) MAC() [6]byte { return s.mac }

// Provider reports whether goose accepted the stack as its network
// provider (the program's sockets are served here).
func (s *Stack) Provider() bool { return s.out != nil }

// IPv4 returns eth0's IPv4 address and the default gateway (zero values
// while there is none).
func (s *Stack) IPv4() (netip.Prefix, netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v4, s.gw
}

// WaitIPv4 waits until eth0 has an IPv4 address (static at once, or from
// DHCP) or ctx ends.
func (s *Stack) WaitIPv4(ctx context.Context) (netip.Prefix, error) {
	select {
	case <-s.v4ready:
		p, _ := s.IPv4()
		return p, nil
	case <-ctx.Done():
		return netip.Prefix{}, ctx.Err()
	}
}

// Close stops the stack's goroutines and netstack. The provider file stays
// registered (goose has no way to take it back), so Close is for tests and
// for programs that never registered.
func (s *Stack) Close() {
	s.cancel()
	if s.prov != nil {
		s.prov.stop()
	}
	s.ns.Close()
}

// serialQueue runs functions one at a time, in order, on its own
// goroutine; enqueue never blocks. NDP callbacks use it to change routes
// outside netstack's locks.
type serialQueue struct {
	mu      sync.Mutex
	fns     []func()
	running bool
}

func (q *serialQueue) enqueue(fn func()) {
	q.mu.Lock()
	q.fns = append(q.fns, fn)
	if q.running {
		q.mu.Unlock()
		return
	}
	q.running = true
	q.mu.Unlock()
	go func() {
		for {
			q.mu.Lock()
			if len(q.fns) == 0 {
				q.running = false
				q.mu.Unlock()
				return
			}
			fn := q.fns[0]
			q.fns = q.fns[1:]
			q.mu.Unlock()
			fn()
		}
	}()
}

// logger returns the configured log function or the standard one: one
// line on standard error per event, prefixed "goose-net: ".
func (c Config) logger() func(string, ...any) {
	if c.Logf != nil {
		return c.Logf
	}
	return func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "goose-net: "+format+"\n", args...)
	}
}
