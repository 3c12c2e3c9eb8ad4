//go:build enforcement

package enforcement

import (
	"fmt"
	"testing"
)

// policySource is one way create makes a policy, and calls the
// credentials may make without a limit.
type policySource struct {
	name  string
	flags []string
	ops   []op
}

// limitHolds proves that a limit holds for everything the credentials can
// do, whatever else the policy allows: for both kinds of credentials and
// each policy source, a key is made twice, without the limit (its calls
// are allowed, which also shows they are calls the policy grants) and with
// it (each of those calls refused with AccessDenied, once the key is known
// to be live).
func limitHolds(t *testing.T, limit []string, what string, sources []policySource) {
	s, f := buckets(t)
	for _, kind := range []string{"permanent", "temporary"} {
		for i, src := range sources {
			t.Run(kind+" "+src.name, func(t *testing.T) {
				for _, limited := range []bool{false, true} {
					args := append([]string{f.A}, src.flags...)
					name := src.name
					if limited {
						args = append(args, limit...)
						name += " " + what
					}
					if kind == "temporary" {
						args = append(args, "--duration", "15m")
					} else {
						args = append(args, "--username", fmt.Sprintf("enf-lim-%d-%v-%s", i, limited, randomHex(3)))
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

// A source-network limit refuses a key used from outside it, for each way
// a policy is made: generated, with a prefix or keys, with a --statement
// on every bucket, from --policy.
func TestSourceIPLimitsEveryPolicySource(t *testing.T) {
	broad := `{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"], "Resource": ["arn:aws:s3:::*", "arn:aws:s3:::*/*"]}`
	policyFile := `{"Version": "2012-10-17", "Statement": [` +
		`{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$!BUCKET_NAME!$/public/*"]},` +
		`{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::$!BUCKET_NAME!$"]}]}`
	limitHolds(t, []string{"--source-ip", "192.0.2.0/24", "--source-ip", "2001:db8::/32"}, "--source-ip 192.0.2.0/24 (not the caller's)", []policySource{
		{"generated", nil, []op{get("a", "foo/x.txt"), list("a", ""), put("a", "lim/new.txt")}},
		{"generated --read-only --prefix foo/", []string{"--read-only", "--prefix", "foo/"}, []op{get("a", "foo/x.txt"), list("a", "foo/")}},
		{"generated --key foo/x.txt", []string{"--key", "foo/x.txt"}, []op{get("a", "foo/x.txt")}},
		{"--statement on every bucket", []string{"--read-only", "--statement", broad}, []op{get("a", "foo/x.txt"), get("b", "foo/x.txt"), list("c", ""), put("c", "lim/new.txt")}},
		{"--policy", []string{"--policy", policyFile}, []op{get("a", "public/x.txt"), list("a", "")}},
	})
}
