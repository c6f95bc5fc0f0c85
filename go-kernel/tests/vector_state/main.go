//go:build riscv64

// vector_state: a Go program whose assembly (vec_riscv64.s) fills the
// vector registers and spins, checks that the kernel keeps each thread's
// vector state (v0-v31, vl, vtype) over time slices, thread switches and
// signals (a raw handler reads the V record of its signal frame, then
// clobbers every vector register: rt_sigreturn must undo that), and that
// riscv_hwprobe and prctl(PR_RISCV_V_*) answer as Linux does with V on.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

func vecHold(seed, iters uint64, buf *byte) (vl, vtype uint64)
func vlenb() uint64
func handlerPC() uintptr
func vecHandler()

// Written by vecHandler.
var handled, good uint64

// Read by vecHandler.
var expect5, vlen uint64

const (
	sysHwprobe   = 258
	prSetControl = 69
	prGetControl = 70
	sigusr2      = 12
	// e64, m1, tail and mask agnostic.
	vtypeE64 = 0xd8
)

// hold runs vecHold and says what came back wrong ("" when nothing).
func hold(seed, iters uint64) string {
	n := vlenb()
	buf := make([]byte, 32*n)
	vl, vtype := vecHold(seed, iters, &buf[0])
	if vl != n/8 || vtype != vtypeE64 {
		return fmt.Sprintf("vl %d vtype %#x, want %d %#x", vl, vtype, n/8, vtypeE64)
	}
	for r := uint64(0); r < 32; r++ {
		for e := uint64(0); e < n/8; e++ {
			got := binary.LittleEndian.Uint64(buf[r*n+e*8:])
			if got != seed+r {
				return fmt.Sprintf("v%d[%d] = %#x, want %#x", r, e, got, seed+r)
			}
		}
	}
	return ""
}

func hwprobeV() bool {
	pair := [2]uint64{4, 0} // RISCV_HWPROBE_KEY_IMA_EXT_0
	_, _, e := syscall.RawSyscall6(sysHwprobe, uintptr(unsafe.Pointer(&pair[0])), 1, 0, 0, 0, 0)
	return e == 0 && pair[1]&4 != 0 // RISCV_HWPROBE_IMA_V
}

func prctl(op, arg uintptr) (uintptr, syscall.Errno) {
	r, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, op, arg, 0, 0, 0, 0)
	return r, e
}

func main() {
	if !hwprobeV() {
		fmt.Println("riscv_hwprobe: no V; this test needs a CPU with V (test.conf cpu=)")
		os.Exit(1)
	}
	fmt.Println("riscv_hwprobe: V")
	vlen = vlenb()
	fmt.Println("vlenb a power of two >= 16:", vlen >= 16 && vlen&(vlen-1) == 0)
	r, e := prctl(prGetControl, 0)
	fmt.Println("PR_RISCV_V_GET_CONTROL:", r, e == 0)

	// Time slices and thread switches: more threads than harts, each with
	// its own values in every vector register.
	runtime.GOMAXPROCS(4)
	var wg sync.WaitGroup
	var bad int32
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			runtime.LockOSThread()
			for round := 0; round < 3; round++ {
				seed := uint64(i+1)<<40 | uint64(round)<<32
				if msg := hold(seed, 3000000); msg != "" {
					if atomic.AddInt32(&bad, 1) == 1 {
						fmt.Println("thread", i, "round", round, ":", msg)
					}
				}
			}
		}(i)
	}
	wg.Wait()
	fmt.Println("vector registers kept over switches:", bad == 0)

	// Signals: a raw handler for SIGUSR2 (no Go in it) on the alternate
	// stack Go gives each thread.
	act := [3]uint64{uint64(handlerPC()), 0x4 | 0x08000000 | 0x10000000, 0} // SA_SIGINFO|SA_ONSTACK|SA_RESTART
	var old [3]uint64
	if _, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sigusr2, uintptr(unsafe.Pointer(&act)),
		uintptr(unsafe.Pointer(&old)), 8, 0, 0); e != 0 {
		fmt.Println("rt_sigaction:", e)
		os.Exit(1)
	}
	runtime.LockOSThread()
	tid := syscall.Gettid()
	var done int32
	go func() {
		for atomic.LoadInt32(&done) == 0 {
			syscall.Tgkill(syscall.Getpid(), tid, sigusr2)
			for i := 0; i < 20000 && atomic.LoadInt32(&done) == 0; i++ {
			}
			runtime.Gosched()
		}
	}()
	seed := uint64(0x7700000000)
	expect5 = seed + 5
	msg := ""
	// Four rounds at least, and on until a handler has seen hold's state
	// (not only Go's between rounds): on one hart the sender may get its
	// first turn only after a few, the time slices decide.
	for round := 0; msg == "" && (round < 4 || atomic.LoadUint64(&good) == 0 && round < 400); round++ {
		msg = hold(seed, 5000000)
	}
	atomic.StoreInt32(&done, 1)
	if msg != "" {
		fmt.Println("after signals:", msg)
	}
	fmt.Println("vector registers kept over signal handlers:", msg == "")
	fmt.Println("handlers ran:", atomic.LoadUint64(&handled) > 0)
	fmt.Println("V records with the interrupted state:", atomic.LoadUint64(&good) > 0)

	// prctl: V stays on under a thread that used it.
	_, e = prctl(prSetControl, 1)
	fmt.Println("PR_RISCV_V_SET_CONTROL off after use:", e)
	_, e = prctl(prSetControl, 0x20)
	fmt.Println("PR_RISCV_V_SET_CONTROL bad bits:", e)
	_, e = prctl(prSetControl, 2|2<<2)
	r, _ = prctl(prGetControl, 0)
	fmt.Println("PR_RISCV_V_SET_CONTROL on, next on:", e == 0, r)
}
