// sigill: an illegal instruction (all-zero word) in Go code becomes SIGILL
// with the faulting pc; Go's runtime reports it and exits 2. OpenSBI does
// not delegate illegal instructions, so this checks its redirect to goose.
package main

import "fmt"

func main() {
	fmt.Println("about to run an illegal instruction")
	illegal()
	fmt.Println("survived: wrong")
}
