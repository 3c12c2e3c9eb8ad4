package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func (e *e2e) acctBucket(name string) {
	e.t.Helper()
	if _, err := e.Clients.S3.CreateBucket(acctCtx(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		e.t.Fatal(err)
	}
}

func TestBucketPolicy(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctBucket("policy-bucket")

	r := e.run("get-bucket-policy", "policy-bucket")
	if r.Code != 1 || r.Stdout != "" || r.Stderr != "Error: NoSuchBucketPolicy: The bucket policy does not exist\n" {
		t.Errorf("no policy: %+v", r)
	}

	r = e.ok("set-bucket-policy", "policy-bucket", "--allow-all-get")
	if r.Stdout != "" {
		t.Errorf("stdout: %q", r.Stdout)
	}
	golden(t, "account/set-bucket-policy-allow-all-get.err", r.Stderr)
	e.sameAsReferenceWithStderr(r, "set-bucket-policy", "policy-bucket", "--allow-all-get")
	r = e.ok("get-bucket-policy", "policy-bucket")
	golden(t, "account/get-bucket-policy-allow-all-get.out", r.Stdout)
	e.sameAsReference(r, "get-bucket-policy", "policy-bucket")

	// From a file, key order and non-ASCII text kept.
	doc := `{"Version": "2012-10-17", "Id": "caf\u00e9", "Statement": [{"Sid": "ReadTeam", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::policy-bucket", "arn:aws:s3:::policy-bucket/*"]}]}`
	file := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r = e.ok("set-bucket-policy", "policy-bucket", "--policy-file", file)
	golden(t, "account/set-bucket-policy-file.err", r.Stderr)
	e.sameAsReferenceWithStderr(r, "set-bucket-policy", "policy-bucket", "--policy-file", file)
	r = e.ok("get-bucket-policy", "policy-bucket")
	golden(t, "account/get-bucket-policy-file.out", r.Stdout)
	e.sameAsReference(r, "get-bucket-policy", "policy-bucket")

	// From standard input.
	r = e.runStdin(strings.ReplaceAll(doc, "ReadTeam", "FromStdin"), "set-bucket-policy", "policy-bucket", "--policy-file", "-")
	if r.Code != 0 || !strings.Contains(r.Stderr, `"Sid": "FromStdin"`) {
		t.Errorf("stdin: %+v", r)
	}
	if r := e.ok("get-bucket-policy", "policy-bucket"); !strings.Contains(r.Stdout, "FromStdin") {
		t.Errorf("stdin policy not set: %s", r.Stdout)
	}
}

func TestBucketPolicyErrors(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctBucket("policy-bucket")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{nope"), 0o644)
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`{"Version": "2012-10-17", "Statement": []}`), 0o644)
	missing := filepath.Join(dir, "missing.json")
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"set-bucket-policy", "policy-bucket", "--policy-file", good, "--allow-all-get"}, 1,
			"Error: Cannot pass both --allow-all-get and --policy-file\n"},
		{[]string{"set-bucket-policy", "policy-bucket", "--policy-file", missing}, 2,
			"Error: Invalid value for '--policy-file': '" + missing + "': No such file or directory\n"},
		{[]string{"set-bucket-policy", "policy-bucket", "--policy-file", bad}, 1,
			"Error: File contained invalid JSON\n"},
		{[]string{"set-bucket-policy", "policy-bucket"}, 2,
			"Error: Pass --policy-file or --allow-all-get\n"},
		{[]string{"set-bucket-policy", "no-such-bucket", "--allow-all-get"}, 1,
			"Error: NoSuchBucket: The specified bucket does not exist\n"},
		{[]string{"get-bucket-policy", "no-such-bucket"}, 1,
			"Error: NoSuchBucket: The specified bucket does not exist\n"},
		{[]string{"get-bucket-policy"}, 2, "Error: Missing argument 'BUCKET'.\n"},
	} {
		r := e.run(tc.args...)
		if r.Code != tc.code || !strings.HasSuffix(r.Stderr, tc.stderr) || r.Stdout != "" {
			t.Errorf("%v: got exit %d, stderr %q; want exit %d, stderr ending %q", tc.args, r.Code, r.Stderr, tc.code, tc.stderr)
		}
	}
}
