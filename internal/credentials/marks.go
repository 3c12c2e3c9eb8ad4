package credentials

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/policy"
)

// CreatedTag is put on every user create makes, with the time: prune
// deletes only users that carry it (or ExpiresTag, which older versions
// set on theirs alone).
const CreatedTag = toolTagPrefix + "created"

// KeyTagPrefix starts the tag that marks an access key as made by the
// tool: create and rotate-key tag the user with KeyTagPrefix+KEYID and the
// key's creation time. prune --unused-for deletes only keys so marked;
// IAM cannot tag a key itself.
const KeyTagPrefix = toolTagPrefix + "key:"

// KeyTag is the tag that marks access key id as made by the tool.
func KeyTag(id string) string { return KeyTagPrefix + id }

// TagUserAPI names the call that marks a key.
type TagUserAPI interface {
	TagUser(context.Context, *iam.TagUserInput, ...func(*iam.Options)) (*iam.TagUserOutput, error)
}

// MarkKey tags user with the mark of its access key id, made at created.
func MarkKey(ctx context.Context, api TagUserAPI, user, id string, created time.Time) error {
	if created.IsZero() {
		created = time.Now()
	}
	_, err := api.TagUser(ctx, &iam.TagUserInput{UserName: aws.String(user), Tags: []iamtypes.Tag{{
		Key: aws.String(KeyTag(id)), Value: aws.String(created.UTC().Format(policy.TimeFormat)),
	}}})
	return err
}

// UntagUserAPI names the call that removes a key's mark.
type UntagUserAPI interface {
	UntagUser(context.Context, *iam.UntagUserInput, ...func(*iam.Options)) (*iam.UntagUserOutput, error)
}

// UnmarkKey removes the mark of a deleted access key from its user, if it
// had one. A mark left behind is harmless (it names a key that no longer
// exists), so failing to remove it is not an error; it only takes one of
// the user's fifty tags.
func UnmarkKey(ctx context.Context, api UntagUserAPI, user, id string) {
	_, _ = api.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String(user), TagKeys: []string{KeyTag(id)}})
}
