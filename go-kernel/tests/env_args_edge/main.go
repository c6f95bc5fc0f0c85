// env_args_edge: boot-argument words with spaces, quotes, an empty word, a
// second "--", "=" signs and non-ASCII letters arrive in os.Args and
// os.Environ exactly as the shell-style words in test.conf (ci/gotest.py
// quotes each word with "..." or '...' for goose's command line). Only the
// first "--" separates the environment from the arguments.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	fmt.Println("argv[0] non-empty:", len(os.Args) > 0 && os.Args[0] != "")
	fmt.Println("len(os.Args[1:]):", len(os.Args)-1)
	for i := 1; i < len(os.Args); i++ {
		fmt.Printf("os.Args[%d] = %q\n", i, os.Args[i])
	}

	var goose []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GOOSE_") {
			goose = append(goose, kv)
		}
	}
	sort.Strings(goose)
	fmt.Println("GOOSE_ variables:", len(goose))
	for _, kv := range goose {
		fmt.Printf("env %q\n", kv)
	}
	v, ok := os.LookupEnv("GOOSE_EMPTY")
	fmt.Printf("GOOSE_EMPTY present: %v, value %q\n", ok, v)
	_, ok = os.LookupEnv("GOOSE_UNSET")
	fmt.Println("GOOSE_UNSET present:", ok)
	fmt.Printf("GOOSE_EQ=%q\n", os.Getenv("GOOSE_EQ"))
	fmt.Printf("OTHER=%q\n", os.Getenv("OTHER"))
}
