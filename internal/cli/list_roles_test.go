package cli

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const acctTrustPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}`

// acctCreateRole makes a role on moto and registers its id with n.
func (e *e2e) acctCreateRole(n *acctNormalizer, in *iam.CreateRoleInput) {
	e.t.Helper()
	if in.AssumeRolePolicyDocument == nil {
		in.AssumeRolePolicyDocument = aws.String(acctTrustPolicy)
	}
	out := must(e.Clients.IAM.CreateRole(acctCtx(), in)).ok(e.t)
	if n != nil {
		n.add(aws.ToString(out.Role.RoleId), "<id:"+aws.ToString(in.RoleName)+">")
	}
}

// acctSetUpRoles makes two roles, one with inline policies, an AWS managed
// policy and a customer managed policy whose default is its second version.
func (e *e2e) acctSetUpRoles() *acctNormalizer {
	e.t.Helper()
	ctx := acctCtx()
	n := &acctNormalizer{}
	e.acctCreateRole(n, &iam.CreateRoleInput{
		RoleName:           aws.String("app-role"),
		Description:        aws.String("Reads caf\u00e9 <things> & more"),
		MaxSessionDuration: aws.Int32(7200),
		Tags:               []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("data")}},
	})
	for _, p := range []struct{ name, doc string }{
		{"inline-b", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}`},
		{"inline-a", `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["s3:*"], "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}`},
	} {
		must(e.Clients.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app-role"), PolicyName: aws.String(p.name), PolicyDocument: aws.String(p.doc)})).ok(e.t)
	}
	custom := must(e.Clients.IAM.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String("custom"),
		Description:    aws.String("first"),
		PolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}`),
	})).ok(e.t)
	n.add(aws.ToString(custom.Policy.PolicyId), "<id:custom>")
	must(e.Clients.IAM.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{
		PolicyArn:      custom.Policy.Arn,
		PolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}`),
		SetAsDefault:   true,
	})).ok(e.t)
	managed := "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	for _, arn := range []string{managed, aws.ToString(custom.Policy.Arn)} {
		must(e.Clients.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app-role"), PolicyArn: aws.String(arn)})).ok(e.t)
	}
	got := must(e.Clients.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(managed)})).ok(e.t)
	n.add(aws.ToString(got.Policy.PolicyId), "<id:AmazonS3ReadOnlyAccess>")
	return n
}

func TestListRoles(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	n := e.acctSetUpRoles()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"list-roles.json", nil},
		{"list-roles.nl", []string{"--nl"}},
		{"list-roles.csv", []string{"--csv"}},
		{"list-roles.tsv", []string{"--tsv"}},
		{"list-roles-details.json", []string{"--details"}},
		{"list-roles-details.nl", []string{"--details", "--nl"}},
		{"list-roles-details.csv", []string{"--details", "--csv"}},
		{"list-roles-details.tsv", []string{"--details", "--tsv"}},
		{"list-roles-named.json", []string{"other-role", "no-such-role"}},
		{"list-roles-named-details.json", []string{"app-role", "--details"}},
	} {
		if tc.name == "list-roles-named.json" {
			e.acctCreateRole(n, &iam.CreateRoleInput{RoleName: aws.String("other-role"), Path: aws.String("/service/")})
		}
		args := append([]string{"list-roles"}, tc.args...)
		r := e.ok(args...)
		golden(t, "account/"+tc.name, n.apply(r.Stdout))
		if r.Stderr != "" {
			t.Errorf("%v: unexpected stderr %q", args, r.Stderr)
		}
		e.sameAsReference(r, args...)
	}
	r := e.ok("list-roles", "no-such-role", "--details")
	if r.Stdout != "[]\n" {
		t.Errorf("unknown role: got %q", r.Stdout)
	}
}

// TestListRolesPaginates lists roles, and their policies, over pages of two
// (moto honours MaxItems on these calls); --details keeps listing order
// although several roles are fetched at once.
func TestListRolesPaginates(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	for i := 0; i < 11; i++ {
		e.acctCreateRole(nil, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("role-%02d", i))})
	}
	// The order to keep is the service's (moto's is by role id).
	all, err := e.Clients.IAM.ListRoles(acctCtx(), &iam.ListRolesInput{})
	if err != nil || len(all.Roles) != 11 {
		t.Fatalf("ListRoles: %v", err)
	}
	var want []string
	for _, r := range all.Roles {
		want = append(want, aws.ToString(r.RoleName))
	}
	for i := 0; i < 5; i++ {
		must(e.Clients.IAM.PutRolePolicy(acctCtx(), &iam.PutRolePolicyInput{
			RoleName: aws.String("role-03"), PolicyName: aws.String(fmt.Sprintf("p%d", i)),
			PolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`),
		})).ok(t)
	}
	page, err := e.Clients.IAM.ListRoles(acctCtx(), &iam.ListRolesInput{MaxItems: aws.Int32(2)})
	if err != nil || !page.IsTruncated || len(page.Roles) != 2 {
		t.Fatalf("moto does not paginate ListRoles: %v", err)
	}
	for _, details := range []bool{false, true} {
		args := []string{"list-roles", "--nl", "--page-size", "2"}
		if details {
			args = append(args, "--details")
		}
		r := e.ok(args...)
		var got []string
		for _, line := range strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n") {
			m := regexp.MustCompile(`"RoleName": "([^"]+)"`).FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("line without RoleName: %q", line)
			}
			got = append(got, m[1])
			if details && m[1] == "role-03" {
				if c := strings.Count(line, `"PolicyName": "p`); c != 5 {
					t.Errorf("role-03 shows %d inline policies, want 5: %s", c, line)
				}
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%v: got roles %v, want %v", args, got, want)
		}
	}
}
