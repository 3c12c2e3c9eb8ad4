package credentials

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/output"
	"github.com/s3-credentials/s3-credentials/internal/policy"
)

// IAMAPI names the IAM calls create makes.
type IAMAPI interface {
	GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
	CreateUser(context.Context, *iam.CreateUserInput, ...func(*iam.Options)) (*iam.CreateUserOutput, error)
	DeleteUser(context.Context, *iam.DeleteUserInput, ...func(*iam.Options)) (*iam.DeleteUserOutput, error)
	GetUserPolicy(context.Context, *iam.GetUserPolicyInput, ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
	PutUserPolicy(context.Context, *iam.PutUserPolicyInput, ...func(*iam.Options)) (*iam.PutUserPolicyOutput, error)
	DeleteUserPolicy(context.Context, *iam.DeleteUserPolicyInput, ...func(*iam.Options)) (*iam.DeleteUserPolicyOutput, error)
	ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	CreateAccessKey(context.Context, *iam.CreateAccessKeyInput, ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error)
	DeleteAccessKey(context.Context, *iam.DeleteAccessKeyInput, ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error)
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	UpdateRole(context.Context, *iam.UpdateRoleInput, ...func(*iam.Options)) (*iam.UpdateRoleOutput, error)
	UpdateAssumeRolePolicy(context.Context, *iam.UpdateAssumeRolePolicyInput, ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	AttachRolePolicy(context.Context, *iam.AttachRolePolicyInput, ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
	DeleteRole(context.Context, *iam.DeleteRoleInput, ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
}

// STSAPI names the STS calls create makes.
type STSAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
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
}

// Creator carries out create requests.
type Creator struct {
	IAM IAMAPI
	STS STSAPI
	S3  S3API
	// Region is the client's region, the default LocationConstraint for new buckets.
	Region string
	// Log receives one line per step taken (nil: steps are not shown).
	Log func(string)
	// Warn receives warnings and rollback reports; always shown.
	Warn func(string)
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
	Document output.Map
}

// PublicAccessBlockOff is the configuration that lets a bucket be public.
var PublicAccessBlockOff = output.Map{
	{Key: "BlockPublicAcls", Value: false},
	{Key: "IgnorePublicAcls", Value: false},
	{Key: "BlockPublicPolicy", Value: false},
	{Key: "RestrictPublicBuckets", Value: false},
}

func (c *Creator) log(format string, args ...any) {
	if c.Log != nil {
		c.Log(fmt.Sprintf(format, args...))
	}
}

func (c *Creator) warn(format string, args ...any) {
	if c.Warn != nil {
		c.Warn(fmt.Sprintf(format, args...))
	}
}

// Create makes the credentials. When a step after the first change fails,
// what this run created is undone (buckets excepted) and reported.
func (c *Creator) Create(ctx context.Context, r *Request) (res *Result, err error) {
	if r.Website {
		r.Public = true
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}

	// Everything that can fail without changing anything comes first.
	missing := map[string]bool{}
	for _, b := range r.Buckets {
		exists, err := c.bucketExists(ctx, b)
		if err != nil {
			return nil, err
		}
		if !exists {
			if !r.CreateBucket {
				return nil, fmt.Errorf("Bucket does not exist: %s - try --create-bucket to create it", b)
			}
			if err := ValidateBucketName(b, true); err != nil {
				return nil, err
			}
			missing[b] = true
		}
	}
	var userExists bool
	var oldKeys []string
	if r.DurationSeconds == 0 {
		userExists, oldKeys, err = c.checkUser(ctx, r.UserName())
		if err != nil {
			return nil, err
		}
	}

	u := &undoer{warn: c.warn}
	defer func() {
		if err != nil {
			u.run(ctx)
		}
	}()

	for _, b := range r.Buckets {
		if missing[b] {
			created, err := c.createBucket(ctx, r, b)
			if created {
				u.keep(fmt.Sprintf("bucket %s, created by this run", b))
			}
			if err != nil {
				return nil, err
			}
		} else if r.Public {
			flag := "--public"
			if r.Website {
				flag = "--website"
			}
			c.warn("Warning: bucket %s already exists; %s only configures buckets that create makes, so it was left as it is (see set-public-access-block and set-bucket-policy)", b, flag)
		}
	}

	if r.DurationSeconds > 0 {
		return c.assumeRole(ctx, r)
	}
	return c.createUserKey(ctx, r, userExists, oldKeys, u)
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
		return false, fmt.Errorf("Bucket %s exists but these credentials may not access it (403 Forbidden)", bucket)
	}
	return false, err
}

// checkUser says whether the user exists and which access keys it has, and
// refuses, before anything is changed, a user that already holds the two
// access keys IAM allows.
func (c *Creator) checkUser(ctx context.Context, name string) (bool, []string, error) {
	_, err := c.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		if awsclient.IsNotFound(err) {
			return false, nil, nil
		}
		return false, nil, err
	}
	keys, err := c.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(name)})
	if err != nil {
		return true, nil, err
	}
	ids := make([]string, len(keys.AccessKeyMetadata))
	for i, k := range keys.AccessKeyMetadata {
		ids[i] = aws.ToString(k.AccessKeyId)
	}
	if len(ids) >= MaxAccessKeysPerUser {
		return true, ids, fmt.Errorf("User %s already has %d access keys (%s), the most IAM allows per user; nothing was changed. "+
			"Delete one first (aws iam delete-access-key --user-name %s --access-key-id KEY_ID), or choose another user with --username",
			name, len(ids), strings.Join(ids, ", "), name)
	}
	return true, ids, nil
}

// createBucket makes the bucket and configures it; created says whether the
// bucket exists now, also when a later step failed.
func (c *Creator) createBucket(ctx context.Context, r *Request, bucket string) (created bool, err error) {
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
	if _, err := c.S3.CreateBucket(ctx, in); err != nil {
		return false, err
	}
	info := "Created bucket: " + bucket
	if r.BucketRegion != "" {
		info += " in region: " + r.BucketRegion
	}
	c.log("%s", info)
	if len(r.Tags) > 0 {
		tags := make([]s3types.Tag, len(r.Tags))
		for i, t := range r.Tags {
			tags[i] = s3types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)}
		}
		if _, err := c.S3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{
			Bucket: aws.String(bucket), Tagging: &s3types.Tagging{TagSet: tags},
		}); err != nil {
			return true, err
		}
		c.log("Tagged bucket %s: %s", bucket, TagList(r.Tags))
	}
	if !r.Public {
		return true, nil
	}
	f := false
	if _, err := c.S3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: &f, IgnorePublicAcls: &f, BlockPublicPolicy: &f, RestrictPublicBuckets: &f,
		},
	}); err != nil {
		return true, err
	}
	c.log("Set public access block configuration")
	if _, err := c.S3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
		Bucket: aws.String(bucket),
		Policy: aws.String(string(output.Encode(policy.PublicRead(bucket), -1))),
	}); err != nil {
		return true, err
	}
	c.log("Attached bucket policy allowing public access")
	if !r.Website {
		return true, nil
	}
	if _, err := c.S3.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{
		Bucket: aws.String(bucket),
		WebsiteConfiguration: &s3types.WebsiteConfiguration{
			ErrorDocument: &s3types.ErrorDocument{Key: aws.String("error.html")},
			IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")},
		},
	}); err != nil {
		return true, err
	}
	c.log("Configured website: IndexDocument=index.html, ErrorDocument=error.html")
	return true, nil
}

func (c *Creator) createUserKey(ctx context.Context, r *Request, userExists bool, oldKeys []string, u *undoer) (*Result, error) {
	name := r.UserName()
	if !userExists {
		in := &iam.CreateUserInput{UserName: aws.String(name)}
		if b := r.Boundary(); b != "" {
			in.PermissionsBoundary = aws.String(b)
		}
		for _, t := range r.Tags {
			in.Tags = append(in.Tags, iamtypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
		}
		var lost lostAnswers
		if _, err := c.IAM.CreateUser(ctx, in, lost.option()); err != nil {
			// The user was missing a moment ago; when an attempt went
			// unanswered, the user that now exists is the one it made.
			if !(lost.happened() && awsclient.ErrorCode(err) == "EntityAlreadyExists") {
				return nil, err
			}
		}
		u.push("deleted user "+name, "user "+name, func(ctx context.Context) error {
			c.deleteStrayKeys(ctx, name)
			_, err := c.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(name)})
			return err
		})
		c.log("Created %s", r.userDescription())
	}
	for _, b := range r.Buckets {
		doc, err := r.UserPolicy(b)
		if err != nil {
			return nil, err
		}
		policyName := r.PolicyName(b)
		restore, unknown := c.previousPolicy(ctx, name, policyName, userExists)
		if _, err := c.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
			UserName:       aws.String(name),
			PolicyName:     aws.String(policyName),
			PolicyDocument: aws.String(string(output.EncodeCompact(doc))),
		}); err != nil {
			return nil, err
		}
		if unknown != nil {
			// Deleting it could destroy a policy the user had before.
			u.keep(fmt.Sprintf("inline policy %s of user %s (its previous version could not be read: %s)", policyName, name, awsclient.ErrorMessage(unknown)))
		} else if restore != nil {
			u.push("restored the previous inline policy "+policyName+" of user "+name, "inline policy "+policyName+" of user "+name+" (changed)", restore)
		} else {
			u.push("deleted inline policy "+policyName+" from user "+name, "inline policy "+policyName+" of user "+name, func(ctx context.Context) error {
				_, err := c.IAM.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(policyName)})
				return err
			})
		}
		c.log("Attached policy %s to user %s", policyName, name)
	}
	keyIn := &iam.CreateAccessKeyInput{UserName: aws.String(name)}
	lost := &lostAnswers{}
	out, err := c.IAM.CreateAccessKey(ctx, keyIn, lost.option())
	if err != nil && lost.happened() {
		// An unanswered attempt may have made a key, and taken the user's
		// last free slot: delete it, then ask once more if that was why.
		c.deleteUnansweredKeys(ctx, name, oldKeys)
		if awsclient.ErrorCode(err) == "LimitExceeded" {
			lost = &lostAnswers{}
			out, err = c.IAM.CreateAccessKey(ctx, keyIn, lost.option())
		}
	}
	if err != nil {
		return nil, err
	}
	key := out.AccessKey
	if key == nil || key.AccessKeyId == nil || key.SecretAccessKey == nil {
		return nil, errors.New("CreateAccessKey returned no access key")
	}
	if lost.happened() {
		c.deleteUnansweredKeys(ctx, name, append(oldKeys, aws.ToString(key.AccessKeyId)))
	}
	if err := ctx.Err(); err != nil {
		// Interrupted after the key was made but before it could be shown:
		// a key nobody has seen is useless, so it is undone with the rest.
		u.push("deleted access key "+aws.ToString(key.AccessKeyId), "access key "+aws.ToString(key.AccessKeyId), func(ctx context.Context) error {
			_, err := c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: key.AccessKeyId})
			return err
		})
		return nil, err
	}
	c.log("Created access key for user: %s", name)
	res := &Result{
		AccessKeyID:     aws.ToString(key.AccessKeyId),
		SecretAccessKey: aws.ToString(key.SecretAccessKey),
		Document:        output.AccessKey(key),
	}
	if c.Deliver != nil {
		if err := c.Deliver(res); err != nil {
			u.push("deleted access key "+res.AccessKeyID, "access key "+res.AccessKeyID, func(ctx context.Context) error {
				_, err := c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: key.AccessKeyId})
				return err
			})
			return nil, err
		}
	}
	return res, nil
}

// deleteUnansweredKeys deletes the keys of user that are not in keep: keys
// made by attempts of CreateAccessKey whose answers were lost, which nobody
// will ever see.
func (c *Creator) deleteUnansweredKeys(ctx context.Context, user string, keep []string) {
	keys, err := c.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		c.warn("Warning: an attempt to create the access key got no answer and the keys of user %s could not be listed (%s); check for an extra key", user, awsclient.ErrorMessage(err))
		return
	}
	for _, k := range keys.AccessKeyMetadata {
		id := aws.ToString(k.AccessKeyId)
		if slices.Contains(keep, id) {
			continue
		}
		if _, err := c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: k.AccessKeyId}); err != nil {
			c.warn("Warning: access key %s of user %s was made by an attempt that got no answer, and deleting it failed: %s", id, user, awsclient.ErrorMessage(err))
			continue
		}
		c.warn("Deleted access key %s: an attempt to create the key got no answer but made it", id)
	}
}

// deleteStrayKeys deletes the access keys of a user this run created that
// the run does not know about: a CreateAccessKey whose response was lost
// (a dropped connection, then an SDK retry, or an interruption) can still
// have made one, and IAM refuses to delete a user that has keys.
func (c *Creator) deleteStrayKeys(ctx context.Context, user string) {
	keys, err := c.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		return // DeleteUser will say what is wrong
	}
	for _, k := range keys.AccessKeyMetadata {
		if _, err := c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: k.AccessKeyId}); err != nil {
			c.warn("Could not undo: access key %s of user %s: %s", aws.ToString(k.AccessKeyId), user, awsclient.ErrorMessage(err))
			continue
		}
		c.warn("Undone: deleted access key %s", aws.ToString(k.AccessKeyId))
	}
}

// previousPolicy returns a function restoring the inline policy an existing
// user already had under this name, or nil when there was none. When
// whether there was one cannot be told, unknown says why.
func (c *Creator) previousPolicy(ctx context.Context, user, name string, userExists bool) (restore func(context.Context) error, unknown error) {
	if !userExists {
		return nil, nil
	}
	prev, err := c.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name)})
	if err != nil {
		if awsclient.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	if prev.PolicyDocument == nil {
		return nil, errors.New("GetUserPolicy returned no document")
	}
	doc := policyDocument(aws.ToString(prev.PolicyDocument))
	return func(ctx context.Context) error {
		_, err := c.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
		return err
	}, nil
}

// policyDocument undoes the URL encoding (RFC 3986) IAM applies to the
// policy documents it returns; text that is already JSON is kept as it is.
func policyDocument(text string) string {
	if strings.HasPrefix(strings.TrimSpace(text), "{") {
		return text
	}
	if dec, err := url.PathUnescape(text); err == nil {
		return dec
	}
	return text
}

func (c *Creator) assumeRole(ctx context.Context, r *Request) (*Result, error) {
	arn, created, err := c.ensureRoleFor(ctx, r.DurationSeconds, len(r.Tags) > 0)
	if err != nil {
		return nil, err
	}
	doc, err := r.SessionPolicy()
	if err != nil {
		return nil, err
	}
	c.log("Assume role against %s for %ds", arn, r.DurationSeconds)
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(arn),
		RoleSessionName: aws.String(r.SessionName()),
		Policy:          aws.String(string(output.EncodeCompact(doc))),
		DurationSeconds: aws.Int32(int32(r.DurationSeconds)),
	}
	for _, t := range r.Tags {
		in.Tags = append(in.Tags, ststypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	out, err := c.assumeWithRetry(ctx, in, created)
	if err != nil {
		return nil, err
	}
	if cr := out.Credentials; cr == nil || cr.AccessKeyId == nil || cr.SecretAccessKey == nil {
		return nil, errors.New("AssumeRole returned no credentials")
	}
	res := &Result{
		AccessKeyID:     aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken:    aws.ToString(out.Credentials.SessionToken),
		Document:        output.Credentials(out.Credentials),
	}
	if c.Deliver != nil {
		// Session credentials cannot be revoked one by one; they expire.
		if err := c.Deliver(res); err != nil {
			return nil, err
		}
	}
	return res, nil
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
		c.warn("The new role %s cannot be assumed yet (IAM changes take a few seconds to spread); retrying in %s", aws.ToString(in.RoleArn), wait)
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

// ensureRole returns the ARN of the tool's role, creating it when missing
// and raising its MaxSessionDuration when it is below what is asked (roles
// made by early versions of the reference allowed one hour).
func (c *Creator) ensureRole(ctx context.Context, duration int) (arn string, created bool, err error) {
	return c.ensureRoleFor(ctx, duration, false)
}

// ensureRoleFor is ensureRole that also makes sure sessions may be tagged
// when tagSession is set.
func (c *Creator) ensureRoleFor(ctx context.Context, duration int, tagSession bool) (arn string, created bool, err error) {
	got, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(RoleName)})
	if err == nil {
		role := got.Role
		if tagSession {
			if err := c.allowTagSession(ctx, role); err != nil {
				return "", false, err
			}
		}
		if maxDur := int(aws.ToInt32(role.MaxSessionDuration)); maxDur != 0 && maxDur < duration {
			if _, err := c.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{
				RoleName:           aws.String(RoleName),
				MaxSessionDuration: aws.Int32(RoleMaxSessionDuration),
			}); err != nil {
				return "", false, fmt.Errorf("Role %s allows sessions of at most %d seconds, less than the %d asked for, and raising it failed (%s). "+
					"Fix it with: aws iam update-role --role-name %s --max-session-duration %d",
					RoleName, maxDur, duration, awsclient.ErrorMessage(err), RoleName, RoleMaxSessionDuration)
			}
			c.warn("Updated role %s: MaxSessionDuration was %d seconds, now %d", RoleName, maxDur, RoleMaxSessionDuration)
		}
		return aws.ToString(role.Arn), false, nil
	}
	if !awsclient.IsNotFound(err) {
		return "", false, err
	}
	ident, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", false, err
	}
	var action any = "sts:AssumeRole"
	if tagSession {
		// Session tags need sts:TagSession in the role's trust policy.
		action = []string{"sts:AssumeRole", "sts:TagSession"}
	}
	trust := output.Map{
		{Key: "Version", Value: policy.Version},
		{Key: "Statement", Value: []any{output.Map{
			{Key: "Effect", Value: "Allow"},
			{Key: "Principal", Value: output.Map{{Key: "AWS", Value: "arn:aws:iam::" + aws.ToString(ident.Account) + ":root"}}},
			{Key: "Action", Value: action},
		}}},
	}
	out, err := c.IAM.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(RoleName),
		Description:              aws.String("Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets"),
		AssumeRolePolicyDocument: aws.String(string(output.Encode(trust, -1))),
		MaxSessionDuration:       aws.Int32(RoleMaxSessionDuration),
	})
	ours := err == nil
	if awsclient.ErrorCode(err) == "EntityAlreadyExists" {
		// Made since GetRole: by an attempt of this call whose answer was
		// lost, or by another run. Either way it is the role to use.
		if got, gerr := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(RoleName)}); gerr == nil && got.Role != nil {
			out, err = &iam.CreateRoleOutput{Role: got.Role}, nil
		}
	}
	if err != nil {
		return "", false, err
	}
	// The role grants full S3 access; every AssumeRole narrows it with a
	// session policy.
	if _, err := c.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{
		RoleName:  aws.String(RoleName),
		PolicyArn: aws.String(S3FullAccessARN),
	}); err != nil {
		// A role without its policy would be found and reused by every later
		// run, handing out credentials that can do nothing.
		if ours {
			c.undoRole(ctx)
		}
		return "", false, err
	}
	return aws.ToString(out.Role.Arn), true, nil
}

// undoRole deletes the role this run has just created, saying so.
func (c *Creator) undoRole(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 60*time.Second)
	defer cancel()
	if _, err := c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(RoleName)}); err != nil {
		c.warn("Could not undo: role %s: %s", RoleName, awsclient.ErrorMessage(err))
		c.warn("Left in place: role %s, without its policy %s; attach it (aws iam attach-role-policy --role-name %s --policy-arn %s) or delete the role",
			RoleName, S3FullAccessARN, RoleName, S3FullAccessARN)
		return
	}
	c.warn("Undone: deleted role %s", RoleName)
}

// allowTagSession adds sts:TagSession to the trust policy of an existing
// role, which --tag with --duration needs, saying so.
func (c *Creator) allowTagSession(ctx context.Context, role *iamtypes.Role) error {
	text, err := url.QueryUnescape(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil {
		return err
	}
	doc, err := output.Decode([]byte(text))
	if err != nil {
		return fmt.Errorf("role %s has a trust policy that is not JSON: %w", RoleName, err)
	}
	m, _ := doc.(output.Map)
	stmts, _ := m.Get("Statement")
	list, ok := stmts.([]any)
	if !ok {
		list = []any{stmts}
	}
	changed := false
	for _, s := range list {
		st, ok := s.(output.Map)
		if !ok {
			continue
		}
		if eff, _ := st.Get("Effect"); eff != "Allow" {
			continue
		}
		act, _ := st.Get("Action")
		var actions []any
		switch a := act.(type) {
		case string:
			actions = []any{a}
		case []any:
			actions = a
		}
		hasAssume, hasTag := false, false
		for _, a := range actions {
			hasAssume = hasAssume || a == "sts:AssumeRole"
			hasTag = hasTag || a == "sts:TagSession"
		}
		if hasAssume && !hasTag {
			st.Set("Action", append(actions, "sts:TagSession"))
			changed = true
		}
	}
	if !changed {
		return nil
	}
	m.Set("Statement", list)
	if _, err := c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String(RoleName), PolicyDocument: aws.String(string(output.EncodeCompact(m))),
	}); err != nil {
		return fmt.Errorf("--tag needs sts:TagSession in the trust policy of role %s, and adding it failed: %s", RoleName, awsclient.ErrorMessage(err))
	}
	c.warn("Updated role %s: its trust policy now allows sts:TagSession, which --tag needs", RoleName)
	return nil
}

// undoer records how to reverse each change of a run, newest first.
type undoer struct {
	steps []undoStep
	kept  []string
	warn  func(string, ...any)
}

type undoStep struct {
	done string // what the report says once undone
	what string // what is left behind when undoing fails
	fn   func(context.Context) error
}

func (u *undoer) push(done, what string, fn func(context.Context) error) {
	u.steps = append(u.steps, undoStep{done, what, fn})
}

// keep notes something this run made that is deliberately not undone.
func (u *undoer) keep(what string) { u.kept = append(u.kept, what) }

// run undoes every step, even when ctx was cancelled by Ctrl-C.
func (u *undoer) run(ctx context.Context) {
	if len(u.steps) == 0 && len(u.kept) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 60*time.Second)
	defer cancel()
	var left []string
	for i := len(u.steps) - 1; i >= 0; i-- {
		s := u.steps[i]
		if err := s.fn(ctx); err != nil {
			u.warn("Could not undo: %s: %s", s.what, awsclient.ErrorMessage(err))
			left = append(left, s.what)
			continue
		}
		u.warn("Undone: %s", s.done)
	}
	left = append(left, u.kept...)
	if len(left) > 0 {
		u.warn("Left in place: %s", strings.Join(left, "; "))
	}
}

// DryRun writes what Create would do, making no AWS call.
func DryRun(w io.Writer, r *Request) error {
	if r.Website {
		r.Public = true
	}
	if err := r.Validate(); err != nil {
		return err
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	for _, b := range r.Buckets {
		args := ""
		if r.BucketRegion != "" {
			args = " with args " + string(output.Encode(output.Map{{Key: "CreateBucketConfiguration", Value: output.Map{
				{Key: "LocationConstraint", Value: r.BucketRegion}}}}, 4))
		}
		p("Would create bucket: '%s'%s", b, args)
		if r.Public {
			p("... then add this public access block configuration:")
			p("%s", output.Encode(PublicAccessBlockOff, -1))
			p("... then attach the following bucket policy to it:")
			p("%s", output.Encode(policy.PublicRead(b), 4))
		}
		if r.Website {
			p("... then configure index.html and error.html website settings")
		}
		if len(r.Tags) > 0 {
			p("... then tag it with: %s", TagList(r.Tags))
		}
	}
	if r.DurationSeconds > 0 {
		doc, err := r.SessionPolicy()
		if err != nil {
			return err
		}
		p("Would ensure role: '%s'", RoleName)
		p("Would assume role using following policy for %d seconds:", r.DurationSeconds)
		p("%s", output.Encode(doc, 4))
		if len(r.Tags) > 0 {
			p("... with session tags: %s", TagList(r.Tags))
		}
		return nil
	}
	name := r.UserName()
	p("Would create%s", r.userDescription())
	for _, b := range r.Buckets {
		doc, err := r.UserPolicy(b)
		if err != nil {
			return err
		}
		p("Would attach policy called '%s' to user '%s', details:\n%s", r.PolicyName(b), name, output.Encode(doc, 4))
	}
	p("Would call create access key for user '%s'", name)
	return nil
}
