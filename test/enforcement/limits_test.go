//go:build enforcement

package enforcement

import (
	"fmt"
	"testing"
)

// A source-network limit holds for everything the credentials can do,
// whatever else the policy allows: for each way a policy is made
// (generated, with a prefix or keys, with --statement, from --policy) and
// both kinds of credentials, a key limited to a network the caller is not
// in is refused every call that the same key without the limit makes. The
// calls without the limit run first, so the refusals are the limit's.
func TestSourceIPLimitsEveryPolicySource(t *testing.T) {
	s, f := buckets(t)
	broad := `{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"], "Resource": ["arn:aws:s3:::*", "arn:aws:s3:::*/*"]}`
	policyFile := `{"Version": "2012-10-17", "Statement": [` +
		`{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::$!BUCKET_NAME!$/public/*"]},` +
		`{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::$!BUCKET_NAME!$"]}]}`
	sources := []struct {
		name  string
		flags []string
		ops   []op // what the credentials may do without the limit
	}{
		{"generated", nil, []op{get("a", "foo/x.txt"), list("a", ""), put("a", "lim/new.txt")}},
		{"generated --read-only --prefix foo/", []string{"--read-only", "--prefix", "foo/"}, []op{get("a", "foo/x.txt"), list("a", "foo/")}},
		{"generated --key foo/x.txt", []string{"--key", "foo/x.txt"}, []op{get("a", "foo/x.txt")}},
		{"--statement on every bucket", []string{"--read-only", "--statement", broad}, []op{get("a", "foo/x.txt"), get("b", "foo/x.txt"), list("c", ""), put("c", "lim/new.txt")}},
		{"--policy", []string{"--policy", policyFile}, []op{get("a", "public/x.txt"), list("a", "")}},
	}
	for _, kind := range []string{"permanent", "temporary"} {
		for i, src := range sources {
			t.Run(kind+" "+src.name, func(t *testing.T) {
				for _, limited := range []bool{false, true} {
					args := append([]string{f.A}, src.flags...)
					name := src.name
					if limited {
						args = append(args, "--source-ip", "192.0.2.0/24", "--source-ip", "2001:db8::/32")
						name += " --source-ip 192.0.2.0/24 (not the caller's)"
					}
					if kind == "temporary" {
						args = append(args, "--duration", "15m")
					} else {
						args = append(args, "--username", fmt.Sprintf("enf-lim-%d-%v-%s", i, limited, randomHex(3)))
					}
					c := s.create(t, args...)
					client := s.s3For(c)
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
