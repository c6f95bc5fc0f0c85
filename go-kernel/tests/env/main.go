// env: KEY=value words before "--" in the boot arguments become the
// program's environment.
package main

import (
	"fmt"
	"os"
)

func main() {
	for _, k := range []string{"GOOSE_GREETING", "GOOSE_NUMBER"} {
		fmt.Printf("%s=%q\n", k, os.Getenv(k))
	}
	_, ok := os.LookupEnv("GOOSE_NOT_SET")
	fmt.Printf("GOOSE_NOT_SET present: %v\n", ok)
}
