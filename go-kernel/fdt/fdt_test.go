package fdt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func load(t testing.TB, name string) *Tree {
	t.Helper()
	blob, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Parse(blob)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tr
}

func TestQEMUVirt(t *testing.T) {
	tr := load(t, "qemu-virt-dump.dtb")
	h := tr.Header
	if h.Version != 17 || h.LastCompVersion != 16 || h.TotalSize != 4590 || h.BootCPUIDPhys != 0 {
		t.Fatalf("header %+v", h)
	}
	if len(tr.Reservations) != 0 {
		t.Fatalf("reservations %v", tr.Reservations)
	}
	root := tr.Root()
	if root.Path() != "/" || root.Name() != "" || root.Parent() != nil {
		t.Fatal("root")
	}
	if m, _ := root.String("model"); m != "riscv-virtio,qemu" {
		t.Fatalf("model %q", m)
	}
	if tf, err := tr.Node("/cpus").U32("timebase-frequency"); tf != 10000000 || err != nil {
		t.Fatalf("timebase %d %v", tf, err)
	}
	mem, err := tr.Memory()
	if err != nil || !reflect.DeepEqual(mem, []Reg{{0x80000000, 0x10000000}}) {
		t.Fatalf("memory %v %v", mem, err)
	}
	// the virtio transports, as a goose program would find them
	vs := tr.Compatible("virtio,mmio")
	if len(vs) != 8 {
		t.Fatalf("%d virtio,mmio nodes", len(vs))
	}
	plic := tr.Node("/soc/plic@c000000")
	if plic == nil || plic.Phandle() != 5 || tr.ByPhandle(5) != plic || !plic.Has("interrupt-controller") {
		t.Fatal("plic")
	}
	if ndev, _ := plic.U32("riscv,ndev"); ndev != 0x60 {
		t.Fatalf("ndev %d", ndev)
	}
	for _, v := range vs {
		regs, err := v.PhysReg()
		if err != nil || len(regs) != 1 || regs[0].Size != 0x1000 {
			t.Fatalf("%s reg %v %v", v.Path(), regs, err)
		}
		irqs, err := v.Interrupts()
		if err != nil || len(irqs) != 1 || irqs[0].Controller != plic {
			t.Fatalf("%s interrupts %v %v", v.Path(), irqs, err)
		}
		// QEMU virt: transport k at 0x10000000 + k*0x1000 has PLIC source k
		if want := 0x10000000 + uint64(irqs[0].Specifier[0])*0x1000; regs[0].Addr != want {
			t.Fatalf("%s at %#x has irq %d", v.Path(), regs[0].Addr, irqs[0].Specifier[0])
		}
		if v.UnitAddress() != fmt.Sprintf("%x", regs[0].Addr) || v.BaseName() != "virtio_mmio" {
			t.Fatalf("name %s", v.Name())
		}
	}
	// interrupts-extended
	clint := tr.Node("/soc/clint")
	irqs, err := clint.Interrupts()
	if err != nil || len(irqs) != 4 {
		t.Fatalf("clint %v %v", irqs, err)
	}
	if irqs[0].Controller.Path() != "/cpus/cpu@0/interrupt-controller" || irqs[0].Specifier[0] != 3 || irqs[3].Specifier[0] != 7 || irqs[2].Controller.Path() != "/cpus/cpu@1/interrupt-controller" {
		t.Fatalf("clint interrupts %+v", irqs)
	}
	stdout, opts := tr.Stdout()
	if stdout == nil || stdout.Path() != "/soc/serial@10000000" || opts != "" {
		t.Fatalf("stdout %v %q", stdout, opts)
	}
	if c, _ := stdout.U64("clock-frequency"); c != 0x384000 {
		t.Fatalf("clock-frequency %#x", c)
	}
	if got := tr.Node("/soc/test").Compatibles(); !reflect.DeepEqual(got, []string{"sifive,test1", "sifive,test0", "syscon"}) {
		t.Fatalf("compatibles %q", got)
	}
	if seed, _ := tr.Chosen().U32s("rng-seed"); len(seed) != 8 {
		t.Fatal("rng-seed")
	}
	// cpus: #size-cells 0
	if r, err := tr.Node("/cpus/cpu@1").Reg(); err != nil || !reflect.DeepEqual(r, []Reg{{1, 0}}) {
		t.Fatalf("cpu reg %v %v", r, err)
	}
	// PCI: three address cells do not fit
	if _, err := tr.Node("/soc/pci").Reg(); err != nil {
		t.Fatalf("pci reg: %v", err) // the pci node's own reg is in /soc's space: fine
	}
	// the flash has two reg entries
	if r, _ := tr.Node("/flash").Reg(); len(r) != 2 || r[1].Addr != 0x22000000 {
		t.Fatalf("flash reg %v", r)
	}
	n := 0
	tr.Walk(func(*Node) bool { n++; return true })
	if n != len(tr.Nodes()) || n < 20 {
		t.Fatalf("walk %d nodes of %d", n, len(tr.Nodes()))
	}
	n = 0
	tr.Walk(func(*Node) bool { n++; return n < 3 })
	if n != 3 {
		t.Fatal("walk did not stop")
	}
}

func TestCheckedInTrees(t *testing.T) {
	for _, tc := range []struct {
		file, model, stdout, opts string
		memory                    []Reg
		uartIRQ                   uint32
	}{
		{"qemu-virt.dtb", "riscv-virtio,qemu", "/soc/serial@10000000", "115200n8", []Reg{{0x80000000, 0x10000000}}, 10},
		{"qemu-sifive_u-dump.dtb", "SiFive HiFive Unleashed A00", "/soc/serial@10010000", "", nil, 4},
		{"sifive_u.dtb", "SiFive HiFive Unleashed A00", "/soc/serial@10010000", "", nil, 4},
		{"unmatched.dtb", "", "", "", nil, 0},
		{"visionfive2.dtb", "StarFive VisionFive 2 v1.3B", "", "115200n8", []Reg{{0x40000000, 0x100000000}}, 32},
	} {
		t.Run(tc.file, func(t *testing.T) {
			tr := load(t, tc.file)
			if tc.model != "" {
				if m, _ := tr.Root().String("model"); m != tc.model {
					t.Fatalf("model %q", m)
				}
			}
			mem, err := tr.Memory()
			if err != nil || len(mem) == 0 {
				t.Fatalf("memory %v %v", mem, err)
			}
			if tc.memory != nil && !reflect.DeepEqual(mem, tc.memory) {
				t.Fatalf("memory %v", mem)
			}
			out, opts := tr.Stdout()
			if out == nil {
				t.Fatal("no stdout")
			}
			if tc.stdout != "" && out.Path() != tc.stdout {
				t.Fatalf("stdout %s", out.Path())
			}
			if opts != tc.opts && tc.file != "unmatched.dtb" {
				t.Fatalf("opts %q", opts)
			}
			if r, err := out.PhysReg(); err != nil || len(r) == 0 {
				t.Fatalf("uart reg %v %v", r, err)
			}
			irqs, err := out.Interrupts()
			if err != nil || len(irqs) != 1 || !irqs[0].Controller.Has("interrupt-controller") {
				t.Fatalf("uart interrupts %v %v", irqs, err)
			}
			if tc.uartIRQ != 0 && irqs[0].Specifier[0] != tc.uartIRQ {
				t.Fatalf("uart irq %d", irqs[0].Specifier[0])
			}
			if len(tr.Compatible("riscv,plic0", "sifive,plic-1.0.0")) != 1 {
				t.Fatal("no PLIC")
			}
			if a, ok := tr.Alias("serial0"); ok && tr.Node(a) != tr.Node("serial0") {
				t.Fatal("alias lookup")
			}
			cpus := 0
			for _, c := range tr.Node("/cpus").Children() {
				if dt, _ := c.String("device_type"); dt == "cpu" && c.Enabled() {
					cpus++
				}
			}
			if cpus == 0 {
				t.Fatal("no enabled cpu")
			}
		})
	}
	// VisionFive 2's monitor hart is disabled
	tr := load(t, "visionfive2.dtb")
	if tr.Node("/cpus/cpu@0").Enabled() || !tr.Node("/cpus/cpu@1").Enabled() {
		t.Fatal("status")
	}
	if ext, err := tr.Node("/cpus/cpu@1").Strings("riscv,isa-extensions"); err != nil || ext[0] != "i" || len(ext) < 5 {
		t.Fatalf("isa extensions %q %v", ext, err)
	}
	// sifive_u: aliases are paths; the ethernet node has two reg entries
	tr = load(t, "qemu-sifive_u-dump.dtb")
	if al := tr.Aliases(); al["ethernet0"] != "/soc/ethernet@10090000" || len(al) != 3 {
		t.Fatalf("aliases %v", al)
	}
	eth := tr.Node("ethernet0")
	if r, _ := eth.PhysReg(); len(r) != 2 || r[1].Addr != 0x100a0000 {
		t.Fatalf("ethernet reg %v", r)
	}
	if mac, _ := eth.Prop("local-mac-address"); fmt.Sprintf("% x", mac) != "52 54 00 12 34 56" {
		t.Fatalf("mac % x", mac)
	}
	if phy := tr.Node("ethernet0/ethernet-phy@0"); phy == nil || phy.Parent() != eth {
		t.Fatal("alias with a path after it")
	}
	ph, _ := eth.U32("phy-handle")
	if tr.ByPhandle(ph) != tr.Node("/soc/ethernet@10090000/ethernet-phy") {
		t.Fatal("phy-handle")
	}
	if irqs, _ := tr.Node("/soc/pwm@10020000").Interrupts(); len(irqs) != 4 || irqs[3].Specifier[0] != 0x2d {
		t.Fatalf("pwm interrupts %v", irqs)
	}
}

// TestDTS compiles every tree under /work/main/dts with dtc, when it is
// installed, and checks that each parses and describes a machine: the
// checked-in testdata may lag behind the sources.
func TestDTS(t *testing.T) {
	dtc, err := exec.LookPath("dtc")
	if err != nil {
		t.Skip("dtc not installed")
	}
	srcs, _ := filepath.Glob("../../dts/*.dts")
	more, _ := filepath.Glob("../../dts/*/*.dts")
	srcs = append(srcs, more...)
	if len(srcs) == 0 {
		t.Skip("no dts sources")
	}
	// Upstream's trees of these boards have no /memory: their firmware
	// writes it (docs/boards/). Every other tree must have RAM.
	noMemory := map[string]bool{"bananapi-f3.dts": true, "hifive-premier-p550.dts": true, "milkv-pioneer.dts": true}
	for _, src := range srcs {
		out := filepath.Join(t.TempDir(), "x.dtb")
		if msg, err := exec.Command(dtc, "-q", "-I", "dts", "-O", "dtb", "-o", out, src).CombinedOutput(); err != nil {
			t.Errorf("dtc %s: %v\n%s", src, err, msg)
			continue
		}
		blob, _ := os.ReadFile(out)
		tr, err := Parse(blob)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if mem, err := tr.Memory(); err != nil || (len(mem) == 0) != noMemory[filepath.Base(src)] {
			t.Errorf("%s: memory %v %v (a tree without /memory: %v)", src, mem, err, noMemory[filepath.Base(src)])
		}
		if n, _ := tr.Stdout(); n == nil {
			t.Errorf("%s: no stdout", src)
		}
		if _, err := tr.Node("/cpus").U32("timebase-frequency"); err != nil {
			t.Errorf("%s: %v", src, err)
		}
		for _, n := range tr.Nodes() {
			if n.Has("interrupts") || n.Has("interrupts-extended") {
				if _, err := n.Interrupts(); err != nil {
					t.Errorf("%s: %v", src, err)
				}
			}
		}
	}
}

func TestBuiltTree(t *testing.T) {
	b := newBuilder()
	b.rsv = [][2]uint64{{0x80000000, 0x20000}, {0x90000000, 0x1000}}
	b.begin("").cells("#address-cells", 2).cells("#size-cells", 2).str("compatible", "test,board")
	b.begin("aliases").str("root", "/").str("serial0", "/bus@1000000/serial@100").str("bad", "no-slash").prop("nul", []byte("x")).end()
	b.begin("chosen").str("stdout-path", "serial0:9600n8").end()
	b.begin("memory@0").str("device_type", "memory").cells("reg", 0, 0, 0, 0x1000, 1, 0, 0, 0x2000).end()
	b.begin("memory@2").str("device_type", "memory").str("status", "disabled").cells("reg", 2, 0, 0, 0x1000).end()
	b.begin("intc").cells("#interrupt-cells", 2).prop("interrupt-controller", nil).cells("phandle", 7).end()
	b.begin("intc2").cells("#interrupt-cells", 1).cells("linux,phandle", 8).end()
	b.begin("bus@1000000").cells("#address-cells", 1).cells("#size-cells", 1).
		cells("ranges", 0, 0, 0x1000000, 0x10000, 0x20000, 0, 0x30000000, 0x1000).cells("interrupt-parent", 7)
	b.begin("serial@100").str("compatible", "ns16550a", "other").cells("reg", 0x100, 0x20).cells("interrupts", 5, 4, 6, 1).end()
	b.begin("serial@200").cells("reg", 0x200, 0x20).end()
	b.begin("dev@20010").cells("reg", 0x20010, 0x10).cells("interrupts-extended", 8, 3, 7, 1, 2).end()
	b.begin("outside@50000").cells("reg", 0x50000, 0x10).end()
	b.begin("straddle@ff00").cells("reg", 0xff00, 0x200).end()
	b.begin("sub").cells("#address-cells", 1).cells("#size-cells", 1)
	b.begin("leaf@0").cells("reg", 0, 4).end()
	b.end()
	b.begin("sub2").cells("#address-cells", 1).cells("#size-cells", 1).prop("ranges", nil)
	b.begin("leaf@40").cells("reg", 0x40, 4).cells("interrupts", 9, 9).end()
	b.end()
	b.end() // bus
	b.u32(tokNop)
	b.begin("strs").str("one", "a").str("list", "a", "", "c").prop("empty", nil).prop("noterm", []byte("abc")).
		cells("u64", 1, 2).cells("u3", 1, 2, 3).prop("odd", []byte{1, 2, 3}).end()
	b.end()
	blob := append(b.blob(), 0xde, 0xad) // trailing bytes beyond totalsize are fine
	tr, err := Parse(blob)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr.Reservations, []Reservation{{0x80000000, 0x20000}, {0x90000000, 0x1000}}) {
		t.Fatalf("reservations %v", tr.Reservations)
	}
	if mem, err := tr.Memory(); err != nil || !reflect.DeepEqual(mem, []Reg{{0, 0x1000}, {1 << 32, 0x2000}}) {
		t.Fatalf("memory %v %v", mem, err)
	}
	out, opts := tr.Stdout()
	if out == nil || out.Path() != "/bus@1000000/serial@100" || opts != "9600n8" {
		t.Fatalf("stdout %v %q", out, opts)
	}
	if r, err := out.Reg(); err != nil || !reflect.DeepEqual(r, []Reg{{0x100, 0x20}}) {
		t.Fatalf("reg %v %v", r, err)
	}
	if r, err := out.PhysReg(); err != nil || !reflect.DeepEqual(r, []Reg{{0x1000100, 0x20}}) {
		t.Fatalf("phys reg %v %v", r, err)
	}
	if r, err := tr.Node("/bus/dev").PhysReg(); err != nil || r[0].Addr != 0x30000010 {
		t.Fatalf("second range %v %v", r, err)
	}
	for _, p := range []string{"/bus/outside", "/bus/straddle", "/bus/sub/leaf"} {
		if _, err := tr.Node(p).PhysReg(); err == nil {
			t.Errorf("%s translated", p)
		}
	}
	if r, err := tr.Node("/bus/sub2/leaf").PhysReg(); err != nil || r[0].Addr != 0x1000040 {
		t.Fatalf("empty ranges %v %v", r, err)
	}
	irqs, err := out.Interrupts()
	if err != nil || len(irqs) != 2 || irqs[0].Controller != tr.Node("/intc") || !reflect.DeepEqual(irqs[1].Specifier, []uint32{6, 1}) {
		t.Fatalf("interrupts %+v %v", irqs, err)
	}
	// interrupt-parent inherited from the bus, two levels up
	if p := tr.Node("/bus/sub2/leaf").InterruptParent(); p != tr.Node("/intc") {
		t.Fatalf("inherited interrupt parent %v", p)
	}
	irqs, err = tr.Node("/bus/dev").Interrupts()
	if err != nil || len(irqs) != 2 || irqs[0].Controller.Name() != "intc2" || irqs[0].Specifier[0] != 3 || !reflect.DeepEqual(irqs[1].Specifier, []uint32{1, 2}) {
		t.Fatalf("interrupts-extended %+v %v", irqs, err)
	}
	if _, err := tr.Node("/bus/serial@200").Interrupts(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no interrupts: %v", err)
	}
	// paths
	if tr.Node("/bus@1000000/serial") != out || tr.Node("/bus/serial@200").UnitAddress() != "200" || tr.Node("serial0") != out {
		t.Fatal("path lookup")
	}
	for _, p := range []string{"", "bad", "nul", "nosuch", "/nosuch", "/bus/serial@300", "serial0/x", ":x"} {
		if n := tr.Node(p); n != nil {
			t.Errorf("Node(%q) = %s", p, n.Path())
		}
	}
	if tr.Node("root") != tr.Root() || tr.Node("root/chosen") != tr.Chosen() { // found by fuzzing
		t.Fatal("alias of the root")
	}
	if tr.Node("/") != tr.Root() || tr.Node("//bus//") != tr.Node("/bus") {
		t.Fatal("slashes")
	}
	if tr.ByPhandle(8) != tr.Node("/intc2") || tr.Node("/intc2").Phandle() != 8 || tr.ByPhandle(1) != nil {
		t.Fatal("phandles")
	}
	// properties
	s := tr.Node("/strs")
	if v, _ := s.String("one"); v != "a" {
		t.Fatal("string")
	}
	if v, _ := s.Strings("list"); !reflect.DeepEqual(v, []string{"a", "", "c"}) {
		t.Fatalf("list %q", v)
	}
	if v, _ := s.U64("u64"); v != 1<<32|2 {
		t.Fatal("u64")
	}
	for _, f := range []func() error{
		func() error { _, err := s.String("empty"); return err },
		func() error { _, err := s.String("noterm"); return err },
		func() error { _, err := s.U32("u64"); return err },
		func() error { _, err := s.U64("u3"); return err },
		func() error { _, err := s.U32s("odd"); return err },
		func() error { _, err := tr.Root().Reg(); return err },
	} {
		err := f()
		var pe *PropError
		if !errors.As(err, &pe) || errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), "fdt: /") {
			t.Errorf("malformed property: %v", err)
		}
	}
	if _, err := s.U32("missing"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "/strs: property missing") {
		t.Errorf("missing: %v", err)
	}
	if !s.Has("empty") || s.Has("missing") || !out.IsCompatible("other") || out.IsCompatible("ns16550") || s.IsCompatible("") {
		t.Fatal("has/compatible")
	}
	if got := tr.Compatible("other", "test,board"); len(got) != 2 || got[0] != tr.Root() {
		t.Fatal("Compatible")
	}
	if len(s.Properties()) != 7 || s.Properties()[0].Name != "one" {
		t.Fatal("properties")
	}
}

func TestVersion16(t *testing.T) {
	b := newBuilder()
	b.begin("").cells("#address-cells", 1).begin("x").end().end()
	blob := b.blob()
	binary.BigEndian.PutUint32(blob[20:], 16)
	binary.BigEndian.PutUint32(blob[36:], 0xffffffff) // not a field in v16: ignored
	tr, err := Parse(blob)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Node("/x") == nil || tr.Header.SizeDtStruct != tr.Header.TotalSize-tr.Header.OffDtStruct {
		t.Fatalf("v16: %+v", tr.Header)
	}
}

func TestMalformed(t *testing.T) {
	good := func() *builder {
		b := newBuilder()
		return b.begin("").cells("#address-cells", 1).begin("a").str("p", "v").end()
	}
	base := good().end().blob()
	if _, err := Parse(base); err != nil {
		t.Fatal(err)
	}
	set := func(off int, v uint32) []byte {
		b := append([]byte(nil), base...)
		binary.BigEndian.PutUint32(b[off:], v)
		return b
	}
	stOff := int(binary.BigEndian.Uint32(base[8:]))
	cases := map[string][]byte{
		"empty":           nil,
		"magic":           set(0, 0xfeedd00d),
		"short":           base[:39],
		"totalsize big":   set(4, uint32(len(base)+1)),
		"totalsize small": set(4, 20),
		"old version":     set(20, 15),
		"new compat":      set(24, 18),
		"struct offset":   set(8, uint32(len(base)-4)),
		"struct align":    set(8, uint32(stOff+2)),
		"struct size":     set(36, 0xfffffff0),
		"strings offset":  set(12, 0xffffff00),
		"strings size":    set(32, 0xffffff00),
		"rsvmap offset":   set(16, uint32(len(base)-8)),
		"rsvmap align":    set(16, 44),
		"rsvmap in hdr":   set(16, 8),
		"no end":          set(stOff+int(binary.BigEndian.Uint32(base[36:]))-4, tokNop),
		"bad token":       set(stOff, 0x77),
		"no root":         set(stOff, tokEnd),
		"end first":       set(stOff, tokEndNode),
		"prop first":      set(stOff, tokProp),
		"prop name":       set(stOff+8+8, 0xffff),
		"prop len":        set(stOff+8+4, 0xfffffffc),
		"v16 bad struct":  append(set(20, 16)[:8], append(cells(0xffffff00), set(20, 16)[12:]...)...),
	}
	// unterminated property name: strings block without its NUL
	b := append([]byte(nil), base...)
	binary.BigEndian.PutUint32(b[32:], binary.BigEndian.Uint32(b[32:])-1)
	cases["name unterminated"] = b
	cases["unclosed root"] = good().blob()
	cases["extra end node"] = good().end().end().blob()
	cases["second root"] = good().end().begin("").end().blob()
	cases["prop after root"] = good().end().str("q", "x").blob()
	cases["unnamed node"] = good().begin("").end().end().blob()
	deep := newBuilder().begin("")
	for i := 0; i < MaxDepth; i++ {
		deep.begin(fmt.Sprint("n", i))
	}
	for i := 0; i <= MaxDepth; i++ {
		deep.end()
	}
	cases["too deep"] = deep.blob()
	name := newBuilder()
	name.u32(tokBeginNode)
	name.st = append(name.st, "abcdefg"...)
	cases["name unterminated in struct"] = name.blob()[:len(name.blob())]
	for what, blob := range cases {
		tr, err := Parse(blob)
		var fe *FormatError
		if err == nil || !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "fdt: ") {
			t.Errorf("%s: parsed (%v, %v)", what, tr != nil, err)
		}
	}
	// MaxDepth levels exactly are fine
	ok := newBuilder().begin("")
	for i := 0; i < MaxDepth-1; i++ {
		ok.begin("n")
	}
	for i := 0; i < MaxDepth; i++ {
		ok.end()
	}
	if _, err := Parse(ok.blob()); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
}

func TestBadCellsAndLinks(t *testing.T) {
	b := newBuilder()
	b.begin("").cells("#address-cells", 3).cells("#size-cells", 1)
	b.begin("pci").cells("reg", 1, 2, 3, 4).cells("interrupt-parent", 99).cells("interrupts", 1).end()
	b.begin("loop1").cells("phandle", 1).cells("interrupt-parent", 2).end()
	b.begin("loop2").cells("phandle", 2).cells("interrupt-parent", 1).cells("interrupts", 4).end()
	b.begin("ic").cells("phandle", 3).cells("#interrupt-cells", 2).end()
	b.begin("ic0").cells("phandle", 4).cells("#interrupt-cells", 0).end()
	b.begin("cut").cells("interrupts-extended", 3, 1).cells("interrupt-parent", 3).cells("interrupts", 1, 2, 3).end()
	b.begin("ghost").cells("interrupts-extended", 9, 1).end()
	b.begin("zero").cells("interrupt-parent", 4).cells("interrupts", 1).end()
	b.begin("badcells").cells("#address-cells", 9).cells("#size-cells", 1).begin("x").cells("reg", 1, 1).end().end()
	b.begin("badranges").cells("#address-cells", 1).cells("#size-cells", 1).cells("ranges", 1, 2).begin("x").cells("reg", 1, 1).end().end()
	b.begin("noranges").cells("#address-cells", 1).cells("#size-cells", 1).begin("x").cells("reg", 1, 1).end().end()
	b.begin("zeroac").cells("#address-cells", 0).begin("x").cells("reg", 1).end().end()
	b.begin("shortreg").cells("#address-cells", 2).cells("#size-cells", 2).begin("x").cells("reg", 1, 2, 3).end().end()
	b.end()
	tr, err := Parse(b.blob())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/pci", "/badcells/x", "/badranges/x", "/noranges/x", "/zeroac/x", "/shortreg/x"} {
		if _, err := tr.Node(p).PhysReg(); err == nil {
			t.Errorf("%s: reg decoded", p)
		}
	}
	for _, p := range []string{"/pci", "/loop2", "/cut", "/ghost", "/zero"} {
		if _, err := tr.Node(p).Interrupts(); err == nil {
			t.Errorf("%s: interrupts decoded", p)
		}
	}
	if tr.Node("/loop1").InterruptParent() != nil {
		t.Fatal("loop has a parent")
	}
}
