// virtio-rng: a Go kernel that finds QEMU's virtio entropy device in the
// device tree, drives it with go-kernel/virtio/rng and prints deterministic
// facts about what it read.
//
//	make run KERNEL=go-kernel/examples/virtio-rng BOOTARGS='goose.quiet' \
//	    QEMU_EXTRA='-global virtio-mmio.force-legacy=false -device virtio-rng-device'
//
// The path, from the device tree to the device's registers and interrupt:
//
//  1. platform.ReadTree parses /sys/firmware/fdt, the tree goose was given.
//  2. platform.Find walks the nodes compatible with "virtio,mmio", maps each
//     one's reg with mmio.Map (open /dev/mem, mmap MAP_SHARED at the
//     physical address) and reads MagicValue, Version and DeviceID; it
//     opens the first transport whose DeviceID is 4 (entropy): reset,
//     ACKNOWLEDGE, DRIVER, and /dev/irq/<n> for the node's interrupt.
//  3. rng.New negotiates features (VERSION_1 only), sets up queue 0 in DMA
//     memory (a locked, populated mapping whose physical address comes
//     from /proc/self/pagemap), writes the ring addresses and QueueReady,
//     and sets DRIVER_OK, which starts the goroutine that waits on
//     /dev/irq/<n>.
//  4. Each Read puts one device-writable descriptor on the ring, writes
//     QueueNotify, and (unless QEMU finished the request at once) sleeps
//     until the interrupt goroutine sees the PLIC fire, acknowledges
//     InterruptStatus, re-enables the source and wakes it.
//
// Flags (after -- in BOOTARGS): -poll drives the device without its
// interrupt; -bytes N reads N bytes (default 4096); -bad then plays a buggy
// driver (bad.go): broken descriptors and rings, which the device must
// answer with an error (DEVICE_NEEDS_RESET) or by ignoring the request,
// never by hanging goose, and after which a reset must bring it back.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"goose/go-kernel/virtio"
	"goose/go-kernel/virtio/platform"
	"goose/go-kernel/virtio/rng"
)

func main() {
	poll := flag.Bool("poll", false, "poll the used ring instead of waiting for the interrupt")
	total := flag.Int("bytes", 4096, "bytes of entropy to read")
	bad := flag.Bool("bad", false, "then give the device bad descriptors, and check it recovers")
	flag.Parse()

	tree, err := platform.ReadTree()
	check("read the device tree", err)
	d, err := platform.Find(tree, virtio.IDEntropy, platform.Options{Poll: *poll, Timeout: 10 * time.Second})
	check("find the entropy device", err)
	info := d.Info()
	fmt.Printf("virtio-rng: virtio-mmio version %d, device %v, vendor %#x\n", info.Version, info.DeviceID, info.VendorID)
	r, err := rng.New(d)
	check("start the entropy device", err)

	first := make([]byte, *total)
	start := time.Now()
	_, err = io.ReadFull(r, first)
	check("read entropy", err)
	elapsed := time.Since(start)
	second := make([]byte, 64)
	_, err = io.ReadFull(r, second)
	check("read entropy again", err)

	fmt.Printf("read %d bytes\n", len(first))
	fmt.Println("not all zero:", !bytes.Equal(first, make([]byte, len(first))))
	fmt.Println("two reads differ:", !bytes.Equal(first[:len(second)], second))
	// a rough check that the bytes look random: every byte value appears
	var seen [256]bool
	distinct := 0
	for _, b := range first {
		if !seen[b] {
			seen[b] = true
			distinct++
		}
	}
	fmt.Println("distinct byte values > 200:", distinct > 200)
	// QEMU may finish a request before the driver looks at the ring, so
	// the driver need not have waited for the interrupt; the interrupt
	// still comes, and its goroutine counts it.
	irqs, _ := d.Interrupts()
	for deadline := time.Now().Add(2 * time.Second); !*poll && irqs == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		irqs, _ = d.Interrupts()
	}
	if *poll {
		fmt.Println("mode: polling")
	} else {
		fmt.Println("mode: interrupts; interrupts serviced > 0:", irqs > 0)
	}
	fmt.Fprintf(os.Stderr, "virtio-rng: %d bytes in %v, %d interrupts\n", len(first)+len(second), elapsed.Round(time.Microsecond), irqs)
	check("close", r.Close())
	if *bad {
		badDriver(*poll)
	}
	fmt.Println("virtio-rng: done")
}

func check(what string, err error) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Printf("virtio-rng: "+format+"\n", args...)
	os.Exit(1)
}
