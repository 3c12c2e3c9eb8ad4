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

	"github.com/s3-credentials/s3-credentials/internal/objects"
)

var (
	rounds   = flag.Int("rounds", 3, "rounds against SeaweedFS (medians are reported)")
	swBigMiB = flag.String("seaweedfs-big", "256,1024", "sizes (MiB) of the large objects against SeaweedFS")
	swSmall  = flag.Bool("seaweedfs-small", true, "run the small-file scenarios against SeaweedFS")
	// The profiles and peers of the SeaweedFS target.
	profilesFlag = flag.String("profiles", "loopback,far", "SeaweedFS target: how the tools reach it: loopback, far (through toxiproxy), or both")
	farBigMiB    = flag.String("far-big", "256", "sizes (MiB) of the large objects in the far profile (0: none)")
	awsV1        = flag.Bool("aws-v1", false, "also run aws-cli v1 when installed (the SeaweedFS target runs v2 by default)")
	skipRclone   = flag.Bool("no-rclone", false, "leave rclone out of the SeaweedFS target")
	baseline     = flag.String("baseline", "", "SeaweedFS target: also run this build of s3-credentials with default flags (e.g. the main branch's), shown as 'before', not a peer")
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
	return peer{name: fmt.Sprintf("aws-cli v%d (%s)", a.major, a.version), cmd: func(op string, x ...string) []string {
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
func (b *bench) oursDefault() peer { return b.oursBuild("ours (default flags)", b.bin) }

// oursBuild runs a build of s3-credentials (bin) with default flags.
func (b *bench) oursBuild(name, bin string) peer {
	return peer{name: name, cmd: func(op string, a ...string) []string {
		cmd := []string{bin}
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

// rclonePeer runs rclone (Debian's 1.60) with default flags, its remote
// set up from the environment. rclone 1.60 refuses to start while
// AWS_CA_BUNDLE is set, so that is left out of its environment alone.
func (b *bench) rclonePeer(path, version string) peer {
	return peer{name: "rclone (" + version + ")", cmd: func(op string, x ...string) []string {
		cmd := []string{path, "-q"}
		switch op {
		case "upload-dir":
			cmd = append(cmd, "copy", x[0], "bench:"+x[1]+"/"+filepath.Base(x[0]))
		case "download-all":
			cmd = append(cmd, "copy", "bench:"+x[0], x[1])
		case "upload-file":
			cmd = append(cmd, "copyto", x[0], "bench:"+x[1]+"/"+x[2])
		case "download-file":
			cmd = append(cmd, "copyto", "bench:"+x[0]+"/"+x[1], x[2])
		}
		return cmd
	}, env: func(env []string) []string {
		var out []string
		for _, kv := range env {
			if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") && !strings.HasPrefix(kv, "RCLONE_") {
				out = append(out, kv)
			}
		}
		var key, secret string
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "AWS_ACCESS_KEY_ID="); ok {
				key = v
			}
			if v, ok := strings.CutPrefix(kv, "AWS_SECRET_ACCESS_KEY="); ok {
				secret = v
			}
		}
		return append(out, "RCLONE_CONFIG="+os.DevNull,
			"RCLONE_CONFIG_BENCH_TYPE=s3", "RCLONE_CONFIG_BENCH_PROVIDER=Other",
			"RCLONE_CONFIG_BENCH_ENV_AUTH=false", "RCLONE_CONFIG_BENCH_REGION=us-east-1",
			"RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="+key, "RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="+secret,
			"RCLONE_CONFIG_BENCH_ENDPOINT="+b.url)
	}}
}

// findRclone finds rclone and its version, or "".
func findRclone() (path, version string) {
	p, err := exec.LookPath("rclone")
	if err != nil {
		return "", ""
	}
	out, err := exec.Command(p, "version").Output()
	if err != nil {
		return "", ""
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return "", ""
	}
	return p, f[1]
}

// profile is a way of reaching the server: loopback, or through the
// far-region proxy.
type profile struct {
	name  string
	proxy *farProxy
	bigs  []int
	loads []float64 // 1-minute load average at the start of every run
}

type runKey struct{ profile, work, tool string }

type realBench struct {
	*bench
	sw    *seaweed
	s3    *s3.Client
	prof  *profile
	runs  map[runKey][]measure
	order []runKey
	seq   int
	warm  map[string]string // scenario -> its bucket
}

func (b *bench) realServer() {
	sw := b.seaweed()
	defer sw.stop()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "RCLONE_") {
			b.env = append(b.env, kv)
		}
	}
	b.env = append(b.env,
		"AWS_ACCESS_KEY_ID="+sw.keyID, "AWS_SECRET_ACCESS_KEY="+sw.secret,
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	rb := &realBench{bench: b, sw: sw, s3: sweepClient(sw, "default", nil), runs: map[runKey][]measure{}, warm: map[string]string{}}
	peers := []peer{b.oursDefault()}
	if *baseline != "" {
		// Another build of ours, e.g. the main branch's: shown beside the
		// others, never counted as a peer.
		peers = append(peers, b.oursBuild("before ("+filepath.Base(*baseline)+")", *baseline))
	}
	var names []string
	if !*skipAWS {
		for _, a := range findAWSCLIs() {
			if a.major == 1 && !*awsV1 {
				continue
			}
			peers = append(peers, b.awsPeer(a))
			names = append(names, fmt.Sprintf("aws-cli %s (%s)", a.version, a.path))
		}
	}
	if p, v := findRclone(); p != "" && !*skipRclone {
		peers = append(peers, b.rclonePeer(p, v))
		names = append(names, fmt.Sprintf("rclone %s (%s)", v, p))
	}
	src := filepath.Join(b.work, "files")
	if *swSmall {
		makeSmallFiles(src)
	}
	var profiles []*profile
	sizes := map[int]bool{}
	for _, name := range strings.Split(*profilesFlag, ",") {
		pr := &profile{name: name}
		switch name {
		case "loopback":
			pr.bigs = ints(*swBigMiB)
		case "far":
			pr.bigs = ints(*farBigMiB)
			pr.proxy = startFarProxy(b.work, sw.endpoint)
			defer pr.proxy.stop()
		default:
			log.Fatalf("-profiles: %q is neither loopback nor far", name)
		}
		for _, mib := range pr.bigs {
			sizes[mib] = true
		}
		profiles = append(profiles, pr)
	}
	bigs := map[int]string{}
	for mib := range sizes {
		if mib == 0 {
			continue
		}
		p := filepath.Join(b.work, fmt.Sprintf("big-%d.bin", mib))
		writeRandomFile(p, mib)
		bigs[mib] = p
	}
	log.Printf("SeaweedFS %s at %s; peers: %s", sw.version(), sw.endpoint, strings.Join(names, ", "))
	for _, pr := range profiles {
		rb.prof = pr
		b.url = sw.endpoint
		if pr.proxy != nil {
			b.url = pr.proxy.endpoint
		}
		for round := 0; round < *rounds; round++ {
			// Rotate who goes first, so no tool always follows the same one.
			for i := range peers {
				p := peers[(i+round)%len(peers)]
				if *swSmall {
					rb.small(p, src)
				}
				for _, mib := range pr.bigs {
					if mib > 0 {
						rb.big(p, bigs[mib], mib)
					}
				}
			}
		}
	}
	for _, bucket := range rb.warm {
		rb.empty(bucket, true)
	}
	rb.report(sw, profiles, names)
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

// run times p's command for op (wall time), and reads its CPU time (user +
// system) and peak resident set from /usr/bin/time, the server's and the
// proxy's CPU time meanwhile, and the load average as it starts.
func (rb *realBench) run(p peer, op string, args ...string) measure {
	argv := p.cmd(op, args...)
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	out := filepath.Join(rb.work, "cpu")
	os.Remove(out)
	cmd := exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-f", "%U %S %M", "-o", out}, argv...)...)
	cmd.Env = rb.env
	if p.env != nil {
		cmd.Env = p.env(rb.env)
	}
	var errOut strings.Builder
	cmd.Stderr = &errOut
	rb.settle()
	m := measure{load: load1()}
	rb.prof.loads = append(rb.prof.loads, m.load)
	s0 := rb.sw.cpu()
	var p0 time.Duration
	if rb.prof.proxy != nil {
		p0 = rb.prof.proxy.cpu()
	}
	start := time.Now()
	err := cmd.Run()
	m.wall = time.Since(start)
	m.server = rb.sw.cpu() - s0
	if rb.prof.proxy != nil {
		m.proxy = rb.prof.proxy.cpu() - p0
	}
	if err != nil {
		log.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, errOut.String())
	}
	if data, err := os.ReadFile(out); err == nil {
		var u, s, kib float64
		if _, err := fmt.Sscan(string(data), &u, &s, &kib); err != nil {
			log.Fatalf("reading %s: %v", out, err)
		}
		m.client = time.Duration((u + s) * float64(time.Second))
		m.rssMiB = kib / 1024
	}
	return m
}

type measure struct {
	wall, client, server, proxy time.Duration
	rssMiB, load                float64
}

func (rb *realBench) record(work, tool string, m measure, note string) {
	k := runKey{rb.prof.name, work, tool}
	if _, ok := rb.runs[k]; !ok {
		rb.order = append(rb.order, k)
	}
	rb.runs[k] = append(rb.runs[k], m)
	log.Printf("%-8s %-18s %-26s %7.2fs  CPU: tool %5.2fs server %5.2fs proxy %5.2fs  RSS %6.1f MiB  load %.1f  %s",
		rb.prof.name, work, tool, m.wall.Seconds(), m.client.Seconds(), m.server.Seconds(), m.proxy.Seconds(), m.rssMiB, m.load, note)
}

func load1() float64 {
	var l float64
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		_, _ = fmt.Sscan(string(data), &l) // 0 when unreadable
	}
	return l
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
		return
	}
	rb.sw.vacuum()
}

// settle waits (up to 10 s) until the server has been idle for half a
// second, so that no run is charged with work the server does after the
// one before (flushing, deleting, growing volumes).
func (rb *realBench) settle() {
	if rb.sw.pid == 0 {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c0 := rb.sw.cpu()
		time.Sleep(500 * time.Millisecond)
		if rb.sw.cpu()-c0 < 30*time.Millisecond {
			return
		}
	}
}

func (rb *realBench) small(p peer, src string) {
	bucket := rb.bucket("small")
	d := rb.run(p, "upload-dir", src, bucket)
	objs := rb.objects(bucket)
	if len(objs) != *nFiles {
		log.Fatalf("%s uploaded %d files, want %d", p.name, len(objs), *nFiles)
	}
	for k, n := range objs {
		if n != int64(*fileSize) {
			log.Fatalf("%s: %s has %d bytes, want %d", p.name, k, n, *fileSize)
		}
	}
	rb.record(fmt.Sprintf("%s x %d KiB up", thousands(*nFiles), *fileSize/1024), p.name, d, "")
	dst := filepath.Join(rb.work, "down-"+bucket)
	d = rb.run(p, "download-all", bucket, dst)
	if n := countFiles(dst); n != *nFiles {
		log.Fatalf("%s downloaded %d files, want %d", p.name, n, *nFiles)
	}
	rb.record(fmt.Sprintf("%s x %d KiB down", thousands(*nFiles), *fileSize/1024), p.name, d, "")
	os.RemoveAll(dst)
	rb.empty(bucket, false)
}

func (rb *realBench) big(p peer, src string, mib int) {
	key := fmt.Sprint(mib)
	_, warm := rb.warm[key]
	bucket := rb.bucket(key)
	if !warm {
		// One untimed upload first: the server grows the volumes a
		// transfer of this size needs (the vacuum after every run lets
		// later ones reuse them), so no round pays for that.
		check(objects.New(rb.s3, 16).PutFile(context.Background(), bucket, "warm.bin", src, "", nil))
		rb.empty(bucket, false)
	}
	size := int64(mib) << 20
	d := rb.run(p, "upload-file", src, bucket, "big.bin")
	if objs := rb.objects(bucket); len(objs) != 1 || objs["big.bin"] != size {
		log.Fatalf("%s upload of %d MiB: %v", p.name, mib, objs)
	}
	rb.record(fmt.Sprintf("%d MiB up", mib), p.name, d, fmt.Sprintf("%.0f MiB/s", float64(mib)/d.wall.Seconds()))
	dst := filepath.Join(rb.work, "big-down.bin")
	d = rb.run(p, "download-file", bucket, "big.bin", dst)
	st, err := os.Stat(dst)
	check(err)
	if st.Size() != size {
		log.Fatalf("%s downloaded %d bytes, want %d", p.name, st.Size(), size)
	}
	rb.record(fmt.Sprintf("%d MiB down", mib), p.name, d, fmt.Sprintf("%.0f MiB/s", float64(mib)/d.wall.Seconds()))
	os.Remove(dst)
	rb.empty(bucket, false)
}

func thousands(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%s,%03d", thousands(n/1000), n%1000)
}

// report prints, for each profile, the medians of every tool side by side
// and the ratio of ours to the best peer, then every run.
func (rb *realBench) report(sw *seaweed, profiles []*profile, names []string) {
	fmt.Printf("\nSeaweedFS %s; %d CPUs (%s); %s; %d rounds, medians.\n",
		sw.version(), runtime.NumCPU(), cpuModel(), runtime.Version(), *rounds)
	if len(names) > 0 {
		fmt.Printf("Peers: %s.\n", strings.Join(names, "; "))
	}
	for _, pr := range profiles {
		what := "loopback"
		if pr.proxy != nil {
			what = fmt.Sprintf("far region: toxiproxy %s, %v latency and %.0f MiB/s per connection, each way", toxiVersion, *farLatency, *farRate)
		}
		lo, hi := minMax(pr.loads)
		fmt.Printf("\n### %s (load average %.1f to %.1f during the runs)\n\n", what, lo, hi)
		var works, tools []string
		seenW, seenT := map[string]bool{}, map[string]bool{}
		for _, k := range rb.order {
			if k.profile != pr.name {
				continue
			}
			if !seenW[k.work] {
				seenW[k.work] = true
				works = append(works, k.work)
			}
			if !seenT[k.tool] {
				seenT[k.tool] = true
				tools = append(tools, k.tool)
			}
		}
		med := func(work, tool string, f func(measure) float64) float64 {
			var xs []float64
			for _, m := range rb.runs[runKey{pr.name, work, tool}] {
				xs = append(xs, f(m))
			}
			return median(xs)
		}
		wall := func(m measure) float64 { return m.wall.Seconds() }
		cpu := func(m measure) float64 { return m.client.Seconds() }
		rss := func(m measure) float64 { return m.rssMiB }
		short := func(tool string) string { return strings.SplitN(tool, " (", 2)[0] }
		head := "| work |"
		for _, t := range tools {
			head += " " + short(t) + " |"
		}
		fmt.Println(head + " ours vs best peer |")
		fmt.Println("|---|" + strings.Repeat("---:|", len(tools)+1))
		for _, label := range []struct {
			name string
			f    func(measure) float64
			fmt  string
		}{{"wall s", wall, "%.2f"}, {"client CPU s", cpu, "%.2f"}, {"peak RSS MiB", rss, "%.0f"}} {
			for _, w := range works {
				line := fmt.Sprintf("| %s, %s |", w, label.name)
				ours, best := 0.0, 0.0
				for _, t := range tools {
					v := med(w, t, label.f)
					line += " " + fmt.Sprintf(label.fmt, v) + " |"
					switch {
					case strings.HasPrefix(t, "ours"):
						ours = v
					case strings.HasPrefix(t, "before"):
						// Another build of ours: not a peer.
					case best == 0 || v < best:
						best = v
					}
				}
				ratio := ""
				if ours > 0 && best > 0 {
					if label.name == "wall s" {
						ratio = fmt.Sprintf("%.2fx faster", best/ours)
						if best < ours {
							ratio = fmt.Sprintf("%.2fx slower", ours/best)
						}
					} else {
						ratio = fmt.Sprintf("%.2f of it", ours/best)
					}
				}
				fmt.Println(line + " " + ratio + " |")
			}
		}
		fmt.Println()
		fmt.Println("| work | tool | runs: wall s | client CPU s | server CPU s | proxy CPU s | peak RSS MiB | load |")
		fmt.Println("|---|---|---|---:|---:|---:|---:|---:|")
		for _, w := range works {
			for _, t := range tools {
				ms := rb.runs[runKey{pr.name, w, t}]
				var runs []string
				var loads []float64
				for _, m := range ms {
					runs = append(runs, fmt.Sprintf("%.2f", m.wall.Seconds()))
					loads = append(loads, m.load)
				}
				fmt.Printf("| %s | %s | %s | %.2f | %.2f | %.2f | %.0f | %.1f |\n", w, t, strings.Join(runs, " "),
					med(w, t, cpu), med(w, t, func(m measure) float64 { return m.server.Seconds() }),
					med(w, t, func(m measure) float64 { return m.proxy.Seconds() }), med(w, t, rss), median(loads))
			}
		}
	}
}

func minMax(xs []float64) (lo, hi float64) {
	for i, x := range xs {
		if i == 0 || x < lo {
			lo = x
		}
		if i == 0 || x > hi {
			hi = x
		}
	}
	return lo, hi
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
