package bucket

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// GetPolicyAPI is the S3 call GetPolicy makes.
type GetPolicyAPI interface {
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
}

// SetPolicyAPI is the S3 call SetPolicy makes.
type SetPolicyAPI interface {
	PutBucketPolicy(context.Context, *s3.PutBucketPolicyInput, ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
}

// GetPolicy returns a bucket's policy document, decoded with its members
// in order; a bucket without one is S3's NoSuchBucketPolicy error.
func GetPolicy(ctx context.Context, api GetPolicyAPI, bucket string) (any, error) {
	out, err := api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, err
	}
	doc, err := pyjson.Decode([]byte(aws.ToString(out.Policy)))
	if err != nil {
		return nil, fmt.Errorf("the bucket policy is not valid JSON: %v", err)
	}
	return doc, nil
}

// SetPolicy replaces a bucket's policy with doc.
func SetPolicy(ctx context.Context, api SetPolicyAPI, bucket string, doc any) error {
	_, err := api.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
		Bucket: aws.String(bucket),
		Policy: aws.String(string(pyjson.Encode(doc, -1))),
	})
	return err
}
