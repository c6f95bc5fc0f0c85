// httpd: a Go kernel that serves HTTP over a virtio network device, with
// gVisor's TCP/IP stack (gvisor.dev/gvisor/pkg/tcpip) on top of
// go-kernel/virtio/netdev and Go's own net/http on top of that.
//
//	make run KERNEL=go-kernel/examples/httpd BOOTARGS='goose.quiet' \
//	    QEMU_EXTRA='-global virtio-mmio.force-legacy=false
//	        -netdev user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80
//	        -device virtio-net-device,netdev=n0'
//	curl http://127.0.0.1:8080/
//
// This directory is its own Go module: gVisor needs a newer Go than the
// go-kernel module (which builds with Go 1.19), and go.mod points
// goose/go-kernel at ../.. with a replace directive.
//
// The layers, from the wire up:
//
//	virtio-net (QEMU)  <-DMA rings, /dev/irq/<n>->  netdev.Device
//	netdev.Device      <-frames (rx and tx goroutines)->  channel.Endpoint
//	ethernet.Endpoint  (adds and strips Ethernet headers; ARP resolves)
//	stack.Stack        (IPv4, ARP, ICMP echo, TCP)
//	gonet.TCPListener  (a net.Listener)  ->  http.Server
//
// The address is static (QEMU's user network: 10.0.2.15/24, gateway
// 10.0.2.2). Routes: / (hello), /sum?n=N, /bytes?n=N (N bytes of a known
// pattern), POST /echo (length and SHA-256 of the body), /stats, /quit (stop
// the server; exit status 0). Without /quit the server stops after -timeout
// with status 3.
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/link/ethernet"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"

	"goose/go-kernel/virtio"
	"goose/go-kernel/virtio/netdev"
	"goose/go-kernel/virtio/platform"
)

const nicID tcpip.NICID = 1

var (
	rxFrames, txFrames, rxDropped, txDropped atomic.Uint64
	requests                                 atomic.Uint64
)

func main() {
	addr := flag.String("addr", "10.0.2.15/24", "the interface's IPv4 address and prefix")
	gw := flag.String("gw", "10.0.2.2", "the default gateway")
	port := flag.Int("port", 80, "the TCP port to serve HTTP on")
	timeout := flag.Duration("timeout", 5*time.Minute, "stop (status 3) when /quit has not come by then")
	poll := flag.Bool("poll", false, "poll the rings instead of waiting for the interrupt")
	flag.Parse()

	// 1. The device: found in the device tree, registers through /dev/mem,
	// rings and buffers in DMA memory, its interrupt through /dev/irq/<n>.
	tree, err := platform.ReadTree()
	check("read the device tree", err)
	d, err := platform.Find(tree, virtio.IDNet, platform.Options{Poll: *poll})
	check("find the network device", err)
	nic, err := netdev.New(d)
	check("start the network device", err)
	fmt.Printf("httpd: virtio-net %v, MTU %d, link up %v\n", nic.MAC(), nic.MTU(), nic.LinkUp())

	// 2. The TCP/IP stack, and the bridge between it and the device.
	s := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol, arp.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, icmp.NewProtocol4},
	})
	mac := nic.MAC()
	link := channel.New(256, uint32(nic.MTU()+header.EthernetMinimumSize), tcpip.LinkAddress(mac[:]))
	if e := s.CreateNIC(nicID, ethernet.New(link)); e != nil {
		fail("create the NIC: %v", e)
	}
	prefix, err := parsePrefix(*addr)
	check("parse -addr", err)
	if e := s.AddProtocolAddress(nicID, tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: prefix},
		stack.AddressProperties{}); e != nil {
		fail("add the address: %v", e)
	}
	gateway := net.ParseIP(*gw).To4()
	if gateway == nil {
		fail("-gw %q is not an IPv4 address", *gw)
	}
	s.SetRouteTable([]tcpip.Route{
		{Destination: prefix.Subnet(), NIC: nicID},
		{Destination: header.IPv4EmptySubnet, Gateway: tcpip.AddrFrom4Slice(gateway), NIC: nicID},
	})
	ctx, stopLink := context.WithCancel(context.Background())
	go receive(nic, link)
	go transmit(ctx, nic, link)

	// 3. HTTP over gonet's net.Listener.
	ln, err := gonet.ListenTCP(s, tcpip.FullAddress{NIC: nicID, Port: uint16(*port)}, ipv4.ProtocolNumber)
	check("listen", err)
	quit := make(chan struct{})
	srv := &http.Server{Handler: routes(d, quit), ReadHeaderTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Printf("httpd: serving http://%s:%d/\n", prefix.Address, *port)

	status := 0
	select {
	case <-quit:
		fmt.Println("httpd: /quit asked; stopping")
	case <-time.After(*timeout):
		fmt.Printf("httpd: no /quit within %v; stopping\n", *timeout)
		status = 3
	case err := <-served:
		fmt.Println("httpd: serve:", err)
		status = 1
	}
	// Let the /quit response leave before the connections close.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Println("httpd: shutdown:", err)
	}
	cancel()
	time.Sleep(100 * time.Millisecond) // the last segments and their ACKs
	irqs, _ := d.Interrupts()
	fmt.Printf("httpd: %d requests; frames received %d, sent %d, dropped %d+%d; %d interrupts\n",
		requests.Load(), rxFrames.Load(), txFrames.Load(), rxDropped.Load(), txDropped.Load(), irqs)
	stopLink()
	s.Close()
	nic.Close()
	os.Exit(status)
}

// receive hands every frame the device delivers to the stack.
func receive(nic *netdev.Device, link *channel.Endpoint) {
	buf := make([]byte, nic.MaxFrame())
	for {
		n, err := nic.Receive(buf)
		if errors.Is(err, virtio.ErrClosed) {
			return
		}
		if err != nil {
			if errors.Is(err, netdev.ErrShortFrame) || errors.Is(err, netdev.ErrShortBuffer) {
				rxDropped.Add(1)
				continue
			}
			fmt.Println("httpd: receive:", err)
			return
		}
		if n < header.EthernetMinimumSize {
			rxDropped.Add(1)
			continue
		}
		rxFrames.Add(1)
		pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{
			Payload: buffer.MakeWithData(append([]byte(nil), buf[:n]...)),
		})
		// the protocol is read from the Ethernet header by ethernet.Endpoint
		link.InjectInbound(0, pkt)
		pkt.DecRef()
	}
}

// transmit sends every frame the stack writes (Ethernet header included).
func transmit(ctx context.Context, nic *netdev.Device, link *channel.Endpoint) {
	for {
		pkt := link.ReadContext(ctx)
		if pkt == nil {
			return
		}
		frame := pkt.ToView().AsSlice()
		pkt.DecRef()
		if err := nic.Transmit(frame); err != nil {
			if errors.Is(err, virtio.ErrClosed) {
				return
			}
			txDropped.Add(1)
			continue
		}
		txFrames.Add(1)
	}
}

func routes(d *virtio.Device, quit chan struct{}) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "Hello from goose! This Go kernel (%s, %s/%s, %d CPU) serves HTTP "+
			"with gVisor's netstack over virtio-net.\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	})
	mux.HandleFunc("/sum", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
		if err != nil || n < 0 || n > 1<<31 {
			http.Error(w, "want /sum?n=N with 0 <= N <= 2^31", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "sum 1..%d = %d\n", n, n*(n+1)/2)
	})
	mux.HandleFunc("/bytes", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 0 || n > 64<<20 {
			http.Error(w, "want /bytes?n=N with 0 <= N <= 64 MiB", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		chunk := make([]byte, 32<<10)
		for off := 0; off < n; off += len(chunk) {
			k := len(chunk)
			if n-off < k {
				k = n - off
			}
			for i := 0; i < k; i++ {
				chunk[i] = byte((off + i) % 251) // byte i of the body is i mod 251
			}
			if _, err := w.Write(chunk[:k]); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST a body", http.StatusMethodNotAllowed)
			return
		}
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d bytes, sha256 %x\n", n, h.Sum(nil))
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		irqs, _ := d.Interrupts()
		fmt.Fprintf(w, "requests %d\nframes received %d\nframes sent %d\ndropped %d %d\ninterrupts %d\n",
			requests.Load(), rxFrames.Load(), txFrames.Load(), rxDropped.Load(), txDropped.Load(), irqs)
	})
	var once atomic.Bool
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		if once.CompareAndSwap(false, true) {
			close(quit)
		}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		mux.ServeHTTP(w, r)
	})
}

func parsePrefix(s string) (tcpip.AddressWithPrefix, error) {
	ip, ipnet, err := net.ParseCIDR(s)
	if err != nil {
		return tcpip.AddressWithPrefix{}, err
	}
	ip4 := ip.To4()
	if ip4 == nil {
		return tcpip.AddressWithPrefix{}, fmt.Errorf("%s is not IPv4", s)
	}
	ones, _ := ipnet.Mask.Size()
	return tcpip.AddressWithPrefix{Address: tcpip.AddrFrom4Slice(ip4), PrefixLen: ones}, nil
}

func check(what string, err error) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Printf("httpd: "+format+"\n", args...)
	os.Exit(1)
}
