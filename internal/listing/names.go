package listing

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// BucketNamesAPI names the call BucketNames makes.
type BucketNamesAPI interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
}

// BucketNames are the names on the first page of the account's buckets:
// enough to complete a name on the command line, in one request.
func BucketNames(ctx context.Context, api BucketNamesAPI) ([]string, error) {
	out, err := api.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(out.Buckets))
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	return names, nil
}

// UserNames are the names on the first page of the account's users, in
// one request, for completion.
func UserNames(ctx context.Context, api iam.ListUsersAPIClient) ([]string, error) {
	out, err := api.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(out.Users))
	for _, u := range out.Users {
		names = append(names, aws.ToString(u.UserName))
	}
	return names, nil
}
