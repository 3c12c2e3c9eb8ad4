package credentials

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/undo"
	"github.com/s3-credentials/s3-credentials/policy"
)

// PublicAccessBlockOff is the configuration that lets a bucket be public.
var PublicAccessBlockOff = pyjson.Map{
	{Key: "BlockPublicAcls", Value: false},
	{Key: "IgnorePublicAcls", Value: false},
	{Key: "BlockPublicPolicy", Value: false},
	{Key: "RestrictPublicBuckets", Value: false},
}

func (c *Creator) bucketExists(ctx context.Context, bucket string) (bool, error) {
	_, err := c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		return true, nil
	}
	if awsclient.IsNotFound(err) {
		return false, nil
	}
	if awsclient.HTTPStatus(err) == 403 {
		// A HEAD answer has no body to say why: the bucket may be
		// someone else's, or the key may be bad.
		if err := awsclient.CheckCredentials(ctx, c.STS); err != nil {
			return false, err
		}
		return false, fmt.Errorf("Bucket %s exists but these credentials may not access it (403 Forbidden)", bucket)
	}
	return false, err
}

// createBucket makes the bucket and configures it. A bucket this run made
// is not deleted when a later step fails (objects may already be in it):
// it is named in the report instead, also when the answer to CreateBucket
// was lost and the bucket may or may not exist.
func (c *Creator) createBucket(ctx context.Context, r *Request, bucket string, u *undo.Log) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	region := r.BucketRegion
	if region == "" && c.Region != "" && c.Region != "us-east-1" {
		region = c.Region // outside us-east-1, S3 needs the location spelled out
	}
	if region != "" && region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
			LocationConstraint: s3types.BucketLocationConstraint(region),
		}
	}
	what := fmt.Sprintf("bucket %s, created by this run", bucket)
	remove := func(ctx context.Context) (string, error) { return c.deleteNewBucket(ctx, bucket) }
	var lost undo.LostAnswers
	_, err := c.S3.CreateBucket(ctx, in, lost.S3Option())
	if lost.Happened() && awsclient.ErrorCode(err) == "BucketAlreadyOwnedByYou" {
		// Missing a moment ago: the bucket is the one an attempt whose
		// answer was lost made.
		err = nil
	}
	if err != nil {
		if undo.UnknownOutcome(err) || lost.Happened() {
			u.KeepIfExists(what, func(ctx context.Context) (bool, error) { return c.bucketExists(ctx, bucket) }, remove)
		}
		return err
	}
	u.Keep(what, remove)
	info := "Created bucket: " + bucket
	if r.BucketRegion != "" {
		info += " in region: " + r.BucketRegion
	}
	c.Logf("%s", info)
	if len(r.Tags) > 0 {
		tags := make([]s3types.Tag, len(r.Tags))
		for i, t := range r.Tags {
			tags[i] = s3types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)}
		}
		if _, err := c.S3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{
			Bucket: aws.String(bucket), Tagging: &s3types.Tagging{TagSet: tags},
		}); err != nil {
			return err
		}
		c.Logf("Tagged bucket %s: %s", bucket, TagList(r.Tags))
	}
	if !r.public() {
		return nil
	}
	f := false
	if _, err := c.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: &f, IgnorePublicAcls: &f, BlockPublicPolicy: &f, RestrictPublicBuckets: &f,
		},
	}); err != nil {
		return err
	}
	c.Logf("Set public access block configuration")
	if _, err := c.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
		Bucket: aws.String(bucket),
		Policy: aws.String(string(pyjson.Encode(policy.PublicRead(bucket), -1))),
	}); err != nil {
		return err
	}
	c.Logf("Attached bucket policy allowing public access")
	if !r.Website {
		return nil
	}
	if _, err := c.S3.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{
		Bucket: aws.String(bucket),
		WebsiteConfiguration: &s3types.WebsiteConfiguration{
			ErrorDocument: &s3types.ErrorDocument{Key: aws.String("error.html")},
			IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")},
		},
	}); err != nil {
		return err
	}
	c.Logf("Configured website: IndexDocument=index.html, ErrorDocument=error.html")
	return nil
}

// deleteNewBucket deletes a bucket this run created, when it cannot be
// named as left in place. S3 refuses to delete a bucket that holds
// anything, so nothing put there since is lost.
func (c *Creator) deleteNewBucket(ctx context.Context, bucket string) (string, error) {
	if _, err := c.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		if awsclient.IsNotFound(err) {
			return "", nil
		}
		return "", err
	}
	return "deleted bucket " + bucket, nil
}
