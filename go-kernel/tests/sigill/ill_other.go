//go:build !riscv64

package main

// illegal exists on riscv64 only; elsewhere (host builds of the module) it
// only has to compile.
func illegal() { panic("sigill: riscv64 only") }
