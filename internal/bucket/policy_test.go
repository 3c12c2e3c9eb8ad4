package bucket

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

type fakePolicy struct{ policy *string }

func (f *fakePolicy) GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return &s3.GetBucketPolicyOutput{Policy: f.policy}, nil
}

func (f *fakePolicy) PutBucketPolicy(_ context.Context, in *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	f.policy = in.Policy
	return &s3.PutBucketPolicyOutput{}, nil
}

// A policy set is read back with its members in the order given; one that
// is not JSON is an error that says so.
func TestPolicyRoundTrip(t *testing.T) {
	f := &fakePolicy{}
	doc, err := pyjson.Decode([]byte(`{"Version": "2012-10-17", "Statement": [{"Sid": "b", "Effect": "Allow"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := SetPolicy(context.Background(), f, "bk", doc); err != nil {
		t.Fatal(err)
	}
	got, err := GetPolicy(context.Background(), f, "bk")
	if err != nil || string(pyjson.Encode(got, -1)) != `{"Version": "2012-10-17", "Statement": [{"Sid": "b", "Effect": "Allow"}]}` {
		t.Errorf("got %s, %v", pyjson.Encode(got, -1), err)
	}
	f.policy = aws.String("not json")
	if _, err := GetPolicy(context.Background(), f, "bk"); err == nil || err.Error()[:35] != "the bucket policy is not valid JSON" {
		t.Errorf("err %v", err)
	}
}
