// go-httpd: the static HTTP server of the network tests (tests/integration/net_test.cpp) and of
// bench/net.  It serves the files of -dir at /, a generated body at /gen/N (so a client can check
// that each answer is the one it asked for, not a cached one) and ends cleanly at /quit, after
// answering it, printing how many requests it served.
//
//	go-httpd -addr 127.0.0.1:8080 -dir /www
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// genBody is the body of /gen/N; loadgen.go has the same function to check it.
func genBody(n int) string {
	var b strings.Builder
	for i := 0; i <= n%64; i++ {
		fmt.Fprintf(&b, "gen %d line %d\n", n, i)
	}
	return b.String()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := flag.String("dir", "/www", "directory served at /")
	flag.Parse()

	var served atomic.Int64
	quit := make(chan struct{})
	mux := http.NewServeMux()
	files := http.FileServer(http.Dir(*dir))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		files.ServeHTTP(w, r)
	})
	mux.HandleFunc("/gen/", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/gen/"))
		if err != nil || n < 0 {
			http.Error(w, "bad number", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, genBody(n))
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		select {
		case <-quit:
		default:
			close(quit)
		}
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-httpd:", err)
		os.Exit(1)
	}
	fmt.Printf("go-httpd: listening on %s\n", ln.Addr())
	srv := &http.Server{Handler: mux}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintln(os.Stderr, "go-httpd:", err)
		os.Exit(1)
	case <-quit:
	}
	// Shutdown waits for the /quit answer (and any other request in flight) to be written.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "go-httpd: shutdown:", err)
		os.Exit(1)
	}
	fmt.Printf("go-httpd: served %d requests\n", served.Load())
}
