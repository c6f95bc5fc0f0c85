package platform

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"goose/go-kernel/fdt"
	"goose/go-kernel/irq"
	"goose/go-kernel/mmio"
	"goose/go-kernel/virtio"
)

func tree(t *testing.T) *fdt.Tree {
	old := FDTPath
	defer func() { FDTPath = old }()
	FDTPath = "../../fdt/testdata/qemu-virt-dump.dtb"
	tr, err := ReadTree()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTransports(t *testing.T) {
	trs, err := Transports(tree(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(trs) != 8 {
		t.Fatalf("%d transports", len(trs))
	}
	for _, tr := range trs {
		if tr.Size != 0x1000 || tr.Addr != 0x10000000+uint64(tr.IRQ)*0x1000 {
			t.Fatalf("%+v", tr)
		}
	}
	FDTPath = "/nonexistent"
	defer func() { FDTPath = "/sys/firmware/fdt" }()
	if _, err := ReadTree(); err == nil {
		t.Fatal("read a missing tree")
	}
}

// TestFind stands a sparse file in for /dev/mem, with an entropy device's
// registers at the transport QEMU's tree puts at 0x10003000, and an empty
// transport before it.
func TestFind(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs mmap")
	}
	dir := t.TempDir()
	mem := filepath.Join(dir, "mem")
	f, err := os.Create(mem)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(0x10009000); err != nil {
		t.Skip(err)
	}
	regs := func(addr uint64, id uint32) {
		b := make([]byte, 16)
		binary.LittleEndian.PutUint32(b, virtio.MagicValue)
		binary.LittleEndian.PutUint32(b[4:], 2)
		binary.LittleEndian.PutUint32(b[8:], id)
		f.WriteAt(b, int64(addr))
	}
	for a := uint64(0x10001000); a <= 0x10008000; a += 0x1000 {
		regs(a, 0)
	}
	regs(0x10003000, 4)
	f.Close()
	oldMem, oldPat := mmio.DevMem, irq.Pattern
	defer func() { mmio.DevMem, irq.Pattern = oldMem, oldPat }()
	mmio.DevMem = mem
	irq.Pattern = filepath.Join(dir, "irq%d")
	tr := tree(t)
	// the interrupt file is missing
	if _, err := Find(tr, virtio.IDEntropy, Options{}); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("without /dev/irq/3: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "irq3"), nil, 0o600)
	d, err := Find(tr, virtio.IDEntropy, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.ID() != virtio.IDEntropy {
		t.Fatalf("found %v", d.ID())
	}
	if d, err := Find(tr, virtio.IDEntropy, Options{Poll: true}); err != nil || d.ID() != virtio.IDEntropy {
		t.Fatalf("polling: %v", err)
	}
	if _, err := Find(tr, virtio.IDBlock, Options{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("block: %v", err)
	}
	mmio.DevMem = filepath.Join(dir, "nomem")
	if _, err := Find(tr, virtio.IDBlock, Options{}); err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("without /dev/mem: %v", err)
	}
}
