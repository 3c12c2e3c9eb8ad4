// Command localserver-bench measures how many credential requests per
// second `s3-credentials localserver` answers on loopback, and their p99
// latency, next to a peer measured in the same run: a bare net/http handler
// returning a constant JSON body of the same size.
//
// Both servers run as child processes of this program (so the load
// generator does not share a Go runtime with them). The credentials come
// from a fixed in-memory source: once cached, the request path is exactly
// the command's (same Handler, cache and access log), and no AWS is needed.
//
//	go run ./bench/localserver                 # wrk when installed, else the Go load generator
//	go run ./bench/localserver -load go -c 64 -d 10s -rounds 3
//	go run ./bench/localserver -peer-url real=http://127.0.0.1:8094/,python=http://127.0.0.1:8095/
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3-credentials/s3-credentials/internal/localserver"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		serve(os.Args[2:])
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "load" {
		fs := flag.NewFlagSet("load", flag.ExitOnError)
		url := fs.String("url", "", "URL to load")
		c := fs.Int("c", 64, "connections")
		d := fs.Duration("d", 10*time.Second, "duration")
		_ = fs.Parse(os.Args[2:])
		r := goLoad(*url, *c, *d, "")
		fmt.Printf("%.0f %.3f %.3f %d\n", r.rps, r.p50, r.p99, r.errors)
		return
	}
	bench()
}

// serve runs one server until SIGINT/SIGTERM and prints its URL.
func serve(args []string) {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	kind := fs.String("kind", "localserver", "localserver or bare")
	logTo := fs.String("log", os.DevNull, "access log file (localserver)")
	token := fs.String("token", "", "required token (localserver)")
	_ = fs.Parse(args)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	creds := aws.Credentials{
		AccessKeyID:     "ASIAEXAMPLEEXAMPLE12",
		SecretAccessKey: strings.Repeat("s", 40),
		SessionToken:    strings.Repeat("t", 356),
		CanExpire:       true,
		Expires:         time.Now().Add(12 * time.Hour),
	}
	cache := localserver.NewCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return creds, nil
	}), nil, nil)
	if _, err := cache.Get(context.Background()); err != nil {
		panic(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("http://%s/\n", ln.Addr())
	switch *kind {
	case "localserver":
		f, err := os.OpenFile(*logTo, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			panic(err)
		}
		h := &localserver.Handler{Cache: cache, AccessLog: localserver.LineWriter(f), Token: localserver.NewToken(*token), LocalHostsOnly: true}
		_ = localserver.Serve(ctx, ln, h)
	case "bare":
		// The same body bytes, served with no cache, no token, no log.
		rec := &recorder{h: http.Header{}}
		(&localserver.Handler{Cache: cache}).ServeHTTP(rec, httpGet())
		body := rec.body
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		})}
		go func() { <-ctx.Done(); _ = srv.Close() }()
		_ = srv.Serve(ln)
	}
}

type recorder struct {
	h    http.Header
	body []byte
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) WriteHeader(int)             {}
func (r *recorder) Write(p []byte) (int, error) { r.body = append(r.body, p...); return len(p), nil }

func httpGet() *http.Request {
	r, _ := http.NewRequest("GET", "http://x/", nil)
	return r
}

type result struct {
	rps, p50, p99 float64 // p50/p99 in ms
	errors        int64
}

// goLoad keeps c connections busy for d and records every latency.
func goLoad(url string, c int, d time.Duration, auth string) result {
	tr := &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c, DisableCompression: true}
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	var errs atomic.Int64
	lats := make([][]time.Duration, c)
	deadline := time.Now().Add(d)
	start := time.Now()
	for i := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", url, nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			for time.Now().Before(deadline) {
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs.Add(1)
				}
				lats[i] = append(lats[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(p*float64(len(all)-1))]) / 1e6
	}
	return result{rps: float64(len(all)) / elapsed.Seconds(), p50: pct(0.50), p99: pct(0.99), errors: errs.Load()}
}

var (
	wrkRPS = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkPct = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)`)
	wrkErr = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`)
)

func wrkLoad(url string, c, threads int, d time.Duration) (result, error) {
	out, err := exec.Command("wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(c), "-d", d.String(), "--latency", url).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	var r result
	m := wrkRPS.FindSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk output not understood:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	for _, p := range wrkPct.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(p[2]), 64)
		switch string(p[3]) {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if string(p[1]) == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	if m := wrkErr.FindSubmatch(out); m != nil {
		r.errors = -1
		if len(m[1]) > 0 {
			r.errors, _ = strconv.ParseInt(string(m[1]), 10, 64)
		}
	}
	return r, nil
}

// child is a server started by bench.
type child struct {
	cmd *exec.Cmd
	url string
}

func startChild(kind string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "serve", "-kind", kind)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	return &child{cmd: cmd, url: strings.TrimSpace(line)}, nil
}

func (c *child) stop() {
	_ = c.cmd.Process.Signal(os.Interrupt)
	_ = c.cmd.Wait()
}

func bench() {
	load := flag.String("load", "auto", "load generator: wrk, go or auto (wrk when on PATH)")
	conns := flag.Int("c", 64, "concurrent connections")
	threads := flag.Int("t", 2, "wrk threads")
	dur := flag.Duration("d", 10*time.Second, "duration of each measurement")
	rounds := flag.Int("rounds", 3, "measurements per server, interleaved; the median is reported")
	peerURLs := flag.String("peer-url", "", "also measure these already running servers, comma-separated NAME=URL or URL (e.g. the real binary, the Python reference)")
	flag.Parse()
	if *load == "auto" {
		*load = "go"
		if _, err := exec.LookPath("wrk"); err == nil {
			*load = "wrk"
		}
	}
	type target struct {
		name string
		url  string
	}
	ls, err := startChild("localserver")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer ls.stop()
	bare, err := startChild("bare")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer bare.stop()
	targets := []target{{"localserver GET /", ls.url}, {"localserver GET /container-credentials", ls.url + "container-credentials"}, {"bare net/http, constant body", bare.url}}
	for _, p := range strings.Split(*peerURLs, ",") {
		if p == "" {
			continue
		}
		name, url, ok := strings.Cut(p, "=")
		if !ok {
			name, url = p, p
		}
		targets = append(targets, target{name, url})
	}
	fmt.Printf("machine: %s, %d CPUs, %s %s/%s; load: %s, %d connections, %s x %d rounds (median)\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, *load, *conns, *dur, *rounds)
	results := make([][]result, len(targets))
	for range *rounds {
		for i, tg := range targets {
			var r result
			if *load == "wrk" {
				r, err = wrkLoad(tg.url, *conns, *threads, *dur)
			} else {
				r, err = goLoadChild(tg.url, *conns, *dur)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			results[i] = append(results[i], r)
		}
	}
	base := median(results[2]).rps // the bare handler
	fmt.Printf("%-42s %12s %9s %9s %8s %7s\n", "server", "req/s", "p50 ms", "p99 ms", "errors", "ratio")
	for i, tg := range targets {
		m := median(results[i])
		errs := strconv.FormatInt(m.errors, 10)
		if m.errors < 0 {
			errs = "socket" // wrk reported socket errors (connect, read, timeout)
		}
		fmt.Printf("%-42s %12.0f %9.3f %9.3f %8s %7.2f\n", tg.name, m.rps, m.p50, m.p99, errs, m.rps/base)
	}
	fmt.Println("ratio: req/s relative to the bare net/http handler")
}

// goLoadChild runs the Go load generator in its own process.
func goLoadChild(url string, c int, d time.Duration) (result, error) {
	self, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	out, err := exec.Command(self, "load", "-url", url, "-c", strconv.Itoa(c), "-d", d.String()).Output()
	if err != nil {
		return result{}, err
	}
	var r result
	_, err = fmt.Sscan(string(out), &r.rps, &r.p50, &r.p99, &r.errors)
	return r, err
}

func median(rs []result) result {
	s := append([]result(nil), rs...)
	sort.Slice(s, func(i, j int) bool { return s[i].rps < s[j].rps })
	return s[len(s)/2]
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if _, v, ok := strings.Cut(line, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}
