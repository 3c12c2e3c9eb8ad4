// Package users looks after the IAM users the tool hands keys to, once
// they exist: rotate-key gives one a new access key and retires the old
// ones, delete-user takes one apart and deletes it. No cobra here; output
// goes to the writers and message.Steps it is given.
package users

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/undo"
)

// MaxKeysPerUser is how many access keys IAM lets one user hold; create
// checks the same limit before it changes anything.
const MaxKeysPerUser = credentials.MaxAccessKeysPerUser

// IAMAPI names the IAM calls a rotation makes.
type IAMAPI interface {
	GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
	ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	CreateAccessKey(context.Context, *iam.CreateAccessKeyInput, ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error)
	UpdateAccessKey(context.Context, *iam.UpdateAccessKeyInput, ...func(*iam.Options)) (*iam.UpdateAccessKeyOutput, error)
	DeleteAccessKey(context.Context, *iam.DeleteAccessKeyInput, ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error)
	// The marks of the keys the tool makes (credentials.KeyTag).
	TagUser(context.Context, *iam.TagUserInput, ...func(*iam.Options)) (*iam.TagUserOutput, error)
	UntagUser(context.Context, *iam.UntagUserInput, ...func(*iam.Options)) (*iam.UntagUserOutput, error)
}

// OldKeys says what happens to a user's previous keys once the new one has
// been handed over.
type OldKeys int

const (
	// KeepOld leaves them working.
	KeepOld OldKeys = iota
	// DeactivateOld sets them Inactive (they can be reactivated).
	DeactivateOld
	// DeleteOld deletes them.
	DeleteOld
)

// Rotator gives a user a new access key and retires the old ones.
type Rotator struct {
	IAM IAMAPI
	// Steps receives one line per step taken, notes and rollback reports.
	message.Steps
	// Deliver hands the new key over (prints it). It runs before any old
	// key is touched; when it fails the new key is deleted again, so nobody
	// is left with a key that was never shown and old keys stay as they were.
	Deliver func(*iamtypes.AccessKey) error
}

// Rotate creates a new access key for user, delivers it, then deals with
// the keys the user had before as old says. Everything that can refuse the
// rotation (missing user, the two-key limit) is checked before any change.
func (r *Rotator) Rotate(ctx context.Context, user string, old OldKeys) (*iamtypes.AccessKey, error) {
	if _, err := r.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(user)}); err != nil {
		return nil, err
	}
	keys, err := r.listKeys(ctx, user)
	if err != nil {
		return nil, err
	}
	if keys, err = r.makeRoom(ctx, user, keys, old); err != nil {
		return nil, err
	}
	key, err := r.newKey(ctx, user, keys)
	if err != nil {
		return nil, err
	}
	if failed := r.retireAll(ctx, user, keys, old); len(failed) > 0 {
		return key, fmt.Errorf("the new access key %s was created and printed, but %s", aws.ToString(key.AccessKeyId), strings.Join(failed, "; "))
	}
	if old == KeepOld {
		r.noteActive(keys)
	}
	return key, nil
}

// makeRoom deletes, with --delete-old, an inactive key first when the user
// holds as many keys as IAM allows, and returns the keys left; without a
// key it may delete, the limit is an error.
func (r *Rotator) makeRoom(ctx context.Context, user string, keys []iamtypes.AccessKeyMetadata, old OldKeys) ([]iamtypes.AccessKeyMetadata, error) {
	if len(keys) < MaxKeysPerUser {
		return keys, nil
	}
	victim := -1
	if old == DeleteOld {
		victim = firstInactive(keys)
	}
	if victim < 0 {
		return nil, limitError(user, keys)
	}
	// The inactive key would be deleted after the rotation anyway; doing
	// it first makes room for the new key without touching a working one.
	id := aws.ToString(keys[victim].AccessKeyId)
	if err := r.deleteKey(ctx, user, id); err != nil {
		if done, _ := r.retired(ctx, err, user, id, DeleteOld); !done {
			return nil, err
		}
	}
	r.Logf("Deleted inactive access key %s first, to make room for the new one", id)
	return append(keys[:victim:victim], keys[victim+1:]...), nil
}

// newKey makes the user's new key and hands it over; a key that cannot be
// handed over is deleted again, and one made by a request whose answer
// was lost is found and deleted.
func (r *Rotator) newKey(ctx context.Context, user string, keys []iamtypes.AccessKeyMetadata) (*iamtypes.AccessKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in := &iam.CreateAccessKeyInput{UserName: aws.String(user)}
	// A key made by an attempt whose answer never came (an interrupt, a
	// dropped connection) or was a server error would be valid and unknown
	// to anyone: such keys are found and deleted.
	lost := &undo.LostAnswers{}
	out, err := r.IAM.CreateAccessKey(ctx, in, lost.Option())
	if err != nil && (lost.Happened() || undo.UnknownOutcome(err)) {
		r.deleteUnseenKeys(ctx, user, keys)
		if awsclient.ErrorCode(err) == "LimitExceeded" && lost.Happened() && ctx.Err() == nil {
			// The unseen key took the last free slot; it is gone now.
			lost = &undo.LostAnswers{}
			out, err = r.IAM.CreateAccessKey(ctx, in, lost.Option())
			if err != nil && (lost.Happened() || undo.UnknownOutcome(err)) {
				r.deleteUnseenKeys(ctx, user, keys)
			}
		}
	}
	if err == nil && (out.AccessKey == nil || out.AccessKey.AccessKeyId == nil) {
		err = errors.New("CreateAccessKey returned no access key")
		r.deleteUnseenKeys(ctx, user, keys)
	}
	if err != nil {
		if awsclient.ErrorCode(err) == "LimitExceeded" {
			return nil, r.limitReachedMeanwhile(ctx, user)
		}
		return nil, err
	}
	key := out.AccessKey
	if lost.Happened() {
		seen := append(slices.Clone(keys), iamtypes.AccessKeyMetadata{AccessKeyId: key.AccessKeyId})
		r.deleteUnseenKeys(ctx, user, seen)
	}
	if err := ctx.Err(); err != nil {
		return nil, r.rollback(ctx, user, key, err)
	}
	if err := credentials.MarkKey(ctx, r.IAM, user, aws.ToString(key.AccessKeyId), aws.ToTime(key.CreateDate)); err != nil {
		if ctx.Err() != nil {
			return nil, r.rollback(ctx, user, key, ctx.Err())
		}
		r.Warnf("Note: access key %s could not be marked as made by s3-credentials (%s); prune --unused-for will leave it alone", aws.ToString(key.AccessKeyId), awsclient.ErrorMessage(err))
	}
	r.Logf("Created access key for user: %s", user)
	if r.Deliver != nil {
		if err := r.Deliver(key); err != nil {
			return nil, r.rollback(ctx, user, key, err)
		}
	}
	return key, nil
}

// rollback deletes a new key that was never shown, and returns cause.
func (r *Rotator) rollback(ctx context.Context, user string, key *iamtypes.AccessKey, cause error) error {
	newID := aws.ToString(key.AccessKeyId)
	// A context of its own: the run's may be the reason we are here.
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	if _, err := r.IAM.DeleteAccessKey(cctx, &iam.DeleteAccessKeyInput{
		UserName: aws.String(user), AccessKeyId: key.AccessKeyId,
	}); err != nil {
		r.Warnf("Could not delete the new access key %s, which was never shown: %s; delete it with: aws iam delete-access-key --user-name %s --access-key-id %s",
			newID, awsclient.ErrorMessage(err), user, newID)
	} else {
		r.Warnf("Deleted the new access key %s again, since it could not be handed over; the old keys are unchanged", newID)
	}
	return cause
}

// retireAll deactivates or deletes the old keys, as asked, and says which
// could not be.
func (r *Rotator) retireAll(ctx context.Context, user string, keys []iamtypes.AccessKeyMetadata, old OldKeys) (failed []string) {
	for _, k := range keys {
		id := aws.ToString(k.AccessKeyId)
		switch old {
		case DeactivateOld:
			if k.Status == iamtypes.StatusTypeInactive {
				r.Logf("Access key %s was already inactive", id)
				continue
			}
			if _, err := r.IAM.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{
				UserName: aws.String(user), AccessKeyId: k.AccessKeyId, Status: iamtypes.StatusTypeInactive,
			}); err != nil {
				if done, known := r.retired(ctx, err, user, id, old); !done {
					failed = append(failed, notRetired("deactivate", id, known, err))
					continue
				}
			}
			r.Logf("Deactivated access key %s", id)
		case DeleteOld:
			if err := r.deleteKey(ctx, user, id); err != nil {
				if done, known := r.retired(ctx, err, user, id, old); !done {
					failed = append(failed, notRetired("delete", id, known, err))
					continue
				}
			}
			r.Logf("Deleted access key %s", id)
		}
	}
	return failed
}

// noteActive says which old keys still work, when they were kept.
func (r *Rotator) noteActive(keys []iamtypes.AccessKeyMetadata) {
	var active []string
	for _, k := range keys {
		if k.Status != iamtypes.StatusTypeInactive {
			active = append(active, aws.ToString(k.AccessKeyId))
		}
	}
	if len(active) > 0 {
		r.Warnf("Note: the old access key%s %s still work%s; use --deactivate-old or --delete-old to retire %s",
			message.S(len(active)), strings.Join(active, ", "), message.Noun(len(active), "s", ""), message.Noun(len(active), "it", "them"))
	}
}

func (r *Rotator) listKeys(ctx context.Context, user string) ([]iamtypes.AccessKeyMetadata, error) {
	keys, _, err := ListKeys(ctx, r.IAM, user, 0)
	if err != nil {
		return nil, err
	}
	// Oldest first, so messages and the key deleted to make room are predictable.
	sort.SliceStable(keys, func(i, j int) bool {
		return aws.ToTime(keys[i].CreateDate).Before(aws.ToTime(keys[j].CreateDate))
	})
	return keys, nil
}

func (r *Rotator) deleteKey(ctx context.Context, user, id string) error {
	_, err := r.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: aws.String(id)})
	if err == nil {
		credentials.UnmarkKey(ctx, r.IAM, user, id)
	}
	return err
}

// cleanupContext is for the requests that find out, after an interrupt,
// what an unanswered request did: they go out even though the run's own
// context is cancelled, and give up after a while.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// retired tells, after the request retiring key id failed with err,
// whether the key is deactivated (how DeactivateOld) or deleted (DeleteOld)
// all the same: the request may have been carried out when its answer was
// lost (an interrupt, a dropped connection), and a key that is already gone
// counts as deleted. known is false when that could not be found out.
func (r *Rotator) retired(ctx context.Context, err error, user, id string, how OldKeys) (done, known bool) {
	if awsclient.IsServiceError(err) {
		return how == DeleteOld && awsclient.IsNotFound(err), true
	}
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	keys, lerr := r.listKeys(cctx, user)
	if lerr != nil {
		return false, false
	}
	for _, k := range keys {
		if aws.ToString(k.AccessKeyId) == id {
			return how == DeactivateOld && k.Status == iamtypes.StatusTypeInactive, true
		}
	}
	return true, true // gone: deleted, or, when deactivating, as good as
}

// notRetired words an old key that was not retired (verb: deactivate or
// delete), or may not have been (known false: the request got no answer,
// and looking the key up failed).
func notRetired(verb, id string, known bool, err error) string {
	if !known {
		return fmt.Sprintf("%s may or may not be %sd (%s, and looking it up failed)", id, verb, awsclient.ErrorMessage(err))
	}
	return fmt.Sprintf("could not %s %s: %s", verb, id, awsclient.ErrorMessage(err))
}

// deleteUnseenKeys deletes the keys of user that are not among before:
// after an attempt of CreateAccessKey got no answer, or a server error,
// they were made by that attempt, and nobody has seen them.
func (r *Rotator) deleteUnseenKeys(ctx context.Context, user string, before []iamtypes.AccessKeyMetadata) {
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	keys, err := r.listKeys(cctx, user)
	if err != nil {
		r.Warnf("Could not check whether the failed request made an access key anyway (%s); look with: aws iam list-access-keys --user-name %s",
			awsclient.ErrorMessage(err), user)
		return
	}
	for _, k := range keys {
		id := aws.ToString(k.AccessKeyId)
		if slices.ContainsFunc(before, func(b iamtypes.AccessKeyMetadata) bool { return aws.ToString(b.AccessKeyId) == id }) {
			continue
		}
		if err := r.deleteKey(cctx, user, id); err != nil && !awsclient.IsNotFound(err) {
			r.Warnf("Could not delete access key %s, made by a request whose answer was lost, and never shown: %s; delete it with: aws iam delete-access-key --user-name %s --access-key-id %s",
				id, awsclient.ErrorMessage(err), user, id)
			continue
		}
		r.Warnf(credentials.UnseenKeyNote, id)
	}
}

// limitReachedMeanwhile explains a CreateAccessKey refused for IAM's
// two-key limit although the user had room when its keys were listed:
// another run (rotate-key or create at the same time) made a key meanwhile.
func (r *Rotator) limitReachedMeanwhile(ctx context.Context, user string) error {
	msg := fmt.Sprintf("User %s reached the %d access keys IAM allows while this run was at work (another rotate-key or create at the same time?), so no new key was made", user, MaxKeysPerUser)
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	if keys, err := r.listKeys(cctx, user); err == nil {
		var ids []string
		for _, k := range keys {
			ids = append(ids, aws.ToString(k.AccessKeyId)+" ("+string(k.Status)+")")
		}
		msg += "; it now holds " + strings.Join(ids, ", ")
	}
	return errors.New(msg + ". Run the command again once the other run has ended")
}

func firstInactive(keys []iamtypes.AccessKeyMetadata) int {
	for i, k := range keys {
		if k.Status == iamtypes.StatusTypeInactive {
			return i
		}
	}
	return -1
}

// limitError explains, before anything changed, why a user holding the most
// keys IAM allows cannot get another, and how to proceed.
func limitError(user string, keys []iamtypes.AccessKeyMetadata) error {
	var b strings.Builder
	fmt.Fprintf(&b, "User %s already has %d access keys, the most IAM allows per user; nothing was changed:\n", user, len(keys))
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s  %s", aws.ToString(k.AccessKeyId), k.Status)
		if k.CreateDate != nil {
			fmt.Fprintf(&b, "  created %s", pyjson.PyTime(*k.CreateDate))
		}
		b.WriteString("\n")
	}
	const deleteOld = "use --delete-old, which deletes the inactive key first and the other old key once the new one is printed"
	if i := firstInactive(keys); i >= 0 {
		fmt.Fprintf(&b, "To proceed, delete the inactive key, then run this again:\n"+
			"  aws iam delete-access-key --user-name %s --access-key-id %s\n"+
			"or %s:\n"+
			"  s3-credentials rotate-key %s --delete-old", user, aws.ToString(keys[i].AccessKeyId), deleteOld, user)
	} else {
		id := aws.ToString(keys[0].AccessKeyId)
		fmt.Fprintf(&b, "To proceed, delete the key that is no longer needed:\n"+
			"  aws iam delete-access-key --user-name %s --access-key-id %s\n"+
			"or deactivate one, then %s:\n"+
			"  aws iam update-access-key --user-name %s --access-key-id %s --status Inactive\n"+
			"  s3-credentials rotate-key %s --delete-old", user, id, deleteOld, user, id, user)
	}
	return fmt.Errorf("%s", b.String())
}
