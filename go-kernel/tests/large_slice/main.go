// large_slice: a 512 MiB slice is allocated (demand-zero pages) and every
// page of it is touched, in a machine with 1 GiB of RAM.
package main

import "fmt"

const (
	size = 512 << 20
	page = 4096
)

func main() {
	buf := make([]byte, size)
	zero := true
	for i := 0; i < size; i += page {
		if buf[i] != 0 || buf[i+page-1] != 0 {
			zero = false
		}
		buf[i] = byte(i / page)
		buf[i+page-1] = 1
	}
	var sum uint64
	for i := 0; i < size; i += page {
		sum += uint64(buf[i]) + uint64(buf[i+page-1])
	}
	fmt.Println("pages:", size/page)
	fmt.Println("fresh memory was zero:", zero)
	fmt.Println("sum:", sum)
}
