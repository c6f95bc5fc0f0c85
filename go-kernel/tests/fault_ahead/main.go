// Command fault_ahead checks goose's fault-ahead (mm/vm.c): anonymous memory
// touched in address order takes a page fault per window of pages (16 by
// default, goose.faultahead=N), memory touched out of order one per page, and
// the pages mapped ahead read zero. Faults are the thread's own minor faults
// from /proc/1/task/<tid>/stat (goose-only: Linux takes one per page).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

const page = 4096

func minflt() int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/1/task/%d/stat", syscall.Gettid()))
	if err != nil {
		fmt.Println("stat:", err)
		os.Exit(1)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	n, _ := strconv.Atoi(f[7]) // field 10, minflt
	return n
}

// resident counts m's pages that have a frame (mincore).
func resident(m []byte) int {
	vec := make([]byte, len(m)/page)
	_, _, e := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)),
		uintptr(unsafe.Pointer(&vec[0])))
	if e != 0 {
		fmt.Println("mincore:", e)
		os.Exit(1)
	}
	n := 0
	for _, v := range vec {
		n += int(v & 1)
	}
	return n
}

// faults touches the given pages of a fresh anonymous mapping of n pages
// and returns the faults taken, the pages resident after, and whether every
// page read zero first.
func faults(n int, order []int) (int, int, bool) {
	m, err := syscall.Mmap(-1, 0, n*page, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS)
	if err != nil {
		fmt.Println("mmap:", err)
		os.Exit(1)
	}
	zero := true
	before := minflt()
	for _, p := range order {
		zero = zero && m[p*page] == 0 && m[p*page+page-1] == 0
		m[p*page] = 1
	}
	got := minflt() - before
	res := resident(m)
	syscall.Munmap(m)
	return got, res, zero
}

func main() {
	runtime.LockOSThread()
	window := 16
	if len(os.Args) > 1 {
		window, _ = strconv.Atoi(os.Args[1])
	}
	if window < 1 {
		window = 1
	}
	const n = 1024 // 4 MiB: two page tables' worth
	inOrder := make([]int, n)
	for i := range inOrder {
		inOrder[i] = i
	}
	// A fault per window; not exactly, as the runtime faults on this
	// thread too (reading /proc allocates), and with several harts a
	// thread that moves may fault once more on a page another hart's TLB
	// had as missing: at most one per 8 pages is far from one per page.
	f, res, zero := faults(n, inOrder)
	most := n / 8
	fmt.Printf("in order: faults <= %d: %v, at least %d: %v, all resident: %v, read zero: %v\n", most,
		f <= most, n/window, f >= n/window, res == n, zero)
	if f > most || f < n/window {
		fmt.Println("in order: faults", f)
	}
	// Every 32nd page, backwards: nothing below a touched page is there yet.
	var scattered []int
	for i := n - 1; i >= 0; i -= 32 {
		scattered = append(scattered, i)
	}
	f, res, zero = faults(n, scattered)
	fmt.Printf("scattered: a fault per touch: %v, only the touched pages resident: %v, read zero: %v\n",
		f >= len(scattered), res == len(scattered), zero)
	if res != len(scattered) {
		fmt.Println("scattered: resident", res, "touched", len(scattered))
	}
}
