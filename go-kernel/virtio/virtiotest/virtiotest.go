// Package virtiotest simulates virtio-mmio devices (register layout version
// 2, split virtqueues) in Go, for testing virtio drivers on a host.
//
// A Device implements mmio.Regs: a driver under test is given it as its
// registers and reads and writes it as it would a real transport. The
// device finds the driver's rings and buffers in simulated physical memory
// (a Memory, such as dma.Sim, which the driver's dma.Allocator also uses),
// processes requests when notified (at once, or on its own goroutine when
// Async is set), writes the used rings and raises its interrupt Line, which
// implements irq.Waiter with goose's semantics (masked on firing until
// Enable; level-triggered).
//
// NewRNG, NewBlock and NewNet build entropy, block and network (loopback)
// devices. The device also checks the driver: register accesses of the wrong
// width, queue setup out of order, notifications before DRIVER_OK and other
// breaches of the specification are recorded as Violations. And it can
// misbehave on purpose (Faults) so that tests can check that a driver
// survives a broken device.
package virtiotest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"goose/go-kernel/virtio"
)

// Memory is the physical memory the device reads and writes; dma.Sim is one.
type Memory interface {
	Bytes(phys uint64, n int) ([]byte, error)
}

// Faults make the device misbehave.
type Faults struct {
	// Used, if set, may change the id and length of each used element
	// before it is written.
	Used func(q int, id, n *uint32)
	// Drop makes the device take requests and never finish them.
	Drop bool
	// RejectFeatures makes the device refuse FEATURES_OK.
	RejectFeatures bool
	// StuckReset makes the device never finish a reset.
	StuckReset bool
	// QueueReadyEarly makes QueueReady read 1 before setup.
	QueueReadyEarly bool
	// NoNotify sets VRING_USED_F_NO_NOTIFY in every used ring; the device
	// then processes a queue only when Process is called.
	NoNotify bool
}

// Chain is one request the device took from an available ring.
type Chain struct {
	Head     uint16
	Readable [][]byte // the device-readable buffers, in order
	Writable [][]byte // the device-writable buffers, in order
}

// ReadAll returns the device-readable bytes, concatenated.
func (c *Chain) ReadAll() []byte {
	var out []byte
	for _, b := range c.Readable {
		out = append(out, b...)
	}
	return out
}

// WritableLen returns the number of device-writable bytes.
func (c *Chain) WritableLen() int {
	n := 0
	for _, b := range c.Writable {
		n += len(b)
	}
	return n
}

// WriteAt writes p into the device-writable bytes at offset off (across
// buffers) and returns how many bytes fitted.
func (c *Chain) WriteAt(p []byte, off int) int {
	n := 0
	for _, b := range c.Writable {
		if off >= len(b) {
			off -= len(b)
			continue
		}
		k := copy(b[off:], p[n:])
		n += k
		off = 0
		if n == len(p) {
			break
		}
	}
	return n
}

type queue struct {
	numMax                uint32
	num                   uint32
	ready                 bool
	desc, driver, device  uint64
	lastAvail, usedIdx    uint16
	notified, interrupted uint64
	suppressedInterrupts  uint64
	pending               []*Chain // taken from the ring, not finished (Drop, net rx)
}

// Device is a simulated virtio-mmio transport and device. Its exported
// fields are set before the driver starts; use the methods afterwards.
type Device struct {
	mu   sync.Mutex
	mem  Memory
	line *Line

	version  uint32
	id       virtio.DeviceID
	vendor   uint32
	features uint64
	config   []byte
	gen      uint32
	queues   []*queue

	status         uint32
	featSel        uint32
	drvFeatSel     uint32
	driverFeatures uint64
	queueSel       uint32
	intStatus      uint32

	// Async makes the device process notified queues on its own goroutine
	// instead of inside the driver's QueueNotify write.
	Async  bool
	work   chan struct{}
	stop   chan struct{}
	kicked []bool

	// Faults are applied while processing.
	Faults Faults

	handler    func(d *Device, q int)
	violations []string
	errs       []string
	resets     int
}

// New returns a device of type id with the given number of queues (each of
// at most qmax entries), offered features (VERSION_1 is added) and
// configuration space. handler processes queue q when it is notified; it
// runs with the device locked and uses Pop and Push.
func New(mem Memory, id virtio.DeviceID, nq int, qmax uint32, features uint64, config []byte, handler func(d *Device, q int)) *Device {
	d := &Device{
		mem:      mem,
		line:     NewLine(),
		version:  2,
		id:       id,
		vendor:   0x554d4551, // "QEMU"
		features: features | virtio.FeatureVersion1,
		config:   config,
		handler:  handler,
	}
	for i := 0; i < nq; i++ {
		d.queues = append(d.queues, &queue{numMax: qmax})
	}
	return d
}

// SetVersion changes the version register (1 for a legacy transport).
func (d *Device) SetVersion(v uint32) { d.version = v }

// SetFeatures replaces the offered features (VERSION_1 is not added).
func (d *Device) SetFeatures(f uint64) { d.features = f }

// Features returns the offered features.
func (d *Device) Features() uint64 { return d.features }

// IRQ returns the device's interrupt line.
func (d *Device) IRQ() *Line { return d.line }

// Violations returns the breaches of the specification the driver made.
func (d *Device) Violations() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.violations...)
}

// Errors returns the faults the device found in what the driver gave it
// (unreadable buffers, bad descriptors).
func (d *Device) Errors() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.errs...)
}

// Status returns the device status register.
func (d *Device) Status() uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status
}

// DriverFeatures returns the features the driver accepted.
func (d *Device) DriverFeatures() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.driverFeatures
}

// QueueStats returns how often queue q was notified and how many interrupts
// its used buffers raised and had suppressed (VRING_AVAIL_F_NO_INTERRUPT).
func (d *Device) QueueStats(q int) (notified, interrupted, suppressed uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.queues[q]
	return s.notified, s.interrupted, s.suppressedInterrupts
}

// Resets returns how many times the driver reset the device.
func (d *Device) Resets() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.resets
}

func (d *Device) violate(format string, args ...interface{}) {
	d.violations = append(d.violations, fmt.Sprintf(format, args...))
}

func (d *Device) fault(format string, args ...interface{}) {
	d.errs = append(d.errs, fmt.Sprintf(format, args...))
	// a real device would stop: DEVICE_NEEDS_RESET and a configuration
	// change interrupt
	d.status |= virtio.StatusNeedsReset
	d.raiseLocked(virtio.InterruptConfigChange)
}

// SetNeedsReset sets DEVICE_NEEDS_RESET and raises a configuration change
// interrupt.
func (d *Device) SetNeedsReset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status |= virtio.StatusNeedsReset
	d.raiseLocked(virtio.InterruptConfigChange)
}

// SetConfig changes configuration space bytes at off, bumps the
// configuration generation and raises a configuration change interrupt.
func (d *Device) SetConfig(off int, b []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	copy(d.config[off:], b)
	d.gen++
	if d.status&virtio.StatusDriverOK != 0 {
		d.raiseLocked(virtio.InterruptConfigChange)
	}
}

func (d *Device) raiseLocked(bits uint32) {
	d.intStatus |= bits
	d.line.set(d.intStatus != 0)
}

func (d *Device) resetLocked() {
	d.resets++
	d.status = 0
	d.driverFeatures = 0
	d.featSel, d.drvFeatSel, d.queueSel = 0, 0, 0
	d.intStatus = 0
	d.line.set(false)
	for _, q := range d.queues {
		*q = queue{numMax: q.numMax}
	}
}

func (d *Device) control(op string, off uintptr, width int) bool {
	if off < virtio.RegConfig {
		if width != 4 {
			d.violate("%s of %d bytes at control register %#x (must be 32-bit)", op, width, off)
			return false
		}
		return true
	}
	if width == 8 {
		d.violate("%s of 64 bits in configuration space at %#x (must be two 32-bit accesses)", op, off)
		return false
	}
	if off%uintptr(width) != 0 {
		d.violate("misaligned %s of %d bytes at %#x", op, width, off)
		return false
	}
	return true
}

func (d *Device) read(off uintptr, width int) uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.control("read", off, width) {
		return 0
	}
	if off >= virtio.RegConfig {
		o := int(off - virtio.RegConfig)
		if o+width > len(d.config) {
			d.violate("read past the configuration space at %#x", off)
			return 0
		}
		var b [8]byte
		copy(b[:], d.config[o:o+width])
		return binary.LittleEndian.Uint64(b[:])
	}
	q := d.selected()
	switch off {
	case virtio.RegMagicValue:
		return virtio.MagicValue
	case virtio.RegVersion:
		return uint64(d.version)
	case virtio.RegDeviceID:
		return uint64(d.id)
	case virtio.RegVendorID:
		return uint64(d.vendor)
	case virtio.RegDeviceFeatures:
		if d.featSel < 2 {
			return uint64(uint32(d.features >> (32 * d.featSel)))
		}
		return 0
	case virtio.RegQueueNumMax:
		if q == nil || q.ready {
			return 0
		}
		return uint64(q.numMax)
	case virtio.RegQueueReady:
		if d.Faults.QueueReadyEarly {
			return 1
		}
		if q != nil && q.ready {
			return 1
		}
		return 0
	case virtio.RegInterruptStatus:
		return uint64(d.intStatus)
	case virtio.RegStatus:
		if d.Faults.StuckReset && d.status == 0 {
			return virtio.StatusAcknowledge
		}
		return uint64(d.status)
	case virtio.RegConfigGeneration:
		return uint64(d.gen)
	case virtio.RegQueueNotify, virtio.RegInterruptACK, virtio.RegDeviceFeaturesSel,
		virtio.RegDriverFeatures, virtio.RegDriverFeaturesSel, virtio.RegQueueSel, virtio.RegQueueNum:
		d.violate("read of write-only register %#x", off)
		return 0
	}
	if q != nil {
		switch off {
		case virtio.RegQueueDescLow:
			return uint64(uint32(q.desc))
		case virtio.RegQueueDescHigh:
			return q.desc >> 32
		case virtio.RegQueueDriverLow:
			return uint64(uint32(q.driver))
		case virtio.RegQueueDriverHigh:
			return q.driver >> 32
		case virtio.RegQueueDeviceLow:
			return uint64(uint32(q.device))
		case virtio.RegQueueDeviceHigh:
			return q.device >> 32
		}
	}
	d.violate("read of unknown register %#x", off)
	return 0
}

func (d *Device) selected() *queue {
	if int(d.queueSel) < len(d.queues) {
		return d.queues[d.queueSel]
	}
	return nil
}

func setLow(x *uint64, v uint32)  { *x = *x&^0xffffffff | uint64(v) }
func setHigh(x *uint64, v uint32) { *x = *x&0xffffffff | uint64(v)<<32 }

func (d *Device) write(off uintptr, width int, v uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.control("write", off, width) {
		return
	}
	if off >= virtio.RegConfig {
		o := int(off - virtio.RegConfig)
		if o+width > len(d.config) {
			d.violate("write past the configuration space at %#x", off)
			return
		}
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		copy(d.config[o:], b[:width])
		return
	}
	w := uint32(v)
	q := d.selected()
	queueReg := func() bool {
		if q == nil {
			d.violate("write to queue register %#x with no queue %d selected", off, d.queueSel)
			return false
		}
		if q.ready {
			d.violate("write to queue register %#x of ready queue %d", off, d.queueSel)
			return false
		}
		if d.status&virtio.StatusFeaturesOK == 0 || d.status&virtio.StatusDriverOK != 0 {
			d.violate("queue %d set up with status %#x", d.queueSel, d.status)
		}
		return true
	}
	switch off {
	case virtio.RegDeviceFeaturesSel:
		d.featSel = w
	case virtio.RegDriverFeaturesSel:
		d.drvFeatSel = w
	case virtio.RegDriverFeatures:
		if d.status&virtio.StatusFeaturesOK != 0 {
			d.violate("driver features written after FEATURES_OK")
		}
		switch d.drvFeatSel {
		case 0:
			setLow(&d.driverFeatures, w)
		case 1:
			setHigh(&d.driverFeatures, w)
		default:
			if w != 0 {
				d.violate("driver features %#x in word %d", w, d.drvFeatSel)
			}
		}
	case virtio.RegQueueSel:
		d.queueSel = w
	case virtio.RegQueueNum:
		if queueReg() {
			if w == 0 || w > q.numMax || w&(w-1) != 0 {
				d.violate("queue %d size %d (max %d, power of two)", d.queueSel, w, q.numMax)
			}
			q.num = w
		}
	case virtio.RegQueueDescLow:
		if queueReg() {
			setLow(&q.desc, w)
		}
	case virtio.RegQueueDescHigh:
		if queueReg() {
			setHigh(&q.desc, w)
		}
	case virtio.RegQueueDriverLow:
		if queueReg() {
			setLow(&q.driver, w)
		}
	case virtio.RegQueueDriverHigh:
		if queueReg() {
			setHigh(&q.driver, w)
		}
	case virtio.RegQueueDeviceLow:
		if queueReg() {
			setLow(&q.device, w)
		}
	case virtio.RegQueueDeviceHigh:
		if queueReg() {
			setHigh(&q.device, w)
		}
	case virtio.RegQueueReady:
		if q == nil {
			d.violate("QueueReady with no queue selected")
			return
		}
		if w == 1 {
			if q.num == 0 || q.desc%16 != 0 || q.driver%2 != 0 || q.device%4 != 0 {
				d.violate("queue %d made ready with size %d, rings at %#x %#x %#x", d.queueSel, q.num, q.desc, q.driver, q.device)
			}
			q.ready = true
			if d.Faults.NoNotify {
				d.setUsedFlagsLocked(q, 1)
			}
		} else {
			q.ready = false
		}
	case virtio.RegQueueNotify:
		if int(w) >= len(d.queues) || !d.queues[w].ready {
			d.violate("notify of queue %d, which is not ready", w)
			return
		}
		if d.status&virtio.StatusDriverOK == 0 {
			d.violate("notify of queue %d before DRIVER_OK", w)
		}
		d.queues[w].notified++
		if d.Faults.NoNotify {
			d.violate("notify of queue %d, which asked for no notifications", w)
		}
		d.kickLocked(int(w))
	case virtio.RegInterruptACK:
		d.intStatus &^= w
		d.line.set(d.intStatus != 0)
	case virtio.RegStatus:
		if w == 0 {
			d.resetLocked()
			return
		}
		if w&d.status != d.status {
			d.violate("status %#x clears bits of %#x without a reset", w, d.status)
		}
		if w&virtio.StatusFeaturesOK != 0 && d.status&virtio.StatusFeaturesOK == 0 {
			if d.Faults.RejectFeatures || d.driverFeatures&^d.features != 0 || d.driverFeatures&virtio.FeatureVersion1 == 0 {
				w &^= virtio.StatusFeaturesOK
			}
		}
		if w&virtio.StatusDriverOK != 0 && w&virtio.StatusFeaturesOK == 0 && w&virtio.StatusFailed == 0 {
			d.violate("DRIVER_OK without FEATURES_OK")
		}
		d.status = w | d.status&virtio.StatusNeedsReset
	default:
		d.violate("write of %#x to unknown or read-only register %#x", w, off)
	}
}

func (d *Device) kickLocked(q int) {
	if !d.Async {
		d.handler(d, q)
		return
	}
	if d.work == nil {
		d.work = make(chan struct{}, 1)
		d.stop = make(chan struct{})
		d.kicked = make([]bool, len(d.queues))
		go d.worker(d.work, d.stop)
	}
	d.kicked[q] = true
	select {
	case d.work <- struct{}{}:
	default: // the worker will look at every queue anyway
	}
}

func (d *Device) worker(work, stop chan struct{}) {
	for {
		select {
		case <-work:
			d.mu.Lock()
			for q, k := range d.kicked {
				if k {
					d.kicked[q] = false
					if d.queues[q].ready {
						d.handler(d, q)
					}
				}
			}
			d.mu.Unlock()
		case <-stop:
			return
		}
	}
}

// Stop ends the Async goroutine.
func (d *Device) Stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stop != nil {
		close(d.stop)
		d.stop, d.work = nil, nil
	}
}

// Process runs queue q's handler as if the driver had notified it.
func (d *Device) Process(q int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.queues[q].ready && d.status&virtio.StatusDriverOK != 0 {
		d.handler(d, q)
	}
}

func (d *Device) bytes(phys uint64, n int) ([]byte, error) {
	return d.mem.Bytes(phys, n)
}

func (d *Device) setUsedFlagsLocked(q *queue, flags uint16) {
	u, err := d.bytes(q.device, 4)
	if err != nil {
		return
	}
	p := (*uint32)(unsafe.Pointer(&u[0]))
	var b [4]byte
	*(*uint32)(unsafe.Pointer(&b[0])) = atomic.LoadUint32(p)
	binary.LittleEndian.PutUint16(b[0:], flags)
	atomic.StoreUint32(p, *(*uint32)(unsafe.Pointer(&b[0])))
}

// availHeader reads the available ring's flags and idx atomically.
func (d *Device) availHeader(q *queue) (flags, idx uint16, err error) {
	a, err := d.bytes(q.driver, 4)
	if err != nil {
		return 0, 0, err
	}
	if q.driver%4 != 0 {
		// the driver may align it to 2 only; read the halves
		return binary.LittleEndian.Uint16(a), binary.LittleEndian.Uint16(a[2:]), nil
	}
	var b [4]byte
	*(*uint32)(unsafe.Pointer(&b[0])) = atomic.LoadUint32((*uint32)(unsafe.Pointer(&a[0])))
	return binary.LittleEndian.Uint16(b[0:]), binary.LittleEndian.Uint16(b[2:]), nil
}

var errEmpty = errors.New("no request available")

// Pop takes the next request from queue qi's available ring. ok is false when
// there is none. A malformed request is recorded in Errors, sets
// DEVICE_NEEDS_RESET and returns ok false. Call it from a handler.
func (d *Device) Pop(qi int) (c *Chain, ok bool) {
	q := d.queues[qi]
	if !q.ready {
		return nil, false
	}
	c, err := d.pop(q)
	if err == errEmpty {
		return nil, false
	}
	if err != nil {
		d.fault("queue %d: %v", qi, err)
		return nil, false
	}
	return c, true
}

func (d *Device) pop(q *queue) (*Chain, error) {
	_, idx, err := d.availHeader(q)
	if err != nil {
		return nil, err
	}
	if idx == q.lastAvail {
		return nil, errEmpty
	}
	if uint16(idx-q.lastAvail) > uint16(q.num) {
		return nil, fmt.Errorf("available index %d is more than %d ahead of %d", idx, q.num, q.lastAvail)
	}
	ring, err := d.bytes(q.driver+4+2*uint64(uint32(q.lastAvail)%q.num), 2)
	if err != nil {
		return nil, err
	}
	head := binary.LittleEndian.Uint16(ring)
	q.lastAvail++
	if uint32(head) >= q.num {
		return nil, fmt.Errorf("head %d out of range", head)
	}
	c := &Chain{Head: head}
	i := head
	for n := uint32(0); ; n++ {
		if n >= q.num {
			return nil, fmt.Errorf("descriptor chain from %d loops", head)
		}
		desc, err := d.bytes(q.desc+16*uint64(i), 16)
		if err != nil {
			return nil, err
		}
		addr := binary.LittleEndian.Uint64(desc)
		l := binary.LittleEndian.Uint32(desc[8:])
		flags := binary.LittleEndian.Uint16(desc[12:])
		next := binary.LittleEndian.Uint16(desc[14:])
		if flags&4 != 0 {
			return nil, fmt.Errorf("indirect descriptor %d (not negotiated)", i)
		}
		buf, err := d.bytes(addr, int(l))
		if err != nil {
			return nil, fmt.Errorf("descriptor %d: %v", i, err)
		}
		if flags&2 != 0 {
			c.Writable = append(c.Writable, buf)
		} else {
			if len(c.Writable) > 0 {
				return nil, fmt.Errorf("descriptor %d: readable after writable", i)
			}
			c.Readable = append(c.Readable, buf)
		}
		if flags&1 == 0 {
			break
		}
		if uint32(next) >= q.num {
			return nil, fmt.Errorf("descriptor %d: next %d out of range", i, next)
		}
		i = next
	}
	return c, nil
}

// Push finishes request c of queue qi with n bytes written: it writes the
// used element, publishes the used index and raises the interrupt unless
// the driver suppressed it. Call it from a handler.
func (d *Device) Push(qi int, c *Chain, n uint32) {
	q := d.queues[qi]
	if d.Faults.Drop {
		q.pending = append(q.pending, c)
		return
	}
	id := uint32(c.Head)
	if d.Faults.Used != nil {
		d.Faults.Used(qi, &id, &n)
	}
	d.pushRaw(qi, id, n)
}

func (d *Device) pushRaw(qi int, id, n uint32) {
	q := d.queues[qi]
	e, err := d.bytes(q.device+4+8*uint64(uint32(q.usedIdx)%q.num), 8)
	if err != nil {
		d.fault("queue %d: used ring: %v", qi, err)
		return
	}
	binary.LittleEndian.PutUint32(e, id)
	binary.LittleEndian.PutUint32(e[4:], n)
	q.usedIdx++
	d.publishUsed(qi)
}

func (d *Device) publishUsed(qi int) {
	q := d.queues[qi]
	u, err := d.bytes(q.device, 4)
	if err != nil {
		d.fault("queue %d: used ring: %v", qi, err)
		return
	}
	var flags uint16
	if d.Faults.NoNotify {
		flags = 1
	}
	var b [4]byte
	binary.LittleEndian.PutUint16(b[0:], flags)
	binary.LittleEndian.PutUint16(b[2:], q.usedIdx)
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&u[0])), *(*uint32)(unsafe.Pointer(&b[0])))
	af, _, err := d.availHeader(q)
	if err == nil && af&1 != 0 {
		q.suppressedInterrupts++
		return
	}
	q.interrupted++
	d.raiseLocked(virtio.InterruptUsedBuffer)
}

// SkewUsed moves queue q's used index on by delta without writing
// elements (a device bug).
func (d *Device) SkewUsed(q int, delta uint16) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queues[q].usedIdx += delta
	d.publishUsed(q)
}

// PushRaw writes a used element with any id and length (a device bug).
func (d *Device) PushRaw(q int, id, n uint32) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pushRaw(q, id, n)
}

// Read8 implements mmio.Regs.
func (d *Device) Read8(off uintptr) uint8 { return uint8(d.read(off, 1)) }

// Read16 implements mmio.Regs.
func (d *Device) Read16(off uintptr) uint16 { return uint16(d.read(off, 2)) }

// Read32 implements mmio.Regs.
func (d *Device) Read32(off uintptr) uint32 { return uint32(d.read(off, 4)) }

// Read64 implements mmio.Regs.
func (d *Device) Read64(off uintptr) uint64 { return d.read(off, 8) }

// Write8 implements mmio.Regs.
func (d *Device) Write8(off uintptr, v uint8) { d.write(off, 1, uint64(v)) }

// Write16 implements mmio.Regs.
func (d *Device) Write16(off uintptr, v uint16) { d.write(off, 2, uint64(v)) }

// Write32 implements mmio.Regs.
func (d *Device) Write32(off uintptr, v uint32) { d.write(off, 4, uint64(v)) }

// Write64 implements mmio.Regs.
func (d *Device) Write64(off uintptr, v uint64) { d.write(off, 8, v) }

// Line is a simulated interrupt line with goose's /dev/irq semantics: it
// fires when the device raises it while it is enabled, is then masked until
// Enable, and fires again at Enable if the device still holds it up. It
// implements irq.Waiter.
type Line struct {
	mu      sync.Mutex
	cond    *sync.Cond
	enabled bool
	level   bool
	pending bool
	closed  bool
	count   uint32
	refires uint32
}

// NewLine returns an enabled line.
func NewLine() *Line {
	l := &Line{enabled: true}
	l.cond = sync.NewCond(&l.mu)
	return l
}

func (l *Line) set(level bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.level = level
	l.fireLocked()
}

func (l *Line) fireLocked() bool {
	if l.level && l.enabled {
		l.count++
		l.pending = true
		l.enabled = false
		l.cond.Broadcast()
		return true
	}
	return false
}

// ErrClosed is returned by a closed Line.
var ErrClosed = errors.New("virtiotest: line closed")

// Wait implements irq.Waiter.
func (l *Line) Wait() (uint32, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for !l.pending && !l.closed {
		l.cond.Wait()
	}
	if l.closed {
		return 0, ErrClosed
	}
	l.pending = false
	return l.count, nil
}

// Enable implements irq.Waiter.
func (l *Line) Enable() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	l.enabled = true
	if l.fireLocked() {
		l.refires++
	}
	return nil
}

// Close makes Wait return ErrClosed.
func (l *Line) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.cond.Broadcast()
	return nil
}

// Counts returns how many times the line fired, and how many of those were
// at Enable because the device still held it up (the driver enabled it
// before acknowledging the device, or new work arrived meanwhile).
func (l *Line) Counts() (fired, refired uint32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count, l.refires
}
