package rng_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"goose/go-kernel/dma"
	"goose/go-kernel/virtio"
	"goose/go-kernel/virtio/rng"
	"goose/go-kernel/virtio/virtiotest"
)

func start(t *testing.T, dev *virtiotest.Device, sim *dma.Sim, irq bool) *rng.RNG {
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
	r, err := rng.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRead(t *testing.T) {
	for _, m := range []struct {
		name       string
		async, irq bool
		scatter    bool
	}{{"sync-poll", false, false, false}, {"async-irq", true, true, true}, {"async-poll", true, false, true}, {"sync-irq", false, true, false}} {
		t.Run(m.name, func(t *testing.T) {
			sim := &dma.Sim{Scatter: m.scatter}
			dev := virtiotest.NewRNG(sim, 8, 1234)
			dev.Async = m.async
			r := start(t, dev, sim, m.irq)
			want := virtiotest.Expected(1234, 3*rng.BufferSize+100)
			got := make([]byte, len(want))
			if _, err := io.ReadFull(r, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatal("bytes differ from the device's stream")
			}
			if n, err := r.Read(make([]byte, 2*rng.BufferSize)); n != rng.BufferSize || err != nil {
				t.Fatalf("big read: %d %v", n, err)
			}
			if n, err := r.Read(nil); n != 0 || err != nil {
				t.Fatal("empty read")
			}
			if v := dev.Violations(); len(v) != 0 {
				t.Fatalf("violations %q", v)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			if sim.InUse() != 0 {
				t.Fatalf("%d bytes left mapped", sim.InUse())
			}
			if _, err := r.Read(got); !errors.Is(err, virtio.ErrClosed) {
				t.Fatalf("read after close: %v", err)
			}
			if err := r.Close(); !errors.Is(err, virtio.ErrClosed) {
				t.Fatal("second close")
			}
		})
	}
}

func TestWrongDevice(t *testing.T) {
	sim := &dma.Sim{}
	blk := virtiotest.NewBlock(sim, 8, make([]byte, 4096), 0, 0, 0)
	d, err := virtio.Open(virtio.Config{Regs: blk, DMA: dma.NewAllocator(sim)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rng.New(d); err == nil || !strings.Contains(err.Error(), "block") {
		t.Fatalf("rng on a block device: %v", err)
	}
}

func TestMisbehaving(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewRNG(sim, 8, 1)
	dev.Faults.Used = func(q int, id, n *uint32) { *n = rng.BufferSize + 1 }
	r := start(t, dev, sim, false)
	if _, err := r.Read(make([]byte, 100)); !errors.Is(err, virtio.ErrBroken) {
		t.Fatalf("length beyond the buffer: %v", err)
	}
	dev = virtiotest.NewRNG(sim, 8, 1)
	dev.Faults.Used = func(q int, id, n *uint32) { *n = 0 }
	r = start(t, dev, sim, true)
	if _, err := r.Read(make([]byte, 100)); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("device giving nothing: %v", err)
	}
	// a device that never answers: Close wakes the reader
	dev = virtiotest.NewRNG(sim, 8, 1)
	dev.Faults.Drop = true
	r = start(t, dev, sim, true)
	errc := make(chan error)
	go func() {
		_, err := r.Read(make([]byte, 10))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	r.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, virtio.ErrClosed) {
			t.Fatalf("reader got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("close did not wake the reader")
	}
}
