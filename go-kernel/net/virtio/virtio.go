// Package virtio brings a Go program's networking up over a virtio-net
// device with one blank import:
//
//	import _ "goose/go-kernel/net/virtio"
//
// Its init finds the device in the device tree (go-kernel/virtio/platform),
// starts the driver (go-kernel/virtio/netdev), starts the network stack
// over it (goose/go-kernel/net/stack, configured from the environment:
// GOOSE_NET, GOOSE_NET_ADDR, ...) which registers with goose as the
// network provider, and waits up to GOOSE_NET_WAIT (default 10s) for an
// IPv4 address, so that main starts with the network up. Without a
// virtio-net device it says so in one line and the program runs on without
// a network.
//
// Programs that want the stack itself (gVisor's netstack, counters) get
// it from Stack.
package virtio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"goose/go-kernel/net/stack"
	kvirtio "goose/go-kernel/virtio"
	"goose/go-kernel/virtio/netdev"
	"goose/go-kernel/virtio/platform"
)

var running *stack.Stack

// Stack returns the running stack, or nil when networking did not start.
func Stack() *stack.Stack { return running }

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "goose-net: "+format+"\n", args...)
}

func init() {
	cfg, errs := stack.ConfigFromEnv()
	for _, err := range errs {
		logf("%v", err)
	}
	if cfg.Off {
		return
	}
	s, err := Start(cfg)
	if err != nil {
		logf("%v", err)
		return
	}
	running = s
	if cfg.Wait <= 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Wait)
	defer cancel()
	if _, err := s.WaitIPv4(ctx); err != nil {
		logf("no IPv4 address after %v; starting anyway (DHCP goes on)", cfg.Wait)
	}
}

// Start finds the virtio-net device, starts its driver and the stack over
// it. It is what init does; a program that set GOOSE_NET=off may call it
// itself, with its own configuration.
func Start(cfg stack.Config) (*stack.Stack, error) {
	tree, err := platform.ReadTree()
	if errors.Is(err, fs.ErrNotExist) {
		// Not goose (Linux, qemu-riscv64): the kernel's own network serves the program.
		return nil, fmt.Errorf("no device tree (%w): not running on goose; the kernel's sockets serve the program", err)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the device tree: %w", err)
	}
	d, err := platform.Find(tree, kvirtio.IDNet, platform.Options{})
	if errors.Is(err, platform.ErrNotFound) {
		return nil, errors.New("no network device")
	}
	if err != nil {
		return nil, fmt.Errorf("network device: %w", err)
	}
	nic, err := netdev.New(d)
	if err != nil {
		return nil, fmt.Errorf("network device: %w", err)
	}
	if !nic.LinkUp() {
		logf("eth0: link is down (starting anyway)")
	}
	s, err := stack.Start(link{nic}, cfg)
	if err != nil {
		nic.Close()
		return nil, err
	}
	return s, nil
}

// link adapts netdev.Device to stack.Link.
type link struct{ d *netdev.Device }

func (l link) MAC() [6]byte            { return l.d.MAC() }
func (l link) MTU() int                { return l.d.MTU() }
func (l link) Transmit(f []byte) error { return l.d.Transmit(f) }
func (l link) MaxFrame() int           { return l.d.MaxFrame() }
func (l link) Receive(buf []byte) (int, error) {
	n, err := l.d.Receive(buf)
	if errors.Is(err, netdev.ErrShortFrame) || errors.Is(err, netdev.ErrShortBuffer) {
		return n, fmt.Errorf("%w: %v", stack.ErrFrameDropped, err)
	}
	return n, err
}

// Ensure the adapter stays a stack.Link.
var _ stack.Link = link{}
