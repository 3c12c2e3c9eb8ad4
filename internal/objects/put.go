package objects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
	"github.com/s3-credentials/s3-credentials/internal/progress"
)

// uploader sends one object: a single PutObject when it fits in one part,
// otherwise a multipart upload with parts parts in flight.
func (c *Client) uploader(parts int, partSize int64) *manager.Uploader {
	return manager.NewUploader(uploadClient{c.S3}, func(u *manager.Uploader) {
		u.PartSize = partSize
		u.Concurrency = parts
		// We abort ourselves, with a context that survives Ctrl-C.
		u.LeavePartsOnError = true
	})
}

// uploadClient lets CreateMultipartUpload finish even when the command is
// interrupted while it is in flight: otherwise S3 may have created the
// upload without us learning its ID, and it could not be aborted.
type uploadClient struct{ *s3.Client }

func (u uploadClient) CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	return u.Client.CreateMultipartUpload(cctx, in, opts...)
}

// upload sends body to bucket/key and aborts a failed multipart upload, so
// an interrupted upload leaves no parts behind to pay for.
func (c *Client) upload(ctx context.Context, up *manager.Uploader, bucket, key, contentType string, body io.Reader) error {
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: body}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	_, err := up.Upload(ctx, in)
	if err == nil {
		return nil
	}
	var mf manager.MultiUploadFailure
	if errors.As(err, &mf) && mf.UploadID() != "" {
		actx, cancel := cleanupContext(ctx)
		defer cancel()
		_, aerr := c.S3.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(mf.UploadID()),
		})
		if aerr != nil {
			return fmt.Errorf("%w (and aborting multipart upload %s failed: %v)", err, mf.UploadID(), aerr)
		}
	}
	return err
}

// PutFile uploads the file at path. What is not a regular file (a FIFO,
// /dev/stdin, a process substitution such as <(cmd)) cannot be read twice
// or in parts at once: it is streamed as PutStream streams. Opening a FIFO
// waits for a writer; ctx ends the wait.
func (c *Client) PutFile(ctx context.Context, bucket, key, path, contentType string, bar *progress.Bar) error {
	f, err := outfile.OpenWait(ctx, func() (*os.File, error) { return os.Open(path) })
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		if !fi.Mode().IsRegular() {
			return c.PutStream(ctx, bucket, key, f, contentType, bar)
		}
		size = fi.Size()
	}
	return c.upload(withProgress(ctx, bar), c.fileUploader(size, c.Concurrency), bucket, key, contentType, f)
}

// fileUploader is the uploader for a file of size bytes with at most
// concurrency parts in flight: PartPlan's choice unless UploadPartSize
// fixes the part size.
func (c *Client) fileUploader(size int64, concurrency int) *manager.Uploader {
	if c.UploadPartSize > 0 {
		return c.uploader(concurrency, c.UploadPartSize)
	}
	partSize, parts := PartPlan(size, concurrency)
	return c.uploader(parts, partSize)
}

// Streams are sent in parts held in memory while they are in flight, so
// they use smaller parts and fewer at once than files: at most
// StreamParts x StreamPartSize (64 MiB) is buffered however long the stream
// is. 10,000 parts of 8 MiB put the largest stream at 78 GiB.
const (
	StreamPartSize int64 = 8 * 1024 * 1024
	StreamParts          = 8
)

// PutStream uploads everything r yields without knowing its size first.
func (c *Client) PutStream(ctx context.Context, bucket, key string, r io.Reader, contentType string, bar *progress.Bar) error {
	up := c.uploader(min(c.Concurrency, StreamParts), min(c.PartSize, StreamPartSize))
	return c.upload(withProgress(ctx, bar), up, bucket, key, contentType, newCtxReader(ctx, r))
}

// ctxReader makes reads from a stream that may block forever (a terminal,
// a pipe whose writer is idle) give up when ctx is cancelled, so Ctrl-C
// reaches the upload and it can be aborted. A goroutine does the blocking
// reads, one chunk ahead, into two buffers that take turns (no garbage).
type ctxReader struct {
	ctx  context.Context
	full chan chunk
	free chan []byte
	cur  chunk
	rest []byte
}

type chunk struct {
	b   []byte
	err error
}

const streamChunk = 256 * 1024

func newCtxReader(ctx context.Context, r io.Reader) io.Reader {
	cr := &ctxReader{ctx: ctx, full: make(chan chunk), free: make(chan []byte, 2)}
	cr.free <- make([]byte, streamChunk)
	cr.free <- make([]byte, streamChunk)
	go func() {
		for {
			var b []byte
			select {
			case b = <-cr.free:
			case <-ctx.Done():
				return
			}
			n, err := r.Read(b[:cap(b)])
			select {
			case cr.full <- chunk{b[:n], err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return cr
}

func (cr *ctxReader) Read(p []byte) (int, error) {
	for len(cr.rest) == 0 {
		if cr.cur.err != nil {
			return 0, cr.cur.err
		}
		if cr.cur.b != nil {
			cr.free <- cr.cur.b // fully consumed: hand it back
			cr.cur.b = nil
		}
		select {
		case c := <-cr.full:
			cr.cur, cr.rest = c, c.b
		case <-cr.ctx.Done():
			return 0, cr.ctx.Err()
		}
	}
	n := copy(p, cr.rest)
	cr.rest = cr.rest[n:]
	return n, nil
}

// PutFiles uploads files with up to Concurrency uploads in flight. It stops
// at the first failure and returns it.
func (c *Client) PutFiles(ctx context.Context, bucket string, files []LocalFile, bar *progress.Bar) error {
	parts := 4
	if len(files) == 1 {
		parts = c.Concurrency
	}
	parts = min(parts, c.Concurrency)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.Concurrency)
	for _, lf := range files {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			// Planned as a regular file; if something else took its place
			// meanwhile, a FIFO must not hold the upload up forever.
			f, err := outfile.OpenWait(gctx, func() (*os.File, error) { return os.Open(lf.Path) })
			if err != nil {
				return err
			}
			defer f.Close()
			size := lf.Size
			if fi, err := f.Stat(); err == nil {
				if !fi.Mode().IsRegular() {
					return fmt.Errorf("uploading %s: it is no longer a regular file but %s", lf.Path, outfile.What(fi.Mode()))
				}
				size = fi.Size()
			}
			if err := c.upload(withProgress(gctx, bar), c.fileUploader(size, parts), bucket, lf.Key, GuessContentType(lf.Path), f); err != nil {
				if gctx.Err() != nil && ctx.Err() != nil {
					return ctx.Err()
				}
				// Say which file; the message is rendered here because
				// the AWS error inside would otherwise be shown alone.
				return fmt.Errorf("uploading %s: %s", lf.Path, awsclient.ErrorMessage(err))
			}
			return nil
		})
	}
	err := g.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
