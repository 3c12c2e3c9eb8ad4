package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// putObjects writes small objects named by keys, sixteen at a time.
func (e *e2e) putObjects(bucket string, keys ...string) {
	e.t.Helper()
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	errs := make(chan error, len(keys))
	for _, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func(k string) {
			defer wg.Done()
			defer func() { <-sem }()
			_, err := e.Clients.S3.PutObject(e.ctx(), &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("x"),
			})
			if err != nil {
				errs <- fmt.Errorf("put %s: %w", k, err)
			}
		}(k)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		e.t.Fatal(err)
	}
}

// startUpload leaves an incomplete multipart upload of key in bucket.
func (e *e2e) startUpload(bucket, key string) {
	e.t.Helper()
	must(e.Clients.S3.CreateMultipartUpload(e.ctx(), &s3.CreateMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key),
	})).ok(e.t)
}

func (e *e2e) bucketExists(bucket string) bool {
	e.t.Helper()
	_, err := e.Clients.S3.HeadBucket(e.ctx(), &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	return err == nil
}

// versionCount is how many versions and delete markers bucket holds.
func (e *e2e) versionCount(bucket string) int {
	e.t.Helper()
	n := 0
	p := s3.NewListObjectVersionsPaginator(e.Clients.S3, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page := must(p.NextPage(e.ctx())).ok(e.t)
		n += len(page.Versions) + len(page.DeleteMarkers)
	}
	return n
}

// makeVersioned creates a versioned bucket holding, for keys a, b and c:
// a with two versions, b with one version under a delete marker, and c
// with one version: 2 objects, 2 older versions, 1 delete marker.
func (e *e2e) makeVersioned(bucket string) {
	e.t.Helper()
	e.makeBucket(bucket)
	must(e.Clients.S3.PutBucketVersioning(e.ctx(), &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled},
	})).ok(e.t)
	e.putObjects(bucket, "a", "b", "c")
	e.putObjects(bucket, "a")
	must(e.Clients.S3.DeleteObject(e.ctx(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("b")})).ok(e.t)
}

// deleteRecorder proxies to moto and records the DeleteObjects requests:
// how many keys each named, and how many were in flight at once.
type deleteRecorder struct {
	mu          sync.Mutex
	sizes       []int
	inFlight    int
	maxInFlight int
}

func newDeleteRecorder(t *testing.T, target string) (*deleteRecorder, string) {
	u, _ := url.Parse(target)
	rec := &deleteRecorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !r.URL.Query().Has("delete") {
			proxy.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.sizes = append(rec.sizes, bytes.Count(body, []byte("<Object>")))
		rec.inFlight++
		rec.maxInFlight = max(rec.maxInFlight, rec.inFlight)
		rec.mu.Unlock()
		time.Sleep(50 * time.Millisecond) // lets concurrent batches overlap
		proxy.ServeHTTP(w, r)
		rec.mu.Lock()
		rec.inFlight--
		rec.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

// More than 1,000 entries: two DeleteObjects batches, run concurrently.
func TestDeleteBucketForceBatches(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeVersioned("big")
	keys := make([]string, 1200)
	for i := range keys {
		keys[i] = fmt.Sprintf("files/%04d.txt", i)
	}
	e.putObjects("big", keys...)
	rec, proxyURL := newDeleteRecorder(t, e.moto.URL)
	r := e.ok("delete-bucket", "big", "--force", "--endpoint-url", proxyURL)
	if want := "Deleted 1205 objects from big\nDeleted bucket: big\n"; r.Stderr != want {
		t.Errorf("stderr\n%s\nwant\n%s", r.Stderr, want)
	}
	if e.bucketExists("big") {
		t.Error("bucket still exists")
	}
	total := 0
	for _, n := range rec.sizes {
		if n > 1000 || n == 0 {
			t.Errorf("a DeleteObjects request named %d keys", n)
		}
		total += n
	}
	if len(rec.sizes) != 2 || total != 1205 {
		t.Errorf("DeleteObjects batches %v, want 2 covering 1205 entries", rec.sizes)
	}
	if rec.maxInFlight < 2 {
		t.Errorf("batches ran one at a time (max in flight %d)", rec.maxInFlight)
	}
}

// On a terminal, a counter line is updated as batches finish.
func TestDeleteBucketProgressOnTerminal(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("doomed")
	e.putObjects("doomed", "one.txt", "two.txt")
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{nil, "\rDeleting objects from doomed: 2 deleted\r\033[KDeleted 2 objects from doomed\nDeleted bucket: doomed\n"},
		{[]string{"-s"}, ""},
	} {
		if !e.bucketExists("doomed") {
			e.makeBucket("doomed")
			e.putObjects("doomed", "one.txt", "two.txt")
		}
		var out, errOut bytes.Buffer
		code := e.exec(context.Background(), &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, StderrTTY: true},
			append([]string{"delete-bucket", "doomed", "--force"}, tc.args...)...)
		if code != 0 || out.String() != "" || errOut.String() != tc.stderr {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", tc.args, code, out.String(), errOut.String(), tc.stderr)
		}
	}
}

// Objects S3 refuses to delete are listed; the bucket is kept.
func TestDeleteBucketKeyErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	must(e.Clients.S3.CreateBucket(e.ctx(), &s3.CreateBucketInput{
		Bucket: aws.String("locked"), ObjectLockEnabledForBucket: aws.Bool(true),
	})).ok(t)
	for _, k := range []string{"keep/a.txt", "keep/b.txt"} {
		must(e.Clients.S3.PutObject(e.ctx(), &s3.PutObjectInput{
			Bucket: aws.String("locked"), Key: aws.String(k), Body: strings.NewReader("x"),
			ChecksumAlgorithm:         s3types.ChecksumAlgorithmCrc32,
			ObjectLockMode:            s3types.ObjectLockModeCompliance,
			ObjectLockRetainUntilDate: aws.Time(time.Now().Add(24 * time.Hour)),
		})).ok(t)
	}
	e.putObjects("locked", "free.txt")
	r := e.run("delete-bucket", "locked", "--force")
	want := "Error: Could not delete 2 objects from locked (1 deleted); the bucket was not deleted:\n" +
		"  keep/a.txt: AccessDenied: Access Denied because object protected by object lock.\n" +
		"  keep/b.txt: AccessDenied: Access Denied because object protected by object lock.\n"
	// The order of the two refusals is the order of the response.
	got := r.Stderr
	if strings.Index(got, "keep/b.txt") < strings.Index(got, "keep/a.txt") {
		got = strings.Replace(strings.Replace(strings.Replace(got, "keep/a.txt", "TMP", 1), "keep/b.txt", "keep/a.txt", 1), "TMP", "keep/b.txt", 1)
	}
	if r.Code != 1 || r.Stdout != "" || got != want {
		t.Errorf("exit %d, stdout %q, stderr\n%s\nwant\n%s", r.Code, r.Stdout, r.Stderr, want)
	}
	if !e.bucketExists("locked") || e.versionCount("locked") != 2 {
		t.Errorf("want the bucket kept with its 2 locked objects (has %d)", e.versionCount("locked"))
	}
}
