package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// optionsOf runs the command newCmd makes with args (stdin on standard
// input) and a runF that keeps its options, and returns them: no AWS call
// is made, and nothing may be printed.
func optionsOf[O any](t *testing.T, newCmd func(*Factory, func(*O) error) *cobra.Command, stdin string, args ...string) *O {
	t.Helper()
	var stdout, stderr bytes.Buffer
	f := NewFactory(&IOStreams{In: bytes.NewBufferString(stdin), Out: &stdout, ErrOut: &stderr})
	var got *O
	cmd := newCmd(f, func(o *O) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v: %v (stderr %q)", args, err, stderr.String())
	}
	if got == nil {
		t.Fatalf("%v: runF was not called", args)
	}
	if stdout.Len() != 0 || stderr.Len() != 0 {
		t.Errorf("%v: printed %q, %q: only the run function may print", args, stdout.String(), stderr.String())
	}
	if got := reflect.ValueOf(got).Elem(); got.FieldByName("Clients").IsNil() || got.FieldByName("Context").IsNil() {
		t.Errorf("%v: options without Clients or Context: %+v", args, got)
	}
	return got
}

// TestListAndBucketFlagsLandInOptions is TestFlagsLandInOptions for the
// flags and defaults of the listing and bucket commands it leaves out.
func TestListAndBucketFlagsLandInOptions(t *testing.T) {
	if o := optionsOf(t, NewCmdListUsers, ""); o.Tags || o.Format != (listFormat{}) || o.PageSize != 0 {
		t.Errorf("list-users: %+v", o)
	}
	if o := optionsOf(t, NewCmdListBuckets, "", "--page-size", "3", "--tsv"); len(o.Buckets) != 0 || o.PageSize != 3 || !o.Format.tsv || o.Details || o.Tags {
		t.Errorf("list-buckets: %+v", o)
	}
	if o := optionsOf(t, NewCmdListBucket, "", "b1", "--csv"); o.Bucket != "b1" || o.Prefix != "" || o.URLs || !o.Format.csv {
		t.Errorf("list-bucket: %+v", o)
	}
	if o := optionsOf(t, NewCmdListUserPolicies, "", "--json"); len(o.Users) != 0 || !o.JSON || o.Format != (listFormat{}) {
		t.Errorf("list-user-policies: %+v", o)
	}
	if o := optionsOf(t, NewCmdDeleteBucket, "", "b1"); o.Bucket != "b1" || o.Force || o.DryRun || o.Silent || o.Steps.Log == nil || o.Steps.Warn == nil {
		t.Errorf("delete-bucket: %+v", o)
	}
	if o := optionsOf(t, NewCmdGetPublicAccessBlock, "", "b1"); o.Bucket != "b1" {
		t.Errorf("get-public-access-block: %+v", o)
	}
	o := optionsOf(t, NewCmdSetPublicAccessBlock, "", "b1", "--block-public-acls", "true", "--allow-public-access")
	for i, v := range o.Settings {
		if v == nil || *v {
			t.Errorf("set-public-access-block --allow-public-access: setting %d is %v, want false", i, v)
		}
	}
	if o := optionsOf(t, NewCmdSetPublicAccessBlock, "", "b1", "--ignore-public-acls", "0"); o.Settings[0] != nil || o.Settings[1] == nil || *o.Settings[1] || o.Settings[2] != nil || o.Settings[3] != nil {
		t.Errorf("set-public-access-block --ignore-public-acls 0: %+v", o)
	}
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b1/*"}]}`
	path := filepath.Join(t.TempDir(), "p.json")
	noErr(t, os.WriteFile(path, []byte(doc), 0o600))
	want := must(pyjson.Decode([]byte(doc))).ok(t)
	for _, args := range [][]string{{"b1", "--policy-file", path}, {"b1", "--policy-file", "-"}} {
		o := optionsOf(t, NewCmdSetBucketPolicy, doc, args...)
		if o.Bucket != "b1" || o.AllowAllGet || o.PolicyFile != args[2] || !reflect.DeepEqual(o.Document, want) {
			t.Errorf("set-bucket-policy %v: %+v", args, o)
		}
	}
	if o := optionsOf(t, NewCmdSetPrivate, "", "b1", "--silent"); o.Bucket != "b1" || !o.Silent || o.Public || o.Steps.Log != nil || o.Steps.Warn == nil {
		t.Errorf("set-private --silent: %+v", o)
	}
}
