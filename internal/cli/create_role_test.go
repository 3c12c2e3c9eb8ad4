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

func TestCreateRole(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("role-a")
	e.makeBucket("role-b")
	flags := []string{"--read-only", "--prefix", "in/", "--key", "top*.txt",
		"--statement", `{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}`}
	r := e.ok(append([]string{"create-role", "app-reader", "role-a", "role-b", "--trust", "lambda", "--trust", "account",
		"--trust", "arn:aws:iam::210987654321:role/ci", "--tag", "team=data"}, flags...)...)
	if want := "{\n    \"RoleName\": \"app-reader\",\n    \"Arn\": \"arn:aws:iam::123456789012:role/app-reader\"\n}\n"; r.Stdout != want {
		t.Errorf("stdout %q, want %q", r.Stdout, want)
	}
	if want := "Created role: 'app-reader' with MaxSessionDuration 43200 seconds, trusted by: arn:aws:iam::123456789012:root, arn:aws:iam::210987654321:role/ci, lambda.amazonaws.com, tagged team=data\n" +
		"Attached policy s3.custom.role-a to role app-reader\n" +
		"Attached policy s3.custom.role-b to role app-reader\n"; r.Stderr != want {
		t.Errorf("stderr %q, want %q", r.Stderr, want)
	}
	got := e.role("app-reader")
	if got == nil {
		t.Fatal("no role")
	}
	if want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::210987654321:role/ci"],"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`; got.Trust != want {
		t.Errorf("trust policy\n got  %s\n want %s", got.Trust, want)
	}
	if got.MaxDuration != 43200 || got.Tags["team"] != "data" || len(got.Tags) != 1 || !strings.Contains(got.Description, "create-role") {
		t.Errorf("role %+v", got)
	}
	// The inline policies are those create gives a user for the same flags.
	e.ok(append([]string{"create", "role-a", "role-b", "--username", "twin"}, flags...)...)
	if user := e.inlinePolicies("twin"); !maps.Equal(got.Inline, user) || len(user) != 2 {
		t.Errorf("role policies %v\nuser policies %v", got.Inline, user)
	}
	if p := got.Inline["s3.custom.role-a"]; !strings.Contains(p, `"arn:aws:s3:::role-a/top${*}.txt"`) || !strings.Contains(p, `"arn:aws:s3:::role-a/in/*"`) {
		t.Errorf("policy %s", p)
	}

	// An existing role is refused, and left as it was.
	r = e.run("create-role", "app-reader", "role-a", "--trust", "ec2")
	if r.Code != 1 || r.Stderr != "Error: Role app-reader already exists; nothing was changed. Use --update to replace its bucket policies\n" || r.Stdout != "" {
		t.Errorf("exit %d stdout %q stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	if again := e.role("app-reader"); again.Trust != got.Trust || !maps.Equal(again.Inline, got.Inline) {
		t.Errorf("changed: %+v", again)
	}
}

func TestCreateRoleUpdate(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("upd-a")
	e.makeBucket("upd-b")
	e.ok("create-role", "worker", "upd-a", "upd-b", "--trust", "ecs-tasks", "--max-session-duration", "2h")
	before := e.role("worker")
	if before.MaxDuration != 7200 {
		t.Fatalf("MaxSessionDuration %d", before.MaxDuration)
	}
	e.putRolePolicy("worker", "unrelated", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}`)

	// --update with other buckets and permission: their policies replace
	// the old bucket policies; trust and duration are kept when not given.
	r := e.ok("create-role", "worker", "upd-b", "--write-only", "--update", "--tag", "v=2")
	if want := "Tagged role worker: v=2\n" +
		"Attached policy s3.write-only.upd-b to role worker\n" +
		"Deleted policy s3.read-write.upd-a from role worker\n" +
		"Deleted policy s3.read-write.upd-b from role worker\n"; r.Stderr != want {
		t.Errorf("stderr %q, want %q", r.Stderr, want)
	}
	after := e.role("worker")
	var names []string
	for n := range after.Inline {
		names = append(names, n)
	}
	if len(after.Inline) != 2 || after.Inline["unrelated"] == "" || after.Inline["s3.write-only.upd-b"] == "" {
		t.Errorf("inline policies %v", names)
	}
	if after.Trust != before.Trust || after.MaxDuration != 7200 || after.Tags["v"] != "2" {
		t.Errorf("role %+v", after)
	}

	// --trust and --max-session-duration given: replaced.
	r = e.ok("create-role", "worker", "upd-b", "--write-only", "--update", "--trust", "ec2", "--max-session-duration", "1h")
	if want := "Updated the trust policy of role worker: trusted by: ec2.amazonaws.com\n" +
		"Updated role worker: MaxSessionDuration was 7200 seconds, now 3600\n" +
		"Replaced policy s3.write-only.upd-b of role worker\n"; r.Stderr != want {
		t.Errorf("stderr %q, want %q", r.Stderr, want)
	}
	after = e.role("worker")
	if after.Trust != `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}` || after.MaxDuration != 3600 {
		t.Errorf("role %+v", after)
	}
	if r.Stdout != "{\n    \"RoleName\": \"worker\",\n    \"Arn\": \"arn:aws:iam::123456789012:role/worker\"\n}\n" {
		t.Errorf("stdout %q", r.Stdout)
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

// The answer to CreateRole is lost and the SDK sends it again: the role
// the first attempt made is the one used, and the run succeeds.
func TestCreateRoleLostReply(t *testing.T) {
	e := newE2E(t)
	e.bucket("lost-a")
	newFaultProxy(t, e, func(op string, n int) fault {
		if op == "CreateRole" && n == 0 {
			return lostReply
		}
		return pass
	})
	r := e.ok("create-role", "twice", "lost-a")
	if !strings.Contains(r.Stdout, `"arn:aws:iam::123456789012:role/twice"`) {
		t.Errorf("stdout %q", r.Stdout)
	}
	if v := e.role("twice"); v == nil || len(v.Inline) != 1 {
		t.Errorf("role %+v", v)
	}
}

func TestCreateRoleMissingBucketChangesNothing(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("here")
	r := e.run("create-role", "nobody", "here", "not-here")
	if r.Code != 1 || r.Stderr != "Error: Bucket does not exist: not-here\n" {
		t.Errorf("exit %d stderr %q", r.Code, r.Stderr)
	}
	if e.role("nobody") != nil {
		t.Error("role created")
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

func TestCreateRoleCompletesBucketsAfterTheName(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("comp-one")
	e.makeBucket("comp-two")
	if r := e.ok("__complete", "create-role", "comp"); strings.Contains(r.Stdout, "comp-one") {
		t.Errorf("NAME completed with bucket names: %q", r.Stdout)
	}
	if r := e.ok("__complete", "create-role", "app", "comp"); !strings.HasPrefix(r.Stdout, "comp-one\ncomp-two\n:4\n") {
		t.Errorf("bucket completion %q", r.Stdout)
	}
	if r := e.ok("__complete", "create-role", "app", "comp-one", ""); !strings.HasPrefix(r.Stdout, "comp-two\n:4\n") {
		t.Errorf("second bucket completion %q", r.Stdout)
	}
}
