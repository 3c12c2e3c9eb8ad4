// Package iambulk reads what IAM answers for a whole account at once: the
// account authorization details (every user, group and role with its
// policies and tags, up to a thousand a page) and the credential report
// (every user's access keys: status, age and last use, in one CSV). audit
// and prune use them instead of several questions per user, and fall back
// to those questions where an account or server does not offer them.
package iambulk

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// DetailsAPI names the call that gives an account's details in bulk.
type DetailsAPI interface {
	iam.GetAccountAuthorizationDetailsAPIClient
}

// Account is what GetAccountAuthorizationDetails says of an account.
type Account struct {
	// Users and Roles in IAM's order.
	Users []iamtypes.UserDetail
	Roles []iamtypes.RoleDetail
	// Groups by name.
	Groups map[string]iamtypes.GroupDetail
	// Now is IAM's time when it sent the last page (zero: it did not
	// say).
	Now time.Time
	// Policies holds the default version's document of each customer
	// managed policy, by ARN, as IAM sent it (URL-encoded). AWS managed
	// policies are not asked for (there are over a thousand, with every
	// version): look those up one by one.
	Policies map[string]string
}

// Details reads the account's users, groups and roles (roles only when
// withRoles), and its customer managed policies. pageSize is asked of
// every page (0: a thousand, IAM's most).
func Details(ctx context.Context, api DetailsAPI, withRoles bool, pageSize int32) (*Account, error) {
	if pageSize <= 0 {
		pageSize = 1000
	}
	filter := []iamtypes.EntityType{iamtypes.EntityTypeUser, iamtypes.EntityTypeGroup, iamtypes.EntityTypeLocalManagedPolicy}
	if withRoles {
		filter = append(filter, iamtypes.EntityTypeRole)
	}
	acct := &Account{Groups: map[string]iamtypes.GroupDetail{}, Policies: map[string]string{}}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(api, &iam.GetAccountAuthorizationDetailsInput{Filter: filter, MaxItems: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		if t, ok := awsclient.ServerTime(page.ResultMetadata); ok {
			acct.Now = t
		}
		acct.Users = append(acct.Users, page.UserDetailList...)
		if withRoles {
			acct.Roles = append(acct.Roles, page.RoleDetailList...)
		}
		for _, g := range page.GroupDetailList {
			acct.Groups[aws.ToString(g.GroupName)] = g
		}
		for _, pol := range page.Policies {
			for _, v := range pol.PolicyVersionList {
				if v.IsDefaultVersion {
					acct.Policies[aws.ToString(pol.Arn)] = aws.ToString(v.Document)
				}
			}
		}
	}
	return acct, nil
}

// Tag is the value of the tag key among tags, and whether it is there.
func Tag(tags []iamtypes.Tag, key string) (string, bool) {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value), true
		}
	}
	return "", false
}

// DecodeDocument undoes the URL encoding IAM applies to the policy
// documents it returns; text that is already JSON is kept as it is.
func DecodeDocument(text string) string {
	if strings.HasPrefix(strings.TrimSpace(text), "{") {
		return text
	}
	if dec, err := url.PathUnescape(text); err == nil {
		return dec
	}
	return text
}

// DetailsOrSay is Details where IAM gives them. Where it refuses, or a
// server does not offer the call, say is told so once and the answer is
// nil: the caller asks principal by principal instead. Other errors
// (the network, an interrupt) are returned.
func DetailsOrSay(ctx context.Context, api DetailsAPI, withRoles bool, pageSize int32, say func(format string, a ...any)) (*Account, error) {
	acct, err := Details(ctx, api, withRoles, pageSize)
	if err == nil {
		return acct, nil
	}
	if !awsclient.IsRefusal(err) && !awsclient.IsNotImplemented(err) {
		return nil, err
	}
	say("Note: IAM did not give the account's details in bulk (%s); asking user by user, which takes more requests", awsclient.ErrorMessage(err))
	return nil, nil
}
