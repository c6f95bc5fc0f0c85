// args: the words after "--" in the boot arguments arrive as os.Args[1:].
package main

import (
	"fmt"
	"os"
)

func main() {
	args := os.Args[1:]
	fmt.Printf("len(os.Args[1:]) = %d\n", len(args))
	for i, a := range args {
		fmt.Printf("os.Args[%d] = %q\n", i+1, a)
	}
}
