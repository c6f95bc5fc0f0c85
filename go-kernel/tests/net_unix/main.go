// net_unix: AF_UNIX sockets through Go's net package: stream sockets bound to
// a file system path (the socket file, its removal, the errors for paths in
// use, missing or not sockets), abstract names ("@name": no file, gone when
// closed), datagram sockets ("unixgram": boundaries, sender addresses, bound
// and unbound senders) and SOCK_SEQPACKET ("unixpacket": a byte stream cut
// into records), plus socketpairs of the datagram types and the raw address
// lengths getsockname/getpeername/recvfrom give. Every fact is printed as a
// deterministic line (no temporary paths); anything unexpected prints what
// happened and exits 1.
package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

var stage atomic.Value

func step(s string) { stage.Store(s) }

func must(what string, err error) {
	if err != nil {
		fmt.Printf("%s: %v\n", what, err)
		os.Exit(1)
	}
}

func fail(format string, a ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", a...)
	os.Exit(1)
}

func pattern(n int, seed uint32) []byte {
	b := make([]byte, n)
	x := seed
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func readFull(c net.Conn, n int) []byte {
	b := make([]byte, n)
	_, err := io.ReadFull(c, b)
	must("ReadFull", err)
	return b
}

// pair dials ln and returns the client end and the accepted server end.
func pair(ln net.Listener) (*net.UnixConn, *net.UnixConn) {
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := ln.Accept()
		ch <- res{c, err}
	}()
	c, err := net.Dial(ln.Addr().Network(), ln.Addr().String())
	must("Dial "+ln.Addr().Network(), err)
	r := <-ch
	must("Accept", r.err)
	return c.(*net.UnixConn), r.c.(*net.UnixConn)
}

// addrString shows an address the same way whatever the temporary
// directory: the directory becomes "DIR".
var dir string

func addrString(a net.Addr) string {
	if a == nil {
		return "<nil>"
	}
	s := a.String()
	if len(s) > len(dir) && s[:len(dir)] == dir {
		s = "DIR" + s[len(dir):]
	}
	return a.Network() + ":" + strconv.Quote(s)
}

func isSocketFile(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "does not exist"
		}
		return err.Error()
	}
	if st.Mode()&os.ModeSocket != 0 {
		return "socket"
	}
	return "not a socket: " + st.Mode().String()
}

func main() {
	step("start")
	time.AfterFunc(100*time.Second, func() {
		fmt.Printf("watchdog: stuck in %v\n", stage.Load())
		os.Exit(1)
	})
	var err error
	dir, err = os.MkdirTemp("", "goose-net-unix-")
	must("MkdirTemp", err)
	defer os.RemoveAll(dir)

	streamPath()
	pathErrors()
	abstract()
	unixgram()
	unixpacket()
	socketpairs()
	rawAddrLengths()
	fmt.Println("done")
}

func streamPath() {
	step("stream path")
	path := filepath.Join(dir, "stream.sock")
	ln, err := net.Listen("unix", path)
	must("Listen unix", err)
	fmt.Println("listener addr:", addrString(ln.Addr()))
	fmt.Println("socket file after Listen:", isSocketFile(path))

	c, s := pair(ln)
	// The client is unbound: Linux reports an address of just the family,
	// which Go shows as "@". The accepted socket has the listener's address.
	fmt.Println("client local:", addrString(c.LocalAddr()), "remote:", addrString(c.RemoteAddr()))
	fmt.Println("server local:", addrString(s.LocalAddr()), "remote:", addrString(s.RemoteAddr()))

	_, err = c.Write([]byte("hello server"))
	must("client Write", err)
	fmt.Printf("server read %q\n", readFull(s, 12))
	_, err = s.Write([]byte("hello client"))
	must("server Write", err)
	fmt.Printf("client read %q\n", readFull(c, 12))

	// 1 MiB in uneven writes, far more than the socket buffers.
	data := pattern(1<<20, 11)
	want := sha256.Sum256(data)
	go func() {
		for off, i := 0, 0; off < len(data); i++ {
			n := 1 + (i*7919)%40000
			if off+n > len(data) {
				n = len(data) - off
			}
			if _, err := c.Write(data[off : off+n]); err != nil {
				fail("bulk Write: %v", err)
			}
			off += n
		}
		if err := c.CloseWrite(); err != nil {
			fail("CloseWrite: %v", err)
		}
	}()
	h := sha256.New()
	total, err := io.CopyBuffer(h, s, make([]byte, 30000))
	must("bulk read", err)
	fmt.Println("1 MiB client->server then CloseWrite: bytes", total, "sha256 matches:", string(h.Sum(nil)) == string(want[:]))
	_, err = s.Write([]byte("after half-close"))
	must("server Write after CloseWrite", err)
	fmt.Printf("client still reads: %q\n", readFull(c, 16))

	// A read deadline on an idle unix conn.
	start := time.Now()
	must("SetReadDeadline", c.SetReadDeadline(start.Add(50*time.Millisecond)))
	n, err := c.Read(make([]byte, 10))
	fmt.Println("idle read with deadline:", n, "timeout:", errors.Is(err, os.ErrDeadlineExceeded),
		"elapsed>=50ms:", time.Since(start) >= 50*time.Millisecond)
	must("SetReadDeadline zero", c.SetReadDeadline(time.Time{}))

	// The peer closes: a blocked read wakes with EOF, and a write fails
	// with EPIPE at once (no reset handshake as with TCP).
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 10))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	must("server Close", s.Close())
	fmt.Println("blocked read after peer Close: io.EOF:", <-done == io.EOF)
	_, err = c.Write([]byte("x"))
	fmt.Println("write after peer Close: EPIPE:", errors.Is(err, syscall.EPIPE))
	c.Close()

	// Several clients at once on the one listener.
	const clients = 16
	results := make(chan string, clients)
	go func() {
		for i := 0; i < clients; i++ {
			s, err := ln.Accept()
			must("Accept", err)
			go func(s net.Conn) {
				defer s.Close()
				b := make([]byte, 64)
				n, err := s.Read(b)
				if err != nil {
					fail("server Read: %v", err)
				}
				s.Write(append([]byte("echo "), b[:n]...))
			}(s)
		}
	}()
	for i := 0; i < clients; i++ {
		go func(i int) {
			c, err := net.Dial("unix", path)
			if err != nil {
				results <- err.Error()
				return
			}
			defer c.Close()
			msg := "client " + strconv.Itoa(i)
			c.Write([]byte(msg))
			b, err := io.ReadAll(c)
			if err != nil {
				results <- err.Error()
				return
			}
			if string(b) != "echo "+msg {
				results <- "got " + string(b)
				return
			}
			results <- "ok"
		}(i)
	}
	good := 0
	for i := 0; i < clients; i++ {
		if r := <-results; r == "ok" {
			good++
		} else {
			fmt.Println("client:", r)
		}
	}
	fmt.Printf("concurrent clients echoed right: %d of %d\n", good, clients)

	// Listen on the path of a live listener.
	_, err = net.Listen("unix", path)
	fmt.Println("listen on a path in use: EADDRINUSE:", errors.Is(err, syscall.EADDRINUSE))

	// Closing the listener removes the socket file (Go unlinks it).
	must("listener Close", ln.Close())
	fmt.Println("socket file after listener Close:", isSocketFile(path))
	_, err = net.Dial("unix", path)
	fmt.Println("dial after the listener is gone: ENOENT:", errors.Is(err, syscall.ENOENT))
}

func pathErrors() {
	step("path errors")
	// A socket file left behind (nobody unlinks it on Close).
	stale := filepath.Join(dir, "stale.sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	must("ListenUnix stale", err)
	ln.SetUnlinkOnClose(false)
	must("Close", ln.Close())
	fmt.Println("stale socket file after Close without unlink:", isSocketFile(stale))
	_, err = net.Dial("unix", stale)
	fmt.Println("dial a stale socket file: ECONNREFUSED:", errors.Is(err, syscall.ECONNREFUSED))
	_, err = net.Listen("unix", stale)
	fmt.Println("listen on a stale socket file: EADDRINUSE:", errors.Is(err, syscall.EADDRINUSE))
	must("Remove stale", os.Remove(stale))
	ln2, err := net.Listen("unix", stale)
	must("Listen after removing the stale file", err)
	ln2.Close()
	fmt.Println("listen after removing it: ok")

	// A regular file at the path.
	regular := filepath.Join(dir, "regular")
	must("WriteFile", os.WriteFile(regular, []byte("not a socket"), 0o644))
	_, err = net.Listen("unix", regular)
	fmt.Println("listen on a regular file: EADDRINUSE:", errors.Is(err, syscall.EADDRINUSE))
	_, err = net.Dial("unix", regular)
	fmt.Println("dial a regular file: ECONNREFUSED:", errors.Is(err, syscall.ECONNREFUSED))

	// Nothing at the path.
	_, err = net.Dial("unix", filepath.Join(dir, "missing.sock"))
	fmt.Println("dial a missing path: ENOENT:", errors.Is(err, syscall.ENOENT))
	_, err = net.Dial("unix", filepath.Join(dir, "no-such-dir", "x.sock"))
	fmt.Println("dial in a missing directory: ENOENT:", errors.Is(err, syscall.ENOENT))
	_, err = net.Listen("unix", filepath.Join(dir, "no-such-dir", "x.sock"))
	fmt.Println("listen in a missing directory: ENOENT:", errors.Is(err, syscall.ENOENT))

	// The wrong socket type at the path.
	sp := filepath.Join(dir, "typed.sock")
	ln3, err := net.Listen("unix", sp)
	must("Listen typed", err)
	_, err = net.Dial("unixgram", sp)
	fmt.Println("dial unixgram to a stream socket: EPROTOTYPE:", errors.Is(err, syscall.EPROTOTYPE))
	_, err = net.Dial("unixpacket", sp)
	fmt.Println("dial unixpacket to a stream socket: EPROTOTYPE:", errors.Is(err, syscall.EPROTOTYPE))
	ln3.Close()
}

func abstract() {
	step("abstract")
	name := "@goose-test-" + strconv.Itoa(os.Getpid())
	ln, err := net.Listen("unix", name)
	must("Listen abstract", err)
	fmt.Println("abstract listener addr is the name:", ln.Addr().String() == name)
	_, err = os.Lstat(name)
	fmt.Println("no file for an abstract name:", errors.Is(err, os.ErrNotExist))

	c, s := pair(ln)
	fmt.Println("server local is the name:", s.LocalAddr().String() == name, "client remote is the name:", c.RemoteAddr().String() == name)
	fmt.Println("client local:", addrString(c.LocalAddr()), "server remote:", addrString(s.RemoteAddr()))
	_, err = c.Write([]byte("abstract hello"))
	must("Write", err)
	fmt.Printf("server read %q\n", readFull(s, 14))
	_, err = s.Write([]byte("abstract reply"))
	must("Write", err)
	fmt.Printf("client read %q\n", readFull(c, 14))
	c.Close()
	s.Close()

	_, err = net.Listen("unix", name)
	fmt.Println("listen on an abstract name in use: EADDRINUSE:", errors.Is(err, syscall.EADDRINUSE))
	_, err = net.Dial("unix", name+"-other")
	fmt.Println("dial an unused abstract name: ECONNREFUSED:", errors.Is(err, syscall.ECONNREFUSED))
	// Abstract names are the exact bytes given (their length comes from the
	// address length, not a NUL): the name plus a trailing NUL byte is
	// another name.
	_, err = net.Dial("unix", name+"\x00")
	fmt.Println("dial the name plus a NUL byte: ECONNREFUSED:", errors.Is(err, syscall.ECONNREFUSED))
	must("Close", ln.Close())
	_, err = net.Dial("unix", name)
	fmt.Println("dial the name after Close: ECONNREFUSED:", errors.Is(err, syscall.ECONNREFUSED))
	ln, err = net.Listen("unix", name)
	fmt.Println("the name is free again after Close:", err == nil)
	if err == nil {
		ln.Close()
	}
}

func unixgram() {
	step("unixgram")
	spath := filepath.Join(dir, "dgram-server.sock")
	saddr := &net.UnixAddr{Name: spath, Net: "unixgram"}
	srv, err := net.ListenUnixgram("unixgram", saddr)
	must("ListenUnixgram", err)
	srv.SetReadDeadline(time.Now().Add(60 * time.Second))
	fmt.Println("unixgram server addr:", addrString(srv.LocalAddr()), "file:", isSocketFile(spath))
	buf := make([]byte, 70000)

	// An unbound, connected sender: the receiver gets no source address.
	c, err := net.DialUnix("unixgram", nil, saddr)
	must("DialUnix unbound", err)
	fmt.Println("unbound sender local:", addrString(c.LocalAddr()), "remote:", addrString(c.RemoteAddr()))
	_, err = c.Write([]byte("from unbound"))
	must("Write", err)
	n, from, err := srv.ReadFrom(buf)
	must("ReadFrom", err)
	fmt.Printf("server got %q from %v (nil: %v)\n", buf[:n], from, from == nil)
	c.Close()

	// A bound, connected sender: its path is the source, and a reply to it
	// arrives.
	cpath := filepath.Join(dir, "dgram-client.sock")
	c, err = net.DialUnix("unixgram", &net.UnixAddr{Name: cpath, Net: "unixgram"}, saddr)
	must("DialUnix bound", err)
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	fmt.Println("bound sender local:", addrString(c.LocalAddr()), "remote:", addrString(c.RemoteAddr()))
	_, err = c.Write([]byte("from bound"))
	must("Write", err)
	n, ua, err := srv.ReadFromUnix(buf)
	must("ReadFromUnix", err)
	fmt.Printf("server got %q from %s\n", buf[:n], addrString(ua))
	_, err = srv.WriteToUnix([]byte("reply"), ua)
	must("WriteToUnix", err)
	n, err = c.Read(buf)
	must("client Read", err)
	fmt.Printf("client read %q\n", buf[:n])

	// Boundaries: each write is one datagram, read whole, even an empty one.
	sizes := []int{3, 5, 0, 1000, 60000, 1}
	for _, sz := range sizes {
		_, err := c.Write(pattern(sz, uint32(sz+3)))
		must("Write size "+strconv.Itoa(sz), err)
	}
	var got []int
	same := true
	for range sizes {
		n, err := srv.Read(buf)
		must("Read sizes", err)
		got = append(got, n)
		if string(buf[:n]) != string(pattern(n, uint32(n+3))) {
			same = false
		}
	}
	fmt.Println("unixgram sizes read:", got, "contents ok:", same)

	// A short buffer takes the front of a datagram; the rest is dropped.
	c.Write(pattern(100, 4))
	c.Write([]byte("next"))
	small := make([]byte, 10)
	n, err = srv.Read(small)
	must("short Read", err)
	fmt.Println("short buffer read:", n, "prefix ok:", string(small[:n]) == string(pattern(100, 4)[:10]))
	n, err = srv.Read(buf)
	must("Read", err)
	fmt.Printf("then the next datagram: %q\n", buf[:n])
	c.Close()

	// An unconnected, bound socket sending with WriteTo.
	upath := filepath.Join(dir, "dgram-unconnected.sock")
	u, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: upath, Net: "unixgram"})
	must("ListenUnixgram unconnected", err)
	_, err = u.WriteToUnix([]byte("unconnected"), saddr)
	must("WriteToUnix", err)
	n, ua, err = srv.ReadFromUnix(buf)
	must("ReadFromUnix", err)
	fmt.Printf("server got %q from %s\n", buf[:n], addrString(ua))
	_, err = u.WriteToUnix([]byte("x"), &net.UnixAddr{Name: filepath.Join(dir, "nobody.sock"), Net: "unixgram"})
	fmt.Println("send to a missing path: ENOENT:", errors.Is(err, syscall.ENOENT))

	// An abstract-bound sender shows as "@name".
	aname := "@goose-dgram-" + strconv.Itoa(os.Getpid())
	a, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: aname, Net: "unixgram"})
	must("ListenUnixgram abstract", err)
	_, err = a.WriteToUnix([]byte("abstract sender"), saddr)
	must("WriteToUnix from abstract", err)
	n, ua, err = srv.ReadFromUnix(buf)
	must("ReadFromUnix", err)
	fmt.Printf("server got %q, source is the abstract name: %v\n", buf[:n], ua != nil && ua.Name == aname)
	a.Close()

	// Idle read with a deadline.
	start := time.Now()
	srv.SetReadDeadline(start.Add(50 * time.Millisecond))
	n, _, err = srv.ReadFrom(buf)
	fmt.Println("idle unixgram read with deadline:", n, "timeout:", errors.Is(err, os.ErrDeadlineExceeded),
		"elapsed>=50ms:", time.Since(start) >= 50*time.Millisecond)

	// A datagram socket is a UnixConn, not a listener: Close leaves the
	// file, and sending to it then is refused.
	must("server Close", srv.Close())
	fmt.Println("server file after Close:", isSocketFile(spath))
	_, err = u.WriteToUnix([]byte("anyone?"), saddr)
	fmt.Println("send to a closed socket's file: ECONNREFUSED:", errors.Is(err, syscall.ECONNREFUSED))
	u.Close()
}

func unixpacket() {
	step("unixpacket")
	path := filepath.Join(dir, "packet.sock")
	ln, err := net.Listen("unixpacket", path)
	must("Listen unixpacket", err)
	fmt.Println("unixpacket listener addr:", addrString(ln.Addr()), "file:", isSocketFile(path))
	c, s := pair(ln)
	fmt.Println("server local:", addrString(s.LocalAddr()), "client remote:", addrString(c.RemoteAddr()))

	// Two writes, then two reads with room for both: each read is one record.
	_, err = c.Write(pattern(100, 1))
	must("Write 100", err)
	_, err = c.Write(pattern(200, 2))
	must("Write 200", err)
	buf := make([]byte, 1000)
	n1, err := s.Read(buf)
	must("Read 1", err)
	ok1 := string(buf[:n1]) == string(pattern(100, 1))
	n2, err := s.Read(buf)
	must("Read 2", err)
	ok2 := string(buf[:n2]) == string(pattern(200, 2))
	fmt.Println("unixpacket reads:", n1, n2, "contents ok:", ok1 && ok2)

	// The other way, three records of different sizes, one large.
	sizes := []int{1, 70000, 7}
	go func() {
		for _, sz := range sizes {
			if _, err := s.Write(pattern(sz, uint32(sz))); err != nil {
				fail("server Write %d: %v", sz, err)
			}
		}
	}()
	big := make([]byte, 100000)
	var got []int
	same := true
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	for range sizes {
		n, err := c.Read(big)
		must("client Read", err)
		got = append(got, n)
		if string(big[:n]) != string(pattern(n, uint32(n))) {
			same = false
		}
	}
	fmt.Println("unixpacket records read:", got, "contents ok:", same)

	// A short buffer takes the front of a record; the rest is dropped.
	c.Write(pattern(50, 3))
	c.Write([]byte("next"))
	small := make([]byte, 10)
	n, err := s.Read(small)
	must("short Read", err)
	fmt.Println("short buffer read:", n, "prefix ok:", string(small[:n]) == string(pattern(50, 3)[:10]))
	n, err = s.Read(buf)
	must("Read", err)
	fmt.Printf("then the next record: %q\n", buf[:n])

	// The peer closes: EOF.
	must("client Close", c.Close())
	n, err = s.Read(buf)
	fmt.Println("read after peer Close:", n, "io.EOF:", err == io.EOF)
	s.Close()
	must("listener Close", ln.Close())
	fmt.Println("socket file after listener Close:", isSocketFile(path))
}

func socketpairs() {
	step("socketpairs")
	for _, t := range []struct {
		name string
		typ  int
	}{{"SOCK_DGRAM", syscall.SOCK_DGRAM}, {"SOCK_SEQPACKET", syscall.SOCK_SEQPACKET}} {
		fds, err := syscall.Socketpair(syscall.AF_UNIX, t.typ, 0)
		must("Socketpair "+t.name, err)
		for _, m := range []string{"one", "three", "x"} {
			_, err := syscall.Write(fds[0], []byte(m))
			must("Write", err)
		}
		buf := make([]byte, 100)
		var got []string
		for i := 0; i < 3; i++ {
			n, err := syscall.Read(fds[1], buf)
			must("Read", err)
			got = append(got, string(buf[:n]))
		}
		_, err = syscall.Write(fds[1], []byte("back"))
		must("Write back", err)
		n, err := syscall.Read(fds[0], buf)
		must("Read back", err)
		typ, err := syscall.GetsockoptInt(fds[0], syscall.SOL_SOCKET, syscall.SO_TYPE)
		must("SO_TYPE", err)
		fmt.Printf("socketpair %s: records %q, back %q, SO_TYPE right: %v\n", t.name, got, buf[:n], typ == t.typ)
		syscall.Close(fds[0])
		syscall.Close(fds[1])
	}
}

// sockname calls getsockname or getpeername directly and returns the
// address length and family the kernel gave.
func sockname(trap uintptr, fd int) (int, int, error) {
	var raw syscall.RawSockaddrAny
	l := uint32(unsafe.Sizeof(raw))
	_, _, e := syscall.Syscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&raw)), uintptr(unsafe.Pointer(&l)))
	if e != 0 {
		return 0, 0, e
	}
	return int(l), int(raw.Addr.Family), nil
}

func rawAddrLengths() {
	step("raw address lengths")
	// An unbound socket: just the family, length 2.
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	must("Socket", err)
	l, fam, err := sockname(syscall.SYS_GETSOCKNAME, fd)
	must("getsockname", err)
	fmt.Println("getsockname unbound: len", l, "family AF_UNIX:", fam == syscall.AF_UNIX)
	_, _, err = sockname(syscall.SYS_GETPEERNAME, fd)
	fmt.Println("getpeername unconnected: ENOTCONN:", errors.Is(err, syscall.ENOTCONN))

	// Bound to a path: family, the path and its NUL.
	path := filepath.Join(dir, "raw.sock")
	must("Bind", syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}))
	l, fam, err = sockname(syscall.SYS_GETSOCKNAME, fd)
	must("getsockname", err)
	fmt.Println("getsockname bound: len == 2+len(path)+1:", l == 2+len(path)+1, "family AF_UNIX:", fam == syscall.AF_UNIX)
	// Binding again fails.
	err = syscall.Bind(fd, &syscall.SockaddrUnix{Name: path + "2"})
	fmt.Println("bind a bound socket again: EINVAL:", errors.Is(err, syscall.EINVAL))
	must("Listen", syscall.Listen(fd, 5))

	// Connect an unbound client; the accepted socket's peer is unbound.
	cfd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	must("Socket", err)
	must("Connect", syscall.Connect(cfd, &syscall.SockaddrUnix{Name: path}))
	l, _, err = sockname(syscall.SYS_GETPEERNAME, cfd)
	must("getpeername client", err)
	fmt.Println("getpeername of the client: len == 2+len(path)+1:", l == 2+len(path)+1)
	nfd, sa, err := syscall.Accept(fd)
	must("Accept", err)
	if su, ok := sa.(*syscall.SockaddrUnix); ok {
		fmt.Printf("accept: peer SockaddrUnix %q\n", su.Name)
	} else {
		fmt.Printf("accept: peer %T\n", sa)
	}
	l, fam, err = sockname(syscall.SYS_GETPEERNAME, nfd)
	must("getpeername accepted", err)
	fmt.Println("getpeername of the accepted socket: len", l, "family AF_UNIX:", fam == syscall.AF_UNIX)
	l, _, err = sockname(syscall.SYS_GETSOCKNAME, nfd)
	must("getsockname accepted", err)
	fmt.Println("getsockname of the accepted socket: len == 2+len(path)+1:", l == 2+len(path)+1)
	syscall.Close(nfd)
	syscall.Close(cfd)
	syscall.Close(fd)

	// recvfrom on a datagram socket from an unbound sender: no address
	// (length 0), which Go shows as a nil source.
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)
	must("Socketpair", err)
	_, err = syscall.Write(fds[0], []byte("hi"))
	must("Write", err)
	var raw syscall.RawSockaddrAny
	raw.Addr.Family = 0xffff
	rl := uint32(unsafe.Sizeof(raw))
	buf := make([]byte, 10)
	r, _, e := syscall.Syscall6(syscall.SYS_RECVFROM, uintptr(fds[1]), uintptr(unsafe.Pointer(&buf[0])), 10, 0,
		uintptr(unsafe.Pointer(&raw)), uintptr(unsafe.Pointer(&rl)))
	if e != 0 {
		fail("recvfrom: %v", e)
	}
	fmt.Printf("recvfrom from an unbound sender: %q, addrlen %d\n", buf[:r], rl)
	syscall.Close(fds[0])
	syscall.Close(fds[1])
}
