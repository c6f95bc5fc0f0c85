// stdin_eof: reading standard input to the end terminates. The test driver
// gives the reference /dev/null; under goose fd 0 is the console, and the
// driver's empty input reaches it as ^D (ci/qemu.py sends one when its
// piped input ends), which goose's console reads as end of input. So
// io.ReadAll sees EOF at once on both sides, and a read after it is EOF
// again. stdin_null checks goose.stdin=null; stdin_lines checks input that
// arrives over the console.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	b, err := io.ReadAll(os.Stdin)
	fmt.Println("stdin bytes:", len(b))
	fmt.Println("error:", err)
	// A second read after EOF is EOF again.
	n, err := os.Stdin.Read(make([]byte, 16))
	fmt.Println("read again:", n, err)
}
