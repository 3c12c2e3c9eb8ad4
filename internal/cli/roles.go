package cli

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/names"
)

// Wherever a role is asked for by name, its ARN (as list-roles, the
// console and error messages show it) is accepted too.

// roleName is the name of a role given by name or by ARN. An ARN naming
// another account than the one the credentials are for is refused: the
// tool would otherwise act on a role of the same name in this account.
func roleName(ctx context.Context, c *awsclient.Clients, given string) (string, error) {
	arn, ok := names.ParseRoleARN(given)
	if !ok {
		return given, nil
	}
	if arn.Account != "" {
		id, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		if account := aws.ToString(id.Account); account != "" && account != arn.Account {
			return "", fmt.Errorf("role %s is in account %s, but these credentials are for account %s", given, arn.Account, account)
		}
	}
	return arn.Name, nil
}

// roleNames is roleName for each of names.
func roleNames(ctx context.Context, c *awsclient.Clients, names []string) ([]string, error) {
	out := make([]string, len(names))
	for i, n := range names {
		var err error
		if out[i], err = roleName(ctx, c, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}
