package objects

// Ranged downloads into a file. The first GET asks for the first range
// and learns the object's size from its answer's headers; the other ranges
// go out as soon as those headers are in, while the first range's body is
// still arriving (the SDK's downloader waits for the whole first range
// first: through a link that carries 8 MiB/s a connection, that is a
// second spent on one connection per 8 MiB). How many ranges are in
// flight is a flow's (flow.go): it grows while more ranges move more.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/progress"
)

const (
	// firstRange is what the first GET asks for, before the size is
	// known: all of a small object.
	firstRange int64 = 8 << 20
	// The other ranges: the object cut into about wantRanges, each
	// between minRange and maxRange.
	wantRanges       = 64
	minRange   int64 = 8 << 20
	maxRange   int64 = 64 << 20
	// StartRanges is how many ranges are in flight at first, for one
	// object.
	StartRanges = 8
	// rangeBodyRetries is how often a range whose body breaks off is asked
	// for again (the rest of it): a silent endpoint costs two read
	// timeouts, not more.
	rangeBodyRetries = 1
)

// rangeSize is the size of the ranges after the first for an object of
// total bytes.
func rangeSize(total int64) int64 {
	const mib = 1 << 20
	n := (total + wantRanges - 1) / wantRanges
	n = (n + mib - 1) / mib * mib
	return min(max(n, minRange), maxRange)
}

// rangeFlow makes the flow the ranges after the first wait for; it is only
// called for an object larger than the first range.
type rangeFlow func() *flow

// getRanges downloads bucket/key into w. The first GET goes out at once
// (the caller bounds those); the others wait for places in the flow that
// ranges gives, which getRanges closes.
func (c *Client) getRanges(ctx context.Context, w io.WriterAt, bucket, key string, bar *progress.Bar, ranges rangeFlow, units *flow) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	g := &rangeGet{c: c, w: w, bucket: bucket, key: key, bar: bar, units: units}
	first, err := c.S3.GetObject(ctx, g.input(0, firstRange))
	if awsclient.HTTPStatus(err) == http.StatusRequestedRangeNotSatisfiable {
		// Some servers refuse any range of an empty object.
		first, err = c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	}
	if err != nil {
		return err
	}
	total, err := totalSize(first, 0)
	if err != nil {
		first.Body.Close()
		return err
	}
	g.etag, g.total = aws.ToString(first.ETag), total
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed error
	fail := func(err error) {
		mu.Lock()
		if failed == nil {
			failed = err
			cancel(err)
		}
		mu.Unlock()
	}
	end := min(firstRange, total)
	if first.ContentRange == nil {
		end = total // the whole object came back
	}
	if end < total {
		fl := ranges()
		defer fl.close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			size := rangeSize(total)
			for off := end; off < total; off += size {
				if fl.acquire(ctx) != nil {
					return
				}
				n := min(size, total-off)
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer fl.release()
					if err := g.fetch(ctx, nil, off, n, fl); err != nil {
						fail(err)
					}
				}()
			}
		}()
	}
	if err := g.fetch(ctx, first, 0, end, nil); err != nil {
		fail(err)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil && failed == nil {
		return err
	}
	return failed
}

// rangeGet is one object's ranged download.
type rangeGet struct {
	c           *Client
	w           io.WriterAt
	bucket, key string
	etag        string
	total       int64
	bar         *progress.Bar
	units       *flow
}

func (g *rangeGet) input(off, n int64) *s3.GetObjectInput {
	in := &s3.GetObjectInput{Bucket: aws.String(g.bucket), Key: aws.String(g.key),
		Range: aws.String(fmt.Sprintf("bytes=%d-%d", off, off+n-1))}
	if g.etag != "" {
		// The object must not change between ranges.
		in.IfMatch = aws.String(g.etag)
	}
	return in
}

// fetch writes the n bytes at off, from resp when given (already asked
// for), and asks again for the rest when the body breaks off.
func (g *rangeGet) fetch(ctx context.Context, resp *s3.GetObjectOutput, off, n int64, fl *flow) error {
	for attempt := 0; ; attempt++ {
		if resp == nil {
			var err error
			resp, err = g.c.S3.GetObject(ctx, g.input(off, n))
			if err == nil {
				err = g.seek(resp, off)
				if err != nil {
					resp.Body.Close()
				}
			}
			if err != nil {
				return err
			}
		}
		done, err := g.copy(resp.Body, off, n, fl)
		resp.Body.Close()
		resp = nil
		off, n = off+done, n-done
		if err == nil || ctx.Err() != nil || attempt >= rangeBodyRetries {
			return err
		}
	}
}

// seek makes resp's body start at off: a ranged answer must start there;
// an answer with the whole object (a server that ignores ranges) has its
// first off bytes read and dropped.
func (g *rangeGet) seek(resp *s3.GetObjectOutput, off int64) error {
	if resp.ContentRange != nil {
		_, err := totalSize(resp, off)
		return err
	}
	if aws.ToInt64(resp.ContentLength) != g.total {
		return fmt.Errorf("invalid content range: asked for bytes from %d of %d, got %d bytes", off, g.total, aws.ToInt64(resp.ContentLength))
	}
	if n, err := io.CopyN(io.Discard, resp.Body, off); n < off {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

// copy writes body at off, at most n bytes, counting them.
func (g *rangeGet) copy(body io.Reader, off, n int64, fl *flow) (int64, error) {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	var done int64
	for done < n {
		m, err := body.Read(buf[:min(int64(len(buf)), n-done)])
		if m > 0 {
			if _, werr := g.w.WriteAt(buf[:m], off+done); werr != nil {
				return done, werr
			}
			done += int64(m)
			g.bar.Add(int64(m))
			fl.add(int64(m))
			g.units.add(int64(m))
		}
		if err == io.EOF {
			if done < n {
				return done, io.ErrUnexpectedEOF
			}
			break
		}
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// copyBuffers hold what one range's body gives between reading and
// writing: 64 KiB each, so that even hundreds of ranges in flight (many
// large objects at once) hold little memory.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// totalSize reads the object's size from a ranged answer, checking that
// it starts at off; an answer without Content-Range holds the whole
// object.
func totalSize(resp *s3.GetObjectOutput, off int64) (int64, error) {
	cr := aws.ToString(resp.ContentRange)
	if cr == "" {
		return aws.ToInt64(resp.ContentLength), nil
	}
	// "bytes START-END/TOTAL"
	rest, ok := strings.CutPrefix(cr, "bytes ")
	span, total, ok2 := strings.Cut(rest, "/")
	first, _, ok3 := strings.Cut(span, "-")
	start, err1 := strconv.ParseInt(first, 10, 64)
	size, err2 := strconv.ParseInt(total, 10, 64)
	if !ok || !ok2 || !ok3 || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cannot read Content-Range %q", cr)
	}
	if start != off {
		return 0, fmt.Errorf("invalid content range: asked for bytes from %d, got %q", off, cr)
	}
	return size, nil
}
