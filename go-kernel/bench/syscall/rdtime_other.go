//go:build !riscv64

package main

// rdtimeLoop needs riscv64's rdtime; elsewhere (host builds of the module)
// it only has to compile.
func rdtimeLoop(n int) uint64 { panic("rdtimeLoop: riscv64 only") }
