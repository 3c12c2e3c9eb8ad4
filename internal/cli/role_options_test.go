package cli

import (
	"bytes"
	"slices"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/listfmt"
	"github.com/s3-credentials/s3-credentials/internal/roles"
	"github.com/s3-credentials/s3-credentials/policy"
)

// The role commands' flags become options; runF sees them and no AWS call
// is made.

func TestCreateRoleOptions(t *testing.T) {
	var got *CreateRoleOptions
	cmd := NewCmdCreateRole(NewFactory(&IOStreams{}), func(o *CreateRoleOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"arn:aws:iam::123456789012:role/reader", "bk1", "bk2", "--read-only", "--trust", "lambda", "--trust", "210987654321",
		"--max-session-duration", "2h", "--tag", "team=data", "--update", "--silent"})
	cmd.SetOut(&bytes.Buffer{})
	noErr(t, cmd.Execute())
	r := got.Request
	if r.Name() != "reader" || got.roleARN != "arn:aws:iam::123456789012:role/reader" || !slices.Equal(r.Buckets, []string{"bk1", "bk2"}) {
		t.Errorf("role %q (ARN %q), buckets %q", r.Name(), got.roleARN, r.Buckets)
	}
	want := []roles.Principal{{Service: true, Value: "lambda.amazonaws.com"}, {Value: "arn:aws:iam::210987654321:root"}}
	if r.Permission != policy.ReadOnly || !slices.Equal(r.Trust, want) || r.MaxSessionDuration != 7200 || !r.Update || len(r.Tags) != 1 {
		t.Errorf("request %+v", *r)
	}
	if !got.Silent || got.Steps.Log != nil || got.Steps.Warn == nil || got.Clients == nil || got.Context == nil {
		t.Errorf("--silent: steps %+v; clients and context set: %v %v", got.Steps, got.Clients != nil, got.Context != nil)
	}
}

func TestRevokeSessionsOptions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "s3-credentials.AmazonS3FullAccess"},
		{[]string{"--role", "arn:aws:iam::123456789012:role/app"}, "arn:aws:iam::123456789012:role/app"},
	} {
		var got *RevokeSessionsOptions
		cmd := NewCmdRevokeSessions(NewFactory(&IOStreams{}), func(o *RevokeSessionsOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got.Role != tc.want || got.Now == nil || got.Clients == nil {
			t.Errorf("%v: role %q, clock and clients set: %v %v", tc.args, got.Role, got.Now != nil, got.Clients != nil)
		}
	}
}

func TestListRolesOptions(t *testing.T) {
	var got *ListRolesOptions
	cmd := NewCmdListRoles(NewFactory(&IOStreams{}), func(o *ListRolesOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"a", "arn:aws:iam::123456789012:role/b", "--details", "--csv", "--page-size", "7"})
	noErr(t, cmd.Execute())
	if !slices.Equal(got.Roles, []string{"a", "arn:aws:iam::123456789012:role/b"}) || !got.Details || got.PageSize != 7 || got.Format.format() != listfmt.CSV {
		t.Errorf("options %+v", *got)
	}
}
