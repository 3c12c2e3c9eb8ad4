package roles

import (
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func TestParseTrust(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Principal
	}{
		{"account", AccountPrincipal},
		{"lambda", Principal{true, "lambda.amazonaws.com"}},
		{"ec2", Principal{true, "ec2.amazonaws.com"}},
		{"ecs-tasks", Principal{true, "ecs-tasks.amazonaws.com"}},
		{"glue.amazonaws.com", Principal{true, "glue.amazonaws.com"}},
		{"states.eu-west-1.amazonaws.com", Principal{true, "states.eu-west-1.amazonaws.com"}},
		{"210987654321", Principal{false, "arn:aws:iam::210987654321:root"}},
		{"arn:aws:iam::210987654321:root", Principal{false, "arn:aws:iam::210987654321:root"}},
		{"arn:aws:iam::210987654321:role/ci/deployer", Principal{false, "arn:aws:iam::210987654321:role/ci/deployer"}},
		{"arn:aws-cn:iam::210987654321:user/alice", Principal{false, "arn:aws-cn:iam::210987654321:user/alice"}},
		{"arn:aws:sts::210987654321:assumed-role/r/s", Principal{false, "arn:aws:sts::210987654321:assumed-role/r/s"}},
	} {
		got, err := ParseTrust(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseTrust(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "Account", "LAMBDA", "lambda.amazonaws.com.evil.example", ".amazonaws.com", "amazonaws.com",
		"x..amazonaws.com", "arn:aws:iam::123:root", "arn:aws:s3:::bucket", "arn:aws:iam::210987654321:", "*",
		"arn:aws:iam::210987654321:user/a b", "12345678901", "lambda\n"} {
		if p, err := ParseTrust(bad); err == nil {
			t.Errorf("ParseTrust(%q) = %+v, want an error", bad, p)
		}
	}
}

func TestTrustPolicyGroupsPrincipals(t *testing.T) {
	trust := func(args ...string) []Principal {
		var list []Principal
		for _, s := range args {
			p, err := ParseTrust(s)
			if err != nil {
				t.Fatal(err)
			}
			list = append(list, p)
		}
		return list
	}
	for _, tc := range []struct {
		name       string
		trust      []Principal
		tagSession bool
		want       string
	}{
		{"trust", trust("lambda", "account", "arn:aws:iam::210987654321:root", "ecs-tasks", "lambda", "123456789012"), false,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::210987654321:root"],"Service":["lambda.amazonaws.com","ecs-tasks.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`},
		{"default trust", nil, false,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`},
		{"service only", trust("ec2"), false,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
		{"session tags", nil, true,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`},
	} {
		doc := TrustPolicy(tc.trust, "123456789012", tc.tagSession)
		if got := string(pyjson.EncodeCompact(doc)); got != tc.want {
			t.Errorf("%s: TrustPolicy = %s\nwant %s", tc.name, got, tc.want)
		}
	}
	if got, want := Trusted(TrustPolicy(trust("ec2", "210987654321"), "", false)), "arn:aws:iam::210987654321:root, ec2.amazonaws.com"; got != want {
		t.Errorf("Trusted = %q, want %q", got, want)
	}
}
