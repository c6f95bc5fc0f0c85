// exit_codes: os.Exit(7) ends the program at once with status 7: output
// already written is kept, deferred calls do not run, other goroutines stop.
package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred: must not be printed")
	go func() {
		select {} // blocked forever; must not keep the program alive
	}()
	fmt.Println("exiting with status 7")
	os.Exit(7)
}
