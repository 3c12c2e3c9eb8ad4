package credentials

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/fakeaws"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/policy"
)

// Making the role itself is tested in package roles; here, what
// create-role asks of it.

func roleRequest(f *fakeaws.AWS) *RoleRequest {
	f.Buckets["bk1"] = true
	f.Buckets["bk2"] = true
	return &RoleRequest{Request: Request{Buckets: []string{"bk1", "bk2"}, Permission: policy.ReadWrite, Username: "app"}}
}

// The role's inline policies are exactly those create writes for a user,
// with the same names.
func TestCreateRolePoliciesAreCreates(t *testing.T) {
	f := fakeaws.New()
	h := newHarness(t, f)
	r := roleRequest(f)
	r.Tags = []Tag{{"team", "data"}}
	r.Scope = policy.Scope{Prefixes: []string{"in/"}, Keys: []string{"report*.csv"}}
	res, err := h.c.CreateRole(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "result", *res, roles.Result{RoleName: "app", Arn: "arn:aws:iam::123456789012:role/app"})
	eq(t, "log", h.log[1:], []string{"Attached policy s3.read-write.bk1 to role app", "Attached policy s3.read-write.bk2 to role app"})
	eq(t, "calls", f.Calls, []string{"HeadBucket", "HeadBucket", "GetRole", "GetCallerIdentity", "CreateRole", "PutRolePolicy", "PutRolePolicy"})

	uf := fakeaws.New()
	ur := r.Request
	uf.Buckets["bk1"], uf.Buckets["bk2"] = true, true
	if _, err := newHarness(t, uf).create(context.Background(), &ur); err != nil {
		t.Fatal(err)
	}
	s := f.RoleSnapshot()
	eq(t, "inline policies", s.Inline, uf.User("app").Policies)
	if !strings.Contains(s.Inline["s3.read-write.bk1"], `"arn:aws:s3:::bk1/report${*}.csv"`) {
		t.Errorf("--key not in the policy: %s", s.Inline["s3.read-write.bk1"])
	}
	eq(t, "tags", s.Tags, map[string]string{"team": "data"})
}

// What is wrong with the buckets or the policy is refused before anything
// changes; so is what package roles refuses.
func TestCreateRolePrechecks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fakeaws.AWS, *RoleRequest)
		want  string
	}{
		{"missing bucket", func(f *fakeaws.AWS, r *RoleRequest) { delete(f.Buckets, "bk2") }, "Bucket does not exist: bk2"},
		{"bad bucket name", func(f *fakeaws.AWS, r *RoleRequest) { r.Buckets = []string{"a/b"} }, `'a/b' is not a bucket name`},
		{"--policy", func(f *fakeaws.AWS, r *RoleRequest) { r.PolicyText = "{}" }, "create-role takes no --policy"},
		{"bad name before bad bucket", func(f *fakeaws.AWS, r *RoleRequest) { r.Username, r.Buckets = "a/b", []string{"a/b"} },
			"Invalid role name: 'a/b' is not an IAM role name"},
		{"GetRole denied", func(f *fakeaws.AWS, r *RoleRequest) {
			f.Hook = fakeaws.FailOn("GetRole", 0, fakeaws.Denied("GetRole"))
		}, "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeaws.New()
			r := roleRequest(f)
			tc.setup(f, r)
			h := newHarness(t, f)
			_, err := h.c.CreateRole(context.Background(), r)
			if err == nil || !strings.Contains(awsclient.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			eq(t, "mutations", f.Mutations(), []string(nil))
			eq(t, "warnings", h.warn, []string(nil))
		})
	}
}

func TestDryRunRole(t *testing.T) {
	f := fakeaws.New()
	r := roleRequest(f)
	r.Scope.Keys = []string{"x?"}
	var b bytes.Buffer
	if err := DryRunRole(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"\nNote: in the policies below ${*}, ${?} and ${$} in a --key match a literal *, ? and $\nWould attach policy called 's3.read-write.bk1' to role 'app', details:\n{\n",
		`"arn:aws:s3:::bk1/x${?}"`,
		"Would attach policy called 's3.read-write.bk2' to role 'app', details:\n{\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in\n%s", want, b.String())
		}
	}
	eq(t, "AWS calls", f.Calls, []string(nil))
	r.Username = ""
	if err := DryRunRole(&b, r); err == nil {
		t.Error("an invalid request was not refused")
	}
}
