package virtio_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"goose/go-kernel/dma"
	"goose/go-kernel/mmio"
	"goose/go-kernel/virtio"
	"goose/go-kernel/virtio/virtiotest"
)

// echo is a device (type 42, two queues) that copies each request's
// readable bytes into its writable ones.
func echo(sim *dma.Sim, qmax uint32) *virtiotest.Device {
	return virtiotest.New(sim, 42, 2, qmax, 1<<3|1<<40, make([]byte, 16), func(d *virtiotest.Device, q int) {
		for {
			c, ok := d.Pop(q)
			if !ok {
				return
			}
			n := c.WriteAt(c.ReadAll(), 0)
			d.Push(q, c, uint32(n))
		}
	})
}

type mode struct {
	name    string
	async   bool
	irq     bool
	scatter bool
}

var modes = []mode{
	{"sync-poll", false, false, false},
	{"sync-irq", false, true, false},
	{"async-poll", true, false, true},
	{"async-irq", true, true, true},
}

func open(t *testing.T, dev *virtiotest.Device, sim *dma.Sim, m mode, cfg virtio.Config) *virtio.Device {
	t.Helper()
	dev.Async = m.async
	t.Cleanup(dev.Stop)
	cfg.Regs = dev
	cfg.DMA = dma.NewAllocator(sim)
	if m.irq {
		cfg.IRQ = dev.IRQ()
	}
	d, err := virtio.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func noViolations(t *testing.T, dev *virtiotest.Device) {
	t.Helper()
	if v := dev.Violations(); len(v) != 0 {
		t.Fatalf("driver violated the specification: %q", v)
	}
	if e := dev.Errors(); len(e) != 0 {
		t.Fatalf("device found faults: %q", e)
	}
}

func startEcho(t *testing.T, m mode, qmax uint32, cfg virtio.Config) (*virtiotest.Device, *dma.Sim, *virtio.Device, *virtio.Queue) {
	t.Helper()
	sim := &dma.Sim{Scatter: m.scatter}
	dev := echo(sim, qmax)
	d := open(t, dev, sim, m, cfg)
	if _, err := d.Negotiate(1 << 3); err != nil {
		t.Fatal(err)
	}
	q, err := d.SetupQueue(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	return dev, sim, d, q
}

func TestOpenErrors(t *testing.T) {
	if _, err := virtio.Open(virtio.Config{}); err == nil {
		t.Fatal("nil regs")
	}
	if _, err := virtio.Open(virtio.Config{Regs: mmio.NewFake(0x200)}); !errors.Is(err, virtio.ErrNotVirtio) {
		t.Fatalf("no magic: %v", err)
	}
	sim := &dma.Sim{}
	dev := echo(sim, 8)
	dev.SetVersion(1)
	if _, err := virtio.Open(virtio.Config{Regs: dev}); !errors.Is(err, virtio.ErrLegacy) || !strings.Contains(err.Error(), "force-legacy=false") {
		t.Fatalf("legacy: %v", err)
	}
	if info, err := virtio.Probe(dev); err != nil || info.Version != 1 || info.DeviceID != 42 || info.VendorID != 0x554d4551 {
		t.Fatalf("probe: %+v %v", info, err)
	}
	dev.SetVersion(3)
	if _, err := virtio.Open(virtio.Config{Regs: dev}); err == nil || !strings.Contains(err.Error(), "version 3") {
		t.Fatalf("version 3: %v", err)
	}
	empty := virtiotest.New(sim, 0, 0, 0, 0, nil, nil)
	if _, err := virtio.Open(virtio.Config{Regs: empty}); !errors.Is(err, virtio.ErrNoDevice) {
		t.Fatalf("no device: %v", err)
	}
	stuck := echo(sim, 8)
	stuck.Faults.StuckReset = true
	if _, err := virtio.Open(virtio.Config{Regs: stuck}); err == nil || !strings.Contains(err.Error(), "reset") {
		t.Fatalf("stuck reset: %v", err)
	}
	if virtio.DeviceID(2).String() != "block" || virtio.DeviceID(77).String() != "device 77" {
		t.Fatal("DeviceID.String")
	}
}

func TestNegotiate(t *testing.T) {
	sim := &dma.Sim{}
	dev := echo(sim, 8)
	d := open(t, dev, sim, modes[0], virtio.Config{})
	if d.ID() != 42 || d.OfferedFeatures() != 1<<3|1<<40|virtio.FeatureVersion1 {
		t.Fatalf("id %v offered %#x", d.ID(), d.OfferedFeatures())
	}
	if _, err := d.SetupQueue(0, 0); err == nil {
		t.Fatal("queue before features")
	}
	if err := d.Start(); err == nil {
		t.Fatal("start before features")
	}
	// bit 40 is reserved for the transport: never accepted from a driver
	f, err := d.Negotiate(1<<3 | 1<<4 | 1<<40)
	if err != nil || f != 1<<3|virtio.FeatureVersion1 || dev.DriverFeatures() != f || d.Features() != f {
		t.Fatalf("features %#x %v (device saw %#x)", f, err, dev.DriverFeatures())
	}
	if dev.Status() != virtio.StatusAcknowledge|virtio.StatusDriver|virtio.StatusFeaturesOK {
		t.Fatalf("status %#x", dev.Status())
	}
	noViolations(t, dev)

	rej := echo(sim, 8)
	rej.Faults.RejectFeatures = true
	d = open(t, rej, sim, modes[0], virtio.Config{})
	if _, err := d.Negotiate(0); !errors.Is(err, virtio.ErrFeatures) || rej.Status()&virtio.StatusFailed == 0 {
		t.Fatalf("rejected: %v, status %#x", err, rej.Status())
	}
	old := echo(sim, 8)
	old.SetFeatures(1 << 3)
	d = open(t, old, sim, modes[0], virtio.Config{})
	if _, err := d.Negotiate(1 << 3); !errors.Is(err, virtio.ErrFeatures) || !strings.Contains(err.Error(), "VERSION_1") {
		t.Fatalf("no VERSION_1: %v", err)
	}
}

func TestQueueSetup(t *testing.T) {
	sim := &dma.Sim{}
	dev := echo(sim, 100)
	d := open(t, dev, sim, modes[0], virtio.Config{QueueSize: 1000})
	d.Negotiate(0)
	q, err := d.SetupQueue(0, 0)
	if err != nil || q.Size() != 64 || q.Index() != 0 {
		t.Fatalf("queue of max 100: %v %v", q, err)
	}
	if _, err := d.SetupQueue(0, 0); err == nil {
		t.Fatal("queue 0 twice")
	}
	if q1, err := d.SetupQueue(1, 5); err != nil || q1.Size() != 4 {
		t.Fatalf("queue 1 max 5: %v", err)
	}
	if _, err := d.SetupQueue(2, 0); err == nil || !strings.Contains(err.Error(), "no queue 2") {
		t.Fatalf("queue 2: %v", err)
	}
	if _, err := d.SetupQueue(-1, 0); err == nil {
		t.Fatal("queue -1")
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(); err == nil {
		t.Fatal("started twice")
	}
	if _, err := d.Negotiate(0); err == nil {
		t.Fatal("negotiate after start")
	}
	if _, err := d.SetupQueue(1, 0); err == nil {
		t.Fatal("queue after start")
	}
	noViolations(t, dev)

	early := echo(sim, 8)
	early.Faults.QueueReadyEarly = true
	d = open(t, early, sim, modes[0], virtio.Config{})
	d.Negotiate(0)
	if _, err := d.SetupQueue(0, 0); !errors.Is(err, virtio.ErrBroken) {
		t.Fatalf("queue ready early: %v", err)
	}
	// a queue too big for scattered memory
	big := echo(&dma.Sim{Scatter: true}, 1024)
	d = open(t, big, &dma.Sim{Scatter: true}, modes[0], virtio.Config{QueueSize: 1024})
	d.Negotiate(0)
	if _, err := d.SetupQueue(0, 0); !errors.Is(err, dma.ErrNotContiguous) {
		t.Fatalf("1024 entries on scattered memory: %v", err)
	}
}

func TestTransfer(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			dev, sim, d, q := startEcho(t, m, 16, virtio.Config{Timeout: 10 * time.Second})
			a := d.DMA()
			buf, err := a.Alloc(3*4096, false)
			if err != nil {
				t.Fatal(err)
			}
			out := buf.Bytes()[:5000]
			for i := 0; i < 100; i++ { // many times round the ring
				for j := range out {
					out[j] = byte(i + j)
				}
				bufs, err := virtio.AppendBufs(nil, buf, 0, 5000, false, 0)
				if err != nil {
					t.Fatal(err)
				}
				if bufs, err = virtio.AppendBufs(bufs, buf, 6000, 5000, true, 1000); err != nil {
					t.Fatal(err)
				}
				n, err := q.Transfer(bufs)
				if err != nil || n != 5000 {
					t.Fatalf("transfer %d: %d %v", i, n, err)
				}
				if !bytes.Equal(buf.Bytes()[6000:11000], out) {
					t.Fatalf("transfer %d: echo differs", i)
				}
			}
			st := q.Stats()
			if st.Completed != 100 || st.Free != 16 || st.Notifies != 100 {
				t.Fatalf("stats %+v", st)
			}
			_, intr, supp := dev.QueueStats(0)
			if m.irq && (intr == 0 || supp != 0) || !m.irq && (intr != 0 || supp == 0) {
				t.Fatalf("interrupts %d suppressed %d in %s", intr, supp, m.name)
			}
			for i := 0; m.irq; i++ { // the service goroutine may lag
				if all, _ := d.Interrupts(); all > 0 {
					break
				}
				if i == 1000 {
					t.Fatal("no interrupt serviced")
				}
				time.Sleep(time.Millisecond)
			}
			noViolations(t, dev)
			buf.Free()
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			if sim.InUse() != 0 {
				t.Fatalf("%d bytes still mapped", sim.InUse())
			}
			if dev.Status() != 0 {
				t.Fatal("close did not reset")
			}
			if _, err := q.Transfer([]virtio.Buf{{Addr: 1, Len: 1}}); !errors.Is(err, virtio.ErrClosed) {
				t.Fatalf("after close: %v", err)
			}
			if err := d.Close(); !errors.Is(err, virtio.ErrClosed) {
				t.Fatal("second close")
			}
		})
	}
}

// 70000 requests wrap the 16-bit ring indices.
func TestIndexWrap(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dev, _, d, q := startEcho(t, modes[0], 4, virtio.Config{})
	buf, _ := d.DMA().Alloc(16, true)
	bufs := []virtio.Buf{{Addr: buf.Phys(), Len: 8}, {Addr: buf.Phys() + 8, Len: 8, Write: true}}
	for i := 0; i < 70000; i++ {
		buf.Bytes()[0] = byte(i)
		if n, err := q.Transfer(bufs); err != nil || n != 8 || buf.Bytes()[8] != byte(i) {
			t.Fatalf("transfer %d: %d %v", i, n, err)
		}
	}
	noViolations(t, dev)
}

func TestConcurrentTransfers(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			dev, _, d, q := startEcho(t, m, 8, virtio.Config{Timeout: 20 * time.Second})
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for g := 0; g < 16; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					buf, err := d.DMA().Alloc(256, true)
					if err != nil {
						errs <- err
						return
					}
					defer buf.Free()
					for i := 0; i < 50; i++ {
						msg := []byte(fmt.Sprintf("goroutine %d request %d", g, i))
						copy(buf.Bytes(), msg)
						n, err := q.Transfer([]virtio.Buf{{Addr: buf.Phys(), Len: uint32(len(msg))}, {Addr: buf.Phys() + 128, Len: 128, Write: true}})
						if err != nil || int(n) != len(msg) || !bytes.Equal(buf.Bytes()[128:128+n], msg) {
							errs <- fmt.Errorf("goroutine %d request %d: %d %v", g, i, n, err)
							return
						}
					}
				}(g)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			noViolations(t, dev)
			d.Close()
		})
	}
}

func TestAddPop(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			dev, _, d, q := startEcho(t, m, 4, virtio.Config{Timeout: 10 * time.Second})
			buf, _ := d.DMA().Alloc(4096, true)
			p := buf.Phys()
			if err := q.TryAdd(nil, nil); err == nil {
				t.Fatal("no buffers")
			}
			if err := q.TryAdd([]virtio.Buf{{Addr: p, Len: 1, Write: true}, {Addr: p, Len: 1}}, nil); err == nil {
				t.Fatal("readable after writable")
			}
			if err := q.TryAdd([]virtio.Buf{{Addr: p, Len: 0}}, nil); err == nil {
				t.Fatal("empty buffer")
			}
			if err := q.TryAdd(make([]virtio.Buf, 5), nil); err == nil {
				t.Fatal("more buffers than the queue")
			}
			for i := 0; i < 4; i++ {
				if err := q.TryAdd([]virtio.Buf{{Addr: p + uint64(64*i), Len: 64, Write: true}}, i); err != nil {
					t.Fatal(err)
				}
			}
			if err := q.TryAdd([]virtio.Buf{{Addr: p, Len: 1}}, 9); !errors.Is(err, virtio.ErrQueueFull) {
				t.Fatalf("full: %v", err)
			}
			if _, ok, _ := q.Pop(); ok && !m.async {
				t.Fatal("popped before a kick")
			}
			q.Kick()
			for i := 0; i < 4; i++ {
				u, err := q.PopWait()
				if err != nil || u.Token != i || u.Len != 0 {
					t.Fatalf("pop %d: %+v %v", i, u, err)
				}
			}
			// Add waits for room
			for i := 0; i < 6; i++ {
				if err := q.Add([]virtio.Buf{{Addr: p, Len: 8}, {Addr: p + 8, Len: 8, Write: true}}, i); err != nil {
					t.Fatal(err)
				}
				q.Kick()
			}
			for i := 0; i < 6; i++ {
				if u, err := q.PopWait(); err != nil || u.Token != i || u.Len != 8 {
					t.Fatalf("pop %d: %+v %v", i, u, err)
				}
			}
			if _, ok, err := q.Pop(); ok || err != nil {
				t.Fatal("pop of an empty queue")
			}
			noViolations(t, dev)
			// Close wakes a waiter
			errc := make(chan error)
			go func() {
				_, err := q.PopWait()
				errc <- err
			}()
			time.Sleep(10 * time.Millisecond)
			d.Close()
			select {
			case err := <-errc:
				if !errors.Is(err, virtio.ErrClosed) {
					t.Fatalf("waiter got %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("close did not wake the waiter")
			}
			if _, _, err := q.Pop(); !errors.Is(err, virtio.ErrClosed) {
				t.Fatal("pop after close")
			}
		})
	}
}

func TestNoNotify(t *testing.T) {
	sim := &dma.Sim{}
	dev := echo(sim, 8)
	dev.Faults.NoNotify = true
	d := open(t, dev, sim, modes[0], virtio.Config{})
	d.Negotiate(0)
	q, _ := d.SetupQueue(0, 0)
	d.Start()
	buf, _ := d.DMA().Alloc(64, true)
	if err := q.TryAdd([]virtio.Buf{{Addr: buf.Phys(), Len: 4}, {Addr: buf.Phys() + 8, Len: 4, Write: true}}, "x"); err != nil {
		t.Fatal(err)
	}
	q.Kick()
	if st := q.Stats(); st.Notifies != 0 || st.Suppressed != 1 {
		t.Fatalf("stats %+v", st)
	}
	dev.Process(0) // the device polls
	if u, err := q.PopWait(); err != nil || u.Token != "x" || u.Len != 4 {
		t.Fatalf("%+v %v", u, err)
	}
	noViolations(t, dev)
}

// A device that breaks the rules makes the queue fail with ErrBroken, never
// the driver panic.
func TestMisbehavingDevice(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  func(dev *virtiotest.Device)
		expect string
	}{
		{"id out of range", func(dev *virtiotest.Device) {
			dev.Faults.Used = func(q int, id, n *uint32) { *id = 1000 }
		}, "out of range"},
		{"id not in flight", func(dev *virtiotest.Device) {
			dev.Faults.Used = func(q int, id, n *uint32) { *id = (*id + 1) % 8 }
		}, "not the head"},
		{"length beyond buffers", func(dev *virtiotest.Device) {
			dev.Faults.Used = func(q int, id, n *uint32) { *n = 1 << 20 }
		}, "writable bytes"},
		{"used index leap", func(dev *virtiotest.Device) {
			dev.Faults.Used = func(q int, id, n *uint32) { dev.Faults.Used = nil }
			dev.Faults.Drop = true
		}, "more than"},
	} {
		for _, m := range modes[:2] {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				sim := &dma.Sim{}
				dev := echo(sim, 8)
				tc.fault(dev)
				d := open(t, dev, sim, m, virtio.Config{Timeout: 5 * time.Second})
				d.Negotiate(0)
				q, _ := d.SetupQueue(0, 0)
				d.Start()
				buf, _ := d.DMA().Alloc(64, true)
				bufs := []virtio.Buf{{Addr: buf.Phys(), Len: 4}, {Addr: buf.Phys() + 8, Len: 4, Write: true}}
				if dev.Faults.Drop {
					if err := q.TryAdd(bufs, nil); err != nil {
						t.Fatal(err)
					}
					q.Kick()
					dev.SkewUsed(0, 100)
				}
				_, err := q.Transfer(bufs)
				if !errors.Is(err, virtio.ErrBroken) || !strings.Contains(err.Error(), tc.expect) {
					t.Fatalf("got %v, want ErrBroken: %s", err, tc.expect)
				}
				// and it stays broken
				if _, err := q.Transfer(bufs); !errors.Is(err, virtio.ErrBroken) {
					t.Fatalf("second transfer: %v", err)
				}
				if err := q.TryAdd(bufs, nil); !errors.Is(err, virtio.ErrBroken) || !errors.Is(q.Err(), virtio.ErrBroken) {
					t.Fatalf("add on a broken queue: %v", err)
				}
				d.Close()
			})
		}
	}
}

func TestTimeout(t *testing.T) {
	for _, m := range modes[:2] {
		t.Run(m.name, func(t *testing.T) {
			sim := &dma.Sim{}
			dev := echo(sim, 8)
			dev.Faults.Drop = true
			d := open(t, dev, sim, m, virtio.Config{Timeout: 30 * time.Millisecond})
			d.Negotiate(0)
			q, _ := d.SetupQueue(0, 0)
			d.Start()
			buf, _ := d.DMA().Alloc(64, true)
			start := time.Now()
			_, err := q.Transfer([]virtio.Buf{{Addr: buf.Phys(), Len: 4, Write: true}})
			if !errors.Is(err, virtio.ErrTimeout) || time.Since(start) < 30*time.Millisecond {
				t.Fatalf("got %v after %v", err, time.Since(start))
			}
			if _, err := q.Transfer([]virtio.Buf{{Addr: buf.Phys(), Len: 4, Write: true}}); !errors.Is(err, virtio.ErrBroken) {
				t.Fatalf("queue usable after a timeout: %v", err)
			}
		})
	}
}

func TestNeedsReset(t *testing.T) {
	for _, m := range modes[:2] {
		t.Run(m.name, func(t *testing.T) {
			sim := &dma.Sim{}
			dev := echo(sim, 8)
			dev.Faults.Drop = true
			d := open(t, dev, sim, m, virtio.Config{Timeout: 10 * time.Second})
			d.Negotiate(0)
			q, _ := d.SetupQueue(0, 0)
			d.Start()
			buf, _ := d.DMA().Alloc(64, true)
			go func() {
				time.Sleep(20 * time.Millisecond)
				dev.SetNeedsReset()
			}()
			_, err := q.Transfer([]virtio.Buf{{Addr: buf.Phys(), Len: 4, Write: true}})
			if !errors.Is(err, virtio.ErrNeedsReset) || !errors.Is(d.Err(), virtio.ErrNeedsReset) {
				t.Fatalf("got %v", err)
			}
			if m.irq {
				if _, cfg := d.Interrupts(); cfg == 0 {
					t.Fatal("configuration change not counted")
				}
			}
		})
	}
}

// The device finds a descriptor pointing at memory that is not there.
func TestDeviceFault(t *testing.T) {
	for _, m := range modes[:2] {
		t.Run(m.name, func(t *testing.T) {
			dev, _, _, q := startEcho(t, m, 8, virtio.Config{Timeout: 10 * time.Second})
			_, err := q.Transfer([]virtio.Buf{{Addr: 0x1000, Len: 4}})
			if !errors.Is(err, virtio.ErrNeedsReset) {
				t.Fatalf("got %v", err)
			}
			if len(dev.Errors()) != 1 {
				t.Fatalf("device errors %q", dev.Errors())
			}
		})
	}
}

func TestConfig(t *testing.T) {
	sim := &dma.Sim{}
	dev := echo(sim, 8)
	d := open(t, dev, sim, modes[0], virtio.Config{})
	dev.SetConfig(0, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	if d.Config8(1) != 2 || d.Config16(2) != 0x0403 || d.Config32(4) != 0x08070605 {
		t.Fatal("config reads")
	}
	if v, err := d.Config64(8); err != nil || v != 0x0c0b0a09 {
		t.Fatalf("config64 %#x %v", v, err)
	}
	d.WriteConfig8(12, 0xaa)
	d.WriteConfig16(14, 0xbbcc)
	d.WriteConfig32(8, 0x11223344)
	if d.Config32(12) != 0xbbcc00aa || d.Config32(8) != 0x11223344 {
		t.Fatal("config writes")
	}
	noViolations(t, dev)
	// a generation that never settles
	f := mmio.NewFake(0x200)
	gen := uint64(0)
	f.OnRead = func(off uintptr, width int) (uint64, bool) {
		if off == virtio.RegConfigGeneration {
			gen++
			return gen, true
		}
		return 0, false
	}
	f.Mem[0], f.Mem[1], f.Mem[2], f.Mem[3] = 0x76, 0x69, 0x72, 0x74
	f.Mem[4], f.Mem[8] = 2, 42
	d, err := virtio.Open(virtio.Config{Regs: f, DMA: dma.NewAllocator(sim)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Config64(0); !errors.Is(err, virtio.ErrBroken) {
		t.Fatalf("unsettled generation: %v", err)
	}
}

func TestAppendBufs(t *testing.T) {
	sim := &dma.Sim{Scatter: true}
	buf, _ := dma.NewAllocator(sim).Alloc(3*4096, false)
	bufs, err := virtio.AppendBufs(nil, buf, 4000, 5000, true, 1024)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, b := range bufs {
		if b.Len > 1024 || !b.Write {
			t.Fatalf("%+v", b)
		}
		total += int(b.Len)
	}
	// 96 bytes of page 0, 4096 of page 1 in four, 808 of page 2
	if total != 5000 || len(bufs) != 6 || bufs[0].Len != 96 || bufs[5].Len != 808 {
		t.Fatalf("%+v", bufs)
	}
	if _, err := virtio.AppendBufs(nil, buf, 12000, 1000, false, 0); err == nil {
		t.Fatal("range outside the buffer")
	}
}

// The interrupt service acknowledges the device before re-enabling the
// line, so one completion fires the line once.
func TestInterruptAck(t *testing.T) {
	dev, _, d, q := startEcho(t, modes[1], 8, virtio.Config{Timeout: 10 * time.Second})
	buf, _ := d.DMA().Alloc(64, true)
	if _, err := q.Transfer([]virtio.Buf{{Addr: buf.Phys(), Len: 4}, {Addr: buf.Phys() + 8, Len: 4, Write: true}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if all, _ := d.Interrupts(); all == 1 {
			break
		}
		if i == 1000 {
			t.Fatal("interrupt not serviced")
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	if fired, refired := dev.IRQ().Counts(); fired != 1 || refired != 0 {
		t.Fatalf("line fired %d times, %d at re-enable", fired, refired)
	}
	if all, _ := d.Interrupts(); all != 1 {
		t.Fatalf("%d interrupts serviced", all)
	}
	// an interrupt line that fails stops the device
	dev.IRQ().Close()
	if _, err := q.Transfer([]virtio.Buf{{Addr: buf.Phys(), Len: 4, Write: true}}); err == nil && d.Err() == nil {
		time.Sleep(50 * time.Millisecond)
		if d.Err() == nil {
			t.Fatal("device runs on without its interrupt")
		}
	}
}
