// Package platform connects virtio drivers to a machine: it finds the
// virtio-mmio transports a device tree describes and opens them through the
// operating system's interfaces (goose's, or Linux's as root):
//
//   - registers: mmio.Map (open /dev/mem, mmap MAP_SHARED at the physical
//     address);
//   - interrupts: irq.Open (/dev/irq/<n>, n the PLIC interrupt number; or
//     a Linux UIO device through irq.Pattern);
//   - memory: dma.Default() (locked anonymous mappings, /proc/self/pagemap).
//
// Typical use in a Go kernel under goose:
//
//	tree, err := platform.ReadTree()          // /sys/firmware/fdt
//	d, err := platform.Find(tree, virtio.IDEntropy, platform.Options{})
//	r, err := rng.New(d)
//
// The drivers themselves (virtio/rng, virtio/blk, virtio/netdev) do not
// depend on this package.
package platform

import (
	"errors"
	"fmt"
	"os"
	"time"

	"goose/go-kernel/dma"
	"goose/go-kernel/fdt"
	"goose/go-kernel/irq"
	"goose/go-kernel/mmio"
	"goose/go-kernel/virtio"
)

// FDTPath is where ReadTree reads the device tree (goose and Linux both show
// the firmware's tree there).
var FDTPath = "/sys/firmware/fdt"

// ReadTree reads and parses the machine's device tree.
func ReadTree() (*fdt.Tree, error) {
	blob, err := os.ReadFile(FDTPath)
	if err != nil {
		return nil, err
	}
	return fdt.Parse(blob)
}

// Transport is one virtio-mmio transport of the device tree.
type Transport struct {
	Node string // path of the device tree node
	Addr uint64 // physical address of the registers
	Size uint64
	IRQ  int // interrupt number at its controller, -1 if none
}

// Transports returns the enabled virtio-mmio transports (compatible
// "virtio,mmio") in tree order, with physical addresses and interrupts.
func Transports(t *fdt.Tree) ([]Transport, error) {
	var out []Transport
	for _, n := range t.Compatible("virtio,mmio") {
		if !n.Enabled() {
			continue
		}
		regs, err := n.PhysReg()
		if err != nil {
			return nil, err
		}
		tr := Transport{Node: n.Path(), Addr: regs[0].Addr, Size: regs[0].Size, IRQ: -1}
		if n.Has("interrupts") || n.Has("interrupts-extended") {
			irqs, err := n.Interrupts()
			if err != nil {
				return nil, err
			}
			if len(irqs) > 0 && len(irqs[0].Specifier) > 0 {
				tr.IRQ = int(irqs[0].Specifier[0])
			}
		}
		out = append(out, tr)
	}
	return out, nil
}

// Options tune how a transport is opened.
type Options struct {
	// Poll opens the device without its interrupt: the driver polls.
	Poll bool
	// DMA is the allocator (default dma.Default()).
	DMA *dma.Allocator
	// QueueSize, Timeout: see virtio.Config.
	QueueSize int
	Timeout   time.Duration
}

// ErrNotFound is returned by Find when no transport has the device.
var ErrNotFound = errors.New("platform: no such virtio device")

// Probe maps a transport's registers and reads what device it has. The
// caller closes the region when it does not open the device.
func Probe(tr Transport) (*mmio.Region, virtio.Info, error) {
	size := tr.Size
	if size < 0x200 || size > 1<<20 {
		size = 0x1000
	}
	r, err := mmio.Map(tr.Addr, int(size))
	if err != nil {
		return nil, virtio.Info{}, err
	}
	info, err := virtio.Probe(r)
	if err != nil {
		r.Close()
		return nil, info, err
	}
	return r, info, nil
}

// Open opens the device behind transport tr (virtio.Open: reset,
// ACKNOWLEDGE, DRIVER); hand the result to a driver's New.
func Open(tr Transport, o Options) (*virtio.Device, error) {
	r, _, err := Probe(tr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tr.Node, err)
	}
	cfg := virtio.Config{Regs: r, DMA: o.DMA, QueueSize: o.QueueSize, Timeout: o.Timeout}
	if !o.Poll && tr.IRQ >= 0 {
		line, err := irq.Open(tr.IRQ)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("%s: %w", tr.Node, err)
		}
		cfg.IRQ = line
	}
	d, err := virtio.Open(cfg)
	if err != nil {
		if c, ok := cfg.IRQ.(*irq.Line); ok {
			c.Close()
		}
		r.Close()
		return nil, fmt.Errorf("%s: %w", tr.Node, err)
	}
	return d, nil
}

// Find opens the first transport of the tree whose device is id.
func Find(t *fdt.Tree, id virtio.DeviceID, o Options) (*virtio.Device, error) {
	trs, err := Transports(t)
	if err != nil {
		return nil, err
	}
	for _, tr := range trs {
		r, info, err := Probe(tr)
		if err != nil {
			if errors.Is(err, virtio.ErrNoDevice) {
				continue
			}
			return nil, fmt.Errorf("%s: %w", tr.Node, err)
		}
		r.Close()
		if info.DeviceID == id {
			return Open(tr, o)
		}
	}
	return nil, fmt.Errorf("%w: %v", ErrNotFound, id)
}
