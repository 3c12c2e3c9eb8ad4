package credentials

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

// RevokePolicyName is the inline role policy that revokes a role's older
// sessions: the name AWS's console gives it ("Revoke active sessions").
const RevokePolicyName = "AWSRevokeOlderSessions"

// revokeTimeFormat writes the cutoff to the millisecond, as the console does.
const revokeTimeFormat = "2006-01-02T15:04:05.000Z"

// RevokeAPI names the IAM calls revoking sessions makes.
type RevokeAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	PutRolePolicy(context.Context, *iam.PutRolePolicyInput, ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
}

// RevokePolicy denies everything to sessions of a role issued before
// cutoff (aws:TokenIssueTime).
func RevokePolicy(cutoff string) policy.Document {
	return policy.Wrap(policy.Statement{
		Effect:    "Deny",
		Action:    []string{"*"},
		Resource:  []string{"*"},
		Condition: policy.Condition{"DateLessThan": {"aws:TokenIssueTime": cutoff}},
	})
}

// RevokeSessions makes every temporary credential issued from role until
// now stop working, replacing an earlier revocation (so running it again
// moves the cutoff forward). Credentials issued afterwards are unaffected.
// It returns the cutoff.
func RevokeSessions(ctx context.Context, api RevokeAPI, role string, now time.Time) (string, error) {
	if _, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)}); err != nil {
		if awsclient.IsNotFound(err) {
			return "", fmt.Errorf("Role %s does not exist", role)
		}
		return "", err
	}
	// Rounded up: a session issued this very millisecond is revoked too.
	cutoff := now.UTC().Add(time.Millisecond - 1).Truncate(time.Millisecond).Format(revokeTimeFormat)
	if _, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName:       aws.String(role),
		PolicyName:     aws.String(RevokePolicyName),
		PolicyDocument: aws.String(string(pyjson.EncodeCompact(RevokePolicy(cutoff)))),
	}); err != nil {
		return "", err
	}
	return cutoff, nil
}
