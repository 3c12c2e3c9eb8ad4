package bucket

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func TestContentsString(t *testing.T) {
	for _, tc := range []struct {
		c    Contents
		want string
	}{
		{Contents{}, "0 objects"},
		{Contents{Objects: 1}, "1 object"},
		{Contents{Objects: 3, Partial: true}, "at least 3 objects"},
		{Contents{Objects: 2, OlderVersions: 1}, "2 objects and 1 older version"},
		{Contents{Objects: 2, OlderVersions: 2, DeleteMarkers: 1}, "2 objects, 2 older versions and 1 delete marker"},
		{Contents{DeleteMarkers: 2}, "2 delete markers"},
		{Contents{Uploads: 1}, "1 incomplete multipart upload"},
		{Contents{Objects: 1, Uploads: 2}, "1 object and 2 incomplete multipart uploads"},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.c, got, tc.want)
		}
	}
}

// fakeS3 holds one bucket's versions in key order. Listing pages are
// pageSize entries long and resume after a marker, as S3 does.
type fakeS3 struct {
	mu       sync.Mutex
	keys     []string // one entry per version, "key" with version "v"
	pageSize int
	// refuse names keys DeleteObjects reports as errors (without a version).
	refuse map[string]bool
	// failAfter makes DeleteObjects fail once this many calls were made.
	failAfter   int
	calls       int
	inFlight    int
	maxInFlight int
	maxBatch    int
	bucketGone  bool
	uploads     []string // keys with an incomplete multipart upload
	// noUploadAPI makes ListMultipartUploads answer NotImplemented.
	noUploadAPI   bool
	uploadsDenied bool
	// deleteBucketErr, when set, is DeleteBucket's answer; with
	// deletedMeanwhile the bucket is gone all the same (someone else
	// deleted it).
	deleteBucketErr  error
	deletedMeanwhile bool
}

func (f *fakeS3) ListMultipartUploads(ctx context.Context, in *s3.ListMultipartUploadsInput, _ ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if f.bucketGone {
		return nil, &smithy.GenericAPIError{Code: "NoSuchBucket", Message: "The specified bucket does not exist"}
	}
	if f.noUploadAPI {
		return nil, &smithy.GenericAPIError{Code: "NotImplemented", Message: "A header you provided implies functionality that is not implemented"}
	}
	if f.uploadsDenied {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}
	}
	start := 0
	if m := aws.ToString(in.KeyMarker); m != "" {
		start = sort.SearchStrings(f.uploads, m) + 1
	}
	end := min(start+f.pageSize, len(f.uploads))
	out := &s3.ListMultipartUploadsOutput{}
	for _, k := range f.uploads[start:end] {
		out.Uploads = append(out.Uploads, s3types.MultipartUpload{Key: aws.String(k), UploadId: aws.String("u-" + k)})
	}
	if end < len(f.uploads) {
		out.IsTruncated = aws.Bool(true)
		out.NextKeyMarker = aws.String(f.uploads[end-1])
		out.NextUploadIdMarker = aws.String("u-" + f.uploads[end-1])
	}
	return out, nil
}

func (f *fakeS3) AbortMultipartUpload(_ context.Context, in *s3.AbortMultipartUploadInput, _ ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, k := range f.uploads {
		if k == aws.ToString(in.Key) && aws.ToString(in.UploadId) == "u-"+k {
			f.uploads = append(f.uploads[:i:i], f.uploads[i+1:]...)
			return &s3.AbortMultipartUploadOutput{}, nil
		}
	}
	return nil, &smithy.GenericAPIError{Code: "NoSuchUpload", Message: "The specified upload does not exist."}
}

func (f *fakeS3) ListObjectVersions(_ context.Context, in *s3.ListObjectVersionsInput, _ ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	start := 0
	if m := aws.ToString(in.KeyMarker); m != "" {
		start = sort.SearchStrings(f.keys, m)
		if start == len(f.keys) || f.keys[start] != m {
			return nil, errors.New("listing resumed from a deleted marker")
		}
		start++
	}
	end := min(start+f.pageSize, len(f.keys))
	out := &s3.ListObjectVersionsOutput{}
	for _, k := range f.keys[start:end] {
		out.Versions = append(out.Versions, s3types.ObjectVersion{Key: aws.String(k), VersionId: aws.String("v"), IsLatest: aws.Bool(true)})
	}
	if end < len(f.keys) {
		out.IsTruncated = aws.Bool(true)
		out.NextKeyMarker = aws.String(f.keys[end-1])
		out.NextVersionIdMarker = aws.String("v")
	}
	return out, nil
}

func (f *fakeS3) DeleteObjects(_ context.Context, in *s3.DeleteObjectsInput, _ ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	f.mu.Lock()
	f.calls++
	call := f.calls
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	f.maxBatch = max(f.maxBatch, len(in.Delete.Objects))
	f.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inFlight--
	if f.failAfter > 0 && call > f.failAfter {
		return nil, &smithy.GenericAPIError{Code: "SlowDown", Message: "Please reduce your request rate."}
	}
	out := &s3.DeleteObjectsOutput{}
	gone := map[string]bool{}
	for _, o := range in.Delete.Objects {
		k := aws.ToString(o.Key)
		if f.refuse[k] {
			out.Errors = append(out.Errors, s3types.Error{Key: o.Key, Code: aws.String("AccessDenied"), Message: aws.String("Access Denied")})
			continue
		}
		gone[k] = true
	}
	kept := f.keys[:0]
	for _, k := range f.keys {
		if !gone[k] {
			kept = append(kept, k)
		}
	}
	f.keys = kept
	return out, nil
}

func (f *fakeS3) DeleteBucket(context.Context, *s3.DeleteBucketInput, ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	if f.deleteBucketErr != nil {
		f.bucketGone = f.deletedMeanwhile
		return nil, f.deleteBucketErr
	}
	f.bucketGone = true
	return &s3.DeleteBucketOutput{}, nil
}

func newFake(n, pageSize int) *fakeS3 {
	f := &fakeS3{pageSize: pageSize, refuse: map[string]bool{}}
	for i := 0; i < n; i++ {
		f.keys = append(f.keys, fmt.Sprintf("k%05d", i))
	}
	return f
}

func TestEmptyDeletesEverythingInBoundedBatches(t *testing.T) {
	f := newFake(2345, 100)
	p := &progressRecorder{}
	d := &Deleter{S3: f, BatchSize: 200, Concurrency: 3, Progress: p}
	n, err := d.Empty(context.Background(), "b")
	if err != nil || n != 2345 || len(f.keys) != 0 {
		t.Fatalf("deleted %d, err %v, left %d", n, err, len(f.keys))
	}
	if f.maxBatch != 200 || f.maxInFlight > 3 || f.maxInFlight < 2 {
		t.Errorf("largest batch %d, most in flight %d; want 200 and 2..3", f.maxBatch, f.maxInFlight)
	}
	if len(p.set) != f.calls || p.set[len(p.set)-1] != 2345 || p.cleared != 0 {
		t.Errorf("progress %v (cleared %d times) over %d calls", p.set, p.cleared, f.calls)
	}
}

func TestEmptyReportsRefusedKeysAndStops(t *testing.T) {
	f := newFake(450, 100)
	f.refuse["k00000"] = true
	f.refuse["k00301"] = true
	d := &Deleter{S3: f, BatchSize: 100, Concurrency: 2}
	n, err := d.Empty(context.Background(), "b")
	var ke *KeyErrors
	if !errors.As(err, &ke) || n != 448 || len(ke.Errors) != 2 {
		t.Fatalf("deleted %d, err %v", n, err)
	}
	want := "Could not delete 2 objects from b (448 deleted); the bucket was not deleted:\n" +
		"  k00000: AccessDenied: Access Denied\n  k00301: AccessDenied: Access Denied"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	if strings.Join(f.keys, ",") != "k00000,k00301" {
		t.Errorf("left %v", f.keys)
	}
}

func TestKeyErrorsListAtMostTwenty(t *testing.T) {
	e := &KeyErrors{Bucket: "b"}
	for i := 0; i < 25; i++ {
		e.Errors = append(e.Errors, s3types.Error{Key: aws.String(fmt.Sprint(i)), VersionId: aws.String("v1"), Code: aws.String("AccessDenied")})
	}
	msg := e.Error()
	if !strings.Contains(msg, "\n  0 (version v1): AccessDenied\n") || !strings.HasSuffix(msg, "\n  ... and 5 more") || strings.Count(msg, "\n") != 21 {
		t.Errorf("message:\n%s", msg)
	}
}

func TestEmptyStopsOnFailedRequest(t *testing.T) {
	f := newFake(1000, 100)
	f.failAfter = 2
	d := &Deleter{S3: f, BatchSize: 100, Concurrency: 1}
	n, err := d.Empty(context.Background(), "b")
	want := "SlowDown: Please reduce your request rate. (200 objects had been deleted; the bucket was not deleted)"
	if err == nil || err.Error() != want || n != 200 {
		t.Fatalf("deleted %d, err %v; want %q", n, err, want)
	}
}

func TestSurveyOnePageOrAll(t *testing.T) {
	f := newFake(250, 100)
	f.uploads = []string{"u1", "u2", "u3"}
	d := &Deleter{S3: f}
	c, err := d.Survey(context.Background(), "b", false)
	if err != nil || c.Objects != 100 || c.Uploads != 3 || !c.Partial {
		t.Errorf("one page: %+v, %v", c, err)
	}
	c, err = d.Survey(context.Background(), "b", true)
	if err != nil || c.Objects != 250 || c.Uploads != 3 || c.Partial {
		t.Errorf("all: %+v, %v", c, err)
	}
	f.noUploadAPI = true
	c, err = d.Survey(context.Background(), "b", true)
	if err != nil || c.Objects != 250 || c.Uploads != 0 {
		t.Errorf("server without ListMultipartUploads: %+v, %v", c, err)
	}
	f.noUploadAPI, f.uploadsDenied = false, true
	c, err = d.Survey(context.Background(), "b", true)
	if err != nil || c.Objects != 250 || c.Uploads != 0 {
		t.Errorf("ListMultipartUploads denied: %+v, %v", c, err)
	}
}

func TestAbortUploads(t *testing.T) {
	f := newFake(0, 100)
	for i := 0; i < 250; i++ {
		f.uploads = append(f.uploads, fmt.Sprintf("big%03d", i))
	}
	d := &Deleter{S3: f}
	n, err := d.AbortUploads(context.Background(), "b")
	if err != nil || n != 250 || len(f.uploads) != 0 {
		t.Errorf("aborted %d, err %v, left %d", n, err, len(f.uploads))
	}
	f.noUploadAPI = true
	if n, err := d.AbortUploads(context.Background(), "b"); err != nil || n != 0 {
		t.Errorf("server without ListMultipartUploads: %d, %v", n, err)
	}
}

// After an interrupt, Remains looks, on a context of its own, at what is
// left: one page's worth, or that the bucket is gone.
func TestRemains(t *testing.T) {
	f := newFake(5, 2)
	f.uploads = []string{"u1"}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := &Deleter{S3: f}
	gone, c, err := d.Remains(ctx, "b")
	if err != nil || gone || c.String() != "at least 2 objects and 1 incomplete multipart upload" {
		t.Errorf("gone %v, %q, %v", gone, c, err)
	}
	f.bucketGone = true
	if gone, _, err := d.Remains(ctx, "b"); err != nil || !gone {
		t.Errorf("gone %v, %v", gone, err)
	}
}
