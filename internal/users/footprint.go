package users

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
)

// FootprintAPI names the IAM calls that tell what a user holds.
type FootprintAPI interface {
	DeleteUserAPI
	GetLoginProfile(context.Context, *iam.GetLoginProfileInput, ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error)
}

// Foreign lists what the user holds that create never makes: a console
// password, group memberships, attached managed policies, MFA devices, SSH
// keys, signing certificates, inline policies not named as create names
// them. prune deletes only users with none: a tag is easier to set than a
// user is to delete, so the tag alone does not make a person's account
// the tool's to delete.
func Foreign(ctx context.Context, api FootprintAPI, name string) ([]string, error) {
	var foreign []string
	if _, err := api.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(name)}); err == nil {
		foreign = append(foreign, "a console password")
	} else if !awsclient.IsNotFound(err) && !awsclient.IsNotImplemented(err) {
		return nil, err
	}
	for _, a := range userAttachments(api, aws.String(name)) {
		ids, err := a.list(ctx)
		if err != nil {
			if a.optional && awsclient.IsNotImplemented(err) {
				continue
			}
			return nil, err
		}
		if a.made && a.what != "inline policy" {
			continue
		}
		var odd []string
		for _, id := range ids {
			if !a.made || !credentials.IsPolicyName(id) {
				odd = append(odd, id)
			}
		}
		if len(odd) > 0 {
			word := a.what
			if len(odd) > 1 {
				word += "s"
			}
			foreign = append(foreign, fmt.Sprintf("%s %s", word, strings.Join(odd, ", ")))
		}
	}
	return foreign, nil
}
