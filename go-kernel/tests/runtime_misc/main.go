// runtime_misc: the runtime's view of the machine and its synchronisation
// primitives. NumCPU comes from sched_getaffinity (goose must report every
// hart it runs Go on) and GOMAXPROCS defaults to it; the garbage collector
// and MemStats work; a goroutine locked to its OS thread stays on one thread
// (gettid does not change); sync.Cond, Once, Pool, atomics and a WaitGroup
// behave under 64 to 10,000 goroutines (futex wait/wake across harts);
// getpid, uname (os.Hostname) and getcwd succeed.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// settle waits until NumGoroutine drops to want (exited goroutines are
// counted until they are really gone).
func settle(want int) int {
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	return runtime.NumGoroutine()
}

func main() {
	ncpu := runtime.NumCPU()
	fmt.Println("NumCPU>=1:", ncpu >= 1)
	fmt.Println("GOMAXPROCS(0)==NumCPU:", runtime.GOMAXPROCS(0) == ncpu)
	fmt.Println("GOOS/GOARCH:", runtime.GOOS+"/"+runtime.GOARCH)

	// NumGoroutine counts user goroutines only.
	fmt.Println("NumGoroutine at start:", runtime.NumGoroutine())
	block := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-block
		}()
	}
	fmt.Println("NumGoroutine with 10 blocked:", runtime.NumGoroutine())
	close(block)
	wg.Wait()
	fmt.Println("NumGoroutine after they exit:", settle(1))

	// GC and MemStats.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.NumGC
	garbage := make([][]byte, 0, 1000)
	for i := 0; i < 1000; i++ {
		garbage = append(garbage, make([]byte, 10000))
	}
	runtime.ReadMemStats(&ms)
	fmt.Println("HeapAlloc>=10MB while held:", ms.HeapAlloc >= 10000000)
	garbage = nil
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Println("NumGC increased:", ms.NumGC > before)
	fmt.Println("HeapAlloc<10MB after GC:", ms.HeapAlloc < 10000000)
	fmt.Println("Sys>=HeapSys:", ms.Sys >= ms.HeapSys, "HeapSys>=HeapInuse:", ms.HeapSys >= ms.HeapInuse)
	fmt.Println("Mallocs>=Frees:", ms.Mallocs >= ms.Frees, "TotalAlloc>=10MB:", ms.TotalAlloc >= 10000000)
	fmt.Println("LastGC recent:", time.Since(time.Unix(0, int64(ms.LastGC))) < time.Minute)
	fmt.Println("SetGCPercent(50) returned:", debug.SetGCPercent(50))
	fmt.Println("SetGCPercent(-1) returned:", debug.SetGCPercent(-1))
	fmt.Println("SetGCPercent(100) returned:", debug.SetGCPercent(100))

	// A goroutine locked to its thread keeps the same thread id while it
	// sleeps, yields and allocates; unlocked, it carries on fine.
	res := make(chan string)
	go func() {
		runtime.LockOSThread()
		tid := syscall.Gettid()
		same := true
		x := 0
		for i := 0; i < 50; i++ {
			runtime.Gosched()
			if i%10 == 0 {
				time.Sleep(time.Millisecond)
			}
			b := make([]byte, 1000)
			x += len(b)
			same = same && syscall.Gettid() == tid
		}
		runtime.UnlockOSThread()
		res <- fmt.Sprintf("locked goroutine kept tid: %v, work: %d", same, x)
	}()
	fmt.Println(<-res)
	fmt.Println("main thread tid==pid:", mainTid == syscall.Getpid())

	// sync.Cond: 64 waiters, one Broadcast.
	var (
		mu    sync.Mutex
		cond  = sync.NewCond(&mu)
		ready bool
		woken int32
	)
	var waiting sync.WaitGroup
	wg.Add(64)
	waiting.Add(64)
	for i := 0; i < 64; i++ {
		go func() {
			defer wg.Done()
			mu.Lock()
			waiting.Done()
			for !ready {
				cond.Wait()
			}
			mu.Unlock()
			atomic.AddInt32(&woken, 1)
		}()
	}
	waiting.Wait()
	mu.Lock()
	ready = true
	cond.Broadcast()
	mu.Unlock()
	wg.Wait()
	fmt.Println("sync.Cond woke:", atomic.LoadInt32(&woken))

	// sync.Once from 64 goroutines.
	var once sync.Once
	var onceRuns int32
	wg.Add(64)
	for i := 0; i < 64; i++ {
		go func() {
			defer wg.Done()
			once.Do(func() { atomic.AddInt32(&onceRuns, 1) })
		}()
	}
	wg.Wait()
	fmt.Println("sync.Once ran:", onceRuns)

	// sync.Pool hands out values; New fills in when it is empty.
	var made int32
	pool := sync.Pool{New: func() interface{} {
		atomic.AddInt32(&made, 1)
		return new([64]byte)
	}}
	wg.Add(64)
	for i := 0; i < 64; i++ {
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				b := pool.Get().(*[64]byte)
				b[0] = byte(i)
				pool.Put(b)
			}
		}(i)
	}
	wg.Wait()
	fmt.Println("sync.Pool: New ran at least once:", made >= 1, "fewer than Gets:", made < 6400)

	// Atomic counters hammered by 64 goroutines.
	var c32 int32
	var c64 int64
	var cas uint64
	wg.Add(64)
	for i := 0; i < 64; i++ {
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				atomic.AddInt32(&c32, 1)
				atomic.AddInt64(&c64, 2)
				for {
					old := atomic.LoadUint64(&cas)
					if atomic.CompareAndSwapUint64(&cas, old, old+3) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println("atomics:", c32, c64, cas)
	var typed atomic.Int64
	typed.Store(40)
	typed.Add(2)
	fmt.Println("atomic.Int64:", typed.Load())

	// A WaitGroup over 10,000 goroutines.
	var sum int64
	wg.Add(10000)
	for i := 1; i <= 10000; i++ {
		go func(i int) {
			defer wg.Done()
			atomic.AddInt64(&sum, int64(i))
		}(i)
	}
	wg.Wait()
	fmt.Println("10000 goroutines, sum:", sum)
	fmt.Println("NumGoroutine after all done:", settle(1))

	// Process facts.
	fmt.Println("Getpid()>0:", os.Getpid() > 0)
	h, err := os.Hostname()
	fmt.Println("hostname ok:", err == nil && h != "")
	wd, err := os.Getwd()
	fmt.Println("Getwd ok:", err == nil && len(wd) > 0 && wd[0] == '/')
	fmt.Println("PageSize:", os.Getpagesize())
}

// mainTid is read during package initialisation, which runs on the
// process's first thread: its thread id equals the process id.
var mainTid = syscall.Gettid()
