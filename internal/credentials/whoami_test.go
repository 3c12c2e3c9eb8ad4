package credentials

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

type callerIdentity struct {
	out *sts.GetCallerIdentityOutput
	err error
}

func (c callerIdentity) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return c.out, c.err
}

func TestWhoami(t *testing.T) {
	id, err := Whoami(context.Background(), callerIdentity{out: &sts.GetCallerIdentityOutput{
		UserId: aws.String("AIDA1"), Account: aws.String("123456789012"), Arn: aws.String("arn:aws:iam::123456789012:user/u"),
	}})
	if err != nil || aws.ToString(id.UserID) != "AIDA1" || aws.ToString(id.Account) != "123456789012" ||
		aws.ToString(id.Arn) != "arn:aws:iam::123456789012:user/u" {
		t.Fatalf("Whoami = %+v, %v", id, err)
	}
	denied := errors.New("denied")
	if _, err := Whoami(context.Background(), callerIdentity{err: denied}); !errors.Is(err, denied) {
		t.Fatalf("error %v, want %v", err, denied)
	}
}
