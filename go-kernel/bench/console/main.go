// Command console writes -mib MiB (4) of text to stdout with os.Stdout.Write
// in 64 KiB chunks (128-byte lines of printable ASCII) and reports MiB/s.
// Under goose the bytes go out of the UART; under Linux wherever stdout points
// (ci/bench.py gives both a pipe it drains).
package main

import (
	"flag"
	"os"
	"time"

	"goose/go-kernel/bench/internal/benchutil"
)

var mib = flag.Int("mib", 4, "MiB to write")

func main() {
	benchutil.Start()
	buf := make([]byte, 64<<10)
	for i := range buf {
		if i%128 == 127 {
			buf[i] = '\n'
		} else {
			buf[i] = byte('!' + (i*7)%94)
		}
	}
	chunks := (*mib << 20) / len(buf)
	d := benchutil.Timed(func() {
		for i := 0; i < chunks; i++ {
			if _, err := os.Stdout.Write(buf); err != nil {
				panic(err)
			}
		}
	})
	secs := float64(d) / float64(time.Second)
	benchutil.Result("console_write", float64(chunks*len(buf))/(1<<20)/secs, "MiB/s")
}
