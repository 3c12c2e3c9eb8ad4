package credentials

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/fakeaws"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/policy"
)

// httpErr is an error carrying only an HTTP status, like a HEAD response.
func httpErr(status int) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
		Err:      errors.New(http.StatusText(status)),
	}}
}

func tempRequest(f *fakeaws.AWS) *Request {
	f.Buckets["bk1"] = true
	return &Request{Buckets: []string{"bk1"}, Permission: policy.ReadOnly, DurationSeconds: 900}
}

func existingRole(f *fakeaws.AWS, maxDuration int32) {
	f.Role = &iamtypes.Role{
		RoleName: aws.String(roles.ToolRole), Arn: aws.String("arn:aws:iam::123456789012:role/" + roles.ToolRole),
		AssumeRolePolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}`),
		MaxSessionDuration:       aws.Int32(maxDuration),
	}
	f.RolePolicies = []string{S3FullAccessARN}
}

// A role this run created is retried while STS still says AccessDenied,
// backing off, and the run succeeds once it may be assumed.
func TestAssumeRoleRetriesNewRole(t *testing.T) {
	f := fakeaws.New()
	f.Hook = func(_ context.Context, op string, n int) error {
		if op == "AssumeRole" && n < 2 {
			return fakeaws.APIError("AccessDenied", "User is not authorized to perform: sts:AssumeRole")
		}
		return nil
	}
	h := newHarness(t, f)
	res, err := h.create(context.Background(), tempRequest(f))
	if err != nil {
		t.Fatal(err)
	}
	if res.SessionToken != "token" || h.got != res {
		t.Errorf("result %+v", res)
	}
	eq(t, "sleeps", h.sleeps, []time.Duration{time.Second, 2 * time.Second})
	arn := "arn:aws:iam::123456789012:role/" + roles.ToolRole
	eq(t, "log", h.log, []string{"Assume role against " + arn + " for 900s"})
	eq(t, "warnings", h.warn, []string{
		"Created role " + roles.ToolRole + ", the tool's role for temporary credentials: it holds AmazonS3FullAccess, " +
			"each session is narrowed by its session policy, and identities of account 123456789012 allowed sts:AssumeRole may assume it",
		"The new role " + arn + " cannot be assumed yet (IAM changes take a few seconds to spread); retrying in 1s",
		"The new role " + arn + " cannot be assumed yet (IAM changes take a few seconds to spread); retrying in 2s",
	})
	eq(t, "mutations", f.Mutations(), []string{"CreateRole", "AttachRolePolicy", "AssumeRole", "AssumeRole", "AssumeRole"})
	eq(t, "role policies", f.RolePolicies, []string{S3FullAccessARN})
}

// The retrying stops after AssumeRoleRetryFor and reports STS's refusal.
func TestAssumeRoleGivesUp(t *testing.T) {
	f := fakeaws.New()
	f.Hook = func(_ context.Context, op string, _ int) error {
		if op == "AssumeRole" {
			return fakeaws.APIError("AccessDenied", "not yet")
		}
		return nil
	}
	h := newHarness(t, f)
	_, err := h.create(context.Background(), tempRequest(f))
	if awsclient.ErrorMessage(err) != "AccessDenied: not yet" {
		t.Fatalf("err = %v", err)
	}
	var total time.Duration
	for _, d := range h.sleeps {
		total += d
	}
	if total != 30*time.Second {
		t.Errorf("waited %v in all (%v), want 30s", total, h.sleeps)
	}
	eq(t, "sleeps", h.sleeps, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second})
}

// A role that already existed is not retried: AccessDenied then is a real
// refusal.
func TestAssumeRoleExistingRoleNotRetried(t *testing.T) {
	f := fakeaws.New()
	existingRole(f, 43200)
	f.Hook = fakeaws.FailOn("AssumeRole", 0, fakeaws.APIError("AccessDenied", "no"))
	h := newHarness(t, f)
	_, err := h.create(context.Background(), tempRequest(f))
	if awsclient.ErrorCode(err) != "AccessDenied" {
		t.Fatalf("err = %v", err)
	}
	eq(t, "sleeps", h.sleeps, []time.Duration(nil))
	eq(t, "mutations", f.Mutations(), []string{"AssumeRole"})
}

// Ctrl-C while waiting for the new role ends the run at once.
func TestAssumeRoleRetryInterrupted(t *testing.T) {
	f := fakeaws.New()
	f.Hook = fakeaws.FailOn("AssumeRole", 0, fakeaws.APIError("AccessDenied", "not yet"))
	h := newHarness(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	h.c.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}
	_, err := h.create(ctx, tempRequest(f))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	eq(t, "AssumeRole calls", strings.Count(strings.Join(f.Mutations(), " "), "AssumeRole"), 1)
}

// The real sleep returns as soon as the context ends.
func TestSleepCtx(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := sleepCtx(ctx, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Error("sleepCtx did not return when cancelled")
	}
	if err := sleepCtx(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
}

// A role created without its policy would be reused forever by later runs
// and hand out credentials that can do nothing: it is deleted again.
func TestCreatedRoleWithoutPolicyIsDeleted(t *testing.T) {
	f := fakeaws.New()
	f.Hook = fakeaws.FailOn("AttachRolePolicy", 0, fakeaws.Denied("AttachRolePolicy"))
	h := newHarness(t, f)
	_, err := h.create(context.Background(), tempRequest(f))
	if awsclient.ErrorCode(err) != "AccessDenied" {
		t.Fatalf("err = %v", err)
	}
	if f.Role != nil {
		t.Error("the role without its policy was left")
	}
	eq(t, "warnings", h.warn, []string{"Undone: deleted role " + roles.ToolRole})
}

// An existing role whose MaxSessionDuration is too short is raised.
func TestAssumeRoleRaisesMaxSessionDuration(t *testing.T) {
	f := fakeaws.New()
	existingRole(f, 3600)
	r := tempRequest(f)
	r.DurationSeconds = 7200
	h := newHarness(t, f)
	if _, err := h.create(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	eq(t, "max session duration", aws.ToInt32(f.Role.MaxSessionDuration), int32(43200))
	eq(t, "warnings", h.warn, []string{"Updated role " + roles.ToolRole + ": MaxSessionDuration was 3600 seconds, now 43200"})

	f2 := fakeaws.New()
	f2.Buckets["bk1"] = true
	existingRole(f2, 3600)
	f2.Hook = fakeaws.FailOn("UpdateRole", 0, fakeaws.Denied("UpdateRole"))
	_, err := newHarness(t, f2).create(context.Background(), r)
	if err == nil || !strings.Contains(err.Error(), "aws iam update-role --role-name "+roles.ToolRole+" --max-session-duration 43200") {
		t.Fatalf("err = %v", err)
	}
}

// --tag with --duration adds sts:TagSession to an existing role's trust
// policy, which AWS returns URL-encoded.
func TestAssumeRoleTagSession(t *testing.T) {
	f := fakeaws.New()
	f.EncodePolicies = true
	existingRole(f, 43200)
	r := tempRequest(f)
	r.Tags = []Tag{{"team", "data"}}
	h := newHarness(t, f)
	if _, err := h.create(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if doc := aws.ToString(f.Role.AssumeRolePolicyDocument); !strings.Contains(doc, `"Action":["sts:AssumeRole","sts:TagSession"]`) {
		t.Errorf("trust policy %s", doc)
	}
	eq(t, "mutations", f.Mutations(), []string{"UpdateAssumeRolePolicy", "AssumeRole"})
}

// The role appears between GetRole and CreateRole (another run, or an
// attempt whose answer was lost): it is used, and retried as a new role.
func TestAssumeRoleCreatedMeanwhile(t *testing.T) {
	f := fakeaws.New()
	f.Hook = func(_ context.Context, op string, n int) error {
		switch {
		case op == "CreateRole":
			existingRole(f, 43200)
			return fakeaws.APIError("EntityAlreadyExists", "Role with name "+roles.ToolRole+" already exists.")
		case op == "AssumeRole" && n == 0:
			return fakeaws.APIError("AccessDenied", "not yet")
		}
		return nil
	}
	h := newHarness(t, f)
	if _, err := h.create(context.Background(), tempRequest(f)); err != nil {
		t.Fatal(err)
	}
	eq(t, "sleeps", h.sleeps, []time.Duration{time.Second})
	eq(t, "mutations", f.Mutations(), []string{"CreateRole", "AttachRolePolicy", "AssumeRole", "AssumeRole"})
}
