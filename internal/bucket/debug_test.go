package bucket

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// fakeDebug answers debug-bucket's three calls, or fails the one named in
// fail with its error.
type fakeDebug struct {
	fail map[string]error
}

func (f *fakeDebug) GetBucketAcl(_ context.Context, in *s3.GetBucketAclInput, _ ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	if err := f.fail["acl"]; err != nil {
		return nil, err
	}
	return &s3.GetBucketAclOutput{Owner: &s3types.Owner{ID: in.Bucket}}, nil
}

func (f *fakeDebug) GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error) {
	if err := f.fail["status"]; err != nil {
		return nil, err
	}
	return &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: aws.Bool(true)}}, nil
}

func (f *fakeDebug) GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	if err := f.fail["block"]; err != nil {
		return nil, err
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false)}}, nil
}

// debugLines runs Debug and returns a line per answer and per failed check.
func debugLines(f *fakeDebug) (string, error) {
	var lines []string
	err := Debug(context.Background(), f, "b", func(title string, m pyjson.Map) error {
		lines = append(lines, title+": "+string(pyjson.EncodeCompact(m)))
		return nil
	}, func(what string, err error) error {
		lines = append(lines, "failed "+what+": "+err.Error())
		return nil
	})
	return strings.Join(lines, "\n"), err
}

func TestDebug(t *testing.T) {
	got, err := debugLines(&fakeDebug{})
	want := `Bucket ACL: {"Owner":{"ID":"b"}}
Bucket policy status: {"PolicyStatus":{"IsPublic":true}}
Bucket public access block: {"PublicAccessBlockConfiguration":{"BlockPublicAcls":false}}`
	if err != nil || got != want {
		t.Errorf("got %v\n%s\nwant\n%s", err, got, want)
	}
	// A check the bucket refuses is reported in place of its answer, and
	// the next one still runs.
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}
	got, err = debugLines(&fakeDebug{fail: map[string]error{"acl": denied, "block": denied}})
	want = `failed bucket ACL: api error AccessDenied: Access Denied
Bucket policy status: {"PolicyStatus":{"IsPublic":true}}
failed bucket public access block: api error AccessDenied: Access Denied`
	if err != nil || got != want {
		t.Errorf("got %v\n%s\nwant\n%s", err, got, want)
	}
}

// An endpoint that does not answer, or not as AWS, stops the checks.
func TestDebugStopsOnEndpointErrors(t *testing.T) {
	for _, endpointErr := range []error{&awsclient.NetworkError{Err: errors.New("no answer")}, &awsclient.NotAWSError{Service: "S3", What: "an HTML page"}} {
		got, err := debugLines(&fakeDebug{fail: map[string]error{"status": endpointErr}})
		if !errors.Is(err, endpointErr) || got != `Bucket ACL: {"Owner":{"ID":"b"}}` {
			t.Errorf("%T: err %v after\n%s", endpointErr, err, got)
		}
	}
}
