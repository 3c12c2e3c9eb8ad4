package bucket

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/s3-credentials/s3-credentials/internal/message"
)

// progressRecorder keeps what Progress was shown.
type progressRecorder struct {
	set     []int
	cleared int
}

func (p *progressRecorder) Set(n int) { p.set = append(p.set, n) }
func (p *progressRecorder) Clear()    { p.cleared++ }

// runDelete runs Delete on bucket "b" and returns what it wrote to out,
// its step lines and warnings ("log: ", "warn: "), and its error.
func runDelete(ctx context.Context, d *Deleter, force, dryRun, silent bool) (string, string, error) {
	var out bytes.Buffer
	var lines []string
	steps := message.Steps{
		Log:  func(s string) { lines = append(lines, "log: "+s) },
		Warn: func(s string) { lines = append(lines, "warn: "+s) },
	}
	if silent {
		steps.Log = nil
	}
	err := d.Delete(ctx, "b", force, dryRun, &out, steps)
	return out.String(), strings.Join(lines, "\n"), err
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name                  string
		objects, uploads      int
		force, dryRun, silent bool
		wantErr, out, steps   string
		// gone: the bucket was deleted; left: objects and uploads left.
		gone bool
		left int
	}{
		{name: "empty", gone: true, steps: "log: Deleted bucket: b"},
		{name: "empty silent", silent: true, gone: true},
		{name: "not empty", objects: 3, uploads: 1, left: 4,
			wantErr: "Bucket b is not empty: it holds 3 objects and 1 incomplete multipart upload; use --force to delete its objects and the bucket"},
		{name: "not empty, one page looked at", objects: 150, left: 150,
			wantErr: "Bucket b is not empty: it holds at least 100 objects; use --force to delete its objects and the bucket"},
		{name: "force", objects: 250, uploads: 2, force: true, gone: true,
			steps: "log: Aborted 2 incomplete multipart uploads in b\nlog: Deleted 250 objects from b\nlog: Deleted bucket: b"},
		{name: "force silent", objects: 5, force: true, silent: true, gone: true},
		{name: "force on an empty bucket", force: true, gone: true, steps: "log: Deleted bucket: b"},
		{name: "dry run", objects: 250, uploads: 1, dryRun: true, left: 251,
			out: "Bucket b is not empty: deleting it needs --force, which would:\nWould delete 250 objects and 1 incomplete multipart upload from b\nWould delete bucket: b\n"},
		{name: "dry run, force", objects: 2, force: true, dryRun: true, left: 2,
			out: "Would delete 2 objects from b\nWould delete bucket: b\n"},
		{name: "dry run, empty", dryRun: true, out: "Would delete bucket: b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(tt.objects, 100)
			for i := range tt.uploads {
				f.uploads = append(f.uploads, fmt.Sprintf("u%d", i))
			}
			p := &progressRecorder{}
			out, steps, err := runDelete(context.Background(), &Deleter{S3: f, Progress: p}, tt.force, tt.dryRun, tt.silent)
			if (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
			if out != tt.out || steps != tt.steps {
				t.Errorf("out %q, steps %q; want %q, %q", out, steps, tt.out, tt.steps)
			}
			if f.bucketGone != tt.gone || len(f.keys)+len(f.uploads) != tt.left {
				t.Errorf("bucket gone %v with %d keys and %d uploads; want gone %v, %d left", f.bucketGone, len(f.keys), len(f.uploads), tt.gone, tt.left)
			}
			// The count of deleted objects is cleared once emptying ends,
			// before the next line.
			if wantClear := map[bool]int{true: 1}[tt.force && !tt.dryRun]; p.cleared != wantClear || (tt.objects > 0 && wantClear == 1) != (len(p.set) > 0) {
				t.Errorf("progress shown %v, cleared %d times; want cleared %d times", p.set, p.cleared, wantClear)
			}
		})
	}
}

// A bucket someone else deleted while this ran is what was asked.
func TestDeleteDeletedMeanwhile(t *testing.T) {
	f := newFake(0, 100)
	f.deleteBucketErr = &smithy.GenericAPIError{Code: "NoSuchBucket", Message: "The specified bucket does not exist"}
	f.deletedMeanwhile = true
	_, steps, err := runDelete(context.Background(), &Deleter{S3: f}, false, false, false)
	if err != nil || steps != "log: Bucket b was deleted by someone else meanwhile" {
		t.Errorf("err %v, steps %q", err, steps)
	}
	// Any other failure stays one.
	f = newFake(0, 100)
	f.deleteBucketErr = &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}
	_, _, err = runDelete(context.Background(), &Deleter{S3: f}, false, false, false)
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("err %v, want AccessDenied", err)
	}
}

// After an interrupt, what is left is said even with steps not shown.
func TestDeleteInterrupted(t *testing.T) {
	f := newFake(3, 100)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, steps, err := runDelete(ctx, &Deleter{S3: f}, false, false, true)
	if err == nil || steps != "warn: Left in place: bucket b, holding 3 objects" {
		t.Errorf("err %v, steps %q", err, steps)
	}
	f = newFake(0, 100)
	_, steps, err = runDelete(ctx, &Deleter{S3: f}, true, false, true)
	if err == nil || steps != "warn: Left in place: bucket b, empty" || f.bucketGone {
		t.Errorf("err %v, steps %q, bucket gone %v", err, steps, f.bucketGone)
	}
}
