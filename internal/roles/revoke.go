package roles

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
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

// Revocation is what RevokeSessions did.
type Revocation struct {
	// Cutoff is the time before which sessions were revoked, as written
	// in the policy.
	Cutoff string
	// FromServer says the cutoff was taken from IAM's clock (the Date of
	// its answer); else from this machine's.
	FromServer bool
	// Skew is how far this machine's clock is ahead of IAM's (negative:
	// behind), when FromServer.
	Skew time.Duration
}

// RevokeSessions makes every temporary credential issued from role until
// now stop working, replacing an earlier revocation (so running it again
// moves the cutoff forward). Credentials issued afterwards are unaffected.
// "Now" is IAM's: the Date of its answer to GetRole, rounded up to the
// next second (the header has whole seconds), so that a wrong clock here
// can neither spare a session nor revoke later ones; now, this machine's
// time, serves only when the answer has no Date.
func RevokeSessions(ctx context.Context, api RevokeAPI, role string, now time.Time) (Revocation, error) {
	out, err := api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	if err != nil {
		if awsclient.IsNotFound(err) {
			return Revocation{}, fmt.Errorf("Role %s does not exist", role)
		}
		return Revocation{}, err
	}
	rev := Revocation{}
	at := now.UTC().Add(time.Millisecond - 1).Truncate(time.Millisecond) // rounded up: this very millisecond too
	if server, ok := awsclient.ServerTime(out.ResultMetadata); ok {
		rev.FromServer = true
		rev.Skew = now.Sub(server).Round(time.Second)
		at = server.UTC().Truncate(time.Second).Add(time.Second)
	}
	rev.Cutoff = at.Format(revokeTimeFormat)
	if _, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName:       aws.String(role),
		PolicyName:     aws.String(RevokePolicyName),
		PolicyDocument: aws.String(string(pyjson.EncodeCompact(RevokePolicy(rev.Cutoff)))),
	}); err != nil {
		return Revocation{}, err
	}
	return rev, nil
}
