// stdin_lines: a line-echo program. Under goose its standard input is the
// console: the driver pipes input.txt into `make run`, ci/qemu.py hands it to
// QEMU's UART once the firmware is done, then sends ^D. Every line must
// arrive whole and in order (none lost, none doubled, a read with no byte
// waiting must block rather than end the input), then EOF. The reference
// reads the same file as its stdin.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	lines, bytes := 0, 0
	for in.Scan() {
		lines++
		bytes += len(in.Text()) + 1
		fmt.Printf("echo %d: %s\n", lines, in.Text())
	}
	fmt.Println("scan error:", in.Err())
	fmt.Println("lines:", lines, "bytes:", bytes)
	n, err := os.Stdin.Read(make([]byte, 8))
	fmt.Println("read after EOF:", n, err)
}
