package objects

// How far the server is, for the part plan (partplan.go): asked once per
// Client, before the first file whose plan depends on it, by a HeadObject
// of the key about to be uploaded. What is timed is the server's round
// trip alone, from the request's last byte to the answer's first (not the
// connection, the signing, nor fetching credentials), and any answer
// counts: a 404, or a 403 for credentials that may only write, comes back
// as fast as a 200. One round trip: about a millisecond on loopback
// (SeaweedFS: 0.5 to 1.5 ms), 40 ms and more for a far region, where each
// part uploads for seconds. S3 itself is said to answer in tens of
// milliseconds even within its region (not measured here), and it serves
// many connections best: it gets the far plan.

import (
	"context"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// nearProbeTimeout bounds the question: a server that has not answered
// by then is far (or busy), and the upload goes on with the far plan.
const nearProbeTimeout = 2 * time.Second

// distance is what a Client learnt of its server.
type distance struct {
	mu    sync.Mutex
	known bool
	near  bool
	// roundTrip, when set, replaces the HeadObject (for tests).
	roundTrip func(ctx context.Context) (time.Duration, bool)
}

// nearServer says whether the server answers within NearRoundTrip, asking
// it the first time (callers at the same time wait for the one answer). A
// question that gets no answer counts as far: the plan every upload had
// before there was a question.
func (c *Client) nearServer(ctx context.Context, bucket, key string) bool {
	d := &c.distance
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.known {
		probe := d.roundTrip
		if probe == nil {
			probe = func(ctx context.Context) (time.Duration, bool) { return c.headRoundTrip(ctx, bucket, key) }
		}
		pctx, cancel := context.WithTimeout(ctx, nearProbeTimeout)
		rtt, ok := probe(pctx)
		cancel()
		d.known, d.near = true, ok && rtt < NearRoundTrip
	}
	return d.near
}

// knownNear is what nearServer found, false when it was never asked.
func (c *Client) knownNear() bool {
	c.distance.mu.Lock()
	defer c.distance.mu.Unlock()
	return c.distance.known && c.distance.near
}

// headRoundTrip times a HeadObject of bucket/key, sent once (no retry):
// false when no answer came.
func (c *Client) headRoundTrip(ctx context.Context, bucket, key string) (time.Duration, bool) {
	var (
		mu         sync.Mutex
		wrote, got time.Time
	)
	trace := &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) {
			mu.Lock()
			wrote = time.Now()
			mu.Unlock()
		},
		GotFirstResponseByte: func() {
			mu.Lock()
			got = time.Now()
			mu.Unlock()
		},
	}
	_, _ = c.S3.HeadObject(httptrace.WithClientTrace(ctx, trace),
		&s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)},
		func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	mu.Lock()
	defer mu.Unlock()
	if wrote.IsZero() || got.Before(wrote) {
		return 0, false
	}
	return got.Sub(wrote), true
}
