// Command stdin_bulk reads a large standard input to its end in one go and
// checks every byte against the pattern that made it (input.txt): the
// console's receive path under a burst, where bytes lost, doubled or
// overwritten show as the first offset that differs.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

func want() []byte {
	var b bytes.Buffer
	const alnum = "0123456789abcdefghijklmnopqrstuvwxyz"
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&b, "%05d %s\n", i, alnum[:(i*7)%37])
	}
	return b.Bytes()
}

func main() {
	got, err := io.ReadAll(os.Stdin)
	fmt.Println("read error:", err)
	w := want()
	fmt.Println("bytes:", len(got), "want:", len(w))
	for i := 0; i < len(got) && i < len(w); i++ {
		if got[i] != w[i] {
			end := i + 40
			if end > len(got) {
				end = len(got)
			}
			fmt.Printf("first difference at byte %d: %q\n", i, got[i:end])
			os.Exit(1)
		}
	}
	fmt.Println("every byte as sent:", len(got) == len(w))
}
