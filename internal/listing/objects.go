package listing

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// Objects calls emit with each object under prefix as botocore orders it,
// page by page, and pageDone after each page. With urls each object also
// gets a URL, its key not URL-encoded, as the reference writes it.
func Objects(ctx context.Context, api s3.ListObjectsV2APIClient, bucket, prefix string, urls bool, emit func(pyjson.Map) error, pageDone func() error) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	p := s3.NewListObjectsV2Paginator(api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for i := range page.Contents {
			item := botocore.S3Object(&page.Contents[i])
			if urls {
				item.Set("URL", "https://s3.amazonaws.com/"+bucket+"/"+aws.ToString(page.Contents[i].Key))
			}
			if err := emit(item); err != nil {
				return err
			}
		}
		if err := pageDone(); err != nil {
			return err
		}
	}
	return nil
}
