package objects

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// Named keys first, then each pattern's matches, each key once; with
// neither, the whole bucket; HEADs only when asked; a prefix for deletes.
func TestSelectDownloadsAndDeletes(t *testing.T) {
	moto := testenv.StartMoto(t)
	ctx := context.Background()
	c := New(s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(moto.URL),
		UsePathStyle: true,
	}), DefaultConcurrency)
	if _, err := c.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sel")}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a.txt", "b/c.txt", "b/d.css", "e"} {
		if _, err := c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sel"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		keys, patterns []string
		head           bool
		want           []string
		known          int
	}{
		{nil, nil, false, []string{"a.txt", "b/c.txt", "b/d.css", "e"}, 4},
		{[]string{"e", "missing", "e"}, nil, false, []string{"e", "missing"}, 0},
		{[]string{"e", "missing"}, nil, true, []string{"e", "missing"}, 1},
		{[]string{"b/d.css"}, []string{"*.txt", "b/*"}, false, []string{"b/d.css", "a.txt", "b/c.txt"}, 3},
	} {
		sel, err := c.SelectDownloads(ctx, "sel", tc.keys, tc.patterns, tc.head)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sel.Keys, tc.want) {
			t.Errorf("%v %v: keys %v, want %v", tc.keys, tc.patterns, sel.Keys, tc.want)
		}
		known := 0
		for _, r := range sel.Remotes() {
			if r != nil {
				known++
			}
		}
		if known != tc.known {
			t.Errorf("%v %v head=%v: %d sizes known, want %d", tc.keys, tc.patterns, tc.head, known, tc.known)
		}
		if tc.head && sel.HeadErrs["missing"] == nil {
			t.Errorf("a missing key's HEAD error is lost")
		}
	}
	keys, err := c.SelectDeletes(ctx, "sel", nil, "b/")
	if err != nil || !reflect.DeepEqual(keys, []string{"b/c.txt", "b/d.css"}) {
		t.Errorf("prefix b/: %v, %v", keys, err)
	}
	keys, err = c.SelectDeletes(ctx, "sel", []string{"x", "y"}, "")
	if err != nil || !reflect.DeepEqual(keys, []string{"x", "y"}) {
		t.Errorf("keys named: %v, %v", keys, err)
	}
}
