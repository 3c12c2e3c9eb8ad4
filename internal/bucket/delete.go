// Package bucket holds operations on whole buckets. delete.go deletes S3
// buckets, emptying them first when asked: every object, every older
// version and every delete marker, in batches of up to 1,000 keys with a
// few batches in flight at once. public.go makes a bucket's objects
// readable by anyone, or not (set-public, set-private).
package bucket

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/undo"
)

// MaxBatch is the most keys one DeleteObjects request may name.
const MaxBatch = 1000

// DefaultConcurrency is how many DeleteObjects requests run at once.
const DefaultConcurrency = 4

// S3API names the S3 calls deleting a bucket makes.
type S3API interface {
	ListObjectVersions(context.Context, *s3.ListObjectVersionsInput, ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error)
	DeleteObjects(context.Context, *s3.DeleteObjectsInput, ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
	DeleteBucket(context.Context, *s3.DeleteBucketInput, ...func(*s3.Options)) (*s3.DeleteBucketOutput, error)
	ListMultipartUploads(context.Context, *s3.ListMultipartUploadsInput, ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error)
	AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
}

// Deleter empties and deletes buckets.
type Deleter struct {
	S3 S3API
	// Concurrency bounds the DeleteObjects requests in flight (default 4).
	Concurrency int
	// BatchSize is the number of keys per DeleteObjects request (default and
	// most: 1,000); tests lower it.
	BatchSize int
	// Progress, when set, is shown the running total of deleted entries
	// after each batch (never concurrently), and cleared when Delete has
	// emptied the bucket.
	Progress interface {
		Set(deleted int)
		Clear()
	}
}

// Contents counts what a bucket holds.
type Contents struct {
	// Objects are current versions (the objects a plain listing shows).
	Objects int
	// OlderVersions are noncurrent versions of objects.
	OlderVersions int
	// DeleteMarkers are the markers versioning leaves where objects were deleted.
	DeleteMarkers int
	// Uploads are incomplete multipart uploads, which keep a bucket from
	// being deleted on some servers.
	Uploads int
	// Partial is set when only part of the bucket was looked at: the
	// counts are lower bounds.
	Partial bool
}

// Total is the number of entries that must be deleted to empty the bucket.
func (c Contents) Total() int { return c.Objects + c.OlderVersions + c.DeleteMarkers + c.Uploads }

// String describes the counts: "3 objects, 2 older versions and 1 delete marker".
func (c Contents) String() string {
	var parts []string
	if c.Objects > 0 || (c.OlderVersions == 0 && c.DeleteMarkers == 0 && c.Uploads == 0) {
		parts = append(parts, message.Count(c.Objects, "object"))
	}
	if c.OlderVersions > 0 {
		parts = append(parts, message.Count(c.OlderVersions, "older version"))
	}
	if c.DeleteMarkers > 0 {
		parts = append(parts, message.Count(c.DeleteMarkers, "delete marker"))
	}
	if c.Uploads > 0 {
		parts = append(parts, message.Count(c.Uploads, "incomplete multipart upload"))
	}
	s := parts[0]
	if len(parts) > 1 {
		s = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	if c.Partial {
		s = "at least " + s
	}
	return s
}

func (c *Contents) add(page *s3.ListObjectVersionsOutput) {
	for _, v := range page.Versions {
		if aws.ToBool(v.IsLatest) {
			c.Objects++
		} else {
			c.OlderVersions++
		}
	}
	c.DeleteMarkers += len(page.DeleteMarkers)
}

// Survey counts what bucket holds. With all false it reads one page (up to
// 1,000 entries), enough to tell whether the bucket is empty. A missing
// bucket gives S3's NoSuchBucket error.
func (d *Deleter) Survey(ctx context.Context, bucket string, all bool) (Contents, error) {
	var c Contents
	uploads, partial, err := d.uploads(ctx, bucket, all)
	if err != nil {
		return c, err
	}
	c.Uploads, c.Partial = len(uploads), partial
	p := s3.NewListObjectVersionsPaginator(d.S3, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return c, err
		}
		c.add(page)
		if !all && p.HasMorePages() {
			c.Partial = true
			break
		}
	}
	return c, nil
}

// uploads lists the incomplete multipart uploads in bucket: all of them, or
// with all false the first page. A server that does not implement the call,
// or credentials not allowed to make it, are taken to mean none: uploads
// only matter if they keep the bucket from being deleted, and DeleteBucket
// says so itself.
func (d *Deleter) uploads(ctx context.Context, bucket string, all bool) (list []s3types.MultipartUpload, partial bool, err error) {
	p := s3.NewListMultipartUploadsPaginator(d.S3, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if awsclient.IsNotImplemented(err) || awsclient.ErrorCode(err) == "AccessDenied" {
				return nil, false, nil
			}
			return nil, false, err
		}
		list = append(list, page.Uploads...)
		if !all && p.HasMorePages() {
			return list, true, nil
		}
	}
	return list, false, nil
}

// AbortUploads aborts every incomplete multipart upload in bucket, a few at
// a time, and returns how many it aborted. Uploads that finished or were
// aborted meanwhile are not an error.
func (d *Deleter) AbortUploads(ctx context.Context, bucket string) (int, error) {
	uploads, _, err := d.uploads(ctx, bucket, true)
	if err != nil || len(uploads) == 0 {
		return 0, err
	}
	workers := d.Concurrency
	if workers <= 0 {
		workers = DefaultConcurrency
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		aborted  int
		firstErr error
		sem      = make(chan struct{}, workers)
	)
	for _, u := range uploads {
		wg.Add(1)
		sem <- struct{}{}
		go func(u s3types.MultipartUpload) {
			defer wg.Done()
			defer func() { <-sem }()
			var lost undo.LostAnswers
			_, err := d.S3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
				Bucket: aws.String(bucket), Key: u.Key, UploadId: u.UploadId,
			}, lost.S3Option())
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil, lost.Happened() && awsclient.ErrorCode(err) == "NoSuchUpload":
				// Listed a moment ago: gone after an attempt whose answer
				// was lost, that attempt aborted it.
				aborted++
			case awsclient.ErrorCode(err) == "NoSuchUpload":
			case firstErr == nil:
				firstErr = err
			}
		}(u)
	}
	wg.Wait()
	return aborted, firstErr
}

// KeyErrors are the entries DeleteObjects reported it could not delete.
type KeyErrors struct {
	Bucket  string
	Errors  []s3types.Error
	Deleted int
}

// shownErrors bounds how many failures the message lists.
const shownErrors = 20

func (e *KeyErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Could not delete %s from %s (%d deleted); the bucket was not deleted:", message.Count(len(e.Errors), "object"), e.Bucket, e.Deleted)
	for i, ke := range e.Errors {
		if i == shownErrors {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Errors)-shownErrors)
			break
		}
		fmt.Fprintf(&b, "\n  %s", aws.ToString(ke.Key))
		if v := aws.ToString(ke.VersionId); v != "" {
			fmt.Fprintf(&b, " (version %s)", v)
		}
		fmt.Fprintf(&b, ": %s", aws.ToString(ke.Code))
		if m := aws.ToString(ke.Message); m != "" {
			fmt.Fprintf(&b, ": %s", m)
		}
	}
	return b.String()
}

// Empty deletes every object version and delete marker in bucket and
// returns how many entries were deleted.
//
// It works in rounds: list up to Concurrency batches from the start of the
// bucket, delete those batches concurrently, and start over until a listing
// comes back empty. A listing never resumes from a marker naming an entry
// that was deleted meanwhile, which some S3-compatible servers mishandle;
// entries S3 refused to delete are skipped by later rounds and returned as
// *KeyErrors at the end. A failed request stops the run.
func (d *Deleter) Empty(ctx context.Context, bucket string) (int, error) {
	size := d.BatchSize
	if size <= 0 || size > MaxBatch {
		size = MaxBatch
	}
	workers := d.Concurrency
	if workers <= 0 {
		workers = DefaultConcurrency
	}
	var (
		deleted int
		keyErrs []s3types.Error
		failed  = map[entry]bool{}
	)
	for {
		batches, err := d.listRound(ctx, bucket, size, workers, failed)
		if err != nil {
			return deleted, stopped(err, deleted)
		}
		if len(batches) == 0 {
			break
		}
		var (
			mu       sync.Mutex
			wg       sync.WaitGroup
			firstErr error
		)
		for _, batch := range batches {
			wg.Add(1)
			go func(batch []s3types.ObjectIdentifier) {
				defer wg.Done()
				out, err := d.S3.DeleteObjects(ctx, &s3.DeleteObjectsInput{
					Bucket: aws.String(bucket),
					Delete: &s3types.Delete{Objects: batch, Quiet: aws.Bool(true)},
				})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
					return
				}
				for _, ke := range out.Errors {
					keyErrs = append(keyErrs, ke)
					// Servers may leave the version out of an error: the
					// whole key is then skipped by later rounds.
					version := aws.ToString(ke.VersionId)
					failed[entry{key: aws.ToString(ke.Key), version: version, anyVersion: version == ""}] = true
				}
				deleted += len(batch) - len(out.Errors)
				if d.Progress != nil {
					d.Progress.Set(deleted)
				}
			}(batch)
		}
		wg.Wait()
		if firstErr != nil {
			return deleted, stopped(firstErr, deleted)
		}
	}
	if len(keyErrs) > 0 {
		return deleted, &KeyErrors{Bucket: bucket, Errors: keyErrs, Deleted: deleted}
	}
	return deleted, nil
}

// entry names one version (or, with anyVersion, every version) of a key.
type entry struct {
	key, version string
	anyVersion   bool
}

func skip(failed map[entry]bool, key, version string) bool {
	return failed[entry{key: key, version: version}] || failed[entry{key: key, anyVersion: true}]
}

// listRound lists, from the start of the bucket, up to n batches of entries
// not known to have failed.
func (d *Deleter) listRound(ctx context.Context, bucket string, size, n int, failed map[entry]bool) ([][]s3types.ObjectIdentifier, error) {
	var batches [][]s3types.ObjectIdentifier
	var batch []s3types.ObjectIdentifier
	add := func(key, version *string) {
		if skip(failed, aws.ToString(key), aws.ToString(version)) {
			return
		}
		batch = append(batch, s3types.ObjectIdentifier{Key: key, VersionId: version})
		if len(batch) == size {
			batches = append(batches, batch)
			batch = nil
		}
	}
	p := s3.NewListObjectVersionsPaginator(d.S3, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	for p.HasMorePages() && len(batches) < n {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range page.Versions {
			add(v.Key, v.VersionId)
		}
		for _, m := range page.DeleteMarkers {
			add(m.Key, m.VersionId)
		}
	}
	// A partial batch beyond the n waits for the next round.
	if len(batch) > 0 && len(batches) < n {
		batches = append(batches, batch)
	}
	return batches, nil
}

// stopped reports a failed request, saying how far the run got.
func stopped(err error, deleted int) error {
	if deleted > 0 {
		return fmt.Errorf("%s (%s had been deleted; the bucket was not deleted)", awsclient.ErrorMessage(err), message.Count(deleted, "object"))
	}
	return err
}

// Remains looks at what is left of bucket after a run stopped early, on a
// context of its own (the run's may have been cancelled by Ctrl-C): gone
// says the bucket no longer exists (its deletion may have been carried out
// though its answer was lost), and otherwise c counts what it holds, from
// one listing page.
func (d *Deleter) Remains(ctx context.Context, bucket string) (gone bool, c Contents, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	c, err = d.Survey(ctx, bucket, false)
	if awsclient.ErrorCode(err) == "NoSuchBucket" {
		return true, Contents{}, nil
	}
	return false, c, err
}

// DeleteBucket deletes the (empty) bucket. A bucket gone after an attempt
// whose answer was lost (no answer, or a server error) was deleted by that
// attempt.
func (d *Deleter) DeleteBucket(ctx context.Context, bucket string) error {
	var lost undo.LostAnswers
	_, err := d.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}, lost.S3Option())
	if lost.Happened() && awsclient.ErrorCode(err) == "NoSuchBucket" {
		return nil
	}
	return err
}
