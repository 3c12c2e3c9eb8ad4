package main

// The sweep uploads one file in-process through internal/objects (the code
// put-object runs) with every combination of part size, parts in flight and
// payload checksum mode asked for, interleaved round by round, and reports
// for each: wall time, this process's CPU, the server's CPU, and per part
// where the time went (httptrace): hashing before the request, sending the
// body, waiting for the answer after the last byte.

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3-credentials/s3-credentials/internal/objects"
)

var (
	sweepParts    = flag.String("sweep-part-mib", "5,8,16,32,64", "part sizes (MiB) the sweep tries")
	sweepInflight = flag.String("sweep-inflight", "1,2,4,8,16", "parts in flight the sweep tries")
	sweepModes    = flag.String("sweep-checksum", "default", "payload checksum modes the sweep tries: default (SHA-256 signed payload + CRC32 header), unsigned (CRC32 header only), sha256 (signed payload, no CRC32), trailer (CRC32 trailer, aws-chunked)")
	sweepRounds   = flag.Int("sweep-rounds", 3, "rounds of the sweep (each round runs every combination once)")
	sweepMiB      = flag.Int("sweep-mib", 256, "size of the file the sweep uploads (MiB)")
	sweepTrace    = flag.Bool("sweep-parts", false, "print every part's timeline")
	sweepAuto     = flag.Bool("sweep-auto", true, "also run the defaults (objects.New as put-object uses it)")
	sweepFar      = flag.Bool("sweep-far", false, "sweep through the far-region proxy (toxiproxy) instead of loopback")
)

type sweepConfig struct {
	partMiB, inflight int // 0, 0: the defaults
	mode              string
}

func (c sweepConfig) String() string {
	if c.partMiB == 0 {
		return "defaults/" + c.mode
	}
	return fmt.Sprintf("%dMiB x %d/%s", c.partMiB, c.inflight, c.mode)
}

type sweepResult struct {
	wall, cpu, server []float64
	prep, send, wait  []float64 // per part, seconds
}

func ints(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			log.Fatalf("not a number: %q", f)
		}
		out = append(out, n)
	}
	return out
}

func runSweep(work string, sw *seaweed) {
	if *sweepFar {
		proxy := startFarProxy(work, sw.endpoint)
		defer proxy.stop()
		far := *sw
		far.endpoint = proxy.endpoint
		sw = &far
	}
	src := filepath.Join(work, "sweep.bin")
	writeRandomFile(src, *sweepMiB)
	var configs []sweepConfig
	for _, mode := range strings.Split(*sweepModes, ",") {
		if *sweepAuto {
			configs = append(configs, sweepConfig{0, 0, mode})
		}
		for _, p := range ints(*sweepParts) {
			for _, n := range ints(*sweepInflight) {
				configs = append(configs, sweepConfig{p, n, mode})
			}
		}
	}
	ctx := context.Background()
	admin := sweepClient(sw, "default", nil)
	bucket := fmt.Sprintf("sweep-%d", time.Now().Unix())
	_, err := admin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	check(err)
	results := map[sweepConfig]*sweepResult{}
	for round := 0; round < *sweepRounds; round++ {
		// Rotate the order each round so no configuration always runs
		// right after the same neighbour.
		for i := range configs {
			cfg := configs[(i+round*7)%len(configs)]
			r := results[cfg]
			if r == nil {
				r = &sweepResult{}
				results[cfg] = r
			}
			sweepOnce(ctx, sw, bucket, src, cfg, r)
		}
	}
	fmt.Printf("\nSweep: %d MiB file, %d rounds; medians (min-max) over rounds; per-part figures are medians over all parts of all rounds.\n\n", *sweepMiB, *sweepRounds)
	fmt.Println("| part size x in flight / checksum | wall s | MiB/s | client CPU s | server CPU s | part: hash s | part: send s | part: wait s |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, cfg := range configs {
		r := results[cfg]
		w := median(r.wall)
		fmt.Printf("| %s | %s | %.0f | %.2f | %.2f | %.3f | %.3f | %.3f |\n", cfg, spread(r.wall), float64(*sweepMiB)/w,
			median(r.cpu), median(r.server), median(r.prep), median(r.send), median(r.wait))
	}
}

// partTrace is one UploadPart (or PutObject) request's timeline.
type partTrace struct {
	part                                    int
	call, do, conn, wroteReq, first, finish time.Time
	reused                                  bool
}

type tracer struct {
	mu    sync.Mutex
	parts []*partTrace
}

type callStartKey struct{}

// sweepClient builds an S3 client for the server with the checksum mode
// asked for; tr (if set) records each body-carrying request.
func sweepClient(sw *seaweed, mode string, tr *tracer) *s3.Client {
	endpoint := sw.endpoint
	if mode == "trailer" {
		// The SDK sends trailing checksums only over TLS: it is told the
		// endpoint is https and the transport below sends plain HTTP.
		endpoint = strings.Replace(endpoint, "http://", "https://", 1)
	}
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(sw.keyID, sw.secret, ""),
		BaseEndpoint: aws.String(endpoint),
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = true
		switch mode {
		case "default", "trailer":
		case "unsigned":
			o.APIOptions = append(o.APIOptions, unsignedPayload)
		case "sha256":
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		default:
			log.Fatalf("unknown checksum mode %q", mode)
		}
		if tr != nil {
			o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
				return s.Initialize.Add(middleware.InitializeMiddlewareFunc("benchCallStart",
					func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
						return next.HandleInitialize(context.WithValue(ctx, callStartKey{}, time.Now()), in)
					}), middleware.Before)
			})
		}
	})
}

// unsignedPayload marks the payload unsigned before the checksum middleware
// runs, so it computes only the CRC32 header and no SHA-256.
func unsignedPayload(s *middleware.Stack) error {
	return s.Build.Add(middleware.BuildMiddlewareFunc("benchUnsignedPayload",
		func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			return next.HandleBuild(v4.SetPayloadHash(ctx, "UNSIGNED-PAYLOAD"), in)
		}), middleware.After)
}

// traceHTTP wraps the client's HTTP client: it records the timeline of every
// PUT, and (for the trailer mode) sends https requests as plain http.
type traceHTTP struct {
	inner s3.HTTPClient
	tr    *tracer
	plain bool
}

func (t traceHTTP) Do(req *http.Request) (*http.Response, error) {
	if t.plain && req.URL.Scheme == "https" {
		req.URL.Scheme = "http"
	}
	if req.Method != http.MethodPut || t.tr == nil {
		return t.inner.Do(req)
	}
	p := &partTrace{do: time.Now()}
	p.call, _ = req.Context().Value(callStartKey{}).(time.Time)
	p.part, _ = strconv.Atoi(req.URL.Query().Get("partNumber"))
	ct := &httptrace.ClientTrace{
		GotConn:        func(i httptrace.GotConnInfo) { p.conn, p.reused = time.Now(), i.Reused },
		WroteRequest:   func(httptrace.WroteRequestInfo) { p.wroteReq = time.Now() },
		Got100Continue: func() { p.first = time.Now() },
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), ct))
	resp, err := t.inner.Do(req)
	p.finish = time.Now()
	t.tr.mu.Lock()
	t.tr.parts = append(t.tr.parts, p)
	t.tr.mu.Unlock()
	return resp, err
}

func sweepOnce(ctx context.Context, sw *seaweed, bucket, src string, cfg sweepConfig, r *sweepResult) {
	tr := &tracer{}
	oc := objects.New(sweepClient(sw, cfg.mode, tr), objects.DefaultConcurrency)
	if cfg.partMiB != 0 {
		oc.Concurrency = cfg.inflight
		oc.UploadPartSize = int64(cfg.partMiB) << 20
	}
	var limits []string
	oc.Trace = func(at time.Duration, limit int, units int64) {
		limits = append(limits, fmt.Sprintf("%.1fs:%d", at.Seconds(), limit))
	}
	// Trace under objects' own HTTP client (its pool and progress counting).
	oc.S3 = s3.New(oc.S3.Options(), func(o *s3.Options) {
		o.HTTPClient = traceHTTP{inner: o.HTTPClient, tr: tr, plain: cfg.mode == "trailer"}
	})
	key := fmt.Sprintf("sweep-%d", time.Now().UnixNano())
	cpu0, srv0 := selfCPU(), sw.cpu()
	start := time.Now()
	err := oc.PutFile(ctx, bucket, key, src, "", nil)
	wall := time.Since(start)
	cpu, srv := selfCPU()-cpu0, sw.cpu()-srv0
	if err != nil {
		log.Fatalf("sweep %s: %v", cfg, err)
	}
	head, err := oc.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	check(err)
	if want := int64(*sweepMiB) << 20; aws.ToInt64(head.ContentLength) != want {
		log.Fatalf("sweep %s: uploaded %d bytes, want %d", cfg, aws.ToInt64(head.ContentLength), want)
	}
	_, err = oc.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	check(err)
	r.wall = append(r.wall, wall.Seconds())
	r.cpu = append(r.cpu, cpu.Seconds())
	r.server = append(r.server, srv.Seconds())
	for _, p := range tr.parts {
		if !p.call.IsZero() {
			r.prep = append(r.prep, p.do.Sub(p.call).Seconds())
		}
		if !p.wroteReq.IsZero() {
			r.send = append(r.send, p.wroteReq.Sub(p.conn).Seconds())
			r.wait = append(r.wait, p.finish.Sub(p.wroteReq).Seconds())
		}
	}
	log.Printf("sweep %-24s %6.2fs  client CPU %.2fs  server CPU %.2fs  %d requests  parts in flight from %d: %s", cfg, wall.Seconds(), cpu.Seconds(), srv.Seconds(), len(tr.parts), objects.PlanStartParts, strings.Join(limits, " "))
	if *sweepTrace {
		sort.Slice(tr.parts, func(i, j int) bool { return tr.parts[i].call.Before(tr.parts[j].call) })
		for _, p := range tr.parts {
			at := func(t time.Time) string {
				if t.IsZero() {
					return "-"
				}
				return fmt.Sprintf("%.2f", t.Sub(start).Seconds())
			}
			log.Printf("  part %3d  call %s  do %s  conn %s (reused %v)  sent %s  100-continue %s  answered %s",
				p.part, at(p.call), at(p.do), at(p.conn), p.reused, at(p.wroteReq), at(p.first), at(p.finish))
		}
	}
}

// selfCPU is this process's CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func writeRandomFile(path string, mib int) {
	f, err := os.Create(path)
	check(err)
	buf := make([]byte, 1<<20)
	for i := 0; i < mib; i++ {
		rand.Read(buf)
		_, err := f.Write(buf)
		check(err)
	}
	check(f.Close())
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// spread formats a median with the smallest and largest value.
func spread(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 1 {
		return fmt.Sprintf("%.2f", s[0])
	}
	return fmt.Sprintf("%.2f (%.2f-%.2f)", median(s), s[0], s[len(s)-1])
}
