// Package virtio drives virtio devices over the virtio-mmio transport
// (Virtual I/O Device specification 1.x, section 4.2 "Virtio Over MMIO",
// register layout version 2) with split virtqueues (section 2.7).
//
// # Layering
//
// The package knows nothing about goose. A Device is built from three
// inputs, each an interface or a value a test can fake:
//
//   - registers: an mmio.Regs (an mmio.Region from mmio.Map on goose or
//     Linux, or a simulated device such as virtiotest.Device);
//   - memory: a *dma.Allocator, for the rings and the drivers' buffers,
//     whose physical addresses are what the device is told;
//   - interrupts: an irq.Waiter (an irq.Line on /dev/irq/<n>), or nil to
//     poll the rings instead.
//
// The device drivers (virtio/rng, virtio/blk, virtio/netdev) are built on a
// *Device: each negotiates its features, sets up its queues and starts the
// device. A program finds the transports in the device tree (compatible
// "virtio,mmio": reg and interrupts), maps each with mmio.Map, reads its
// DeviceID with Probe and opens the ones it has drivers for: package
// virtio/platform does exactly that.
//
// # Lifecycle
//
//	d, err := virtio.Open(virtio.Config{Regs: regs, DMA: alloc, IRQ: line})
//	// reset, ACKNOWLEDGE, DRIVER
//	feat, err := d.Negotiate(wanted)   // FEATURES_OK (VERSION_1 always)
//	q, err := d.SetupQueue(0, 0)       // rings allocated, QueueReady
//	err = d.Start()                    // DRIVER_OK; interrupts serviced
//	n, err := q.Transfer(bufs)         // one request, waited for
//	d.Close()                          // reset; rings freed
//
// # Concurrency and interrupts
//
// A Device and its queues are safe for concurrent use; one lock covers them.
// With an irq.Waiter, Start runs one goroutine that waits for the interrupt,
// reads and acknowledges InterruptStatus, re-enables the interrupt and wakes
// every goroutine waiting on a queue. Without one, waiting goroutines poll the
// used rings (yielding, then sleeping up to Config.MaxPoll), and the driver
// asks the device not to interrupt (VRING_AVAIL_F_NO_INTERRUPT).
//
// # A misbehaving device
//
// Everything the device writes is checked before use: a used ring index that
// runs ahead by more than the queue size, a used element naming a descriptor
// that is not the head of a chain in flight, or a length beyond the chain's
// device-writable bytes makes the queue fail with an error wrapping ErrBroken
// (and every later request on it too); no device write can make the driver
// index outside its own memory. The descriptors themselves are never read
// back: the driver walks its own copy of each chain.
package virtio

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"goose/go-kernel/dma"
	"goose/go-kernel/irq"
	"goose/go-kernel/mmio"
)

// Register offsets of the virtio-mmio transport, version 2.
const (
	RegMagicValue        = 0x000
	RegVersion           = 0x004
	RegDeviceID          = 0x008
	RegVendorID          = 0x00c
	RegDeviceFeatures    = 0x010
	RegDeviceFeaturesSel = 0x014
	RegDriverFeatures    = 0x020
	RegDriverFeaturesSel = 0x024
	RegQueueSel          = 0x030
	RegQueueNumMax       = 0x034
	RegQueueNum          = 0x038
	RegQueueReady        = 0x044
	RegQueueNotify       = 0x050
	RegInterruptStatus   = 0x060
	RegInterruptACK      = 0x064
	RegStatus            = 0x070
	RegQueueDescLow      = 0x080
	RegQueueDescHigh     = 0x084
	RegQueueDriverLow    = 0x090
	RegQueueDriverHigh   = 0x094
	RegQueueDeviceLow    = 0x0a0
	RegQueueDeviceHigh   = 0x0a4
	RegConfigGeneration  = 0x0fc
	RegConfig            = 0x100 // device-specific configuration space
)

// MagicValue is what RegMagicValue reads: "virt" in little-endian.
const MagicValue = 0x74726976

// Device status bits (section 2.1).
const (
	StatusAcknowledge = 1
	StatusDriver      = 2
	StatusDriverOK    = 4
	StatusFeaturesOK  = 8
	StatusNeedsReset  = 64
	StatusFailed      = 128
)

// Device-independent feature bits (section 6).
const (
	FeatureIndirectDesc   = 1 << 28
	FeatureEventIdx       = 1 << 29
	FeatureVersion1       = 1 << 32
	FeatureAccessPlatform = 1 << 33
	FeatureRingPacked     = 1 << 34
	FeatureInOrder        = 1 << 35
	FeatureOrderPlatform  = 1 << 36
)

// InterruptStatus bits.
const (
	InterruptUsedBuffer   = 1
	InterruptConfigChange = 2
)

// DeviceID is a virtio device type (section 5).
type DeviceID uint32

// Device types.
const (
	IDNone    DeviceID = 0
	IDNet     DeviceID = 1
	IDBlock   DeviceID = 2
	IDConsole DeviceID = 3
	IDEntropy DeviceID = 4
	IDBalloon DeviceID = 5
	IDSCSI    DeviceID = 8
	IDGPU     DeviceID = 16
	IDInput   DeviceID = 18
	IDVsock   DeviceID = 19
)

func (id DeviceID) String() string {
	switch id {
	case IDNone:
		return "none"
	case IDNet:
		return "net"
	case IDBlock:
		return "block"
	case IDConsole:
		return "console"
	case IDEntropy:
		return "entropy"
	case IDBalloon:
		return "balloon"
	case IDSCSI:
		return "scsi"
	case IDGPU:
		return "gpu"
	case IDInput:
		return "input"
	case IDVsock:
		return "vsock"
	}
	return fmt.Sprintf("device %d", uint32(id))
}

var (
	// ErrNotVirtio: the registers do not start with the virtio magic.
	ErrNotVirtio = errors.New("virtio: no virtio-mmio magic value")
	// ErrLegacy: a version 1 (legacy) transport. On QEMU, run with
	// -global virtio-mmio.force-legacy=false.
	ErrLegacy = errors.New("virtio: legacy virtio-mmio (version 1) is not supported (QEMU: -global virtio-mmio.force-legacy=false)")
	// ErrNoDevice: the transport has no device behind it (DeviceID 0).
	ErrNoDevice = errors.New("virtio: no device behind this transport")
	// ErrFeatures: the device does not accept the negotiated features.
	ErrFeatures = errors.New("virtio: device refused the features")
	// ErrBroken: the device did something the specification forbids.
	ErrBroken = errors.New("virtio: device misbehaved")
	// ErrNeedsReset: the device set DEVICE_NEEDS_RESET.
	ErrNeedsReset = errors.New("virtio: device needs a reset")
	// ErrTimeout: a request did not complete within Config.Timeout. Its
	// buffers may still be written by the device, so the queue fails.
	ErrTimeout = errors.New("virtio: request timed out")
	// ErrClosed: the device was closed.
	ErrClosed = errors.New("virtio: device closed")
)

// Config is what Open needs.
type Config struct {
	// Regs are the transport's registers (at least 0x100 bytes plus the
	// device's configuration space).
	Regs mmio.Regs
	// DMA allocates rings and buffers; nil means dma.Default().
	DMA *dma.Allocator
	// IRQ is the device's interrupt; nil means polling.
	IRQ irq.Waiter
	// QueueSize caps the entries of each queue (rounded down to a power
	// of two; default 256, which keeps every ring within a page).
	QueueSize int
	// Timeout bounds each wait for the device; 0 waits forever.
	Timeout time.Duration
	// MaxPoll is the longest sleep between two looks at a ring when
	// polling (default 1ms).
	MaxPoll time.Duration
}

// Info is what Probe reads from a transport.
type Info struct {
	Version  uint32
	DeviceID DeviceID
	VendorID uint32
}

// Probe reads a transport's identification registers without touching the
// device: ErrNotVirtio when the magic is wrong, ErrNoDevice when there is
// no device. It does not reject legacy transports (Info.Version 1).
func Probe(regs mmio.Regs) (Info, error) {
	if m := regs.Read32(RegMagicValue); m != MagicValue {
		return Info{}, fmt.Errorf("%w (read %#x)", ErrNotVirtio, m)
	}
	info := Info{
		Version:  regs.Read32(RegVersion),
		DeviceID: DeviceID(regs.Read32(RegDeviceID)),
		VendorID: regs.Read32(RegVendorID),
	}
	if info.DeviceID == IDNone {
		return info, ErrNoDevice
	}
	return info, nil
}

// Device is one virtio device being driven.
type Device struct {
	cfg     Config
	regs    mmio.Regs
	alloc   *dma.Allocator
	info    Info
	offered uint64

	mu       sync.Mutex
	cond     *sync.Cond
	features uint64
	queues   []*Queue
	started  bool
	closed   bool
	err      error // the device failed: every wait returns it
	irqs     uint64
	config   uint64 // configuration change interrupts seen
}

// Open checks the transport (magic, version 2, a device present), resets the
// device, and sets ACKNOWLEDGE and DRIVER.
func Open(cfg Config) (*Device, error) {
	if cfg.Regs == nil {
		return nil, errors.New("virtio: Config.Regs is nil")
	}
	info, err := Probe(cfg.Regs)
	if err != nil {
		return nil, err
	}
	switch info.Version {
	case 2:
	case 1:
		return nil, ErrLegacy
	default:
		return nil, fmt.Errorf("virtio: unknown virtio-mmio version %d", info.Version)
	}
	if cfg.DMA == nil {
		cfg.DMA = dma.Default()
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 256
	}
	if cfg.QueueSize > 32768 {
		cfg.QueueSize = 32768
	}
	if cfg.MaxPoll <= 0 {
		cfg.MaxPoll = time.Millisecond
	}
	d := &Device{cfg: cfg, regs: cfg.Regs, alloc: cfg.DMA, info: info}
	d.cond = sync.NewCond(&d.mu)
	if err := d.reset(); err != nil {
		return nil, err
	}
	d.regs.Write32(RegStatus, StatusAcknowledge)
	d.regs.Write32(RegStatus, StatusAcknowledge|StatusDriver)
	d.regs.Write32(RegDeviceFeaturesSel, 0)
	lo := d.regs.Read32(RegDeviceFeatures)
	d.regs.Write32(RegDeviceFeaturesSel, 1)
	hi := d.regs.Read32(RegDeviceFeatures)
	d.offered = uint64(hi)<<32 | uint64(lo)
	return d, nil
}

// reset writes 0 to Status and waits until it reads back 0.
func (d *Device) reset() error {
	d.regs.Write32(RegStatus, 0)
	if err := mmio.Poll(d.regs, RegStatus, 0xffffffff, 0, time.Second); err != nil {
		return fmt.Errorf("virtio: device did not reset: %w", err)
	}
	return nil
}

// ID returns the device type.
func (d *Device) ID() DeviceID { return d.info.DeviceID }

// Info returns what the transport's identification registers said.
func (d *Device) Info() Info { return d.info }

// DMA returns the allocator the device uses.
func (d *Device) DMA() *dma.Allocator { return d.alloc }

// Timeout returns Config.Timeout.
func (d *Device) Timeout() time.Duration { return d.cfg.Timeout }

// OfferedFeatures returns the feature bits the device offers.
func (d *Device) OfferedFeatures() uint64 { return d.offered }

// Features returns the negotiated feature bits (0 before Negotiate).
func (d *Device) Features() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.features
}

// transportFeatures are the device-independent features the transport and
// its queues implement and accept when offered: VERSION_1 (required), and
// ACCESS_PLATFORM and ORDER_PLATFORM, which this driver satisfies as it is
// (it gives physical addresses and fences every register access).
const transportFeatures = FeatureVersion1 | FeatureAccessPlatform | FeatureOrderPlatform

// Negotiate accepts the features in want (device-specific bits, plus any of
// the transport's own) that the device offers, plus VERSION_1, sets
// FEATURES_OK and checks the device kept it. It returns the accepted set.
func (d *Device) Negotiate(want uint64) (uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started || d.closed {
		return 0, errors.New("virtio: Negotiate after Start or Close")
	}
	if d.offered&FeatureVersion1 == 0 {
		d.failLocked()
		return 0, fmt.Errorf("%w: the device does not offer VERSION_1", ErrFeatures)
	}
	const deviceSpecific = 1<<24 - 1 | 0x3fff<<50 // bits 0-23 and 50-63 (section 6)
	f := d.offered & (want&deviceSpecific | transportFeatures)
	d.regs.Write32(RegDriverFeaturesSel, 0)
	d.regs.Write32(RegDriverFeatures, uint32(f))
	d.regs.Write32(RegDriverFeaturesSel, 1)
	d.regs.Write32(RegDriverFeatures, uint32(f>>32))
	d.regs.Write32(RegStatus, StatusAcknowledge|StatusDriver|StatusFeaturesOK)
	if d.regs.Read32(RegStatus)&StatusFeaturesOK == 0 {
		d.failLocked()
		return 0, fmt.Errorf("%w (%#x of offered %#x)", ErrFeatures, f, d.offered)
	}
	d.features = f
	return f, nil
}

func (d *Device) failLocked() {
	d.regs.Write32(RegStatus, d.regs.Read32(RegStatus)|StatusFailed)
}

// Fail tells the device the driver gave up on it (sets FAILED).
func (d *Device) Fail() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failLocked()
}

// Start sets DRIVER_OK: the device is live. With an IRQ, it starts the
// goroutine that services interrupts.
func (d *Device) Start() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.features == 0 {
		return errors.New("virtio: Start before Negotiate")
	}
	if d.started || d.closed {
		return errors.New("virtio: Start twice or after Close")
	}
	d.regs.Write32(RegStatus, StatusAcknowledge|StatusDriver|StatusFeaturesOK|StatusDriverOK)
	if st := d.regs.Read32(RegStatus); st&StatusNeedsReset != 0 {
		return ErrNeedsReset
	}
	d.started = true
	if d.cfg.IRQ != nil {
		go d.serviceInterrupts(d.cfg.IRQ)
	}
	return nil
}

// serviceInterrupts waits for the interrupt, acknowledges it at the device,
// re-enables it, and wakes the waiters.
func (d *Device) serviceInterrupts(w irq.Waiter) {
	for {
		_, err := w.Wait()
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			return
		}
		if err != nil {
			d.setErrLocked(fmt.Errorf("virtio: waiting for the interrupt: %w", err))
			d.mu.Unlock()
			return
		}
		st := d.regs.Read32(RegInterruptStatus)
		if st != 0 {
			d.regs.Write32(RegInterruptACK, st)
		}
		d.irqs++
		if st&InterruptConfigChange != 0 {
			d.config++
			if d.regs.Read32(RegStatus)&StatusNeedsReset != 0 {
				d.setErrLocked(ErrNeedsReset)
			}
		}
		d.cond.Broadcast()
		d.mu.Unlock()
		if err := w.Enable(); err != nil {
			d.mu.Lock()
			if !d.closed {
				d.setErrLocked(fmt.Errorf("virtio: re-enabling the interrupt: %w", err))
			}
			d.mu.Unlock()
			return
		}
	}
}

func (d *Device) setErrLocked(err error) {
	if d.err == nil {
		d.err = err
	}
	d.cond.Broadcast()
}

// Interrupts returns how many interrupts have been serviced, and how many of
// them reported a configuration change.
func (d *Device) Interrupts() (all, configChanges uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.irqs, d.config
}

// Err returns the error that stopped the device, if any.
func (d *Device) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

// Close resets the device (which stops it using memory), frees the rings,
// closes the IRQ if it is an io.Closer, and makes every wait return
// ErrClosed. Buffers the drivers allocated are theirs to free.
func (d *Device) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return ErrClosed
	}
	d.closed = true
	d.setErrLocked(ErrClosed)
	err := d.reset()
	if err == nil {
		// the device has stopped using the rings (if it did not reset,
		// leaking them is safer)
		for _, q := range d.queues {
			q.mem.Free()
		}
	}
	d.queues = nil
	d.mu.Unlock()
	if c, ok := d.cfg.IRQ.(interface{ Close() error }); ok {
		c.Close()
	}
	return err
}

// waitLocked waits, with d.mu held, until done reports true or an error.
// done is called with d.mu held.
func (d *Device) waitLocked(done func() (bool, error)) error {
	var deadline time.Time
	if d.cfg.Timeout > 0 {
		deadline = time.Now().Add(d.cfg.Timeout)
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	sleep := time.Microsecond
	for i := 0; ; i++ {
		ok, err := done()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if d.err != nil {
			return d.err
		}
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return ErrTimeout
		}
		if d.started && d.cfg.IRQ != nil {
			if timer == nil && !deadline.IsZero() {
				timer = time.AfterFunc(time.Until(deadline), func() {
					d.mu.Lock()
					d.cond.Broadcast()
					d.mu.Unlock()
				})
			}
			d.cond.Wait()
			continue
		}
		if i%128 == 127 && d.regs.Read32(RegStatus)&StatusNeedsReset != 0 {
			d.setErrLocked(ErrNeedsReset)
			continue
		}
		d.mu.Unlock()
		if i < 16 {
			runtime.Gosched()
		} else {
			time.Sleep(sleep)
			if sleep < d.cfg.MaxPoll {
				sleep *= 2
			}
		}
		d.mu.Lock()
	}
}

// Config8 reads an 8-bit field of the device configuration space.
func (d *Device) Config8(off uintptr) uint8 { return d.regs.Read8(RegConfig + off) }

// Config16 reads a 16-bit field of the device configuration space.
func (d *Device) Config16(off uintptr) uint16 { return d.regs.Read16(RegConfig + off) }

// Config32 reads a 32-bit field of the device configuration space.
func (d *Device) Config32(off uintptr) uint32 { return d.regs.Read32(RegConfig + off) }

// Config64 reads a 64-bit field of the device configuration space as two
// 32-bit reads (low word first), as the transport requires, retried until
// ConfigGeneration shows no change happened in between.
func (d *Device) Config64(off uintptr) (uint64, error) {
	var v uint64
	err := d.ReadConfig(func() {
		lo := d.regs.Read32(RegConfig + off)
		hi := d.regs.Read32(RegConfig + off + 4)
		v = uint64(hi)<<32 | uint64(lo)
	})
	return v, err
}

// WriteConfig8 writes an 8-bit field of the device configuration space.
func (d *Device) WriteConfig8(off uintptr, v uint8) { d.regs.Write8(RegConfig+off, v) }

// WriteConfig16 writes a 16-bit field of the device configuration space.
func (d *Device) WriteConfig16(off uintptr, v uint16) { d.regs.Write16(RegConfig+off, v) }

// WriteConfig32 writes a 32-bit field of the device configuration space.
func (d *Device) WriteConfig32(off uintptr, v uint32) { d.regs.Write32(RegConfig+off, v) }

// ReadConfig calls read (which reads configuration fields) until
// ConfigGeneration is the same before and after, so that the fields read are
// consistent; it gives up after 100 tries.
func (d *Device) ReadConfig(read func()) error {
	for i := 0; i < 100; i++ {
		g := d.regs.Read32(RegConfigGeneration)
		read()
		if d.regs.Read32(RegConfigGeneration) == g {
			return nil
		}
	}
	return fmt.Errorf("%w: configuration keeps changing", ErrBroken)
}
