// stdin_eof: reading standard input to the end terminates. Under Linux the
// test driver gives the program /dev/null, so io.ReadAll sees EOF at once;
// goose must likewise report end of input on fd 0 when the console has no
// input for the program, rather than block forever.
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
