// Package credentials creates what `create` hands out: buckets when asked,
// an IAM user with inline policies and an access key, or a session from
// AssumeRole on the tool's role with a session policy. It talks to AWS only
// through the small interfaces below and prints nothing itself: step lines
// and warnings go to a message.Steps, dry-run text to a writer.
//
// The files follow the work: request.go (what was asked, and the checks
// that need no AWS), create.go (the order of the steps), buckets.go,
// user.go (the user, its policies and key), session.go (AssumeRole),
// dryrun.go, and createrole.go (create-role's inline policies, one per
// bucket, written as a user's). Roles, the tool's own included, are made
// by package roles; what a failed or interrupted run made is taken back
// by package undo.
package credentials

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/internal/undo"
)

// IAMAPI names the IAM calls create and create-role make.
type IAMAPI interface {
	GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
	CreateUser(context.Context, *iam.CreateUserInput, ...func(*iam.Options)) (*iam.CreateUserOutput, error)
	DeleteUser(context.Context, *iam.DeleteUserInput, ...func(*iam.Options)) (*iam.DeleteUserOutput, error)
	GetUserPolicy(context.Context, *iam.GetUserPolicyInput, ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
	PutUserPolicy(context.Context, *iam.PutUserPolicyInput, ...func(*iam.Options)) (*iam.PutUserPolicyOutput, error)
	DeleteUserPolicy(context.Context, *iam.DeleteUserPolicyInput, ...func(*iam.Options)) (*iam.DeleteUserPolicyOutput, error)
	ListUserPolicies(context.Context, *iam.ListUserPoliciesInput, ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error)
	ListUserTags(context.Context, *iam.ListUserTagsInput, ...func(*iam.Options)) (*iam.ListUserTagsOutput, error)
	TagUser(context.Context, *iam.TagUserInput, ...func(*iam.Options)) (*iam.TagUserOutput, error)
	UntagUser(context.Context, *iam.UntagUserInput, ...func(*iam.Options)) (*iam.UntagUserOutput, error)
	ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	CreateAccessKey(context.Context, *iam.CreateAccessKeyInput, ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error)
	DeleteAccessKey(context.Context, *iam.DeleteAccessKeyInput, ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error)
	// The roles of create-role and the tool's own role.
	roles.IAMAPI
}

// STSAPI names the STS calls create makes.
type STSAPI interface {
	roles.IdentityAPI
	AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// S3API names the S3 calls create makes.
type S3API interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	CreateBucket(context.Context, *s3.CreateBucketInput, ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	PutPublicAccessBlock(context.Context, *s3.PutPublicAccessBlockInput, ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
	PutBucketPolicy(context.Context, *s3.PutBucketPolicyInput, ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
	PutBucketWebsite(context.Context, *s3.PutBucketWebsiteInput, ...func(*s3.Options)) (*s3.PutBucketWebsiteOutput, error)
	PutBucketTagging(context.Context, *s3.PutBucketTaggingInput, ...func(*s3.Options)) (*s3.PutBucketTaggingOutput, error)
	// Only to take back a new bucket that cannot be named as left in place.
	DeleteBucket(context.Context, *s3.DeleteBucketInput, ...func(*s3.Options)) (*s3.DeleteBucketOutput, error)
	// The bucket's default encryption: a KMS key of the user's own needs a grant.
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// Creator carries out create requests.
type Creator struct {
	IAM IAMAPI
	STS STSAPI
	S3  S3API
	// Region is the client's region, the default LocationConstraint for new buckets.
	Region string
	// Steps receives one line per step taken, warnings and rollback reports.
	message.Steps
	// Sleep waits between AssumeRole retries; tests shorten it.
	Sleep func(context.Context, time.Duration) error
	// AssumeRoleRetryFor bounds how long a freshly created role is retried.
	AssumeRoleRetryFor time.Duration
	// Deliver hands the new credentials over (prints or saves them). It runs
	// before Create returns, so that when it fails what was created is
	// undone like any other failed step: nobody is left holding a key that
	// was never shown.
	Deliver func(*Result) error
}

// Result holds the credentials created.
type Result struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string // temporary credentials only
	// Document is the AccessKey or Credentials structure as AWS returned it,
	// in model member order, for JSON output.
	Document pyjson.Map
}

// Create makes the credentials. When a step after the first change fails,
// or the run is interrupted, what this run made is undone (buckets are
// kept, and named) and reported.
func (c *Creator) Create(ctx context.Context, r *Request) (res *Result, err error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}

	// Everything that can fail without changing anything comes first.
	missing, err := c.missingBuckets(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := c.kmsKeys(ctx, r, missing); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err // the KMS grants count towards the size limits
	}
	var user userState
	if r.DurationSeconds == 0 {
		if user, err = c.checkUser(ctx, r); err != nil {
			return nil, err
		}
	}

	u := undo.New(&c.Steps)
	defer func() {
		if err != nil {
			u.Run(ctx)
		}
	}()

	for _, b := range r.Buckets {
		if missing[b] {
			if err := c.createBucket(ctx, r, b, u); err != nil {
				return nil, err
			}
		} else if r.public() {
			flag := "--public"
			if r.Website {
				flag = "--website"
			}
			c.Warnf("Warning: bucket %s already exists; %s only configures buckets that create makes, so it was left as it is (see set-public-access-block and set-bucket-policy)", b, flag)
		}
	}

	if r.DurationSeconds > 0 {
		return c.createSession(ctx, r, u)
	}
	return c.createUserKey(ctx, r, user, u)
}

// missingBuckets checks that each bucket exists, or may be created: the
// ones to create are returned.
func (c *Creator) missingBuckets(ctx context.Context, r *Request) (map[string]bool, error) {
	missing := map[string]bool{}
	for _, b := range r.Buckets {
		exists, err := c.bucketExists(ctx, b)
		if err != nil {
			return nil, err
		}
		if exists {
			continue
		}
		if !r.CreateBucket {
			return nil, fmt.Errorf("Bucket does not exist: %s - try --create-bucket to create it", b)
		}
		if err := names.CheckNewBucketName(b); err != nil {
			return nil, err
		}
		missing[b] = true
	}
	return missing, nil
}
