// env_runtime: environment variables from the command line reach Go's
// runtime as on Linux: GOMAXPROCS, GOGC and GODEBUG take effect.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
)

func main() {
	fmt.Println("GOMAXPROCS:", runtime.GOMAXPROCS(0))
	fmt.Println("GOGC was:", debug.SetGCPercent(100))
	fmt.Println("GODEBUG:", os.Getenv("GODEBUG"))
}
