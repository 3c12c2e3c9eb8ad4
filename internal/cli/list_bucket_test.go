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
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"
)

// Helpers shared by the object command tests.

// putObj stores body at bucket/key on moto.
func (e *e2e) putObj(bucket, key, body string) {
	e.t.Helper()
	must(e.Clients.S3.PutObject(e.ctx(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body),
		// As boto3 uploads: moto then lists the object's checksum algorithm.
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
	})).ok(e.t)
}

// putMany stores an empty object at each key, several at once.
func (e *e2e) putMany(bucket string, keys []string) {
	e.t.Helper()
	var g errgroup.Group
	g.SetLimit(8)
	for _, k := range keys {
		g.Go(func() error {
			_, err := e.Clients.S3.PutObject(e.ctx(), &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader(""),
			})
			return err
		})
	}
	noErr(e.t, g.Wait())
}

// populate makes my-bucket with the reference's test objects.
func (e *e2e) populate() {
	e.t.Helper()
	e.makeBucket("my-bucket")
	e.putObj("my-bucket", "one.txt", "one")
	e.putObj("my-bucket", "directory/two.txt", "two")
	e.putObj("my-bucket", "directory/three.json", `{"three": 3}`)
}

// objKeys lists the keys in bucket, sorted.
func (e *e2e) objKeys(bucket string) []string {
	e.t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(e.Clients.S3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page := must(p.NextPage(e.ctx())).ok(e.t)
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	sort.Strings(keys)
	return keys
}

// objGet returns the body and content type of bucket/key.
func (e *e2e) objGet(bucket, key string) (string, string) {
	e.t.Helper()
	out, err := e.Clients.S3.GetObject(e.ctx(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		e.t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b := must(io.ReadAll(out.Body)).ok(e.t)
	return string(b), aws.ToString(out.ContentType)
}

func sameKeys(t *testing.T, got []string, want ...string) {
	t.Helper()
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("keys: got %q, want %q", got, want)
	}
}

var reTimestamp = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?\+00:00`)

// stableTimes replaces timestamps, which differ from run to run.
func stableTimes(s string) string { return reTimestamp.ReplaceAllString(s, "<TIME>") }

// firstWrite is an output that says when the first bytes arrive.
type firstWrite struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	once  sync.Once
	wrote chan struct{}
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.wrote) })
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// More than one page (1,000 keys) through the real paginator, and the first
// page is printed before the second is asked for: a proxy holds the second
// ListObjectsV2 request until output has appeared (or 10 s have passed).
func TestListBucketPaginatesAndStreams(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("big")
	var keys []string
	for i := 0; i < 1005; i++ {
		keys = append(keys, fmt.Sprintf("k%04d", i))
	}
	e.putMany("big", keys)

	out := &firstWrite{wrote: make(chan struct{})}
	streamed := make(chan bool, 1)
	target, _ := url.Parse(e.moto.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("continuation-token") != "" {
			select {
			case <-out.wrote:
				streamed <- true
			case <-time.After(10 * time.Second):
				streamed <- false
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	e.endpoint = srv.URL
	var errOut bytes.Buffer
	code := e.exec(context.Background(), &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut},
		"list-bucket", "big", "--nl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	select {
	case ok := <-streamed:
		if !ok {
			t.Error("nothing was printed before the second page was requested")
		}
	default:
		t.Error("the listing was not paginated")
	}
	lines := strings.Split(strings.TrimSuffix(out.buf.String(), "\n"), "\n")
	if len(lines) != 1005 {
		t.Fatalf("got %d lines", len(lines))
	}
	if !strings.HasPrefix(lines[1004], `{"Key": "k1004", `) {
		t.Errorf("last line: %s", lines[1004])
	}
}
