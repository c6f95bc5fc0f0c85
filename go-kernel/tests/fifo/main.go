// Named pipes (FIFOs): mkfifo, opens that wait for the other side, data,
// end of file, O_NONBLOCK opens, stat, and mknod of a regular file.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

func check(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	dir, err := os.MkdirTemp("", "fifo")
	check("mkdtemp", err)
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "f")
	check("mkfifo", syscall.Mkfifo(name, 0600))
	fi, err := os.Stat(name)
	check("stat", err)
	fmt.Println("named pipe:", fi.Mode()&os.ModeNamedPipe != 0, "perm:", fi.Mode().Perm())
	fmt.Println("mkfifo again: EEXIST:", errors.Is(syscall.Mkfifo(name, 0600), syscall.EEXIST))

	// A reader's open waits for a writer.
	opened := make(chan *os.File)
	start := time.Now()
	go func() {
		r, err := os.Open(name)
		check("open for reading", err)
		opened <- r
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case <-opened:
		fmt.Println("reader open returned before any writer")
		os.Exit(1)
	default:
		fmt.Println("reader open waits for a writer: true")
	}
	w, err := os.OpenFile(name, os.O_WRONLY, 0)
	check("open for writing", err)
	r := <-opened
	fmt.Println("both open, waited >= 50ms:", time.Since(start) >= 50*time.Millisecond)
	st, err := r.Stat()
	check("fstat", err)
	fmt.Println("fstat names the fifo:", os.SameFile(st, fi))

	_, err = w.Write([]byte("through the fifo"))
	check("write", err)
	buf := make([]byte, 64)
	n, err := r.Read(buf)
	check("read", err)
	fmt.Printf("read %q\n", buf[:n])
	w.Close()
	n, err = r.Read(buf)
	fmt.Println("after the writer closed:", n, err == io.EOF)
	r.Close()

	// A writer's open waits for a reader; 200 KiB go through in order.
	go func() {
		w, err := os.OpenFile(name, os.O_WRONLY, 0)
		check("open for writing", err)
		b := make([]byte, 200*1024)
		for i := range b {
			b[i] = byte(i % 251)
		}
		_, err = w.Write(b)
		check("big write", err)
		w.Close()
	}()
	r, err = os.Open(name)
	check("open for reading", err)
	all, err := io.ReadAll(r)
	check("read all", err)
	ok := len(all) == 200*1024
	for i := range all {
		ok = ok && all[i] == byte(i%251)
	}
	fmt.Println("200 KiB in order, then EOF:", ok)
	r.Close()

	// O_NONBLOCK: a reader opens at once; a writer with no reader is ENXIO.
	_, err = os.OpenFile(name, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	fmt.Println("non-blocking writer, no reader: ENXIO:", errors.Is(err, syscall.ENXIO))
	r, err = os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	check("non-blocking open for reading", err)
	fmt.Println("non-blocking reader opens at once: true")
	w, err = os.OpenFile(name, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	check("non-blocking open for writing", err)
	fmt.Println("non-blocking writer with a reader: opens")
	w.Write([]byte("x"))
	n, err = r.Read(buf)
	fmt.Printf("read %q %v\n", buf[:n], err)
	w.Close()
	r.Close()

	// O_RDWR never waits.
	rw, err := os.OpenFile(name, os.O_RDWR, 0)
	check("open read-write", err)
	rw.Write([]byte("self"))
	n, _ = rw.Read(buf)
	fmt.Printf("read-write end reads its own %q\n", buf[:n])
	rw.Close()

	// mknod makes regular files too; device nodes are not tested (root may).
	reg := filepath.Join(dir, "reg")
	check("mknod regular", syscall.Mknod(reg, syscall.S_IFREG|0644, 0))
	fi, err = os.Stat(reg)
	check("stat regular", err)
	fmt.Println("mknod S_IFREG:", fi.Mode().IsRegular(), fi.Size())
	fmt.Println("done")
}
