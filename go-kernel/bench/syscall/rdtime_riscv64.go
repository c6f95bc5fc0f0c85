package main

// rdtimeLoop reads the time CSR n times (rdtime_riscv64.s).
func rdtimeLoop(n int) uint64
