// Package benchutil is what the goose benchmark programs share: timing loops
// that size themselves, and the result lines ci/bench.py reads.
//
// Every result is one line on stdout:
//
//	bench <name> <value> <unit>
//
// and facts about the run (CPUs seen, Go version) are lines
//
//	bench-info <key> <value>
//
// The programs time themselves with time.Now, so the same ELF gives numbers
// under goose and under qemu-riscv64 that mean the same thing.
package benchutil

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

// Target is how long each timed loop should run (-target=200ms).
var Target = flag.Duration("target", 100*time.Millisecond, "time each measurement loop runs for")

// Start parses the flags and prints the facts every program reports.
func Start() {
	flag.Parse()
	Info("go", runtime.Version())
	Info("numcpu", runtime.NumCPU())
	Info("gomaxprocs", runtime.GOMAXPROCS(0))
}

// Info prints one "bench-info key value" line.
func Info(key string, value interface{}) {
	fmt.Fprintf(os.Stdout, "bench-info %s %v\n", key, value)
}

// Result prints one "bench name value unit" line.
func Result(name string, value float64, unit string) {
	fmt.Fprintf(os.Stdout, "bench %s %.6g %s\n", name, value, unit)
}

// Runs is how many timed runs NsPerOp takes the best of (-runs=3).
var Runs = flag.Int("runs", 3, "timed runs of each loop; the fastest counts")

// NsPerOp runs f(n), n growing as testing.B grows it, until one run takes at
// least *Target; then runs f(n) again until it has *Runs such runs, and
// returns the fastest one's time per operation in ns, and n. The shorter runs
// are the warm-up. The fastest run, not the mean, because the machine these
// run on is shared: other work only ever makes a run slower.
func NsPerOp(f func(n int)) (float64, int) {
	n := 1
	for {
		start := time.Now()
		f(n)
		d := time.Since(start)
		if d >= *Target || n >= 1<<40 {
			for i := 1; i < *Runs; i++ {
				start = time.Now()
				f(n)
				if e := time.Since(start); e < d {
					d = e
				}
			}
			return float64(d.Nanoseconds()) / float64(n), n
		}
		// Aim 20% past the target, grow at most 100x and at least by one.
		next := int64(n) * 100
		if d > 0 {
			next = int64(float64(n) * 1.2 * float64(*Target) / float64(d))
		}
		if next > int64(n)*100 {
			next = int64(n) * 100
		}
		if next <= int64(n) {
			next = int64(n) + 1
		}
		n = int(next)
	}
}

// Timed runs f once and returns its wall time.
func Timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
