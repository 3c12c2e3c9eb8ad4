package bucket

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// CORSRuleID names the rule SetCORS writes.
const CORSRuleID = "set-by-s3-credentials"

// GetCORSAPI is the S3 call GetCORS makes.
type GetCORSAPI interface {
	GetBucketCors(context.Context, *s3.GetBucketCorsInput, ...func(*s3.Options)) (*s3.GetBucketCorsOutput, error)
}

// SetCORSAPI is the S3 calls SetCORS makes.
type SetCORSAPI interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	PutBucketCors(context.Context, *s3.PutBucketCorsInput, ...func(*s3.Options)) (*s3.PutBucketCorsOutput, error)
}

// GetCORS returns a bucket's CORS rules; a bucket without any is S3's
// NoSuchCORSConfiguration error.
func GetCORS(ctx context.Context, api GetCORSAPI, bucket string) ([]s3types.CORSRule, error) {
	out, err := api.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, err
	}
	return out.CORSRules, nil
}

// CORSRule is the one rule SetCORS writes; empty origins mean "*", empty
// methods GET, and MaxAgeSeconds 0 no max age.
type CORSRule struct {
	Methods, Headers, Origins, ExposeHeaders []string
	MaxAgeSeconds                            int
}

// SetCORS replaces the CORS configuration of an existing bucket with rule.
func SetCORS(ctx context.Context, api SetCORSAPI, bucket string, rule CORSRule) error {
	if _, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		if awsclient.IsNotFound(err) {
			return fmt.Errorf("Bucket %s does not exists", bucket)
		}
		return err
	}
	r := s3types.CORSRule{
		ID:             aws.String(CORSRuleID),
		AllowedOrigins: rule.Origins,
		AllowedHeaders: rule.Headers,
		AllowedMethods: rule.Methods,
		ExposeHeaders:  rule.ExposeHeaders,
	}
	if len(r.AllowedOrigins) == 0 {
		r.AllowedOrigins = []string{"*"}
	}
	if len(r.AllowedMethods) == 0 {
		r.AllowedMethods = []string{"GET"}
	}
	if rule.MaxAgeSeconds != 0 {
		r.MaxAgeSeconds = aws.Int32(int32(rule.MaxAgeSeconds))
	}
	_, err := api.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket:            aws.String(bucket),
		CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{r}},
	})
	return err
}
