//go:build enforcement

package enforcement

import (
	"fmt"
	"testing"
)

// --require-tls holds for everything the credentials can do, whatever the
// policy's source and the credentials' kind: each key is made twice,
// without the limit (its calls go through over plain HTTP, which shows
// they are calls the policy grants) and with it (each of them refused over
// plain HTTP, once the key is known to be live).
//
// SeaweedFS 4.53 checks these conditions but never sets
// aws:SecureTransport for a user's or a session's request (its IAM
// integration builds the request context from the source address alone,
// s3api/s3_iam_middleware.go extractRequestContext), so such credentials
// are refused over its HTTPS port as well: what can be proven here is
// the refusal over HTTP. AWS sets the key on every request.
func TestRequireTLSLimitsEveryPolicySource(t *testing.T) {
	s, f := buckets(t)
	broad := `{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::*", "arn:aws:s3:::*/*"]}`
	policyFile := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$!BUCKET_NAME!$/public/*"]}]}`
	sources := []struct {
		name  string
		flags []string
		ops   []op
	}{
		{"generated", nil, []op{get("a", "foo/x.txt"), list("a", ""), put("a", "tls/new.txt")}},
		{"generated --read-only --prefix foo/", []string{"--read-only", "--prefix", "foo/"}, []op{get("a", "foo/x.txt"), list("a", "foo/")}},
		{"--statement on every bucket", []string{"--read-only", "--statement", broad}, []op{get("b", "foo/x.txt"), list("c", "")}},
		{"--policy", []string{"--policy", policyFile}, []op{get("a", "public/x.txt")}},
	}
	for _, kind := range []string{"permanent", "temporary"} {
		for i, src := range sources {
			t.Run(kind+" "+src.name, func(t *testing.T) {
				for _, limited := range []bool{false, true} {
					args := append([]string{f.A}, src.flags...)
					name := src.name
					if limited {
						args = append(args, "--require-tls")
						name += " --require-tls, over HTTP"
					}
					if kind == "temporary" {
						args = append(args, "--duration", "15m")
					} else {
						args = append(args, "--username", fmt.Sprintf("enf-tls-%d-%v-%s", i, limited, randomHex(3)))
					}
					client := s.s3For(s.create(t, args...))
					if !limited {
						for _, o := range src.ops {
							allowed(t, name, kind, client, f, o)
						}
						continue
					}
					waitLive(t, client, f, src.ops[0])
					for _, o := range src.ops {
						denied(t, name, kind, client, f, o)
					}
				}
			})
		}
	}
}
