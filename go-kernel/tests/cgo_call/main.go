// cgo_call: a statically linked cgo program (glibc's static startup under
// goose): Go calls C functions, C prints with stdio, and C calls back into
// an exported Go function on the same thread.
package main

/*
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern int goSquare(int);

static int add(int a, int b) { return a + b; }
static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static void cprint(const char *s) { printf("C prints: %s\n", s); fflush(stdout); }
static int sumSquares(int n) {
	int s = 0;
	for (int i = 1; i <= n; i++)
		s += goSquare(i);
	return s;
}
static char *cdup(const char *s) {
	char *p = malloc(strlen(s) + 3);
	strcpy(p, "<");
	strcat(p, s);
	strcat(p, ">");
	return p;
}
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"
)

//export goSquare
func goSquare(x C.int) C.int { return x * x }

func main() {
	fmt.Println("add(2, 3) =", C.add(2, 3))
	fmt.Println("fib(25) =", C.fib(25))
	cs := C.CString("hello from Go")
	C.cprint(cs)
	d := C.cdup(cs)
	fmt.Println("cdup:", C.GoString(d))
	C.free(unsafe.Pointer(d))
	C.free(unsafe.Pointer(cs))
	fmt.Println("sumSquares(10) via Go callback =", C.sumSquares(10))
	fmt.Println("getpid =", C.getpid() == C.int(os.Getpid()))
}
