package virtiotest

import (
	"encoding/binary"
	"sync"

	"goose/go-kernel/virtio"
)

// NewRNG returns an entropy device (type 4) with one queue of qmax entries
// that fills every buffer with bytes from a deterministic generator (seeded
// with seed): Expected gives the same stream.
func NewRNG(mem Memory, qmax uint32, seed uint64) *Device {
	g := &xorshift{s: seed | 1}
	return New(mem, virtio.IDEntropy, 1, qmax, 0, nil, func(d *Device, q int) {
		for {
			c, ok := d.Pop(q)
			if !ok {
				return
			}
			n := c.WritableLen()
			c.WriteAt(g.bytes(n), 0)
			d.Push(q, c, uint32(n))
		}
	})
}

// Expected returns the first n bytes an RNG device seeded with seed gives.
func Expected(seed uint64, n int) []byte { return (&xorshift{s: seed | 1}).bytes(n) }

type xorshift struct{ s uint64 }

func (x *xorshift) bytes(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		x.s ^= x.s << 13
		x.s ^= x.s >> 7
		x.s ^= x.s << 17
		out[i] = byte(x.s >> 32)
	}
	return out
}

// Block device request types and status values (virtio 1.2 section 5.2.6).
const (
	BlkIn     = 0
	BlkOut    = 1
	BlkFlush  = 4
	BlkGetID  = 8
	BlkOK     = 0
	BlkIOErr  = 1
	BlkUnsupp = 2
)

// Block device feature bits.
const (
	BlkFSizeMax = 1 << 1
	BlkFSegMax  = 1 << 2
	BlkFRO      = 1 << 5
	BlkFBlkSize = 1 << 6
	BlkFFlush   = 1 << 9
)

// Block is a simulated block device backed by Disk.
type Block struct {
	*Device
	mu      sync.Mutex
	Disk    []byte
	Flushes int
	Serial  string
	// Status, if set, overrides the status byte of each request.
	Status func(typ uint32) (status byte, override bool)
	// Requests counts requests by type.
	Requests map[uint32]int
}

// NewBlock returns a block device (type 2) over disk (a multiple of 512
// bytes) with the given extra features (BlkF*); sizeMax and segMax are its
// limits (0: not offered).
func NewBlock(mem Memory, qmax uint32, disk []byte, features uint64, sizeMax, segMax uint32) *Block {
	config := make([]byte, 0x3c)
	binary.LittleEndian.PutUint64(config[0:], uint64(len(disk)/512))
	if sizeMax > 0 {
		features |= BlkFSizeMax
		binary.LittleEndian.PutUint32(config[8:], sizeMax)
	}
	if segMax > 0 {
		features |= BlkFSegMax
		binary.LittleEndian.PutUint32(config[12:], segMax)
	}
	binary.LittleEndian.PutUint32(config[20:], 4096) // blk_size
	b := &Block{Disk: disk, Serial: "goose-virtiotest", Requests: map[uint32]int{}}
	b.Device = New(mem, virtio.IDBlock, 1, qmax, features|BlkFBlkSize, config, func(d *Device, q int) {
		for {
			c, ok := d.Pop(q)
			if !ok {
				return
			}
			n := b.serve(c, sizeMax, segMax)
			d.Push(q, c, n)
		}
	})
	return b
}

func (b *Block) serve(c *Chain, sizeMax, segMax uint32) uint32 {
	b.mu.Lock()
	defer b.mu.Unlock()
	in := c.ReadAll()
	wl := c.WritableLen()
	if len(in) < 16 || wl < 1 {
		b.Device.errs = append(b.Device.errs, "block request without header or status")
		return 0
	}
	typ := binary.LittleEndian.Uint32(in)
	sector := binary.LittleEndian.Uint64(in[8:])
	b.Requests[typ]++
	data := in[16:]
	status := byte(BlkOK)
	written := 0
	segs := len(c.Readable) + len(c.Writable) - 2
	if segMax > 0 && segs > int(segMax) {
		b.Device.violate("block request of %d data segments, seg_max %d", segs, segMax)
	}
	if sizeMax > 0 {
		for _, s := range append(append([][]byte(nil), c.Readable...), c.Writable...) {
			if len(s) > int(sizeMax) {
				b.Device.violate("block segment of %d bytes, size_max %d", len(s), sizeMax)
			}
		}
	}
	switch typ {
	case BlkIn:
		n := wl - 1
		off := sector * 512
		if n%512 != 0 || off > uint64(len(b.Disk)) || uint64(n) > uint64(len(b.Disk))-off {
			status = BlkIOErr
		} else {
			written = c.WriteAt(b.Disk[off:off+uint64(n)], 0)
		}
	case BlkOut:
		off := sector * 512
		if b.Device.features&BlkFRO != 0 {
			status = BlkIOErr
		} else if len(data)%512 != 0 || off > uint64(len(b.Disk)) || uint64(len(data)) > uint64(len(b.Disk))-off {
			status = BlkIOErr
		} else {
			copy(b.Disk[off:], data)
		}
	case BlkFlush:
		b.Flushes++
	case BlkGetID:
		id := make([]byte, 20)
		copy(id, b.Serial)
		written = c.WriteAt(id, 0)
	default:
		status = BlkUnsupp
	}
	if b.Status != nil {
		if s, ok := b.Status(typ); ok {
			status = s
		}
	}
	c.WriteAt([]byte{status}, wl-1)
	return uint32(written + 1)
}

// Network device feature bits.
const (
	NetFMAC    = 1 << 5
	NetFStatus = 1 << 16
	NetFMTU    = 1 << 3
)

// NetHdrLen is the size of struct virtio_net_hdr with VERSION_1.
const NetHdrLen = 12

// Net is a simulated network device (type 1) that loops every transmitted
// frame back to the receive queue. Frames can also be injected, and every
// transmitted frame is recorded.
type Net struct {
	*Device
	Sent    [][]byte // frames transmitted, without the header
	pending [][]byte // frames waiting for a receive buffer
	// BadHeaders records transmitted headers that were not all zero.
	BadHeaders int
	// Loopback sends each transmitted frame back (default true).
	Loopback bool
	// Truncate, if positive, cuts received frames' used length to it
	// (a device bug).
	Truncate uint32
}

// NewNet returns a network device with MAC mac and link status up.
func NewNet(mem Memory, qmax uint32, mac [6]byte, mtu uint16) *Net {
	config := make([]byte, 12)
	copy(config, mac[:])
	binary.LittleEndian.PutUint16(config[6:], 1) // VIRTIO_NET_S_LINK_UP
	binary.LittleEndian.PutUint16(config[8:], 1)
	binary.LittleEndian.PutUint16(config[10:], mtu)
	n := &Net{Loopback: true}
	n.Device = New(mem, virtio.IDNet, 2, qmax, NetFMAC|NetFStatus|NetFMTU, config, func(d *Device, q int) {
		if q == 1 {
			for {
				c, ok := d.Pop(1)
				if !ok {
					break
				}
				pkt := c.ReadAll()
				if len(pkt) < NetHdrLen {
					d.errs = append(d.errs, "transmitted packet shorter than the header")
				} else {
					for _, b := range pkt[:NetHdrLen] {
						if b != 0 {
							n.BadHeaders++
							break
						}
					}
					frame := append([]byte(nil), pkt[NetHdrLen:]...)
					n.Sent = append(n.Sent, frame)
					if n.Loopback {
						n.pending = append(n.pending, frame)
					}
				}
				d.Push(1, c, 0)
			}
		}
		n.deliverLocked()
	})
	return n
}

// Inject queues a frame for reception.
func (n *Net) Inject(frame []byte) {
	n.Device.mu.Lock()
	defer n.Device.mu.Unlock()
	n.pending = append(n.pending, append([]byte(nil), frame...))
	if n.Device.queues[0].ready && n.Device.status&virtio.StatusDriverOK != 0 {
		n.deliverLocked()
	}
}

// SentFrames returns the frames transmitted so far.
func (n *Net) SentFrames() [][]byte {
	n.Device.mu.Lock()
	defer n.Device.mu.Unlock()
	return append([][]byte(nil), n.Sent...)
}

// Pending returns how many frames wait for receive buffers.
func (n *Net) Pending() int {
	n.Device.mu.Lock()
	defer n.Device.mu.Unlock()
	return len(n.pending)
}

func (n *Net) deliverLocked() {
	d := n.Device
	for len(n.pending) > 0 {
		c, ok := d.Pop(0)
		if !ok {
			return
		}
		f := n.pending[0]
		n.pending = n.pending[1:]
		hdr := make([]byte, NetHdrLen)
		binary.LittleEndian.PutUint16(hdr[10:], 1) // num_buffers
		if c.WritableLen() < NetHdrLen+len(f) {
			d.errs = append(d.errs, "receive buffer too small for a frame")
			d.Push(0, c, 0)
			continue
		}
		c.WriteAt(hdr, 0)
		c.WriteAt(f, NetHdrLen)
		l := uint32(NetHdrLen + len(f))
		if n.Truncate > 0 {
			l = n.Truncate
		}
		d.Push(0, c, l)
	}
}
