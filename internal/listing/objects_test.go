package listing

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// fakeObjects serves ListObjectsV2 over keys in pages of 2, failing the
// page starting at failAt (when above zero).
type fakeObjects struct {
	keys    []string
	failAt  int
	prefix  []string
	buckets []string
}

func (f *fakeObjects) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	prefix := "(none)"
	if in.Prefix != nil {
		prefix = *in.Prefix
	}
	f.prefix = append(f.prefix, prefix)
	f.buckets = append(f.buckets, aws.ToString(in.Bucket))
	start, _ := strconv.Atoi(aws.ToString(in.ContinuationToken))
	if f.failAt > 0 && start == f.failAt {
		return nil, errors.New("boom")
	}
	out := &s3.ListObjectsV2Output{}
	for i := start; i < start+2 && i < len(f.keys); i++ {
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(f.keys[i]), Size: aws.Int64(int64(i))})
	}
	if start+2 < len(f.keys) {
		out.IsTruncated, out.NextContinuationToken = aws.Bool(true), aws.String(strconv.Itoa(start+2))
	}
	return out, nil
}

func TestObjects(t *testing.T) {
	keys := []string{"a", "b/c d", "b/é", "x?y", "z"}
	for _, urls := range []bool{false, true} {
		f := &fakeObjects{keys: keys}
		var got []string
		var afterPage []int
		err := Objects(context.Background(), f, "bk", "p/", urls, func(m pyjson.Map) error {
			got = append(got, string(pyjson.EncodeCompact(m)))
			return nil
		}, func() error { afterPage = append(afterPage, len(got)); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(afterPage) != "[2 4 5]" || strings.Join(f.prefix, ",") != "p/,p/,p/" || strings.Join(f.buckets, ",") != "bk,bk,bk" {
			t.Errorf("urls=%v: pages end after %v objects, prefixes %q, buckets %q", urls, afterPage, f.prefix, f.buckets)
		}
		for i, m := range got {
			want := fmt.Sprintf(`{"Key":%s,"Size":%d}`, pyjson.EncodeCompact(keys[i]), i)
			if urls {
				// The key as it is, not URL-encoded, as the reference.
				want = strings.TrimSuffix(want, "}") + fmt.Sprintf(`,"URL":%s}`, pyjson.EncodeCompact("https://s3.amazonaws.com/bk/"+keys[i]))
			}
			if m != want {
				t.Errorf("urls=%v: object %d\n got %s\nwant %s", urls, i, m, want)
			}
		}
	}
}

func TestObjectsNoPrefixAndFailure(t *testing.T) {
	f := &fakeObjects{keys: []string{"a", "b", "c"}, failAt: 2}
	n := 0
	err := Objects(context.Background(), f, "bk", "", false, func(pyjson.Map) error { n++; return nil }, func() error { return nil })
	if err == nil || err.Error() != "boom" || n != 2 {
		t.Errorf("err %v after %d objects; want boom after 2", err, n)
	}
	if f.prefix[0] != "(none)" {
		t.Errorf("prefix %q sent, want none", f.prefix[0])
	}
}
