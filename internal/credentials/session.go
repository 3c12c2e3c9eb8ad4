package credentials

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/undo"
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
	u := undo.New(&c.Steps)
	cr, err := c.assume(ctx, r, false, u)
	if err != nil {
		// A role made complete is kept without being listed: the local
		// server runs on it, and says only what the reference says.
		u.ForgetKept()
		u.Run(ctx)
		return nil, err
	}
	if cr.Expiration == nil {
		return nil, errors.New("AssumeRole returned no expiration time")
	}
	return &Session{
		AccessKeyID:     aws.ToString(cr.AccessKeyId),
		SecretAccessKey: aws.ToString(cr.SecretAccessKey),
		SessionToken:    aws.ToString(cr.SessionToken),
		Expiration:      cr.Expiration.UTC(),
	}, nil
}

// createSession is create's temporary credentials, delivered.
func (c *Creator) createSession(ctx context.Context, r *Request, u *undo.Log) (*Result, error) {
	cr, err := c.assume(ctx, r, len(r.Tags) > 0, u)
	if err != nil {
		return nil, err
	}
	res := &Result{
		AccessKeyID:     aws.ToString(cr.AccessKeyId),
		SecretAccessKey: aws.ToString(cr.SecretAccessKey),
		SessionToken:    aws.ToString(cr.SessionToken),
		Document:        botocore.Credentials(cr),
	}
	// Session credentials cannot be revoked one by one; they expire.
	return c.handOver(r, res)
}

// assume ensures the tool's role and assumes it with r's session policy
// (and r's tags as session tags when tagSession).
func (c *Creator) assume(ctx context.Context, r *Request, tagSession bool, u *undo.Log) (*ststypes.Credentials, error) {
	arn, created, err := c.roles().EnsureToolRole(ctx, r.DurationSeconds, tagSession, u)
	if err != nil {
		return nil, err
	}
	doc, err := r.SessionPolicy()
	if err != nil {
		return nil, err
	}
	c.Logf("Assume role against %s for %ds", arn, r.DurationSeconds)
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(arn),
		RoleSessionName: aws.String(r.SessionName()),
		Policy:          aws.String(string(pyjson.EncodeCompact(doc))),
		DurationSeconds: aws.Int32(int32(r.DurationSeconds)),
	}
	if tagSession {
		for _, t := range r.Tags {
			in.Tags = append(in.Tags, ststypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
		}
	}
	out, err := c.assumeWithRetry(ctx, in, created)
	if err != nil {
		return nil, err
	}
	if cr := out.Credentials; cr == nil || cr.AccessKeyId == nil || cr.SecretAccessKey == nil {
		return nil, errors.New("AssumeRole returned no credentials")
	}
	return out.Credentials, nil
}

// assumeWithRetry retries AccessDenied for a role this run just created:
// IAM is eventually consistent, and a new role can take seconds to become
// assumable.
func (c *Creator) assumeWithRetry(ctx context.Context, in *sts.AssumeRoleInput, roleIsNew bool) (*sts.AssumeRoleOutput, error) {
	limit := c.AssumeRoleRetryFor
	if limit == 0 {
		limit = 30 * time.Second
	}
	sleep := c.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	wait, waited := time.Second, time.Duration(0)
	for {
		out, err := c.STS.AssumeRole(ctx, in)
		if err == nil || !roleIsNew || awsclient.ErrorCode(err) != "AccessDenied" || waited >= limit {
			return out, err
		}
		c.Warnf("The new role %s cannot be assumed yet (IAM changes take a few seconds to spread); retrying in %s", aws.ToString(in.RoleArn), wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
		wait = min(wait*2, limit-waited)
		if wait <= 0 {
			wait = time.Second
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
