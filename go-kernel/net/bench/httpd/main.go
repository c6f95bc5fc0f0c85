// httpd: make bench's network server (ci/bench.py, step net): a stock
// net/http server, measured from the host by the same client under goose
// (virtio-net, through the provider and QEMU's user network) and under
// qemu-riscv64 (the host's own sockets). Nothing in it knows about goose but
// the blank import, which under qemu-riscv64 finds no goose and does nothing.
//
//	/           a 13-byte body (requests per second, latency)
//	/bytes?n=N  N bytes (bulk transfer)
//	/quit       answers, then exits 0
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	_ "goose/go-kernel/net/virtio"
)

func main() {
	addr := flag.String("addr", ":8080", "where to listen")
	flag.Parse()
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("hello, bench\n"))
	})
	mux.HandleFunc("/bytes", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 0 {
			http.Error(w, "bad n", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		for n > 0 {
			k := min(n, len(chunk))
			if _, err := w.Write(chunk[:k]); err != nil {
				return
			}
			n -= k
		}
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("bye\n"))
		go func() {
			time.Sleep(100 * time.Millisecond)
			os.Exit(0)
		}()
	})
	fmt.Printf("httpd-bench: serving on %s\n", *addr)
	if err := http.ListenAndServe(*addr, mux); err != nil {
		fmt.Println("httpd-bench:", err)
		os.Exit(1)
	}
}
