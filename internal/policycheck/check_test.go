package policycheck

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// brief is a finding as the tests compare it: severity, check, statement
// and text.
func brief(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %d %s", f.Severity, f.Check, f.Statement, f.Text))
	}
	return out
}

// doc wraps statements (JSON text) in a current policy document.
func doc(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ", ") + `]}`
}

const (
	getObject  = `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`
	listBucket = `{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}`
)

type checkCase struct {
	name   string
	opts   Options
	policy string
	want   []string // brief findings, in order
}

func runCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckText([]byte(tc.policy), tc.opts)
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if b := brief(got); !slices.Equal(b, want) {
				t.Errorf("findings\n  %s\nwant\n  %s\nall of them:\n%s", strings.Join(b, "\n  "), strings.Join(want, "\n  "), lines(got))
			}
			for _, f := range got {
				if f.Why == "" || f.Check == "" || strings.Contains(f.Why, "\n") {
					t.Errorf("finding without a one-line why or a check name: %#v", f)
				}
			}
		})
	}
}

func lines(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

func TestWellFormedPoliciesPass(t *testing.T) {
	runCases(t, []checkCase{
		{name: "lists", policy: doc(`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/x/*", "arn:aws:s3:::c/*"]}`)},
		{name: "strings", policy: doc(getObject, listBucket)},
		{name: "statement object", policy: `{"Version": "2012-10-17", "Id": "p", "Statement": ` + getObject + `}`},
		{name: "sid", policy: doc(`{"Sid": "Read1", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`)},
		{name: "actions any case", policy: doc(`{"Effect": "Allow", "Action": ["S3:getobject", "s3:Get*Tagging", "s3:List?ucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}`)},
		{name: "deny", policy: doc(getObject, `{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`)},
		{name: "deny not action", policy: doc(getObject, `{"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`)},
		{name: "other services are not checked", policy: doc(`{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "arn:aws:kms:us-east-1:123456789012:key/k", "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b/*"}}}`)},
		{name: "escapes", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/a${*}b${?}c${$}d"}`)},
		{name: "variables", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/home/${aws:username}/*", "arn:aws:s3:::${aws:PrincipalTag/bucket}/*"]}`)},
		{name: "generated conditions", policy: doc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": ["a${*}b*", "c/*"]}, "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}, "DateLessThan": {"aws:CurrentTime": "2027-01-31T18:00:00Z"}, "Bool": {"aws:SecureTransport": "true"}}}`,
			`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/a${*}b*", "arn:aws:s3:::b/c/*"], "Condition": {"Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"s3:TlsVersion": 1.3}}}`)},
		{name: "account-wide action on *", policy: doc(`{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}`)},
		{name: "access point", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/*"}`)},
	})
}

func TestStructure(t *testing.T) {
	runCases(t, []checkCase{
		{name: "not JSON", policy: `{"Version": "2012-10-17",` + "\n" + `  "Statement": [}`, want: []string{"error invalid-json -1 "}},
		{name: "cut short", policy: `{"Statement": [`, want: []string{"error invalid-json -1 "}},
		{name: "not an object", policy: `["s3:GetObject"]`, want: []string{`error malformed -1 ["s3:GetObject"]`}},
		{name: "unknown top element", policy: `{"Version": "2012-10-17", "Statements": [], "Statement": ` + getObject + `}`, want: []string{"error unknown-element -1 Statements"}},
		{name: "id not a string", policy: `{"Version": "2012-10-17", "Id": 1, "Statement": ` + getObject + `}`, want: []string{"error malformed -1 Id"}},
		{name: "no statement", policy: `{"Version": "2012-10-17"}`, want: []string{"error missing -1 Statement"}},
		{name: "empty statement", policy: doc(), want: []string{"error missing -1 Statement"}},
		{name: "statement a string", policy: `{"Version": "2012-10-17", "Statement": "s3:GetObject"}`, want: []string{"error malformed -1 Statement"}},
		{name: "statement not an object", policy: doc(getObject, `"s3:GetObject"`, `null`), want: []string{"error malformed 1 s3:GetObject", "error malformed 2 "}},
		{name: "unknown statement element", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resources": "arn:aws:s3:::b/*", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error unknown-element 0 Resources"}},
		{name: "no effect", policy: doc(`{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error missing 0 Effect"}},
		{name: "effect case", policy: doc(`{"Effect": "allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error effect 0 allow"}},
		{name: "no action", policy: doc(`{"Effect": "Allow", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error missing 0 Action"}},
		{name: "action and not action", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error malformed 0 NotAction"}},
		{name: "action a number", policy: doc(`{"Effect": "Allow", "Action": ["s3:GetObject", 1], "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error malformed 0 Action"}},
		{name: "empty action list", policy: doc(`{"Effect": "Allow", "Action": [], "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error missing 0 Action"}},
		{name: "no resource", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject"}`), want: []string{"error missing 0 Resource"}},
		{name: "resource an object", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"arn": "x"}}`), want: []string{"error malformed 0 Resource"}},
		{name: "not an ARN", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["b/*", "arn:aws:s3:b"]}`), want: []string{"error not-an-arn 0 b/*", "error not-an-arn 0 arn:aws:s3:b"}},
		{name: "action without service", policy: doc(`{"Effect": "Allow", "Action": ["GetObject", "s3:"], "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error action-format 0 GetObject", "error action-format 0 s3:"}},
		{name: "sid not a string", policy: doc(`{"Sid": 1, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error malformed 0 Sid"}},
		{name: "sid IAM refuses", policy: doc(`{"Sid": "read objects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error sid 0 read objects"}},
		{name: "sid twice", policy: doc(`{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`, `{"Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error sid 1 A"}},
		{name: "bucket policy sid with spaces", opts: Options{Kind: BucketPolicy}, policy: doc(`{"Sid": "read objects", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`)},
	})
}

func TestVersion(t *testing.T) {
	runCases(t, []checkCase{
		{name: "missing", policy: `{"Statement": [` + getObject + `]}`, want: []string{"warning version -1 "}},
		{name: "old", policy: `{"Version": "2008-10-17", "Statement": [` + getObject + `]}`, want: []string{"warning version -1 2008-10-17"}},
		{name: "missing with escapes", policy: `{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/a${*}b"}]}`, want: []string{"error version -1 "}},
		{name: "old with a variable", policy: `{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": "${aws:username}/*"}}}]}`, want: []string{"error version -1 2008-10-17"}},
		{name: "unknown", policy: `{"Version": "2012-10-18", "Statement": [` + getObject + `]}`, want: []string{"error version -1 2012-10-18"}},
		{name: "not a string", policy: `{"Version": 2012, "Statement": [` + getObject + `]}`, want: []string{"error version -1 2012"}},
	})
}

func TestActions(t *testing.T) {
	runCases(t, []checkCase{
		{name: "unknown", policy: doc(`{"Effect": "Allow", "Action": ["s3:GetObjekt", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error unknown-action 0 s3:GetObjekt"}},
		{name: "newline in a name", policy: doc(`{"Effect": "Allow", "Action": "s3:Get\nObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error unknown-action 0 s3:Get\nObject"}},
		{name: "pattern matching nothing", policy: doc(`{"Effect": "Allow", "Action": "s3:Fetch*", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error unknown-action 0 s3:Fetch*"}},
		{name: "every S3 action", policy: doc(`{"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}`), want: []string{"warning broad-action 0 s3:*"}},
		{name: "every action", policy: doc(`{"Effect": "Allow", "Action": "*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}`), want: []string{"warning broad-action 0 *"}},
		{name: "allow not action", policy: doc(`{"Effect": "Allow", "NotAction": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"warning allow-with-not 0 NotAction"}},
	})
}

func TestActionsAndResources(t *testing.T) {
	runCases(t, []checkCase{
		{name: "object action on a bucket", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b"}`), want: []string{"error grants-nothing 0 s3:GetObject"}},
		{name: "bucket action on objects", policy: doc(`{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error grants-nothing 0 s3:ListBucket"}},
		{name: "deny on the wrong ARN", policy: doc(getObject, `{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b"}`), want: []string{"error grants-nothing 1 s3:DeleteObject"}},
		{name: "account action on a bucket", policy: doc(`{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::b"}`), want: []string{"error grants-nothing 0 s3:ListAllMyBuckets"}},
		{name: "pattern of object actions on a bucket", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject*", "Resource": "arn:aws:s3:::b"}`), want: []string{"error grants-nothing 0 s3:GetObject*"}},
		{name: "pattern with some bucket actions", policy: doc(`{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b"}`)},
		{name: "bucket name wildcard names both", policy: doc(`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "arn:aws:s3:::b*"}`), want: []string{"warning broad-resource 0 arn:aws:s3:::b*"}},
		{name: "not resource", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b"}`), want: []string{"warning allow-with-not 0 NotResource"}},
		{name: "kms key only", policy: doc(`{"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "arn:aws:kms:us-east-1:123456789012:key/k"}`), want: []string{"error grants-nothing 0 s3:GetObject"}},
	})
}

func TestBroadResources(t *testing.T) {
	runCases(t, []checkCase{
		{name: "everything", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`), want: []string{"warning broad-resource 0 *"}},
		{name: "every bucket", policy: doc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::*"}`), want: []string{"warning broad-resource 0 arn:aws:s3:::*"}},
		{name: "every bucket's objects", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/*"}`), want: []string{"warning broad-resource 0 arn:aws:s3:::*/*"}},
		{name: "buckets by wildcard", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::data-*/*", "arn:aws:s3:::log?/*"]}`), want: []string{"warning broad-resource 0 arn:aws:s3:::data-*/*", "warning broad-resource 0 arn:aws:s3:::log?/*"}},
		{name: "denied everywhere", policy: doc(getObject, `{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::*/*"}`)},
		{name: "escaped star is no wildcard", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b${*}/*"}`)},
	})
}

func TestPrincipals(t *testing.T) {
	bucket := Options{Kind: BucketPolicy}
	runCases(t, []checkCase{
		{name: "principal in a user policy", policy: doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error principal-not-allowed 0 Principal"}},
		{name: "not principal in a session policy", opts: Options{Kind: SessionPolicy}, policy: doc(`{"Effect": "Deny", "NotPrincipal": {"AWS": "x"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error principal-not-allowed 0 NotPrincipal"}},
		{name: "bucket policy without one", opts: bucket, policy: doc(getObject), want: []string{"error missing 0 Principal"}},
		{name: "public", opts: bucket, policy: doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"warning public 0 *"}},
		{name: "public AWS", opts: bucket, policy: doc(`{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "*"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{`warning public 0 {"AWS": ["arn:aws:iam::123456789012:root", "*"]}`}},
		{name: "public over TLS is public", opts: bucket, policy: doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}`), want: []string{"warning public 0 *"}},
		{name: "public but for some addresses is public", opts: bucket, policy: doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}`), want: []string{"warning public 0 *"}},
		{name: "one network", opts: bucket, policy: doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}`)},
		{name: "one organisation", opts: bucket, policy: doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}`)},
		{name: "meant to be public", opts: Options{Kind: BucketPolicy, Public: true}, policy: doc(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`)},
		{name: "deny everyone", opts: bucket, policy: doc(`{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`)},
		{name: "allow not principal", opts: bucket, policy: doc(`{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"warning allow-with-not 0 NotPrincipal"}},
		{name: "both", opts: bucket, policy: doc(`{"Effect": "Allow", "Principal": "*", "NotPrincipal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error malformed 0 NotPrincipal"}},
		{name: "malformed", opts: bucket, policy: doc(`{"Effect": "Allow", "Principal": "everyone", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`, `{"Effect": "Allow", "Principal": {"AWS": 1}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}`), want: []string{"error malformed 0 Principal", "error malformed 1 Principal"}},
	})
}

func TestConditions(t *testing.T) {
	runCases(t, []checkCase{
		{name: "unknown operator", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEqual": {"aws:SourceIp": "x"}}}`), want: []string{"error condition-operator 0 StringEqual"}},
		{name: "operators", policy: doc(`{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a"]}, "Null": {"s3:x-amz-server-side-encryption": "false"}, "stringequals": {"s3:x-amz-acl": "private"}}}`)},
		{name: "not an object", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": ["aws:SourceIp"]}`), want: []string{"error malformed 0 Condition"}},
		{name: "operator without keys", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": "203.0.113.0/24"}}`), want: []string{"error malformed 0 IpAddress"}},
		{name: "value an object", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": {"a": 1}}}}`), want: []string{"error malformed 0 aws:SourceIp"}},
		{name: "unknown S3 key", policy: doc(`{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefixes": "a/*"}}}`), want: []string{"error unknown-condition-key 0 s3:prefixes"}},
		{name: "key of another service", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}`), want: []string{"error unknown-condition-key 0 kms:ViaService"}},
		{name: "key without a service", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"SourceIp": "203.0.113.0/24"}}}`), want: []string{"error unknown-condition-key 0 SourceIp"}},
		{name: "prefix on objects", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLike": {"s3:prefix": "a/*"}}}`), want: []string{"warning condition-never-holds 0 s3:prefix"}},
		{name: "prefix on listing and objects", policy: doc(`{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/a/*"], "Condition": {"StringLike": {"s3:prefix": "a/*"}}}`), want: []string{"warning condition-never-holds 0 s3:prefix"}},
		{name: "negated prefix on objects", policy: doc(getObject, `{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotLike": {"s3:prefix": "a/*"}}}`)},
		{name: "prefix on objects if it exists", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringLikeIfExists": {"s3:prefix": "a/*"}}}`)},
		{name: "prefix on listing, any case", policy: doc(`{"Effect": "Allow", "Action": "s3:listbucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"S3:Prefix": "a/*"}}}`)},
		{name: "tag keys", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/team": "data", "aws:PrincipalTag/team": "data"}}}`)},
		{name: "any global key", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:ViaAWSService": "false"}}}`)},
	})
}

func TestListingBeyondThePrefix(t *testing.T) {
	prefixObjects := `{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/reports/*", "arn:aws:s3:::b/in/*"]}`
	runCases(t, []checkCase{
		{name: "whole bucket listed", policy: doc(prefixObjects, listBucket), want: []string{"warning listing-not-limited 1 arn:aws:s3:::b"}},
		{name: "listed in the same statement", policy: doc(`{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/reports/*"]}`), want: []string{"warning listing-not-limited 0 arn:aws:s3:::b"}},
		{name: "every bucket listed", policy: doc(prefixObjects, `{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::*"}`), want: []string{"warning broad-resource 1 arn:aws:s3:::*", "warning listing-not-limited 1 arn:aws:s3:::*"}},
		{name: "exact keys", policy: doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/report.csv"}`, listBucket), want: []string{"warning listing-not-limited 1 arn:aws:s3:::b"}},
		{name: "listing under the prefix", policy: doc(prefixObjects, `{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": ["reports/*", "in/*"]}}}`)},
		{name: "whole bucket granted", policy: doc(prefixObjects, getObject, listBucket)},
		{name: "another bucket listed", policy: doc(prefixObjects, `{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::c"}`)},
		{name: "no listing", policy: doc(prefixObjects)},
	})
}

func TestSize(t *testing.T) {
	var stmts []string
	for i := 0; i < 30; i++ {
		stmts = append(stmts, fmt.Sprintf(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-number-%d/*"}`, i))
	}
	big := doc(stmts...) // about 2,300 characters without whitespace
	if n := Size(mustDecode(t, big)); n <= 2048 || n > 10240 {
		t.Fatalf("the test policy is %d characters", n)
	}
	runCases(t, []checkCase{
		{name: "user", policy: big, want: []string{"error size -1 "}},
		{name: "session", opts: Options{Kind: SessionPolicy}, policy: big, want: []string{"error size -1 "}},
		{name: "role", opts: Options{Kind: RolePolicy}, policy: big},
		{name: "whitespace does not count", policy: strings.ReplaceAll(doc(getObject), " ", strings.Repeat(" ", 200))},
	})
	f := CheckText([]byte(big), Options{})
	if want := fmt.Sprintf("%s characters without whitespace; IAM allows 2,048 for all of a user's inline policies together", message.Thousands(Size(mustDecode(t, big)))); f[0].Why != want {
		t.Errorf("why %q, want %q", f[0].Why, want)
	}
}

func TestLimits(t *testing.T) {
	for kind, want := range map[Kind]int{UserPolicy: 2048, RolePolicy: 10240, SessionPolicy: 2048, BucketPolicy: 20480, "": 2048} {
		if got := Limit(kind); got != want {
			t.Errorf("Limit(%q) = %d, want %d", kind, got, want)
		}
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds {
		if got, err := ParseKind(string(k)); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	if _, err := ParseKind("group"); err == nil || err.Error() != `"group" is not one of user, role, session, bucket` {
		t.Errorf("ParseKind(group): %v", err)
	}
}

// The words of a finding: where, the text at fault, why and the check.
func TestFindingString(t *testing.T) {
	f := CheckText([]byte(doc(`{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"}`)), Options{})
	if want := `error: Statement[0]: "s3:GetObjekt": S3 has no action GetObjekt (unknown-action)`; len(f) != 1 || f[0].String() != want {
		t.Errorf("got %v, want %s", f, want)
	}
	f = CheckText([]byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}"), Options{})
	if want := `error: policy: not valid JSON: invalid character '}' looking for beginning of value (line 3, column 17) (invalid-json)`; len(f) != 1 || f[0].String() != want {
		t.Errorf("got %v, want %s", f, want)
	}
}

func TestConditionNeverHoldsNamesTheActions(t *testing.T) {
	f := CheckText([]byte(doc(`{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/a/*"], "Condition": {"StringLike": {"s3:prefix": "a/*"}}}`)), Options{})
	want := "s3:GetObject, s3:PutObject are never asked with s3:prefix, so its StringLike condition never holds for them: the statement never grants them"
	if len(f) != 1 || f[0].Why != want {
		t.Errorf("got %v, want %s", f, want)
	}
	f = CheckText([]byte(doc(getObject, `{"Effect": "Deny", "Action": ["s3:ListBucket", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"StringLike": {"s3:prefix": "a/*"}}}`)), Options{})
	want = "s3:DeleteObject is never asked with s3:prefix, so its StringLike condition never holds for it: the statement never denies it"
	if len(f) != 1 || f[0].Why != want {
		t.Errorf("got %v, want %s", f, want)
	}
}

// Check takes what CheckText decodes, and any value that marshals to a
// policy; both find the same.
func TestCheckTakesValues(t *testing.T) {
	text := doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b"}`)
	want := brief(CheckText([]byte(text), Options{}))
	if got := brief(Check(mustDecode(t, text), Options{})); !slices.Equal(got, want) {
		t.Errorf("decoded: %v, want %v", got, want)
	}
	type stmt struct{ Effect, Action, Resource string }
	v := struct {
		Version   string
		Statement []stmt
	}{"2012-10-17", []stmt{{"Allow", "s3:GetObject", "arn:aws:s3:::b"}}}
	if got := brief(Check(v, Options{})); !slices.Equal(got, want) {
		t.Errorf("struct: %v, want %v", got, want)
	}
}

func mustDecode(t *testing.T, text string) any {
	t.Helper()
	v, err := pyjson.Decode([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return v
}
