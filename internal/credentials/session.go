package credentials

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3-credentials/s3-credentials/internal/output"
)

// Session is a set of temporary credentials with the time they expire.
type Session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// CheckBuckets fails with "Bucket does not exist: NAME" for the first bucket
// that is missing. It creates nothing.
func (c *Creator) CheckBuckets(ctx context.Context, buckets []string) error {
	for _, b := range buckets {
		exists, err := c.bucketExists(ctx, b)
		if err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("Bucket does not exist: %s", b)
		}
	}
	return nil
}

// AssumeSession returns temporary credentials for r: the tool's role is
// ensured (created or its MaxSessionDuration raised when needed) and assumed
// with r's session policy for r.DurationSeconds. Unlike Create it neither
// checks nor creates buckets and never touches IAM users, so it can be
// called again and again to refresh credentials.
func (c *Creator) AssumeSession(ctx context.Context, r *Request) (*Session, error) {
	if r.DurationSeconds <= 0 {
		return nil, errors.New("a session needs a duration")
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	arn, created, err := c.ensureRole(ctx, r.DurationSeconds)
	if err != nil {
		return nil, err
	}
	doc, err := r.SessionPolicy()
	if err != nil {
		return nil, err
	}
	out, err := c.assumeWithRetry(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(arn),
		RoleSessionName: aws.String(r.SessionName()),
		Policy:          aws.String(string(output.EncodeCompact(doc))),
		DurationSeconds: aws.Int32(int32(r.DurationSeconds)),
	}, created)
	if err != nil {
		return nil, err
	}
	cr := out.Credentials
	if cr == nil || cr.AccessKeyId == nil || cr.SecretAccessKey == nil || cr.Expiration == nil {
		return nil, errors.New("AssumeRole returned no credentials")
	}
	return &Session{
		AccessKeyID:     aws.ToString(cr.AccessKeyId),
		SecretAccessKey: aws.ToString(cr.SecretAccessKey),
		SessionToken:    aws.ToString(cr.SessionToken),
		Expiration:      cr.Expiration.UTC(),
	}, nil
}
