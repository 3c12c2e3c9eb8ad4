package cli

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestDebugBucket(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctBucket("debug-bucket")

	// No public access block: that check fails in place, the others print.
	r := e.ok("debug-bucket", "debug-bucket")
	golden(t, "account/debug-bucket-plain.out", r.Stdout)
	e.sameAsReferenceWithStderr(r, "debug-bucket", "debug-bucket")

	must(e.Clients.S3.PutPublicAccessBlock(acctCtx(), &s3.PutPublicAccessBlockInput{
		Bucket: aws.String("debug-bucket"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false),
		},
	})).ok(t)
	r = e.ok("debug-bucket", "debug-bucket")
	golden(t, "account/debug-bucket-pab.out", r.Stdout)
	e.sameAsReferenceWithStderr(r, "debug-bucket", "debug-bucket")

	// Every check fails: each says so, and the command still exits 0.
	r = e.ok("debug-bucket", "no-such-bucket")
	golden(t, "account/debug-bucket-missing.out", r.Stdout)
	e.sameAsReferenceWithStderr(r, "debug-bucket", "no-such-bucket")
}
