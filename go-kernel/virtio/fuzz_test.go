package virtio_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"goose/go-kernel/dma"
	"goose/go-kernel/virtio"
)

// FuzzUsedRing lets a device write anything to its used ring, with requests
// in flight: the driver must report ErrBroken (or go on), never panic or
// hand out a request twice.
func FuzzUsedRing(f *testing.F) {
	rec := func(id, n uint32, op byte) []byte {
		b := binary.LittleEndian.AppendUint32(nil, id)
		b = binary.LittleEndian.AppendUint32(b, n)
		return append(b, op)
	}
	f.Add(append(rec(0, 4, 0), rec(1, 4, 0)...))
	f.Add(rec(9, 0, 0))
	f.Add(rec(0, 100, 1))
	f.Add(append(rec(2, 8, 0), rec(2, 8, 0)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		sim := &dma.Sim{}
		dev := echo(sim, 8)
		dev.Faults.Drop = true
		d, err := virtio.Open(virtio.Config{Regs: dev, DMA: dma.NewAllocator(sim)})
		if err != nil {
			t.Fatal(err)
		}
		d.Negotiate(0)
		q, _ := d.SetupQueue(0, 0)
		d.Start()
		buf, _ := d.DMA().Alloc(4096, true)
		for i := 0; i < 5; i++ {
			bufs := []virtio.Buf{{Addr: buf.Phys(), Len: 16}}
			if i%2 == 1 {
				bufs = append(bufs, virtio.Buf{Addr: buf.Phys() + 64*uint64(i), Len: 32, Write: true})
			}
			if err := q.TryAdd(bufs, i); err != nil {
				t.Fatal(err)
			}
		}
		q.Kick()
		seen := map[interface{}]bool{}
		next := 100
		for len(data) >= 9 {
			id := binary.LittleEndian.Uint32(data)
			n := binary.LittleEndian.Uint32(data[4:])
			switch data[8] % 3 {
			case 0:
				dev.PushRaw(0, id, n)
			case 1:
				dev.SkewUsed(0, uint16(n))
			case 2:
				q.TryAdd([]virtio.Buf{{Addr: buf.Phys(), Len: 8, Write: true}}, next)
				next++
			}
			data = data[9:]
			for {
				u, ok, err := q.Pop()
				if err != nil {
					if !errors.Is(err, virtio.ErrBroken) {
						t.Fatalf("error %v", err)
					}
					break
				}
				if !ok {
					break
				}
				if seen[u.Token] {
					t.Fatalf("request %v completed twice", u.Token)
				}
				seen[u.Token] = true
				if tok, _ := u.Token.(int); tok < 5 && tok%2 == 0 && u.Len != 0 || u.Len > 32 {
					t.Fatalf("request %v: %d bytes written", u.Token, u.Len)
				}
			}
		}
		if st := q.Stats(); st.Free < 0 || st.Free > q.Size() {
			t.Fatalf("free descriptors %d", st.Free)
		}
		d.Close()
	})
}
