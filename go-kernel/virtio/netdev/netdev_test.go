package netdev_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"goose/go-kernel/dma"
	"goose/go-kernel/virtio"
	"goose/go-kernel/virtio/netdev"
	"goose/go-kernel/virtio/virtiotest"
)

var mac = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}

func start(t *testing.T, dev *virtiotest.Net, sim *dma.Sim, irq bool) *netdev.Device {
	t.Helper()
	t.Cleanup(dev.Stop)
	cfg := virtio.Config{Regs: dev, DMA: dma.NewAllocator(sim), Timeout: 10 * time.Second, QueueSize: 32}
	if irq {
		cfg.IRQ = dev.IRQ()
	}
	d, err := virtio.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n, err := netdev.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func frame(i, size int) []byte {
	f := make([]byte, size)
	copy(f, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	copy(f[6:], mac[:])
	f[12], f[13] = 0x88, 0xb5 // local experimental ethertype
	for j := 14; j < size; j++ {
		f[j] = byte(i * j)
	}
	copy(f[14:], fmt.Sprintf("frame %d", i))
	return f
}

func clean(t *testing.T, dev *virtiotest.Net) {
	t.Helper()
	if v := dev.Violations(); len(v) != 0 {
		t.Fatalf("violations %q", v)
	}
	if e := dev.Errors(); len(e) != 0 {
		t.Fatalf("device errors %q", e)
	}
	if dev.BadHeaders != 0 {
		t.Fatalf("%d transmitted headers not zero", dev.BadHeaders)
	}
}

func TestLoopback(t *testing.T) {
	for _, m := range []struct {
		name                string
		async, irq, scatter bool
	}{{"sync-poll", false, false, false}, {"sync-irq", false, true, true}, {"async-irq", true, true, true}, {"async-poll", true, false, false}} {
		t.Run(m.name, func(t *testing.T) {
			sim := &dma.Sim{Scatter: m.scatter}
			dev := virtiotest.NewNet(sim, 64, mac, 1500)
			dev.Async = m.async
			n := start(t, dev, sim, m.irq)
			if n.MAC() != mac || n.MAC().String() != "52:54:00:12:34:56" || n.MTU() != 1500 || !n.LinkUp() || n.MaxFrame() != 2048-12 {
				t.Fatalf("mac %v mtu %d link %v max %d", n.MAC(), n.MTU(), n.LinkUp(), n.MaxFrame())
			}
			// a receiver and a sender at once, over more frames than
			// either queue holds
			const count = 200
			got := make(chan []byte, count)
			errc := make(chan error, 1)
			go func() {
				buf := make([]byte, 2048)
				for i := 0; i < count; i++ {
					k, err := n.Receive(buf)
					if err != nil {
						errc <- err
						return
					}
					got <- append([]byte(nil), buf[:k]...)
				}
				errc <- nil
			}()
			for i := 0; i < count; i++ {
				if err := n.Transmit(frame(i, 60+i*7%1454)); err != nil {
					t.Fatalf("transmit %d: %v", i, err)
				}
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			close(got)
			i := 0
			for f := range got {
				if !bytes.Equal(f, frame(i, 60+i*7%1454)) {
					t.Fatalf("frame %d differs", i)
				}
				i++
			}
			if sent := dev.SentFrames(); len(sent) != count {
				t.Fatalf("device saw %d frames", len(sent))
			}
			clean(t, dev)
			if err := n.Close(); err != nil {
				t.Fatal(err)
			}
			if sim.InUse() != 0 {
				t.Fatalf("%d bytes left mapped", sim.InUse())
			}
			if err := n.Transmit(frame(0, 60)); !errors.Is(err, virtio.ErrClosed) {
				t.Fatalf("after close: %v", err)
			}
			if _, err := n.Receive(make([]byte, 10)); !errors.Is(err, virtio.ErrClosed) {
				t.Fatalf("after close: %v", err)
			}
		})
	}
}

func TestInjectAndTryReceive(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewNet(sim, 8, mac, 9000)
	dev.Loopback = false
	n := start(t, dev, sim, true)
	if n.MTU() != 9000 || n.MaxFrame() != 16384-12 {
		t.Fatalf("mtu %d max frame %d", n.MTU(), n.MaxFrame())
	}
	buf := make([]byte, 16384)
	if _, ok, err := n.TryReceive(buf); ok || err != nil {
		t.Fatal("a frame out of nowhere")
	}
	// more frames than receive buffers: the rest wait in the device
	for i := 0; i < 12; i++ {
		dev.Inject(frame(i, 9000))
	}
	for i := 0; i < 12; i++ {
		var k int
		var ok bool
		var err error
		for tries := 0; !ok && err == nil; tries++ {
			k, ok, err = n.TryReceive(buf)
			if tries > 10000 {
				t.Fatalf("frame %d never came", i)
			}
		}
		if err != nil || !bytes.Equal(buf[:k], frame(i, 9000)) {
			t.Fatalf("frame %d: %d %v", i, k, err)
		}
	}
	if dev.Pending() != 0 {
		t.Fatal("frames left in the device")
	}
	// a receive buffer too small cuts the frame
	dev.Inject(frame(99, 100))
	small := make([]byte, 50)
	if k, err := n.Receive(small); k != 50 || !errors.Is(err, netdev.ErrShortBuffer) || !bytes.Equal(small, frame(99, 100)[:50]) {
		t.Fatalf("short buffer: %d %v", k, err)
	}
	for _, size := range []int{0, 16384 - 11} {
		if err := n.Transmit(make([]byte, size)); !errors.Is(err, netdev.ErrFrameSize) {
			t.Fatalf("frame of %d bytes: %v", size, err)
		}
	}
	// link status follows the configuration space
	dev.SetConfig(6, []byte{0, 0})
	if n.LinkUp() {
		t.Fatal("link up")
	}
	clean(t, dev)
}

func TestNoMAC(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewNet(sim, 8, mac, 1500)
	dev.SetFeatures(virtio.FeatureVersion1 | virtiotest.NetFStatus)
	n := start(t, dev, sim, false)
	m := n.MAC()
	if m == mac || m[0]&1 != 0 || m[0]&2 == 0 {
		t.Fatalf("made-up MAC %v", m)
	}
	if n.Features()&netdev.FeatureMAC != 0 || n.MTU() != 1500 {
		t.Fatal("features")
	}
}

func TestMisbehaving(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewNet(sim, 8, mac, 1500)
	dev.Truncate = 5 // shorter than the header
	n := start(t, dev, sim, true)
	if err := n.Transmit(frame(1, 64)); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Receive(make([]byte, 2048)); !errors.Is(err, netdev.ErrShortFrame) {
		t.Fatalf("short frame: %v", err)
	}
	// the buffer went back and the next frame arrives whole
	dev.Truncate = 0
	n.Transmit(frame(2, 64))
	buf := make([]byte, 2048)
	if k, err := n.Receive(buf); err != nil || !bytes.Equal(buf[:k], frame(2, 64)) {
		t.Fatalf("after a short frame: %v", err)
	}
	// a length beyond the buffer breaks the queue
	dev.Truncate = 5000
	n.Transmit(frame(3, 64))
	if _, err := n.Receive(buf); !errors.Is(err, virtio.ErrBroken) || !strings.Contains(err.Error(), "writable") {
		t.Fatalf("long frame: %v", err)
	}
	if _, err := n.Receive(buf); !errors.Is(err, virtio.ErrBroken) {
		t.Fatalf("queue usable after a long frame: %v", err)
	}
}

func TestCloseWakesReceiver(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewNet(sim, 8, mac, 1500)
	n := start(t, dev, sim, true)
	var wg sync.WaitGroup
	wg.Add(1)
	var err error
	go func() {
		defer wg.Done()
		_, err = n.Receive(make([]byte, 2048))
	}()
	time.Sleep(20 * time.Millisecond)
	n.Close()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		if !errors.Is(err, virtio.ErrClosed) {
			t.Fatalf("receiver got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("close did not wake the receiver")
	}
}

func TestTransmitWaitsForBuffers(t *testing.T) {
	sim := &dma.Sim{}
	dev := virtiotest.NewNet(sim, 4, mac, 1500)
	dev.Loopback = false
	dev.Async = true
	n := start(t, dev, sim, false)
	for i := 0; i < 50; i++ {
		if err := n.Transmit(frame(i, 100)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 1000 && len(dev.SentFrames()) < 50; i++ {
		time.Sleep(time.Millisecond)
	}
	if s := dev.SentFrames(); len(s) != 50 || !bytes.Equal(s[49], frame(49, 100)) {
		t.Fatalf("%d frames sent", len(s))
	}
	clean(t, dev)
}
