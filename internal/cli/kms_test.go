package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// encrypt gives a bucket a default encryption with KMS.
func (e *e2e) encrypt(bucket, keyID string, bucketKey bool) {
	e.t.Helper()
	rule := s3types.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms},
		BucketKeyEnabled:                   aws.Bool(bucketKey),
	}
	if keyID != "" {
		rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID = aws.String(keyID)
	}
	must(e.Clients.S3.PutBucketEncryption(e.ctx(), &s3.PutBucketEncryptionInput{
		Bucket:                            aws.String(bucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{rule}},
	})).ok(e.t)
}

// A bucket whose objects are encrypted with a KMS key of the user's own:
// create finds the key and grants its use, only through S3, only for that
// bucket's objects (and prefix), reading or writing as the permission
// says; the AWS managed key needs nothing; an alias cannot be named.
func TestCreateGrantsTheBucketsKMSKey(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	const key = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	for _, b := range []string{"kms-own", "kms-bucketkey", "kms-managed", "kms-alias", "kms-none"} {
		e.makeBucket(b)
	}
	e.encrypt("kms-own", key, false)
	e.encrypt("kms-bucketkey", key, true)
	e.encrypt("kms-managed", "", false)
	e.encrypt("kms-alias", "alias/team-key", false)

	r := e.ok("create", "kms-own", "--read-only", "--prefix", "in/", "--source-ip", "10.0.0.0/8", "--username", "kms-reader")
	if !strings.Contains(r.Stderr, "Bucket kms-own encrypts its objects with KMS key "+key+": the credentials may use it, through S3 only, for that bucket's objects\n") {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
	doc := e.inlinePolicies("kms-reader")["s3.read-only.kms-own"]
	want := `{"Effect":"Allow","Action":["kms:Decrypt"],"Resource":["` + key + `"],"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]},` +
		`"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"},"StringLike":{"kms:EncryptionContext:aws:s3:arn":["arn:aws:s3:::kms-own/in/*"]}}}`
	if !strings.Contains(doc, want) {
		t.Errorf("policy\n%s\nlacks\n%s", doc, want)
	}
	// Writing needs GenerateDataKey too; with S3 Bucket Keys the context
	// is the bucket's ARN.
	e.ok("create", "kms-bucketkey", "--write-only", "--username", "kms-writer")
	doc = e.inlinePolicies("kms-writer")["s3.write-only.kms-bucketkey"]
	if !strings.Contains(doc, `"Action":["kms:GenerateDataKey","kms:Decrypt"]`) || !strings.Contains(doc, `"kms:EncryptionContext:aws:s3:arn":["arn:aws:s3:::kms-bucketkey"]`) {
		t.Errorf("policy %s", doc)
	}
	// No grant for the AWS managed key, nor without KMS.
	for _, b := range []string{"kms-managed", "kms-none"} {
		r := e.ok("create", b, "--username", "kms-"+b)
		if strings.Contains(e.inlinePolicies("kms-" + b)["s3.read-write."+b], "kms:") || strings.Contains(r.Stderr, "KMS") {
			t.Errorf("%s: a KMS grant: %v\n%s", b, e.inlinePolicies("kms-"+b), r.Stderr)
		}
	}
	// An alias cannot go in a policy: refused before any change, saying how.
	r = e.run("create", "kms-alias", "--username", "kms-aliased")
	if r.Code != 1 || !strings.Contains(r.Stderr, "Bucket kms-alias encrypts its objects with KMS key alias/team-key, which a policy cannot name as it is") ||
		!strings.Contains(r.Stderr, "give the key's ARN with --kms-key") || e.userExists("kms-aliased") {
		t.Errorf("exit %d\n%s", r.Code, r.Stderr)
	}
	// ... and --kms-key names it.
	e.ok("create", "kms-alias", "--username", "kms-aliased", "--kms-key", key)
	// Temporary credentials carry the grant in their session policy.
	r = e.ok("create", "kms-own", "-d", "15m", "--dry-run", "--kms-key", key)
	if !strings.Contains(r.Stdout, `"kms:ViaService": "s3.us-east-1.amazonaws.com"`) {
		t.Errorf("dry run:\n%s", r.Stdout)
	}
}
