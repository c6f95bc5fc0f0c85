// devirq: bad input to goose's device files must be refused with Linux's
// errors and must not disturb goose: /dev/irq/<n> outside the PLIC's
// sources, short reads, bad control writes, and /dev/mem mappings that no
// device has, that overflow or that are absurdly long. goose only (Linux
// has no /dev/irq; its UIO files behave alike).
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"goose/go-kernel/fdt"
)

const virtioBase = 0x10001000 // QEMU virt: the first virtio-mmio slot

func main() {
	blob, err := os.ReadFile("/sys/firmware/fdt")
	must(err)
	tree, err := fdt.Parse(blob)
	must(err)
	plics := tree.Compatible("riscv,plic0", "sifive,plic-1.0.0")
	if len(plics) == 0 {
		fmt.Println("no PLIC in the device tree")
		os.Exit(1)
	}
	ndev, err := plics[0].U32("riscv,ndev")
	must(err)
	fmt.Println("PLIC riscv,ndev > 0:", ndev > 0)

	// Which files exist: 1..ndev.
	_, err = os.Stat(fmt.Sprintf("/dev/irq/%d", ndev))
	fmt.Println("/dev/irq/<ndev> exists:", err == nil)
	_, err = os.OpenFile(fmt.Sprintf("/dev/irq/%d", ndev+1), os.O_RDWR, 0)
	fmt.Println("/dev/irq/<ndev+1> is ENOENT:", errors.Is(err, syscall.ENOENT))
	_, err = os.OpenFile("/dev/irq/0", os.O_RDWR, 0)
	fmt.Println("/dev/irq/0 is ENOENT:", errors.Is(err, syscall.ENOENT))
	_, err = os.OpenFile("/dev/irq/4294967297", os.O_RDWR, 0)
	fmt.Println("/dev/irq/2^32+1 is ENOENT:", errors.Is(err, syscall.ENOENT))
	_, err = os.OpenFile("/dev/irq/-1", os.O_RDWR, 0)
	fmt.Println("/dev/irq/-1 is ENOENT:", errors.Is(err, syscall.ENOENT))

	// A source no device drives (the highest): it never fires.
	fd, err := syscall.Open(fmt.Sprintf("/dev/irq/%d", ndev), syscall.O_RDWR|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	must(err)
	var b [8]byte
	_, err = syscall.Read(fd, b[:2])
	fmt.Println("read of 2 bytes is EINVAL:", errors.Is(err, syscall.EINVAL))
	_, err = syscall.Read(fd, b[:0])
	fmt.Println("read of 0 bytes is EINVAL:", errors.Is(err, syscall.EINVAL))
	_, err = syscall.Read(fd, b[:4])
	fmt.Println("read with nothing pending (O_NONBLOCK) is EAGAIN:", errors.Is(err, syscall.EAGAIN))
	_, err = syscall.Write(fd, b[:2])
	fmt.Println("write of 2 bytes is EINVAL:", errors.Is(err, syscall.EINVAL))
	_, err = syscall.Write(fd, []byte{2, 0, 0, 0})
	fmt.Println("write of 2 (neither 0 nor 1) is EINVAL:", errors.Is(err, syscall.EINVAL))
	n, err := syscall.Write(fd, []byte{1, 0, 0, 0})
	fmt.Println("write of 1 (enable):", n, err)
	n, err = syscall.Write(fd, []byte{0, 0, 0, 0})
	fmt.Println("write of 0 (mask):", n, err)
	_, err = syscall.Seek(fd, 0, 0)
	fmt.Println("seek refused:", err != nil)
	must(syscall.Close(fd))

	// epoll on it: not readable, and a wait with a timeout returns
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	must(err)
	fd, err = syscall.Open(fmt.Sprintf("/dev/irq/%d", ndev), syscall.O_RDWR|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	must(err)
	must(syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}))
	evs := make([]syscall.EpollEvent, 4)
	k, err := syscall.EpollWait(ep, evs, 10)
	for err == syscall.EINTR { // a preemption signal ends the wait early; epoll is never restarted
		k, err = syscall.EpollWait(ep, evs, 10)
	}
	fmt.Println("epoll: no event for a quiet source:", k == 0 && err == nil)
	syscall.Close(fd)
	syscall.Close(ep)

	// /dev/mem: what no device has, or what makes no sense.
	mem, err := os.OpenFile("/dev/mem", os.O_RDWR|os.O_SYNC, 0)
	must(err)
	mfd := int(mem.Fd())
	mmap := func(off int64, n int) error {
		m, err := syscall.Mmap(mfd, off, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
		if err == nil {
			syscall.Munmap(m)
		}
		return err
	}
	fmt.Println("mmap of RAM is EPERM:", errors.Is(mmap(0x80000000, 4096), syscall.EPERM))
	fmt.Println("mmap of RAM's last page is EPERM:", errors.Is(mmap(0x80000000+512<<20-4096, 4096), syscall.EPERM))
	fmt.Println("mmap reaching into RAM is refused:", mmap(0x80000000-4096, 8192) != nil)
	fmt.Println("mmap where no device is is ENXIO:", errors.Is(mmap(0x7f000000, 4096), syscall.ENXIO))
	fmt.Println("mmap far above RAM is ENXIO:", errors.Is(mmap(1<<40, 4096), syscall.ENXIO))
	fmt.Println("mmap of length 0 is EINVAL:", errors.Is(mmap(virtioBase, 0), syscall.EINVAL))
	fmt.Println("mmap of an absurd length is refused:", mmap(virtioBase, 1<<40) != nil)
	fmt.Println("mmap of 2^62 bytes is refused:", mmap(virtioBase, 1<<62) != nil)
	fmt.Println("mmap at an unaligned offset is EINVAL:", errors.Is(mmap(virtioBase+4, 4096), syscall.EINVAL))
	fmt.Println("mmap at a negative offset is refused:", mmap(-4096, 4096) != nil)
	fmt.Println("mmap that wraps around is refused:", mmap(-8192, 1<<20) != nil)
	m, err := syscall.Mmap(mfd, virtioBase, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
	fmt.Println("a device still maps afterwards:", err == nil && len(m) == 4096 && m[0] == 'v')
	must(mem.Close())
}

func must(err error) {
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}
