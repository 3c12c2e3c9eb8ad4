package credentials

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/iambulk"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/undo"
	"github.com/s3-credentials/s3-credentials/policy"
)

func (c *Creator) accessKeys(ctx context.Context, user string) ([]string, error) {
	out, err := c.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(out.AccessKeyMetadata))
	for i, k := range out.AccessKeyMetadata {
		ids[i] = aws.ToString(k.AccessKeyId)
	}
	return ids, nil
}

// createUserKey makes (or reuses) the user, gives it one inline policy per
// bucket and a new access key, and delivers the key.
func (c *Creator) createUserKey(ctx context.Context, r *Request, user userState, u *undo.Log) (*Result, error) {
	name := r.UserName()
	if !user.exists {
		if err := c.createUser(ctx, r, name, u); err != nil {
			return nil, err
		}
	} else if len(r.Tags) > 0 {
		if err := c.tagUser(ctx, name, r.Tags, user.tags, u); err != nil {
			return nil, err
		}
	}
	for _, b := range r.Buckets {
		if err := c.putUserPolicy(ctx, r, name, b, user, u); err != nil {
			return nil, err
		}
	}
	key, err := c.createKey(ctx, name, user.keys, u)
	if err != nil {
		return nil, err
	}
	res := &Result{
		AccessKeyID:     aws.ToString(key.AccessKeyId),
		SecretAccessKey: aws.ToString(key.SecretAccessKey),
		Document:        botocore.AccessKey(key),
	}
	return c.handOver(r, res)
}

// handOver says the limits of the credentials made (true of every
// statement attached: they were added to each) and gives them to Deliver.
func (c *Creator) handOver(r *Request, res *Result) (*Result, error) {
	for _, line := range r.LimitLines() {
		c.Logf("%s", line)
	}
	if c.Deliver != nil {
		if err := c.Deliver(res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (c *Creator) createUser(ctx context.Context, r *Request, name string, u *undo.Log) error {
	in := &iam.CreateUserInput{UserName: aws.String(name)}
	if b := r.Boundary(); b != "" {
		in.PermissionsBoundary = aws.String(b)
	}
	in.Tags = iamTags(r.userTags())
	// Not among the tags the step line names: the reference's output
	// stays as it was.
	in.Tags = append(in.Tags, iamtypes.Tag{Key: aws.String(CreatedTag), Value: aws.String(time.Now().UTC().Format(policy.TimeFormat))})
	var lost undo.LostAnswers
	_, err := c.IAM.CreateUser(ctx, in, lost.Option())
	if lost.Happened() && awsclient.ErrorCode(err) == "EntityAlreadyExists" {
		// The user was missing a moment ago; when an attempt went
		// unanswered, the user that now exists is the one it made.
		err = nil
	}
	if err != nil && !undo.UnknownOutcome(err) {
		if awsclient.ErrorCode(err) == "EntityAlreadyExists" {
			// Made since checkUser found it missing, by someone else:
			// another create at the same time, most likely.
			return fmt.Errorf("User %s was created by someone else (another run at the same time?) after this run found it missing, so this run left it alone; run the command again to use that user", name)
		}
		return err // refused: nothing was made
	}
	u.Push("user "+name, func(ctx context.Context) (string, error) { return c.deleteNewUser(ctx, name) })
	if err != nil {
		return err
	}
	c.Logf("Created %s", r.userDescription())
	return nil
}

// deleteNewUser takes back a user this run created, with whatever it holds
// that the steps undone before did not account for (a policy or key made
// by an attempt whose answer was lost): IAM refuses to delete a user that
// has either. Nothing is said when the user was never made.
func (c *Creator) deleteNewUser(ctx context.Context, name string) (string, error) {
	policies, err := c.IAM.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(name)})
	if awsclient.IsNotFound(err) {
		return "", nil
	}
	if err == nil {
		for _, p := range policies.PolicyNames {
			if _, err := c.IAM.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(p)}); err == nil {
				c.Warnf("Undone: deleted inline policy %s from user %s", p, name)
			}
		}
	}
	if err := c.deleteKeysExcept(ctx, name, nil, "Undone: deleted access key %s"); err != nil && !awsclient.IsNotFound(err) {
		c.Warnf("Could not undo: access keys of user %s: %s", name, awsclient.ErrorMessage(err))
	}
	if _, err := c.IAM.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(name)}); err != nil {
		if awsclient.IsNotFound(err) {
			return "", nil
		}
		return "", err
	}
	return "deleted user " + name, nil
}

// putUserPolicy attaches the inline policy for one bucket. On an existing
// user a policy of the same name is restored when the run is undone.
func (c *Creator) putUserPolicy(ctx context.Context, r *Request, name, bucket string, user userState, u *undo.Log) error {
	doc, err := r.UserPolicy(bucket)
	if err != nil {
		return err
	}
	policyName := r.PolicyName(bucket)
	var restore func(context.Context) error
	var unreadable error
	if user.exists {
		restore, unreadable = c.previousPolicy(ctx, name, policyName)
	}
	if err := ctx.Err(); err != nil {
		// Interrupted before the change was sent: there is nothing to
		// take back, and a policy whose previous version is unknown must
		// not be reported as possibly changed.
		return err
	}
	_, err = c.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
		UserName:       aws.String(name),
		PolicyName:     aws.String(policyName),
		PolicyDocument: aws.String(string(pyjson.EncodeCompact(doc))),
	})
	if err != nil && !undo.UnknownOutcome(err) {
		return err
	}
	what := "inline policy " + policyName + " of user " + name
	switch {
	case unreadable != nil:
		// Deleting it could destroy a policy the user had before.
		u.Keep(fmt.Sprintf("%s (its previous version could not be read: %s)", what, awsclient.ErrorMessage(unreadable)), nil)
	case restore != nil:
		u.Push(what+" (changed)", func(ctx context.Context) (string, error) {
			return "restored the previous inline policy " + policyName + " of user " + name, restore(ctx)
		})
	default:
		u.Push(what, func(ctx context.Context) (string, error) {
			_, err := c.IAM.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(policyName)})
			if awsclient.IsNotFound(err) {
				return "", nil
			}
			return "deleted inline policy " + policyName + " from user " + name, err
		})
	}
	if err != nil {
		return err
	}
	c.Logf("Attached policy %s to user %s", policyName, name)
	switch changes, replaced := user.replaced[policyName]; {
	case replaced:
		c.Warnf("Replaced the earlier policy %s of user %s (%s)%s", policyName, name, strings.Join(changes, "; "), keysNote(user.keys))
	case restore == nil && len(user.keys) > 0 && unreadable == nil:
		c.Logf("The policy applies to the user's earlier access %s %s too", keyWord(len(user.keys)), strings.Join(user.keys, ", "))
	}
	return nil
}

// keysNote is ": its access key K now has it" (or keys ... have), or ""
// without keys.
func keysNote(keys []string) string {
	switch len(keys) {
	case 0:
		return ""
	case 1:
		return ": its access key " + keys[0] + " now has it"
	}
	return ": its access keys " + strings.Join(keys, ", ") + " now have it"
}

// previousPolicy returns a function restoring the inline policy an existing
// user already had under this name, or nil when there was none. When
// whether there was one cannot be told, unreadable says why.
func (c *Creator) previousPolicy(ctx context.Context, user, name string) (restore func(context.Context) error, unreadable error) {
	prev, err := c.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name)})
	if err != nil {
		if awsclient.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	if prev.PolicyDocument == nil {
		return nil, errors.New("GetUserPolicy returned no document")
	}
	doc := iambulk.DecodeDocument(aws.ToString(prev.PolicyDocument))
	return func(ctx context.Context) error {
		_, err := c.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
		return err
	}, nil
}

// UnseenKeyNote reports a key deleted because the attempt that made it
// never brought it back (a format taking the key id).
const UnseenKeyNote = "Deleted access key %s: an attempt to create a key made it, but its answer was lost (no answer, or a server error), so nobody saw it"

const unseenKeyWarning = "Warning: an attempt to create the access key went unanswered (no answer, or a server error), and the keys it may have made could not be deleted (%s); check user %s for an extra key"

// createKey makes the user's new access key. An attempt that got no
// answer, or a server error, may have made a key too, and taken the
// user's last free slot: such keys, which nobody will ever see, are found
// and deleted.
func (c *Creator) createKey(ctx context.Context, name string, oldKeys []string, u *undo.Log) (*iamtypes.AccessKey, error) {
	// sweep is the undo of the keys this run made, all but the old ones
	// and keep.
	sweep := func(keep ...string) func(context.Context) (string, error) {
		return func(ctx context.Context) (string, error) {
			return "", c.deleteKeysExcept(ctx, name, append(slices.Clone(oldKeys), keep...), "Undone: deleted access key %s")
		}
	}
	// unseen deletes now the keys an unanswered attempt made, all but the
	// old ones and keep; after an interrupt the undo does it, on a context
	// of its own.
	unseen := func(keep ...string) {
		if ctx.Err() != nil {
			u.Push("access keys of user "+name+" made by this run", sweep(keep...))
			return
		}
		if derr := c.deleteKeysExcept(ctx, name, append(slices.Clone(oldKeys), keep...), UnseenKeyNote); derr != nil {
			c.Warnf(unseenKeyWarning, awsclient.ErrorMessage(derr), name)
		}
	}
	in := &iam.CreateAccessKeyInput{UserName: aws.String(name)}
	lost := &undo.LostAnswers{}
	out, err := c.IAM.CreateAccessKey(ctx, in, lost.Option())
	if err != nil && lost.Happened() && ctx.Err() == nil {
		unseen()
		if awsclient.ErrorCode(err) == "LimitExceeded" {
			lost = &undo.LostAnswers{}
			out, err = c.IAM.CreateAccessKey(ctx, in, lost.Option())
		}
	}
	if err != nil {
		if undo.UnknownOutcome(err) || lost.Happened() {
			u.Push("access keys of user "+name+" made by this run", sweep())
		}
		return nil, err
	}
	key := out.AccessKey
	if key == nil || key.AccessKeyId == nil || key.SecretAccessKey == nil {
		u.Push("access keys of user "+name+" made by this run", sweep())
		return nil, errors.New("CreateAccessKey returned no access key")
	}
	id := aws.ToString(key.AccessKeyId)
	if lost.Happened() {
		unseen(id)
	}
	// Undone when a later step fails, delivery included: a key nobody has
	// seen is useless.
	u.Push("access key "+id, func(ctx context.Context) (string, error) {
		_, err := c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(name), AccessKeyId: key.AccessKeyId})
		if awsclient.IsNotFound(err) {
			return "", nil
		}
		return "deleted access key " + id, err
	})
	if err := ctx.Err(); err != nil {
		return nil, err // interrupted before the key could be shown
	}
	// The mark goes with the key when the run is undone; a mark that
	// outlives its key would be harmless, so its removal is not checked.
	u.Push("the mark of access key "+id, func(ctx context.Context) (string, error) {
		UnmarkKey(ctx, c.IAM, name, id)
		return "", nil
	})
	if err := MarkKey(ctx, c.IAM, name, id, aws.ToTime(key.CreateDate)); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		c.Warnf("Note: access key %s could not be marked as made by s3-credentials (%s); prune --unused-for will leave it alone", id, awsclient.ErrorMessage(err))
	}
	c.Logf("Created access key for user: %s", name)
	return key, nil
}

// deleteKeysExcept deletes the access keys of user that are not in keep,
// reporting each with note (a format taking the key id).
func (c *Creator) deleteKeysExcept(ctx context.Context, user string, keep []string, note string) error {
	ids, err := c.accessKeys(ctx, user)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if slices.Contains(keep, id) {
			continue
		}
		_, err := c.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: aws.String(id)})
		if err != nil && !awsclient.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("access key %s: %s", id, awsclient.ErrorMessage(err)))
			continue
		}
		c.Warnf(note, id)
	}
	return errors.Join(errs...)
}
