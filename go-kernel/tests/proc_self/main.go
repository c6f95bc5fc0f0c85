// proc_self: /proc/self/cmdline holds os.Args and /proc/self/environ the
// environment, each word ending in a NUL (fs/proc/base.c); the files
// monitoring libraries and os tests read without a size (stat says 0).
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
)

func words(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Println(path+":", err)
		os.Exit(1)
	}
	if len(b) > 0 && b[len(b)-1] != 0 {
		fmt.Println(path + ": the last word has no NUL")
	}
	return strings.Split(string(bytes.TrimSuffix(b, []byte{0})), "\x00")
}

func main() {
	cmd := words("/proc/self/cmdline")
	fmt.Println("cmdline has", len(cmd), "words; os.Args has", len(os.Args))
	same := len(cmd) == len(os.Args)
	for i := 1; same && i < len(cmd); i++ {
		same = cmd[i] == os.Args[i]
	}
	fmt.Println("cmdline after argv[0] is os.Args[1:]:", same)
	env := words("/proc/self/environ")
	found := false
	for _, e := range env {
		found = found || e == "PROC_TEST=hello world"
	}
	fmt.Println("environ has PROC_TEST:", found)
	b, err := os.ReadFile("/proc/sys/fs/pipe-max-size")
	fmt.Printf("pipe-max-size: %q %v\n", b, err)
}
