//go:build enforcement

package enforcement

import "testing"

// --require-tls holds for everything the credentials can do, whatever the
// policy's source and the credentials' kind: each call the key without the
// limit makes over plain HTTP is refused to the key with it.
//
// SeaweedFS 4.53 checks these conditions but never sets
// aws:SecureTransport for a user's or a session's request (its IAM
// integration builds the request context from the source address alone,
// s3api/s3_iam_middleware.go extractRequestContext), so such credentials
// are refused over its HTTPS port as well: what can be proven here is
// the refusal over HTTP. AWS sets the key on every request.
func TestRequireTLSLimitsEveryPolicySource(t *testing.T) {
	broad := `{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::*", "arn:aws:s3:::*/*"]}`
	policyFile := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$!BUCKET_NAME!$/public/*"]}]}`
	limitHolds(t, []string{"--require-tls"}, "--require-tls, over HTTP", []policySource{
		{"generated", nil, []op{get("a", "foo/x.txt"), list("a", ""), put("a", "tls/new.txt")}},
		{"generated --read-only --prefix foo/", []string{"--read-only", "--prefix", "foo/"}, []op{get("a", "foo/x.txt"), list("a", "foo/")}},
		{"--statement on every bucket", []string{"--read-only", "--statement", broad}, []op{get("b", "foo/x.txt"), list("c", "")}},
		{"--policy", []string{"--policy", policyFile}, []op{get("a", "public/x.txt")}},
	})
}
