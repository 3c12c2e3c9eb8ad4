package roles

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

type fakeIdentity struct{ calls int }

func (f *fakeIdentity) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	f.calls++
	return &sts.GetCallerIdentityOutput{Account: aws.String("123456789012")}, nil
}

func TestNameTakesNameOrARN(t *testing.T) {
	ctx := context.Background()
	f := &fakeIdentity{}
	got, err := Names(ctx, f, []string{"plain", "arn:aws:iam::123456789012:role/app/reader"})
	if err != nil || len(got) != 2 || got[0] != "plain" || got[1] != "reader" {
		t.Fatalf("Names = %q, %v", got, err)
	}
	if f.calls != 1 {
		t.Errorf("%d GetCallerIdentity calls, want 1 (only for the ARN)", f.calls)
	}
	_, err = Name(ctx, f, "arn:aws:iam::210987654321:role/reader")
	if err == nil || !strings.Contains(err.Error(), "is in account 210987654321, but these credentials are for account 123456789012") {
		t.Errorf("another account's ARN: %v", err)
	}
}
