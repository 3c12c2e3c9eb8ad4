package policycheck

import (
	"strings"
	"testing"
)

// FuzzCheckText: whatever the text, the check returns findings (never
// panics), each with a severity, a check name, a one-line why and a
// statement index within the policy; invalid JSON is one finding.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{
		doc(getObject, listBucket),
		`{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}}`,
		doc(`{"Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b/a${*}b${?}${$}${aws:username}/*", "arn:aws:s3:::b"], "Condition": {"StringLike": {"s3:prefix": ["a/*"]}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}`),
		doc(`{"Effect": "Deny", "NotAction": "s3:GetObject", "NotResource": ["arn:aws:s3:::*/*"], "NotPrincipal": {"AWS": ["*"]}}`),
		`{"Version": "2008-10-17", "Statement": [1, null, "x", [], {"Effect": 1, "Action": {}, "Resource": [2]}]}`,
		`{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${", "Condition": {"Null": {"": true}, "x": []}}]}`,
		`[`, `{}`, `null`, `"policy"`, `{"Version": "2012-10-17", "Statement": []}`,
		doc(`{"Effect": "Allow", "Action": "s3:Get\u0000\nObject", "Resource": "arn:aws:s3:::b\r/*", "Condition": {"StringLike\t": {"s3:pre\nfix": "a"}}}`),
		doc(`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::` + strings.Repeat("*?", 40) + `"}`),
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, text []byte, kind uint8) {
		opts := Options{Kind: Kinds[int(kind)%len(Kinds)], Public: kind&0x80 != 0}
		findings := CheckText(text, opts)
		statements := strings.Count(string(text), "{") // an upper bound
		for _, fd := range findings {
			if fd.Severity != Error && fd.Severity != Warning {
				t.Fatalf("severity %q", fd.Severity)
			}
			if fd.Check == "" || fd.Why == "" || strings.ContainsAny(fd.Why, "\n\r") {
				t.Fatalf("finding %#v", fd)
			}
			if fd.Statement < Whole || fd.Statement > statements+len(text) {
				t.Fatalf("statement %d of a %d-byte policy", fd.Statement, len(text))
			}
			if fd.String() == "" {
				t.Fatal("empty String()")
			}
			if fd.Check == "invalid-json" && len(findings) != 1 {
				t.Fatalf("invalid JSON and more: %v", findings)
			}
		}
	})
}
