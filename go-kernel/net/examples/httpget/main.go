// httpget: a stock net/http client, unchanged but for one blank import that
// gives it a network (goose's provider over virtio-net). ci/net.py boots it.
//
//	httpget URL|lookup:NAME ...
//	httpget -errors
//
// For each URL: a GET with the stock http.Client, then one line
//
//	httpget: GET URL: status S, N bytes, sha256 HEX
//
// (or "httpget: GET URL: error: ..."). For each lookup:NAME, net.LookupHost:
//
//	httpget: lookup NAME: A B ...      (sorted)
//	httpget: lookup NAME: not found    (the DNS error's IsNotFound)
//
// Then -errors checks that connection errors come as Linux reports them, one
// line each, "httpget: CHECK: ok" or "httpget: CHECK: WRONG: what came":
//
//	refused ...  connect to a port nobody listens on: 127.0.0.1:1, a
//	             loopback port whose listener was just closed, and each
//	             -refused-addr: errors.Is(err, syscall.ECONNREFUSED)
//	reset        a server in this program on 127.0.0.1 accepts, sets
//	             SO_LINGER 0 and closes: the client's read sees ECONNRESET
//	timeout ADDR a dial with a 2 s timeout to an address nothing answers
//	             (-timeout-addr, repeatable): a net.Error with Timeout(),
//	             os.IsTimeout, after about 2 s
//	deadline     a read from a connection that sends nothing, with a read
//	             deadline 500 ms away: os.ErrDeadlineExceeded after it
//
// then "httpget: errors: N ok, N wrong". The exit status is 1 if any GET,
// lookup or check went wrong, else 0.
package main

import (
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "goose/go-kernel/net/virtio"
)

type addrList []string

func (l *addrList) String() string     { return strings.Join(*l, ",") }
func (l *addrList) Set(s string) error { *l = append(*l, s); return nil }

var failed bool

func say(format string, args ...any) {
	fmt.Printf("httpget: "+format+"\n", args...)
}

func main() {
	errs := flag.Bool("errors", false, "check connection errors instead of fetching")
	var timeoutAddrs, refusedAddrs addrList
	flag.Var(&timeoutAddrs, "timeout-addr", "an address nothing answers, for the dial timeout check (repeatable; default 10.0.2.99:9)")
	flag.Var(&refusedAddrs, "refused-addr", "an address that refuses connections, for a refused check (repeatable)")
	flag.Parse()
	client := &http.Client{Timeout: 60 * time.Second}
	for _, arg := range flag.Args() {
		if name, ok := strings.CutPrefix(arg, "lookup:"); ok {
			lookup(name)
			continue
		}
		get(client, arg)
	}
	if *errs {
		if len(timeoutAddrs) == 0 {
			timeoutAddrs = addrList{"10.0.2.99:9"}
		}
		errorChecks(refusedAddrs, timeoutAddrs)
	}
	if failed {
		os.Exit(1)
	}
}

func get(client *http.Client, url string) {
	resp, err := client.Get(url)
	if err != nil {
		say("GET %s: error: %v", url, err)
		failed = true
		return
	}
	defer resp.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil {
		say("GET %s: status %d, error after %d bytes: %v", url, resp.StatusCode, n, err)
		failed = true
		return
	}
	say("GET %s: status %d, %d bytes, sha256 %x", url, resp.StatusCode, n, h.Sum(nil))
}

func lookup(name string) {
	addrs, err := net.LookupHost(name)
	var dnsErr *net.DNSError
	switch {
	case err == nil:
		sort.Strings(addrs)
		say("lookup %s: %s", name, strings.Join(addrs, " "))
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		say("lookup %s: not found", name)
	default:
		say("lookup %s: error: %v", name, err)
		failed = true
	}
}

// ---------------------------------------------------------------- errors

func errorChecks(refusedAddrs, timeoutAddrs []string) {
	ok, wrong := 0, 0
	check := func(name string, problem string) {
		if problem == "" {
			say("%s: ok", name)
			ok++
		} else {
			say("%s: WRONG: %s", name, problem)
			wrong++
		}
	}
	check("refused 127.0.0.1:1", refused("127.0.0.1:1"))
	check("refused 127.0.0.1 (a listener just closed)", refusedClosed())
	for _, a := range refusedAddrs {
		check("refused "+a, refused(a))
	}
	check("reset", reset())
	for _, a := range timeoutAddrs {
		check("timeout "+a, dialTimeout(a))
	}
	check("deadline", deadline())
	say("errors: %d ok, %d wrong", ok, wrong)
	if wrong > 0 {
		failed = true
	}
}

func describe(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("%v (errno %d)", err, int(errno))
	}
	return fmt.Sprintf("%v (%T)", err, err)
}

// A loopback port nobody listens on any more.
func refusedClosed() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "listen: " + err.Error()
	}
	addr := ln.Addr().String()
	ln.Close()
	return refused(addr)
}

func refused(addr string) string {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err == nil {
		c.Close()
		return "the dial to " + addr + " succeeded"
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return "want ECONNREFUSED, got " + describe(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		return fmt.Sprintf("ECONNREFUSED only after %v", d)
	}
	return ""
}

func reset() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "listen: " + err.Error()
	}
	defer ln.Close()
	dialed := make(chan bool, 1)
	done := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- "accept: " + err.Error()
			return
		}
		// Not before the client's connect has returned: a reset that
		// came first would be its connect's error, on Linux too.
		if !<-dialed {
			c.Close()
			done <- "dial failed"
			return
		}
		if err := c.(*net.TCPConn).SetLinger(0); err != nil {
			done <- "SetLinger(0): " + err.Error()
		}
		c.Close()
		done <- ""
	}()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
	dialed <- err == nil
	if err != nil {
		return "dial: " + describe(err)
	}
	defer c.Close()
	if p := <-done; p != "" {
		return p
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := c.Read(make([]byte, 16))
	switch {
	case err == nil:
		return fmt.Sprintf("read %d bytes", n)
	case !errors.Is(err, syscall.ECONNRESET):
		return "want ECONNRESET, got " + describe(err)
	}
	return ""
}

func dialTimeout(addr string) string {
	const limit = 2 * time.Second
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, limit)
	took := time.Since(start)
	if err == nil {
		c.Close()
		return "the dial succeeded"
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !os.IsTimeout(err) {
		return fmt.Sprintf("want a timeout, got %s after %v", describe(err), took.Round(time.Millisecond))
	}
	if took < limit-100*time.Millisecond || took > limit+3*time.Second {
		return fmt.Sprintf("timed out after %v, want about %v", took.Round(time.Millisecond), limit)
	}
	return ""
}

func deadline() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "listen: " + err.Error()
	}
	defer ln.Close()
	release := make(chan struct{})
	defer close(release)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		<-release // send nothing until the check is over
		c.Close()
	}()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
	if err != nil {
		return "dial: " + describe(err)
	}
	defer c.Close()
	const wait = 500 * time.Millisecond
	start := time.Now()
	c.SetReadDeadline(start.Add(wait))
	n, err := c.Read(make([]byte, 16))
	took := time.Since(start)
	switch {
	case err == nil:
		return fmt.Sprintf("read %d bytes", n)
	case !errors.Is(err, os.ErrDeadlineExceeded) || !os.IsTimeout(err):
		return "want os.ErrDeadlineExceeded, got " + describe(err)
	case took < wait-50*time.Millisecond || took > wait+3*time.Second:
		return fmt.Sprintf("the read ended after %v, want about %v", took.Round(time.Millisecond), wait)
	}
	return ""
}
