// panic_unrecovered: an unrecovered panic prints the panic value and the
// goroutine traceback, and the program exits with status 2.
package main

import "fmt"

func main() {
	fmt.Println("about to panic")
	explode()
}

//go:noinline
func explode() {
	panic("boom")
}
