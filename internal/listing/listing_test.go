package listing

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// fakeS3 serves ListBuckets in pages with continuation tokens (moto 5.2
// truncates without one, so pagination is tested here) and the detail
// calls, slower for earlier buckets so they finish out of order.
type fakeS3 struct {
	buckets  int
	pages    int32
	inFlight int32
	peak     int32
}

func (f *fakeS3) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	atomic.AddInt32(&f.pages, 1)
	start := 0
	if in.ContinuationToken != nil {
		start, _ = strconv.Atoi(*in.ContinuationToken)
	}
	size := 10000
	if in.MaxBuckets != nil {
		size = int(*in.MaxBuckets)
	}
	out := &s3.ListBucketsOutput{}
	for i := start; i < start+size && i < f.buckets; i++ {
		out.Buckets = append(out.Buckets, s3types.Bucket{Name: aws.String(fmt.Sprintf("bucket-%03d", i))})
	}
	if start+size < f.buckets {
		out.ContinuationToken = aws.String(strconv.Itoa(start + size))
	}
	return out, nil
}

func (f *fakeS3) enter(bucket string) func() {
	n := atomic.AddInt32(&f.inFlight, 1)
	for {
		p := atomic.LoadInt32(&f.peak)
		if n <= p || atomic.CompareAndSwapInt32(&f.peak, p, n) {
			break
		}
	}
	i, _ := strconv.Atoi(strings.TrimPrefix(bucket, "bucket-"))
	time.Sleep(time.Duration(20-i%20) * 200 * time.Microsecond)
	return func() { atomic.AddInt32(&f.inFlight, -1) }
}

func (f *fakeS3) GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	defer f.enter(*in.Bucket)()
	if strings.HasSuffix(*in.Bucket, "1") {
		return &s3.GetBucketLocationOutput{LocationConstraint: "eu-west-1"}, nil
	}
	return &s3.GetBucketLocationOutput{}, nil
}

func (f *fakeS3) GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, _ ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	return &s3.GetBucketAclOutput{Owner: &s3types.Owner{ID: aws.String("owner")}}, nil
}

func (f *fakeS3) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "NoSuchPublicAccessBlockConfiguration", Message: "none"}
}

func (f *fakeS3) GetBucketWebsite(ctx context.Context, in *s3.GetBucketWebsiteInput, _ ...func(*s3.Options)) (*s3.GetBucketWebsiteOutput, error) {
	if strings.HasSuffix(*in.Bucket, "2") {
		return &s3.GetBucketWebsiteOutput{IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")}}, nil
	}
	return nil, &smithy.GenericAPIError{Code: "NoSuchWebsiteConfiguration", Message: "none"}
}

func TestBucketsPaginates(t *testing.T) {
	for _, details := range []bool{false, true} {
		f := &fakeS3{buckets: 45}
		var names []string
		var items []pyjson.Map
		err := Buckets(context.Background(), f, 7, nil, details, false, func(m pyjson.Map) error {
			v, _ := m.Get("Name")
			names = append(names, v.(string))
			items = append(items, m)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if f.pages != 7 {
			t.Errorf("details=%v: %d pages, want 7", details, f.pages)
		}
		if len(names) != 45 {
			t.Fatalf("details=%v: %d buckets, want 45", details, len(names))
		}
		for i, n := range names {
			if n != fmt.Sprintf("bucket-%03d", i) {
				t.Fatalf("details=%v: out of order at %d: %v", details, i, names)
			}
		}
		if details {
			if f.peak < 2 || f.peak > DetailWorkers {
				t.Errorf("peak concurrency %d, want 2..%d", f.peak, DetailWorkers)
			}
			got := string(pyjson.Encode(items[12], -1))
			want := `{"Name": "bucket-012", "region": "us-east-1", "bucket_acl": {"Owner": {"ID": "owner"}}, "public_access_block": null, "bucket_website": {"IndexDocument": {"Suffix": "index.html"}, "url": "http://bucket-012.s3-website.us-east-1.amazonaws.com/"}}`
			if got != want {
				t.Errorf("bucket-012:\n got %s\nwant %s", got, want)
			}
			if r, _ := items[11].Get("region"); r != "eu-west-1" {
				t.Errorf("bucket-011 region %v", r)
			}
		}
	}
}

func TestBucketsNamed(t *testing.T) {
	f := &fakeS3{buckets: 30}
	var names []string
	err := Buckets(context.Background(), f, 0, []string{"bucket-020", "bucket-003", "nope"}, false, false, func(m pyjson.Map) error {
		v, _ := m.Get("Name")
		names = append(names, v.(string))
		return nil
	})
	if err != nil || strings.Join(names, ",") != "bucket-003,bucket-020" {
		t.Errorf("got %v, %v", names, err)
	}
}

func (f *fakeS3) GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, _ ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	return &s3.GetBucketTaggingOutput{}, nil
}
