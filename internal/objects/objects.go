// Package objects lists, uploads, downloads and deletes S3 objects with
// bounded concurrency and constant memory: listings are streamed page by
// page, bodies are streamed (large ones in concurrent parts), and at most
// Concurrency requests are in flight per operation. Nothing here knows about
// cobra; writers and progress bars are passed in.
package objects

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/progress"
)

// DefaultConcurrency is the most requests that run at once unless told
// otherwise. Transfers start with fewer (StartFiles files, PlanStartParts
// parts of a file, StartRanges ranges of an object) and add more only
// while more move more (flow.go).
const DefaultConcurrency = 64

// lookups is how many requests about objects (HEADs, listings, deletes of
// 1,000 keys) and file hashes run at once: the old default of 16, at most
// Concurrency. Their answers are small, and 64 of them timing out at once
// would use up the SDK's retry quota, so that a silent endpoint would fail
// some of them after one timeout rather than two.
func (c *Client) lookups() int { return min(c.Concurrency, 16) }

// DefaultPartSize is the part size of multipart uploads and ranged downloads.
const DefaultPartSize int64 = 16 * 1024 * 1024

// Client runs object operations. Build it with New.
type Client struct {
	S3 *s3.Client
	// Concurrency bounds the requests in flight for one command.
	Concurrency int
	// PartSize is the part size of ranged downloads and of streamed
	// uploads (at most StreamPartSize).
	PartSize int64
	// UploadPartSize, when set, is the part size of file uploads, with
	// Concurrency parts in flight; when 0, PartPlan chooses both from
	// the file's size.
	UploadPartSize int64
	// Trace, when set, is told every change of a flow's limit (requests
	// in flight) with the time since the flow began and the units it had
	// moved (for the benchmark).
	Trace func(at time.Duration, limit int, units int64)
	// distance is how far the server is, asked once (near.go).
	distance distance
}

// New returns a Client whose S3 client is base with an HTTP connection pool
// big enough to keep concurrency connections alive (the SDK's default keeps
// 10 idle connections per host, which makes 16 workers reconnect).
func New(base *s3.Client, concurrency int) *Client {
	if concurrency < 1 {
		concurrency = 1
	}
	idle := 2*concurrency + 8
	var httpClient s3.HTTPClient
	if p, ok := base.Options().HTTPClient.(interface{ WithIdleConns(int) aws.HTTPClient }); ok {
		// The tool's own client: same timeouts, a bigger pool.
		httpClient = p.WithIdleConns(idle)
	} else {
		httpClient = awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConns = idle
			t.MaxIdleConnsPerHost = idle
			t.IdleConnTimeout = 90 * time.Second
		})
	}
	s3c := s3.New(base.Options(), func(o *s3.Options) {
		o.HTTPClient = progressClient{httpClient}
		// Objects uploaded in parts carry no whole-object checksum to check;
		// the SDK would print a warning on every such download.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return &Client{S3: s3c, Concurrency: concurrency, PartSize: DefaultPartSize}
}

// cleanupContext is for requests that must go out even after the user
// pressed Ctrl-C, such as aborting a multipart upload.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// Interrupted reports whether err comes from the command being cancelled.
func Interrupted(err error) bool {
	return errors.Is(err, context.Canceled)
}

// Upload progress is counted as request bodies are sent, in the HTTP client:
// the SDK reads a body once to sign it before sending it, so counting reads
// of the file would run ahead of the network.

type progressKey struct{}

func withProgress(ctx context.Context, bar *progress.Bar) context.Context {
	if bar == nil {
		return ctx
	}
	return context.WithValue(ctx, progressKey{}, bar)
}

// The same for the flow whose meter a request's body counts into, and
// which learns when the whole body has gone (see flow.go).
type flowKey struct{}

func withFlow(ctx context.Context, st *sendState) context.Context {
	return context.WithValue(ctx, flowKey{}, st)
}

type progressClient struct{ inner s3.HTTPClient }

func (pc progressClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Method == http.MethodPut {
		bar, _ := req.Context().Value(progressKey{}).(*progress.Bar)
		st, _ := req.Context().Value(flowKey{}).(*sendState)
		if bar != nil || st != nil {
			req.Body = &countingBody{ReadCloser: req.Body, bar: bar, send: st, left: req.ContentLength}
		}
	}
	return pc.inner.Do(req)
}

type countingBody struct {
	io.ReadCloser
	bar  *progress.Bar
	send *sendState
	left int64 // bytes of the body not read yet, when known
}

func (cb *countingBody) Read(p []byte) (int, error) {
	n, err := cb.ReadCloser.Read(p)
	cb.bar.Add(int64(n))
	if cb.send != nil {
		cb.send.flow.add(int64(n))
		cb.left -= int64(n)
		if err == io.EOF || cb.left <= 0 && cb.left+int64(n) > 0 {
			cb.send.bodySent()
		}
	}
	return n, err
}
