// sigtrap: the program's own ebreak (runtime.Breakpoint) is a breakpoint,
// not a system call: goose tells it from the ebreaks it wrote over the
// program's ecalls, and it becomes SIGTRAP (si_code TRAP_BRKPT), which Go's
// runtime reports before it exits 2. System calls made before and after the
// check still work, so a wrong answer either way would show.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Println("pid is 1 or more:", os.Getpid() >= 1)
	fmt.Println("about to hit a breakpoint")
	runtime.Breakpoint()
	fmt.Println("survived: wrong")
}
