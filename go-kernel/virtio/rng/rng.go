// Package rng drives a virtio entropy device (virtio-rng, device type 4):
// an io.Reader of random bytes from the host.
//
//	d, err := virtio.Open(virtio.Config{Regs: regs, IRQ: line})
//	r, err := rng.New(d)
//	_, err = io.ReadFull(r, key[:])
package rng

import (
	"fmt"
	"io"
	"sync"

	"goose/go-kernel/dma"
	"goose/go-kernel/virtio"
)

// BufferSize is the most bytes one request asks the device for.
const BufferSize = 4096

// RNG is a virtio entropy device. It is safe for concurrent use.
type RNG struct {
	d   *virtio.Device
	q   *virtio.Queue
	mu  sync.Mutex
	buf *dma.Buffer
}

// New sets up the entropy device d (freshly opened) and starts it.
func New(d *virtio.Device) (*RNG, error) {
	if d.ID() != virtio.IDEntropy {
		return nil, fmt.Errorf("rng: device is %v, not entropy", d.ID())
	}
	if _, err := d.Negotiate(0); err != nil {
		return nil, err
	}
	q, err := d.SetupQueue(0, 0)
	if err != nil {
		d.Fail()
		return nil, err
	}
	buf, err := d.DMA().Alloc(BufferSize, false)
	if err != nil {
		d.Fail()
		return nil, err
	}
	if err := d.Start(); err != nil {
		buf.Free()
		return nil, err
	}
	return &RNG{d: d, q: q, buf: buf}, nil
}

// Read fills p with up to BufferSize random bytes from the device (fewer if
// the device gives fewer) and returns how many.
func (r *RNG) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n := len(p)
	if n > BufferSize {
		n = BufferSize
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.buf == nil {
		return 0, virtio.ErrClosed
	}
	bufs, err := virtio.AppendBufs(nil, r.buf, 0, n, true, 0)
	if err != nil {
		return 0, err
	}
	for tries := 0; tries < 100; tries++ {
		got, err := r.q.Transfer(bufs)
		if err != nil {
			return 0, err
		}
		if got > 0 {
			b := r.buf.Bytes()[:got]
			copy(p, b)
			for i := range b {
				b[i] = 0 // leave no entropy behind in shared memory
			}
			return int(got), nil
		}
	}
	return 0, io.ErrNoProgress
}

// Close resets the device and frees its memory.
func (r *RNG) Close() error {
	err := r.d.Close() // first: it wakes a Read waiting for the device
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.buf == nil {
		return virtio.ErrClosed
	}
	if err == nil {
		r.buf.Free() // the device is reset: done with the buffer
	}
	r.buf = nil
	return err
}

var _ io.Reader = (*RNG)(nil)
