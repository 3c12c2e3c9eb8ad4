package cli

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/bucket"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
	"github.com/s3-credentials/s3-credentials/internal/presign"
	"github.com/s3-credentials/s3-credentials/policy"
)

// TestFlagsLandInOptions runs commands of the gh shape with a runF that
// keeps their options: the flags and arguments parse into them, and no AWS
// call is made (the factory has no credentials and no endpoint).
func TestFlagsLandInOptions(t *testing.T) {
	tests := []struct {
		name  string
		cmd   func(f *Factory, keep func(any)) *cobra.Command
		args  []string
		check func(t *testing.T, opts any)
	}{
		{
			name: "create",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdCreate(f, func(o *CreateOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "b2", "--read-only", "-d", "15m", "--username", "alice", "--tag", "team=x", "--dry-run"},
			check: func(t *testing.T, opts any) {
				o := opts.(*CreateOptions)
				r := o.Request
				if !reflect.DeepEqual(r.Buckets, []string{"b1", "b2"}) || r.Username != "alice" || r.DurationSeconds != 900 ||
					r.Permission != policy.ReadOnly || !o.DryRun || len(r.Tags) != 1 {
					t.Errorf("request %+v, options %+v", r, o)
				}
			},
		},
		{
			name: "policy",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdPolicy(f, func(o *PolicyOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "--write-only", "--prefix", "in/", "--statement", `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`},
			check: func(t *testing.T, opts any) {
				o := opts.(*PolicyOptions)
				if !reflect.DeepEqual(o.Buckets, []string{"b1"}) || !o.WriteOnly || o.ReadOnly || len(o.ParsedStatements) != 1 ||
					!reflect.DeepEqual(o.Limits.Prefixes, []string{"in/"}) {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "set-cors-policy",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdSetCORSPolicy(f, func(o *SetCORSPolicyOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "-m", "GET", "-m", "PUT", "-h", "Authorization", "-o", "https://example.com", "-e", "ETag", "--max-age-seconds", "60"},
			check: func(t *testing.T, opts any) {
				o := opts.(*SetCORSPolicyOptions)
				want := bucket.CORSRule{Methods: []string{"GET", "PUT"}, Headers: []string{"Authorization"},
					Origins: []string{"https://example.com"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: 60}
				if o.Bucket != "b1" || !reflect.DeepEqual(o.Rule, want) {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "prune",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdPrune(f, func(o *PruneOptions) error { keep(o); return nil })
			},
			args: []string{"--unused-for", "12w", "--dry-run", "--page-size", "50"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*PruneOptions); o.UnusedFor != 12*7*24*time.Hour || !o.DryRun || o.PageSize != 50 {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "audit",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdAudit(f, func(o *AuditOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "b2", "--csv", "--page-size", "10"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*AuditOptions); !reflect.DeepEqual(o.Buckets, []string{"b1", "b2"}) || !o.Format.csv || o.PageSize != 10 {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "rotate-key",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdRotateKey(f, func(o *RotateKeyOptions) error { keep(o); return nil })
			},
			args: []string{"alice", "--delete-old", "--silent"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*RotateKeyOptions); o.User != "alice" || !o.DeleteOld || o.DeactivateOld || !o.Silent {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "get-bucket-policy",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdGetBucketPolicy(f, func(o *GetBucketPolicyOptions) error { keep(o); return nil })
			},
			args: []string{"b1"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*GetBucketPolicyOptions); o.Bucket != "b1" {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "set-bucket-policy",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdSetBucketPolicy(f, func(o *SetBucketPolicyOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "--allow-all-get"},
			check: func(t *testing.T, opts any) {
				o := opts.(*SetBucketPolicyOptions)
				if o.Bucket != "b1" || !o.AllowAllGet || !reflect.DeepEqual(o.Document, policy.PublicRead("b1")) {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "set-public-access-block",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdSetPublicAccessBlock(f, func(o *SetPublicAccessBlockOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "--block-public-acls", "YES", "--restrict-public-buckets", "off"},
			check: func(t *testing.T, opts any) {
				o := opts.(*SetPublicAccessBlockOptions)
				if o.Bucket != "b1" || o.Settings[0] == nil || !*o.Settings[0] || o.Settings[1] != nil || o.Settings[2] != nil || o.Settings[3] == nil || *o.Settings[3] {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "debug-bucket",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdDebugBucket(f, func(o *DebugBucketOptions) error { keep(o); return nil })
			},
			args: []string{"b1"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*DebugBucketOptions); o.Bucket != "b1" {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "list-user-policies",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdListUserPolicies(f, func(o *ListUserPoliciesOptions) error { keep(o); return nil })
			},
			args: []string{"u1", "u2", "--tsv"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*ListUserPoliciesOptions); !reflect.DeepEqual(o.Users, []string{"u1", "u2"}) || !o.Format.tsv || o.JSON {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "list-users",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdListUsers(f, func(o *ListUsersOptions) error { keep(o); return nil })
			},
			args: []string{"--tags", "--nl", "--page-size", "7"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*ListUsersOptions); !o.Tags || !o.Format.nl || o.PageSize != 7 {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "delete-user",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdDeleteUser(f, func(o *DeleteUserOptions) error { keep(o); return nil })
			},
			args: []string{"u1", "u2"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*DeleteUserOptions); !reflect.DeepEqual(o.Users, []string{"u1", "u2"}) {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "list-buckets",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdListBuckets(f, func(o *ListBucketsOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "--details", "--tags", "--csv"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*ListBucketsOptions); !reflect.DeepEqual(o.Buckets, []string{"b1"}) || !o.Details || !o.Tags || !o.Format.csv {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "list-bucket",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdListBucket(f, func(o *ListBucketOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "--prefix", "in/", "--urls", "--nl"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*ListBucketOptions); o.Bucket != "b1" || o.Prefix != "in/" || !o.URLs || !o.Format.nl {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "set-public",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdSetPublic(f, func(o *PublicityOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "--silent"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*PublicityOptions); o.Bucket != "b1" || !o.Silent || !o.Public || o.Steps.Log != nil {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "set-private",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdSetPrivate(f, func(o *PublicityOptions) error { keep(o); return nil })
			},
			args: []string{"b1"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*PublicityOptions); o.Bucket != "b1" || o.Silent || o.Public || o.Steps.Log == nil {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "delete-bucket",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdDeleteBucket(f, func(o *DeleteBucketOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "--force", "--dry-run", "-s"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*DeleteBucketOptions); o.Bucket != "b1" || !o.Force || !o.DryRun || !o.Silent {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "get-object",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdGetObject(f, func(o *GetObjectOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "k/1", "-o", "-", "--concurrency", "3"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*GetObjectOptions); o.Bucket != "b1" || o.Key != "k/1" || o.Output != "" || o.Concurrency != 3 {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "put-object",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdPutObject(f, func(o *PutObjectOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "k.html", "-", "-s"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*PutObjectOptions); o.Bucket != "b1" || o.Key != "k.html" || o.Path != "-" || o.Size != -1 || !o.Silent || o.ContentType != "" {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "presign",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdPresign(f, func(o *PresignOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "in/x.csv", "--method", "put", "--expires", "2h", "--content-type", "text/csv", "--scoped"},
			check: func(t *testing.T, opts any) {
				o := opts.(*PresignOptions)
				want := presign.Request{Method: "PUT", Bucket: "b1", Key: "in/x.csv", ContentType: "text/csv", Expires: 2 * time.Hour}
				if !reflect.DeepEqual(o.Request, want) || !o.Scoped {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "presign-post",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdPresignPost(f, func(o *PresignPostOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "--prefix", "up/", "--max-size", "10MB"},
			check: func(t *testing.T, opts any) {
				o := opts.(*PresignPostOptions)
				if r := o.Request; r.Bucket != "b1" || r.Key != "up/" || !r.StartsWith || r.MaxSize != 10_000_000 || r.Expires != time.Hour {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "localserver",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdLocalserver(f, func(o *LocalserverOptions) error { keep(o); return nil })
			},
			args: []string{"b1", "b2", "-d", "1h", "--read-only", "-p", "9000", "--generate-token"},
			check: func(t *testing.T, opts any) {
				o := opts.(*LocalserverOptions)
				if r := o.Request; !reflect.DeepEqual(r.Buckets, []string{"b1", "b2"}) || r.DurationSeconds != 3600 || r.Permission != policy.ReadOnly ||
					o.Port != 9000 || !o.GenerateToken {
					t.Errorf("options %+v, request %+v", o, o.Request)
				}
			},
		},
		{
			name: "get-cors-policy",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdGetCORSPolicy(f, func(o *GetCORSPolicyOptions) error { keep(o); return nil })
			},
			args: []string{"b1"},
			check: func(t *testing.T, opts any) {
				if o := opts.(*GetCORSPolicyOptions); o.Bucket != "b1" {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "whoami",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdWhoami(f, func(o *WhoamiOptions) error { keep(o); return nil })
			},
			check: func(t *testing.T, opts any) {
				o := opts.(*WhoamiOptions)
				if o.IO == nil || o.Clients == nil || o.Context == nil {
					t.Errorf("options %+v", o)
				}
			},
		},
		{
			name: "check-policy",
			cmd: func(f *Factory, keep func(any)) *cobra.Command {
				return NewCmdCheckPolicy(f, func(o *CheckPolicyOptions) error { keep(o); return nil })
			},
			args: []string{"p.json", "--kind", "bucket", "--json"},
			check: func(t *testing.T, opts any) {
				o := opts.(*CheckPolicyOptions)
				if o.Policy != "p.json" || o.Kind != policycheck.BucketPolicy || !o.JSON || o.Analyzer {
					t.Errorf("options %+v", o)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			f := NewFactory(&IOStreams{In: &bytes.Buffer{}, Out: &stdout, ErrOut: &stderr})
			var got any
			cmd := tt.cmd(f, func(o any) { got = o })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&stdout)
			cmd.SetErr(&stderr)
			if err := cmd.Execute(); err != nil {
				t.Fatalf("%v (stderr %q)", err, stderr.String())
			}
			if got == nil {
				t.Fatal("runF was not called")
			}
			tt.check(t, got)
			if stdout.Len() != 0 {
				t.Errorf("printed %q: only the run function may print", stdout.String())
			}
		})
	}
}
