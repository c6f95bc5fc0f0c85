#include "textflag.h"

// func rdtimeLoop(n int) uint64: reads the time CSR n times (rdtime, what
// goose's vDSO does once per clock_gettime) and returns the last value.
TEXT ·rdtimeLoop(SB), NOSPLIT, $0-16
	MOV	n+0(FP), X6
	MOV	$0, X5
loop:
	BEQZ	X6, done
	RDTIME	X5
	ADD	$-1, X6
	JMP	loop
done:
	MOV	X5, ret+8(FP)
	RET
