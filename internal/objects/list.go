package objects

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// List calls fn for every object under prefix, in the order S3 returns them,
// one page (up to 1,000 keys) at a time, so memory stays constant and the
// first object is handed over before the listing ends.
func (c *Client) List(ctx context.Context, bucket, prefix string, fn func(types.Object) error) error {
	return c.ListPages(ctx, bucket, prefix, func(page []types.Object) error {
		for _, obj := range page {
			if err := fn(obj); err != nil {
				return err
			}
		}
		return nil
	})
}

// ListPages calls fn with each page of objects under prefix.
func (c *Client) ListPages(ctx context.Context, bucket, prefix string, fn func([]types.Object) error) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	p := s3.NewListObjectsV2Paginator(c.S3, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		if err := fn(page.Contents); err != nil {
			return err
		}
	}
	return nil
}

// RemoteObject is a key, its size and its ETag.
type RemoteObject struct {
	Key  string
	Size int64
	ETag string
}

// ListAll collects the keys, sizes and ETags under prefix.
func (c *Client) ListAll(ctx context.Context, bucket, prefix string) ([]RemoteObject, error) {
	var all []RemoteObject
	err := c.List(ctx, bucket, prefix, func(o types.Object) error {
		all = append(all, RemoteObject{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag)})
		return nil
	})
	return all, err
}
