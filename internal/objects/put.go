package objects

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
	"github.com/s3-credentials/s3-credentials/internal/progress"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/mimetypes"
)

// uploader sends one object: a single PutObject when it fits in one part,
// otherwise a multipart upload with up to parts parts in flight; when parts
// is a flow, its gate decides how many of those go out at once.
func (c *Client) uploader(parts int, partSize int64, fl *flow) *manager.Uploader {
	return manager.NewUploader(uploadClient{c.S3, fl}, func(u *manager.Uploader) {
		u.PartSize = partSize
		u.Concurrency = parts
		// We abort ourselves, with a context that survives Ctrl-C.
		u.LeavePartsOnError = true
	})
}

// uploadClient lets CreateMultipartUpload finish even when the command is
// interrupted while it is in flight: otherwise S3 may have created the
// upload without us learning its ID, and it could not be aborted. Parts
// wait for a place in parts, when set.
type uploadClient struct {
	*s3.Client
	parts *flow
}

func (u uploadClient) CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	return u.Client.CreateMultipartUpload(cctx, in, opts...)
}

func (u uploadClient) UploadPart(ctx context.Context, in *s3.UploadPartInput, opts ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	if u.parts == nil {
		return u.Client.UploadPart(ctx, in, opts...)
	}
	if err := u.parts.acquire(ctx); err != nil {
		return nil, err
	}
	defer u.parts.release()
	st := &sendState{flow: u.parts}
	defer st.done()
	return u.Client.UploadPart(withFlow(ctx, st), in, opts...)
}

// uploadFailure says what a failed upload may have left in the bucket.
type uploadFailure struct {
	// maybeStored: the object may be in the bucket all the same (a request
	// that would have stored it went out, and its answer never came or was
	// a server error).
	maybeStored bool
	// leftUpload names an incomplete multipart upload that could not be
	// aborted.
	leftUpload string
}

// upload sends body to bucket/key and aborts a failed multipart upload, so
// an interrupted upload leaves no parts behind to pay for.
// size is the body's size when known (a file), else -1; a body that fits
// in one part goes in a PutObject of its own, without the upload
// manager's work around it (which copies the input by reflection).
func (c *Client) upload(ctx context.Context, up *manager.Uploader, bucket, key, contentType string, body io.Reader, size int64) (uploadFailure, error) {
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: body}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	var err error
	if ra, ok := body.(io.ReaderAt); ok && size >= 0 && size <= up.PartSize {
		// The size seen when planning, as the manager reads a file.
		in.Body = io.NewSectionReader(ra, 0, size)
		in.ContentLength = aws.Int64(size)
		_, err = c.S3.PutObject(ctx, in)
	} else {
		_, err = up.Upload(ctx, in)
	}
	if err == nil {
		return uploadFailure{}, nil
	}
	var mf manager.MultiUploadFailure
	if !errors.As(err, &mf) || mf.UploadID() == "" {
		return uploadFailure{maybeStored: awsclient.MayHaveActed(err)}, err
	}
	actx, cancel := cleanupContext(ctx)
	defer cancel()
	_, aerr := c.S3.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(mf.UploadID()),
	})
	switch {
	case aerr == nil:
		return uploadFailure{}, err
	case awsclient.ErrorCode(aerr) == "NoSuchUpload":
		// Already gone: completed by a CompleteMultipartUpload whose
		// answer was lost, or aborted.
		return uploadFailure{maybeStored: true}, err
	}
	return uploadFailure{leftUpload: fmt.Sprintf("incomplete multipart upload %s of %s (aborting it failed: %s)", mf.UploadID(), key, awsclient.ErrorMessage(aerr))},
		fmt.Errorf("%w (and aborting multipart upload %s failed: %v)", err, mf.UploadID(), aerr)
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
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		if !fi.Mode().IsRegular() {
			return c.PutStream(ctx, bucket, key, f, contentType, bar)
		}
		size = fi.Size()
	}
	up, fl := c.fileUploader(ctx, bucket, key, size, c.Concurrency)
	defer fl.close()
	_, err = c.upload(withProgress(ctx, bar), up, bucket, key, contentType, f, size)
	return err
}

// fileUploader is the uploader for a file of size bytes, to be sent to
// bucket/key, with at most concurrency parts in flight: PartPlan's part
// size for a near or a far server (asked once, when the two plans
// differ for this file), and a flow that starts with the parts that hold
// PlanStartBytes (at least PlanStartParts) and adds more while they pay
// (close it when done), unless UploadPartSize fixes the part size and the
// parts in flight.
func (c *Client) fileUploader(ctx context.Context, bucket, key string, size int64, concurrency int) (*manager.Uploader, *flow) {
	if c.UploadPartSize > 0 {
		return c.uploader(concurrency, c.UploadPartSize, nil), nil
	}
	partSize, most := PartPlan(size, concurrency, false)
	if nearSize, nearMost := PartPlan(size, concurrency, true); (nearSize != partSize || nearMost != most) &&
		c.nearServer(ctx, bucket, key) {
		partSize, most = nearSize, nearMost
	}
	if most <= 1 {
		return c.uploader(1, partSize, nil), nil
	}
	fl := newFlow(flowConfig{start: startParts(partSize, most), max: most, tick: flowTick,
		settle: uploadSettle, window: flowWindow, gain: uploadGain, hold: flowHold, waiting: uploadWaiting}, c.Trace)
	return c.uploader(most, partSize, fl), fl
}

// filePartSize is the part size fileUploader uploaded a file of size
// bytes with (the part size does not depend on the parts in flight).
func (c *Client) filePartSize(size int64) int64 {
	if c.UploadPartSize > 0 {
		return c.UploadPartSize
	}
	partSize, _ := PartPlan(size, 1, c.knownNear())
	return partSize
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
	up := c.uploader(min(c.Concurrency, StreamParts), min(c.PartSize, StreamPartSize), nil)
	_, err := c.upload(withProgress(ctx, bar), up, bucket, key, contentType, newCtxReader(ctx, r), -1)
	return err
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

// UploadStopped is how PutFiles fails once it has put something in the
// bucket, or may have: what did, what may have, and what was left.
type UploadStopped struct {
	Err error
	// Total is the number of files there were to upload.
	Total int
	// Uploaded are the keys stored, sorted: those whose upload was
	// answered, and those cut off in flight but then found in the bucket,
	// whole.
	Uploaded []string
	// Perhaps are the keys, sorted, whose upload was cut off in flight (by
	// Ctrl-C, a dropped connection): they may or may not be in the bucket.
	Perhaps []string
	// Left names incomplete multipart uploads that could not be aborted.
	Left []string
}

func (e *UploadStopped) Error() string { return e.Err.Error() }
func (e *UploadStopped) Unwrap() error { return e.Err }

// PutFiles uploads files with up to Concurrency uploads in flight. It stops
// at the first failure and returns it; when anything reached the bucket by
// then, or may have, as an *UploadStopped.
func (c *Client) PutFiles(ctx context.Context, bucket string, files []LocalFile, bar *progress.Bar) error {
	parts := 4
	if len(files) == 1 {
		parts = c.Concurrency
	}
	parts = min(parts, c.Concurrency)
	inFlight := c.filesFlow()
	defer inFlight.close()
	var (
		mu      sync.Mutex
		stopped = &UploadStopped{Total: len(files)}
		perhaps []LocalFile
	)
	err := inFlight.run(ctx, len(files), c.Concurrency, func(gctx context.Context, i int) error {
		lf := files[i]
		if err := gctx.Err(); err != nil {
			return err // stopped before it began
		}
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
		up, fl := c.fileUploader(gctx, bucket, lf.Key, size, parts)
		failure, err := c.upload(withProgress(gctx, bar), up, bucket, lf.Key, mimetypes.GuessType(lf.Path), f, size)
		fl.close()
		if err == nil {
			inFlight.add(size + fileCredit)
		}
		mu.Lock()
		switch {
		case err == nil:
			stopped.Uploaded = append(stopped.Uploaded, lf.Key)
		case failure.maybeStored:
			perhaps = append(perhaps, lf)
		case failure.leftUpload != "":
			stopped.Left = append(stopped.Left, failure.leftUpload)
		}
		mu.Unlock()
		if err != nil {
			if gctx.Err() != nil && ctx.Err() != nil {
				return ctx.Err()
			}
			// Say which file; the message is rendered here because
			// the AWS error inside would otherwise be shown alone.
			return fmt.Errorf("uploading %s: %s", lf.Path, awsclient.ErrorMessage(err))
		}
		return nil
	})
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if err == nil || len(stopped.Uploaded)+len(perhaps)+len(stopped.Left) == 0 {
		return err
	}
	// One context for every look-up: they all give up together when S3
	// no longer answers.
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	for _, lf := range perhaps {
		if c.stored(cctx, bucket, lf) {
			stopped.Uploaded = append(stopped.Uploaded, lf.Key)
		} else {
			stopped.Perhaps = append(stopped.Perhaps, lf.Key)
		}
	}
	stopped.Err = err
	sort.Strings(stopped.Uploaded)
	sort.Strings(stopped.Perhaps)
	sort.Strings(stopped.Left)
	return stopped
}

// stored looks up whether an upload cut off in flight reached the bucket
// after all (ctx must outlive an interrupt): it did, whole, when the
// object's ETag is the one S3 gives the file's content, sent as this tool
// sends it: the MD5 of the file, or for a multipart upload the MD5 of its
// parts' MD5s and the number of parts (unless the bucket encrypts with
// KMS). false means it cannot be told: an object that differs, or one not
// there yet.
func (c *Client) stored(ctx context.Context, bucket string, lf LocalFile) bool {
	head, err := c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(lf.Key)})
	if err != nil || aws.ToInt64(head.ContentLength) != lf.Size {
		return false
	}
	etag, err := fileETag(lf.Path, lf.Size, c.filePartSize(lf.Size))
	return err == nil && strings.Trim(aws.ToString(head.ETag), `"`) == etag
}

// fileETag is the ETag S3 gives the file when it is uploaded in parts of
// partSize, or in one request when it fits in one part, as the upload
// manager does (with larger parts when there would be too many).
func fileETag(path string, size, partSize int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if size <= partSize {
		h := md5.New()
		if _, err := io.Copy(h, f); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	if maxParts := int64(manager.MaxUploadParts); size/partSize >= maxParts {
		partSize = size/maxParts + 1
	}
	var sums []byte
	parts := 0
	for {
		h := md5.New()
		n, err := io.CopyN(h, f, partSize)
		if n > 0 {
			sums = h.Sum(sums)
			parts++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	all := md5.Sum(sums)
	return hex.EncodeToString(all[:]) + "-" + strconv.Itoa(parts), nil
}
