package cli

import (
	"context"
	"maps"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// roleView is what IAM holds for a role, policies as compact JSON.
type roleView struct {
	Arn         string
	Trust       string
	MaxDuration int32
	Description string
	Tags        map[string]string
	Inline      map[string]string
}

// role reads a role back from moto, or returns nil when it does not exist.
func (e *e2e) role(name string) *roleView {
	e.t.Helper()
	ctx := context.Background()
	got, err := e.Clients.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if awsclient.IsNotFound(err) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	v := &roleView{
		Arn: aws.ToString(got.Role.Arn), MaxDuration: aws.ToInt32(got.Role.MaxSessionDuration),
		Description: aws.ToString(got.Role.Description),
		Tags:        map[string]string{}, Inline: map[string]string{},
	}
	v.Trust = compactText(e.t, aws.ToString(got.Role.AssumeRolePolicyDocument))
	tags, err := e.Clients.IAM.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(name)})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, t := range tags.Tags {
		v.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	names, err := e.Clients.IAM.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, n := range names.PolicyNames {
		p, err := e.Clients.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(n)})
		if err != nil {
			e.t.Fatal(err)
		}
		v.Inline[n] = compactText(e.t, aws.ToString(p.PolicyDocument))
	}
	return v
}

// compactText is a policy document as IAM returns it (URL-encoded or not),
// as compact JSON in its own member order.
func compactText(t *testing.T, text string) string {
	t.Helper()
	if !strings.HasPrefix(strings.TrimSpace(text), "{") {
		dec, err := url.QueryUnescape(text)
		if err != nil {
			t.Fatalf("policy %q: %v", text, err)
		}
		text = dec
	}
	v, err := pyjson.Decode([]byte(text))
	if err != nil {
		t.Fatalf("policy is not JSON: %s", text)
	}
	return string(pyjson.EncodeCompact(v))
}

func (e *e2e) putRolePolicy(role, name, doc string) {
	e.t.Helper()
	if _, err := e.Clients.IAM.PutRolePolicy(context.Background(), &iam.PutRolePolicyInput{
		RoleName: aws.String(role), PolicyName: aws.String(name), PolicyDocument: aws.String(doc),
	}); err != nil {
		e.t.Fatal(err)
	}
}

// A step that fails half-way takes back everything: the new role is gone,
// an updated role is as it was.
func TestCreateRoleRollback(t *testing.T) {
	e := newE2E(t)
	e.bucket("rb-a")
	e.bucket("rb-b")
	newFaultProxy(t, e, func(op string, n int) fault {
		if op == "PutRolePolicy" && n >= 1 { // every attempt of the second
			return status500
		}
		return pass
	})
	r := e.run("create-role", "doomed", "rb-a", "rb-b")
	if r.Code != 1 || r.Stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %s", r.Code, r.Stdout, r.Stderr)
	}
	for _, line := range []string{
		"Attached policy s3.read-write.rb-a to role doomed\n",
		"Undone: deleted inline policy s3.read-write.rb-a from role doomed\n",
		"Undone: deleted role doomed\n",
		"Error: gave up after ",
	} {
		if !strings.Contains(r.Stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, r.Stderr)
		}
	}
	if v := e.role("doomed"); v != nil {
		t.Errorf("role left behind: %+v", v)
	}
}

func TestCreateRoleUpdateRollback(t *testing.T) {
	e := newE2E(t)
	e.bucket("rb-a")
	e.bucket("rb-b")
	e.ok("create-role", "kept", "rb-a", "--read-only", "--trust", "lambda", "--tag", "v=1")
	before := e.role("kept")
	newFaultProxy(t, e, func(op string, n int) fault {
		if op == "DeleteRolePolicy" && n < awsclient.DefaultMaxAttempts { // the run's, not the undo's
			return status500
		}
		return pass
	})
	r := e.run("create-role", "kept", "rb-b", "--update", "--trust", "ec2", "--max-session-duration", "3h", "--tag", "v=2", "--tag", "new=x")
	if r.Code != 1 {
		t.Fatalf("exit %d stderr %s", r.Code, r.Stderr)
	}
	for _, line := range []string{
		"Undone: deleted inline policy s3.read-write.rb-b from role kept\n",
		"Undone: restored the previous tags of role kept\n",
		"Undone: restored MaxSessionDuration 43200 of role kept\n",
		"Undone: restored the previous trust policy of role kept\n",
	} {
		if !strings.Contains(r.Stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, r.Stderr)
		}
	}
	after := e.role("kept")
	if after.Trust != before.Trust || after.MaxDuration != before.MaxDuration || after.Description != before.Description ||
		!maps.Equal(after.Tags, before.Tags) || !maps.Equal(after.Inline, before.Inline) {
		t.Errorf("role not restored:\n before %+v\n after  %+v", before, after)
	}
}

// The answer to CreateRole is lost, or a 500 comes back after the role was
// made, and the SDK sends it again: the role the first attempt made is the
// one used, and the run succeeds.
func TestCreateRoleLostReply(t *testing.T) {
	for _, u := range unanswered {
		t.Run(u.name, func(t *testing.T) {
			e := newE2E(t)
			e.bucket("lost-a")
			newFaultProxy(t, e, faultAt("CreateRole", 0, u.fault))
			r := e.ok("create-role", "twice", "lost-a")
			if !strings.Contains(r.Stdout, `"arn:aws:iam::123456789012:role/twice"`) {
				t.Errorf("stdout %q", r.Stdout)
			}
			if v := e.role("twice"); v == nil || len(v.Inline) != 1 {
				t.Errorf("role %+v", v)
			}
		})
	}
}

// The dry run needs no credentials and no network.
func TestCreateRoleDryRun(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	r := run(t, "", "create-role", "app", "bk1", "bk2", "--read-only", "--key", "x?.csv", "--trust", "account", "--trust", "lambda",
		"--max-session-duration", "90m", "--tag", "team=data", "--dry-run")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	golden(t, "create-role/dry-run.out", r.Stdout)
	r = run(t, "", "create-role", "app", "bk1", "--update", "--dry-run")
	if r.Code != 0 {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	golden(t, "create-role/dry-run-update.out", r.Stdout)
}

func TestCreateRoleUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"create-role"}, "Missing argument 'ROLE_NAME'."},
		{[]string{"create-role", "app"}, "Missing argument 'BUCKETS...'."},
		{[]string{"create-role", "a/b", "bkt"}, `Invalid value for 'ROLE_NAME': 'a/b' is not an IAM role name`},
		{[]string{"create-role", strings.Repeat("r", 65), "bkt"}, "Invalid value for 'ROLE_NAME': '" + strings.Repeat("r", 64) + "...' (65 bytes) is not an IAM role name"},
		{[]string{"create-role", "app", "bkt", "--trust", "lambda.example.com"}, `Invalid value for '--trust': "lambda.example.com" is not one of account, lambda, ec2, ecs-tasks`},
		{[]string{"create-role", "app", "bkt", "--max-session-duration", "30m"}, "Invalid value for '--max-session-duration': A role's MaxSessionDuration must be between 1 hour and 12 hours"},
		{[]string{"create-role", "app", "bkt", "--max-session-duration", "13h"}, "Invalid value for '--max-session-duration': A role's MaxSessionDuration must be between 1 hour and 12 hours"},
		{[]string{"create-role", "app", "bkt", "--max-session-duration", "1d"}, "Invalid value for '--max-session-duration': A role's MaxSessionDuration must be between 1 hour and 12 hours, not 1 day"},
		{[]string{"create-role", "app", "bkt", "--max-session-duration", "soon"}, "Invalid value for '--max-session-duration': 'soon' is not a length of time"},
		{[]string{"create-role", "app", "bkt", "--key", ""}, "Invalid value for '--key': the key must not be empty"},
		{[]string{"create-role", "app", "bkt", "--tag", "novalue"}, "Invalid value for '--tag'"},
		{[]string{"create-role", "app", "bkt", "--statement", "{"}, "Invalid value for '--statement'"},
	} {
		r := run(t, "", append(tc.args, "--dry-run")...)
		if r.Code != 2 || !strings.Contains(r.Stderr, "Error: "+tc.msg) || !strings.HasPrefix(r.Stderr, "Usage: s3-credentials create-role [OPTIONS] ROLE_NAME BUCKETS...\n") {
			t.Errorf("%v: exit %d\n%s", tc.args, r.Code, r.Stderr)
		}
	}
	// As for create, a failure (exit 1) rather than a usage error.
	if r := run(t, "", "create-role", "app", "bkt", "--read-only", "--write-only", "--dry-run"); r.Code != 1 ||
		r.Stderr != "Error: Cannot use --read-only and --write-only at the same time\n" {
		t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
	}
}
