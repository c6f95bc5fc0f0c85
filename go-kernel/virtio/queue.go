package virtio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"goose/go-kernel/dma"
)

// Descriptor flags (struct virtq_desc).
const (
	descNext  = 1
	descWrite = 2
)

// Ring flags.
const (
	availNoInterrupt = 1 // VRING_AVAIL_F_NO_INTERRUPT
	usedNoNotify     = 1 // VRING_USED_F_NO_NOTIFY
)

// Buf is one buffer of a request: a descriptor.
type Buf struct {
	Addr  uint64 // physical address
	Len   uint32
	Write bool // written by the device (else read by it)
}

// AppendBufs appends the descriptors for bytes [off, off+n) of b: one per
// physically contiguous run, each at most maxLen bytes (0: no limit).
func AppendBufs(dst []Buf, b *dma.Buffer, off, n int, write bool, maxLen int) ([]Buf, error) {
	segs, err := b.SegmentsOf(off, n)
	if err != nil {
		return dst, err
	}
	for _, s := range segs {
		for s.Len > 0 {
			l := s.Len
			if maxLen > 0 && l > maxLen {
				l = maxLen
			}
			if l > 1<<31 {
				l = 1 << 31
			}
			dst = append(dst, Buf{Addr: s.Phys, Len: uint32(l), Write: write})
			s.Phys += uint64(l)
			s.Len -= l
		}
	}
	return dst, nil
}

// Used is a request the device has finished.
type Used struct {
	Token interface{} // what Add was given
	Len   uint32      // bytes the device wrote
}

// ErrQueueFull is returned by TryAdd when there are not enough free
// descriptors.
var ErrQueueFull = errors.New("virtio: queue full")

type chain struct {
	active   bool
	ndesc    uint16
	writable uint64
	token    interface{}
	wait     *completion
}

type completion struct {
	done bool
	n    uint32
}

// Queue is a split virtqueue. Its methods are safe for concurrent use. Use a
// queue either with Transfer or with Add/TryAdd, Kick and Pop/PopWait, not
// both.
type Queue struct {
	d     *Device
	index uint16
	size  uint16
	mem   *dma.Buffer
	desc  []byte // 16 * size
	avail []byte // flags, idx, ring[size], used_event
	used  []byte // flags, idx, ring[size] of {id, len}, avail_event

	freeHead    uint16
	nfree       uint16
	next        []uint16 // the driver's own copy of every descriptor's next
	chains      []chain  // by head descriptor
	availIdx    uint16
	availFlags  uint16
	lastUsed    uint16
	done        []Used
	err         error
	notifies    uint64
	suppressed  uint64
	transferred uint64
}

// ringLayout places the three parts of a queue of n entries in one
// allocation: each is naturally aligned, and one no bigger than a page
// does not cross a page boundary (so it is physically contiguous even in
// memory that is not).
func ringLayout(n, page int) (descOff, availOff, usedOff, total int) {
	place := func(off, size, align int) int {
		off = (off + align - 1) &^ (align - 1)
		if size > page || off/page != (off+size-1)/page {
			off = (off + page - 1) &^ (page - 1)
		}
		return off
	}
	descOff = 0
	availOff = place(16*n, 6+2*n, 4)
	usedOff = place(availOff+6+2*n, 6+8*n, 4)
	total = usedOff + 6 + 8*n
	return
}

// SetupQueue sets up queue index with at most max entries (0: as many as
// Config.QueueSize and the device allow), before Start.
func (d *Device) SetupQueue(index int, max int) (*Queue, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.features == 0 || d.started || d.closed {
		return nil, errors.New("virtio: SetupQueue must come between Negotiate and Start")
	}
	if index < 0 || index > 0xffff {
		return nil, fmt.Errorf("virtio: queue index %d", index)
	}
	for _, q := range d.queues {
		if int(q.index) == index {
			return nil, fmt.Errorf("virtio: queue %d set up twice", index)
		}
	}
	d.regs.Write32(RegQueueSel, uint32(index))
	if d.regs.Read32(RegQueueReady) != 0 {
		return nil, fmt.Errorf("%w: queue %d is ready before setup", ErrBroken, index)
	}
	numMax := d.regs.Read32(RegQueueNumMax)
	if numMax == 0 {
		return nil, fmt.Errorf("virtio: the device has no queue %d", index)
	}
	limit := uint32(d.cfg.QueueSize)
	if max > 0 && uint32(max) < limit {
		limit = uint32(max)
	}
	if numMax < limit {
		limit = numMax
	}
	if limit > 32768 {
		limit = 32768
	}
	n := uint32(1)
	for n*2 <= limit {
		n *= 2
	}
	page := d.alloc.Backend().PageSize()
	descOff, availOff, usedOff, total := ringLayout(int(n), page)
	mem, err := d.alloc.Alloc(total, false)
	if err != nil {
		return nil, fmt.Errorf("virtio: queue %d: %w", index, err)
	}
	phys := func(off, size int) uint64 {
		if err != nil {
			return 0
		}
		var p uint64
		p, err = mem.Range(off, size)
		return p
	}
	descPhys := phys(descOff, 16*int(n))
	availPhys := phys(availOff, 6+2*int(n))
	usedPhys := phys(usedOff, 6+8*int(n))
	if err != nil {
		mem.Free()
		return nil, fmt.Errorf("virtio: queue %d of %d entries: %w", index, n, err)
	}
	b := mem.Bytes()
	q := &Queue{
		d:      d,
		index:  uint16(index),
		size:   uint16(n),
		mem:    mem,
		desc:   b[descOff : descOff+16*int(n)],
		avail:  b[availOff : availOff+6+2*int(n)],
		used:   b[usedOff : usedOff+6+8*int(n)],
		next:   make([]uint16, n),
		chains: make([]chain, n),
		nfree:  uint16(n),
	}
	for i := range q.next {
		q.next[i] = uint16(i + 1)
	}
	if d.cfg.IRQ == nil {
		q.availFlags = availNoInterrupt
	}
	q.publishLocked()
	d.regs.Write32(RegQueueNum, n)
	d.regs.Write32(RegQueueDescLow, uint32(descPhys))
	d.regs.Write32(RegQueueDescHigh, uint32(descPhys>>32))
	d.regs.Write32(RegQueueDriverLow, uint32(availPhys))
	d.regs.Write32(RegQueueDriverHigh, uint32(availPhys>>32))
	d.regs.Write32(RegQueueDeviceLow, uint32(usedPhys))
	d.regs.Write32(RegQueueDeviceHigh, uint32(usedPhys>>32))
	d.regs.Write32(RegQueueReady, 1)
	d.queues = append(d.queues, q)
	return q, nil
}

// Size returns the number of entries (descriptors) of the queue.
func (q *Queue) Size() int { return int(q.size) }

// Index returns the queue's index.
func (q *Queue) Index() int { return int(q.index) }

// word32 returns a pointer to the 32-bit word at b[0] (4-byte aligned).
func word32(b []byte) *uint32 { return (*uint32)(unsafe.Pointer(&b[0])) }

// le32word returns the native value whose memory bytes are lo, hi as two
// little-endian uint16s.
func le32word(lo, hi uint16) uint32 {
	var b [4]byte
	binary.LittleEndian.PutUint16(b[0:], lo)
	binary.LittleEndian.PutUint16(b[2:], hi)
	return *(*uint32)(unsafe.Pointer(&b[0]))
}

// publishLocked stores the available ring's flags and idx as one atomic
// (release) store, after every descriptor and ring entry it covers.
func (q *Queue) publishLocked() {
	atomic.StoreUint32(word32(q.avail), le32word(q.availFlags, q.availIdx))
}

// usedHeader loads the used ring's flags and idx with one atomic (acquire)
// load, before the entries it covers are read.
func (q *Queue) usedHeader() (flags, idx uint16) {
	w := atomic.LoadUint32(word32(q.used))
	var b [4]byte
	*(*uint32)(unsafe.Pointer(&b[0])) = w
	return binary.LittleEndian.Uint16(b[0:]), binary.LittleEndian.Uint16(b[2:])
}

func (q *Queue) failLocked(format string, args ...interface{}) {
	if q.err == nil {
		q.err = fmt.Errorf("%w: queue %d: %s", ErrBroken, q.index, fmt.Sprintf(format, args...))
	}
	q.d.cond.Broadcast()
}

func (q *Queue) usableLocked() error {
	if q.err != nil {
		return q.err
	}
	if q.d.err != nil {
		return q.d.err
	}
	return nil
}

func (q *Queue) checkBufs(bufs []Buf) error {
	if len(bufs) == 0 {
		return errors.New("virtio: request without buffers")
	}
	if len(bufs) > int(q.size) {
		return fmt.Errorf("virtio: request of %d buffers on a queue of %d", len(bufs), q.size)
	}
	writing := false
	for i, b := range bufs {
		if b.Len == 0 {
			return fmt.Errorf("virtio: buffer %d is empty", i)
		}
		if b.Write {
			writing = true
		} else if writing {
			return fmt.Errorf("virtio: buffer %d is device-readable after a device-writable one", i)
		}
	}
	return nil
}

// addLocked fills a chain for bufs and makes it available.
func (q *Queue) addLocked(bufs []Buf, token interface{}, wait *completion) {
	head := q.freeHead
	var writable uint64
	idx := head
	for i, b := range bufs {
		d := q.desc[16*int(idx):]
		var flags uint16
		if i < len(bufs)-1 {
			flags |= descNext
		}
		if b.Write {
			flags |= descWrite
			writable += uint64(b.Len)
		}
		binary.LittleEndian.PutUint64(d[0:], b.Addr)
		binary.LittleEndian.PutUint32(d[8:], b.Len)
		binary.LittleEndian.PutUint16(d[12:], flags)
		nxt := q.next[idx]
		if i == len(bufs)-1 {
			nxt = 0
		}
		binary.LittleEndian.PutUint16(d[14:], nxt)
		if i < len(bufs)-1 {
			idx = q.next[idx]
		}
	}
	q.freeHead = q.next[idx]
	q.nfree -= uint16(len(bufs))
	q.chains[head] = chain{active: true, ndesc: uint16(len(bufs)), writable: writable, token: token, wait: wait}
	binary.LittleEndian.PutUint16(q.avail[4+2*int(q.availIdx%q.size):], head)
	q.availIdx++
	q.publishLocked()
}

// TryAdd makes bufs (device-readable ones first) available to the device as
// one request, without waiting; ErrQueueFull when there are not enough free
// descriptors. Kick tells the device.
func (q *Queue) TryAdd(bufs []Buf, token interface{}) error {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	if err := q.usableLocked(); err != nil {
		return err
	}
	if err := q.checkBufs(bufs); err != nil {
		return err
	}
	q.reapLocked()
	if int(q.nfree) < len(bufs) {
		return ErrQueueFull
	}
	q.addLocked(bufs, token, nil)
	return nil
}

// Add is TryAdd, waiting for the device to finish requests when the queue is
// full. The token comes back in Used.
func (q *Queue) Add(bufs []Buf, token interface{}) error {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	return q.addWaitLocked(bufs, token, nil)
}

func (q *Queue) addWaitLocked(bufs []Buf, token interface{}, wait *completion) error {
	if err := q.checkBufs(bufs); err != nil {
		return err
	}
	err := q.d.waitLocked(func() (bool, error) {
		if err := q.usableLocked(); err != nil {
			return false, err
		}
		q.reapLocked()
		if q.err != nil {
			return false, q.err
		}
		return int(q.nfree) >= len(bufs), nil
	})
	if err != nil {
		return q.timeoutLocked(err)
	}
	q.addLocked(bufs, token, wait)
	return nil
}

// Kick notifies the device of new requests, unless it asked not to be
// (VRING_USED_F_NO_NOTIFY).
func (q *Queue) Kick() {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	q.kickLocked()
}

func (q *Queue) kickLocked() {
	if q.err != nil || q.d.closed {
		return
	}
	// the atomic load after the atomic store of avail idx orders them
	if flags, _ := q.usedHeader(); flags&usedNoNotify != 0 {
		q.suppressed++
		return
	}
	q.notifies++
	q.d.regs.Write32(RegQueueNotify, uint32(q.index))
}

// reapLocked takes what the device has finished off the used ring, checking
// each element.
func (q *Queue) reapLocked() {
	if q.err != nil || q.d.closed {
		return // after Close the rings are freed
	}
	_, idx := q.usedHeader()
	if n := idx - q.lastUsed; n > q.size {
		q.failLocked("used index moved from %d to %d, more than the %d entries", q.lastUsed, idx, q.size)
		return
	}
	for q.lastUsed != idx {
		e := q.used[4+8*int(q.lastUsed%q.size):]
		id := binary.LittleEndian.Uint32(e[0:])
		n := binary.LittleEndian.Uint32(e[4:])
		if id >= uint32(q.size) {
			q.failLocked("used id %d out of range (queue of %d)", id, q.size)
			return
		}
		c := q.chains[id]
		if !c.active {
			q.failLocked("used id %d is not the head of a request in flight", id)
			return
		}
		if uint64(n) > c.writable {
			q.failLocked("device wrote %d bytes into request %d of %d writable bytes", n, id, c.writable)
			return
		}
		last := uint16(id)
		for i := uint16(1); i < c.ndesc; i++ {
			last = q.next[last]
		}
		q.next[last] = q.freeHead
		q.freeHead = uint16(id)
		q.nfree += c.ndesc
		q.chains[id] = chain{}
		q.lastUsed++
		q.transferred++
		if c.wait != nil {
			c.wait.done, c.wait.n = true, n
		} else {
			q.done = append(q.done, Used{Token: c.token, Len: n})
		}
	}
}

// Pop returns a finished request, if there is one.
func (q *Queue) Pop() (Used, bool, error) {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	q.reapLocked()
	if len(q.done) > 0 {
		return q.popLocked(), true, nil
	}
	return Used{}, false, q.usableLocked()
}

func (q *Queue) popLocked() Used {
	u := q.done[0]
	q.done[0] = Used{}
	q.done = q.done[1:]
	if len(q.done) == 0 {
		q.done = nil
	}
	return u
}

// PopWait waits for a finished request and returns it.
func (q *Queue) PopWait() (Used, error) {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	err := q.d.waitLocked(func() (bool, error) {
		q.reapLocked()
		if len(q.done) > 0 {
			return true, nil
		}
		return false, q.usableLocked()
	})
	if err != nil {
		// a timeout loses nothing here: a later PopWait may succeed
		return Used{}, err
	}
	return q.popLocked(), nil
}

// timeoutLocked turns a timeout while requests are in flight into a failure
// of the queue: their buffers may still be written.
func (q *Queue) timeoutLocked(err error) error {
	if err == ErrTimeout {
		q.failLocked("timed out after %v with requests in flight", q.d.cfg.Timeout)
		return fmt.Errorf("%w (queue %d is unusable until the device is reset)", ErrTimeout, q.index)
	}
	return err
}

// Transfer makes bufs one request, notifies the device, waits for it to
// finish the request and returns the number of bytes it wrote.
func (q *Queue) Transfer(bufs []Buf) (uint32, error) {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	c := &completion{}
	if err := q.addWaitLocked(bufs, nil, c); err != nil {
		return 0, err
	}
	q.kickLocked()
	err := q.d.waitLocked(func() (bool, error) {
		q.reapLocked()
		if c.done {
			return true, nil
		}
		return false, q.usableLocked()
	})
	if err != nil {
		return 0, q.timeoutLocked(err)
	}
	return c.n, nil
}

// Err returns the error that stopped the queue, if any.
func (q *Queue) Err() error {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	return q.usableLocked()
}

// Stats are a queue's counters.
type Stats struct {
	Free       int    // free descriptors
	Completed  uint64 // requests the device finished
	Notifies   uint64 // QueueNotify writes
	Suppressed uint64 // notifications the device asked to skip
}

// Stats returns the queue's counters.
func (q *Queue) Stats() Stats {
	q.d.mu.Lock()
	defer q.d.mu.Unlock()
	return Stats{Free: int(q.nfree), Completed: q.transferred, Notifies: q.notifies, Suppressed: q.suppressed}
}
