// Package dhcp is a DHCPv4 client (RFC 2131, options RFC 2132) for a Go
// kernel that has a NIC but no address yet: it sends and receives whole
// Ethernet frames, so it needs no TCP/IP stack.
//
//	c := dhcp.NewClient(nic.MAC(), nic.Transmit)
//	go func() { for { n, _ := nic.Receive(buf); if !c.Deliver(buf[:n]) { stack.Input(buf[:n]) } } }()
//	lease, err := c.Acquire(ctx)   // DISCOVER, OFFER, REQUEST, ACK
//	...                            // configure the stack from lease
//	lease, err = c.Renew(ctx, lease) // at lease.T1
//
// Acquire asks for broadcast replies and accepts them sent to the
// broadcast address or to our MAC and offered address. Retransmissions
// follow RFC 2131 section 4.1: 4 s, doubled each time up to 64 s, each
// varied by up to a second either way. Every DISCOVER has a new xid, as
// has every retransmitted REQUEST (the first answers an offer with its
// xid, RFC 2131 section 4.4.1 and table 5); replies to any of an
// exchange's last 8 are taken.
// The client does not probe the offered address with ARP (RFC 2131 section
// 4.4.1 says it SHOULD) and sends no DHCPDECLINE; a caller may.
package dhcp

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Lease is the configuration a server granted.
type Lease struct {
	Addr     netip.Prefix  // our address and the subnet mask's prefix length (option 1)
	Router   netip.Addr    // option 3, first router; invalid Addr if none
	DNS      []netip.Addr  // option 6
	Domain   string        // option 15
	Server   netip.Addr    // option 54, the server identifier
	Duration time.Duration // option 51 (0 if absent or infinite: treat as infinite)
	T1, T2   time.Duration // options 58/59, or 1/2 and 7/8 of Duration
}

// ErrNAK is wrapped by the error of Renew when the server answers DHCPNAK:
// the lease is gone and the address must no longer be used (RFC 2131
// section 4.4.5).
var ErrNAK = errors.New("dhcp: the server refused the lease (DHCPNAK)")

// nakError says which server refused what, and is ErrNAK for errors.Is.
type nakError struct{ text string }

func (e *nakError) Error() string { return e.text }
func (e *nakError) Unwrap() error { return ErrNAK }

// Client is a DHCP client for one interface. Its fields are read when an
// exchange starts; set them before the first.
type Client struct {
	// Hostname goes in option 12 (RFC 2132 section 3.14); empty leaves the
	// option out. NewClient sets "goose".
	Hostname string
	// Interval is the first retransmission timeout. Later ones double up
	// to 16 times Interval, and each varies by up to a quarter of Interval
	// either way. NewClient sets 4 s, RFC 2131 section 4.1's values; zero
	// means the same.
	Interval time.Duration

	mac  [6]byte
	send func([]byte) error
	busy chan struct{} // one exchange at a time

	mu        sync.Mutex
	wait      *waiter // the exchange in progress; nil if none
	ipID      uint16
	serverIP  netip.Addr // the server of the last DHCPACK, if it sent it directly
	serverMAC [6]byte    // and the MAC it sent it from
}

// waiter is an exchange waiting for replies: Deliver hands it those with
// one of its xids and types.
type waiter struct {
	xids []uint32   // sent in this exchange, newest last
	want [2]byte    // message types wanted (0: none)
	addr netip.Addr // our address when renewing: replies may be sent to it
	ch   chan *reply
}

// maxXids bounds the xids an exchange remembers: replies to older
// transmissions are dropped.
const maxXids = 8

// requestTries is how many DHCPREQUESTs Acquire sends for one offer before
// it starts again with a DISCOVER (RFC 2131 section 3.1, step 5; with 4 s,
// this waits 4+8+16+32+64 s).
const requestTries = 5

// NewClient returns a client for the interface with hardware address mac.
// send transmits one whole Ethernet frame; the client does not keep the
// slice after send returns. Every received frame should be offered to
// Deliver.
func NewClient(mac [6]byte, send func(frame []byte) error) *Client {
	return &Client{
		Hostname: "goose",
		Interval: 4 * time.Second,
		mac:      mac,
		send:     send,
		busy:     make(chan struct{}, 1),
		ipID:     uint16(random()),
	}
}

// Deliver offers the client a received Ethernet frame. It returns true if
// the frame was a DHCP reply (UDP from port 67 to 68, BOOTREPLY, our chaddr
// and the xid of a message we are waiting on an answer to, sent to the
// broadcast address or to us) that the client took; false for anything
// else, which the caller passes on. It may be called from any goroutine,
// copies what it keeps, and never blocks: with nobody waiting, replies are
// dropped.
func (c *Client) Deliver(frame []byte) bool {
	r, err := parse(frame)
	if err != nil || r.op != opReply {
		return false
	}
	if r.typ == msgOffer || r.typ == msgAck {
		if r.l, err = r.lease(); err != nil {
			return false
		}
	}
	// chaddr holds hlen (6) bytes that count (RFC 2131 section 2).
	if !bytes.Equal(r.chaddr[:6], c.mac[:]) || (r.ethDst != broadcastMAC && r.ethDst != c.mac) {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.wait
	if w == nil || (r.typ != w.want[0] && r.typ != w.want[1]) {
		return false
	}
	known := false
	for _, x := range w.xids {
		known = known || x == r.xid
	}
	if !known {
		return false
	}
	toUs := r.ipDst == broadcastIP || (usable(r.yiaddr) && r.ipDst == r.yiaddr) ||
		(w.addr.IsValid() && r.ipDst == w.addr)
	if !toUs {
		return false
	}
	select {
	case w.ch <- r:
		return true
	default:
		return false
	}
}

// Acquire gets a lease: DHCPDISCOVER (broadcast) until an offer comes, a
// DHCPREQUEST for the first offer (broadcast, with the offered address and
// the server identifier in options 50 and 54) until a DHCPACK or DHCPNAK
// comes; on DHCPNAK, or no answer after 5 requests, it starts again (RFC
// 2131 section 3.1). It returns when ctx ends, with an error saying how far
// it got that wraps ctx.Err().
func (c *Client) Acquire(ctx context.Context) (Lease, error) {
	if err := c.begin(ctx); err != nil {
		return Lease{}, err
	}
	defer c.end()
	start := time.Now()
	secs := func() uint16 { return elapsed(start) }
	var discovers, naks int
	nakNote := func() string {
		if naks == 0 {
			return ""
		}
		return fmt.Sprintf(" (%s refused with DHCPNAK)", count(naks, "request", "requests"))
	}
	for {
		// SELECTING: the first offer wins (RFC 2131 section 4.4.1).
		r, n, err := c.exchange(ctx, exchange{
			name:  "DHCPDISCOVER",
			want:  [2]byte{msgOffer},
			build: func(xid uint32) []byte { return c.discover(xid, secs()) },
		})
		discovers += n
		if err != nil {
			if ctx.Err() != nil {
				return Lease{}, fmt.Errorf("dhcp: no offer after %s over %s%s: %w",
					count(discovers, "DISCOVER", "DISCOVERs"), seconds(time.Since(start)), nakNote(), err)
			}
			return Lease{}, err
		}
		offer := r.l

		// REQUESTING. The first request reuses the offer's xid (RFC 2131
		// section 4.4.1, table 5); retransmissions have new ones.
		r, n, err = c.exchange(ctx, exchange{
			name:  "DHCPREQUEST",
			tries: requestTries,
			want:  [2]byte{msgAck, msgNak},
			first: r.xid,
			build: func(xid uint32) []byte { return c.selectOffer(xid, secs(), offer) },
			accept: func(r *reply) bool {
				// Only the chosen server answers (section 4.3.2).
				v := r.opts[optServerID]
				return len(v) != 4 || addr4(v) == offer.Server
			},
		})
		if err != nil {
			if ctx.Err() != nil {
				return Lease{}, fmt.Errorf("dhcp: no DHCPACK from server %v for %v after %s over %s%s: %w",
					offer.Server, offer.Addr.Addr(), count(n, "REQUEST", "REQUESTs"),
					seconds(time.Since(start)), nakNote(), err)
			}
			return Lease{}, err
		}
		if r == nil {
			continue // no answer: back to INIT
		}
		if r.typ == msgNak {
			// Back to INIT (RFC 2131 section 3.1, step 5). A server that
			// keeps refusing is not asked again at once.
			naks++
			if naks > 1 {
				if err := sleep(ctx, c.backoff(0)); err != nil {
					return Lease{}, fmt.Errorf("dhcp: no lease after %s over %s%s: %w",
						count(discovers, "DISCOVER", "DISCOVERs"), seconds(time.Since(start)), nakNote(), err)
				}
			}
			continue
		}
		c.learn(r)
		return r.l, nil
	}
}

// Renew extends l (RENEWING, RFC 2131 section 4.4.5): a DHCPREQUEST with
// ciaddr set to our address and neither option 50 nor 54, sent from our
// address to the server's MAC and address when the DHCPACK that granted l
// came straight from that server, else to the broadcast addresses (which
// any server may answer, as in REBINDING). It retransmits on the Acquire
// schedule until a DHCPACK, which gives the new lease, or a DHCPNAK, which
// gives an error wrapping ErrNAK, or the end of ctx; a caller bounds it by
// T2 or by the lease's end.
func (c *Client) Renew(ctx context.Context, l Lease) (Lease, error) {
	me := l.Addr.Addr()
	if !usable(me) {
		return Lease{}, fmt.Errorf("dhcp: cannot renew a lease without an address (%v)", l.Addr)
	}
	if err := c.begin(ctx); err != nil {
		return Lease{}, err
	}
	defer c.end()
	start := time.Now()
	dstMAC, dstIP := c.route(l.Server)
	r, n, err := c.exchange(ctx, exchange{
		name:  "DHCPREQUEST",
		want:  [2]byte{msgAck, msgNak},
		addr:  me,
		build: func(xid uint32) []byte { return c.renew(xid, elapsed(start), me, dstMAC, dstIP) },
	})
	if err != nil {
		if ctx.Err() != nil {
			return Lease{}, fmt.Errorf("dhcp: no answer to %s renewing %v with server %v over %s: %w",
				count(n, "REQUEST", "REQUESTs"), me, l.Server, seconds(time.Since(start)), err)
		}
		return Lease{}, err
	}
	if r.typ == msgNak {
		who := r.ipSrc
		if v := r.opts[optServerID]; len(v) == 4 {
			who = addr4(v)
		}
		why := ""
		if m := r.opts[optMessage]; len(m) > 0 {
			why = ": " + strconv.Quote(string(m))
		}
		return Lease{}, &nakError{fmt.Sprintf("dhcp: server %v refused to renew %v with DHCPNAK%s", who, me, why)}
	}
	c.learn(r)
	return r.l, nil
}

// Release gives l back (DHCPRELEASE, RFC 2131 section 4.4.6): ciaddr and
// option 54 name the lease, sent like Renew's requests. There is no
// answer; the address must not be used afterwards.
func (c *Client) Release(l Lease) error {
	me := l.Addr.Addr()
	if !usable(me) || !usable(l.Server) {
		return fmt.Errorf("dhcp: cannot release a lease without an address and a server (%v, %v)", l.Addr, l.Server)
	}
	dstMAC, dstIP := c.route(l.Server)
	if err := c.send(c.release(uint32(random()), l, dstMAC, dstIP)); err != nil {
		return fmt.Errorf("dhcp: sending DHCPRELEASE: %w", err)
	}
	return nil
}

// exchange is one message and its retransmissions, waiting for replies.
type exchange struct {
	name   string                  // for errors
	tries  int                     // transmissions before giving up; 0: no limit
	want   [2]byte                 // reply types
	addr   netip.Addr              // waiter.addr
	first  uint32                  // the first transmission's xid, if not 0
	build  func(xid uint32) []byte // the frame
	accept func(*reply) bool       // if not nil, which replies end it
}

// exchange sends e.build(xid), with a new xid each time, until Deliver
// hands it a reply that e wants, waiting c.backoff(i) after the i-th
// transmission. It returns that reply, or nil after e.tries transmissions
// had no answer, or ctx.Err(); and how many it sent.
func (c *Client) exchange(ctx context.Context, e exchange) (*reply, int, error) {
	tries, first, accept := e.tries, e.first, e.accept
	w := &waiter{want: e.want, addr: e.addr, ch: make(chan *reply, 4)}
	c.mu.Lock()
	c.wait = w
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.wait = nil
		c.mu.Unlock()
	}()
	for i := 0; tries == 0 || i < tries; i++ {
		if err := ctx.Err(); err != nil {
			return nil, i, err
		}
		xid := first
		if i > 0 || xid == 0 {
			xid = uint32(random())
		}
		f := e.build(xid)
		// The xid is known before the frame leaves: a reply may come
		// before send returns.
		c.mu.Lock()
		if len(w.xids) == maxXids {
			w.xids = append(w.xids[:0], w.xids[1:]...)
		}
		w.xids = append(w.xids, xid)
		c.mu.Unlock()
		if err := c.send(f); err != nil {
			return nil, i, fmt.Errorf("dhcp: sending %s: %w", e.name, err)
		}
		t := time.NewTimer(c.backoff(i))
	wait:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, i + 1, ctx.Err()
			case <-t.C:
				break wait
			case r := <-w.ch:
				if accept == nil || accept(r) {
					t.Stop()
					return r, i + 1, nil
				}
			}
		}
	}
	return nil, tries, nil
}

// discover is a DHCPDISCOVER (RFC 2131 section 4.4.1, table 5): broadcast,
// asking for broadcast replies.
func (c *Client) discover(xid uint32, secs uint16) []byte {
	m := &request{typ: msgDiscover, xid: xid, secs: secs, broadcast: true,
		hostname: c.Hostname, params: true}
	return c.frame(broadcastMAC, zeroIP, broadcastIP, m)
}

// selectOffer is the DHCPREQUEST of SELECTING: broadcast, naming the
// offered address (option 50) and the chosen server (option 54).
func (c *Client) selectOffer(xid uint32, secs uint16, offer Lease) []byte {
	m := &request{typ: msgRequest, xid: xid, secs: secs, broadcast: true,
		requested: offer.Addr.Addr(), server: offer.Server, hostname: c.Hostname, params: true}
	return c.frame(broadcastMAC, zeroIP, broadcastIP, m)
}

// renew is the DHCPREQUEST of RENEWING (RFC 2131 section 4.3.2): ciaddr
// set, no option 50 or 54, sent from our address.
func (c *Client) renew(xid uint32, secs uint16, me netip.Addr, dstMAC [6]byte, dstIP netip.Addr) []byte {
	m := &request{typ: msgRequest, xid: xid, secs: secs, ciaddr: me,
		hostname: c.Hostname, params: true}
	return c.frame(dstMAC, me, dstIP, m)
}

// release is a DHCPRELEASE (RFC 2131 section 4.4.6, table 5): ciaddr and
// option 54, no parameters.
func (c *Client) release(xid uint32, l Lease, dstMAC [6]byte, dstIP netip.Addr) []byte {
	m := &request{typ: msgRelease, xid: xid, ciaddr: l.Addr.Addr(), server: l.Server}
	return c.frame(dstMAC, l.Addr.Addr(), dstIP, m)
}

// frame wraps m from us in a frame for dstMAC.
func (c *Client) frame(dstMAC [6]byte, src, dst netip.Addr, m *request) []byte {
	c.mu.Lock()
	c.ipID++
	id := c.ipID
	c.mu.Unlock()
	return frame(c.mac, dstMAC, src, dst, id, m.encode(c.mac))
}

// learn remembers the MAC of a server whose DHCPACK came straight from it
// (not through a relay), to unicast Renew and Release to it.
func (c *Client) learn(r *reply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.ipSrc == r.l.Server && r.ethSrc != broadcastMAC && r.ethSrc[0]&1 == 0 {
		c.serverIP, c.serverMAC = r.l.Server, r.ethSrc
	} else {
		c.serverIP = netip.Addr{}
	}
}

// route returns where to send to server: its MAC and address if learned,
// else the broadcast addresses.
func (c *Client) route(server netip.Addr) ([6]byte, netip.Addr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if server.IsValid() && c.serverIP == server {
		return c.serverMAC, server
	}
	return broadcastMAC, broadcastIP
}

func (c *Client) begin(ctx context.Context) error {
	select {
	case c.busy <- struct{}{}:
		return nil
	default:
	}
	select {
	case c.busy <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("dhcp: gave up waiting for another exchange of this client to end: %w", ctx.Err())
	}
}

func (c *Client) end() { <-c.busy }

// backoff is the wait after the i-th transmission (from 0): Interval
// doubled i times, at most 16 times Interval, plus or minus up to a quarter
// of Interval (RFC 2131 section 4.1: 4, 8, 16, 32, 64 s, each ±1 s).
func (c *Client) backoff(i int) time.Duration {
	base := c.Interval
	if base <= 0 {
		base = 4 * time.Second
	}
	d := base * 16
	if i < 4 {
		d = base << uint(i)
	}
	j := int64(base / 4)
	if j > 0 {
		d += time.Duration(int64(random()%uint64(2*j+1)) - j)
	}
	return d
}

// random returns 64 random bits.
func random() uint64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		// Only uniqueness matters here, not secrecy.
		return uint64(time.Now().UnixNano()) * 0x9e3779b97f4a7c15
	}
	return binary.LittleEndian.Uint64(b[:])
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// elapsed is the secs field: seconds since the exchange began.
func elapsed(start time.Time) uint16 {
	s := time.Since(start) / time.Second
	if s > 0xffff {
		return 0xffff
	}
	return uint16(s)
}

// seconds formats d as seconds, to the millisecond: "62s", "0.125s".
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Round(time.Millisecond).Seconds(), 'f', -1, 64) + "s"
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
