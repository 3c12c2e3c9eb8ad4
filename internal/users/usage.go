package users

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// LastUsedAPI names the call that says when a key was last used.
type LastUsedAPI interface {
	GetAccessKeyLastUsed(context.Context, *iam.GetAccessKeyLastUsedInput, ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error)
}

// KeyUsage is when an access key was last used, and how.
type KeyUsage struct {
	// LastUsed is zero for a key never used (as far as IAM knows: it
	// keeps the last use for 400 days, and learns of a use within hours).
	LastUsed time.Time
	// Service and Region are "" when IAM does not say.
	Service, Region string
	// Now is IAM's time when it answered (zero: the answer did not say).
	Now time.Time
	// Unknown: the server does not say when keys were used (it does not
	// offer GetAccessKeyLastUsed), which is not "never".
	Unknown bool
}

// LastUsed asks IAM when access key id was last used.
func LastUsed(ctx context.Context, api LastUsedAPI, id string) (KeyUsage, error) {
	out, err := api.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
	if err != nil {
		return KeyUsage{}, err
	}
	var u KeyUsage
	u.Now, _ = awsclient.ServerTime(out.ResultMetadata)
	if l := out.AccessKeyLastUsed; l != nil {
		u.LastUsed = aws.ToTime(l.LastUsedDate)
		u.Service = word(aws.ToString(l.ServiceName))
		u.Region = word(aws.ToString(l.Region))
	}
	return u, nil
}

// word is a service or region as IAM gives it, "" for its "N/A".
func word(s string) string {
	if s == "N/A" {
		return ""
	}
	return s
}

// Words says the last use in words, at IAM's time now: "never", "today",
// "1 day ago", "12 days ago", with the service and region when known:
// "3 days ago (s3, eu-west-1)".
func (u KeyUsage) Words(now time.Time) string {
	if u.Unknown {
		return "unknown (the server does not say)"
	}
	if u.LastUsed.IsZero() {
		return "never"
	}
	s := "today"
	switch d := Days(now.Sub(u.LastUsed)); {
	case d == 1:
		s = "1 day ago"
	case d > 1:
		s = fmt.Sprintf("%d days ago", d)
	}
	switch {
	case u.Service != "" && u.Region != "":
		s += " (" + u.Service + ", " + u.Region + ")"
	case u.Service != "":
		s += " (" + u.Service + ")"
	}
	return s
}

// Days is d in whole days, rounded down; never negative (a clock behind
// another by a moment is not a negative age).
func Days(d time.Duration) int {
	if d < 0 {
		return 0
	}
	return int(d / (24 * time.Hour))
}

// ListKeys lists every access key of user, pageSize at a time (0: IAM's
// default), with IAM's time when it last answered (zero when the answer
// did not say): a key's age is then measured by IAM's clock, not this
// machine's.
func ListKeys(ctx context.Context, api iam.ListAccessKeysAPIClient, user string, pageSize int32) ([]iamtypes.AccessKeyMetadata, time.Time, error) {
	in := &iam.ListAccessKeysInput{UserName: aws.String(user)}
	if pageSize > 0 {
		in.MaxItems = aws.Int32(pageSize)
	}
	var keys []iamtypes.AccessKeyMetadata
	var now time.Time
	pages := iam.NewListAccessKeysPaginator(api, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		if t, ok := awsclient.ServerTime(page.ResultMetadata); ok {
			now = t
		}
		keys = append(keys, page.AccessKeyMetadata...)
	}
	return keys, now, nil
}
