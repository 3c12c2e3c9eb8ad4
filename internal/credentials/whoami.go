package credentials

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// CallerIdentityAPI is the STS call Whoami makes.
type CallerIdentityAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// Identity is who a set of credentials belongs to; a field is nil when STS
// left it out.
type Identity struct {
	UserID, Account, Arn *string
}

// Whoami asks STS who the credentials the client was made with belong to.
func Whoami(ctx context.Context, api CallerIdentityAPI) (*Identity, error) {
	id, err := api.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, err
	}
	return &Identity{UserID: id.UserId, Account: id.Account, Arn: id.Arn}, nil
}
