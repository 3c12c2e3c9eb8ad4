package cli

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/objects"
)

// Helpers for the --skip/--skip-hash tests.

const mib = 1024 * 1024

// requests counts the S3 requests the tool makes, by kind, through a
// proxy in front of moto. hook, when set, may answer a request itself
// (returning true) or change it before it goes on.
type requests struct {
	mu sync.Mutex
	n  map[string]int
}

func (e *e2e) countRequests(hook func(w http.ResponseWriter, r *http.Request) bool) *requests {
	e.t.Helper()
	target, _ := url.Parse(e.moto.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	rq := &requests{n: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := r.Method
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodGet && q.Get("list-type") == "2":
			kind = "LIST"
		case r.Method == http.MethodHead && q.Has("partNumber"):
			kind = "HEAD part"
		case r.Method == http.MethodPut && q.Has("partNumber"):
			kind = "PUT part"
		case r.Method == http.MethodPost:
			kind = "POST" // starting and completing multipart uploads
		}
		rq.mu.Lock()
		rq.n[kind]++
		rq.mu.Unlock()
		if hook != nil && hook(w, r) {
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	e.t.Cleanup(srv.Close)
	e.endpoint = srv.URL // the tool's runs through e go through the proxy
	return rq
}

// take returns the counts so far and starts again from zero.
func (rq *requests) take() map[string]int {
	rq.mu.Lock()
	defer rq.mu.Unlock()
	n := rq.n
	rq.n = map[string]int{}
	return n
}

// writeFiles writes name -> content under the working directory.
func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for name, body := range files {
		noErr(t, os.MkdirAll(filepath.Dir(name), 0o755))
		noErr(t, os.WriteFile(name, []byte(body), 0o644))
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b := must(os.ReadFile(name)).ok(t)
	return string(b)
}

// checkObjects fails unless each key holds its body.
func (e *e2e) checkObjects(bucket string, want map[string]string) {
	e.t.Helper()
	for k, body := range want {
		if got, _ := e.objGet(bucket, k); got != body {
			e.t.Errorf("s3://%s/%s holds %q, want %q", bucket, k, got, body)
		}
	}
}

// randomBytes are n bytes that differ for each seed.
func randomBytes(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 99))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// putParts uploads body to bucket/key as a multipart upload by hand, in
// parts of the sizes given (the last takes the rest).
func (e *e2e) putParts(bucket, key string, body []byte, sizes ...int) {
	e.t.Helper()
	ctx := e.ctx()
	up := must(e.Clients.S3.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})).ok(e.t)
	var done []s3types.CompletedPart
	rest := body
	for i := 0; i == 0 || len(rest) > 0; i++ { // an empty body: one empty part
		n := len(rest)
		if i < len(sizes) {
			n = min(sizes[i], n)
		}
		out := must(e.Clients.S3.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(rest[:n]),
		})).ok(e.t)
		done = append(done, s3types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
		rest = rest[n:]
	}
	must(e.Clients.S3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: done},
	})).ok(e.t)
	if got := e.etag(bucket, key); !strings.HasSuffix(got, fmt.Sprintf("-%d\"", len(done))) {
		e.t.Fatalf("%s: ETag %s after %d parts", key, got, len(done))
	}
}

func (e *e2e) etag(bucket, key string) string {
	e.t.Helper()
	out := must(e.Clients.S3.HeadObject(e.ctx(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})).ok(e.t)
	return aws.ToString(out.ETag)
}

// sameBytes fails unless bucket/key holds exactly b.
func (e *e2e) sameBytes(bucket, key string, b []byte) {
	e.t.Helper()
	out := must(e.Clients.S3.GetObject(e.ctx(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})).ok(e.t)
	defer out.Body.Close()
	got := must(io.ReadAll(out.Body)).ok(e.t)
	if md5.Sum(got) != md5.Sum(b) {
		e.t.Errorf("s3://%s/%s: %d bytes, not the %d expected", bucket, key, len(got), len(b))
	}
}

// flip changes one byte of the file name, keeping its size.
func flip(t *testing.T, name string, at int) []byte {
	t.Helper()
	b := must(os.ReadFile(name)).ok(t)
	b[at] ^= 0xff
	noErr(t, os.WriteFile(name, b, 0o644))
	return b
}

// Objects uploaded in parts: their ETag is recomputed from the file with
// the part size the object was written with, this tool's 16 MiB, 8 MiB or
// another; when the parts differ in size, only sizes can be compared.
func TestSkipHashMultipart(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("bkt")
	t.Chdir(t.TempDir())
	body := map[string][]byte{
		"ours.bin":  randomBytes(1, 17*mib+5), // as put-objects plans it (3 parts of 8 MiB)
		"eight.bin": randomBytes(2, 17*mib+5), // 8 MiB parts: 3
		"seven.bin": randomBytes(3, 13*mib),   // 7 + 6 MiB
		"odd.bin":   randomBytes(4, 11*mib+1), // 6 + 5 MiB + 1 byte
	}
	for name, b := range body {
		noErr(t, os.WriteFile(name, b, 0o644))
	}
	names := []string{"ours.bin", "eight.bin", "seven.bin", "odd.bin"}
	e.ok("put-objects", "bkt", "ours.bin", "-s")
	partSize, _ := objects.PartPlan(17*mib+5, 16, true) // moto answers at once: near
	if etag, parts := e.etag("bkt", "ours.bin"), (17*mib+5+partSize-1)/partSize; !strings.HasSuffix(etag, fmt.Sprintf("-%d\"", parts)) {
		t.Fatalf("ETag %s, want one of %d parts", etag, parts)
	}
	e.putParts("bkt", "eight.bin", body["eight.bin"], 8*mib, 8*mib)
	e.putParts("bkt", "seven.bin", body["seven.bin"], 7*mib)
	e.putParts("bkt", "odd.bin", body["odd.bin"], 6*mib, 5*mib)
	rq := e.countRequests(nil)

	oddNote := "Compared by size only: s3://bkt/odd.bin (its 3 parts are not all of the size of the first (6291456 bytes))\n"
	r := e.ok(append([]string{"put-objects", "bkt", "--skip-hash"}, names...)...)
	if r.Stderr != oddNote+"Skipped 4 files that are already there (same MD5; 1 compared by size only)\nUploading 0.0 bytes (0 files)\n" {
		t.Errorf("got %q", r.Stderr)
	}
	// Few keys: each listed on its own; one HeadObject for the first
	// part of each.
	if n := rq.take(); n["HEAD part"] != 4 || n["LIST"] != 4 || len(n) != 2 {
		t.Errorf("requests: %v", n)
	}

	// One byte changed in each, sizes kept: --skip sends nothing,
	// --skip-hash all but odd.bin.
	for i, name := range names {
		body[name] = flip(t, name, i*3*mib+7)
	}
	r = e.ok(append([]string{"put-objects", "bkt", "--skip"}, names...)...)
	if r.Stderr != "Skipped 4 files that are already there (same size)\nUploading 0.0 bytes (0 files)\n" {
		t.Errorf("got %q", r.Stderr)
	}
	r = e.ok(append([]string{"put-objects", "bkt", "--skip-hash"}, names...)...)
	if r.Stderr != oddNote+"Skipped 1 file that is already there (same MD5; 1 compared by size only)\nUploading 47.0 MB (3 files)\n" {
		t.Errorf("got %q", r.Stderr)
	}
	for _, name := range names[:3] {
		e.sameBytes("bkt", name, body[name])
	}
	rq.take()

	// The other way: the files downloaded, then compared.
	out := t.TempDir()
	e.ok("get-objects", "bkt", "-o", out, "-s")
	r = e.ok("get-objects", "bkt", "-o", out, "--skip-hash")
	if r.Stderr != oddNote+"Skipped 4 files that are already there (same MD5; 1 compared by size only)\nDownloading 0.0 bytes (0 files)\n" {
		t.Errorf("got %q", r.Stderr)
	}
	flip(t, filepath.Join(out, "ours.bin"), 16*mib+2) // in the second part
	e.putParts("bkt", "eight.bin", body["eight.bin"], 8*mib, 8*mib)
	flip(t, filepath.Join(out, "eight.bin"), 0)
	r = e.ok("get-objects", "bkt", "-o", out, "--skip-hash")
	if r.Stderr != oddNote+"Skipped 2 files that are already there (same MD5; 1 compared by size only)\nDownloading 34.0 MB (2 files)\n" {
		t.Errorf("got %q", r.Stderr)
	}
	for _, name := range []string{"ours.bin", "eight.bin"} {
		if md5.Sum([]byte(readFile(t, filepath.Join(out, name)))) != md5.Sum(body[name]) {
			t.Errorf("%s not downloaded again", name)
		}
	}
}

// A server that does not describe single parts, ignoring the part number
// asked for or refusing it: the part size is found among those that give
// as many parts, or said not to be found.
func TestSkipHashMultipartPartSizeDerived(t *testing.T) {
	t.Run("ignored", func(t *testing.T) {
		testPartSizeDerived(t, func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodHead {
				q := r.URL.Query()
				q.Del("partNumber")
				r.URL.RawQuery = q.Encode()
			}
			return false
		}, 0)
	})
	t.Run("refused", func(t *testing.T) {
		testPartSizeDerived(t, func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodHead && r.URL.Query().Has("partNumber") {
				w.WriteHeader(http.StatusBadRequest)
				return true
			}
			return false
		}, 4) // each asked again without the part number
	})
}

func testPartSizeDerived(t *testing.T, hook func(w http.ResponseWriter, r *http.Request) bool, heads int) {
	e := newE2E(t)
	e.makeBucket("bkt")
	t.Chdir(t.TempDir())
	body := map[string][]byte{
		"ours.bin":  randomBytes(5, 17*mib+5), // 9..17 MiB fit, 16 among them
		"eight.bin": randomBytes(6, 17*mib+5), // 6, 7 or 8 MiB
		"seven.bin": randomBytes(7, 13*mib),   // 7..12 MiB fit, only 8 tried
		"odd.bin":   randomBytes(8, 11*mib+1), // 4 or 5 MiB: neither gives the ETag
	}
	for name, b := range body {
		noErr(t, os.WriteFile(name, b, 0o644))
	}
	e.ok("put-objects", "bkt", "ours.bin", "-s")
	e.putParts("bkt", "eight.bin", body["eight.bin"], 8*mib, 8*mib)
	e.putParts("bkt", "seven.bin", body["seven.bin"], 7*mib)
	e.putParts("bkt", "odd.bin", body["odd.bin"], 6*mib, 5*mib)
	rq := e.countRequests(hook)
	r := e.ok("put-objects", "bkt", "ours.bin", "eight.bin", "seven.bin", "odd.bin", "--skip-hash")
	want := "Compared by size only: s3://bkt/seven.bin (the size of its 2 parts cannot be found)\n" +
		"Skipped 3 files that are already there (same MD5; 1 compared by size only)\n" +
		"Uploading 11.0 MB (1 file)\n"
	if r.Stderr != want {
		t.Errorf("got %q", r.Stderr)
	}
	// odd.bin went up again: no part size that fits reproduces its ETag.
	if etag, sum := e.etag("bkt", "odd.bin"), md5.Sum(body["odd.bin"]); etag != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Errorf("odd.bin: ETag %s, not that of this tool's single PutObject", etag)
	}
	if n := rq.take(); n["HEAD part"] != 4 || n["HEAD"] != heads {
		t.Errorf("requests: %v", n)
	}
}

// Where the ETag is no MD5 (KMS) or S3 will not describe the object (as
// for a customer key), --skip-hash compares sizes and says so.
func TestSkipHashEncrypted(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("bkt")
	t.Chdir(t.TempDir())
	for _, k := range []string{"kms.txt", "secret.txt"} {
		in := &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k), Body: strings.NewReader("in the bucket")}
		if k == "kms.txt" {
			in.ServerSideEncryption = s3types.ServerSideEncryptionAwsKms
		}
		must(e.Clients.S3.PutObject(e.ctx(), in)).ok(t)
	}
	writeFiles(t, map[string]string{"kms.txt": "on local disk", "secret.txt": "on local disk"})
	e.countRequests(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodHead && strings.HasSuffix(r.URL.Path, "/secret.txt") {
			w.WriteHeader(http.StatusBadRequest)
			return true
		}
		return false
	})
	notes := "Compared by size only: s3://bkt/kms.txt (it is encrypted with aws:kms, so its ETag is not an MD5)\n" +
		"Compared by size only: s3://bkt/secret.txt (S3 will not describe it (HTTP 400, as for an object encrypted with a customer-provided key))\n"
	r := e.ok("put-objects", "bkt", "kms.txt", "secret.txt", "--skip-hash")
	if r.Stderr != notes+"Skipped 2 files that are already there (same MD5; 2 compared by size only)\nUploading 0.0 bytes (0 files)\n" {
		t.Errorf("got %q", r.Stderr)
	}
	e.checkObjects("bkt", map[string]string{"kms.txt": "in the bucket"})
	r = e.ok("get-objects", "bkt", "--skip-hash")
	if r.Stderr != notes+"Skipped 2 files that are already there (same MD5; 2 compared by size only)\nDownloading 0.0 bytes (0 files)\n" {
		t.Errorf("got %q", r.Stderr)
	}
	if got := readFile(t, "kms.txt"); got != "on local disk" {
		t.Errorf("kms.txt: %q", got)
	}
	// Another size is sent, whatever the encryption.
	writeFiles(t, map[string]string{"kms.txt": "longer on local disk"})
	r = e.ok("put-objects", "bkt", "kms.txt", "--skip-hash")
	if r.Stderr != "Skipped 0 files that are already there (same MD5)\nUploading 20.0 bytes (1 file)\n" {
		t.Errorf("got %q", r.Stderr)
	}
}

// What stands at a key's path in the output directory, and keys that are
// no file name: a symlink is compared through and written through; a
// directory is never written over and reported, in the dry run too; a FIFO
// is never read to be compared (it would block) but written into; a name
// too long fails that key alone. Empty files match zero-size objects,
// multipart ones included.
func TestGetObjectsSkipDestinations(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("bkt")
	long := strings.Repeat("x", 300)
	for k, body := range map[string]string{
		"same.txt": "hello", "link.txt": "hello", "dir": "hello", "fifo": "hello",
		"empty": "", "zero-new": "", "shrink": "", long: "hello",
	} {
		e.putObj("bkt", k, body)
	}
	e.putParts("bkt", "zmp", nil)
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{
		"out/same.txt": "hello", "out/target.txt": "HELLO", "out/dir/inside": "x",
		"out/empty": "", "out/shrink": "data", "out/zmp": "",
	})
	symlink(t, "target.txt", "out/link.txt")
	mkfifo(t, "out/fifo")
	// Files left alone keep their modification time.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, name := range []string{"out/same.txt", "out/empty", "out/zmp"} {
		noErr(t, os.Chtimes(name, old, old))
	}

	// The dry run opens no FIFO: it would wait for a writer.
	done := make(chan result, 1)
	go func() { done <- e.run("get-objects", "bkt", "-o", "out", "--skip-hash", "--dry-run") }()
	r := wait(t, "get-objects --dry-run with a FIFO in the way", done)
	golden(t, "objects/get-objects-skip-destinations-dry-run.out", r.Stdout)
	if r.Code != 1 || r.Stderr != "Would skip 3 files that are already there (same MD5)\nError: Failed: dir: out/dir is a directory\n" {
		t.Errorf("dry run: got %d %q", r.Code, r.Stderr)
	}
	if got := strings.Join(filesUnder(t, "out"), " "); got != "dir/inside empty fifo link.txt same.txt shrink target.txt zmp" {
		t.Errorf("the dry run changed the files: %s", got)
	}

	got := readFIFO(t, "out/fifo")
	r = e.run("get-objects", "bkt", "-o", "out", "--skip-hash")
	want := "Skipped 3 files that are already there (same MD5)\n" +
		"Downloading 20.0 bytes (6 files)\n" +
		"Error: Failed: dir: out/dir is a directory\n" +
		"Failed: " + long + ": cannot write out/" + long + ": file name too long\n"
	if r.Code != 1 || r.Stderr != want {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
	if s := wait(t, "the FIFO's reader", got); s != "hello" {
		t.Errorf("the FIFO got %q", s)
	}
	for name, want := range map[string]string{
		"out/same.txt": "hello", "out/target.txt": "hello", "out/link.txt": "hello",
		"out/empty": "", "out/zero-new": "", "out/shrink": "", "out/zmp": "", "out/dir/inside": "x",
	} {
		if got := readFile(t, name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if fi, err := os.Lstat("out/link.txt"); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("out/link.txt is no longer a symlink: %v %v", fi, err)
	}
	if fi, err := os.Lstat("out/fifo"); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("out/fifo is no longer a FIFO: %v %v", fi, err)
	}
	for _, name := range []string{"out/same.txt", "out/empty", "out/zmp"} {
		if fi, err := os.Stat(name); err != nil || !fi.ModTime().Equal(old) {
			t.Errorf("%s was written again: %v %v", name, fi, err)
		}
	}

	// By size alone a symlinked file of another size is written through;
	// the FIFO, with nothing to compare, is written into again.
	writeFiles(t, map[string]string{"out/target.txt": "hello!"})
	got = readFIFO(t, "out/fifo")
	r = e.run("get-objects", "bkt", "link.txt", "fifo", "same.txt", "-o", "out", "--skip")
	if r.Code != 0 || r.Stderr != "Skipped 1 file that is already there (same size)\nDownloading 10.0 bytes (2 files)\n" {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
	if s := wait(t, "the FIFO's reader", got); s != "hello" {
		t.Errorf("the FIFO got %q", s)
	}
	if s := readFile(t, "out/target.txt"); s != "hello" {
		t.Errorf("out/target.txt: %q", s)
	}
}

// What put-objects compares: a symlinked file by its target; FIFOs in a
// directory are named and left out (never opened to be hashed), a FIFO
// named is refused before any request; empty files match zero-size
// objects, multipart ones included, and replace objects that are not.
func TestPutObjectsSkipSources(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("bkt")
	t.Chdir(t.TempDir())
	for k, body := range map[string]string{
		"src/same.txt": "hello", "src/link.txt": "hello", "src/empty": "",
		"src/emptied": "data", "src/grown": "",
	} {
		e.putObj("bkt", k, body)
	}
	e.putParts("bkt", "src/zmp", nil)
	writeFiles(t, map[string]string{
		"real.txt": "HELLO", "src/same.txt": "hello", "src/empty": "", "src/empty-new": "",
		"src/emptied": "", "src/grown": "data", "src/zmp": "",
	})
	symlink(t, "../real.txt", "src/link.txt")
	mkfifo(t, "src/fifo")
	rq := e.countRequests(nil)

	done := make(chan result, 1)
	go func() { done <- e.run("put-objects", "bkt", "src", "--skip") }()
	r := wait(t, "put-objects --skip with a FIFO in the directory", done)
	want := "Skipped: src/fifo (a FIFO, not a regular file)\n" +
		"Skipped 4 files that are already there (same size)\n" +
		"Uploading 4.0 bytes (3 files)\n"
	if r.Code != 0 || r.Stderr != want {
		t.Errorf("--skip: got %d %q", r.Code, r.Stderr)
	}
	e.checkObjects("bkt", map[string]string{
		"src/link.txt": "hello", "src/empty-new": "", "src/emptied": "", "src/grown": "data",
	})
	if n := rq.take(); n["PUT"] != 3 || n["POST"] != 0 {
		t.Errorf("requests: %v", n)
	}

	go func() { done <- e.run("put-objects", "bkt", "src", "--skip-hash") }()
	r = wait(t, "put-objects --skip-hash with a FIFO in the directory", done)
	want = "Skipped: src/fifo (a FIFO, not a regular file)\n" +
		"Skipped 6 files that are already there (same MD5)\n" +
		"Uploading 5.0 bytes (1 file)\n"
	if r.Code != 0 || r.Stderr != want {
		t.Errorf("--skip-hash: got %d %q", r.Code, r.Stderr)
	}
	e.checkObjects("bkt", map[string]string{"src/link.txt": "HELLO", "src/same.txt": "hello"})
	if etag := e.etag("bkt", "src/zmp"); !strings.HasSuffix(etag, "-1\"") {
		t.Errorf("src/zmp was uploaded again: ETag %s", etag)
	}
	rq.take()

	r = e.run("put-objects", "bkt", "src/fifo", "--skip-hash")
	if r.Code != 1 || r.Stderr != "Error: src/fifo is a FIFO, not a regular file (put-object can upload it as a stream)\n" {
		t.Errorf("a FIFO named: got %d %q", r.Code, r.Stderr)
	}
	if n := rq.take(); len(n) != 0 {
		t.Errorf("requests: %v", n)
	}
}

// Names that need escaping in a URL or in XML are found in listings, as
// a folder of many and one key at a time, both ways.
func TestSkipOddKeyNames(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("bkt")
	t.Chdir(t.TempDir())
	names := []string{"sp ace.txt", "plus+.txt", "pct%20.txt", "ünï.txt", "q?x", "h#x", "a<b&c>.txt", "~t", "star*", `back\slash`, "tab\tx", "semi;colon"}
	files := map[string]string{}
	for _, n := range names {
		files["odd/"+n] = "body of " + n
	}
	writeFiles(t, files)
	e.ok("put-objects", "bkt", "odd", "-s")
	e.ok("put-objects", "bkt", "odd/q?x", "odd/ünï.txt", "odd/a<b&c>.txt", "-s")
	rq := e.countRequests(nil)
	r := e.ok("put-objects", "bkt", "odd", "--skip-hash")
	if r.Stderr != "Skipped 12 files that are already there (same MD5)\nUploading 0.0 bytes (0 files)\n" {
		t.Errorf("a folder: got %q", r.Stderr)
	}
	r = e.ok("put-objects", "bkt", "odd/q?x", "odd/ünï.txt", "odd/a<b&c>.txt", "--skip-hash")
	if r.Stderr != "Skipped 3 files that are already there (same MD5)\nUploading 0.0 bytes (0 files)\n" {
		t.Errorf("one by one: got %q", r.Stderr)
	}
	if n := rq.take(); n["PUT"] != 0 || n["LIST"] != 4 {
		t.Errorf("requests: %v", n)
	}
	e.ok("get-objects", "bkt", "-o", "back", "-s")
	r = e.ok("get-objects", "bkt", "-o", "back", "--skip-hash")
	if r.Stderr != "Skipped 15 files that are already there (same MD5)\nDownloading 0.0 bytes (0 files)\n" {
		t.Errorf("get-objects: got %q", r.Stderr)
	}
	r = e.ok("get-objects", "bkt", "odd/h#x", "a<b&c>.txt", "-o", "back", "--skip")
	if r.Stderr != "Skipped 2 files that are already there (same size)\nDownloading 0.0 bytes (0 files)\n" {
		t.Errorf("get-objects by key: got %q", r.Stderr)
	}
}

// Ctrl-C while comparing stops everything: exit 1, nothing transferred.
func TestSkipInterrupted(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("bkt")
	e.putObj("bkt", "a.txt", "hello")
	t.Chdir(t.TempDir())
	writeFiles(t, map[string]string{"a.txt": "HELLO"})
	for _, args := range [][]string{
		{"put-objects", "bkt", "a.txt", "--skip-hash"},
		{"get-objects", "bkt", "--skip-hash"},
		{"get-objects", "bkt", "a.txt", "--skip-hash", "--dry-run"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		rq := e.countRequests(func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodHead {
				// The comparison asks about a.txt: interrupted then.
				cancel()
				<-r.Context().Done()
				return true
			}
			return false
		})
		var stdout, stderr bytes.Buffer
		code := e.exec(ctx, &IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr}, args...)
		cancel()
		if code != 1 || stdout.String() != "" || stderr.String() != "Error: interrupted\n" {
			t.Errorf("%v: got %d %q %q", args, code, stdout.String(), stderr.String())
		}
		if n := rq.take(); n["HEAD"] != 1 || n["PUT"] != 0 || n["GET"] != 0 {
			t.Errorf("%v: requests: %v", args, n)
		}
	}
	e.checkObjects("bkt", map[string]string{"a.txt": "hello"})
	if got := readFile(t, "a.txt"); got != "HELLO" {
		t.Errorf("a.txt: %q", got)
	}
}
