// Command sdkcompare times the SDK's two transfer packages on one S3
// endpoint: feature/s3/manager (what internal/objects uses) and
// feature/s3/transfermanager (its makers' successor, still v0.x), with the
// same part size and parts in flight, uploading a file and downloading it
// into a file. Every transfer runs in its own process (this program run
// again with -one) so that each one's peak memory can be read; rounds
// alternate the two packages. It is a module of its own, so that the
// tool's module does not depend on transfermanager for a measurement.
//
//	go run . -endpoint http://127.0.0.1:8333 -auth admin.json -mib 256
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

var (
	endpoint = flag.String("endpoint", "", "S3 endpoint (plain http on loopback)")
	auth     = flag.String("auth", "", `JSON file {"AccessKeyId": ..., "SecretAccessKey": ...}`)
	mib      = flag.Int("mib", 256, "size of the file (MiB)")
	partMiB  = flag.Int("part-mib", 64, "part size (MiB)")
	inflight = flag.Int("inflight", 4, "parts in flight")
	rounds   = flag.Int("rounds", 3, "rounds")
	one      = flag.String("one", "", "internal: run one transfer: manager-up, manager-down, tm-up, tm-down")
	file     = flag.String("file", "", "internal: the local file")
	bucket   = flag.String("bucket", "", "internal: the bucket")
)

func main() {
	flag.Parse()
	log.SetFlags(0)
	if *one != "" {
		check(transfer(*one))
		return
	}
	work, err := os.MkdirTemp("", "sdkcompare")
	check(err)
	defer os.RemoveAll(work)
	src := filepath.Join(work, "src.bin")
	f, err := os.Create(src)
	check(err)
	buf := make([]byte, 1<<20)
	for i := 0; i < *mib; i++ {
		rand.Read(buf)
		_, err := f.Write(buf)
		check(err)
	}
	check(f.Close())
	b := fmt.Sprintf("sdkcompare-%d", time.Now().Unix())
	_, err = client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(b)})
	check(err)
	self, err := os.Executable()
	check(err)
	wall := map[string][]float64{}
	rss := map[string][]float64{}
	order := []string{"manager-up", "tm-up", "manager-down", "tm-down"}
	for r := 0; r < *rounds; r++ {
		pairs := [][2]string{{"manager-up", "manager-down"}, {"tm-up", "tm-down"}}
		if r%2 == 1 {
			pairs[0], pairs[1] = pairs[1], pairs[0]
		}
		for _, p := range pairs {
			for i, op := range p {
				target := src
				if i == 1 {
					target = filepath.Join(work, "down.bin")
				}
				rssFile := filepath.Join(work, "rss")
				cmd := exec.Command("/usr/bin/time", "-f", "%M", "-o", rssFile, self,
					"-endpoint", *endpoint, "-auth", *auth, "-part-mib", fmt.Sprint(*partMiB),
					"-inflight", fmt.Sprint(*inflight), "-one", op, "-file", target, "-bucket", b)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				start := time.Now()
				if err := cmd.Run(); err != nil {
					log.Fatalf("%s: %v\n%s", op, err, stderr.String())
				}
				d := time.Since(start).Seconds()
				data, _ := os.ReadFile(rssFile)
				var kib float64
				fmt.Sscan(strings.TrimSpace(string(data)), &kib)
				if i == 1 {
					st, err := os.Stat(target)
					check(err)
					if st.Size() != int64(*mib)<<20 {
						log.Fatalf("%s: %d bytes", op, st.Size())
					}
					os.Remove(target)
				}
				wall[op] = append(wall[op], d)
				rss[op] = append(rss[op], kib/1024)
				log.Printf("%-13s %6.2fs  %6.1f MiB", op, d, kib/1024)
			}
		}
	}
	fmt.Printf("\n%d MiB, %d MiB parts x %d in flight, %d rounds: median (runs)\n\n", *mib, *partMiB, *inflight, *rounds)
	fmt.Println("| transfer | package | median s | runs (s) | peak RSS MiB |")
	fmt.Println("|---|---|---:|---|---:|")
	for _, op := range order {
		dir, pkg, _ := strings.Cut(op, "-")
		if pkg == "up" {
			pkg, dir = dir, "upload"
		} else {
			pkg, dir = dir, "download"
		}
		if pkg == "tm" {
			pkg = "transfermanager"
		}
		var runs []string
		for _, w := range wall[op] {
			runs = append(runs, fmt.Sprintf("%.2f", w))
		}
		fmt.Printf("| %s | %s | %.2f | %s | %.0f |\n", dir, pkg, median(wall[op]), strings.Join(runs, " "), median(rss[op]))
	}
}

func client() *s3.Client {
	data, err := os.ReadFile(*auth)
	check(err)
	var a struct{ AccessKeyId, SecretAccessKey string }
	check(json.Unmarshal(data, &a))
	return s3.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(a.AccessKeyId, a.SecretAccessKey, ""),
		BaseEndpoint: aws.String(*endpoint),
	}, func(o *s3.Options) {
		o.UsePathStyle = true
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

func transfer(op string) error {
	ctx := context.Background()
	c := client()
	part := int64(*partMiB) << 20
	key := aws.String("obj")
	switch op {
	case "manager-up", "tm-up":
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		if op == "manager-up" {
			_, err = manager.NewUploader(c, func(u *manager.Uploader) {
				u.PartSize, u.Concurrency = part, *inflight
			}).Upload(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: f})
			return err
		}
		_, err = transfermanager.New(c, func(o *transfermanager.Options) {
			o.PartSizeBytes, o.Concurrency = part, *inflight
		}).UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: bucket, Key: key, Body: f})
		return err
	case "manager-down", "tm-down":
		f, err := os.Create(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		if op == "manager-down" {
			_, err = manager.NewDownloader(c, func(d *manager.Downloader) {
				d.PartSize, d.Concurrency = part, *inflight
			}).Download(ctx, f, &s3.GetObjectInput{Bucket: bucket, Key: key})
			return err
		}
		_, err = transfermanager.New(c, func(o *transfermanager.Options) {
			o.PartSizeBytes, o.Concurrency = part, *inflight
		}).DownloadObject(ctx, &transfermanager.DownloadObjectInput{Bucket: bucket, Key: key, WriterAt: f})
		return err
	}
	return fmt.Errorf("unknown transfer %q", op)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
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
