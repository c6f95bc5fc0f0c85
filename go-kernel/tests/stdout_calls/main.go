// stdout_calls: every way a program writes to its standard output reaches
// it once, whole, in order: write, writev, sendfile from a file (goose's
// console takes bytes from its own bounce buffer there, not the program's),
// and pwrite, which a console or pipe refuses with ESPIPE. Under goose
// stdout is the console; under the reference, the driver's pipe.
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {
	os.Stdout.WriteString("1: write\n")

	// writev: three pieces, one line.
	parts := [][]byte{[]byte("2: "), []byte("write"), []byte("v\n")}
	iov := make([]syscall.Iovec, len(parts))
	for i, p := range parts {
		iov[i].Base = &p[0]
		iov[i].SetLen(len(p))
	}
	n, _, e := syscall.Syscall(syscall.SYS_WRITEV, 1, uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	fmt.Println("writev:", n, e == 0)

	// sendfile from a file, with and without an offset, larger than any
	// one bounce buffer.
	f, err := os.CreateTemp("", "stdout_calls")
	if err != nil {
		fmt.Println("CreateTemp:", err)
		return
	}
	body := []byte("3: sendfile\n")
	for i := 0; i < 5000; i++ {
		body = append(body, "0123456789abcdefghij"[i%20])
		if i%70 == 69 {
			body = append(body, '\n')
		}
	}
	f.Write(body)
	f.Seek(0, 0)
	m, err := syscall.Sendfile(1, int(f.Fd()), nil, len(body))
	fmt.Println("sendfile:", m == len(body), err)
	pos, _ := f.Seek(0, 1)
	fmt.Println("file offset moved by:", pos)
	off := int64(3)
	m, err = syscall.Sendfile(1, int(f.Fd()), &off, 9)
	fmt.Println("\nsendfile at offset 3:", m, err, "offset now", off)

	_, err = syscall.Pwrite(1, []byte("never\n"), 0)
	fmt.Println("pwrite:", err)
	fmt.Println("4: done")
}
