package main

// The second target: a real S3 server (SeaweedFS) on loopback, with server
// and clients on the same cores. Every tool runs every scenario once per
// round, interleaved, and the table gives medians over the rounds with the
// ratio to ours taken from those medians.

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

var (
	rounds   = flag.Int("rounds", 3, "rounds against SeaweedFS (medians are reported)")
	swBigMiB = flag.String("seaweedfs-big", "256,1024", "sizes (MiB) of the large objects against SeaweedFS")
	swSmall  = flag.Bool("seaweedfs-small", true, "run the small-file scenarios against SeaweedFS")
)

// awsCLI is one installed aws-cli.
type awsCLI struct {
	path, version string
	major         int
}

// findAWSCLIs finds aws-cli v1 and v2: `aws` on the PATH and the usual
// install places of v2, one of each major version.
func findAWSCLIs() []awsCLI {
	var found []awsCLI
	seen := map[int]bool{}
	cands := []string{"aws", "/usr/local/bin/aws", "/usr/bin/aws"}
	if p := os.Getenv("AWS_CLI_V2"); p != "" {
		cands = append([]string{p}, cands...)
	}
	for _, c := range cands {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		out, err := exec.Command(p, "--version").CombinedOutput()
		if err != nil {
			continue
		}
		v := strings.Fields(string(out))
		if len(v) == 0 || !strings.HasPrefix(v[0], "aws-cli/") {
			continue
		}
		ver := strings.TrimPrefix(v[0], "aws-cli/")
		major := int(ver[0] - '0')
		if seen[major] {
			continue
		}
		seen[major] = true
		found = append(found, awsCLI{p, ver, major})
	}
	return found
}

func (b *bench) awsPeer(a awsCLI) peer {
	return peer{fmt.Sprintf("aws-cli v%d (%s)", a.major, a.version), func(op string, x ...string) []string {
		cmd := []string{a.path, "--endpoint-url", b.url, "s3"}
		switch op {
		case "upload-dir":
			cmd = append(cmd, "cp", "--recursive", x[0], "s3://"+x[1]+"/"+filepath.Base(x[0])+"/")
		case "download-all":
			cmd = append(cmd, "cp", "--recursive", "s3://"+x[0]+"/", x[1])
		case "upload-file":
			cmd = append(cmd, "cp", x[0], "s3://"+x[1]+"/"+x[2])
		case "download-file":
			cmd = append(cmd, "cp", "s3://"+x[0]+"/"+x[1], x[2])
		case "delete-prefix":
			cmd = append(cmd, "rm", "--recursive", "s3://"+x[0]+"/"+x[1])
		}
		return append(cmd, "--only-show-errors")
	}}
}

// oursDefault runs our binary with default flags (no --concurrency).
func (b *bench) oursDefault() peer {
	return peer{"ours (default flags)", func(op string, a ...string) []string {
		cmd := []string{b.bin}
		switch op {
		case "upload-dir":
			cmd = append(cmd, "put-objects", a[1], a[0], "-s")
		case "download-all":
			cmd = append(cmd, "get-objects", a[0], "-o", a[1], "-s")
		case "upload-file":
			cmd = append(cmd, "put-object", a[1], a[2], a[0], "-s")
		case "download-file":
			cmd = append(cmd, "get-object", a[0], a[1], "-o", a[2])
		}
		return append(cmd, "--endpoint-url", b.url)
	}}
}

type realBench struct {
	*bench
	sw    *seaweed
	s3    *s3.Client
	times map[[2]string][]float64 // scenario, tool -> seconds per round
	ccpu  map[[2]string][]float64 // the tool's CPU seconds (user + system)
	scpu  map[[2]string][]float64 // the server's CPU seconds meanwhile
	order [][2]string
	seq   int
	warm  map[string]string // scenario -> its bucket
}

func (b *bench) realServer() {
	sw := b.seaweed()
	defer sw.stop()
	b.url = sw.endpoint
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			b.env = append(b.env, kv)
		}
	}
	b.env = append(b.env,
		"AWS_ACCESS_KEY_ID="+sw.keyID, "AWS_SECRET_ACCESS_KEY="+sw.secret,
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	rb := &realBench{bench: b, sw: sw, s3: sweepClient(sw, "default", nil), times: map[[2]string][]float64{}, ccpu: map[[2]string][]float64{}, scpu: map[[2]string][]float64{}, warm: map[string]string{}}
	peers := []peer{b.oursDefault()}
	var clis []string
	if !*skipAWS {
		for _, a := range findAWSCLIs() {
			peers = append(peers, b.awsPeer(a))
			clis = append(clis, fmt.Sprintf("aws-cli %s (%s)", a.version, a.path))
		}
	}
	src := filepath.Join(b.work, "files")
	if *swSmall {
		makeSmallFiles(src)
	}
	bigs := map[int]string{}
	for _, mib := range ints(*swBigMiB) {
		p := filepath.Join(b.work, fmt.Sprintf("big-%d.bin", mib))
		writeRandomFile(p, mib)
		bigs[mib] = p
	}
	log.Printf("SeaweedFS %s at %s; peers: %s", sw.version(), sw.endpoint, strings.Join(clis, ", "))
	for round := 0; round < *rounds; round++ {
		// Rotate who goes first, so no tool always follows the same one.
		for i := range peers {
			p := peers[(i+round)%len(peers)]
			if *swSmall {
				rb.small(p, src)
			}
			for _, mib := range ints(*swBigMiB) {
				rb.big(p, bigs[mib], mib)
			}
		}
	}
	for _, bucket := range rb.warm {
		rb.empty(bucket, true)
	}
	rb.report(sw, clis)
}

func makeSmallFiles(src string) {
	check(os.MkdirAll(src, 0o755))
	buf := make([]byte, *fileSize)
	for i := 0; i < *nFiles; i++ {
		rand.Read(buf)
		check(os.WriteFile(filepath.Join(src, fmt.Sprintf("f%05d.bin", i)), buf, 0o644))
	}
}

// bucket is the scenario's bucket, the same for every tool and round. A new
// bucket is a new collection to SeaweedFS, whose first write waits for
// volumes to be allocated: it is created and written to once up front, so
// no tool pays for that in its time.
func (rb *realBench) bucket(scenario string) string {
	if name, ok := rb.warm[scenario]; ok {
		return name
	}
	rb.seq++
	name := fmt.Sprintf("bench-%d-%d", time.Now().Unix(), rb.seq)
	ctx := context.Background()
	_, err := rb.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	check(err)
	_, err = rb.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String("warm-up"), Body: strings.NewReader("x")})
	check(err)
	rb.empty(name, false)
	rb.warm[scenario] = name
	return name
}

// run times argv and reads its CPU time (user + system, from /usr/bin/time)
// and the server's CPU time meanwhile.
func (rb *realBench) run(argv []string) measure {
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	out := filepath.Join(rb.work, "cpu")
	os.Remove(out)
	cmd := exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-f", "%U %S", "-o", out}, argv...)...)
	cmd.Env = rb.env
	var errOut strings.Builder
	cmd.Stderr = &errOut
	s0 := rb.sw.cpu()
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start)}
	m.server = rb.sw.cpu() - s0
	if err != nil {
		log.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, errOut.String())
	}
	if data, err := os.ReadFile(out); err == nil {
		var u, s float64
		fmt.Sscan(string(data), &u, &s)
		m.client = time.Duration((u + s) * float64(time.Second))
	}
	return m
}

type measure struct{ wall, client, server time.Duration }

func (rb *realBench) record(scenario, tool string, m measure, note string) {
	k := [2]string{scenario, tool}
	if _, ok := rb.times[k]; !ok {
		rb.order = append(rb.order, k)
	}
	rb.times[k] = append(rb.times[k], m.wall.Seconds())
	rb.ccpu[k] = append(rb.ccpu[k], m.client.Seconds())
	rb.scpu[k] = append(rb.scpu[k], m.server.Seconds())
	log.Printf("%-20s %-26s %7.2fs  CPU: tool %5.2fs server %5.2fs  %s", scenario, tool, m.wall.Seconds(), m.client.Seconds(), m.server.Seconds(), note)
}

// objects lists bucket: key -> size.
func (rb *realBench) objects(bucket string) map[string]int64 {
	out := map[string]int64{}
	pg := s3.NewListObjectsV2Paginator(rb.s3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(context.Background())
		check(err)
		for _, o := range page.Contents {
			out[aws.ToString(o.Key)] = aws.ToInt64(o.Size)
		}
	}
	return out
}

// empty deletes everything in bucket, and the bucket too if asked.
func (rb *realBench) empty(bucket string, andBucket bool) {
	ctx := context.Background()
	var ids []types.ObjectIdentifier
	for k := range rb.objects(bucket) {
		ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		_, err := rb.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Objects: ids[:n], Quiet: aws.Bool(true)}})
		check(err)
		ids = ids[n:]
	}
	if andBucket {
		_, err := rb.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
		check(err)
	}
}

func (rb *realBench) small(p peer, src string) {
	bucket := rb.bucket("small")
	d := rb.run(p.cmd("upload-dir", src, bucket))
	objs := rb.objects(bucket)
	if len(objs) != *nFiles {
		log.Fatalf("%s uploaded %d files, want %d", p.name, len(objs), *nFiles)
	}
	for k, n := range objs {
		if n != int64(*fileSize) {
			log.Fatalf("%s: %s has %d bytes, want %d", p.name, k, n, *fileSize)
		}
	}
	rb.record(fmt.Sprintf("%d x %d KiB up", *nFiles, *fileSize/1024), p.name, d, "")
	dst := filepath.Join(rb.work, "down-"+bucket)
	d = rb.run(p.cmd("download-all", bucket, dst))
	if n := countFiles(dst); n != *nFiles {
		log.Fatalf("%s downloaded %d files, want %d", p.name, n, *nFiles)
	}
	rb.record(fmt.Sprintf("%d x %d KiB down", *nFiles, *fileSize/1024), p.name, d, "")
	os.RemoveAll(dst)
	rb.empty(bucket, false)
}

func (rb *realBench) big(p peer, src string, mib int) {
	bucket := rb.bucket(fmt.Sprint(mib))
	size := int64(mib) << 20
	d := rb.run(p.cmd("upload-file", src, bucket, "big.bin"))
	if objs := rb.objects(bucket); len(objs) != 1 || objs["big.bin"] != size {
		log.Fatalf("%s upload of %d MiB: %v", p.name, mib, objs)
	}
	rb.record(fmt.Sprintf("%d MiB up", mib), p.name, d, fmt.Sprintf("%.0f MiB/s", float64(mib)/d.wall.Seconds()))
	dst := filepath.Join(rb.work, "big-down.bin")
	d = rb.run(p.cmd("download-file", bucket, "big.bin", dst))
	st, err := os.Stat(dst)
	check(err)
	if st.Size() != size {
		log.Fatalf("%s downloaded %d bytes, want %d", p.name, st.Size(), size)
	}
	rb.record(fmt.Sprintf("%d MiB down", mib), p.name, d, fmt.Sprintf("%.0f MiB/s", float64(mib)/d.wall.Seconds()))
	os.Remove(dst)
	rb.empty(bucket, false)
}

func (rb *realBench) report(sw *seaweed, clis []string) {
	fmt.Printf("\nSeaweedFS %s on loopback; %d CPUs (%s); load average at the end %s; %s; %d rounds.\n",
		sw.version(), runtime.NumCPU(), cpuModel(), loadAvg(), runtime.Version(), *rounds)
	if len(clis) > 0 {
		fmt.Printf("Peers: %s.\n", strings.Join(clis, "; "))
	}
	fmt.Println("\n| work | tool | median s | runs (s) | its time / ours | tool CPU s | server CPU s |")
	fmt.Println("|---|---|---:|---|---:|---:|---:|")
	ours := map[string]float64{}
	for _, k := range rb.order {
		if strings.HasPrefix(k[1], "ours") {
			ours[k[0]] = median(rb.times[k])
		}
	}
	for _, k := range rb.order {
		ts := rb.times[k]
		m := median(ts)
		var runs []string
		for _, t := range ts {
			runs = append(runs, fmt.Sprintf("%.2f", t))
		}
		ratio := ""
		if o := ours[k[0]]; o > 0 && !strings.HasPrefix(k[1], "ours") {
			ratio = fmt.Sprintf("%.1fx", m/o)
		}
		fmt.Printf("| %s | %s | %.2f | %s | %s | %.2f | %.2f |\n", k[0], k[1], m, strings.Join(runs, " "), ratio, median(rb.ccpu[k]), median(rb.scpu[k]))
	}
}

func cpuModel() string {
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "model name") {
				return strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
			}
		}
	}
	return "unknown"
}

func loadAvg() string {
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		return strings.Join(strings.Fields(string(data))[:3], " ")
	}
	return "unknown"
}
