// go-loadgen: the HTTP client of the network tests and of bench/net.  It sends -n requests over
// -c keep-alive connections to go-httpd (or any static server), checks every body, and prints
// one summary line:
//
//	loadgen: requests=N ok=N bad=0 errors=0 conns=C seconds=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D
//
// It exits 1 if any request failed or any body differed (the first few are described on stderr).
//
//	go-loadgen -url http://127.0.0.1:8080 -n 10000 -c 8 -static /page.html=FILE [-gen] [-quit]
//
// -static PATH=FILE asks for PATH and expects FILE's bytes; -gen also asks for /gen/I (the I-th
// request) and expects httpd.go's generated body; both given, requests alternate.  -quit asks for
// /quit at the end, which ends go-httpd.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// genBody must stay the same as httpd.go's.
func genBody(n int) string {
	var b strings.Builder
	for i := 0; i <= n%64; i++ {
		fmt.Fprintf(&b, "gen %d line %d\n", n, i)
	}
	return b.String()
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	n := flag.Int("n", 1000, "requests to send")
	c := flag.Int("c", 4, "concurrent connections (keep-alive)")
	static := flag.String("static", "", "PATH=FILE: ask for PATH, expect FILE's bytes")
	gen := flag.Bool("gen", false, "ask for /gen/I, expect the generated body")
	quit := flag.Bool("quit", false, "ask for /quit at the end")
	timeout := flag.Duration("timeout", 60*time.Second, "limit per request")
	flag.Parse()

	var staticPath string
	var staticBody []byte
	if *static != "" {
		p, f, ok := strings.Cut(*static, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "loadgen: -static wants PATH=FILE")
			os.Exit(2)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(2)
		}
		staticPath, staticBody = p, b
	}
	if staticPath == "" && !*gen {
		fmt.Fprintln(os.Stderr, "loadgen: give -static PATH=FILE, -gen or both")
		os.Exit(2)
	}

	tr := &http.Transport{MaxIdleConnsPerHost: *c, MaxConnsPerHost: *c, DisableCompression: true}
	// A redirect is an answer to check, never one to follow (it would be a second request).
	client := &http.Client{Transport: tr, Timeout: *timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var next, ok, bad, errs atomic.Int64
	var reported atomic.Int32
	report := func(format string, args ...any) {
		if reported.Add(1) <= 5 {
			fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
		}
	}
	lat := make([]time.Duration, *n)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= *n {
					return
				}
				path, want := staticPath, staticBody
				if *gen && (staticPath == "" || i%2 == 1) {
					path, want = fmt.Sprintf("/gen/%d", i), []byte(genBody(i))
				}
				t0 := time.Now()
				resp, err := client.Get(*url + path)
				if err != nil {
					errs.Add(1)
					report("request %d %s: %v", i, path, err)
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				switch {
				case err != nil:
					errs.Add(1)
					report("request %d %s: reading the body: %v", i, path, err)
				case resp.StatusCode != http.StatusOK:
					bad.Add(1)
					report("request %d %s: status %d", i, path, resp.StatusCode)
				case string(body) != string(want):
					bad.Add(1)
					report("request %d %s: body of %d bytes differs from the %d expected", i, path, len(body), len(want))
				default:
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()

	var done []time.Duration
	for _, d := range lat {
		if d > 0 {
			done = append(done, d)
		}
	}
	sort.Slice(done, func(a, b int) bool { return done[a] < done[b] })
	pct := func(p float64) float64 {
		if len(done) == 0 {
			return 0
		}
		k := int(p*float64(len(done))+0.5) - 1
		if k < 0 {
			k = 0
		}
		if k >= len(done) {
			k = len(done) - 1
		}
		return float64(done[k].Microseconds()) / 1000
	}
	fmt.Printf("loadgen: requests=%d ok=%d bad=%d errors=%d conns=%d seconds=%.3f rps=%.1f "+
		"p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
		*n, ok.Load(), bad.Load(), errs.Load(), *c, secs, float64(ok.Load())/secs,
		pct(0.50), pct(0.90), pct(0.99), pct(1.0))

	if *quit {
		resp, err := client.Get(*url + "/quit")
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: /quit:", err)
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if ok.Load() != int64(*n) {
		os.Exit(1)
	}
}
