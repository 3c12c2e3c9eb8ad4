// Command bench measures the object commands next to the peers a user
// would reach for: aws-cli v1 and v2 (`aws s3 cp --recursive` / `aws s3 rm
// --recursive`, whichever are installed) and a sequential client (our own
// binary with --concurrency 1, one request at a time as the Python
// reference works). Two targets:
//
//   - latency (default): an in-process S3 (gofakes3, in memory) that adds a
//     fixed latency to every request;
//   - seaweedfs: a real server, SeaweedFS on loopback, started with the
//     project's scripts, every tool over several rounds (medians).
//
// -sweep uploads one file through internal/objects against SeaweedFS with
// every part size x parts in flight asked for.
//
// Run from the module root:
//
//	go run ./bench                     # latency target, a few minutes
//	go run ./bench -quick              # smaller sizes, for a smoke test
//	go run ./bench -target seaweedfs   # the real server
//	go run ./bench -sweep              # part size x parts in flight
//
// Everything stays on loopback; the results table goes to stdout.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

var (
	latency     = flag.Duration("latency", 20*time.Millisecond, "latency added to every request")
	concurrency = flag.Int("concurrency", 16, "--concurrency for our binary")
	nFiles      = flag.Int("files", 1000, "number of small files")
	fileSize    = flag.Int("file-size", 4096, "size of each small file in bytes")
	bigMiB      = flag.Int("big", 256, "size of the large object in MiB")
	nDelete     = flag.Int("delete", 10000, "keys to delete by prefix")
	nList       = flag.Int("list", 100000, "keys to list")
	skipAWS     = flag.Bool("no-aws", false, "skip aws-cli")
	skipSeq     = flag.Bool("no-sequential", false, "skip the sequential client")
	quick       = flag.Bool("quick", false, "small sizes (100 files, 32 MiB, 1,000 deletes, 10,000 listed)")
	timeout     = flag.Duration("timeout", 5*time.Minute, "limit for any one run")
	target      = flag.String("target", "latency", "latency: in-process server with injected latency; seaweedfs: SeaweedFS on loopback, with aws-cli v1 and v2")
	sweep       = flag.Bool("sweep", false, "sweep part size x parts in flight against SeaweedFS instead of the comparison")
	swEndpoint  = flag.String("seaweedfs-endpoint", "", "a running SeaweedFS S3 endpoint (default: start one with scripts/seaweedfs)")
	swAuth      = flag.String("seaweedfs-auth", "", "the admin key file (admin.json) of the running SeaweedFS")
	swPID       = flag.Int("seaweedfs-pid", 0, "the process id of the running SeaweedFS, for its CPU time")
)

type bench struct {
	url     string
	backend *s3mem.Backend
	bin     string
	work    string
	env     []string
	hasAWS  bool
	results []row
}

type row struct {
	scenario, tool string
	secs           float64
	rssMiB         float64
	note           string
}

func main() {
	flag.Parse()
	log.SetFlags(0)
	if *quick {
		*nFiles, *bigMiB, *nDelete, *nList = 100, 32, 1000, 10000
	}
	b := &bench{}
	var err error
	b.work, err = os.MkdirTemp("", "s3c-bench")
	check(err)
	defer os.RemoveAll(b.work)
	if *sweep {
		sw := b.seaweed()
		defer sw.stop()
		runSweep(b.work, sw)
		return
	}

	log.Printf("building the binary")
	b.bin = filepath.Join(b.work, "s3-credentials")
	build := exec.Command("go", "build", "-o", b.bin, "./cmd/s3-credentials")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	check(build.Run())

	switch *target {
	case "latency":
	case "seaweedfs":
		b.realServer()
		return
	default:
		log.Fatalf("-target: %q is neither latency nor seaweedfs", *target)
	}
	b.backend = s3mem.New()
	faker := gofakes3.New(b.backend, gofakes3.WithLogger(gofakes3.DiscardLog()))
	handler := faker.Server()
	delay := *latency
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		handler.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	go func() { _ = http.Serve(ln, slow) }() // ends with the process
	b.url = "http://" + ln.Addr().String()
	// The user's own AWS settings stay out: test keys, no config files.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			b.env = append(b.env, kv)
		}
	}
	b.env = append(b.env,
		"AWS_ACCESS_KEY_ID=bench", "AWS_SECRET_ACCESS_KEY=bench",
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true")
	if !*skipAWS {
		_, err := exec.LookPath("aws")
		b.hasAWS = err == nil
		if !b.hasAWS {
			log.Printf("aws-cli not found: its rows are left out")
		}
	}

	b.smallFiles()
	b.bigObject()
	b.deletePrefix()
	b.listBucket()
	b.report()
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// peer is a tool under test, producing the command for each operation.
type peer struct {
	name string
	cmd  func(op string, args ...string) []string
	// env, when set, makes the peer's environment from the bench's.
	env func([]string) []string
}

func (b *bench) peers() []peer {
	ours := func(conc int) func(string, ...string) []string {
		return func(op string, a ...string) []string {
			cmd := []string{b.bin}
			switch op {
			case "upload-dir": // dir, bucket
				cmd = append(cmd, "put-objects", a[1], a[0], "-s")
			case "download-all": // bucket, dir
				cmd = append(cmd, "get-objects", a[0], "-o", a[1], "-s")
			case "upload-file": // file, bucket, key
				cmd = append(cmd, "put-object", a[1], a[2], a[0], "-s")
			case "download-file": // bucket, key, file
				cmd = append(cmd, "get-object", a[0], a[1], "-o", a[2])
			case "delete-prefix": // bucket, prefix
				cmd = append(cmd, "delete-objects", a[0], "--prefix", a[1], "-s")
			}
			return append(cmd, "--concurrency", fmt.Sprint(conc), "--endpoint-url", b.url)
		}
	}
	ps := []peer{{name: fmt.Sprintf("ours (--concurrency %d)", *concurrency), cmd: ours(*concurrency)}}
	if b.hasAWS {
		for _, a := range findAWSCLIs() {
			ps = append(ps, b.awsPeer(a))
		}
	}
	if !*skipSeq {
		ps = append(ps, peer{name: "sequential (ours, --concurrency 1)", cmd: ours(1)})
	}
	return ps
}

// run times one command; maxrss comes from the kernel's accounting of the
// child (wait4), so it is the peak resident set of that process.
func (b *bench) run(argv []string) (time.Duration, float64) {
	return b.runStdin(argv, nil)
}

func (b *bench) runStdin(argv []string, stdin io.Reader) (time.Duration, float64) {
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	argv, rss := b.measured(argv)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = b.env
	var errOut bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stdout, cmd.Stderr = io.Discard, &errOut
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		log.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, errOut.String())
	}
	return d, rss()
}

// measured wraps argv in /usr/bin/time to learn its peak resident set.
// (The kernel's rusage of a child started from this process would count
// this process's own memory, inherited at fork, which is large here.)
func (b *bench) measured(argv []string) ([]string, func() float64) {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return argv, func() float64 { return 0 }
	}
	out := filepath.Join(b.work, "maxrss")
	os.Remove(out)
	return append([]string{"/usr/bin/time", "-f", "%M", "-o", out}, argv...), func() float64 {
		data, err := os.ReadFile(out)
		if err != nil {
			return 0
		}
		var kib float64
		if _, err := fmt.Sscan(strings.TrimSpace(string(data)), &kib); err != nil {
			return 0
		}
		return kib / 1024
	}
}

func (b *bench) add(scenario, tool string, d time.Duration, rss float64, note string) {
	b.results = append(b.results, row{scenario, tool, d.Seconds(), rss, note})
	log.Printf("%-28s %-36s %8.2fs  %6.1f MiB  %s", scenario, tool, d.Seconds(), rss, note)
}

var bucketSeq int

func (b *bench) newBucket() string {
	bucketSeq++
	name := fmt.Sprintf("bench-%d", bucketSeq)
	check(b.backend.CreateBucket(name))
	return name
}

func (b *bench) count(bucket, prefix string) int {
	list, err := b.backend.ListBucket(bucket, &gofakes3.Prefix{Prefix: prefix, HasPrefix: prefix != ""}, gofakes3.ListBucketPage{})
	check(err)
	return len(list.Contents)
}

func countFiles(dir string) int {
	n := 0
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func (b *bench) smallFiles() {
	src := filepath.Join(b.work, "files")
	check(os.MkdirAll(src, 0o755))
	buf := make([]byte, *fileSize)
	for i := 0; i < *nFiles; i++ {
		rand.Read(buf)
		check(os.WriteFile(filepath.Join(src, fmt.Sprintf("f%05d.bin", i)), buf, 0o644))
	}
	up := fmt.Sprintf("upload %d x %d B", *nFiles, *fileSize)
	down := fmt.Sprintf("download %d x %d B", *nFiles, *fileSize)
	for _, p := range b.peers() {
		bucket := b.newBucket()
		d, rss := b.run(p.cmd("upload-dir", src, bucket))
		if n := b.count(bucket, ""); n != *nFiles {
			log.Fatalf("%s uploaded %d files, want %d", p.name, n, *nFiles)
		}
		b.add(up, p.name, d, rss, "")
		dst := filepath.Join(b.work, "down-"+bucket)
		d, rss = b.run(p.cmd("download-all", bucket, dst))
		if n := countFiles(dst); n != *nFiles {
			log.Fatalf("%s downloaded %d files, want %d", p.name, n, *nFiles)
		}
		b.add(down, p.name, d, rss, "")
		os.RemoveAll(dst)
	}
}

func (b *bench) bigObject() {
	src := filepath.Join(b.work, "big.bin")
	f, err := os.Create(src)
	check(err)
	buf := make([]byte, 1<<20)
	for i := 0; i < *bigMiB; i++ {
		rand.Read(buf)
		_, err := f.Write(buf)
		check(err)
	}
	check(f.Close())
	size := int64(*bigMiB) << 20
	up := fmt.Sprintf("upload 1 x %d MiB", *bigMiB)
	down := fmt.Sprintf("download 1 x %d MiB", *bigMiB)
	for _, p := range b.peers() {
		bucket := b.newBucket()
		d, rss := b.run(p.cmd("upload-file", src, bucket, "big.bin"))
		b.add(up, p.name, d, rss, fmt.Sprintf("%.0f MiB/s", float64(size)/(1<<20)/d.Seconds()))
		dst := filepath.Join(b.work, "big-down.bin")
		d, rss = b.run(p.cmd("download-file", bucket, "big.bin", dst))
		st, err := os.Stat(dst)
		check(err)
		if st.Size() != size {
			log.Fatalf("%s downloaded %d bytes, want %d", p.name, st.Size(), size)
		}
		b.add(down, p.name, d, rss, fmt.Sprintf("%.0f MiB/s", float64(size)/(1<<20)/d.Seconds()))
		os.Remove(dst)
		_, err = b.backend.DeleteObject(bucket, "big.bin")
		check(err)
		runtime.GC()
	}
	// Standard input is streamed: memory stays bounded whatever the size.
	bucket := b.newBucket()
	in, err := os.Open(src)
	check(err)
	d, rss := b.runStdin([]string{b.bin, "put-object", bucket, "big.bin", "-", "-s", "--endpoint-url", b.url}, in)
	in.Close()
	if n := b.count(bucket, ""); n != 1 {
		log.Fatalf("stdin upload: %d objects", n)
	}
	b.add(up+" from stdin", "ours (--concurrency 16)", d, rss, fmt.Sprintf("%.0f MiB/s", float64(size)/(1<<20)/d.Seconds()))
	_, err = b.backend.DeleteObject(bucket, "big.bin")
	check(err)
	os.Remove(src)
}

func (b *bench) fill(bucket, prefix string, n int) {
	for i := 0; i < n; i++ {
		_, err := b.backend.PutObject(bucket, fmt.Sprintf("%s%07d", prefix, i), map[string]string{}, strings.NewReader("x"), 1, nil)
		check(err)
	}
}

func (b *bench) deletePrefix() {
	name := fmt.Sprintf("delete %d keys by prefix", *nDelete)
	for _, p := range b.peers() {
		bucket := b.newBucket()
		b.fill(bucket, "del/", *nDelete)
		b.fill(bucket, "keep/", 10)
		d, rss := b.run(p.cmd("delete-prefix", bucket, "del/"))
		if n := b.count(bucket, ""); n != 10 {
			log.Fatalf("%s left %d keys, want 10", p.name, n)
		}
		b.add(name, p.name, d, rss, "")
	}
}

// listBucket streams a large listing: peak memory, and when the first line
// came out compared with the end.
func (b *bench) listBucket() {
	bucket := b.newBucket()
	b.fill(bucket, "k/", *nList)
	for _, format := range []string{"--nl", "json"} {
		args := []string{"list-bucket", bucket, "--endpoint-url", b.url}
		if format == "--nl" {
			args = append(args, "--nl")
		}
		argv, rss := b.measured(append([]string{b.bin}, args...))
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = b.env
		out, err := cmd.StdoutPipe()
		check(err)
		start := time.Now()
		check(cmd.Start())
		r := bufio.NewReaderSize(out, 1<<16)
		var first time.Duration
		lines := 0
		for {
			line, err := r.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				break
			}
			if first == 0 {
				first = time.Since(start)
			}
			// One line an object with --nl; "  {" opens one in the array.
			if format == "--nl" || bytes.HasPrefix(line, []byte("  {")) {
				lines++
			}
		}
		check(cmd.Wait())
		total := time.Since(start)
		if want := *nList; lines != want {
			log.Fatalf("list-bucket %s printed %d lines, want %d", format, lines, want)
		}
		b.add(fmt.Sprintf("list-bucket %d keys (%s)", *nList, format), "ours", total, rss(),
			fmt.Sprintf("first line after %.2fs", first.Seconds()))
	}
}

func (b *bench) report() {
	cpu := "unknown"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	load := ""
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(data))[:3], " ")
	}
	fmt.Printf("\nMachine: %d CPUs (%s), load average at the end %s; %s; latency %v per request.\n\n",
		runtime.NumCPU(), cpu, load, runtime.Version(), *latency)
	fmt.Println("| scenario | tool | seconds | vs ours | peak RSS MiB | note |")
	fmt.Println("|---|---|---:|---:|---:|---|")
	base := map[string]float64{}
	for _, r := range b.results {
		if strings.HasPrefix(r.tool, "ours") {
			if _, ok := base[r.scenario]; !ok {
				base[r.scenario] = r.secs
			}
		}
	}
	for _, r := range b.results {
		ratio := ""
		if o := base[r.scenario]; o > 0 && !strings.HasPrefix(r.tool, "ours") {
			if r.secs >= o {
				ratio = fmt.Sprintf("%.1fx slower", r.secs/o)
			} else {
				ratio = fmt.Sprintf("%.1fx faster", o/r.secs)
			}
		}
		fmt.Printf("| %s | %s | %.2f | %s | %.1f | %s |\n", r.scenario, r.tool, r.secs, ratio, r.rssMiB, r.note)
	}
	ideal := float64(*nFiles) * latency.Seconds() / float64(*concurrency)
	fmt.Printf("\nFloor for %d small files at --concurrency %d: %d x %v / %d = %.2fs per direction.\n",
		*nFiles, *concurrency, *nFiles, *latency, *concurrency, ideal)
}

func (b *bench) seaweed() *seaweed {
	if *swEndpoint != "" {
		return runningSeaweed(*swEndpoint, *swAuth, *swPID)
	}
	return startSeaweed(b.work)
}
