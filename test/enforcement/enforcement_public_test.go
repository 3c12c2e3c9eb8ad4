//go:build enforcement

package enforcement

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// publicState is what set-public and set-private print.
type publicState struct {
	Bucket                string
	PublicAccessBlock     map[string]bool
	PublicReadStatement   bool
	OtherPolicyStatements int
}

func (s *server) setPublicity(t *testing.T, cmd, bucket string) publicState {
	t.Helper()
	out, errOut := s.run(t, cmd, bucket)
	t.Logf("%s %s\n%s", cmd, bucket, strings.TrimSpace(errOut))
	var st publicState
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Bucket != bucket {
		t.Fatalf("%s printed %q (%v)", cmd, out, err)
	}
	return st
}

// eventually polls an anonymous GET until it is allowed (or refused), for
// up to 10 seconds: a policy change may take a moment to reach the S3
// gateway. It returns the last answer.
func eventually(t *testing.T, url string, allowed bool) answer {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		a := httpGet(t, url)
		if (a.Status < 300) == allowed || time.Now().After(deadline) {
			return a
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestSetPublicAnonymousGet: a GET without credentials fails before
// set-public, works after it, and fails again after set-private. A Deny
// statement of the bucket policy that is not set-public's is kept, and
// keeps working, throughout.
func TestSetPublicAnonymousGet(t *testing.T) {
	s := seaweed(t)
	admin := s.s3For(s.adminCreds(t))
	ctx := context.Background()
	bucket := "enf-pub-" + randomHex(4)
	if _, err := admin.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"pub/x.txt", "secret/x.txt"} {
		if _, err := admin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("content of " + k)}); err != nil {
			t.Fatal(err)
		}
	}
	keep := `{"Sid":"KeepSecret","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/secret/*"}`
	if _, err := admin.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
		Bucket: aws.String(bucket), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + keep + `]}`),
	}); err != nil {
		t.Fatal(err)
	}
	const name = "set-public / set-private"
	pub := s.Endpoint + "/" + bucket + "/pub/x.txt"
	secret := s.Endpoint + "/" + bucket + "/secret/x.txt"
	anon := func(call string, got answer, allow bool) {
		t.Helper()
		expect(t, name, call, got, allow, "")
		if allow && got.Body != "content of pub/x.txt" {
			t.Errorf("%s: body %q", call, got.Body)
		}
	}

	anon("anonymous GET pub/x.txt before set-public", httpGet(t, pub), false)

	st := s.setPublicity(t, "set-public", bucket)
	if !st.PublicReadStatement || st.OtherPolicyStatements != 1 {
		t.Errorf("set-public state %+v", st)
	}
	anon("anonymous GET pub/x.txt after set-public", eventually(t, pub, true), true)
	anon("anonymous GET secret/x.txt after set-public (a Deny statement of the policy kept)", httpGet(t, secret), false)

	st = s.setPublicity(t, "set-private", bucket)
	if st.PublicReadStatement || st.OtherPolicyStatements != 1 {
		t.Errorf("set-private state %+v", st)
	}
	for _, k := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
		if !st.PublicAccessBlock[k] {
			t.Errorf("after set-private %s is not on: %+v", k, st.PublicAccessBlock)
		}
	}
	anon("anonymous GET pub/x.txt after set-private", eventually(t, pub, false), false)
	out, err := admin.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("policy after set-private: %v", err)
	}
	if p := aws.ToString(out.Policy); !strings.Contains(p, `"KeepSecret"`) || strings.Contains(p, "AllowAllGetObject") {
		t.Errorf("policy after set-private: %s", p)
	}

	// Measured, not asserted: whether the server honours the public access
	// block itself. On AWS, RestrictPublicBuckets on stops the public-read
	// statement from granting anything to anonymous callers.
	s.setPublicity(t, "set-public", bucket)
	eventually(t, pub, true)
	s.run(t, "set-public-access-block", bucket, "--restrict-public-buckets", "true", "--block-public-policy", "true")
	time.Sleep(2 * time.Second)
	got := httpGet(t, pub)
	res := "allowed"
	if got.Status >= 300 {
		res = "refused: " + got.String()
	}
	record(row{name, "link", "anonymous GET pub/x.txt with the public-read statement but RestrictPublicBuckets on", "refused (on AWS)", res})
	t.Logf("public statement present, RestrictPublicBuckets on: anonymous GET %s (AWS refuses it)", res)
	if got.Status == http.StatusOK {
		t.Logf("this server does not enforce the public access block")
	}
	s.setPublicity(t, "set-private", bucket)
}
