// devfiles: the character devices Go programs take for granted exist and
// behave: /dev/null swallows writes and reads as empty, /dev/zero reads as
// zeros, /dev/urandom and crypto/rand (getrandom) give fresh random bytes;
// stat says they are character devices; a missing path gives ENOENT, which
// Go maps to fs.ErrNotExist.
package main

import (
	"bytes"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

func must(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func main() {
	// /dev/null
	null, err := os.OpenFile("/dev/null", os.O_RDWR, 0)
	must("open /dev/null", err)
	n, err := null.Write(make([]byte, 100000))
	fmt.Println("/dev/null write:", n, err)
	buf := make([]byte, 10)
	n, err = null.Read(buf)
	fmt.Println("/dev/null read:", n, err, "is io.EOF:", err == io.EOF)
	all, err := io.ReadAll(null)
	fmt.Println("/dev/null ReadAll:", len(all), err)
	must("close", null.Close())
	err = os.WriteFile("/dev/null", []byte("discard me"), 0o666)
	fmt.Println("WriteFile /dev/null:", err)

	// /dev/zero
	zero, err := os.Open("/dev/zero")
	must("open /dev/zero", err)
	big := bytes.Repeat([]byte{0xff}, 1<<20)
	n, err = io.ReadFull(zero, big)
	fmt.Println("/dev/zero read 1 MiB:", n, err, "all zero:", allZero(big))
	must("close", zero.Close())

	// /dev/urandom: two reads, not zero, not the same.
	ur, err := os.Open("/dev/urandom")
	must("open /dev/urandom", err)
	a, b := make([]byte, 64), make([]byte, 64)
	_, err = io.ReadFull(ur, a)
	must("read /dev/urandom", err)
	_, err = io.ReadFull(ur, b)
	must("read /dev/urandom", err)
	fmt.Println("/dev/urandom not all zero:", !allZero(a) && !allZero(b), "reads differ:", !bytes.Equal(a, b))
	must("close", ur.Close())

	// crypto/rand (the getrandom system call).
	c1, c2 := make([]byte, 32), make([]byte, 32)
	_, err = crand.Read(c1)
	must("crypto/rand", err)
	_, err = crand.Read(c2)
	must("crypto/rand", err)
	fmt.Println("crypto/rand not all zero:", !allZero(c1), "reads differ:", !bytes.Equal(c1, c2))

	// stat: character devices, readable and writable by everyone.
	for _, name := range []string{"/dev/null", "/dev/zero", "/dev/urandom"} {
		st, err := os.Stat(name)
		must("stat", err)
		m := st.Mode()
		fmt.Printf("%s: char device: %v, device: %v, regular: %v, perm: %v\n", name,
			m&os.ModeCharDevice != 0, m&os.ModeDevice != 0, m.IsRegular(), m.Perm())
	}
	st, err := os.Stat("/dev")
	must("stat /dev", err)
	fmt.Println("/dev is a directory:", st.IsDir())

	// A missing file.
	_, err = os.Open("/dev/no-such-device")
	fmt.Println("open missing:", err)
	fmt.Println("errors.Is fs.ErrNotExist:", errors.Is(err, fs.ErrNotExist),
		"os.IsNotExist:", os.IsNotExist(err), "ENOENT:", errors.Is(err, syscall.ENOENT))
	_, err = os.Stat("/no/such/dir/file")
	fmt.Println("stat missing:", err, "not exist:", errors.Is(err, fs.ErrNotExist))
	_, err = os.ReadFile("/no-such-file")
	fmt.Println("ReadFile missing:", err, "not exist:", errors.Is(err, fs.ErrNotExist))
}
