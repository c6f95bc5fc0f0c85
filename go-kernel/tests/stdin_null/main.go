// stdin_null: with goose.stdin=null, fd 0 is /dev/null (character device
// 1:3) rather than the console, as `< /dev/null` makes it on Linux: reads
// return end of file at once, writes to it are swallowed.
package main

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

func main() {
	var st syscall.Stat_t
	if err := syscall.Fstat(0, &st); err != nil {
		fmt.Println("fstat:", err)
		return
	}
	fmt.Printf("fd 0: char device %t, rdev %d:%d\n", st.Mode&syscall.S_IFMT == syscall.S_IFCHR,
		st.Rdev>>8&0xfff, st.Rdev&0xff)
	b, err := io.ReadAll(os.Stdin)
	fmt.Println("stdin bytes:", len(b), "error:", err)
}
