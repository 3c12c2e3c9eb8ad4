package bucket

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// PublicAccessAPI is the S3 calls of the public access block.
type PublicAccessAPI interface {
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	PutPublicAccessBlock(context.Context, *s3.PutPublicAccessBlockInput, ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
}

// PublicAccessSettings names the four settings of a public access block,
// in the order AWS lists them: their options, and their keys.
var PublicAccessSettings = [4]struct{ Flag, Key string }{
	{"block-public-acls", "BlockPublicAcls"},
	{"ignore-public-acls", "IgnorePublicAcls"},
	{"block-public-policy", "BlockPublicPolicy"},
	{"restrict-public-buckets", "RestrictPublicBuckets"},
}

// GetPublicAccess returns a bucket's public access block; a bucket without
// one is S3's NoSuchPublicAccessBlockConfiguration error.
func GetPublicAccess(ctx context.Context, api PublicAccessAPI, bucket string) (*s3types.PublicAccessBlockConfiguration, error) {
	out, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, err
	}
	if out.PublicAccessBlockConfiguration == nil {
		return &s3types.PublicAccessBlockConfiguration{}, nil
	}
	return out.PublicAccessBlockConfiguration, nil
}

// SetPublicAccess sends the settings given (nil: not sent), in
// PublicAccessSettings' order.
func SetPublicAccess(ctx context.Context, api PublicAccessAPI, bucket string, settings [4]*bool) error {
	_, err := api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls:       settings[0],
			IgnorePublicAcls:      settings[1],
			BlockPublicPolicy:     settings[2],
			RestrictPublicBuckets: settings[3],
		},
	})
	return err
}
