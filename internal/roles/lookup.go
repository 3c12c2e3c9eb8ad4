package roles

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3-credentials/s3-credentials/internal/names"
)

// Wherever a role is asked for by name, its ARN (as list-roles, the
// console and error messages show it) is accepted too.

// IdentityAPI names the STS call a role lookup makes.
type IdentityAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// Name is the name of a role given by name or by ARN. An ARN naming
// another account than the one the credentials are for is refused: the
// tool would otherwise act on a role of the same name in this account.
func Name(ctx context.Context, api IdentityAPI, given string) (string, error) {
	arn, ok := names.ParseRoleARN(given)
	if !ok {
		return given, nil
	}
	if arn.Account != "" {
		id, err := api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		if account := aws.ToString(id.Account); account != "" && account != arn.Account {
			return "", fmt.Errorf("role %s is in account %s, but these credentials are for account %s", given, arn.Account, account)
		}
	}
	return arn.Name, nil
}

// Names is Name for each of given.
func Names(ctx context.Context, api IdentityAPI, given []string) ([]string, error) {
	out := make([]string, len(given))
	for i, n := range given {
		var err error
		if out[i], err = Name(ctx, api, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}
