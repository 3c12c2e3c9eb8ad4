package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// bucketPolicy is the bucket's policy as compact JSON, or "" when it has none.
func (e *e2e) bucketPolicy(bucket string) string {
	e.t.Helper()
	out, err := e.Clients.S3.GetBucketPolicy(e.ctx(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if awsclient.ErrorCode(err) == "NoSuchBucketPolicy" {
		return ""
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return compactText(e.t, aws.ToString(out.Policy))
}

func (e *e2e) blockAll(bucket string, on bool) {
	e.t.Helper()
	if _, err := e.Clients.S3.PutPublicAccessBlock(e.ctx(), &s3.PutPublicAccessBlockInput{
		Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(on), IgnorePublicAcls: aws.Bool(on), BlockPublicPolicy: aws.Bool(on), RestrictPublicBuckets: aws.Bool(on),
		},
	}); err != nil {
		e.t.Fatal(err)
	}
}

const (
	publicReadStmt = `{"Sid":"AllowAllGetObject","Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::pub-bucket/*"]}`
	teamStmt       = `{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::pub-bucket"}`
)

func state(block string, public bool, others int) string {
	b := "false"
	if public {
		b = "true"
	}
	return "{\n    \"Bucket\": \"pub-bucket\",\n    \"PublicAccessBlock\": " + block + ",\n    \"PublicReadStatement\": " + b +
		",\n    \"OtherPolicyStatements\": " + string(rune('0'+others)) + "\n}\n"
}

func blockJSON(acls, ignore, pol, restrict bool) string {
	s := func(b bool) string {
		if b {
			return "true"
		}
		return "false"
	}
	return "{\n        \"BlockPublicAcls\": " + s(acls) + ",\n        \"IgnorePublicAcls\": " + s(ignore) +
		",\n        \"BlockPublicPolicy\": " + s(pol) + ",\n        \"RestrictPublicBuckets\": " + s(restrict) + "\n    }"
}

// The bucket policy and the public access block before and after
// set-public and set-private, a statement of someone else's kept throughout.
func TestSetPublicAndPrivate(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("pub-bucket")
	e.blockAll("pub-bucket", true)
	if _, err := e.Clients.S3.PutBucketPolicy(e.ctx(), &s3.PutBucketPolicyInput{
		Bucket: aws.String("pub-bucket"), Policy: aws.String(`{"Version": "2012-10-17", "Statement": [` + teamStmt + `]}`),
	}); err != nil {
		t.Fatal(err)
	}
	before := e.ok("get-public-access-block", "pub-bucket").Stdout

	r := e.ok("set-public", "pub-bucket")
	if want := state(blockJSON(true, true, false, false), true, 1); r.Stdout != want {
		t.Errorf("stdout\n%s\nwant\n%s", r.Stdout, want)
	}
	if want := "Turned off BlockPublicPolicy and RestrictPublicBuckets for bucket pub-bucket\n" +
		"Added the public-read statement to the bucket policy of pub-bucket, keeping its 1 other statement\n"; r.Stderr != want {
		t.Errorf("stderr %q, want %q", r.Stderr, want)
	}
	if got, want := e.bucketPolicy("pub-bucket"), `{"Version":"2012-10-17","Statement":[`+teamStmt+`,`+publicReadStmt+`]}`; got != want {
		t.Errorf("policy\n got  %s\n want %s", got, want)
	}
	// The block as get-public-access-block prints it is what set-public printed.
	after := e.ok("get-public-access-block", "pub-bucket").Stdout
	if after == before || !strings.Contains(r.Stdout, strings.ReplaceAll(strings.TrimSpace(after), "\n", "\n    ")) {
		t.Errorf("get-public-access-block before:\n%s\nafter:\n%s\nset-public printed:\n%s", before, after, r.Stdout)
	}

	// Idempotent.
	r = e.ok("set-public", "pub-bucket")
	if r.Stderr != "Bucket pub-bucket was public already; nothing changed\n" || r.Stdout != state(blockJSON(true, true, false, false), true, 1) {
		t.Errorf("second set-public: %q %q", r.Stdout, r.Stderr)
	}

	r = e.ok("set-private", "pub-bucket")
	if want := state(blockJSON(true, true, true, true), false, 1); r.Stdout != want {
		t.Errorf("stdout\n%s\nwant\n%s", r.Stdout, want)
	}
	if want := "Removed the public-read statement from the bucket policy of pub-bucket, keeping its 1 other statement\n" +
		"Turned on all four public access block settings for bucket pub-bucket\n"; r.Stderr != want {
		t.Errorf("stderr %q, want %q", r.Stderr, want)
	}
	if got, want := e.bucketPolicy("pub-bucket"), `{"Version":"2012-10-17","Statement":[`+teamStmt+`]}`; got != want {
		t.Errorf("policy\n got  %s\n want %s", got, want)
	}
	if got := e.ok("get-public-access-block", "pub-bucket").Stdout; got != before {
		t.Errorf("block after set-private:\n%s\nwant\n%s", got, before)
	}
	r = e.ok("set-private", "pub-bucket", "--silent")
	if r.Stderr != "" || r.Stdout != state(blockJSON(true, true, true, true), false, 1) {
		t.Errorf("second set-private: %q %q", r.Stdout, r.Stderr)
	}
}

// A bucket with neither a block nor a policy: set-public writes the policy
// create --public writes and no block; set-private deletes the policy again.
func TestSetPublicBareBucket(t *testing.T) {
	e := newE2E(t)
	e.makeBucket("pub-bucket")
	r := e.ok("set-public", "pub-bucket")
	if r.Stdout != state("null", true, 0) || r.Stderr != "Attached a bucket policy allowing public reads to pub-bucket\n" {
		t.Errorf("stdout %s stderr %q", r.Stdout, r.Stderr)
	}
	if got := e.bucketPolicy("pub-bucket"); got != `{"Version":"2012-10-17","Statement":[`+publicReadStmt+`]}` {
		t.Errorf("policy %s", got)
	}
	r = e.ok("set-private", "pub-bucket")
	if want := "Deleted the bucket policy of pub-bucket: the public-read statement was all it held\n" +
		"Turned on all four public access block settings for bucket pub-bucket\n"; r.Stderr != want || r.Stdout != state(blockJSON(true, true, true, true), false, 0) {
		t.Errorf("stdout %s stderr %q", r.Stdout, r.Stderr)
	}
	if got := e.bucketPolicy("pub-bucket"); got != "" {
		t.Errorf("policy left: %s", got)
	}
}

// What create --public made, set-private takes back.
func TestSetPrivateAfterCreatePublic(t *testing.T) {
	e := newE2E(t)
	e.ok("create", "pub-bucket", "-c", "--public", "--username", "pub-user")
	if got := e.bucketPolicy("pub-bucket"); got != `{"Version":"2012-10-17","Statement":[`+publicReadStmt+`]}` {
		t.Fatalf("create --public policy %s", got)
	}
	// set-public recognises it as its own.
	if r := e.ok("set-public", "pub-bucket"); r.Stderr != "Bucket pub-bucket was public already; nothing changed\n" {
		t.Errorf("set-public after create --public: %q", r.Stderr)
	}
	e.ok("set-private", "pub-bucket")
	if got := e.bucketPolicy("pub-bucket"); got != "" {
		t.Errorf("policy left: %s", got)
	}
}

func TestSetPublicErrors(t *testing.T) {
	e := newE2E(t)
	for _, cmd := range []string{"set-public", "set-private"} {
		r := e.run(cmd, "no-such-bucket")
		if r.Code != 1 || !strings.HasPrefix(r.Stderr, "Error: NoSuchBucket") || r.Stdout != "" {
			t.Errorf("%s missing bucket: exit %d stdout %q stderr %q", cmd, r.Code, r.Stdout, r.Stderr)
		}
		r = e.run(cmd)
		if r.Code != 2 || !strings.HasSuffix(r.Stderr, "Error: Missing argument 'BUCKET'.\n") {
			t.Errorf("%s without bucket: exit %d stderr %q", cmd, r.Code, r.Stderr)
		}
		r = e.run(cmd, "a", "b")
		if r.Code != 2 {
			t.Errorf("%s with two buckets: exit %d stderr %q", cmd, r.Code, r.Stderr)
		}
		for _, bad := range []string{"", "a/b", "a\x00b"} {
			if r = e.run(cmd, bad); r.Code != 2 || !strings.Contains(r.Stderr, "Error: Invalid") {
				t.Errorf("%s %q: exit %d stderr %q", cmd, bad, r.Code, r.Stderr)
			}
		}
	}
}
