package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// acctSetUpBuckets makes three buckets: a bare one in us-east-1, one in
// eu-west-1 with a website and a public access block, and one with a
// redirecting website and an extra ACL grant.
func (e *e2e) acctSetUpBuckets() {
	e.t.Helper()
	ctx := acctCtx()
	c := e.Clients.S3
	must(c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bucket-alpha")})).ok(e.t)
	must(c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bucket-beta"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}},
		func(o *s3.Options) { o.Region = "eu-west-1" })).ok(e.t)
	must(c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("bucket-beta"),
		WebsiteConfiguration: &s3types.WebsiteConfiguration{
			IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")},
			ErrorDocument: &s3types.ErrorDocument{Key: aws.String("error.html")},
		}})).ok(e.t)
	must(c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("bucket-beta"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(false),
			BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false),
		}})).ok(e.t)
	must(c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bucket-gamma")})).ok(e.t)
	must(c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("bucket-gamma"),
		WebsiteConfiguration: &s3types.WebsiteConfiguration{
			RedirectAllRequestsTo: &s3types.RedirectAllRequestsTo{HostName: aws.String("example.com"), Protocol: s3types.ProtocolHttps},
		}})).ok(e.t)
	must(c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("bucket-gamma"), ACL: s3types.BucketCannedACLPublicRead})).ok(e.t)
}

func TestListBuckets(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctSetUpBuckets()
	n := &acctNormalizer{}
	for _, tc := range []struct {
		name string
		args []string
		// ref says whether the reference prints the same (it crashes on
		// CSV/TSV with --details: "region" has no column).
		ref bool
	}{
		{"list-buckets.json", nil, true},
		{"list-buckets.nl", []string{"--nl"}, true},
		{"list-buckets.csv", []string{"--csv"}, true},
		{"list-buckets.tsv", []string{"--tsv"}, true},
		{"list-buckets-details.json", []string{"--details"}, true},
		{"list-buckets-details.nl", []string{"--details", "--nl"}, true},
		{"list-buckets-details.csv", []string{"--details", "--csv"}, false},
		{"list-buckets-details.tsv", []string{"--details", "--tsv"}, false},
		{"list-buckets-named.json", []string{"bucket-gamma", "bucket-alpha", "no-such-bucket"}, true},
		{"list-buckets-named-details.json", []string{"bucket-beta", "--details"}, true},
	} {
		args := append([]string{"list-buckets"}, tc.args...)
		r := e.ok(args...)
		golden(t, "account/"+tc.name, n.apply(r.Stdout))
		if r.Stderr != "" {
			t.Errorf("%v: unexpected stderr %q", args, r.Stderr)
		}
		if tc.ref {
			e.sameAsReference(r, args...)
		}
	}
	// The member outside the CSV header is left out, not a crash.
	r := e.ok("list-buckets", "--details", "--csv")
	if strings.Contains(r.Stdout, "eu-west-1,") || !strings.HasPrefix(r.Stdout, "Name,CreationDate,bucket_acl,public_access_block,bucket_website\r\n") {
		t.Errorf("CSV with --details:\n%s", r.Stdout)
	}
}
