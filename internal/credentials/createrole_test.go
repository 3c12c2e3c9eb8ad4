package credentials

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/policy"
)

const roleARNPrefix = "arn:aws:iam::123456789012:role/"

func roleRequest(f *fakeAWS, trust ...string) *RoleRequest {
	f.buckets["bk1"] = true
	f.buckets["bk2"] = true
	r := &RoleRequest{Request: Request{Buckets: []string{"bk1", "bk2"}, Permission: policy.ReadWrite, Username: "app"}}
	for _, s := range trust {
		p, err := roles.ParseTrust(s)
		if err != nil {
			panic(err)
		}
		r.Trust = append(r.Trust, p)
	}
	return r
}

// namedRole puts a role called name in the fake, as an earlier run left it.
func namedRole(f *fakeAWS, name string, inline map[string]string, tags ...iamtypes.Tag) {
	f.role = &iamtypes.Role{
		RoleName: aws.String(name), Arn: aws.String(roleARNPrefix + name),
		AssumeRolePolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`),
		MaxSessionDuration:       aws.Int32(3600),
		Tags:                     tags,
	}
	f.roleInline = map[string]string{}
	for k, v := range inline {
		f.roleInline[k] = v
	}
}

func compact(v any) string { return string(pyjson.EncodeCompact(v)) }

func TestCreateRoleSteps(t *testing.T) {
	f := newFake()
	h := newHarness(t, f)
	r := roleRequest(f, "account", "lambda")
	r.Tags = []Tag{{"team", "data"}}
	r.Scope = policy.Scope{Prefixes: []string{"in/"}, Keys: []string{"report*.csv"}}
	res, err := h.c.CreateRole(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "result", *res, roles.Result{RoleName: "app", Arn: roleARNPrefix + "app"})
	eq(t, "document", compact(res.Document()), `{"RoleName":"app","Arn":"arn:aws:iam::123456789012:role/app"}`)
	eq(t, "log", h.log, []string{
		"Created role: 'app' with MaxSessionDuration 43200 seconds, trusted by: arn:aws:iam::123456789012:root, lambda.amazonaws.com, tagged team=data",
		"Attached policy s3.read-write.bk1 to role app",
		"Attached policy s3.read-write.bk2 to role app",
	})
	eq(t, "warnings", h.warn, []string(nil))
	eq(t, "mutations", f.mutations(), []string{"CreateRole", "PutRolePolicy", "PutRolePolicy"})

	// The inline policies are exactly those create writes for a user.
	uf := newFake()
	uh := newHarness(t, uf)
	ur := r.Request
	uf.buckets["bk1"], uf.buckets["bk2"] = true, true
	if _, err := uh.create(context.Background(), &ur); err != nil {
		t.Fatal(err)
	}
	s := f.roleSnapshot()
	eq(t, "inline policies", s.Inline, uf.user("app").policies)
	if !strings.Contains(s.Inline["s3.read-write.bk1"], `"arn:aws:s3:::bk1/report${*}.csv"`) {
		t.Errorf("--key not in the policy: %s", s.Inline["s3.read-write.bk1"])
	}
	eq(t, "trust", s.Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	eq(t, "max session duration", s.MaxDuration, int32(43200))
	eq(t, "tags", s.Tags, map[string]string{"team": "data"})
	eq(t, "description", aws.ToString(f.role.Description), "Created by s3-credentials create-role: one inline policy per bucket")
}

// A service-only trust needs no account: GetCallerIdentity is not called.
func TestCreateRoleServiceTrustNeedsNoAccount(t *testing.T) {
	f := newFake()
	f.hook = failOn("GetCallerIdentity", 0, denied("GetCallerIdentity"))
	h := newHarness(t, f)
	r := roleRequest(f, "ec2")
	r.MaxSessionDuration = 7200
	if _, err := h.c.CreateRole(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	eq(t, "max session duration", f.roleSnapshot().MaxDuration, int32(7200))
}

// Everything that can be refused without changing anything is checked first.
func TestCreateRolePrechecksChangeNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fakeAWS, *RoleRequest)
		want  string
	}{
		{"existing role without --update", func(f *fakeAWS, r *RoleRequest) { namedRole(f, "app", nil) },
			"Role app already exists; nothing was changed. Use --update to replace its bucket policies"},
		{"missing bucket", func(f *fakeAWS, r *RoleRequest) { delete(f.buckets, "bk2") }, "Bucket does not exist: bk2"},
		{"empty name", func(f *fakeAWS, r *RoleRequest) { r.Username = "" }, "Invalid role name: the role name is empty"},
		{"name too long", func(f *fakeAWS, r *RoleRequest) { r.Username = strings.Repeat("r", 65) }, "(65 bytes) is not an IAM role name: role names are 1 to 64 letters"},
		{"the tool's own role", func(f *fakeAWS, r *RoleRequest) { r.Username = RoleName }, "is the role create --duration assumes"},
		{"name with a slash", func(f *fakeAWS, r *RoleRequest) { r.Username = "a/b" }, `Invalid role name: 'a/b' is not an IAM role name`},
		{"name not ASCII", func(f *fakeAWS, r *RoleRequest) { r.Username = "rôle" }, `Invalid role name: 'rôle' is not an IAM role name`},
		{"bad bucket name", func(f *fakeAWS, r *RoleRequest) { r.Buckets = []string{"a/b"} }, `'a/b' is not a bucket name`},
		{"duration too short", func(f *fakeAWS, r *RoleRequest) { r.MaxSessionDuration = 3599 }, "MaxSessionDuration must be between 1 and 12 hours"},
		{"duration too long", func(f *fakeAWS, r *RoleRequest) { r.MaxSessionDuration = 43201 }, "MaxSessionDuration must be between 1 and 12 hours"},
		{"too many tags", func(f *fakeAWS, r *RoleRequest) {
			for i := 0; i < 51; i++ {
				r.Tags = append(r.Tags, Tag{fmt.Sprint("k", i), "v"})
			}
		}, "IAM allows at most 50 per role"},
		{"policies too large", func(f *fakeAWS, r *RoleRequest) {
			for i := 0; i < 100; i++ {
				r.Scope.Keys = append(r.Scope.Keys, fmt.Sprintf("%s/%03d", strings.Repeat("k", 40), i))
			}
		}, "IAM allows at most 10240 per role"},
		{"trust too large", func(f *fakeAWS, r *RoleRequest) {
			for i := 0; i < 60; i++ {
				r.Trust = append(r.Trust, roles.Principal{Value: fmt.Sprintf("arn:aws:iam::123456789012:role/r%03d", i)})
			}
		}, "The trust policy would be"},
		{"GetRole denied", func(f *fakeAWS, r *RoleRequest) { f.hook = failOn("GetRole", 0, denied("GetRole")) }, "AccessDenied"},
		{"GetCallerIdentity denied", func(f *fakeAWS, r *RoleRequest) {
			f.hook = failOn("GetCallerIdentity", 0, denied("GetCallerIdentity"))
		}, "AccessDenied"},
		{"previous policy unreadable", func(f *fakeAWS, r *RoleRequest) {
			namedRole(f, "app", map[string]string{"s3.read-only.bk1": "{}"})
			r.Update = true
			f.hook = failOn("GetRolePolicy", 0, denied("GetRolePolicy"))
		}, "Could not read inline policy s3.read-only.bk1 of role app, which would be needed to put it back if the update failed; nothing was changed: AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			r := roleRequest(f)
			tc.setup(f, r)
			before := f.roleSnapshot()
			h := newHarness(t, f)
			_, err := h.c.CreateRole(context.Background(), r)
			if err == nil || !strings.Contains(awsclient.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			eq(t, "mutations", f.mutations(), []string(nil))
			eq(t, "warnings", h.warn, []string(nil))
			eq(t, "role", f.roleSnapshot(), before)
		})
	}
}

// --update replaces the role's bucket policies: new ones attached, same-named
// ones replaced, the other s3.PERMISSION.BUCKET ones deleted; policies of
// other names, the trust policy and MaxSessionDuration are kept when not given.
func TestCreateRoleUpdate(t *testing.T) {
	f := newFake()
	f.encodePolicies = true
	old := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bk2/*"}]}`
	namedRole(f, "app", map[string]string{
		"s3.read-write.bk2": old, "s3.read-only.bk1": old, "s3.custom.gone": old, "unrelated": `{"keep": true}`,
	}, iamtypes.Tag{Key: aws.String("team"), Value: aws.String("old")})
	before := f.roleSnapshot()
	h := newHarness(t, f)
	r := roleRequest(f)
	r.Update = true
	r.Tags = []Tag{{"team", "data"}, {"cost", "1"}}
	res, err := h.c.CreateRole(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "result", *res, roles.Result{RoleName: "app", Arn: roleARNPrefix + "app"})
	eq(t, "log", h.log, []string{
		"Tagged role app: team=data, cost=1",
		"Attached policy s3.read-write.bk1 to role app",
		"Replaced policy s3.read-write.bk2 of role app",
		"Deleted policy s3.custom.gone from role app",
		"Deleted policy s3.read-only.bk1 from role app",
	})
	eq(t, "mutations", f.mutations(), []string{"TagRole", "PutRolePolicy", "PutRolePolicy", "DeleteRolePolicy", "DeleteRolePolicy"})
	s := f.roleSnapshot()
	ur, _ := r.UserPolicy("bk1")
	eq(t, "inline", s.Inline, map[string]string{
		"s3.read-write.bk1": compact(ur), "s3.read-write.bk2": compact(mustPolicy(r, "bk2")), "unrelated": `{"keep": true}`,
	})
	eq(t, "trust kept", s.Trust, before.Trust)
	eq(t, "duration kept", s.MaxDuration, before.MaxDuration)
	eq(t, "tags", s.Tags, map[string]string{"team": "data", "cost": "1"})

	// Again with the same request: the same state (the policies are put
	// again, nothing else changes).
	h = newHarness(t, f)
	if _, err := h.c.CreateRole(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	eq(t, "second run", f.roleSnapshot(), s)
}

func mustPolicy(r *RoleRequest, b string) any {
	doc, err := r.UserPolicy(b)
	if err != nil {
		panic(err)
	}
	return doc
}

func TestCreateRoleUpdateTrustAndDuration(t *testing.T) {
	f := newFake()
	namedRole(f, "app", nil)
	h := newHarness(t, f)
	r := roleRequest(f, "account", "ecs-tasks")
	r.Update, r.MaxSessionDuration = true, 7200
	if _, err := h.c.CreateRole(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	eq(t, "log", h.log, []string{
		"Updated the trust policy of role app: trusted by: arn:aws:iam::123456789012:root, ecs-tasks.amazonaws.com",
		"Updated role app: MaxSessionDuration was 3600 seconds, now 7200",
		"Attached policy s3.read-write.bk1 to role app",
		"Attached policy s3.read-write.bk2 to role app",
	})
	s := f.roleSnapshot()
	eq(t, "trust", s.Trust, compact(roles.TrustPolicy(r.Trust, "123456789012", false)))
	eq(t, "duration", s.MaxDuration, int32(7200))
}

// When undoing fails too, what is left is listed.
func TestCreateRoleUndoFailures(t *testing.T) {
	f := newFake()
	f.hook = func(_ context.Context, op string, n int) error {
		if (op == "PutRolePolicy" && n == 1) || op == "DeleteRolePolicy" {
			return denied(op)
		}
		return nil
	}
	h := newHarness(t, f)
	_, err := h.c.CreateRole(context.Background(), roleRequest(f))
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
func TestCreateRoleInterruptedAtEveryStep(t *testing.T) {
	old := `{"Version": "2012-10-17", "Statement": []}`
	variants := []struct {
		name string
		req  func(f *fakeAWS) *RoleRequest
	}{
		{"new role", func(f *fakeAWS) *RoleRequest {
			r := roleRequest(f, "lambda", "account")
			r.Tags = []Tag{{"k", "v"}}
			return r
		}},
		{"update everything", func(f *fakeAWS) *RoleRequest {
			namedRole(f, "app", map[string]string{"s3.read-write.bk1": old, "s3.read-only.b9": old, "s3.write-only.b8": old, "other": old},
				iamtypes.Tag{Key: aws.String("k"), Value: aws.String("old")})
			r := roleRequest(f, "ec2", "210987654321")
			r.Update, r.MaxSessionDuration = true, 7200
			r.Tags = []Tag{{"k", "new"}, {"added", "x"}}
			return r
		}},
	}
	for _, v := range variants {
		clean := newFake()
		if _, err := newHarness(t, clean).c.CreateRole(context.Background(), v.req(clean)); err != nil {
			t.Fatalf("%s: clean run: %v", v.name, err)
		}
		ops := clean.mutations()
		if len(ops) < 3 {
			t.Fatalf("%s: only %v", v.name, ops)
		}
		for i, op := range ops {
			n := 0
			for _, o := range ops[:i] {
				if o == op {
					n++
				}
			}
			for _, when := range []string{"before", "after", "answer lost"} {
				t.Run(fmt.Sprintf("%s/%s#%d/%s", v.name, op, n, when), func(t *testing.T) {
					f := newFake()
					r := v.req(f)
					before := f.roleSnapshot()
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					f.interruptAt(op, n, when, cancel)
					h := newHarness(t, f)
					if _, err := h.c.CreateRole(ctx, r); err == nil {
						t.Fatal("no error")
					}
					for _, w := range h.warn {
						if !strings.HasPrefix(w, "Undone: ") && !strings.HasPrefix(w, "Interrupted: undoing what this run changed") {
							t.Errorf("warning %q", w)
						}
					}
					eq(t, "role after the undo", f.roleSnapshot(), before)
				})
			}
		}
	}
}

func TestDryRunRole(t *testing.T) {
	f := newFake()
	r := roleRequest(f, "account", "lambda")
	r.Update, r.Tags, r.MaxSessionDuration = true, []Tag{{"a", "b"}}, 3600
	r.Scope.Keys = []string{"x?"}
	var b bytes.Buffer
	if err := DryRunRole(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Would create role: 'app' with MaxSessionDuration 3600 seconds, tagged a=b\n",
		"... or, if it exists, replace its bucket policies (s3.PERMISSION.BUCKET) with those below,\n    set its trust policy to the one below,\n    set its MaxSessionDuration to 3600 seconds,\n    and tag it with: a=b\n",
		`"arn:aws:iam::ACCOUNT_ID:root"`,
		"(ACCOUNT_ID is the account of the credentials in use, from sts GetCallerIdentity)\n",
		"Note: in the policies below ${*}, ${?} and ${$} in a --key match a literal *, ? and $\n",
		"Would attach policy called 's3.read-write.bk2' to role 'app', details:\n{\n",
		`"arn:aws:s3:::bk1/x${?}"`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
	eq(t, "AWS calls", f.calls, []string(nil))
	r.Username = ""
	if err := DryRunRole(&b, r); err == nil {
		t.Error("an invalid request was not refused")
	}
}

// A server without inline role policies (SeaweedFS answers InvalidAction,
// with 404 for ListRolePolicies): the role made is deleted all the same,
// not mistaken for one that was never made.
func TestCreateRoleOnServerWithoutRolePolicies(t *testing.T) {
	f := newFake()
	invalid := func(op string, status int) error {
		return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      apiErr("InvalidAction", "The action "+op+" is not valid for this endpoint"),
		}}
	}
	f.hook = func(_ context.Context, op string, _ int) error {
		switch op {
		case "PutRolePolicy":
			return invalid(op, 400)
		case "ListRolePolicies":
			return invalid(op, 404)
		}
		return nil
	}
	h := newHarness(t, f)
	_, err := h.c.CreateRole(context.Background(), roleRequest(f, "ec2"))
	if awsclient.ErrorMessage(err) != "InvalidAction: The action PutRolePolicy is not valid for this endpoint" {
		t.Fatalf("err = %v", err)
	}
	eq(t, "warnings", h.warn, []string{"Undone: deleted role app"})
	eq(t, "role", f.roleSnapshot(), roleState{})
}
