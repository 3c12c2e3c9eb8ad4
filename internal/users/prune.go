package users

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/iambulk"
	"github.com/s3-credentials/s3-credentials/internal/listing"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/ordered"
	"github.com/s3-credentials/s3-credentials/internal/undo"
	"github.com/s3-credentials/s3-credentials/policy"
)

// PruneAPI names the calls prune makes.
type PruneAPI interface {
	iam.ListUsersAPIClient
	iam.ListUserTagsAPIClient
	iambulk.DetailsAPI
	iambulk.ReportAPI
	FootprintAPI
	LastUsedAPI
	credentials.UntagUserAPI
}

// Pruner deletes what has outlived its use: the users whose expiry tag
// (create --expires) has passed and, with UnusedFor, the access keys the
// tool made that have not been used for that long, then the users the tool
// made that are left with no key. Nothing the tool did not make is touched.
type Pruner struct {
	IAM PruneAPI
	// Steps receives the step lines and warnings.
	*message.Steps
	// Report receives DeleteUser's account of each user it deletes.
	Report io.Writer
	// Deleted receives each thing deleted (or, with DryRun, that would
	// be): "USER" for a user, "USER KEYID" for an access key.
	Deleted  func(line string) error
	DryRun   bool
	PageSize int32
	// Now is this machine's time, which expiry tags are compared with.
	Now time.Time
	// UnusedFor, when not zero, is how long an access key made by the tool
	// must have gone unused (by IAM's clock) to be deleted.
	UnusedFor time.Duration

	// failed names what could not be deleted.
	failed []string
	// report and reportNow, when IAM gives them (with --unused-for), spare
	// the questions about users none of whose keys can be unused for long
	// enough.
	report    *iambulk.Report
	reportNow time.Time
}

// user is what prune knows of a user before asking anything about it.
type user struct {
	name    string
	created time.Time
	tags    []iamtypes.Tag
	// gone: deleted since it was listed.
	gone bool
}

// Run goes through every user, in IAM's order.
func (p *Pruner) Run(ctx context.Context) error {
	err := p.users(ctx, func(u user) error {
		if u.gone {
			return nil
		}
		if v, ok := iambulk.Tag(u.tags, credentials.ExpiresTag); ok {
			when, err := time.Parse(time.RFC3339, v)
			if err != nil {
				p.Warnf("Warning: user %s has %s=%q, which is not a time; left alone", u.name, credentials.ExpiresTag, v)
				return nil
			}
			if when.Before(p.Now) {
				return p.expired(ctx, u.name, when)
			}
		}
		if p.UnusedFor > 0 {
			return p.unused(ctx, u)
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case len(p.failed) > 0 && p.UnusedFor == 0:
		return fmt.Errorf("%s could not be deleted", message.Count(len(p.failed), "expired user"))
	case len(p.failed) > 0:
		return fmt.Errorf("%s could not be deleted: %s", message.Count(len(p.failed), "user or access key", "users or access keys"), strings.Join(p.failed, ", "))
	}
	return nil
}

// users calls fn with every user and its tags: from the account's details
// in bulk where IAM gives them, else one ListUserTags per user.
func (p *Pruner) users(ctx context.Context, fn func(user) error) error {
	if p.UnusedFor > 0 {
		// The details cost one request per thousand users; without
		// --unused-for only expiry tags are wanted, which is what the
		// per-user path has always read.
		acct, err := iambulk.DetailsOrSay(ctx, p.IAM, false, p.PageSize, p.Warnf)
		if err != nil {
			return err
		}
		if acct != nil {
			if err := p.readReport(ctx, acct.Now); err != nil {
				return err
			}
			for _, d := range acct.Users {
				if err := fn(user{name: aws.ToString(d.UserName), created: aws.ToTime(d.CreateDate), tags: d.Tags}); err != nil {
					return err
				}
			}
			return nil
		}
	}
	produce := func(ctx context.Context, yield func(iamtypes.User) error) error {
		return listing.Users(ctx, p.IAM, p.PageSize, yield, nil)
	}
	work := func(ctx context.Context, u iamtypes.User) (user, error) {
		got := user{name: aws.ToString(u.UserName), created: aws.ToTime(u.CreateDate)}
		pages := iam.NewListUserTagsPaginator(p.IAM, &iam.ListUserTagsInput{UserName: u.UserName})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if awsclient.IsNotFound(err) {
				return user{gone: true}, nil // deleted since it was listed (another prune)
			}
			if err != nil {
				return user{}, err
			}
			got.tags = append(got.tags, page.Tags...)
		}
		return got, nil
	}
	return ordered.Run(ctx, listing.DetailWorkers, produce, work, fn)
}

// readReport reads the credential report, saying once when IAM does not
// give it (prune then asks about every key the tool made).
func (p *Pruner) readReport(ctx context.Context, now time.Time) error {
	if now.IsZero() {
		return nil // no IAM time to measure the report's dates by
	}
	rep, err := iambulk.CredentialReportOrSay(ctx, p.IAM, "asking about each key s3-credentials made, which takes more requests", p.Warnf)
	p.report, p.reportNow = rep, now
	return err
}

// surelyUsed says, from the credential report, that no key of u can have
// gone unused for p.UnusedFor, and that u is not a keyless user old enough
// to delete, so nothing need be asked about it. The report may be hours
// old: a use it has not seen yet only makes a key less idle than it says,
// and a key made since is too young to delete.
func (p *Pruner) surelyUsed(u user, made bool) bool {
	if p.report == nil {
		return false
	}
	keys, known := p.report.Users[u.name]
	if !known {
		return false
	}
	if len(keys) == 0 {
		return !made || p.reportNow.Sub(u.created) < p.UnusedFor
	}
	for _, k := range keys {
		last := k.Created
		if k.LastUsed.After(last) {
			last = k.LastUsed
		}
		if p.reportNow.Sub(last) >= p.UnusedFor {
			return false
		}
	}
	return true
}

// expired deletes a user whose expiry time has passed, if it holds
// nothing create does not make.
func (p *Pruner) expired(ctx context.Context, name string, expired time.Time) error {
	at := expired.UTC().Format(policy.TimeFormat)
	ok, err := p.ours(ctx, name, "it expired at "+at)
	if !ok || err != nil {
		return err
	}
	if p.DryRun {
		p.Logf("Would delete user %s: expired at %s", name, at)
		return p.Deleted(name)
	}
	p.Logf("User %s expired at %s", name, at)
	return p.deleteUser(ctx, name)
}

// ours says whether user name holds nothing but what create makes, so
// that prune may delete it (why says why it would); what it is not, or
// cannot be told, is said on the way.
func (p *Pruner) ours(ctx context.Context, name, why string) (bool, error) {
	foreign, err := Foreign(ctx, p.IAM, name)
	if err != nil {
		if ctx.Err() != nil {
			return false, err
		}
		if awsclient.IsNotFound(err) {
			// Deleted by another run (overlapping cron jobs) since it
			// was listed: done, but not by this run.
			if !p.DryRun {
				fmt.Fprintf(p.Report, "User: %s\n  Deleted by someone else meanwhile\n", name)
			}
			return false, nil
		}
		p.Warnf("Could not tell what user %s holds, so it was left alone: %s", name, awsclient.ErrorMessage(err))
		p.failed = append(p.failed, "user "+name)
		return false, nil
	}
	if len(foreign) > 0 {
		p.Warnf("Skipped user %s: %s, but it also has %s, which create never makes; prune deletes only users that hold what create made (delete-user deletes any user)",
			name, why, strings.Join(foreign, "; "))
		return false, nil
	}
	return true, nil
}

func (p *Pruner) deleteUser(ctx context.Context, name string) error {
	if err := DeleteUser(ctx, p.IAM, p.Report, name); err != nil {
		if ctx.Err() != nil {
			return err
		}
		// Deleted by another run (overlapping cron jobs) since it was
		// listed: done, but not by this run.
		if errors.Is(err, ErrDeletedMeanwhile) {
			return nil
		}
		if awsclient.IsNotFound(err) {
			fmt.Fprintln(p.Report, "  Deleted by someone else meanwhile")
			return nil
		}
		p.Warnf("Could not delete user %s: %s", name, awsclient.ErrorMessage(err))
		p.failed = append(p.failed, "user "+name)
		return nil
	}
	return p.Deleted(name)
}

// unused deletes the access keys of u that the tool made and that have not
// been used for p.UnusedFor, then u itself when the tool made it and it is
// left with no key.
func (p *Pruner) unused(ctx context.Context, u user) error {
	_, made := iambulk.Tag(u.tags, credentials.CreatedTag)
	if _, expires := iambulk.Tag(u.tags, credentials.ExpiresTag); expires {
		made = true // older versions tagged only the users made with --expires
	}
	marked := false
	for _, t := range u.tags {
		marked = marked || strings.HasPrefix(aws.ToString(t.Key), credentials.KeyTagPrefix)
	}
	if !made && !marked {
		return nil // nothing here is the tool's: no need to ask more
	}
	if p.surelyUsed(u, made) {
		return nil
	}
	keys, now, err := ListKeys(ctx, p.IAM, u.name, 0)
	if awsclient.IsNotFound(err) {
		return nil // deleted since it was listed
	}
	if err != nil {
		return p.couldNot(ctx, "access keys of user "+u.name, "list the access keys of user "+u.name, err)
	}
	left := 0
	for _, k := range keys {
		done, err := p.unusedKey(ctx, u, k)
		if err != nil {
			return err
		}
		if !done {
			left++
		}
	}
	if !made || left > 0 {
		return nil
	}
	idle := now.Sub(u.created)
	if now.IsZero() || u.created.IsZero() || idle < p.UnusedFor {
		return nil // made lately: its key may be on its way (a create at work)
	}
	why := fmt.Sprintf("made %s ago and it holds no access key", days(idle))
	if len(keys) > 0 {
		why = fmt.Sprintf("made %s ago and its access keys were unused", days(idle))
	}
	ok, err := p.ours(ctx, u.name, why)
	if !ok || err != nil {
		return err
	}
	if p.DryRun {
		p.Logf("Would delete user %s: %s", u.name, why)
		return p.Deleted(u.name)
	}
	// A key made since the keys were listed (a create for this user at
	// work) is in use by someone who just got it: deleting the user would
	// take it, so the user stays.
	if again, _, err := ListKeys(ctx, p.IAM, u.name, 0); err != nil || len(again) > 0 {
		if err == nil {
			p.Warnf("Skipped user %s: it was given an access key meanwhile", u.name)
			return nil
		}
		if awsclient.IsNotFound(err) {
			return nil
		}
		return p.couldNot(ctx, "user "+u.name, "list the access keys of user "+u.name, err)
	}
	p.Logf("User %s: %s", u.name, why)
	return p.deleteUser(ctx, u.name)
}

// unusedKey deletes access key k of u if the tool made it and it has gone
// unused for long enough; done says it is deleted (or, in a dry run,
// would be).
func (p *Pruner) unusedKey(ctx context.Context, u user, k iamtypes.AccessKeyMetadata) (done bool, err error) {
	id := aws.ToString(k.AccessKeyId)
	if _, ok := iambulk.Tag(u.tags, credentials.KeyTag(id)); !ok {
		if p.DryRun {
			p.Logf("Left alone: access key %s of user %s, which s3-credentials did not make (or made before it marked its keys)", id, u.name)
		}
		return false, nil
	}
	use, err := LastUsed(ctx, p.IAM, id)
	if awsclient.IsNotFound(err) {
		return true, nil // deleted meanwhile
	}
	if err != nil {
		return false, p.couldNot(ctx, "access key "+id+" of user "+u.name, "tell when access key "+id+" of user "+u.name+" was last used", err)
	}
	if use.Now.IsZero() {
		// Without IAM's time only this machine's clock could say how
		// long ago the last use was: not good enough to delete a key.
		p.Warnf("Warning: IAM's answer about access key %s of user %s carries no time, so it was left alone", id, u.name)
		return false, nil
	}
	since, why := aws.ToTime(k.CreateDate), ""
	if use.LastUsed.IsZero() {
		why = fmt.Sprintf("never used, made %s ago", days(use.Now.Sub(since)))
	} else {
		if use.LastUsed.After(since) {
			since = use.LastUsed
		}
		why = "last used " + use.Words(use.Now)
	}
	if since.IsZero() || use.Now.Sub(since) < p.UnusedFor {
		return false, nil
	}
	line := u.name + " " + id
	if p.DryRun {
		p.Logf("Would delete access key %s of user %s: %s", id, u.name, why)
		return true, p.Deleted(line)
	}
	var lost undo.LostAnswers
	_, err = p.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(u.name), AccessKeyId: aws.String(id)}, lost.Option())
	if awsclient.IsNotFound(err) && lost.Happened() {
		err = nil // deleted by an attempt whose answer was lost
	}
	if awsclient.IsNotFound(err) {
		// Another run (an overlapping prune) deleted it: done, but not
		// by this run, which does not name it.
		p.Logf("Access key %s of user %s: deleted by someone else meanwhile", id, u.name)
		return true, nil
	}
	if err != nil {
		return false, p.couldNot(ctx, "access key "+id+" of user "+u.name, "delete access key "+id+" of user "+u.name, err)
	}
	credentials.UnmarkKey(ctx, p.IAM, u.name, id)
	p.Logf("Deleted access key %s of user %s: %s", id, u.name, why)
	return true, p.Deleted(line)
}

// couldNot reports what could not be done and goes on; an interrupt ends
// the run.
func (p *Pruner) couldNot(ctx context.Context, what, doing string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	p.Warnf("Could not %s, so it was left alone: %s", doing, awsclient.ErrorMessage(err))
	p.failed = append(p.failed, what)
	return nil
}

// days is a length of time in whole days: "1 day", "12 days".
func days(d time.Duration) string {
	return message.Count(Days(d), "day")
}
