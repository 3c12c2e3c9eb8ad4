package cli

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// acctPutUserPolicy gives a user an inline policy.
func (e *e2e) acctPutUserPolicy(user, name, doc string) {
	e.t.Helper()
	must(e.Clients.IAM.PutUserPolicy(acctCtx(), &iam.PutUserPolicyInput{
		UserName: aws.String(user), PolicyName: aws.String(name), PolicyDocument: aws.String(doc),
	})).ok(e.t)
}

func TestListUserPolicies(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.acctCreateUser(nil, &iam.CreateUserInput{UserName: aws.String("alice")})
	e.acctCreateUser(nil, &iam.CreateUserInput{UserName: aws.String("bob")})
	e.acctCreateUser(nil, &iam.CreateUserInput{UserName: aws.String("carol")})
	e.acctPutUserPolicy("alice", "s3.read-write.bucket-one", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": ["arn:aws:s3:::bucket-one"]}, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-one/caf\u00e9*"}]}`)
	e.acctPutUserPolicy("alice", "second", `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}]}`)
	e.acctPutUserPolicy("carol", "only", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}`)

	for _, tc := range []struct {
		name string
		args []string
	}{
		{"list-user-policies-all.out", nil},
		{"list-user-policies-named.out", []string{"carol", "alice"}},
	} {
		args := append([]string{"list-user-policies"}, tc.args...)
		r := e.ok(args...)
		golden(t, "account/"+tc.name, r.Stdout)
		e.sameAsReference(r, args...)
	}

}
