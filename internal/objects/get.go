package objects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
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

// GetFile downloads bucket/key to path, as outfile.Create writes it: a
// regular file (or none) through a temporary file beside it that is
// renamed over it at the end, so a failure leaves an existing file
// untouched; large objects come down in concurrent ranged parts, as many
// at once as pay (see ranged.go). A FIFO or a device gets the object in
// one streamed GET.
func (c *Client) GetFile(ctx context.Context, bucket, key, path string, bar *progress.Bar) error {
	out, err := outfile.Create(ctx, path)
	if err != nil {
		return err
	}
	defer out.Abort()
	if err := c.download(ctx, c.objectRanges, out, bucket, key, bar, nil); err != nil {
		return err
	}
	return out.Commit()
}

// objectRanges is the flow of one object's ranges: it starts with
// StartRanges in flight (besides the first) and grows up to Concurrency.
func (c *Client) objectRanges() *flow {
	return newFlow(flowConfig{start: StartRanges, max: max(c.Concurrency-1, 1), tick: flowTick,
		settle: downloadSettle, window: flowWindow, gain: flowGain, hold: flowHold}, c.Trace)
}

// download fills out with bucket/key, counting the bytes into units.
func (c *Client) download(ctx context.Context, ranges rangeFlow, out *outfile.File, bucket, key string, bar *progress.Bar, units *flow) error {
	if !out.RandomAccess() {
		var w io.Writer = out
		if bar != nil || units != nil {
			w = &countingWriter{w: out, bar: bar, units: units}
		}
		return c.GetTo(ctx, bucket, key, w)
	}
	return c.getRanges(ctx, out, bucket, key, bar, ranges, units)
}

// GetResult says what became of each key GetFiles was asked for.
type GetResult struct {
	// Missing keys did not exist.
	Missing []string
	// Refused keys would have been written outside the output directory.
	Refused []string
	// Skipped keys clash with other keys (one needs a directory where the
	// other is a file, or both name the same file), or name no file.
	Skipped []KeyError
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
	return len(r.Missing) == 0 && len(r.Refused) == 0 && len(r.Skipped) == 0 && len(r.Failed) == 0
}

// Messages lists the problems, one line each, in the order of the keys asked for.
func (r *GetResult) Messages() []string {
	var lines []string
	for _, k := range r.Refused {
		lines = append(lines, fmt.Sprintf("Refused: %s (would be written outside the output directory)", k))
	}
	for _, s := range r.Skipped {
		lines = append(lines, fmt.Sprintf("Skipped: %s (%v)", s.Key, s.Err))
	}
	for _, f := range r.Failed {
		lines = append(lines, fmt.Sprintf("Failed: %s: %s", f.Key, awsclient.ErrorMessage(f.Err)))
	}
	for _, k := range r.Missing {
		lines = append(lines, "Not found: "+k)
	}
	return lines
}

// clash is why a key is skipped: it cannot be a file beside the others.
type clash struct{ reason string }

func (c *clash) Error() string { return c.reason }

// planPaths maps keys to paths inside the output directory. rels[i] is
// key i's path, or "" when status[i] already says why it is not
// downloaded: refused (ErrUnsafeKey) or clashing with another key. Folder
// markers (keys ending in "/") get their folder's path. Of two keys naming
// the same file the first is kept; a key whose file must be a directory
// for other keys (x beside x/y or x/) is skipped.
func planPaths(keys []string) (rels []string, status []error) {
	rels = make([]string, len(keys))
	status = make([]error, len(keys))
	files := map[string]int{}   // path -> the key written there
	needDir := map[string]int{} // path -> the first key needing it to be a directory
	for i, key := range keys {
		marker := strings.HasSuffix(key, "/")
		rel, err := LocalPath(strings.TrimRight(key, "/"))
		if err != nil {
			status[i] = ErrUnsafeKey
			continue
		}
		dir := filepath.Dir(rel)
		if marker {
			dir = rel
		} else if rel == "." {
			status[i] = &clash{"the key names the output directory itself, not a file"}
			continue
		}
		for d := dir; d != "."; d = filepath.Dir(d) {
			if _, ok := needDir[d]; !ok {
				needDir[d] = i
			}
		}
		rels[i] = rel
		if marker {
			continue
		}
		if j, ok := files[rel]; ok {
			status[i] = &clash{"the same file as key " + keys[j]}
			rels[i] = ""
			continue
		}
		files[rel] = i
	}
	for rel, i := range files {
		if j, ok := needDir[rel]; ok {
			status[i] = &clash{fmt.Sprintf("key %s needs %s to be a directory, but key %s is a file", keys[j], filepath.ToSlash(rel), keys[i])}
			rels[i] = ""
		}
	}
	return rels, status
}

// GetFiles downloads keys into dir, keeping their folder structure, with up
// to Concurrency downloads in flight. Keys that would land outside dir are
// refused without a request, and keys that clash with others are skipped.
// Keys in same are left alone (their files are already there); they still
// count when keys are checked for clashes. A missing key does not stop the
// others; the error returned is for what stops everything (cancellation,
// a bad dir).
func (c *Client) GetFiles(ctx context.Context, bucket string, keys []string, same map[string]bool, dir string, bar *progress.Bar) (*GetResult, error) {
	// Every write goes through an os.Root, which refuses any path,
	// symlinks included, that resolves outside dir.
	root, err := outfile.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()

	res := &GetResult{}
	var mu sync.Mutex
	rels, status := planPaths(keys)
	// Each large object has up to 4 ranges in flight besides its first.
	ranges := func() *flow { return fixedFlow(min(4, c.Concurrency)) }
	files := c.filesFlow()
	defer files.close()
	made := &madeDirs{root: root}
	var todo []int
	for i, key := range keys {
		if rels[i] == "" || same[key] {
			continue
		}
		if strings.HasSuffix(key, "/") {
			// A folder marker: make the folder, there is nothing to download.
			status[i] = made.mkdirAll(rels[i])
			continue
		}
		todo = append(todo, i)
	}
	err = files.run(ctx, len(todo), c.Concurrency, func(ctx context.Context, n int) error {
		i := todo[n]
		err := c.getInto(ctx, ranges, made, bucket, keys[i], rels[i], bar, files)
		if err == nil {
			files.add(fileCredit)
		}
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
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
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, err := range status {
		res.Record(keys[i], err)
	}
	return res, nil
}

// Record files what became of key: nothing when err is nil.
func (r *GetResult) Record(key string, err error) {
	var cl *clash
	switch {
	case err == nil:
	case errors.Is(err, ErrUnsafeKey), errors.Is(err, outfile.ErrOutside):
		r.Refused = append(r.Refused, key)
	case errors.As(err, &cl):
		r.Skipped = append(r.Skipped, KeyError{key, err})
	case awsclient.IsNotFound(err) && awsclient.ErrorCode(err) != "NoSuchBucket":
		r.Missing = append(r.Missing, key)
	default:
		r.Failed = append(r.Failed, KeyError{key, err})
	}
}

// getInto downloads one key to rel inside root.
func (c *Client) getInto(ctx context.Context, ranges rangeFlow, dirs *madeDirs, bucket, key, rel string, bar *progress.Bar, units *flow) error {
	if d := filepath.Dir(rel); d != "." {
		if err := dirs.mkdirAll(d); err != nil {
			return err
		}
	}
	out, err := dirs.root.Create(ctx, rel)
	if err != nil {
		return err
	}
	defer out.Abort()
	if err := c.download(ctx, ranges, out, bucket, key, bar, units); err != nil {
		return err
	}
	return out.Commit()
}

// madeDirs makes the folders of an output directory once each, not once
// per file written into them.
type madeDirs struct {
	root *outfile.Dir
	done sync.Map // rel -> struct{}
}

func (m *madeDirs) mkdirAll(rel string) error {
	if _, ok := m.done.Load(rel); ok {
		return nil
	}
	if err := m.root.MkdirAll(rel); err != nil {
		return err
	}
	m.done.Store(rel, struct{}{})
	return nil
}

type countingWriter struct {
	w     io.Writer
	bar   *progress.Bar
	units *flow
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.bar.Add(int64(n))
	c.units.add(int64(n))
	return n, err
}
