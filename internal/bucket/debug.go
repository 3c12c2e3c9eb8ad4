package bucket

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// DebugAPI is the S3 calls of debug-bucket's checks.
type DebugAPI interface {
	GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
}

// check is one of what decides who can reach a bucket: title heads its
// answer, what names it in an error, read asks S3 (the answer in
// botocore's member order).
type check struct {
	title, what string
	read        func(context.Context) (pyjson.Map, error)
}

// Debug runs debug-bucket's checks of bucket in order (its ACL, its policy
// status, its public access block), calling answer with each one's title
// and answer, or failed with what it checks and the error in its place. An
// error of the endpoint rather than the bucket (no answer, or not AWS's)
// stops it: the other checks would meet it too.
func Debug(ctx context.Context, api DebugAPI, bucket string, answer func(title string, m pyjson.Map) error, failed func(what string, err error) error) error {
	for _, c := range debugChecks(api, bucket) {
		m, err := c.read(ctx)
		switch {
		case awsclient.IsNetworkError(err) || awsclient.IsNotAWS(err):
			return err
		case err != nil:
			err = failed(c.what, err)
		default:
			err = answer(c.title, m)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func debugChecks(api DebugAPI, bucket string) []check {
	b := aws.String(bucket)
	return []check{
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
