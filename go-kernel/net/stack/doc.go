// Package stack is goose's network provider: it serves the internet
// sockets of a stock Go program (net.Dial, net.Listen, net/http, ...) with
// gVisor's netstack (gvisor.dev/gvisor/pkg/tcpip) over a NIC driver.
//
// goose forwards every system call the program makes on an AF_INET or
// AF_INET6 stream or datagram socket to the provider, through the provider
// file (payload/include/uapi/goose_net.h; abi.go mirrors it). The provider
// runs in the same program, in its own goroutines: it reads request
// records, performs each call on netstack with Linux's semantics, reads and
// writes the program's buffers and sockaddrs itself (the address space is
// shared), and writes back REPLY records and READY records that tell each
// socket's readiness as Linux's poll would. It also tells goose the
// interfaces and addresses (LINK and ADDR records), which goose reports
// through netlink, so net.Interfaces shows them.
//
// A NIC driver plugs in as a Link (Ethernet frames in and out); Start
// builds the stack over it: NIC 1 is the loopback "lo" (127.0.0.1/8, ::1),
// NIC 2 is "eth0" over the link, with an IPv6 link-local address from the
// MAC, SLAAC from router advertisements, and IPv4 from DHCP (package
// goose/go-kernel/net/dhcp) or from the configuration. Package
// goose/go-kernel/net/virtio does all of it for a virtio-net device from
// one blank import.
//
// # Two rules of the runtime
//
// The thread that made a socket call waits inside goose until the reply,
// and it keeps its Go P (processor) while it waits, as any thread in a
// system call does. With GOMAXPROCS=1 the provider's goroutines could then
// run only after the runtime's sysmon took that P back, which it does after
// 20 µs to 10 ms: every socket call would cost that much. Start therefore
// raises GOMAXPROCS to at least 2, so that a P is free for the provider
// while the caller waits.
//
// The provider must never itself make system calls on internet sockets:
// such a call would come back to the provider, which would wait for itself.
// Nothing here uses package net's sockets; the DHCP client sends and
// receives whole Ethernet frames through the link.
//
// # Configuration
//
// ConfigFromEnv reads the environment, into which goose turns the boot
// arguments that contain "=":
//
//	GOOSE_NET=off                 do nothing
//	GOOSE_NET_ADDR=10.0.2.15/24   static IPv4 address (no DHCP)
//	GOOSE_NET_GW=10.0.2.2         default gateway (with GOOSE_NET_ADDR)
//	GOOSE_NET_DNS=10.0.2.3[,...]  name servers (override DHCP's)
//	GOOSE_NET_WAIT=10s            how long start-up waits for IPv4 (0: not)
//	GOOSE_NET_DNS_TCP=1           "options use-vc" in /etc/resolv.conf
//
// Every event is one line on standard error, prefixed "goose-net: ".
package stack
