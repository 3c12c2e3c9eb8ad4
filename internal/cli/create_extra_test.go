package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestCreateTags(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	rec, proxyURL := newRecorder(t, e.moto.URL)
	r := e.ok("create", "tagged-bucket", "-c", "--tag", "team=data", "--tag", "cost=42", "--endpoint-url", proxyURL)
	if !strings.Contains(r.Stderr, "Tagged bucket tagged-bucket: team=data, cost=42\n") ||
		!strings.Contains(r.Stderr, "with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' tagged team=data, cost=42\n") {
		t.Errorf("stderr %q", r.Stderr)
	}
	tags, err := e.Clients.IAM.ListUserTags(e.ctx(), &iam.ListUserTagsInput{UserName: aws.String("s3.read-write.tagged-bucket")})
	if err != nil || len(tags.Tags) != 4 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[1].Value) != "42" ||
		aws.ToString(tags.Tags[2].Key) != "s3-credentials:created" || aws.ToString(tags.Tags[3].Key) != "s3-credentials:key:"+keyIDIn(t, r.Stdout) {
		t.Errorf("user tags (--tag, then the tool's: made by it, its key) %+v %v", tags, err)
	}
	bt, err := e.Clients.S3.GetBucketTagging(e.ctx(), &s3.GetBucketTaggingInput{Bucket: aws.String("tagged-bucket")})
	if err != nil || len(bt.TagSet) != 2 {
		t.Errorf("bucket tags %+v %v", bt, err)
	}
	// Temporary credentials: the session is tagged, and the new role's
	// trust policy allows it.
	e.ok("create", "tagged-bucket", "-d", "15m", "--tag", "team=data", "--endpoint-url", proxyURL)
	if k, _ := rec.param("AssumeRole", "Tags.member.1.Key"); k != "team" {
		t.Errorf("AssumeRole session tag key %q", k)
	}
	if doc, _ := rec.param("CreateRole", "AssumeRolePolicyDocument"); !strings.Contains(doc, `"sts:TagSession"`) {
		t.Errorf("trust policy %s", doc)
	}
	// A role made without it is updated, saying so.
	e.moto.Reset(t)
	e.makeBucket("tagged-bucket")
	e.ok("create", "tagged-bucket", "-d", "15m")
	r = e.ok("create", "tagged-bucket", "-d", "15m", "--tag", "a=b")
	if !strings.Contains(r.Stderr, "its trust policy now allows sts:TagSession") {
		t.Errorf("stderr %q", r.Stderr)
	}
	for _, bad := range []string{"novalue", "=x"} {
		if r := run(t, "", "create", "bkt", "--dry-run", "--tag", bad); r.Code != 2 || !strings.Contains(r.Stderr, "Invalid value for '--tag': expected KEY=VALUE") {
			t.Errorf("--tag %q: exit %d stderr %q", bad, r.Code, r.Stderr)
		}
	}
	r = run(t, "", "create", "bkt", "--dry-run", "--tag", "k=v")
	if !strings.Contains(r.Stdout, "Would create user: 's3.read-write.bkt' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' tagged k=v\n") {
		t.Errorf("dry run %q", r.Stdout)
	}
}

// keyIDIn is the access key ID in create's JSON output.
func keyIDIn(t *testing.T, stdout string) string {
	t.Helper()
	m := regexp.MustCompile(`"AccessKeyId": "([A-Z0-9]+)"`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no access key in %q", stdout)
	}
	return m[1]
}
