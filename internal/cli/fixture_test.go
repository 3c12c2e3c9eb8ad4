package cli

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// fixtureRetries makes the calls that set moto up for a test as safe to
// send again as the tool's own. The SDK repeats a request whose attempt got
// no answer or a server error, and moto may have acted on that attempt: a
// repeated CreateUser then fails with EntityAlreadyExists, and a repeated
// CreateAccessKey leaves a key the test does not know of. Each such call
// ends as if the first answer had come: the thing made is looked up and
// returned, extra keys are deleted (when the keys could be listed before).
// Every attempt that may have been acted on is logged.
// clients are the ones the look-ups go through, set once they exist.
func fixtureRetries(t testing.TB, clients **awsclient.Clients) func(*middleware.Stack) error {
	type lostKey struct{}
	return func(s *middleware.Stack) error {
		err := s.Finalize.Add(middleware.FinalizeMiddlewareFunc("FixtureAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleFinalize(ctx, in)
				if n, ok := ctx.Value(lostKey{}).(*atomic.Int32); ok && awsclient.MayHaveActed(err) {
					t.Logf("fixture call %s: an attempt may have been acted on: %v", middleware.GetOperationName(ctx), err)
					n.Add(1)
				}
				return out, md, err
			}), middleware.After)
		if err != nil {
			return err
		}
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("FixtureRepeats",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c := *clients
				var before []string
				listed := false
				if p, ok := in.Parameters.(*iam.CreateAccessKeyInput); ok {
					before, listed = fixtureKeys(ctx, c, p.UserName)
				}
				lost := &atomic.Int32{}
				out, md, err := next.HandleInitialize(context.WithValue(ctx, lostKey{}, lost), in)
				if lost.Load() == 0 {
					return out, md, err
				}
				if p, ok := in.Parameters.(*iam.CreateAccessKeyInput); ok && err == nil && listed {
					made := aws.ToString(out.Result.(*iam.CreateAccessKeyOutput).AccessKey.AccessKeyId)
					after, _ := fixtureKeys(ctx, c, p.UserName)
					for _, id := range after {
						if id != made && !slices.Contains(before, id) {
							_, _ = c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: p.UserName, AccessKeyId: aws.String(id)})
						}
					}
				}
				if code := awsclient.ErrorCode(err); code == "BucketAlreadyOwnedByYou" {
					out.Result, err = &s3.CreateBucketOutput{}, nil
				} else if code == "EntityAlreadyExists" {
					if made, gerr := fixtureMade(ctx, c, in.Parameters); gerr == nil && made != nil {
						out.Result, err = made, nil
					}
				}
				return out, md, err
			}), middleware.Before)
	}
}

// fixtureMade looks up what the create call with input in made, as the
// call would have returned it (nil for calls not looked up).
func fixtureMade(ctx context.Context, c *awsclient.Clients, in any) (any, error) {
	switch p := in.(type) {
	case *iam.CreateUserInput:
		got, err := c.IAM.GetUser(ctx, &iam.GetUserInput{UserName: p.UserName})
		if err != nil {
			return nil, err
		}
		return &iam.CreateUserOutput{User: got.User}, nil
	case *iam.CreateGroupInput:
		got, err := c.IAM.GetGroup(ctx, &iam.GetGroupInput{GroupName: p.GroupName})
		if err != nil {
			return nil, err
		}
		return &iam.CreateGroupOutput{Group: got.Group}, nil
	case *iam.CreateRoleInput:
		got, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: p.RoleName})
		if err != nil {
			return nil, err
		}
		return &iam.CreateRoleOutput{Role: got.Role}, nil
	case *iam.CreateLoginProfileInput:
		got, err := c.IAM.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: p.UserName})
		if err != nil {
			return nil, err
		}
		return &iam.CreateLoginProfileOutput{LoginProfile: got.LoginProfile}, nil
	}
	return nil, nil
}

// fixtureKeys lists the ids of user's access keys; ok is false when they
// could not be listed.
func fixtureKeys(ctx context.Context, c *awsclient.Clients, user *string) (ids []string, ok bool) {
	out, err := c.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: user})
	if err != nil {
		return nil, false
	}
	for _, k := range out.AccessKeyMetadata {
		ids = append(ids, aws.ToString(k.AccessKeyId))
	}
	return ids, true
}

// The calls that set moto up end as if their first answer had come when
// moto acted on an attempt whose answer was lost or a 500.
func TestFixtureCallsSurviveUnansweredAttempts(t *testing.T) {
	t.Parallel()
	for _, u := range unanswered {
		t.Run(u.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t)
			p := newFaultProxy(t, e, func(op string, n int) fault {
				if n == 0 && !readOnly(op) {
					return u.fault
				}
				return pass
			})
			var c *awsclient.Clients
			cfg := must(awsclient.LoadConfig(context.Background(), awsclient.Options{EndpointURL: e.endpoint}, nil)).ok(t)
			cfg.APIOptions = append(cfg.APIOptions, fixtureRetries(t, &c))
			c = awsclient.New(cfg)
			ctx := context.Background()
			user := must(c.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("fx")})).ok(t)
			group := must(c.IAM.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("fx-group")})).ok(t)
			role := must(c.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fx-role"), AssumeRolePolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": []}`)})).ok(t)
			login := must(c.IAM.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("fx"), Password: aws.String("Secret-pass-123")})).ok(t)
			key := must(c.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("fx")})).ok(t)
			must(c.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("fx-bucket"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})).ok(t)
			if aws.ToString(user.User.UserName) != "fx" || aws.ToString(group.Group.GroupName) != "fx-group" ||
				aws.ToString(role.Role.RoleName) != "fx-role" || aws.ToString(login.LoginProfile.UserName) != "fx" {
				t.Errorf("outputs: %+v %+v %+v %+v", user.User, group.Group, role.Role, login.LoginProfile)
			}
			if keys := e.iamState("fx").Keys; len(keys) != 1 || keys[0] != aws.ToString(key.AccessKey.AccessKeyId) {
				t.Errorf("keys %v, made %s", keys, aws.ToString(key.AccessKey.AccessKeyId))
			}
			for _, op := range []string{"CreateUser", "CreateGroup", "CreateRole", "CreateLoginProfile", "CreateAccessKey", "PUT /fx-bucket"} {
				if n := p.count(op); n != 2 {
					t.Errorf("%s sent %d times, want 2", op, n)
				}
			}
		})
	}
}
