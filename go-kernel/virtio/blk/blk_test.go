package blk_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"
	"time"

	"goose/go-kernel/dma"
	"goose/go-kernel/virtio"
	"goose/go-kernel/virtio/blk"
	"goose/go-kernel/virtio/virtiotest"
)

func disk(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	return b
}

func start(t *testing.T, dev *virtiotest.Block, sim *dma.Sim, irq bool) *blk.Device {
	t.Helper()
	t.Cleanup(dev.Stop)
	cfg := virtio.Config{Regs: dev, DMA: dma.NewAllocator(sim), Timeout: 10 * time.Second}
	if irq {
		cfg.IRQ = dev.IRQ()
	}
	d, err := virtio.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := blk.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func clean(t *testing.T, dev *virtiotest.Block) {
	t.Helper()
	if v := dev.Violations(); len(v) != 0 {
		t.Fatalf("violations %q", v)
	}
	if e := dev.Errors(); len(e) != 0 {
		t.Fatalf("device errors %q", e)
	}
}

func TestReadWrite(t *testing.T) {
	for _, m := range []struct {
		name                string
		async, irq, scatter bool
		sizeMax, segMax     uint32
	}{
		{"sync-poll", false, false, false, 0, 0},
		{"sync-irq-limits", false, true, false, 4096, 3},
		{"async-irq-scatter", true, true, true, 0, 0},
		{"async-poll-scatter-limits", true, false, true, 1024, 5},
	} {
		t.Run(m.name, func(t *testing.T) {
			sim := &dma.Sim{Scatter: m.scatter}
			data := disk(1 << 20)
			orig := append([]byte(nil), data...)
			dev := virtiotest.NewBlock(sim, 16, data, virtiotest.BlkFFlush, m.sizeMax, m.segMax)
			dev.Async = m.async
			b := start(t, dev, sim, m.irq)
			if b.Capacity() != 2048 || b.Size() != 1<<20 || b.BlockSize() != 4096 || b.ReadOnly() {
				t.Fatalf("capacity %d size %d block %d ro %v", b.Capacity(), b.Size(), b.BlockSize(), b.ReadOnly())
			}
			// one sector, a few, more than the bounce buffer
			for _, r := range [][2]int{{0, 1}, {7, 3}, {100, 300}, {2047, 1}} {
				p := make([]byte, r[1]*blk.SectorSize)
				if err := b.ReadSectors(uint64(r[0]), p); err != nil {
					t.Fatalf("read %v: %v", r, err)
				}
				if !bytes.Equal(p, orig[r[0]*512:(r[0]+r[1])*512]) {
					t.Fatalf("read %v: data differs", r)
				}
			}
			w := disk(200 * blk.SectorSize)
			if err := b.WriteSectors(1000, w); err != nil {
				t.Fatal(err)
			}
			dev.Device.Process(0) // nothing pending: harmless
			if !bytes.Equal(data[1000*512:1200*512], w) || !bytes.Equal(data[:1000*512], orig[:1000*512]) || !bytes.Equal(data[1200*512:], orig[1200*512:]) {
				t.Fatal("write landed wrong")
			}
			back := make([]byte, len(w))
			if err := b.ReadSectors(1000, back); err != nil || !bytes.Equal(back, w) {
				t.Fatalf("read back: %v", err)
			}
			if err := b.Flush(); err != nil || dev.Flushes != 1 {
				t.Fatalf("flush %v (%d)", err, dev.Flushes)
			}
			if id, err := b.ID(); err != nil || id != "goose-virtiotest" {
				t.Fatalf("id %q %v", id, err)
			}
			clean(t, dev)
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if sim.InUse() != 0 {
				t.Fatalf("%d bytes left mapped", sim.InUse())
			}
			if err := b.ReadSectors(0, make([]byte, 512)); !errors.Is(err, virtio.ErrClosed) {
				t.Fatalf("after close: %v", err)
			}
		})
	}
}

func TestReadAtWriteAt(t *testing.T) {
	sim := &dma.Sim{}
	data := disk(64 << 10)
	dev := virtiotest.NewBlock(sim, 8, data, 0, 0, 0)
	b := start(t, dev, sim, false)
	ref := append([]byte(nil), data...)
	rnd := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		off := rnd.Intn(len(ref))
		n := rnd.Intn(3000)
		if off+n > len(ref) {
			n = len(ref) - off
		}
		if i%2 == 0 {
			p := make([]byte, n)
			rnd.Read(p)
			if k, err := b.WriteAt(p, int64(off)); k != n || err != nil {
				t.Fatalf("WriteAt(%d, %d): %d %v", off, n, k, err)
			}
			copy(ref[off:], p)
		} else {
			p := make([]byte, n)
			if k, err := b.ReadAt(p, int64(off)); k != n || err != nil {
				t.Fatalf("ReadAt(%d, %d): %d %v", off, n, k, err)
			}
			if !bytes.Equal(p, ref[off:off+n]) {
				t.Fatalf("ReadAt(%d, %d): data differs", off, n)
			}
		}
	}
	if !bytes.Equal(data, ref) {
		t.Fatal("disk differs from the reference")
	}
	p := make([]byte, 100)
	if k, err := b.ReadAt(p, int64(len(ref)-40)); k != 40 || err != io.EOF || !bytes.Equal(p[:40], ref[len(ref)-40:]) {
		t.Fatalf("read at the end: %d %v", k, err)
	}
	if k, err := b.ReadAt(p, int64(len(ref))); k != 0 || err != io.EOF {
		t.Fatalf("read past the end: %d %v", k, err)
	}
	if _, err := b.WriteAt(p, int64(len(ref)-40)); !errors.Is(err, blk.ErrRange) {
		t.Fatalf("write past the end: %v", err)
	}
	if _, err := b.ReadAt(p, -1); err == nil {
		t.Fatal("negative offset")
	}
	if _, err := b.WriteAt(p, -1); err == nil {
		t.Fatal("negative offset")
	}
	clean(t, dev)
}

func TestErrors(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewBlock(sim, 8, disk(8192), virtiotest.BlkFRO, 0, 0)
	b := start(t, dev, sim, true)
	if !b.ReadOnly() {
		t.Fatal("not read-only")
	}
	if err := b.WriteSectors(0, make([]byte, 512)); !errors.Is(err, blk.ErrReadOnly) {
		t.Fatalf("write to a read-only device: %v", err)
	}
	if err := b.ReadSectors(0, make([]byte, 100)); !errors.Is(err, blk.ErrAlign) {
		t.Fatalf("unaligned: %v", err)
	}
	for _, s := range []uint64{16, 15, 1 << 63} {
		if err := b.ReadSectors(s, make([]byte, 1024)); !errors.Is(err, blk.ErrRange) {
			t.Fatalf("beyond the end at %d: %v", s, err)
		}
	}
	if err := b.Flush(); err != nil || dev.Requests[virtiotest.BlkFlush] != 0 {
		t.Fatal("flush without the feature goes to the device")
	}
	for _, tc := range []struct {
		status byte
		want   error
		text   string
	}{
		{virtiotest.BlkIOErr, blk.ErrIO, ""},
		{virtiotest.BlkUnsupp, blk.ErrUnsupported, ""},
		{7, virtio.ErrBroken, "status 7"},
		{0xff, virtio.ErrBroken, "without writing its status"},
	} {
		st := tc.status
		dev.Status = func(uint32) (byte, bool) { return st, true }
		err := b.ReadSectors(1, make([]byte, 512))
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
			t.Fatalf("status %d: %v", tc.status, err)
		}
	}
	dev.Status = nil
	if err := b.ReadSectors(1, make([]byte, 512)); err != nil {
		t.Fatalf("device recovered: %v", err)
	}
	clean(t, dev)
}

func TestMisbehaving(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewBlock(sim, 8, disk(8192), 0, 0, 0)
	dev.Faults.Used = func(q int, id, n *uint32) { *n = 513 + 1 }
	b := start(t, dev, sim, false)
	if err := b.ReadSectors(0, make([]byte, 512)); !errors.Is(err, virtio.ErrBroken) {
		t.Fatalf("length beyond the buffers: %v", err)
	}
	if err := b.ReadSectors(0, make([]byte, 512)); !errors.Is(err, virtio.ErrBroken) {
		t.Fatalf("queue still usable: %v", err)
	}
	// impossible limits
	dev = virtiotest.NewBlock(sim, 8, disk(8192), 0, 100, 1)
	b = start(t, dev, sim, false)
	if err := b.ReadSectors(0, make([]byte, 512)); err == nil || !strings.Contains(err.Error(), "cannot carry") {
		t.Fatalf("size_max 100: %v", err)
	}
}

func TestWrongDevice(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewRNG(sim, 8, 1)
	d, _ := virtio.Open(virtio.Config{Regs: dev, DMA: dma.NewAllocator(sim)})
	if _, err := blk.New(d); err == nil {
		t.Fatal("blk on an entropy device")
	}
}
