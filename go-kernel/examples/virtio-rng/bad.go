package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"goose/go-kernel/dma"
	"goose/go-kernel/fdt"
	"goose/go-kernel/mmio"
	"goose/go-kernel/virtio"
	"goose/go-kernel/virtio/platform"
	"goose/go-kernel/virtio/rng"
)

// badDriver plays a buggy driver. The device (QEMU) must refuse each bad
// request by setting DEVICE_NEEDS_RESET (and raising a configuration change
// interrupt), never by hanging or by touching memory it was not given; the
// Go kernel must get an error back, and goose must keep running. After a
// reset the device works again.
func badDriver(poll bool) {
	tree, err := platform.ReadTree()
	check("read the device tree", err)

	// 1. Through the virtio package: a buffer at a physical address where
	// no memory is (1 TiB). QEMU's DMA to nowhere is dropped, and the
	// request finishes as if it had worked: no device can tell, and
	// nothing protects memory from a device told to write elsewhere.
	d, err := platform.Find(tree, virtio.IDEntropy, platform.Options{Poll: poll, Timeout: 10 * time.Second})
	check("open the entropy device", err)
	_, err = d.Negotiate(0)
	check("negotiate", err)
	q, err := d.SetupQueue(0, 0)
	check("set up the queue", err)
	check("start", d.Start())
	_, err = q.Transfer([]virtio.Buf{{Addr: 1 << 40, Len: 64, Write: true}})
	fmt.Println("bad: buffer where no memory is: request finished:", err == nil)
	// the virtio package refuses what it can see is wrong
	_, err = q.Transfer([]virtio.Buf{{Addr: 1 << 40, Len: 0, Write: true}})
	fmt.Println("bad: empty buffer refused by the driver:", err != nil)
	// two pages where no memory is: QEMU cannot map them (it bounces one
	// page at a time), sets DEVICE_NEEDS_RESET and raises a configuration
	// change interrupt; the driver reports it
	_, err = q.Transfer([]virtio.Buf{{Addr: 1 << 40, Len: 8192, Write: true}})
	fmt.Println("bad: unmappable buffer: error:", err != nil, "needs reset:", errors.Is(err, virtio.ErrNeedsReset))
	check("close after the error", d.Close())

	// 2. By hand (what the virtio package never does): broken descriptor
	// chains and available rings, each on a freshly reset device.
	regs := findTransport(tree, virtio.IDEntropy)
	mem, err := dma.Alloc(2*4096, true)
	check("allocate DMA memory", err)
	cases := []struct {
		name string
		set  func(desc, avail []byte, data uint64)
	}{
		{"descriptor chain that loops", func(desc, avail []byte, data uint64) {
			putDesc(desc, 0, data, 64, descNext|descWrite, 0) // next: itself
			putAvail(avail, 0)
		}},
		{"next descriptor out of range", func(desc, avail []byte, data uint64) {
			putDesc(desc, 0, data, 64, descNext|descWrite, 1000)
			putAvail(avail, 0)
		}},
		{"available head out of range", func(desc, avail []byte, data uint64) {
			putDesc(desc, 0, data, 64, descWrite, 0)
			putAvail(avail, 999)
		}},
		// virtio-rng waits for a request with room for entropy: this
		// one stays pending, and only a timeout tells the driver
		{"zero-length descriptor", func(desc, avail []byte, data uint64) {
			putDesc(desc, 0, data, 0, descWrite, 0)
			putAvail(avail, 0)
		}},
	}
	for _, c := range cases {
		needsReset, finished := rawRequest(regs, mem, c.set)
		fmt.Printf("bad: %s: device needs reset: %v, request finished: %v\n", c.name, needsReset, finished)
	}
	reset(regs)
	check("free", mem.Free())
	regs.Close()

	// 3. The device works again.
	d, err = platform.Find(tree, virtio.IDEntropy, platform.Options{Poll: poll, Timeout: 10 * time.Second})
	check("reopen the entropy device", err)
	r, err := rng.New(d)
	check("restart the entropy device", err)
	buf := make([]byte, 4096)
	_, err = io.ReadFull(r, buf)
	fmt.Println("bad: device works after the errors:", err == nil && !bytes.Equal(buf, make([]byte, len(buf))))
	check("close", r.Close())
}

func findTransport(tree *fdt.Tree, id virtio.DeviceID) *mmio.Region {
	trs, err := platform.Transports(tree)
	check("list the transports", err)
	for _, tr := range trs {
		regs, info, err := platform.Probe(tr)
		if err != nil {
			continue
		}
		if info.DeviceID == id {
			return regs
		}
		regs.Close()
	}
	fail("no %v device", id)
	return nil
}

const (
	descNext  = 1
	descWrite = 2
	queueSize = 8
	// where the queue's parts live in the DMA buffer
	descOff, availOff, usedOff, dataOff = 0, 1024, 2048, 4096
)

func putDesc(desc []byte, i int, addr uint64, n uint32, flags, next uint16) {
	e := desc[16*i:]
	binary.LittleEndian.PutUint64(e[0:], addr)
	binary.LittleEndian.PutUint32(e[8:], n)
	binary.LittleEndian.PutUint16(e[12:], flags)
	binary.LittleEndian.PutUint16(e[14:], next)
}

func putAvail(avail []byte, head uint16) {
	binary.LittleEndian.PutUint16(avail[4:], head) // ring[0]
	mmio.Fence()
	binary.LittleEndian.PutUint16(avail[2:], 1) // idx
}

func reset(regs mmio.Regs) {
	regs.Write32(virtio.RegStatus, 0)
	check("reset", mmio.Poll(regs, virtio.RegStatus, 0xffffffff, 0, time.Second))
}

// rawRequest initializes the device by hand (virtio 1.2 section 3.1.1),
// lets set write one request into the rings, notifies the device and waits
// (2 seconds at most) for it to set DEVICE_NEEDS_RESET or to finish the
// request. It reports which happened.
func rawRequest(regs *mmio.Region, mem *dma.Buffer, set func(desc, avail []byte, data uint64)) (needsReset, finished bool) {
	b := mem.Bytes()
	for i := range b {
		b[i] = 0
	}
	reset(regs)
	regs.Write32(virtio.RegStatus, virtio.StatusAcknowledge|virtio.StatusDriver)
	regs.Write32(virtio.RegDriverFeaturesSel, 0)
	regs.Write32(virtio.RegDriverFeatures, 0)
	regs.Write32(virtio.RegDriverFeaturesSel, 1)
	regs.Write32(virtio.RegDriverFeatures, 1) // VERSION_1 (bit 32)
	regs.Write32(virtio.RegStatus, virtio.StatusAcknowledge|virtio.StatusDriver|virtio.StatusFeaturesOK)
	if regs.Read32(virtio.RegStatus)&virtio.StatusFeaturesOK == 0 {
		fail("the device refused VERSION_1")
	}
	regs.Write32(virtio.RegQueueSel, 0)
	regs.Write32(virtio.RegQueueNum, queueSize)
	phys := mem.Phys()
	for _, r := range []struct {
		lo  uintptr
		off uint64
	}{{virtio.RegQueueDescLow, descOff}, {virtio.RegQueueDriverLow, availOff}, {virtio.RegQueueDeviceLow, usedOff}} {
		regs.Write32(r.lo, uint32(phys+r.off))
		regs.Write32(r.lo+4, uint32((phys+r.off)>>32))
	}
	regs.Write32(virtio.RegQueueReady, 1)
	regs.Write32(virtio.RegStatus, virtio.StatusAcknowledge|virtio.StatusDriver|virtio.StatusFeaturesOK|virtio.StatusDriverOK)
	set(b[descOff:availOff], b[availOff:usedOff], phys+dataOff)
	regs.Write32(virtio.RegQueueNotify, 0) // fenced: the rings are written first
	used := b[usedOff:]
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		needsReset = regs.Read32(virtio.RegStatus)&virtio.StatusNeedsReset != 0
		finished = binary.LittleEndian.Uint16(used[2:]) != 0 // used idx
		if needsReset || finished {
			break
		}
	}
	return needsReset, finished
}
