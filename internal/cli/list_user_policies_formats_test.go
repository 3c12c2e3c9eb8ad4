package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// --json, --nl, --csv and --tsv: one row per policy, byte for byte.
func TestListUserPoliciesFormats(t *testing.T) {
	e := newE2E(t)
	for _, u := range []string{"alice", "bob"} {
		e.acctCreateUser(nil, &iam.CreateUserInput{UserName: aws.String(u)})
	}
	e.acctPutUserPolicy("alice", "one", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/caf\u00e9*"}]}`)
	e.acctPutUserPolicy("alice", "two", `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}`)
	e.acctPutUserPolicy("bob", "three", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "*"}}`)
	for _, tc := range []struct{ flag, golden string }{
		{"--json", "list-user-policies.json"},
		{"--nl", "list-user-policies.nl"},
		{"--csv", "list-user-policies.csv"},
		{"--tsv", "list-user-policies.tsv"},
	} {
		r := e.ok("list-user-policies", tc.flag)
		golden(t, "account/"+tc.golden, r.Stdout)
		named := e.ok("list-user-policies", "bob", tc.flag).Stdout
		if tc.flag == "--csv" || tc.flag == "--tsv" {
			named = named[strings.Index(named, "\r\n")+2:] // the header
		}
		if !strings.Contains(r.Stdout, strings.TrimPrefix(strings.TrimSuffix(named, "\n]\n"), "[\n")) {
			t.Errorf("%s bob: %q is not part of the full listing", tc.flag, named)
		}
	}
	if r := e.run("list-user-policies", "--json", "--csv"); r.Code != 2 || !strings.Contains(r.Stderr, "Use only one of --json, --nl, --csv and --tsv") {
		t.Errorf("--json --csv: %d %q", r.Code, r.Stderr)
	}
	// No users: an empty listing, still well-formed.
	e.moto.Reset(t)
	if r := e.ok("list-user-policies", "--json"); r.Stdout != "[]\n" {
		t.Errorf("empty --json: %q", r.Stdout)
	}
	if r := e.ok("list-user-policies", "--csv"); r.Stdout != "UserName,PolicyName,PolicyDocument\r\n" {
		t.Errorf("empty --csv: %q", r.Stdout)
	}
}
