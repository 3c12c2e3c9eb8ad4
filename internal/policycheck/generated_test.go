package policycheck_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
	"github.com/s3-credentials/s3-credentials/internal/presign"
	"github.com/s3-credentials/s3-credentials/policy"
)

// Every policy s3-credentials generates passes the check with no finding,
// as each kind of policy it is used as: one bucket's inline policy of a
// user or a role, and the session policy covering every bucket. Two
// exceptions, on purpose:
//
//   - a session policy over STS's 2,048 characters gets the size error, and
//     nothing else: create refuses that request before any call
//     (credentials.Request.Validate, with the same count);
//   - the public-read bucket policy is public: as a bucket policy it gets
//     the public warning, unless the check is told it is meant to be
//     (Options.Public, as set-public and create --public will).
func TestEveryGeneratedPolicyPasses(t *testing.T) {
	expires := time.Date(2027, 1, 31, 18, 0, 0, 0, time.UTC)
	permissions := []policy.Permission{policy.ReadWrite, policy.ReadOnly, policy.WriteOnly}
	bucketSets := [][]string{{"my-bucket"}, {"my-bucket", "other.bucket-2"}}
	prefixSets := [][]string{nil, {"reports/"}, {"in/", "out/2026-"}, {"*"}, {"we*rd?$/"}}
	keySets := [][]string{nil, {"exact/k*y?$.csv"}}
	ipSets := [][]string{nil, {"203.0.113.0/24"}}
	expirySet := []time.Time{{}, expires}

	combinations, oversize := 0, 0
	for _, perm := range permissions {
		for _, buckets := range bucketSets {
			for _, prefixes := range prefixSets {
				for _, keys := range keySets {
					for _, ips := range ipSets {
						for i, exp := range expirySet {
							scope := policy.Scope{Prefixes: prefixes, Keys: keys, Limits: policy.Limits{SourceIPs: ips, Expires: exp, RequireTLS: i == 1}}
							if len(ips) > 0 {
								// With a KMS key of the bucket's own (create's grant).
								key, err := policy.NewKMSKey("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", len(keys) > 0)
								if err != nil {
									t.Fatal(err)
								}
								scope.KMS = map[string][]policy.KMSKey{}
								for _, b := range buckets {
									scope.KMS[b] = []policy.KMSKey{key}
								}
							}
							name := fmt.Sprintf("%s buckets=%v prefixes=%q keys=%q ips=%v expires=%v", perm, buckets, prefixes, keys, ips, !exp.IsZero())
							combinations++
							for _, b := range buckets {
								doc := policy.Wrap(policy.Statements(perm, b, scope)...)
								for _, kind := range []policycheck.Kind{policycheck.UserPolicy, policycheck.RolePolicy} {
									expectNone(t, name+" "+string(kind)+" "+b, policycheck.Check(doc, policycheck.Options{Kind: kind}))
								}
							}
							session, err := policy.ForBuckets(perm, buckets, scope)
							if err != nil {
								t.Fatal(err)
							}
							findings := policycheck.Check(session, policycheck.Options{Kind: policycheck.SessionPolicy})
							if policycheck.Size(session) > policycheck.MaxSessionPolicyChars {
								oversize++
								if len(findings) != 1 || findings[0].Check != "size" {
									t.Errorf("%s session: want the size error alone, got\n%s", name, lines(findings))
								}
								req := credentials.Request{Buckets: buckets, Permission: perm, Scope: scope, DurationSeconds: 3600}
								if err := req.Validate(); err == nil || !strings.Contains(err.Error(), "session policy") {
									t.Errorf("%s: the checker finds the session policy too large, Validate says %v", name, err)
								}
								continue
							}
							expectNone(t, name+" session", findings)
						}
					}
				}
			}
		}
	}
	if combinations != 3*2*5*2*2*2 || oversize == 0 || oversize > combinations/4 {
		t.Errorf("%d combinations, %d of them over the session limit", combinations, oversize)
	}
}

func TestPublicReadIsPublicOnPurpose(t *testing.T) {
	doc := policy.PublicRead("my-bucket")
	findings := policycheck.Check(doc, policycheck.Options{Kind: policycheck.BucketPolicy})
	if len(findings) != 1 || findings[0].Check != "public" || findings[0].Severity != policycheck.Warning || findings[0].Statement != 0 {
		t.Errorf("want the public warning alone, got\n%s", lines(findings))
	}
	expectNone(t, "public-read meant public", policycheck.Check(doc, policycheck.Options{Kind: policycheck.BucketPolicy, Public: true}))
}

// The other policies s3-credentials writes: revoke-sessions' role policy
// and the session policies of presign --scoped and presign-post.
func TestOtherGeneratedPoliciesPass(t *testing.T) {
	expectNone(t, "revoke-sessions", policycheck.Check(credentials.RevokePolicy("2026-01-31T18:00:00.000Z"), policycheck.Options{Kind: policycheck.RolePolicy}))
	for _, method := range []string{http.MethodGet, http.MethodPut} {
		req := presign.Request{Bucket: "my-bucket", Key: "a/k*y?$.txt", Method: method}
		text := req.Scope().SessionPolicy()
		expectNone(t, "presign "+method, policycheck.CheckText([]byte(text), policycheck.Options{Kind: policycheck.SessionPolicy}))
	}
	for _, resource := range []string{policy.KeyARN("my-bucket", "in/") + "*", policy.KeyARN("my-bucket", "in/exact.txt")} {
		scope := presign.Scope{Action: "s3:PutObject", Resource: resource}
		expectNone(t, "presign-post "+resource, policycheck.CheckText([]byte(scope.SessionPolicy()), policycheck.Options{Kind: policycheck.SessionPolicy}))
	}
}

func expectNone(t *testing.T, name string, findings []policycheck.Finding) {
	t.Helper()
	if len(findings) > 0 {
		t.Errorf("%s:\n%s", name, lines(findings))
	}
}

func lines(fs []policycheck.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}
