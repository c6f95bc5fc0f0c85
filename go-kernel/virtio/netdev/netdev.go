// Package netdev drives a virtio network device (virtio-net, device type 1):
// Ethernet frames in and out, the MAC address, link status and MTU.
//
//	d, err := virtio.Open(virtio.Config{Regs: regs, IRQ: line})
//	nic, err := netdev.New(d)
//	err = nic.Transmit(frame)      // an Ethernet frame, without FCS
//	n, err := nic.Receive(buf)     // blocks for the next frame
//
// It negotiates no offloads: every frame travels whole with a zeroed
// virtio_net_hdr, which is 12 bytes with VERSION_1 (num_buffers included).
// The receive queue is kept full of buffers large enough for any frame;
// each received frame's buffer is given back as soon as it is copied out.
// Transmit copies each frame into one of the transmit queue's buffers and
// returns without waiting; the buffers of sent frames are reclaimed on later
// calls. A TCP/IP stack sits on top (Receive in a loop, Transmit for output).
package netdev

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"goose/go-kernel/dma"
	"goose/go-kernel/virtio"
)

// Feature bits (virtio 1.2 section 5.1.3).
const (
	FeatureMTU    = 1 << 3
	FeatureMAC    = 1 << 5
	FeatureStatus = 1 << 16
)

// HeaderLen is the size of struct virtio_net_hdr with VERSION_1.
const HeaderLen = 12

// EthernetOverhead is the Ethernet header plus a VLAN tag: what a frame
// carries besides its payload (the MTU).
const EthernetOverhead = 18

var (
	// ErrFrameSize: a frame to transmit that is empty or does not fit a
	// buffer.
	ErrFrameSize = errors.New("netdev: frame size")
	// ErrShortFrame: the device delivered a buffer shorter than the
	// header; the buffer is given back and the next Receive goes on.
	ErrShortFrame = errors.New("netdev: device delivered a frame shorter than its header")
	// ErrShortBuffer: Receive's buffer was smaller than the frame, which
	// was cut.
	ErrShortBuffer = errors.New("netdev: receive buffer too small; frame truncated")
)

// MAC is an Ethernet address.
type MAC [6]byte

func (m MAC) String() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// Device is a virtio network device. Transmit and Receive may be called
// from different goroutines at once.
type Device struct {
	d        *virtio.Device
	rx, tx   *virtio.Queue
	features uint64
	mac      MAC
	mtu      int
	bufSize  int

	rxMu  sync.Mutex
	rxBuf *dma.Buffer

	txMu   sync.Mutex
	txBuf  *dma.Buffer
	txFree []int
}

// New sets up the network device d (freshly opened), fills the receive
// queue and starts it. Without the MAC feature it makes up a random locally
// administered address.
func New(d *virtio.Device) (*Device, error) {
	if d.ID() != virtio.IDNet {
		return nil, fmt.Errorf("netdev: device is %v, not net", d.ID())
	}
	f, err := d.Negotiate(FeatureMTU | FeatureMAC | FeatureStatus)
	if err != nil {
		return nil, err
	}
	n := &Device{d: d, features: f, mtu: 1500}
	if f&FeatureMAC != 0 {
		err = d.ReadConfig(func() {
			for i := range n.mac {
				n.mac[i] = d.Config8(uintptr(i))
			}
		})
	} else {
		_, err = rand.Read(n.mac[:])
		n.mac[0] = n.mac[0]&^1 | 2 // unicast, locally administered
	}
	if err != nil {
		d.Fail()
		return nil, err
	}
	if f&FeatureMTU != 0 {
		if m := int(d.Config16(10)); m >= 68 {
			n.mtu = m
		}
	}
	n.bufSize = 2048
	for n.bufSize < HeaderLen+EthernetOverhead+n.mtu {
		n.bufSize *= 2
	}
	if n.rx, err = d.SetupQueue(0, 0); err == nil {
		n.tx, err = d.SetupQueue(1, 0)
	}
	if err == nil {
		n.rxBuf, err = d.DMA().Alloc(n.rx.Size()*n.bufSize, false)
	}
	if err == nil {
		n.txBuf, err = d.DMA().Alloc(n.tx.Size()*n.bufSize, false)
	}
	if err != nil {
		n.free()
		d.Fail()
		return nil, err
	}
	for i := 0; i < n.tx.Size(); i++ {
		n.txFree = append(n.txFree, i)
	}
	// fill the receive queue (before DRIVER_OK, notified after it)
	for i := 0; i < n.rx.Size(); i++ {
		if err := n.postRx(i); err != nil {
			if errors.Is(err, virtio.ErrQueueFull) {
				break // a buffer took several descriptors
			}
			n.free()
			d.Fail()
			return nil, err
		}
	}
	if err := d.Start(); err != nil {
		n.free()
		return nil, err
	}
	n.rx.Kick()
	return n, nil
}

func (n *Device) free() {
	if n.rxBuf != nil {
		n.rxBuf.Free()
	}
	if n.txBuf != nil {
		n.txBuf.Free()
	}
	n.rxBuf, n.txBuf = nil, nil
}

func (n *Device) postRx(slot int) error {
	bufs, err := virtio.AppendBufs(nil, n.rxBuf, slot*n.bufSize, n.bufSize, true, 0)
	if err != nil {
		return err
	}
	return n.rx.TryAdd(bufs, slot)
}

// MAC returns the device's Ethernet address.
func (n *Device) MAC() MAC { return n.mac }

// MTU returns the largest payload of a frame (1500 unless the device says).
func (n *Device) MTU() int { return n.mtu }

// MaxFrame returns the largest frame Transmit takes and Receive returns.
func (n *Device) MaxFrame() int { return n.bufSize - HeaderLen }

// Features returns the negotiated feature bits.
func (n *Device) Features() uint64 { return n.features }

// LinkUp reports the link status (always up without the STATUS feature).
func (n *Device) LinkUp() bool {
	if n.features&FeatureStatus == 0 {
		return true
	}
	var s uint16
	n.d.ReadConfig(func() { s = n.d.Config16(6) })
	return s&1 != 0
}

// Transmit sends one Ethernet frame (destination, source, type, payload;
// no FCS). It returns once the frame is queued, waiting only when every
// transmit buffer is in flight.
func (n *Device) Transmit(frame []byte) error {
	if len(frame) == 0 || len(frame) > n.MaxFrame() {
		return fmt.Errorf("%w: %d bytes (at most %d)", ErrFrameSize, len(frame), n.MaxFrame())
	}
	n.txMu.Lock()
	defer n.txMu.Unlock()
	if n.txBuf == nil {
		return virtio.ErrClosed
	}
	for {
		u, ok, err := n.tx.Pop()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		n.txFree = append(n.txFree, u.Token.(int))
	}
	if len(n.txFree) == 0 {
		u, err := n.tx.PopWait()
		if err != nil {
			return err
		}
		n.txFree = append(n.txFree, u.Token.(int))
	}
	slot := n.txFree[len(n.txFree)-1]
	off := slot * n.bufSize
	b := n.txBuf.Bytes()[off : off+HeaderLen+len(frame)]
	for i := 0; i < HeaderLen; i++ {
		b[i] = 0
	}
	copy(b[HeaderLen:], frame)
	bufs, err := virtio.AppendBufs(nil, n.txBuf, off, len(b), false, 0)
	if err != nil {
		return err
	}
	if err := n.tx.Add(bufs, slot); err != nil {
		return err
	}
	n.txFree = n.txFree[:len(n.txFree)-1]
	n.tx.Kick()
	return nil
}

// Receive waits for the next frame and copies it into p, returning its
// length. If p is too small the frame is cut and the error is
// ErrShortBuffer.
func (n *Device) Receive(p []byte) (int, error) {
	n.rxMu.Lock()
	defer n.rxMu.Unlock()
	if n.rxBuf == nil {
		return 0, virtio.ErrClosed
	}
	u, err := n.rx.PopWait()
	if err != nil {
		return 0, err
	}
	return n.deliver(u, p)
}

// TryReceive is Receive without waiting: ok is false when no frame has
// arrived.
func (n *Device) TryReceive(p []byte) (int, bool, error) {
	n.rxMu.Lock()
	defer n.rxMu.Unlock()
	if n.rxBuf == nil {
		return 0, false, virtio.ErrClosed
	}
	u, ok, err := n.rx.Pop()
	if !ok || err != nil {
		return 0, false, err
	}
	k, err := n.deliver(u, p)
	return k, true, err
}

func (n *Device) deliver(u virtio.Used, p []byte) (int, error) {
	slot := u.Token.(int)
	var k int
	var err error
	if u.Len < HeaderLen {
		err = fmt.Errorf("%w (%d bytes)", ErrShortFrame, u.Len)
	} else {
		off := slot * n.bufSize
		frame := n.rxBuf.Bytes()[off+HeaderLen : off+int(u.Len)]
		k = copy(p, frame)
		if k < len(frame) {
			err = ErrShortBuffer
		}
	}
	if perr := n.postRx(slot); perr != nil {
		return k, perr
	}
	n.rx.Kick()
	return k, err
}

// Close resets the device and frees its memory.
func (n *Device) Close() error {
	err := n.d.Close() // first: it wakes a Receive or Transmit waiting
	n.rxMu.Lock()
	defer n.rxMu.Unlock()
	n.txMu.Lock()
	defer n.txMu.Unlock()
	if n.rxBuf == nil {
		return virtio.ErrClosed
	}
	if err == nil {
		n.free()
	}
	n.rxBuf, n.txBuf = nil, nil
	return err
}
