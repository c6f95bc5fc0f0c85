package virtio

import "testing"

func TestRingLayout(t *testing.T) {
	for _, n := range []int{1, 2, 8, 64, 128, 256, 512, 1024, 32768} {
		d, a, u, total := ringLayout(n, 4096)
		if d != 0 || a%4 != 0 || u%4 != 0 || a < 16*n || u < a+6+2*n || total != u+6+8*n {
			t.Fatalf("n=%d: %d %d %d %d", n, d, a, u, total)
		}
		for _, part := range [][2]int{{d, 16 * n}, {a, 6 + 2*n}, {u, 6 + 8*n}} {
			if part[1] <= 4096 && part[0]/4096 != (part[0]+part[1]-1)/4096 {
				t.Fatalf("n=%d: part %v crosses a page", n, part)
			}
			if part[1] > 4096 && part[0]%4096 != 0 {
				t.Fatalf("n=%d: big part %v not page-aligned", n, part)
			}
		}
	}
	// 256 entries fit three pages at most
	if _, _, _, total := ringLayout(256, 4096); total > 3*4096 {
		t.Fatalf("256 entries take %d bytes", total)
	}
}

func TestWords(t *testing.T) {
	b := make([]byte, 8)
	q := &Queue{avail: b[:4], used: b[4:], availFlags: 1, availIdx: 0x1234}
	q.publishLocked()
	if b[0] != 1 || b[1] != 0 || b[2] != 0x34 || b[3] != 0x12 {
		t.Fatalf("avail header % x", b[:4])
	}
	b[4], b[5], b[6], b[7] = 1, 0, 0xcd, 0xab
	if f, i := q.usedHeader(); f != 1 || i != 0xabcd {
		t.Fatalf("used header %#x %#x", f, i)
	}
}
