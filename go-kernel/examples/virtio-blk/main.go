// virtio-blk: a Go kernel that drives a virtio block device found in the
// device tree: it reads the disk's first sector and checks the pattern the
// test driver (ci/examples.py) wrote there, writes sectors, flushes, reads
// them back and compares. The driver then checks the image file on the host.
//
//	python3 -c 'import sys; sys.path.insert(0, "ci"); import examples; examples.make_disk("/tmp/disk.img")'
//	make run KERNEL=go-kernel/examples/virtio-blk BOOTARGS='goose.quiet' \
//	    QEMU_EXTRA='-global virtio-mmio.force-legacy=false
//	        -drive file=/tmp/disk.img,if=none,format=raw,id=hd0
//	        -device virtio-blk-device,drive=hd0,serial=goose-disk'
//
// The disk layout both sides agree on (see ci/examples.py):
//
//	sector 0           "GOOSE-VIRTIO-BLK" then byte i = (7*i + 3) mod 256
//	sectors 16-415     written here: byte i of sector s = (131*s + 3*i) mod 251
//	byte 1636 (3*512+100)  written here: "hello from goose" (a partial sector)
//
// Requests wait for the device's interrupt (/dev/irq/<n>) unless -poll is
// given.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"time"

	"goose/go-kernel/virtio"
	"goose/go-kernel/virtio/blk"
	"goose/go-kernel/virtio/platform"
)

const (
	magic       = "GOOSE-VIRTIO-BLK"
	firstSector = 16
	sectors     = 400 // 200 KiB: several requests of at most blk.MaxTransfer
	note        = "hello from goose"
	noteOffset  = 3*blk.SectorSize + 100
)

func sectorPattern(s uint64, p []byte) {
	for i := range p {
		p[i] = byte((131*int(s) + 3*i) % 251)
	}
}

func main() {
	poll := flag.Bool("poll", false, "poll the used ring instead of waiting for the interrupt")
	flag.Parse()

	tree, err := platform.ReadTree()
	check("read the device tree", err)
	d, err := platform.Find(tree, virtio.IDBlock, platform.Options{Poll: *poll, Timeout: 10 * time.Second})
	check("find the block device", err)
	disk, err := blk.New(d)
	check("start the block device", err)
	fmt.Printf("virtio-blk: capacity %d sectors (%d KiB), read-only %v\n",
		disk.Capacity(), disk.Size()>>10, disk.ReadOnly())
	if id, err := disk.ID(); err == nil {
		fmt.Printf("serial: %q\n", id)
	} else {
		fmt.Println("serial: error:", err)
	}

	// sector 0: the pattern the test driver wrote
	s0 := make([]byte, blk.SectorSize)
	check("read sector 0", disk.ReadSectors(0, s0))
	want := make([]byte, blk.SectorSize)
	copy(want, magic)
	for i := len(magic); i < len(want); i++ {
		want[i] = byte(7*i + 3)
	}
	fmt.Println("sector 0 pattern:", okString(bytes.Equal(s0, want)))

	// write sectors, flush, read them back
	data := make([]byte, sectors*blk.SectorSize)
	for s := 0; s < sectors; s++ {
		sectorPattern(uint64(firstSector+s), data[s*blk.SectorSize:(s+1)*blk.SectorSize])
	}
	start := time.Now()
	check("write sectors", disk.WriteSectors(firstSector, data))
	check("flush", disk.Flush())
	back := make([]byte, len(data))
	check("read sectors back", disk.ReadSectors(firstSector, back))
	elapsed := time.Since(start)
	fmt.Printf("wrote, flushed and read back sectors %d-%d: %s\n",
		firstSector, firstSector+sectors-1, okString(bytes.Equal(back, data)))

	// a write that is not sector-aligned: read, modify, write
	_, err = disk.WriteAt([]byte(note), noteOffset)
	check("write a partial sector", err)
	got := make([]byte, len(note))
	_, err = disk.ReadAt(got, noteOffset)
	check("read a partial sector", err)
	fmt.Printf("partial-sector write at byte %d: %s\n", noteOffset, okString(string(got) == note))
	check("flush", disk.Flush())

	// requests the driver must refuse without asking the device
	err = disk.ReadSectors(disk.Capacity(), s0)
	fmt.Println("read past the end refused:", err != nil)

	irqs, _ := d.Interrupts()
	if *poll {
		fmt.Println("mode: polling")
	} else {
		fmt.Println("mode: interrupts; interrupts serviced > 0:", irqs > 0)
	}
	fmt.Fprintf(os.Stderr, "virtio-blk: %d KiB written+flushed+read in %v, %d interrupts\n",
		2*len(data)>>10, elapsed.Round(time.Microsecond), irqs)
	check("close", disk.Close())
	fmt.Println("virtio-blk: done")
}

func okString(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISMATCH"
}

func check(what string, err error) {
	if err != nil {
		fmt.Printf("virtio-blk: %s: %v\n", what, err)
		os.Exit(1)
	}
}
