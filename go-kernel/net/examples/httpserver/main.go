// httpserver: a stock net/http server, unchanged but for one blank import
// that gives it a network (goose's provider over virtio-net). ci/net.py
// boots it and checks every route from the host through QEMU's hostfwd.
//
//	make run KERNEL=build/net/httpserver.elf BOOTARGS='GOOSE_NET_ADDR=10.0.2.15/24' \
//	    QEMU_EXTRA='-global virtio-mmio.force-legacy=false
//	        -netdev user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:8080-:8080
//	        -device virtio-net-device,netdev=n0'
//	curl http://127.0.0.1:8080/
//
// Routes:
//
//	/                 a fixed text (helloText)
//	/bytes?n=N        N bytes, byte i being i%251
//	POST /echo        "N bytes, sha256 HEX\n" of the request body
//	/hold?id=I&ms=M&want=W
//	                  waits until W /hold requests are in the server at
//	                  once (at most -hold-wait), then M ms more; answers
//	                  "held I peak P\n" (P: the most /hold requests in the
//	                  server at once so far); 503 if W were never reached
//	/lookup?name=X    net.LookupHost(X): "X: a b c\n", or 502 and the error
//	/ifaces           net.Interfaces: one line per interface,
//	                  "NAME up|down ADDR/PREFIX ..." (addresses sorted)
//	/quit             "bye\n", then exit status 0
//
// Without /quit the server stops after -timeout with status 3.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "goose/go-kernel/net/virtio"
)

const helloText = "hello from goose: a stock net/http server over virtio-net\n"

var holdWait = flag.Duration("hold-wait", 60*time.Second, "how long /hold?want=W waits for W requests at once")

// The /hold requests in the server now, and the most there were at once.
var hold struct {
	sync.Mutex
	cond      *sync.Cond
	now, peak int
}

func main() {
	addr := flag.String("addr", ":8080", "the address to listen on")
	timeout := flag.Duration("timeout", 5*time.Minute, "stop (status 3) when /quit has not come by then")
	flag.Parse()
	hold.cond = sync.NewCond(&hold.Mutex)

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, helloText)
	})
	mux.HandleFunc("/bytes", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 0 || n > 1<<28 {
			http.Error(w, "want ?n=<bytes>", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		buf := make([]byte, 251*256)
		for i := range buf {
			buf[i] = byte(i % 251)
		}
		for n > 0 {
			k := min(n, len(buf))
			if _, err := w.Write(buf[:k]); err != nil {
				return
			}
			n -= k
		}
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d bytes, sha256 %x\n", n, h.Sum(nil))
	})
	mux.HandleFunc("/hold", handleHold)
	mux.HandleFunc("/lookup", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		addrs, err := net.LookupHost(name)
		if err != nil {
			http.Error(w, "lookup "+name+": "+err.Error(), http.StatusBadGateway)
			return
		}
		sort.Strings(addrs)
		fmt.Fprintf(w, "%s: %s\n", name, strings.Join(addrs, " "))
	})
	mux.HandleFunc("/ifaces", func(w http.ResponseWriter, r *http.Request) {
		ifs, err := net.Interfaces()
		if err != nil {
			http.Error(w, "net.Interfaces: "+err.Error(), http.StatusInternalServerError)
			return
		}
		for _, ifc := range ifs {
			state := "down"
			if ifc.Flags&net.FlagUp != 0 {
				state = "up"
			}
			line := []string{ifc.Name, state}
			addrs, err := ifc.Addrs()
			if err != nil {
				line = append(line, "error:"+err.Error())
			}
			var as []string
			for _, a := range addrs {
				as = append(as, a.String())
			}
			sort.Strings(as)
			fmt.Fprintln(w, strings.Join(append(line, as...), " "))
		}
	})
	quit := make(chan struct{})
	var once sync.Once
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "bye\n")
		once.Do(func() { close(quit) })
	})

	go func() {
		// The stock way, exactly: it returns only on an error.
		err := http.ListenAndServe(*addr, mux)
		fmt.Fprintln(os.Stderr, "httpserver:", err)
		os.Exit(1)
	}()
	// "serving" once a connection to the port succeeds (over loopback).
	go func() {
		_, port, _ := net.SplitHostPort(*addr)
		for {
			c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", port), time.Second)
			if err == nil {
				c.Close()
				fmt.Printf("httpserver: serving on %s\n", *addr)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	select {
	case <-quit:
		// Let the /quit answer go out before the program ends.
		time.Sleep(200 * time.Millisecond)
		fmt.Println("httpserver: quit")
		os.Exit(0)
	case <-time.After(*timeout):
		fmt.Println("httpserver: no /quit in", *timeout)
		os.Exit(3)
	}
}

func handleHold(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("id")
	ms, _ := strconv.Atoi(q.Get("ms"))
	want, _ := strconv.Atoi(q.Get("want"))
	hold.Lock()
	hold.now++
	if hold.now > hold.peak {
		hold.peak = hold.now
		hold.cond.Broadcast()
	}
	reached := true
	if want > 0 {
		deadline := time.Now().Add(*holdWait)
		t := time.AfterFunc(*holdWait, func() {
			hold.Lock()
			hold.cond.Broadcast()
			hold.Unlock()
		})
		for hold.peak < want && time.Now().Before(deadline) {
			hold.cond.Wait()
		}
		t.Stop()
		reached = hold.peak >= want
	}
	hold.Unlock()
	time.Sleep(time.Duration(ms) * time.Millisecond)
	hold.Lock()
	hold.now--
	peak := hold.peak
	hold.Unlock()
	if !reached {
		http.Error(w, fmt.Sprintf("held %s peak %d: %d never reached", id, peak, want), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintf(w, "held %s peak %d\n", id, peak)
}
