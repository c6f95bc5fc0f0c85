// Command vector measures the Go runtime's byte routines that have RISC-V
// vector versions (internal/bytealg, Go 1.26 and later, when riscv_hwprobe
// reports V): bytes.IndexByte, bytes.Equal and copy (memmove), in MiB/s
// over a 64 KiB buffer. make bench runs it with V on and with goose.vector=0.
package main

import (
	"bytes"
	"runtime"

	"goose/go-kernel/bench/internal/benchutil"
)

const size = 64 << 10

func mibs(nsPerOp float64) float64 {
	return float64(size) / (1 << 20) / (nsPerOp / 1e9)
}

func main() {
	benchutil.Start()
	a, b := make([]byte, size), make([]byte, size)
	a[size-1] = 1
	copy(b, a)
	sink := 0

	ns, _ := benchutil.NsPerOp(func(n int) {
		for i := 0; i < n; i++ {
			sink += bytes.IndexByte(a, 1)
		}
	})
	benchutil.Result("indexbyte", mibs(ns), "MiB/s")
	ns, _ = benchutil.NsPerOp(func(n int) {
		for i := 0; i < n; i++ {
			if bytes.Equal(a, b) {
				sink++
			}
		}
	})
	benchutil.Result("equal", mibs(ns), "MiB/s")
	ns, _ = benchutil.NsPerOp(func(n int) {
		for i := 0; i < n; i++ {
			sink += copy(b, a)
		}
	})
	benchutil.Result("memmove", mibs(ns), "MiB/s")
	runtime.KeepAlive(sink)
}
