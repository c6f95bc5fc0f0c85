// futex: the futex(2) calls the Go runtime builds its locks and sleeps on,
// made directly, with the results Linux gives (kernel/futex/waitwake.c):
// FUTEX_WAIT returns EAGAIN at once when the word no longer holds the value
// (the check that makes a wake-up between the caller's load and its sleep
// impossible to lose), ETIMEDOUT after its timeout, and 0 when woken;
// FUTEX_WAKE returns how many waiters it woke, and only waiters on its own
// word (65 words at once: more than goose's hash buckets, so some share
// one); the BITSET variants wake only waiters whose bits overlap;
// FUTEX_CMP_REQUEUE moves waiters to another word, where a wake finds them;
// an untimed wait survives a handled signal.
// Every wait but that one has a timeout, and it is woken by the test, so a
// broken goose prints a wrong line instead of hanging.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

const (
	futexWait       = 0
	futexWake       = 1
	futexCmpRequeue = 4
	futexWaitBitset = 9
	futexWakeBitset = 10
	futexPrivate    = 128
)

var enames = map[syscall.Errno]string{syscall.EAGAIN: "EAGAIN", syscall.ETIMEDOUT: "ETIMEDOUT",
	syscall.EINVAL: "EINVAL", syscall.EINTR: "EINTR", syscall.EFAULT: "EFAULT"}

func futex(addr *uint32, op, val uintptr, ts *syscall.Timespec, bitset uintptr) (int, string) {
	r, _, e := syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), op|futexPrivate, val,
		uintptr(unsafe.Pointer(ts)), 0, bitset)
	if e != 0 {
		if n, ok := enames[e]; ok {
			return -1, n
		}
		return -1, e.Error()
	}
	return int(r), "ok"
}

func ms(n int64) *syscall.Timespec {
	t := syscall.NsecToTimespec(n * int64(time.Millisecond))
	return &t
}

// timeout is FUTEX_WAIT's relative timeout, or FUTEX_WAIT_BITSET's absolute
// CLOCK_MONOTONIC deadline that many milliseconds from now.
func timeout(op uintptr, n int64) *syscall.Timespec {
	if op != futexWaitBitset {
		return ms(n)
	}
	var now syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1 /* CLOCK_MONOTONIC */, uintptr(unsafe.Pointer(&now)), 0)
	t := syscall.NsecToTimespec(now.Nano() + n*int64(time.Millisecond))
	return &t
}

// waiter waits on word in a thread of its own, for at most ms milliseconds,
// and reports what the call returned once it returns.
func waiter(word *uint32, op, val, bitset uintptr, ms int64, started *int32, done chan string) {
	runtime.LockOSThread()
	atomic.AddInt32(started, 1)
	_, r := futex(word, op, val, timeout(op, ms), bitset)
	// A timed wait that a signal interrupts fails with EINTR, on Linux too
	// (a preemption signal sent just before the call, on a loaded machine).
	for r == "EINTR" {
		_, r = futex(word, op, val, timeout(op, ms), bitset)
	}
	done <- r
}

// requeueUntil moves waiters from word to word2 (FUTEX_CMP_REQUEUE, waking
// none, the word holding val) until n have moved, at most for two seconds.
func requeueUntil(word, word2 *uint32, val uint32, n int) int {
	moved := 0
	for deadline := time.Now().Add(2 * time.Second); moved < n && time.Now().Before(deadline); {
		r, _, _ := syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(word)), futexCmpRequeue|futexPrivate, 0,
			uintptr(n-moved), uintptr(unsafe.Pointer(word2)), uintptr(val))
		moved += int(r)
		time.Sleep(time.Millisecond)
	}
	return moved
}

// manyWords puts one waiter on each of n words and wakes them one word at a
// time in a scrambled order: each wake must end its own word's waiter and
// no other. Whether all did.
func manyWords(n int) bool {
	words := make([]uint32, n)
	var started int32
	done := make(chan int, n)
	for i := range words {
		words[i] = 7
		go func(i int) {
			runtime.LockOSThread()
			atomic.AddInt32(&started, 1)
			for {
				if _, r := futex(&words[i], futexWait, 7, ms(5000), 0); r != "EINTR" {
					break
				}
			}
			done <- i
		}(i)
	}
	for atomic.LoadInt32(&started) < int32(n) {
		time.Sleep(time.Millisecond)
	}
	ok := true
	for k := 0; k < n; k++ {
		i := k * 37 % n
		if wakeUntil(&words[i], futexWake, 0, 1) != 1 {
			ok = false
		}
		select {
		case j := <-done:
			ok = ok && j == i
		case <-time.After(2 * time.Second):
			ok = false
		}
	}
	return ok
}

// wakeUntil wakes word until n waiters have been woken (a waiter may not be
// asleep yet when the first wake comes), at most for two seconds.
func wakeUntil(word *uint32, op, bitset uintptr, n int) int {
	woken := 0
	for deadline := time.Now().Add(2 * time.Second); woken < n && time.Now().Before(deadline); {
		k, _ := futex(word, op, 1, nil, bitset)
		woken += k
		time.Sleep(time.Millisecond)
	}
	return woken
}

func main() {
	var word uint32 = 7

	// The value check: the word is 7, the caller expects 8.
	start := time.Now()
	_, r := futex(&word, futexWait, 8, ms(2000), 0)
	fmt.Println("wait, word changed:", r, "returned before the timeout:", time.Since(start) < time.Second)
	_, r = futex(&word, futexWaitBitset, 8, nil, 1)
	fmt.Println("wait_bitset, word changed:", r)

	// A timeout with the value right.
	start = time.Now()
	_, r = futex(&word, futexWait, 7, ms(30), 0)
	fmt.Println("wait, nobody wakes:", r, "slept>=30ms:", time.Since(start) >= 30*time.Millisecond)

	// Nobody waits: wake wakes nobody.
	n, r := futex(&word, futexWake, 10, nil, 0)
	fmt.Println("wake, no waiter:", n, r)

	// One waiter, woken.
	var started int32
	done := make(chan string, 4)
	go waiter(&word, futexWait, 7, 0, 5000, &started, done)
	fmt.Println("wake one waiter, woken:", wakeUntil(&word, futexWake, 0, 1), "its wait returned:", <-done)

	// Bitsets: a waiter on bit 1 is not woken by a wake of bit 2, is by bit 1.
	go waiter(&word, futexWaitBitset, 7, 1, 5000, &started, done)
	for atomic.LoadInt32(&started) < 2 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	n, _ = futex(&word, futexWakeBitset, 1, nil, 2)
	fmt.Println("wake_bitset of other bits woke:", n)
	fmt.Println("wake_bitset of its bit, woken:", wakeUntil(&word, futexWakeBitset, 1, 1), "its wait returned:", <-done)

	// Three waiters, one wake for all.
	for i := 0; i < 3; i++ {
		go waiter(&word, futexWait, 7, 0, 5000, &started, done)
	}
	for atomic.LoadInt32(&started) < 5 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	woken := wakeUntil(&word, futexWake, 0, 3)
	fmt.Println("wake three waiters at once, woken:", woken, "their waits returned:", <-done, <-done, <-done)

	// A wake of 0 or of -1 (as an int) wakes one, as Linux's loop stops only
	// after a wake: two waiters, each such wake ends one.
	for i := 0; i < 2; i++ {
		go waiter(&word, futexWait, 7, 0, 5000, &started, done)
	}
	for atomic.LoadInt32(&started) < 7 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	n0, _ := futex(&word, futexWake, 0, nil, 0)
	nNeg, _ := futex(&word, futexWake, 0xffffffff, nil, 0)
	fmt.Println("wake of 0 woke:", n0, "wake of -1 woke:", nNeg, "their waits returned:", <-done, <-done)

	// Waiters on many words, some sharing a hash bucket.
	fmt.Println("65 words, each wake ended its own word's waiter:", manyWords(65))

	// Three waiters requeued to another word: a wake of the first finds
	// none, a wake of the second all three.
	var word2 uint32
	for i := 0; i < 3; i++ {
		go waiter(&word, futexWait, 7, 0, 5000, &started, done)
	}
	fmt.Println("cmp_requeue moved:", requeueUntil(&word, &word2, 7, 3))
	n, _ = futex(&word, futexWake, 3, nil, 0)
	fmt.Println("wake of the old word woke:", n)
	fmt.Println("wake of the new word, woken:", wakeUntil(&word2, futexWake, 0, 3), "their waits returned:", <-done, <-done,
		<-done)

	// A word in a page never touched reads 0 (the wait faults it in), and
	// one the program may not read is EFAULT.
	fresh, err := syscall.Mmap(-1, 0, 3*4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		fmt.Println("mmap:", err)
		os.Exit(1)
	}
	_, r = futex((*uint32)(unsafe.Pointer(&fresh[4096+8])), futexWait, 1, ms(1000), 0)
	fmt.Println("wait on an untouched page, word not 1:", r)
	_, r = futex((*uint32)(unsafe.Pointer(&fresh[2*4096+8])), futexWait, 0, ms(20), 0)
	fmt.Println("wait on an untouched page, word 0:", r)
	if err := syscall.Mprotect(fresh[:4096], syscall.PROT_NONE); err != nil {
		fmt.Println("mprotect:", err)
		os.Exit(1)
	}
	_, r = futex((*uint32)(unsafe.Pointer(&fresh[8])), futexWait, 0, ms(20), 0)
	fmt.Println("wait on a PROT_NONE page:", r)

	// A bad op and a zero bitset, as Linux refuses them.
	_, r = futex(&word, 99, 0, nil, 0)
	fmt.Println("unknown op:", r)
	_, r = futex(&word, futexWaitBitset, 7, nil, 0)
	fmt.Println("wait_bitset with bitset 0:", r)

	// An untimed wait that a handled signal interrupts runs again (Go's
	// handlers have SA_RESTART; signal(7) lists FUTEX_WAIT): only the wake
	// ends it.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGUSR1)
	tids := make(chan int)
	go func() {
		runtime.LockOSThread()
		tids <- syscall.Gettid()
		_, r := futex(&word, futexWait, 7, nil, 0)
		done <- r
	}()
	tid := <-tids
	time.Sleep(20 * time.Millisecond)
	syscall.Tgkill(syscall.Getpid(), tid, syscall.SIGUSR1)
	select {
	case r := <-done:
		fmt.Println("untimed wait, a handled signal: returned", r)
	case <-time.After(100 * time.Millisecond):
		fmt.Println("untimed wait, a handled signal: still waiting")
		fmt.Println("then woken:", wakeUntil(&word, futexWake, 0, 1), "its wait returned:", <-done)
	}
}
