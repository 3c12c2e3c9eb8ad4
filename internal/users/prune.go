package users

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/ordered"
)

// PruneAPI names the calls that find expired users.
type PruneAPI interface {
	iam.ListUsersAPIClient
	iam.ListUserTagsAPIClient
}

// Expired calls fn, in AWS's order, with every user tagged
// credentials.ExpiresTag with a time before now. A tag that is not a time
// is reported on steps and the user left alone.
func Expired(ctx context.Context, api PruneAPI, pageSize int32, now time.Time, steps *message.Steps, fn func(user string, expired time.Time) error) error {
	produce := func(ctx context.Context, yield func(iamtypes.User) error) error {
		return listing.Users(ctx, api, pageSize, yield, nil)
	}
	type found struct {
		name    string
		expires time.Time
		ok      bool
		warning string
	}
	work := func(ctx context.Context, u iamtypes.User) (found, error) {
		name := aws.ToString(u.UserName)
		p := iam.NewListUserTagsPaginator(api, &iam.ListUserTagsInput{UserName: u.UserName})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if awsclient.IsNotFound(err) {
				return found{}, nil // deleted since it was listed (another prune): nothing to do
			}
			if err != nil {
				return found{}, err
			}
			for _, t := range page.Tags {
				if aws.ToString(t.Key) != credentials.ExpiresTag {
					continue
				}
				when, err := time.Parse(time.RFC3339, aws.ToString(t.Value))
				if err != nil {
					// Said by emit, in order: work runs on many goroutines.
					return found{warning: fmt.Sprintf("Warning: user %s has %s=%q, which is not a time; left alone", name, credentials.ExpiresTag, aws.ToString(t.Value))}, nil
				}
				return found{name: name, expires: when, ok: when.Before(now)}, nil
			}
		}
		return found{}, nil
	}
	emit := func(f found) error {
		if f.warning != "" {
			steps.Warnf("%s", f.warning)
		}
		if !f.ok {
			return nil
		}
		return fn(f.name, f.expires)
	}
	return ordered.Run(ctx, listing.DetailWorkers, produce, work, emit)
}
