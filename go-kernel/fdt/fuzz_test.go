package fdt

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that no blob makes Parse, or any accessor on what it
// returns, panic or loop.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.dtb"))
	for _, name := range files {
		blob, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob)
	}
	b := newBuilder()
	b.rsv = [][2]uint64{{1, 2}}
	b.begin("").cells("#address-cells", 1).cells("#size-cells", 1).cells("interrupt-parent", 1)
	b.begin("aliases").str("a", "/b/c").end()
	b.begin("chosen").str("stdout-path", "a:x").end()
	b.begin("b").cells("#address-cells", 1).cells("#size-cells", 1).cells("ranges", 0, 0x100, 0x100).cells("phandle", 1).cells("#interrupt-cells", 1)
	b.begin("c@0").cells("reg", 0, 4).cells("interrupts", 3).cells("interrupts-extended", 1, 2).end()
	b.end().end()
	f.Add(b.blob())
	f.Fuzz(func(t *testing.T, blob []byte) {
		if len(blob) > 64<<10 {
			return // real trees are a few KiB; bigger ones only slow the search
		}
		tr, err := Parse(blob)
		if err != nil {
			return
		}
		exercise(tr)
	})
}

// exercise calls every accessor on every node (on the first 512: path
// lookups cost O(nodes) each).
func exercise(tr *Tree) {
	tr.Memory()
	tr.Stdout()
	tr.Aliases()
	tr.Compatible("virtio,mmio", "")
	nodes := tr.Nodes()
	if len(nodes) > 512 {
		nodes = nodes[:512]
	}
	for _, n := range nodes {
		if plainPath(n) && tr.Node(n.Path()) == nil {
			panic("node not found by its own path: " + n.Path())
		}
		n.Reg()
		n.PhysReg()
		n.Interrupts()
		n.InterruptParent()
		n.Enabled()
		n.Phandle()
		n.Compatibles()
		n.BaseName()
		n.UnitAddress()
		n.AddressCells()
		n.SizeCells()
		for _, p := range n.Properties() {
			n.U32(p.Name)
			n.U64(p.Name)
			n.U32s(p.Name)
			n.Strings(p.Name)
			tr.Node(p.Name)
			if s, err := n.String(p.Name); err == nil {
				tr.Node(s)
				tr.Alias(s)
			}
			if len(p.Value) >= 4 {
				tr.ByPhandle(be.Uint32(p.Value))
			}
		}
	}
}

// plainPath reports whether no name on n's path holds '/' or ':' (which a
// blob may put in a name, and which a path cannot express).
func plainPath(n *Node) bool {
	for ; n.Parent() != nil; n = n.Parent() {
		if strings.ContainsAny(n.Name(), "/:") {
			return false
		}
	}
	return true
}

// TestMutations runs Parse and every accessor over random corruptions of the
// test trees (what FuzzParse does, without the fuzzing engine, on every
// `go test`): flipped bytes, words set to interesting values, truncations.
func TestMutations(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.dtb"))
	rounds := 1500
	if testing.Short() {
		rounds = 300
	}
	rnd := rand.New(rand.NewSource(1))
	interesting := []uint32{0, 1, 2, 3, 4, 9, 0xffffffff, 0x7fffffff, 0x80000000, 0xfffffffc, 64, 0x1000}
	parsed := 0
	for _, name := range files {
		orig, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < rounds; i++ {
			b := append([]byte(nil), orig...)
			for k := rnd.Intn(4); k >= 0; k-- {
				switch rnd.Intn(4) {
				case 0:
					b[rnd.Intn(len(b))] ^= byte(1 << uint(rnd.Intn(8)))
				case 1:
					off := rnd.Intn(len(b)-4) &^ 3
					be.PutUint32(b[off:], interesting[rnd.Intn(len(interesting))])
				case 2:
					b = b[:rnd.Intn(len(b))]
				case 3:
					off := 40 + rnd.Intn(len(b)-44)&^3
					be.PutUint32(b[off:], uint32(rnd.Intn(10)))
				}
				if len(b) < 48 {
					break
				}
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s round %d: panic %v", name, i, r)
					}
				}()
				if tr, err := Parse(b); err == nil {
					parsed++
					exercise(tr)
				}
			}()
		}
	}
	t.Logf("%d of %d corruptions parsed", parsed, rounds*len(files))
}
