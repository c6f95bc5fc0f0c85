// net_loopback: TCP and UDP sockets on 127.0.0.1, an AF_UNIX socketpair and
// net/http, through Go's net package as an ordinary program uses it. Go makes
// every socket non-blocking and parks goroutines in its netpoller (epoll) on
// EAGAIN, so the kernel must report EAGAIN/EINPROGRESS and wake epoll when a
// socket becomes readable or writable (connect completes, data or a FIN
// arrives, buffer space frees up). Only IPv4 is used ("tcp4"/"udp4" or
// 127.0.0.1): goose has no IPv6, and nothing printed depends on whether the
// kernel has it. Every fact is printed as a deterministic line; anything
// unexpected prints what happened and exits 1.
package main

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// stage names the part of the test running now, for the watchdog.
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

// pattern is n bytes of xorshift noise from seed.
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

// pair dials ln and returns the client end and the accepted server end.
func pair(ln net.Listener, network string) (*net.TCPConn, *net.TCPConn) {
	type res struct {
		c   net.Conn
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := ln.Accept()
		ch <- res{c, err}
	}()
	c, err := net.Dial(network, ln.Addr().String())
	must("Dial "+network, err)
	r := <-ch
	must("Accept", r.err)
	return c.(*net.TCPConn), r.c.(*net.TCPConn)
}

func readFull(c net.Conn, n int) []byte {
	b := make([]byte, n)
	_, err := io.ReadFull(c, b)
	must("ReadFull", err)
	return b
}

// isTimeout: the error a read past its deadline gives.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) && errors.As(err, &ne) && ne.Timeout()
}

func main() {
	// A hang inside the kernel should say where it happened rather than
	// just run into the runner's timeout.
	step("start")
	time.AfterFunc(150*time.Second, func() {
		fmt.Printf("watchdog: stuck in %v\n", stage.Load())
		os.Exit(1)
	})

	tcpAddresses()
	tcpEcho()
	tcpBulk()
	tcpHalfClose()
	tcpPeerClose()
	tcpDeadline()
	tcpRefusedAndInUse()
	tcpConcurrent()
	tcpOptions()
	udp()
	socketpair()
	httpRoundTrip()
	interfaces()
	fmt.Println("done")
}

func tcpAddresses() {
	step("tcp addresses")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen tcp 127.0.0.1:0", err)
	la := ln.Addr().(*net.TCPAddr)
	fmt.Println("tcp listener:", ln.Addr().Network(), "ip:", la.IP, "port nonzero:", la.Port != 0)
	c, s := pair(ln, "tcp")
	cl := c.LocalAddr().(*net.TCPAddr)
	fmt.Println("client local ip:", cl.IP, "loopback:", cl.IP.IsLoopback(),
		"port nonzero:", cl.Port != 0, "differs from listener's:", cl.Port != la.Port)
	fmt.Println("client local == server remote:", c.LocalAddr().String() == s.RemoteAddr().String())
	fmt.Println("client remote == server local:", c.RemoteAddr().String() == s.LocalAddr().String())
	fmt.Println("server local == listener addr:", s.LocalAddr().String() == ln.Addr().String())
	c.Close()
	s.Close()
	must("Close listener", ln.Close())

	// "localhost" through /etc/hosts, IPv4 only.
	ln, err = net.Listen("tcp4", "localhost:0")
	must("Listen tcp4 localhost:0", err)
	la = ln.Addr().(*net.TCPAddr)
	fmt.Println("tcp4 localhost listener ip:", la.IP, "port nonzero:", la.Port != 0)
	port := strconv.Itoa(la.Port)
	go func() {
		s, err := ln.Accept()
		must("Accept localhost", err)
		b := readFull(s, 2)
		_, err = s.Write([]byte(strings.ToUpper(string(b))))
		must("Write localhost", err)
		s.Close()
	}()
	c2, err := net.Dial("tcp4", "localhost:"+port)
	must("Dial tcp4 localhost", err)
	_, err = c2.Write([]byte("hi"))
	must("Write", err)
	fmt.Printf("dial tcp4 localhost: remote ip %v, reply %q\n",
		c2.RemoteAddr().(*net.TCPAddr).IP, readFull(c2, 2))
	c2.Close()
	ln.Close()

	// Any address in 127.0.0.0/8 is local. A connection to 127.0.0.2
	// comes from 127.0.0.1 (the loopback route's source address); another
	// address of the block, same port, has no listener.
	ln, err = net.Listen("tcp4", "127.0.0.2:0")
	must("Listen tcp4 127.0.0.2:0", err)
	c, s = pair(ln, "tcp4")
	fmt.Println("listen 127.0.0.2: listener ip", ln.Addr().(*net.TCPAddr).IP,
		"server local ip", s.LocalAddr().(*net.TCPAddr).IP, "client local ip", c.LocalAddr().(*net.TCPAddr).IP,
		"client local == server remote:", c.LocalAddr().String() == s.RemoteAddr().String())
	c.Close()
	s.Close()
	_, err = net.Dial("tcp4", "127.0.0.3:"+strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	fmt.Println("dial 127.0.0.3 at that port: ECONNREFUSED:", errors.Is(err, syscall.ECONNREFUSED))
	ln.Close()

	// Wildcard listeners (":port", the usual server form) take connections
	// to any loopback address; the accepted conn's local address is the one
	// dialled. "tcp" with no host makes Go probe for IPv6 (socket(AF_INET6))
	// and fall back to IPv4 without it, so only facts true either way are
	// printed.
	for _, network := range []string{"tcp4", "tcp"} {
		ln, err = net.Listen(network, ":0")
		must("Listen "+network+" :0", err)
		la = ln.Addr().(*net.TCPAddr)
		go func(ln net.Listener) {
			s, err := ln.Accept()
			must("Accept wildcard", err)
			s.Write([]byte(s.LocalAddr().(*net.TCPAddr).IP.String()))
			s.Close()
		}(ln)
		c, err := net.Dial("tcp4", "127.0.0.5:"+strconv.Itoa(la.Port))
		must("Dial 127.0.0.5 to wildcard", err)
		b, err := io.ReadAll(c)
		must("ReadAll", err)
		fmt.Printf("listen %s \":0\": unspecified ip: %v, port nonzero: %v, dial 127.0.0.5: server local ip is 127.0.0.5: %v, client local ip %v\n",
			network, la.IP.IsUnspecified(), la.Port != 0, net.ParseIP(string(b)).Equal(net.IPv4(127, 0, 0, 5)), c.LocalAddr().(*net.TCPAddr).IP)
		c.Close()
		ln.Close()
	}
}

func tcpEcho() {
	step("tcp echo")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	defer ln.Close()
	c, s := pair(ln, "tcp")
	defer c.Close()
	defer s.Close()
	msg := "hello from the client"
	_, err = c.Write([]byte(msg))
	must("client Write", err)
	fmt.Println("client->server:", string(readFull(s, len(msg))) == msg)
	msg = "and hello back from the server"
	_, err = s.Write([]byte(msg))
	must("server Write", err)
	fmt.Println("server->client:", string(readFull(c, len(msg))) == msg)

	// Ping-pong: each side waits for the other, 200 times.
	buf := make([]byte, 8)
	go func() {
		b := make([]byte, 8)
		for i := 0; i < 200; i++ {
			if _, err := io.ReadFull(s, b); err != nil {
				fail("pingpong server read %d: %v", i, err)
			}
			b[0]++
			if _, err := s.Write(b); err != nil {
				fail("pingpong server write %d: %v", i, err)
			}
		}
	}()
	ok := true
	for i := 0; i < 200; i++ {
		copy(buf, "pingpong")
		buf[0] = byte(i)
		_, err := c.Write(buf)
		must("pingpong client write", err)
		_, err = io.ReadFull(c, buf)
		must("pingpong client read", err)
		if buf[0] != byte(i+1) || string(buf[1:]) != "ingpong" {
			ok = false
		}
	}
	fmt.Println("200 round trips:", ok)
}

func tcpBulk() {
	step("tcp bulk")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	defer ln.Close()

	// 4 MiB client -> server in uneven writes (one of them 1 MiB in one
	// call), far more than the socket buffers hold, so both sides block
	// and wake many times. The client half-closes; the server reads to EOF.
	c, s := pair(ln, "tcp")
	data := pattern(4<<20, 2463534242)
	want := sha256.Sum256(data)
	go func() {
		off := 0
		for i := 0; off < len(data); i++ {
			n := 1 + (i*7919)%70000
			if i == 10 {
				n = 1 << 20
			}
			if off+n > len(data) {
				n = len(data) - off
			}
			w, err := c.Write(data[off : off+n])
			if err != nil || w != n {
				fail("bulk Write: %d of %d: %v", w, n, err)
			}
			off += n
		}
		if err := c.CloseWrite(); err != nil {
			fail("CloseWrite: %v", err)
		}
	}()
	h := sha256.New()
	total, err := io.CopyBuffer(h, s, make([]byte, 50000))
	must("bulk read", err)
	fmt.Println("4 MiB client->server: bytes", total, "sha256 matches:", string(h.Sum(nil)) == string(want[:]))
	c.Close()
	s.Close()

	// 1 MiB each way at the same time: both sides write while the other
	// writes too, so neither may block the other's progress.
	c, s = pair(ln, "tcp")
	up := pattern(1<<20, 1)
	down := pattern(1<<20, 2)
	var wg sync.WaitGroup
	send := func(conn *net.TCPConn, b []byte) {
		defer wg.Done()
		for off := 0; off < len(b); off += 32768 {
			if _, err := conn.Write(b[off : off+32768]); err != nil {
				fail("duplex Write: %v", err)
			}
		}
		if err := conn.CloseWrite(); err != nil {
			fail("duplex CloseWrite: %v", err)
		}
	}
	var gotUp, gotDown []byte
	recv := func(conn *net.TCPConn, into *[]byte) {
		defer wg.Done()
		b, err := io.ReadAll(conn)
		if err != nil {
			fail("duplex ReadAll: %v", err)
		}
		*into = b
	}
	wg.Add(4)
	go send(c, up)
	go send(s, down)
	go recv(s, &gotUp)
	go recv(c, &gotDown)
	wg.Wait()
	fmt.Println("1 MiB each way at once: up ok:", string(gotUp) == string(up), "down ok:", string(gotDown) == string(down))
	c.Close()
	s.Close()

	// Many small writes; the reader sees the same byte stream.
	c, s = pair(ln, "tcp")
	small := pattern(10000*7, 7)
	var sent []byte
	go func() {
		off := 0
		for i := 0; i < 10000; i++ {
			n := 1 + i%13
			if _, err := c.Write(small[off : off+n]); err != nil {
				fail("small Write %d: %v", i, err)
			}
			sent = append(sent, small[off:off+n]...)
			off += n
		}
		c.Close()
	}()
	got, err := io.ReadAll(s)
	must("small ReadAll", err)
	fmt.Println("10000 small writes: bytes", len(got), "same stream:", string(got) == string(sent))
	s.Close()
}

func tcpHalfClose() {
	step("tcp half close")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	defer ln.Close()
	c, s := pair(ln, "tcp")
	_, err = c.Write([]byte("request"))
	must("Write", err)
	must("CloseWrite", c.CloseWrite())

	// Writing after one's own shutdown(SHUT_WR) fails with EPIPE.
	_, err = c.Write([]byte("x"))
	fmt.Println("write after own CloseWrite: EPIPE:", errors.Is(err, syscall.EPIPE))

	got, err := io.ReadAll(s)
	must("server ReadAll", err)
	fmt.Printf("server read %q then EOF\n", got)
	n, err := s.Read(make([]byte, 10))
	fmt.Println("server read again:", n, err == io.EOF)
	_, err = s.Write([]byte("response after half-close"))
	must("server Write after client CloseWrite", err)
	must("server Close", s.Close())
	got, err = io.ReadAll(c)
	must("client ReadAll", err)
	fmt.Printf("client read %q then EOF\n", got)
	c.Close()
}

func tcpPeerClose() {
	step("tcp peer close")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	defer ln.Close()
	c, s := pair(ln, "tcp")

	// A read blocked in the poller wakes with EOF when the peer closes.
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 10))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	must("server Close", s.Close())
	err = <-done
	fmt.Println("blocked read after peer Close: io.EOF:", err == io.EOF)
	n, err := c.Read(make([]byte, 10))
	fmt.Println("read again:", n, err == io.EOF)

	// Writing to a connection whose peer has gone: Linux accepts the
	// first write (the peer answers it with a reset), later ones fail.
	_, werr := c.Write([]byte("first"))
	fmt.Println("first write after peer close taken:", werr == nil)
	for i := 0; i < 500 && werr == nil; i++ {
		_, werr = c.Write([]byte("anyone there?"))
		if werr == nil {
			time.Sleep(10 * time.Millisecond)
		}
	}
	fmt.Println("write after peer close fails:", werr != nil)
	fmt.Println("error is EPIPE or ECONNRESET:", errors.Is(werr, syscall.EPIPE) || errors.Is(werr, syscall.ECONNRESET))
	c.Close()

	// Our own Close: operations on the closed conn give net.ErrClosed.
	c, s = pair(ln, "tcp")
	c.Close()
	_, err = c.Read(make([]byte, 1))
	fmt.Println("read on own closed conn: net.ErrClosed:", errors.Is(err, net.ErrClosed))
	n, err = s.Read(make([]byte, 1))
	fmt.Println("peer of closed conn reads:", n, err == io.EOF)
	s.Close()

	// SO_LINGER {on, 0 s}: close resets the connection.
	c, s = pair(ln, "tcp")
	must("SetLinger", c.SetLinger(0))
	c.Close()
	_, err = s.Read(make([]byte, 1))
	fmt.Println("read after the peer's abortive close: ECONNRESET:", errors.Is(err, syscall.ECONNRESET))
	s.Close()
}

// The interfaces Go sees (netlink): whatever else a machine has, lo with
// 127.0.0.1/8.
func interfaces() {
	step("interfaces")
	lo, err := net.InterfaceByName("lo")
	must("InterfaceByName(lo)", err)
	fmt.Println("lo: up:", lo.Flags&net.FlagUp != 0, "loopback:", lo.Flags&net.FlagLoopback != 0, "index > 0:", lo.Index > 0)
	addrs, err := lo.Addrs()
	must("lo.Addrs", err)
	found := false
	for _, a := range addrs {
		found = found || a.String() == "127.0.0.1/8"
	}
	fmt.Println("lo has 127.0.0.1/8:", found)
	all, err := net.Interfaces()
	must("Interfaces", err)
	named := false
	for _, i := range all {
		named = named || i.Name == "lo"
	}
	fmt.Println("net.Interfaces lists lo:", named)
}

func tcpDeadline() {
	step("tcp deadline")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	defer ln.Close()
	c, s := pair(ln, "tcp")
	defer c.Close()
	defer s.Close()

	start := time.Now()
	must("SetReadDeadline", c.SetReadDeadline(start.Add(50*time.Millisecond)))
	n, err := c.Read(make([]byte, 10))
	elapsed := time.Since(start)
	fmt.Println("idle read with deadline:", n, "timeout:", isTimeout(err), "elapsed>=50ms:", elapsed >= 50*time.Millisecond)

	// After clearing the deadline, a read waits for data again.
	must("SetReadDeadline zero", c.SetReadDeadline(time.Time{}))
	go func() {
		time.Sleep(30 * time.Millisecond)
		s.Write([]byte("late"))
	}()
	b := readFull(c, 4)
	fmt.Printf("read after clearing deadline: %q\n", b)

	// Accept with a deadline and nobody dialing.
	tl := ln.(*net.TCPListener)
	start = time.Now()
	must("listener SetDeadline", tl.SetDeadline(start.Add(50*time.Millisecond)))
	_, err = tl.Accept()
	fmt.Println("idle accept with deadline: timeout:", isTimeout(err), "elapsed>=50ms:", time.Since(start) >= 50*time.Millisecond)
}

func tcpRefusedAndInUse() {
	step("tcp refused")
	// A port nobody listens on: take one, then close its listener.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	addr := ln.Addr().String()
	must("Close", ln.Close())
	_, err = net.Dial("tcp4", addr)
	fmt.Println("dial closed port: ECONNREFUSED:", errors.Is(err, syscall.ECONNREFUSED))

	step("tcp in use")
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	addr = ln.Addr().String()
	_, err = net.Listen("tcp", addr)
	fmt.Println("listen on a port in use: EADDRINUSE:", errors.Is(err, syscall.EADDRINUSE))
	must("Close", ln.Close())
	// Go sets SO_REUSEADDR: the port is free again at once after Close.
	ln, err = net.Listen("tcp", addr)
	fmt.Println("listen on the port again after Close:", err == nil)
	if err == nil {
		ln.Close()
	}
}

func tcpConcurrent() {
	step("tcp concurrent")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	defer ln.Close()
	go func() {
		for {
			s, err := ln.Accept()
			if err != nil {
				return
			}
			go func(s net.Conn) {
				defer s.Close()
				line, err := bufio.NewReader(s).ReadString('\n')
				if err != nil {
					fail("server ReadString: %v", err)
				}
				if _, err := s.Write([]byte("echo: " + line)); err != nil {
					fail("server echo Write: %v", err)
				}
			}(s)
		}
	}()
	const clients = 64
	var good int32
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				fmt.Printf("client %d Dial: %v\n", i, err)
				return
			}
			defer c.Close()
			msg := fmt.Sprintf("client %d says hello\n", i)
			if _, err := c.Write([]byte(msg)); err != nil {
				fmt.Printf("client %d Write: %v\n", i, err)
				return
			}
			got, err := io.ReadAll(c)
			if err != nil {
				fmt.Printf("client %d ReadAll: %v\n", i, err)
				return
			}
			if string(got) == "echo: "+msg {
				atomic.AddInt32(&good, 1)
			} else {
				fmt.Printf("client %d got %q\n", i, got)
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("concurrent clients echoed right: %d of %d\n", good, clients)
}

func tcpOptions() {
	step("tcp options")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	defer ln.Close()
	c, s := pair(ln, "tcp")
	defer c.Close()
	defer s.Close()
	must("SetNoDelay(true)", c.SetNoDelay(true))
	must("SetNoDelay(false)", s.SetNoDelay(false))
	must("SetKeepAlive(true)", c.SetKeepAlive(true))
	must("SetKeepAlivePeriod", c.SetKeepAlivePeriod(30*time.Second))
	must("SetKeepAlive(false)", s.SetKeepAlive(false))
	// The options change nothing about the data.
	_, err = c.Write([]byte("options"))
	must("Write", err)
	fmt.Printf("tcp options set, data still flows: %q\n", readFull(s, 7))
}

func udp() {
	step("udp")
	pa, err := net.ListenPacket("udp", "127.0.0.1:0")
	must("ListenPacket udp a", err)
	defer pa.Close()
	pb, err := net.ListenPacket("udp4", "127.0.0.1:0")
	must("ListenPacket udp4 b", err)
	defer pb.Close()
	a, b := pa.(*net.UDPConn), pb.(*net.UDPConn)
	aa, ba := a.LocalAddr().(*net.UDPAddr), b.LocalAddr().(*net.UDPAddr)
	fmt.Println("udp sockets:", aa.Network(), "ips:", aa.IP, ba.IP, "ports nonzero, distinct:", aa.Port != 0 && ba.Port != 0 && aa.Port != ba.Port)
	// Generous deadlines so a lost datagram fails the test instead of hanging.
	a.SetReadDeadline(time.Now().Add(60 * time.Second))
	b.SetReadDeadline(time.Now().Add(60 * time.Second))

	buf := make([]byte, 70000)
	recv := func(conn *net.UDPConn) (string, net.Addr) {
		n, from, err := conn.ReadFrom(buf)
		must("udp ReadFrom", err)
		return string(buf[:n]), from
	}
	_, err = a.WriteTo([]byte("from a to b"), ba)
	must("WriteTo b", err)
	msg, from := recv(b)
	fmt.Printf("b got %q, source == a.LocalAddr: %v\n", msg, from.String() == aa.String())
	_, err = b.WriteTo([]byte("from b to a"), aa)
	must("WriteTo a", err)
	msg, from = recv(a)
	fmt.Printf("a got %q, source == b.LocalAddr: %v\n", msg, from.String() == ba.String())

	// Each datagram arrives whole and on its own, in order, even an empty one.
	sizes := []int{100, 1, 60000, 0, 1472, 9000}
	for _, n := range sizes {
		_, err := a.WriteTo(pattern(n, uint32(n+1)), ba)
		must("WriteTo size "+strconv.Itoa(n), err)
	}
	var got []int
	same := true
	for range sizes {
		n, _, err := b.ReadFrom(buf)
		must("ReadFrom sizes", err)
		got = append(got, n)
		if string(buf[:n]) != string(pattern(n, uint32(n+1))) {
			same = false
		}
	}
	fmt.Println("datagram sizes read:", got, "contents ok:", same)

	// A buffer shorter than the datagram: the rest of it is dropped.
	_, err = a.WriteTo(pattern(100, 5), ba)
	must("WriteTo", err)
	_, err = a.WriteTo([]byte("next"), ba)
	must("WriteTo", err)
	small := make([]byte, 10)
	n, _, err := b.ReadFrom(small)
	must("ReadFrom short", err)
	fmt.Println("short buffer read:", n, "bytes, prefix ok:", string(small[:n]) == string(pattern(100, 5)[:10]))
	msg, _ = recv(b)
	fmt.Printf("then the next datagram: %q\n", msg)

	// A connected socket: Write without an address; its address is the
	// source the receiver sees, and replies to it arrive.
	c, err := net.DialUDP("udp", nil, ba)
	must("DialUDP", err)
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	ca := c.LocalAddr().(*net.UDPAddr)
	fmt.Println("connected udp: local ip", ca.IP, "port nonzero:", ca.Port != 0, "remote == b:", c.RemoteAddr().String() == ba.String())
	_, err = c.Write([]byte("connected hello"))
	must("connected Write", err)
	msg, from = recv(b)
	fmt.Printf("b got %q, source == c.LocalAddr: %v\n", msg, from.String() == ca.String())
	_, err = b.WriteTo([]byte("reply to c"), from)
	must("WriteTo c", err)
	n, err = c.Read(buf)
	must("connected Read", err)
	fmt.Printf("c read %q\n", buf[:n])
	// A connected socket takes datagrams only from its peer.
	_, err = a.WriteTo([]byte("stray from a"), ca)
	must("WriteTo stray", err)
	_, err = b.WriteTo([]byte("second reply"), ca)
	must("WriteTo second", err)
	n, from, err = c.ReadFrom(buf)
	must("connected ReadFrom", err)
	fmt.Printf("c next read %q (from b: %v)\n", buf[:n], from.String() == ba.String())

	// Binding a UDP port already bound fails.
	_, err = net.ListenPacket("udp", aa.String())
	fmt.Println("udp listen on a port in use: EADDRINUSE:", errors.Is(err, syscall.EADDRINUSE))

	// A read deadline on an idle socket.
	start := time.Now()
	a.SetReadDeadline(start.Add(50 * time.Millisecond))
	n, _, err = a.ReadFrom(buf)
	fmt.Println("idle udp read with deadline:", n, "timeout:", isTimeout(err), "elapsed>=50ms:", time.Since(start) >= 50*time.Millisecond)
}

func socketpair() {
	step("socketpair")
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	must("Socketpair", err)
	buf := make([]byte, 100)
	rw := func(from, to int, msg string) string {
		n, err := syscall.Write(from, []byte(msg))
		if err != nil || n != len(msg) {
			fail("socketpair write: %d %v", n, err)
		}
		n, err = syscall.Read(to, buf)
		must("socketpair read", err)
		return string(buf[:n])
	}
	fmt.Printf("socketpair 0->1: %q\n", rw(fds[0], fds[1], "zero to one"))
	fmt.Printf("socketpair 1->0: %q\n", rw(fds[1], fds[0], "one to zero"))

	// The same fds as net.Conns: net.FileConn dups the fd and asks the
	// kernel what it is (getsockopt SO_TYPE, getsockname).
	f0 := os.NewFile(uintptr(fds[0]), "sp0")
	f1 := os.NewFile(uintptr(fds[1]), "sp1")
	c0, err := net.FileConn(f0)
	must("FileConn 0", err)
	c1, err := net.FileConn(f1)
	must("FileConn 1", err)
	f0.Close()
	f1.Close()
	fmt.Printf("FileConn: %T network %q local %q remote %q\n", c0, c0.LocalAddr().Network(), c0.LocalAddr(), c0.RemoteAddr())
	_, err = c0.Write([]byte("via net.Conn"))
	must("c0 Write", err)
	fmt.Printf("c1 read %q\n", readFull(c1, 12))
	_, err = c1.Write([]byte("and back"))
	must("c1 Write", err)
	fmt.Printf("c0 read %q\n", readFull(c0, 8))
	// 256 KiB through it, more than a unix socket buffers.
	data := pattern(256<<10, 9)
	go func() {
		if _, err := c0.Write(data); err != nil {
			fail("c0 big Write: %v", err)
		}
		c0.Close()
	}()
	got, err := io.ReadAll(c1)
	must("c1 ReadAll", err)
	fmt.Println("256 KiB over the socketpair, then EOF:", string(got) == string(data))
	c1.Close()
}

func httpRoundTrip() {
	step("http")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must("Listen", err)
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "hello, %s %s", r.Method, r.URL.Path)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		sum := sha256.Sum256(b)
		fmt.Fprintf(w, "%d %x", len(b), sum[:4])
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{}}

	resp, err := client.Get(base + "/hello")
	must("http.Get", err)
	body, err := io.ReadAll(resp.Body)
	must("read body", err)
	resp.Body.Close()
	fmt.Printf("GET /hello: %d %q %q\n", resp.StatusCode, resp.Header.Get("Content-Type"), body)

	resp, err = client.Get(base + "/missing")
	must("http.Get missing", err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println("GET /missing:", resp.StatusCode)

	post := pattern(300000, 3)
	sum := sha256.Sum256(post)
	resp, err = client.Post(base+"/echo", "application/octet-stream", strings.NewReader(string(post)))
	must("http.Post", err)
	body, err = io.ReadAll(resp.Body)
	must("read body", err)
	resp.Body.Close()
	fmt.Println("POST 300000 bytes:", resp.StatusCode, "server saw them all:", string(body) == fmt.Sprintf("%d %x", len(post), sum[:4]))
	client.CloseIdleConnections()
	must("server Close", srv.Close())
}
