package bucket

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// DebugAPI is the S3 calls of debug-bucket's checks.
type DebugAPI interface {
	GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
}

// Check is one of what decides who can reach a bucket: Title heads its
// answer, What names it in an error, Read asks S3 (the answer in
// botocore's member order).
type Check struct {
	Title, What string
	Read        func(context.Context) (pyjson.Map, error)
}

// DebugChecks are debug-bucket's checks of bucket, in the order they are
// shown: its ACL, its policy status, its public access block.
func DebugChecks(api DebugAPI, bucket string) []Check {
	b := aws.String(bucket)
	return []Check{
		{"Bucket ACL", "bucket ACL", func(ctx context.Context) (pyjson.Map, error) {
			r, err := api.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
			if err != nil {
				return nil, err
			}
			return botocore.BucketACL(r.Owner, r.Grants), nil
		}},
		{"Bucket policy status", "bucket policy status", func(ctx context.Context) (pyjson.Map, error) {
			r, err := api.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
			if err != nil {
				return nil, err
			}
			return botocore.PolicyStatus(r.PolicyStatus), nil
		}},
		{"Bucket public access block", "bucket public access block", func(ctx context.Context) (pyjson.Map, error) {
			r, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
			if err != nil {
				return nil, err
			}
			m := pyjson.Map{}
			if r.PublicAccessBlockConfiguration != nil {
				m.Put("PublicAccessBlockConfiguration", botocore.PublicAccessBlock(r.PublicAccessBlockConfiguration))
			}
			return m, nil
		}},
	}
}
