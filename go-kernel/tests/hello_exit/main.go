// hello_exit: the program's output reaches the console and its exit status
// (os.Exit(42)) becomes goose's (and QEMU's) exit status.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("hello, exiting with status 42")
	os.Exit(42)
}
