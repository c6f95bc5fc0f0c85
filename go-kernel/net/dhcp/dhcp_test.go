package dhcp

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var slirpLease = Lease{
	Addr:     netip.MustParsePrefix("10.0.2.15/24"),
	Router:   slirpServer,
	DNS:      []netip.Addr{slirpDNS},
	Server:   slirpServer,
	Duration: 86400 * time.Second,
	T1:       43200 * time.Second,
	T2:       75600 * time.Second,
}

// link joins a client to a fake server over channels: frames the client
// sends go to a goroutine that asks the server and gives its answers to
// Deliver, as a NIC's receive loop would.
type link struct {
	c         *Client
	srv       *slirp
	tx        chan []byte
	delivered int64 // Deliver calls that returned true
	refused   int64
	done      chan struct{}
	wg        sync.WaitGroup
}

func newLink(t *testing.T, srv *slirp) *link {
	l := &link{srv: srv, tx: make(chan []byte, 64), done: make(chan struct{})}
	l.c = NewClient(ourMAC, func(f []byte) error {
		// The client may reuse nothing it gave us; copy as a NIC would.
		select {
		case l.tx <- append([]byte(nil), f...):
		case <-l.done:
		}
		return nil
	})
	l.c.Interval = 20 * time.Millisecond
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			select {
			case <-l.done:
				return
			case f := <-l.tx:
				for _, r := range srv.answer(t, f) {
					if l.c.Deliver(r) {
						atomic.AddInt64(&l.delivered, 1)
					} else {
						atomic.AddInt64(&l.refused, 1)
					}
				}
			}
		}
	}()
	t.Cleanup(func() { close(l.done); l.wg.Wait() })
	return l
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func types(ms []*sent) string {
	var s []string
	for _, m := range ms {
		v, _ := m.opt(53)
		if len(v) == 1 {
			s = append(s, strings.TrimPrefix(typeName(v[0]), "DHCP"))
		} else {
			s = append(s, "?")
		}
	}
	return strings.Join(s, " ")
}

func TestAcquire(t *testing.T) {
	for _, unicast := range []bool{false, true} {
		name := map[bool]string{false: "broadcast replies", true: "replies to our MAC and address"}[unicast]
		t.Run(name, func(t *testing.T) {
			l := newLink(t, &slirp{unicast: unicast})
			lease, err := l.c.Acquire(ctxFor(t, 10*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(lease, slirpLease) {
				t.Fatalf("lease\n%+v, want\n%+v", lease, slirpLease)
			}
			got := l.srv.sent()
			if types(got) != "DISCOVER REQUEST" {
				t.Fatalf("client sent %s", types(got))
			}
			d, r := got[0], got[1]
			if v, _ := r.opt(50); !reflect.DeepEqual(v, []byte{10, 0, 2, 15}) {
				t.Errorf("REQUEST option 50 = %v", v)
			}
			if v, _ := r.opt(54); !reflect.DeepEqual(v, []byte{10, 0, 2, 2}) {
				t.Errorf("REQUEST option 54 = %v", v)
			}
			if r.xid != d.xid {
				t.Errorf("REQUEST xid %#x, OFFER's %#x", r.xid, d.xid)
			}
			if r.flags != 0x8000 || r.ciaddr != anyAddr || r.dst != limitedBc || r.ethDst != bcastMAC {
				t.Errorf("REQUEST flags %#x ciaddr %v to %v %x", r.flags, r.ciaddr, r.dst, r.ethDst)
			}
			// Acquire may return before Deliver does.
			for end := time.Now().Add(5 * time.Second); atomic.LoadInt64(&l.delivered) < 2 && time.Now().Before(end); {
				time.Sleep(time.Millisecond)
			}
			if n, m := atomic.LoadInt64(&l.delivered), atomic.LoadInt64(&l.refused); n != 2 || m != 0 {
				t.Errorf("Deliver took %d replies and refused %d, want 2 and 0", n, m)
			}
		})
	}
}

func TestAcquireNAK(t *testing.T) {
	l := newLink(t, &slirp{nakRequests: 2})
	lease, err := l.c.Acquire(ctxFor(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(lease, slirpLease) {
		t.Fatalf("lease %+v", lease)
	}
	got := l.srv.sent()
	if types(got) != "DISCOVER REQUEST DISCOVER REQUEST DISCOVER REQUEST" {
		t.Fatalf("client sent %s", types(got))
	}
	if got[0].xid == got[2].xid || got[2].xid == got[4].xid {
		t.Errorf("DISCOVERs after a NAK reuse xids: %#x %#x %#x", got[0].xid, got[2].xid, got[4].xid)
	}
}

func TestAcquireLostOffer(t *testing.T) {
	l := newLink(t, &slirp{dropDiscovers: 2})
	const interval = 40 * time.Millisecond
	l.c.Interval = interval
	start := time.Now()
	if _, err := l.c.Acquire(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	// Two timeouts, about 40 and 80 ms (±10): at least 30+70.
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("got the lease after %v: retransmitted too early", d)
	}
	got := l.srv.sent()
	if types(got) != "DISCOVER DISCOVER DISCOVER REQUEST" {
		t.Fatalf("client sent %s", types(got))
	}
	if got[0].xid == got[1].xid || got[1].xid == got[2].xid || got[0].xid == got[2].xid {
		t.Errorf("retransmitted DISCOVERs reuse xids: %#x %#x %#x", got[0].xid, got[1].xid, got[2].xid)
	}
	if got[3].xid != got[2].xid {
		t.Errorf("REQUEST xid %#x, OFFER's %#x", got[3].xid, got[2].xid)
	}
}

func TestAcquireLostAck(t *testing.T) {
	l := newLink(t, &slirp{dropRequests: 2})
	lease, err := l.c.Acquire(ctxFor(t, 10*time.Second))
	if err != nil || !reflect.DeepEqual(lease, slirpLease) {
		t.Fatalf("lease %+v, %v", lease, err)
	}
	got := l.srv.sent()
	if types(got) != "DISCOVER REQUEST REQUEST REQUEST" {
		t.Fatalf("client sent %s", types(got))
	}
	if got[1].xid == got[2].xid || got[2].xid == got[3].xid {
		t.Errorf("retransmitted REQUESTs reuse xids")
	}
	for _, r := range got[1:] {
		if v, _ := r.opt(50); !reflect.DeepEqual(v, []byte{10, 0, 2, 15}) {
			t.Errorf("REQUEST option 50 = %v", v)
		}
	}
}

// With no ACK after 5 REQUESTs, the client starts again.
func TestAcquireRequestsExhausted(t *testing.T) {
	l := newLink(t, &slirp{dropRequests: 5})
	l.c.Interval = 2 * time.Millisecond
	if _, err := l.c.Acquire(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := types(l.srv.sent()); got != "DISCOVER REQUEST REQUEST REQUEST REQUEST REQUEST DISCOVER REQUEST" {
		t.Fatalf("client sent %s", got)
	}
}

var noOffer = regexp.MustCompile(`^dhcp: no offer after (\d+) DISCOVERs over 0\.[0-9]+s: context deadline exceeded$`)

func TestAcquireTimeout(t *testing.T) {
	l := newLink(t, &slirp{silent: true})
	l.c.Interval = 10 * time.Millisecond
	_, err := l.c.Acquire(ctxFor(t, 200*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v does not wrap the deadline", err)
	}
	m := noOffer.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %q", err)
	}
	// Timeouts 10, 20, 40, 80 ms ±2.5: at most 5 sent within 200 ms (the
	// sixth is due after 297.5 ms at the earliest).
	got := len(l.srv.sent())
	if n, _ := strconv.Atoi(m[1]); n != got || got < 3 || got > 5 {
		t.Errorf("error says %s DISCOVERs, the server saw %d", m[1], got)
	}
}

func TestAcquireTimeoutRequesting(t *testing.T) {
	l := newLink(t, &slirp{dropRequests: 1000})
	_, err := l.c.Acquire(ctxFor(t, 100*time.Millisecond))
	want := regexp.MustCompile(`^dhcp: no DHCPACK from server 10\.0\.2\.2 for 10\.0\.2\.15 after \d+ REQUESTs? over 0\.[0-9]+s: context deadline exceeded$`)
	if err == nil || !want.MatchString(err.Error()) {
		t.Fatalf("error %v", err)
	}
}

func TestAcquireTimeoutNAKs(t *testing.T) {
	l := newLink(t, &slirp{nakRequests: 1000})
	l.c.Interval = 5 * time.Millisecond
	_, err := l.c.Acquire(ctxFor(t, 100*time.Millisecond))
	// The deadline comes while selecting, requesting or pausing after a NAK.
	want := regexp.MustCompile(`^dhcp: no (offer after \d+ DISCOVERs|lease after \d+ DISCOVERs|DHCPACK from server 10\.0\.2\.2 for 10\.0\.2\.15 after \d+ REQUESTs?) over 0\.[0-9]+s \(\d+ requests? refused with DHCPNAK\): context deadline exceeded$`)
	if err == nil || !want.MatchString(err.Error()) {
		t.Fatalf("error %v", err)
	}
}

func TestAcquireCanceled(t *testing.T) {
	l := newLink(t, &slirp{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.c.Acquire(ctx)
	want := regexp.MustCompile(`^dhcp: no offer after 0 DISCOVERs over 0(\.[0-9]+)?s: context canceled$`)
	if err == nil || !want.MatchString(err.Error()) {
		t.Fatalf("error %v", err)
	}
	if n := len(l.srv.sent()); n != 0 {
		t.Fatalf("sent %d frames", n)
	}
}

func TestAcquireSendError(t *testing.T) {
	boom := errors.New("queue full")
	c := NewClient(ourMAC, func([]byte) error { return boom })
	_, err := c.Acquire(ctxFor(t, time.Second))
	if !errors.Is(err, boom) || err.Error() != "dhcp: sending DHCPDISCOVER: queue full" {
		t.Fatalf("error %v", err)
	}
}

// Replies that are not ours are refused, one by one, while Acquire waits.
func TestDeliverIgnores(t *testing.T) {
	tx := make(chan []byte, 16)
	c := NewClient(ourMAC, func(f []byte) error { tx <- append([]byte(nil), f...); return nil })
	c.Interval = time.Minute // no retransmission during the test
	type result struct {
		l   Lease
		err error
	}
	res := make(chan result, 1)
	go func() {
		l, err := c.Acquire(ctxFor(t, 30*time.Second))
		res <- result{l, err}
	}()
	recv := func() *sent {
		select {
		case f := <-tx:
			return decodeSent(t, f)
		case <-time.After(10 * time.Second):
			t.Fatal("nothing sent")
			return nil
		}
	}
	d := recv()
	other := [6]byte{0x52, 0x54, 0, 0, 0, 1}
	good := func(typ byte, xid uint32) *serverReply { return slirpReply(typ, xid, ourMAC, 0) }
	bad := []struct {
		name string
		r    *serverReply
	}{
		{"wrong xid", good(msgOffer, d.xid+1)},
		{"wrong chaddr", slirpReply(msgOffer, d.xid, other, 0)},
		{"to another MAC", func() *serverReply { r := good(msgOffer, d.xid); r.ethDst = other; return r }()},
		{"to another address", func() *serverReply {
			r := good(msgOffer, d.xid)
			r.ethDst, r.dst = ourMAC, netip.MustParseAddr("10.0.2.99")
			return r
		}()},
		{"subnet broadcast", func() *serverReply { r := good(msgOffer, d.xid); r.dst = netip.MustParseAddr("10.0.2.255"); return r }()},
		{"an ACK while selecting", good(msgAck, d.xid)},
		{"a NAK while selecting", good(msgNak, d.xid)},
		{"a BOOTREQUEST", good(msgOffer, d.xid)}, // op changed below
		{"bad mask", func() *serverReply { r := good(msgOffer, d.xid); r.opts[2].val = []byte{255, 0, 255, 0}; return r }()},
		{"offering 0.0.0.0", func() *serverReply { r := good(msgOffer, d.xid); r.yiaddr = anyAddr; return r }()},
	}
	for _, b := range bad {
		f := b.r.encode()
		if b.name == "a BOOTREQUEST" {
			f[42] = 1
			f = fixSums(f)
		}
		if c.Deliver(f) {
			t.Errorf("%s: taken", b.name)
		}
	}
	arp := make([]byte, 60)
	copy(arp, bcastMAC[:])
	arp[12], arp[13] = 0x08, 0x06
	if c.Deliver(arp) || c.Deliver(nil) || c.Deliver(capture(t, "slirp-ack.hex")) {
		t.Error("ARP, empty or stale frame taken")
	}
	if !c.Deliver(good(msgOffer, d.xid).encode()) {
		t.Fatal("the offer was refused")
	}
	r := recv()
	if v, _ := r.opt(53); len(v) != 1 || v[0] != msgRequest {
		t.Fatalf("sent %v after the offer", v)
	}
	// An ACK from a server we did not choose is taken off the wire but
	// does not end REQUESTING.
	stranger := good(msgAck, r.xid)
	stranger.yiaddr = netip.MustParseAddr("10.0.2.77")
	stranger.opts[1].val = []byte{10, 0, 2, 9}
	c.Deliver(stranger.encode())
	if c.Deliver(good(msgAck, r.xid+1).encode()) || c.Deliver(good(msgOffer, r.xid).encode()) {
		t.Error("wrong xid or type taken while requesting")
	}
	ack := good(msgAck, r.xid).encode()
	if !c.Deliver(ack) {
		t.Fatal("the ACK was refused")
	}
	got := <-res
	if got.err != nil || !reflect.DeepEqual(got.l, slirpLease) {
		t.Fatalf("lease %+v, %v", got.l, got.err)
	}
	if c.Deliver(ack) {
		t.Error("a reply taken with nobody waiting")
	}
}

// Deliver, called from many goroutines with all sorts of frames while the
// client acquires, renews and releases, neither races nor blocks.
func TestDeliverConcurrent(t *testing.T) {
	l := newLink(t, &slirp{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	frames := [][]byte{capture(t, "slirp-offer.hex"), capture(t, "slirp-ack.hex"), capture(t, "slirp-nak.hex"), nil, make([]byte, 64)}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				l.c.Deliver(frames[(i+j)%len(frames)])
			}
		}(i)
	}
	ctx := ctxFor(t, 10*time.Second)
	for i := 0; i < 20; i++ {
		lease, err := l.c.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.c.Renew(ctx, lease); err != nil {
			t.Fatal(err)
		}
		if err := l.c.Release(lease); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestRenew(t *testing.T) {
	for _, unicast := range []bool{false, true} {
		name := map[bool]string{false: "broadcast ACK as slirp sends", true: "ACK to our address"}[unicast]
		t.Run(name, func(t *testing.T) {
			srv := &slirp{}
			l := newLink(t, srv)
			lease, err := l.c.Acquire(ctxFor(t, 10*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			srv.unicast = unicast
			srv.mu.Unlock()
			renewed, err := l.c.Renew(ctxFor(t, 10*time.Second), lease)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(renewed, slirpLease) {
				t.Fatalf("lease %+v", renewed)
			}
			got := l.srv.sent()
			if types(got) != "DISCOVER REQUEST REQUEST" {
				t.Fatalf("client sent %s", types(got))
			}
			r := got[2]
			// Unicast to the server whose MAC the ACK came from.
			if r.ethDst != slirpMAC || r.src != slirpGuest || r.dst != slirpServer {
				t.Errorf("renewing REQUEST to %x from %v to %v", r.ethDst, r.src, r.dst)
			}
			if r.ciaddr != slirpGuest || r.flags != 0 {
				t.Errorf("ciaddr %v flags %#x", r.ciaddr, r.flags)
			}
			for _, code := range []byte{50, 54} {
				if _, ok := r.opt(code); ok {
					t.Errorf("renewing REQUEST has option %d", code)
				}
			}
			if r.xid == got[1].xid {
				t.Error("renewing REQUEST reuses the xid")
			}
		})
	}
}

// A client that never saw the server's MAC renews by broadcast.
func TestRenewBroadcast(t *testing.T) {
	l := newLink(t, &slirp{})
	if _, err := l.c.Renew(ctxFor(t, 10*time.Second), slirpLease); err != nil {
		t.Fatal(err)
	}
	r := l.srv.sent()[0]
	if r.ethDst != bcastMAC || r.src != slirpGuest || r.dst != limitedBc || r.ciaddr != slirpGuest {
		t.Errorf("REQUEST to %x from %v to %v, ciaddr %v", r.ethDst, r.src, r.dst, r.ciaddr)
	}
}

func TestRenewNAK(t *testing.T) {
	l := newLink(t, &slirp{nakRequests: 1})
	_, err := l.c.Renew(ctxFor(t, 10*time.Second), slirpLease)
	if !errors.Is(err, ErrNAK) {
		t.Fatalf("error %v does not wrap ErrNAK", err)
	}
	const want = `dhcp: server 10.0.2.2 refused to renew 10.0.2.15 with DHCPNAK: "requested address not available"`
	if err.Error() != want {
		t.Fatalf("error\n%s\nwant\n%s", err, want)
	}
}

func TestRenewTimeout(t *testing.T) {
	l := newLink(t, &slirp{silent: true})
	_, err := l.c.Renew(ctxFor(t, 100*time.Millisecond), slirpLease)
	want := regexp.MustCompile(`^dhcp: no answer to \d+ REQUESTs? renewing 10\.0\.2\.15 with server 10\.0\.2\.2 over 0\.[0-9]+s: context deadline exceeded$`)
	if err == nil || !want.MatchString(err.Error()) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v", err)
	}
	if _, err := l.c.Renew(context.Background(), Lease{}); err == nil {
		t.Error("renewed a lease without an address")
	}
}

func TestRelease(t *testing.T) {
	l := newLink(t, &slirp{})
	lease, err := l.c.Acquire(ctxFor(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.c.Release(lease); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(l.srv.sent()) < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	got := l.srv.sent()
	if types(got) != "DISCOVER REQUEST RELEASE" {
		t.Fatalf("client sent %s", types(got))
	}
	r := got[2]
	if r.ethDst != slirpMAC || r.src != slirpGuest || r.dst != slirpServer || r.ciaddr != slirpGuest {
		t.Errorf("RELEASE to %x from %v to %v, ciaddr %v", r.ethDst, r.src, r.dst, r.ciaddr)
	}
	if v, _ := r.opt(54); !reflect.DeepEqual(v, []byte{10, 0, 2, 2}) {
		t.Errorf("RELEASE option 54 = %v", v)
	}
	if err := l.c.Release(Lease{}); err == nil {
		t.Error("released a lease without an address")
	}
}

func TestBackoff(t *testing.T) {
	c := NewClient(ourMAC, nil)
	for i, mid := range []time.Duration{4, 8, 16, 32, 64, 64, 64} {
		lo, hi := (mid-1)*time.Second, (mid+1)*time.Second
		var min, max time.Duration = hi, lo
		for n := 0; n < 200; n++ {
			d := c.backoff(i)
			if d < lo || d > hi {
				t.Fatalf("wait %d: %v, want %v±1s", i, d, mid*time.Second)
			}
			if d < min {
				min = d
			}
			if d > max {
				max = d
			}
		}
		if max-min < time.Second {
			t.Errorf("wait %d varies only over %v in 200 draws", i, max-min)
		}
	}
}

// Only one exchange runs at a time; a second waits for the first.
func TestOneExchangeAtATime(t *testing.T) {
	l := newLink(t, &slirp{silent: true})
	first := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, err := l.c.Acquire(ctx); first <- err }()
	for len(l.srv.sent()) == 0 {
		time.Sleep(time.Millisecond)
	}
	_, err := l.c.Renew(ctxFor(t, 30*time.Millisecond), slirpLease)
	if err == nil || !strings.HasPrefix(err.Error(), "dhcp: gave up waiting for another exchange") {
		t.Errorf("second exchange: %v", err)
	}
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("first exchange: %v", err)
	}
}
