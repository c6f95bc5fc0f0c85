// Package blk drives a virtio block device (virtio-blk, device type 2):
// reads and writes of 512-byte sectors, capacity, flush and the device's
// serial number.
//
//	d, err := virtio.Open(virtio.Config{Regs: regs, IRQ: line})
//	disk, err := blk.New(d)
//	buf := make([]byte, blk.SectorSize)
//	err = disk.ReadSectors(0, buf)
//
// Requests go through a bounce buffer in DMA memory (MaxTransfer bytes);
// longer ones are split, as are ones that would break the device's size_max
// and seg_max limits. ReadAt and WriteAt take any offset and length, reading
// (and for writes, rewriting) the partial sectors at either end.
package blk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"goose/go-kernel/dma"
	"goose/go-kernel/virtio"
)

// SectorSize is the unit of block device addresses.
const SectorSize = 512

// MaxTransfer is the size of the bounce buffer: the most bytes one request
// moves.
const MaxTransfer = 64 << 10

// Feature bits (virtio 1.2 section 5.2.3).
const (
	FeatureSizeMax = 1 << 1
	FeatureSegMax  = 1 << 2
	FeatureRO      = 1 << 5
	FeatureBlkSize = 1 << 6
	FeatureFlush   = 1 << 9
)

// Request types and status values.
const (
	typeIn    = 0
	typeOut   = 1
	typeFlush = 4
	typeGetID = 8

	statusOK     = 0
	statusIOErr  = 1
	statusUnsupp = 2
)

var (
	// ErrIO: the device reported an I/O error (VIRTIO_BLK_S_IOERR).
	ErrIO = errors.New("blk: I/O error")
	// ErrUnsupported: the device does not support the request.
	ErrUnsupported = errors.New("blk: request not supported by the device")
	// ErrReadOnly: the device is read-only.
	ErrReadOnly = errors.New("blk: device is read-only")
	// ErrRange: the request goes beyond the end of the device.
	ErrRange = errors.New("blk: beyond the end of the device")
	// ErrAlign: a sector request with a length that is not a whole number
	// of sectors.
	ErrAlign = errors.New("blk: length is not a multiple of the sector size")
)

// Device is a virtio block device. It is safe for concurrent use (requests
// are made one at a time).
type Device struct {
	d *virtio.Device
	q *virtio.Queue

	capacity uint64 // sectors
	blkSize  uint32
	sizeMax  uint32
	segMax   uint32
	features uint64

	mu   sync.Mutex
	req  *dma.Buffer // header at 0 (16 bytes), status at 16
	data *dma.Buffer
}

// New sets up the block device d (freshly opened) and starts it.
func New(d *virtio.Device) (*Device, error) {
	if d.ID() != virtio.IDBlock {
		return nil, fmt.Errorf("blk: device is %v, not block", d.ID())
	}
	f, err := d.Negotiate(FeatureSizeMax | FeatureSegMax | FeatureRO | FeatureBlkSize | FeatureFlush)
	if err != nil {
		return nil, err
	}
	b := &Device{d: d, features: f, blkSize: SectorSize}
	err = d.ReadConfig(func() {
		b.capacity = uint64(d.Config32(0)) | uint64(d.Config32(4))<<32
		if f&FeatureSizeMax != 0 {
			b.sizeMax = d.Config32(8)
		}
		if f&FeatureSegMax != 0 {
			b.segMax = d.Config32(12)
		}
		if f&FeatureBlkSize != 0 {
			b.blkSize = d.Config32(20)
		}
	})
	if err != nil {
		d.Fail()
		return nil, err
	}
	if b.blkSize < SectorSize || b.blkSize&(b.blkSize-1) != 0 {
		b.blkSize = SectorSize
	}
	if b.q, err = d.SetupQueue(0, 0); err != nil {
		d.Fail()
		return nil, err
	}
	if b.q.Size() < 3 {
		d.Fail()
		return nil, fmt.Errorf("blk: queue of %d entries cannot hold a request", b.q.Size())
	}
	if b.req, err = d.DMA().Alloc(64, true); err != nil {
		d.Fail()
		return nil, err
	}
	if b.data, err = d.DMA().Alloc(MaxTransfer, false); err != nil {
		b.req.Free()
		d.Fail()
		return nil, err
	}
	if err := d.Start(); err != nil {
		b.req.Free()
		b.data.Free()
		return nil, err
	}
	return b, nil
}

// Capacity returns the size of the device in 512-byte sectors.
func (b *Device) Capacity() uint64 { return b.capacity }

// Size returns the size of the device in bytes.
func (b *Device) Size() int64 { return int64(b.capacity * SectorSize) }

// BlockSize returns the device's preferred block size (blk_size, at least
// SectorSize): requests aligned to it are fastest.
func (b *Device) BlockSize() int { return int(b.blkSize) }

// ReadOnly reports whether the device is read-only.
func (b *Device) ReadOnly() bool { return b.features&FeatureRO != 0 }

// Features returns the negotiated feature bits.
func (b *Device) Features() uint64 { return b.features }

// do makes one request: the header, n bytes of the bounce buffer (device
// -writable when in), the status byte. It returns the bytes the device
// reports written.
func (b *Device) do(typ uint32, sector uint64, n int, in bool) (uint32, error) {
	if b.req == nil {
		return 0, virtio.ErrClosed
	}
	r := b.req.Bytes()
	binary.LittleEndian.PutUint32(r[0:], typ)
	binary.LittleEndian.PutUint32(r[4:], 0)
	binary.LittleEndian.PutUint64(r[8:], sector)
	r[16] = 0xff // the device must overwrite it
	hdr, _ := b.req.Range(0, 16)
	st, _ := b.req.Range(16, 1)
	bufs := make([]virtio.Buf, 0, 8)
	bufs = append(bufs, virtio.Buf{Addr: hdr, Len: 16})
	if n > 0 {
		var err error
		if bufs, err = virtio.AppendBufs(bufs, b.data, 0, n, in, int(b.sizeMax)); err != nil {
			return 0, err
		}
	}
	bufs = append(bufs, virtio.Buf{Addr: st, Len: 1, Write: true})
	got, err := b.q.Transfer(bufs)
	if err != nil {
		return 0, err
	}
	switch s := r[16]; s {
	case statusOK:
		return got, nil
	case statusIOErr:
		return 0, fmt.Errorf("%w (sector %d)", ErrIO, sector)
	case statusUnsupp:
		return 0, ErrUnsupported
	case 0xff:
		return 0, fmt.Errorf("%w: block device finished a request without writing its status", virtio.ErrBroken)
	default:
		return 0, fmt.Errorf("%w: block device status %d", virtio.ErrBroken, s)
	}
}

// chunk returns how many of n bytes one request can move: at most the
// bounce buffer, and within seg_max and the queue's descriptors once split
// by size_max. The result is a multiple of SectorSize.
func (b *Device) chunk(n int) (int, error) {
	if n > MaxTransfer {
		n = MaxTransfer
	}
	maxSegs := b.q.Size() - 2
	if b.segMax > 0 && int(b.segMax) < maxSegs {
		maxSegs = int(b.segMax)
	}
	bufs, err := virtio.AppendBufs(nil, b.data, 0, n, false, int(b.sizeMax))
	if err != nil {
		return 0, err
	}
	if len(bufs) <= maxSegs {
		return n, nil
	}
	total := 0
	for _, s := range bufs[:maxSegs] {
		total += int(s.Len)
	}
	total &^= SectorSize - 1
	if total == 0 {
		return 0, fmt.Errorf("blk: device limits (size_max %d, seg_max %d) cannot carry a sector", b.sizeMax, b.segMax)
	}
	return total, nil
}

func (b *Device) checkRange(sector uint64, n int) error {
	if n%SectorSize != 0 {
		return ErrAlign
	}
	count := uint64(n / SectorSize)
	if sector > b.capacity || count > b.capacity-sector {
		return fmt.Errorf("%w: sectors %d+%d of %d", ErrRange, sector, count, b.capacity)
	}
	return nil
}

// ReadSectors reads len(p) bytes (whole sectors) from sector on.
func (b *Device) ReadSectors(sector uint64, p []byte) error {
	if err := b.checkRange(sector, len(p)); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.req == nil {
		return virtio.ErrClosed
	}
	for len(p) > 0 {
		n, err := b.chunk(len(p))
		if err != nil {
			return err
		}
		if _, err := b.do(typeIn, sector, n, true); err != nil {
			return err
		}
		copy(p, b.data.Bytes()[:n])
		p = p[n:]
		sector += uint64(n / SectorSize)
	}
	return nil
}

// WriteSectors writes p (whole sectors) from sector on.
func (b *Device) WriteSectors(sector uint64, p []byte) error {
	if b.ReadOnly() {
		return ErrReadOnly
	}
	if err := b.checkRange(sector, len(p)); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.req == nil {
		return virtio.ErrClosed
	}
	for len(p) > 0 {
		n, err := b.chunk(len(p))
		if err != nil {
			return err
		}
		copy(b.data.Bytes(), p[:n])
		if _, err := b.do(typeOut, sector, n, false); err != nil {
			return err
		}
		p = p[n:]
		sector += uint64(n / SectorSize)
	}
	return nil
}

// Flush asks the device to commit written data to stable storage. Without
// the FLUSH feature it does nothing and returns nil.
func (b *Device) Flush() error {
	if b.features&FeatureFlush == 0 {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	_, err := b.do(typeFlush, 0, 0, false)
	return err
}

// ID returns the device's serial number (GET_ID, at most 20 bytes).
func (b *Device) ID() (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.do(typeGetID, 0, 20, true)
	if err != nil {
		return "", err
	}
	if n > 0 {
		n-- // the status byte
	}
	if n > 20 {
		n = 20
	}
	id := string(b.data.Bytes()[:n])
	if i := strings.IndexByte(id, 0); i >= 0 {
		id = id[:i]
	}
	return id, nil
}

// ReadAt implements io.ReaderAt over the device's bytes: any offset and
// length; io.EOF when it reads past the end.
func (b *Device) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blk: negative offset")
	}
	size := b.Size()
	if off >= size {
		return 0, io.EOF
	}
	var eof error
	if int64(len(p)) > size-off {
		p = p[:size-off]
		eof = io.EOF
	}
	done := 0
	var sec [SectorSize]byte
	for done < len(p) {
		pos := off + int64(done)
		sector := uint64(pos / SectorSize)
		skip := int(pos % SectorSize)
		rest := len(p) - done
		if skip == 0 && rest >= SectorSize {
			n := rest &^ (SectorSize - 1)
			if err := b.ReadSectors(sector, p[done:done+n]); err != nil {
				return done, err
			}
			done += n
			continue
		}
		if err := b.ReadSectors(sector, sec[:]); err != nil {
			return done, err
		}
		done += copy(p[done:], sec[skip:])
	}
	return done, eof
}

// WriteAt implements io.WriterAt over the device's bytes: any offset and
// length (partial sectors are read, changed and written back); writing past
// the end is ErrRange.
func (b *Device) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("blk: negative offset")
	}
	if off > b.Size() || int64(len(p)) > b.Size()-off {
		return 0, ErrRange
	}
	done := 0
	var sec [SectorSize]byte
	for done < len(p) {
		pos := off + int64(done)
		sector := uint64(pos / SectorSize)
		skip := int(pos % SectorSize)
		rest := len(p) - done
		if skip == 0 && rest >= SectorSize {
			n := rest &^ (SectorSize - 1)
			if err := b.WriteSectors(sector, p[done:done+n]); err != nil {
				return done, err
			}
			done += n
			continue
		}
		if err := b.ReadSectors(sector, sec[:]); err != nil {
			return done, err
		}
		n := copy(sec[skip:], p[done:])
		if err := b.WriteSectors(sector, sec[:]); err != nil {
			return done, err
		}
		done += n
	}
	return done, nil
}

// Close resets the device and frees its memory.
func (b *Device) Close() error {
	err := b.d.Close() // first: it wakes a request waiting for the device
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.req == nil {
		return virtio.ErrClosed
	}
	if err == nil {
		b.req.Free()
		b.data.Free()
	}
	b.req, b.data = nil, nil
	return err
}

var (
	_ io.ReaderAt = (*Device)(nil)
	_ io.WriterAt = (*Device)(nil)
)
