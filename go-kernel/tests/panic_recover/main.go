// panic_recover: run-time faults become Go panics that recover() catches:
// a nil pointer dereference (a page fault turned into SIGSEGV), a write to a
// nil map, an out-of-range index, a division by zero, a failed type assertion.
package main

import (
	"errors"
	"fmt"
	"runtime"
)

type point struct{ x, y int }

var (
	nilPoint *point
	nilMap   map[string]int
	zero     = 0
	small    = []int{1, 2, 3}
	index    = 5
)

var iface interface{} = "a string"

func try(name string, f func()) {
	defer func() {
		r := recover()
		err, isErr := r.(error)
		var rerr runtime.Error
		fmt.Printf("%s: recovered %q (runtime.Error: %v)\n", name, fmt.Sprint(r),
			isErr && errors.As(err, &rerr))
	}()
	f()
}

func main() {
	try("nil pointer read", func() { fmt.Println(nilPoint.y) })
	try("nil pointer write", func() { nilPoint.x = 1 })
	try("nil map write", func() { nilMap["k"] = 1 })
	try("index out of range", func() { fmt.Println(small[index]) })
	try("divide by zero", func() { fmt.Println(10 / zero) })
	try("type assertion", func() { fmt.Println(iface.(int)) })
	try("custom panic", func() { panic(errors.New("custom error")) })

	// The program carries on normally after all of that.
	m := map[string]int{}
	m["ok"] = 1
	fmt.Println("still running:", m["ok"] == 1)
}
