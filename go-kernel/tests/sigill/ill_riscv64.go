package main

// illegal runs the all-zero word (ill_riscv64.s).
func illegal()
