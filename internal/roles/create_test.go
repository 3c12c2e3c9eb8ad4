package roles

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/fakeaws"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

const roleARNPrefix = "arn:aws:iam::123456789012:role/"

type harness struct {
	c         *Creator
	log, warn []string
}

func newHarness(f *fakeaws.AWS) *harness {
	h := &harness{}
	h.c = &Creator{IAM: f, STS: f, Steps: &message.Steps{
		Log:  func(s string) { h.log = append(h.log, s) },
		Warn: func(s string) { h.warn = append(h.warn, s) },
	}}
	return h
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

// bucketPolicies are inline policies as create-role writes them, one per
// bucket.
func bucketPolicies(scope policy.Scope, buckets ...string) []Policy {
	var out []Policy
	for _, b := range buckets {
		doc, err := policy.ForBuckets(policy.ReadWrite, []string{b}, scope)
		if err != nil {
			panic(err)
		}
		out = append(out, Policy{Name: "s3.read-write." + b, Document: doc})
	}
	return out
}

// request is role app with the policies of bk1 and bk2, trusting trust.
func request(trust ...string) *Request {
	r := &Request{Name: "app", Policies: bucketPolicies(policy.Scope{}, "bk1", "bk2"),
		Replaces: func(name string) bool { return strings.HasPrefix(name, "s3.") }}
	for _, s := range trust {
		p, err := ParseTrust(s)
		if err != nil {
			panic(err)
		}
		r.Trust = append(r.Trust, p)
	}
	return r
}

func tag(k, v string) iamtypes.Tag { return iamtypes.Tag{Key: aws.String(k), Value: aws.String(v)} }

// namedRole puts a role called name in the fake, as an earlier run left it.
func namedRole(f *fakeaws.AWS, name string, inline map[string]string, tags ...iamtypes.Tag) {
	f.Role = &iamtypes.Role{
		RoleName: aws.String(name), Arn: aws.String(roleARNPrefix + name),
		AssumeRolePolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`),
		MaxSessionDuration:       aws.Int32(3600),
		Tags:                     tags,
	}
	f.RoleInline = map[string]string{}
	for k, v := range inline {
		f.RoleInline[k] = v
	}
}

func compact(v any) string { return string(pyjson.EncodeCompact(v)) }

func TestCreateSteps(t *testing.T) {
	f := fakeaws.New()
	h := newHarness(f)
	r := request("account", "lambda")
	r.Tags = []iamtypes.Tag{tag("team", "data")}
	res, err := h.c.Create(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "result", *res, Result{RoleName: "app", Arn: roleARNPrefix + "app"})
	eq(t, "document", compact(res.Document()), `{"RoleName":"app","Arn":"arn:aws:iam::123456789012:role/app"}`)
	eq(t, "log", h.log, []string{
		"Created role: 'app' with MaxSessionDuration 43200 seconds, trusted by: arn:aws:iam::123456789012:root, lambda.amazonaws.com, tagged team=data",
		"Attached policy s3.read-write.bk1 to role app",
		"Attached policy s3.read-write.bk2 to role app",
	})
	eq(t, "warnings", h.warn, []string(nil))
	eq(t, "mutations", f.Mutations(), []string{"CreateRole", "PutRolePolicy", "PutRolePolicy"})
	s := f.RoleSnapshot()
	eq(t, "inline policies", s.Inline, map[string]string{
		"s3.read-write.bk1": compact(r.Policies[0].Document), "s3.read-write.bk2": compact(r.Policies[1].Document),
	})
	eq(t, "trust", s.Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	eq(t, "max session duration", s.MaxDuration, int32(43200))
	eq(t, "tags", s.Tags, map[string]string{"team": "data"})
	eq(t, "description", aws.ToString(f.Role.Description), "Created by s3-credentials create-role: one inline policy per bucket")
}

// A service-only trust needs no account: GetCallerIdentity is not called.
func TestCreateServiceTrustNeedsNoAccount(t *testing.T) {
	f := fakeaws.New()
	f.Hook = fakeaws.FailOn("GetCallerIdentity", 0, fakeaws.Denied("GetCallerIdentity"))
	h := newHarness(f)
	r := request("ec2")
	r.MaxSessionDuration = 7200
	if _, err := h.c.Create(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	eq(t, "max session duration", f.RoleSnapshot().MaxDuration, int32(7200))
}

// Everything that can be refused without changing anything is checked first.
func TestCreatePrechecksChangeNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fakeaws.AWS, *Request)
		want  string
	}{
		{"existing role without --update", func(f *fakeaws.AWS, r *Request) { namedRole(f, "app", nil) },
			"Role app already exists; nothing was changed. Use --update to replace its bucket policies"},
		{"empty name", func(f *fakeaws.AWS, r *Request) { r.Name = "" }, "Invalid role name: the role name is empty"},
		{"name too long", func(f *fakeaws.AWS, r *Request) { r.Name = strings.Repeat("r", 65) }, "(65 bytes) is not an IAM role name: role names are 1 to 64 letters"},
		{"the tool's own role", func(f *fakeaws.AWS, r *Request) { r.Name = ToolRole }, "is the role create --duration assumes"},
		{"name with a slash", func(f *fakeaws.AWS, r *Request) { r.Name = "a/b" }, `Invalid role name: 'a/b' is not an IAM role name`},
		{"name not ASCII", func(f *fakeaws.AWS, r *Request) { r.Name = "rôle" }, `Invalid role name: 'rôle' is not an IAM role name`},
		{"duration too short", func(f *fakeaws.AWS, r *Request) { r.MaxSessionDuration = 3599 }, "MaxSessionDuration must be between 1 and 12 hours"},
		{"duration too long", func(f *fakeaws.AWS, r *Request) { r.MaxSessionDuration = 43201 }, "MaxSessionDuration must be between 1 and 12 hours"},
		{"too many tags", func(f *fakeaws.AWS, r *Request) {
			for i := 0; i < 51; i++ {
				r.Tags = append(r.Tags, tag(fmt.Sprint("k", i), "v"))
			}
		}, "IAM allows at most 50 per role"},
		{"policies too large", func(f *fakeaws.AWS, r *Request) {
			var scope policy.Scope
			for i := 0; i < 100; i++ {
				scope.Keys = append(scope.Keys, fmt.Sprintf("%s/%03d", strings.Repeat("k", 40), i))
			}
			r.Policies = bucketPolicies(scope, "bk1", "bk2")
		}, "IAM allows at most 10240 per role"},
		{"trust too large", func(f *fakeaws.AWS, r *Request) {
			for i := 0; i < 60; i++ {
				r.Trust = append(r.Trust, Principal{Value: fmt.Sprintf("arn:aws:iam::123456789012:role/r%03d", i)})
			}
		}, "The trust policy would be"},
		{"GetRole denied", func(f *fakeaws.AWS, r *Request) { f.Hook = fakeaws.FailOn("GetRole", 0, fakeaws.Denied("GetRole")) }, "AccessDenied"},
		{"GetCallerIdentity denied", func(f *fakeaws.AWS, r *Request) {
			f.Hook = fakeaws.FailOn("GetCallerIdentity", 0, fakeaws.Denied("GetCallerIdentity"))
		}, "AccessDenied"},
		{"previous policy unreadable", func(f *fakeaws.AWS, r *Request) {
			namedRole(f, "app", map[string]string{"s3.read-only.bk1": "{}"})
			r.Update = true
			f.Hook = fakeaws.FailOn("GetRolePolicy", 0, fakeaws.Denied("GetRolePolicy"))
		}, "Could not read inline policy s3.read-only.bk1 of role app, which would be needed to put it back if the update failed; nothing was changed: AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeaws.New()
			r := request()
			tc.setup(f, r)
			before := f.RoleSnapshot()
			h := newHarness(f)
			_, err := h.c.Create(context.Background(), r)
			if err == nil || !strings.Contains(awsclient.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			eq(t, "mutations", f.Mutations(), []string(nil))
			eq(t, "warnings", h.warn, []string(nil))
			eq(t, "role", f.RoleSnapshot(), before)
		})
	}
}

// Update replaces the role's policies: new ones attached, same-named ones
// replaced, the others Replaces names deleted; policies of other names,
// the trust policy and MaxSessionDuration are kept when not given.
func TestCreateUpdate(t *testing.T) {
	f := fakeaws.New()
	f.EncodePolicies = true
	old := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bk2/*"}]}`
	namedRole(f, "app", map[string]string{
		"s3.read-write.bk2": old, "s3.read-only.bk1": old, "s3.custom.gone": old, "unrelated": `{"keep": true}`,
	}, tag("team", "old"))
	before := f.RoleSnapshot()
	h := newHarness(f)
	r := request()
	r.Update = true
	r.Tags = []iamtypes.Tag{tag("team", "data"), tag("cost", "1")}
	res, err := h.c.Create(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "result", *res, Result{RoleName: "app", Arn: roleARNPrefix + "app"})
	eq(t, "log", h.log, []string{
		"Tagged role app: team=data, cost=1",
		"Attached policy s3.read-write.bk1 to role app",
		"Replaced policy s3.read-write.bk2 of role app",
		"Deleted policy s3.custom.gone from role app",
		"Deleted policy s3.read-only.bk1 from role app",
	})
	eq(t, "mutations", f.Mutations(), []string{"TagRole", "PutRolePolicy", "PutRolePolicy", "DeleteRolePolicy", "DeleteRolePolicy"})
	s := f.RoleSnapshot()
	eq(t, "inline", s.Inline, map[string]string{
		"s3.read-write.bk1": compact(r.Policies[0].Document), "s3.read-write.bk2": compact(r.Policies[1].Document), "unrelated": `{"keep": true}`,
	})
	eq(t, "trust kept", s.Trust, before.Trust)
	eq(t, "duration kept", s.MaxDuration, before.MaxDuration)
	eq(t, "tags", s.Tags, map[string]string{"team": "data", "cost": "1"})

	// Again with the same request: the same state (the policies are put
	// again, nothing else changes).
	h = newHarness(f)
	if _, err := h.c.Create(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	eq(t, "second run", f.RoleSnapshot(), s)
}

func TestCreateUpdateTrustAndDuration(t *testing.T) {
	f := fakeaws.New()
	namedRole(f, "app", nil)
	h := newHarness(f)
	r := request("account", "ecs-tasks")
	r.Update, r.MaxSessionDuration = true, 7200
	if _, err := h.c.Create(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	eq(t, "log", h.log, []string{
		"Updated the trust policy of role app: trusted by: arn:aws:iam::123456789012:root, ecs-tasks.amazonaws.com",
		"Updated role app: MaxSessionDuration was 3600 seconds, now 7200",
		"Attached policy s3.read-write.bk1 to role app",
		"Attached policy s3.read-write.bk2 to role app",
	})
	s := f.RoleSnapshot()
	eq(t, "trust", s.Trust, compact(TrustPolicy(r.Trust, "123456789012", false)))
	eq(t, "duration", s.MaxDuration, int32(7200))
}

// When undoing fails too, what is left is listed.
func TestCreateUndoFailures(t *testing.T) {
	f := fakeaws.New()
	f.Hook = func(_ context.Context, op string, n int) error {
		if (op == "PutRolePolicy" && n == 1) || op == "DeleteRolePolicy" {
			return fakeaws.Denied(op)
		}
		return nil
	}
	h := newHarness(f)
	_, err := h.c.Create(context.Background(), request())
	if awsclient.ErrorCode(err) != "AccessDenied" {
		t.Fatalf("err = %v", err)
	}
	eq(t, "warnings", h.warn, []string{
		"Could not undo: inline policy s3.read-write.bk1 of role app: AccessDenied: User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:DeleteRolePolicy",
		"Could not undo: role app: AccessDenied: User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:DeleteRolePolicy",
		"Left in place: inline policy s3.read-write.bk1 of role app; role app",
	})
}

// Interrupted at any call that changes something, before it takes effect,
// after it took effect, or with its answer lost: the role is as it was
// (a new one is gone), and nothing is left unsaid.
func TestCreateInterruptedAtEveryStep(t *testing.T) {
	old := `{"Version": "2012-10-17", "Statement": []}`
	variants := []struct {
		name string
		req  func(f *fakeaws.AWS) *Request
	}{
		{"new role", func(f *fakeaws.AWS) *Request {
			r := request("lambda", "account")
			r.Tags = []iamtypes.Tag{tag("k", "v")}
			return r
		}},
		{"update everything", func(f *fakeaws.AWS) *Request {
			namedRole(f, "app", map[string]string{"s3.read-write.bk1": old, "s3.read-only.b9": old, "s3.write-only.b8": old, "other": old},
				tag("k", "old"))
			r := request("ec2", "210987654321")
			r.Update, r.MaxSessionDuration = true, 7200
			r.Tags = []iamtypes.Tag{tag("k", "new"), tag("added", "x")}
			return r
		}},
	}
	for _, v := range variants {
		clean := fakeaws.New()
		if _, err := newHarness(clean).c.Create(context.Background(), v.req(clean)); err != nil {
			t.Fatalf("%s: clean run: %v", v.name, err)
		}
		ops := clean.Mutations()
		if len(ops) < 3 {
			t.Fatalf("%s: only %v", v.name, ops)
		}
		fakeaws.EachInterruption(t, v.name, ops, ops, func(t *testing.T, op string, n int, when string) {
			f := fakeaws.New()
			r := v.req(f)
			before := f.RoleSnapshot()
			ctx := f.InterruptAt(t, op, n, when)
			h := newHarness(f)
			if _, err := h.c.Create(ctx, r); err == nil {
				t.Fatal("no error")
			}
			for _, w := range h.warn {
				if !strings.HasPrefix(w, "Undone: ") && !strings.HasPrefix(w, "Interrupted: undoing what this run changed") {
					t.Errorf("warning %q", w)
				}
			}
			eq(t, "role after the undo", f.RoleSnapshot(), before)
		})
	}
}

func TestDryRun(t *testing.T) {
	r := request("account", "lambda")
	r.Update, r.Tags, r.MaxSessionDuration = true, []iamtypes.Tag{tag("a", "b")}, 3600
	r.Note = "A note on the policies"
	var b bytes.Buffer
	if err := DryRun(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Would create role: 'app' with MaxSessionDuration 3600 seconds, tagged a=b\n",
		"... or, if it exists, replace its bucket policies (s3.PERMISSION.BUCKET) with those below,\n    set its trust policy to the one below,\n    set its MaxSessionDuration to 3600 seconds,\n    and tag it with: a=b\n",
		`"arn:aws:iam::ACCOUNT_ID:root"`,
		"(ACCOUNT_ID is the account of the credentials in use, from sts GetCallerIdentity)\nA note on the policies\nWould attach policy called 's3.read-write.bk1' to role 'app', details:\n{\n",
		"Would attach policy called 's3.read-write.bk2' to role 'app', details:\n" + string(pyjson.Encode(r.Policies[1].Document, 4)) + "\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
	r.Name = ""
	if err := DryRun(&b, r); err == nil {
		t.Error("an invalid request was not refused")
	}
}

// A server without inline role policies (SeaweedFS answers InvalidAction,
// with 404 for ListRolePolicies): the role made is deleted all the same,
// not mistaken for one that was never made.
func TestCreateOnServerWithoutRolePolicies(t *testing.T) {
	f := fakeaws.New()
	invalid := func(op string, status int) error {
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      fakeaws.APIError("InvalidAction", "The action "+op+" is not valid for this endpoint"),
		}}
	}
	f.Hook = func(_ context.Context, op string, _ int) error {
		switch op {
		case "PutRolePolicy":
			return invalid(op, 400)
		case "ListRolePolicies":
			return invalid(op, 404)
		}
		return nil
	}
	h := newHarness(f)
	_, err := h.c.Create(context.Background(), request("ec2"))
	if awsclient.ErrorMessage(err) != "InvalidAction: The action PutRolePolicy is not valid for this endpoint" {
		t.Fatalf("err = %v", err)
	}
	eq(t, "warnings", h.warn, []string{"Undone: deleted role app"})
	eq(t, "role", f.RoleSnapshot(), fakeaws.RoleState{})
}
