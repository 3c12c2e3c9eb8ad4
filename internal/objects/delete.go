package objects

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"
)

// DeleteBatchSize is the most keys one DeleteObjects request takes.
const DeleteBatchSize = 1000

// DeleteFailure is a key S3 refused to delete.
type DeleteFailure struct {
	Key, Code, Message string
}

// Delete removes keys in batches of 1,000 with up to Concurrency batches in
// flight. Keys S3 refuses are returned; the error is for a request that
// failed as a whole, which stops the rest.
func (c *Client) Delete(ctx context.Context, bucket string, keys []string, onDeleted func(n int)) ([]DeleteFailure, error) {
	// One slot per batch keeps the failures in the order of the keys.
	perBatch := make([][]DeleteFailure, (len(keys)+DeleteBatchSize-1)/DeleteBatchSize)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.lookups())
	for start := 0; start < len(keys); start += DeleteBatchSize {
		if gctx.Err() != nil {
			break
		}
		batch := keys[start:min(start+DeleteBatchSize, len(keys))]
		slot := &perBatch[start/DeleteBatchSize]
		g.Go(func() error {
			ids := make([]types.ObjectIdentifier, len(batch))
			for i, k := range batch {
				ids[i] = types.ObjectIdentifier{Key: aws.String(k)}
			}
			out, err := c.S3.DeleteObjects(gctx, &s3.DeleteObjectsInput{
				Bucket: aws.String(bucket),
				Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
			})
			if err != nil {
				return err
			}
			for _, e := range out.Errors {
				*slot = append(*slot, DeleteFailure{aws.ToString(e.Key), aws.ToString(e.Code), aws.ToString(e.Message)})
			}
			if onDeleted != nil {
				onDeleted(len(batch) - len(out.Errors))
			}
			return nil
		})
	}
	err := g.Wait()
	var failures []DeleteFailure
	for _, f := range perBatch {
		failures = append(failures, f...)
	}
	if err != nil {
		return failures, err
	}
	return failures, ctx.Err()
}
