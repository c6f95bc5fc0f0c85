// restart: every system call goose runs again after a wait (the second kind
// in goose's kernel/syscall.h: reads, writes, sendfile, a FIFO's open,
// accept, connect, send and receive, epoll_pwait) does its work exactly
// once. Each case starts the call in a thread of its own so that it blocks,
// then does what lets it go on, then checks what happened: the bytes moved
// once, the offset moved once, one connection taken, and a timeout that
// restarts do not stretch.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

const fionread = 0x541b

func queued(fd int) int {
	var n int32
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), fionread, uintptr(unsafe.Pointer(&n)))
	return int(n)
}

// inThread runs fn on a locked OS thread and returns its result through a channel.
func inThread(fn func() string) chan string {
	c := make(chan string, 1)
	go func() {
		runtime.LockOSThread()
		c <- fn()
	}()
	return c
}

// settle gives a call started in its own thread time to block.
func settle() { time.Sleep(40 * time.Millisecond) }

func pipe() (r, w int) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		panic(err)
	}
	return p[0], p[1]
}

// fill writes to w until the pipe has no room for one more byte.
func fill(w int) {
	syscall.SetNonblock(w, true)
	for _, size := range []int{4096, 1} {
		for {
			if _, err := syscall.Write(w, make([]byte, size)); err != nil {
				break
			}
		}
	}
	syscall.SetNonblock(w, false)
}

func main() {
	// read: blocks on an empty pipe, gets the bytes once.
	r, w := pipe()
	res := inThread(func() string {
		buf := make([]byte, 64)
		n, err := syscall.Read(r, buf)
		return fmt.Sprintf("%d %q %v", n, buf[:n], err)
	})
	settle()
	syscall.Write(w, []byte("hello"))
	fmt.Println("read:", <-res, "left in the pipe:", queued(r))

	// readv: the same through an iovec.
	res = inThread(func() string {
		a, b := make([]byte, 3), make([]byte, 8)
		iov := []syscall.Iovec{{Base: &a[0]}, {Base: &b[0]}}
		iov[0].SetLen(3)
		iov[1].SetLen(8)
		n, _, e := syscall.Syscall(syscall.SYS_READV, uintptr(r), uintptr(unsafe.Pointer(&iov[0])), 2)
		return fmt.Sprintf("%d %q %q %v", n, a, b[:int(n)-3], e == 0)
	})
	settle()
	syscall.Write(w, []byte("abcdefg"))
	fmt.Println("readv:", <-res, "left in the pipe:", queued(r))

	// write: blocks on a full pipe, writes its bytes once.
	fill(w)
	full := queued(r)
	res = inThread(func() string {
		n, err := syscall.Write(w, make([]byte, 100))
		return fmt.Sprintf("%d %v", n, err)
	})
	settle()
	syscall.Read(r, make([]byte, 4096))
	fmt.Println("write:", <-res, "queued:", queued(r) == full-4096+100)
	// writev: the same through an iovec.
	fill(w)
	res = inThread(func() string {
		a, b := make([]byte, 30), make([]byte, 70)
		iov := []syscall.Iovec{{Base: &a[0]}, {Base: &b[0]}}
		iov[0].SetLen(30)
		iov[1].SetLen(70)
		n, _, e := syscall.Syscall(syscall.SYS_WRITEV, uintptr(w), uintptr(unsafe.Pointer(&iov[0])), 2)
		return fmt.Sprintf("%d %v", n, e == 0)
	})
	settle()
	syscall.Read(r, make([]byte, 4096))
	fmt.Println("writev:", <-res, "queued:", queued(r) == full-4096+100)
	syscall.Close(r)
	syscall.Close(w)

	// sendfile: from a file into a full pipe; the file's offset moves once.
	dir, _ := os.MkdirTemp("", "restart")
	f, _ := os.Create(filepath.Join(dir, "src"))
	f.Write(make([]byte, 3000))
	f.Seek(0, 0)
	r, w = pipe()
	fill(w)
	full = queued(r)
	res = inThread(func() string {
		n, err := syscall.Sendfile(w, int(f.Fd()), nil, 3000)
		return fmt.Sprintf("%d %v", n, err)
	})
	settle()
	syscall.Read(r, make([]byte, 8192))
	got := <-res
	pos, _ := f.Seek(0, 1)
	fmt.Println("sendfile:", got, "file offset:", pos, "queued:", queued(r) == full-8192+3000)
	syscall.Close(r)
	syscall.Close(w)

	// A FIFO's open for reading waits for a writer; the reader is counted
	// once: once it closes, a non-blocking writer finds none (ENXIO).
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0600)
	res = inThread(func() string {
		fd, err := syscall.Open(fifo, syscall.O_RDONLY, 0)
		if err != nil {
			return err.Error()
		}
		buf := make([]byte, 8)
		n, _ := syscall.Read(fd, buf)
		m, _ := syscall.Read(fd, buf)
		syscall.Close(fd)
		return fmt.Sprintf("read %q then %d", buf[:n], m)
	})
	settle()
	wfd, err := syscall.Open(fifo, syscall.O_WRONLY, 0)
	fmt.Println("fifo writer open:", err)
	syscall.Write(wfd, []byte("x"))
	syscall.Close(wfd)
	fmt.Println("fifo reader:", <-res)
	_, err = syscall.Open(fifo, syscall.O_WRONLY|syscall.O_NONBLOCK, 0)
	fmt.Println("fifo writer with no reader left:", err)

	// epoll_pwait with a 150 ms timeout, while another pipe keeps changing
	// (each change makes the waiting call run again): the deadline holds.
	ep, _ := syscall.EpollCreate1(0)
	r, w = pipe()
	r2, w2 := pipe()
	syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, r, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(r)})
	stop := make(chan bool)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				syscall.Write(w2, []byte("."))
				syscall.Read(r2, make([]byte, 1))
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	start := time.Now()
	res = inThread(func() string {
		evs := make([]syscall.EpollEvent, 4)
		n, err := syscall.EpollWait(ep, evs, 150)
		// A preemption signal may end the wait early (epoll is never
		// restarted after a handler): wait out the rest.
		for err == syscall.EINTR {
			left := 150*time.Millisecond - time.Since(start)
			n, err = syscall.EpollWait(ep, evs, int(left/time.Millisecond)+1)
		}
		return fmt.Sprintf("%d %v", n, err)
	})
	got = <-res
	took := time.Since(start)
	close(stop)
	fmt.Println("epoll_pwait:", got, "took>=150ms:", took >= 150*time.Millisecond, "took<2s:", took < 2*time.Second)

	// accept: waits for a connection, takes exactly one.
	sock := filepath.Join(dir, "sock")
	l, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	syscall.Bind(l, &syscall.SockaddrUnix{Name: sock})
	syscall.Listen(l, 1)
	res = inThread(func() string {
		nfd, _, err := syscall.Accept(l)
		if err != nil {
			return err.Error()
		}
		buf := make([]byte, 16)
		n, _ := syscall.Read(nfd, buf) // recv: waits for the client's bytes
		return fmt.Sprintf("accepted, read %q", buf[:n])
	})
	settle()
	c, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	fmt.Println("connect:", syscall.Connect(c, &syscall.SockaddrUnix{Name: sock}))
	settle()
	syscall.Write(c, []byte("ping"))
	fmt.Println("server:", <-res)
	syscall.SetNonblock(l, true)
	_, _, err = syscall.Accept(l)
	fmt.Println("a second accept:", err)

	// connect: a listener whose backlog is full makes the client wait
	// (AF_UNIX) until an accept4 makes room; one connection each.
	syscall.SetNonblock(l, false)
	c2, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	syscall.Connect(c2, &syscall.SockaddrUnix{Name: sock}) // fills the backlog of 1
	c3, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	syscall.Connect(c3, &syscall.SockaddrUnix{Name: sock})
	res = inThread(func() string {
		c4, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
		return fmt.Sprint(syscall.Connect(c4, &syscall.SockaddrUnix{Name: sock}))
	})
	settle()
	taken := 0
	for i := 0; i < 3; i++ {
		if _, _, err := syscall.Accept4(l, syscall.SOCK_CLOEXEC); err == nil {
			taken++
		}
	}
	fmt.Println("connect with the backlog full:", <-res, "accept4 took:", taken)

	// sendmsg and recvmsg on a socket pair: a full buffer makes sendmsg
	// wait; recvmsg waits for data; each moves its bytes once.
	sp, _ := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	syscall.SetNonblock(sp[0], true)
	sent := 0
	for {
		n, err := syscall.SendmsgN(sp[0], make([]byte, 4096), nil, nil, 0)
		if err != nil {
			break
		}
		sent += n
	}
	syscall.SetNonblock(sp[0], false)
	res = inThread(func() string {
		n, err := syscall.SendmsgN(sp[0], make([]byte, 1000), nil, nil, 0)
		return fmt.Sprintf("%d %v", n, err)
	})
	settle()
	drained := 0
	for drained < sent+1000 {
		n, _, _, _, err := syscall.Recvmsg(sp[1], make([]byte, 65536), nil, 0)
		if err != nil || n == 0 {
			break
		}
		drained += n
	}
	fmt.Println("sendmsg:", <-res, "received all, once:", drained == sent+1000, "then empty:", queued(sp[1]) == 0)
	res = inThread(func() string {
		buf := make([]byte, 16)
		n, _, _, _, err := syscall.Recvmsg(sp[1], buf, nil, 0)
		return fmt.Sprintf("%d %q %v", n, buf[:n], err)
	})
	settle()
	syscall.Write(sp[0], []byte("msg"))
	fmt.Println("recvmsg:", <-res)

	// sendto and recvfrom on AF_UNIX datagrams: a full queue makes the
	// sender wait; each datagram arrives once.
	dg := filepath.Join(dir, "dgram")
	srv, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)
	syscall.Bind(srv, &syscall.SockaddrUnix{Name: dg})
	cli, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)
	res = inThread(func() string {
		buf := make([]byte, 16)
		n, _, err := syscall.Recvfrom(srv, buf, 0)
		return fmt.Sprintf("%d %q %v", n, buf[:n], err)
	})
	settle()
	syscall.Sendto(cli, []byte("dgram"), 0, &syscall.SockaddrUnix{Name: dg})
	fmt.Println("recvfrom:", <-res)
	syscall.SetNonblock(cli, true)
	queuedDgrams := 0
	for syscall.Sendto(cli, make([]byte, 1000), 0, &syscall.SockaddrUnix{Name: dg}) == nil {
		queuedDgrams++
	}
	syscall.SetNonblock(cli, false)
	res = inThread(func() string {
		return fmt.Sprint(syscall.Sendto(cli, []byte("last"), 0, &syscall.SockaddrUnix{Name: dg}))
	})
	settle()
	got = ""
	count := 0
	for i := 0; i <= queuedDgrams; i++ {
		buf := make([]byte, 2000)
		n, _, _ := syscall.Recvfrom(srv, buf, 0)
		count++
		if n == 4 {
			got = string(buf[:n])
		}
	}
	fmt.Println("sendto with the queue full:", <-res)
	syscall.SetNonblock(srv, true)
	buf := make([]byte, 2000)
	n, _, _ := syscall.Recvfrom(srv, buf, 0)
	if n == 4 {
		got, count = string(buf[:n]), count+1
	}
	_, _, err = syscall.Recvfrom(srv, buf, 0)
	fmt.Println("datagrams received:", count == queuedDgrams+1, "the last one:", got, "then:", err)
	os.RemoveAll(dir)
}
