package objects

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/progress"
)

// GetTo streams bucket/key into w with one GET: bytes are written as they
// arrive, nothing is held in memory. Nothing is written when the key is
// missing.
func (c *Client) GetTo(ctx context.Context, bucket, key string, w io.Writer) error {
	out, err := c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return err
	}
	defer out.Body.Close()
	_, err = io.Copy(w, out.Body)
	return err
}

func (c *Client) downloader(parts int) *manager.Downloader {
	return manager.NewDownloader(c.S3, func(d *manager.Downloader) {
		d.PartSize = c.PartSize
		d.Concurrency = parts
		// A part whose body breaks off is asked for once more (the SDK's
		// default is three times): a silent endpoint costs two read
		// timeouts, not four.
		d.PartBodyMaxRetries = 1
	})
}

// GetFile downloads bucket/key to path, large objects in concurrent ranged
// parts. The object lands in a temporary file beside path that is renamed
// over it at the end, so a failure leaves any existing file untouched.
func (c *Client) GetFile(ctx context.Context, bucket, key, path string, bar *progress.Bar) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.part")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPathErr(err))
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := c.downloader(c.Concurrency).Download(ctx, countWriterAt(tmp, bar),
		&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	return nil
}

// GetResult says what became of each key GetFiles was asked for.
type GetResult struct {
	// Missing keys did not exist.
	Missing []string
	// Refused keys would have been written outside the output directory.
	Refused []string
	// Failed maps other keys to what went wrong.
	Failed []KeyError
}

// KeyError is a key that could not be handled and why.
type KeyError struct {
	Key string
	Err error
}

// OK says whether every key was downloaded.
func (r *GetResult) OK() bool {
	return len(r.Missing) == 0 && len(r.Refused) == 0 && len(r.Failed) == 0
}

// Messages lists the problems, one line each, in the order of the keys asked for.
func (r *GetResult) Messages() []string {
	var lines []string
	for _, k := range r.Refused {
		lines = append(lines, fmt.Sprintf("Refused: %s (would be written outside the output directory)", k))
	}
	for _, f := range r.Failed {
		lines = append(lines, fmt.Sprintf("Failed: %s: %s", f.Key, awsclient.ErrorMessage(f.Err)))
	}
	for _, k := range r.Missing {
		lines = append(lines, "Not found: "+k)
	}
	return lines
}

// GetFiles downloads keys into dir, keeping their folder structure, with up
// to Concurrency downloads in flight. Keys that would land outside dir are
// refused without a request. A missing key does not stop the others; the
// error returned is for what stops everything (cancellation, a bad dir).
func (c *Client) GetFiles(ctx context.Context, bucket string, keys []string, dir string, bar *progress.Bar) (*GetResult, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// os.Root refuses any path, symlinks included, that resolves outside dir.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()

	res := &GetResult{}
	var mu sync.Mutex
	status := make([]error, len(keys))
	dl := c.downloader(min(4, c.Concurrency))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.Concurrency)
	for i, key := range keys {
		if strings.HasSuffix(key, "/") {
			// A folder marker: make the folder, there is nothing to download.
			rel, err := LocalPath(strings.TrimRight(key, "/"))
			if err == nil {
				err = root.MkdirAll(rel, 0o755)
			}
			if err != nil {
				status[i] = ErrUnsafeKey
			}
			continue
		}
		rel, err := LocalPath(key)
		if err != nil {
			status[i] = ErrUnsafeKey
			continue
		}
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			err := c.getInto(gctx, dl, root, bucket, key, rel, bar)
			if err != nil && gctx.Err() != nil {
				return gctx.Err()
			}
			if awsclient.IsNetworkError(err) || awsclient.IsNotAWS(err) {
				// The endpoint, not the key: the other keys would
				// meet the same, one timeout after another.
				return err
			}
			mu.Lock()
			status[i] = err
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, err := range status {
		switch {
		case err == nil:
		case errors.Is(err, ErrUnsafeKey):
			res.Refused = append(res.Refused, keys[i])
		case awsclient.IsNotFound(err) && awsclient.ErrorCode(err) != "NoSuchBucket":
			res.Missing = append(res.Missing, keys[i])
		default:
			res.Failed = append(res.Failed, KeyError{keys[i], err})
		}
	}
	return res, nil
}

// getInto downloads one key to rel inside root, through a temporary file.
func (c *Client) getInto(ctx context.Context, dl *manager.Downloader, root *os.Root, bucket, key, rel string, bar *progress.Bar) error {
	if d := filepath.Dir(rel); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			if escapes(err) {
				return ErrUnsafeKey
			}
			return err
		}
	}
	tmpName := rel + partSuffix
	f, err := root.OpenFile(tmpName, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		if escapes(err) {
			return ErrUnsafeKey
		}
		return err
	}
	_, err = dl.Download(ctx, countWriterAt(f, bar), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmpName, rel)
	}
	if err != nil {
		root.Remove(tmpName)
	}
	return err
}

// partSuffix names downloads in progress; random per process so it cannot
// be mistaken for a key being downloaded at the same time.
var partSuffix = func() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf(".%x.part", b)
}()

// escapes recognises os.Root's refusal of a path that leaves the root
// (through "..", or a symlink pointing outside); it has no exported error.
func escapes(err error) bool {
	return err != nil && strings.Contains(err.Error(), "escapes from parent")
}

func countWriterAt(w io.WriterAt, bar *progress.Bar) io.WriterAt {
	if bar == nil {
		return w
	}
	return &countingWriterAt{w: w, bar: bar}
}

type countingWriterAt struct {
	w   io.WriterAt
	bar *progress.Bar
}

func (c *countingWriterAt) WriteAt(b []byte, off int64) (int, error) {
	n, err := c.w.WriteAt(b, off)
	c.bar.Add(int64(n))
	return n, err
}

// HeadSizes returns the size of each key (0 when it cannot be read; an
// endpoint that does not answer stops it), with
// up to Concurrency requests in flight.
func (c *Client) HeadSizes(ctx context.Context, bucket string, keys []string) ([]int64, error) {
	sizes := make([]int64, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.Concurrency)
	for i, key := range keys {
		g.Go(func() error {
			out, err := c.S3.HeadObject(gctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			if err == nil {
				sizes[i] = aws.ToInt64(out.ContentLength)
			}
			if awsclient.IsNetworkError(err) || awsclient.IsNotAWS(err) {
				return err // no use asking about the other keys
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil && ctx.Err() == nil {
		return nil, err
	}
	return sizes, ctx.Err()
}
