package dhcp

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzDeliver feeds arbitrary frames to Deliver, with a client waiting on
// the xids of the seeds so that mutations of them get through to the
// options, and to parse and lease directly. Nothing may panic, and what
// Deliver takes must be a reply it should take, independent of the
// frame's buffer afterwards.
func FuzzDeliver(f *testing.F) {
	for _, name := range []string{"slirp-offer.hex", "slirp-ack.hex", "slirp-nak.hex"} {
		f.Add(capture(f, name))
	}
	f.Add(slirpReply(msgOffer, offerXid, ourMAC, 0).encode())
	// Overload, pads, repeated options, a domain, T1 and T2.
	r := offerWith(opt{1, []byte{255, 255, 0, 0}}, opt{52, []byte{3}}, opt{6, []byte{1, 1, 1, 1}},
		opt{6, []byte{8, 8, 8, 8}}, opt{15, []byte("goose.example")}, opt{51, []byte{0, 0, 14, 16}},
		opt{58, []byte{0, 0, 1, 0}}, opt{59, []byte{0, 0, 2, 0}})
	r.file = []byte{0, 0, 3, 4, 10, 0, 2, 1, 255}
	f.Add(r.encode())
	f.Add(NewClient(ourMAC, nil).discover(offerXid, 0)) // a request, not a reply
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, frame []byte) {
		orig := append([]byte(nil), frame...)
		for _, want := range [][2]byte{{msgOffer, msgAck}, {msgNak}} {
			c := NewClient(ourMAC, nil)
			w := &waiter{want: want, addr: slirpGuest, xids: []uint32{offerXid, ackXid, nakXid}, ch: make(chan *reply, 1)}
			c.wait = w
			took := c.Deliver(frame)
			if !bytes.Equal(frame, orig) {
				t.Fatal("Deliver changed the frame")
			}
			if !took {
				if len(w.ch) != 0 {
					t.Fatal("Deliver returned false but queued a reply")
				}
				continue
			}
			got := <-w.ch
			if got.op != opReply || !bytes.Equal(got.chaddr[:6], ourMAC[:]) ||
				(got.typ != want[0] && got.typ != want[1]) ||
				(got.xid != offerXid && got.xid != ackXid && got.xid != nakXid) {
				t.Fatalf("took op %d chaddr %x type %d xid %#x", got.op, got.chaddr, got.typ, got.xid)
			}
			if got.typ != msgNak && !got.l.Addr.IsValid() {
				t.Fatalf("took a %s without a lease", typeName(got.typ))
			}
			// What was taken does not change with the buffer.
			before := got.l
			for i := range frame {
				frame[i] ^= 0xff
			}
			again, _ := got.lease()
			if got.typ != msgNak && !reflect.DeepEqual(before, again) {
				t.Fatalf("lease changed with the frame: %+v then %+v", before, again)
			}
			copy(frame, orig)
		}
		if r, err := parse(frame); err == nil {
			_, _ = r.lease() // must only not panic
		}
		if r, err := parseMessage(frame); err == nil {
			_, _ = r.lease()
		}
	})
}
