package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func (e *e2e) acctBucket(name string) {
	e.t.Helper()
	must(e.Clients.S3.CreateBucket(acctCtx(), &s3.CreateBucketInput{Bucket: aws.String(name)})).ok(e.t)
}

func TestBucketPolicy(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctBucket("policy-bucket")

	r := e.ok("set-bucket-policy", "policy-bucket", "--allow-all-get")
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
	noErr(t, os.WriteFile(file, []byte(doc), 0o644))
	r = e.ok("set-bucket-policy", "policy-bucket", "--policy-file", file)
	golden(t, "account/set-bucket-policy-file.err", r.Stderr)
	e.sameAsReferenceWithStderr(r, "set-bucket-policy", "policy-bucket", "--policy-file", file)
	r = e.ok("get-bucket-policy", "policy-bucket")
	golden(t, "account/get-bucket-policy-file.out", r.Stdout)
	e.sameAsReference(r, "get-bucket-policy", "policy-bucket")
}
