package listing

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/ordered"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// ListUsers leaves tags out of its answer; --tags asks for them user by
// user (several at once), so the tags `create --tag` set can be seen.

// UserTagsAPI names the calls of a tagged user listing.
type UserTagsAPI interface {
	iam.ListUsersAPIClient
	iam.ListUserTagsAPIClient
}

// UserMaps calls emit with each user as botocore orders it, page by page,
// and pageDone after each page; with tags, Tags filled in and pageDone
// after each user (the tags arrive user by user).
func UserMaps(ctx context.Context, api UserTagsAPI, pageSize int32, tags bool, emit func(pyjson.Map) error, pageDone func() error) error {
	if !tags {
		return Users(ctx, api, pageSize, func(u iamtypes.User) error { return emit(botocore.User(&u)) }, pageDone)
	}
	return usersTagged(ctx, api, pageSize, func(m pyjson.Map) error {
		if err := emit(m); err != nil {
			return err
		}
		return pageDone()
	})
}

// usersTagged calls emit with each user, Tags filled in, in listing order.
func usersTagged(ctx context.Context, api UserTagsAPI, pageSize int32, emit func(pyjson.Map) error) error {
	produce := func(ctx context.Context, yield func(iamtypes.User) error) error {
		return Users(ctx, api, pageSize, yield, nil)
	}
	work := func(ctx context.Context, u iamtypes.User) (pyjson.Map, error) {
		tags := []iamtypes.Tag{}
		p := iam.NewListUserTagsPaginator(api, &iam.ListUserTagsInput{UserName: u.UserName, MaxItems: maxItems(pageSize)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			tags = append(tags, page.Tags...)
		}
		u.Tags = tags
		return botocore.User(&u), nil
	}
	return ordered.Run(ctx, DetailWorkers, produce, work, emit)
}

// bucketTags is a bucket's tag set as [{Key, Value}], empty when it has none.
func bucketTags(ctx context.Context, api S3ListAPI, name string, optFns ...func(*s3.Options)) (any, error) {
	out, err := api.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(name)}, optFns...)
	if err != nil {
		if awsclient.ErrorCode(err) == "NoSuchTagSet" || awsclient.ErrorCode(err) == "NoSuchTagSetError" {
			return []any{}, nil
		}
		return nil, err
	}
	list := make([]any, 0, len(out.TagSet))
	for _, t := range out.TagSet {
		m := pyjson.Map{}
		m.Put("Key", t.Key)
		m.Put("Value", t.Value)
		list = append(list, m)
	}
	return list, nil
}
