package roles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/iambulk"
	"github.com/s3-credentials/s3-credentials/internal/message"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/policycheck"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/undo"
)

// IAMAPI names the IAM calls that make roles: create-role's and the
// tool's own.
type IAMAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	UpdateRole(context.Context, *iam.UpdateRoleInput, ...func(*iam.Options)) (*iam.UpdateRoleOutput, error)
	UpdateAssumeRolePolicy(context.Context, *iam.UpdateAssumeRolePolicyInput, ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	AttachRolePolicy(context.Context, *iam.AttachRolePolicyInput, ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
	DetachRolePolicy(context.Context, *iam.DetachRolePolicyInput, ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error)
	DeleteRole(context.Context, *iam.DeleteRoleInput, ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	PutRolePolicy(context.Context, *iam.PutRolePolicyInput, ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	DeleteRolePolicy(context.Context, *iam.DeleteRolePolicyInput, ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	ListRolePolicies(context.Context, *iam.ListRolePoliciesInput, ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	TagRole(context.Context, *iam.TagRoleInput, ...func(*iam.Options)) (*iam.TagRoleOutput, error)
	UntagRole(context.Context, *iam.UntagRoleInput, ...func(*iam.Options)) (*iam.UntagRoleOutput, error)
}

// Creator makes roles.
type Creator struct {
	IAM IAMAPI
	STS IdentityAPI
	// Steps receives one line per step taken, warnings and undo reports.
	*message.Steps
}

// createdRoleDescription is the Description create-role gives its roles.
const createdRoleDescription = "Created by s3-credentials create-role: one inline policy per bucket"

// Request is a role to make with its inline policies, or with Update to
// bring up to date.
type Request struct {
	Name string
	// Policies are the role's inline policies (create-role's: one per
	// bucket, named and written as create writes a user's), in order.
	Policies []Policy
	// Replaces says which inline policies of an existing role Update
	// replaces: those not among Policies are deleted. Nil: only those
	// named in Policies.
	Replaces func(policyName string) bool
	// Trust is who may assume the role (see ParseTrust). Empty means the
	// account of the credentials in use; with Update it means the trust
	// policy is left as it is.
	Trust []Principal
	// MaxSessionDuration is in seconds. Zero means 12 hours for a new
	// role, and no change with Update.
	MaxSessionDuration int
	// Update allows an existing role: its policies are replaced.
	Update bool
	// Tags go on the role; with Update they are added or changed.
	Tags []iamtypes.Tag
	// Note, when set, is said by the dry run before the policies.
	Note string
}

// Policy is one inline policy of a role: its name and document.
type Policy struct {
	Name     string
	Document any
}

// sessionDuration is the MaxSessionDuration a new role gets.
func (r *Request) sessionDuration() int {
	if r.MaxSessionDuration == 0 {
		return MaxSessionDuration
	}
	return r.MaxSessionDuration
}

// CheckName refuses what cannot be the name of a role create-role makes.
func CheckName(name string) error {
	if err := names.CheckRoleName(name); err != nil {
		return errors.New("Invalid role name: " + err.Error())
	}
	if name == ToolRole {
		return fmt.Errorf("%s is the role create --duration assumes, with full S3 access that each session narrows; choose another name", ToolRole)
	}
	return nil
}

// Validate checks what can be checked without AWS: the name, the session
// duration, tags and the sizes of the policies.
func (r *Request) Validate() error {
	if err := CheckName(r.Name); err != nil {
		return err
	}
	if d := r.MaxSessionDuration; d != 0 && (d < MinSessionDuration || d > MaxSessionDuration) {
		return fmt.Errorf("MaxSessionDuration must be between 1 and 12 hours, not %d seconds", d)
	}
	if len(r.Tags) > MaxTags {
		return fmt.Errorf("%d tags given; IAM allows at most %d per role", len(r.Tags), MaxTags)
	}
	total := 0
	for _, p := range r.Policies {
		total += policycheck.Size(p.Document)
	}
	if total > policycheck.MaxRoleInlinePolicyChars {
		return fmt.Errorf("The inline policies for role %q would total %d characters; IAM allows at most %d per role. Use fewer buckets, keys or statements per role", r.Name, total, policycheck.MaxRoleInlinePolicyChars)
	}
	if n := len(pyjson.EncodeCompact(TrustPolicy(r.Trust, "123456789012", false))); n > MaxTrustPolicyChars {
		return fmt.Errorf("The trust policy would be %d characters long; IAM allows %d by default. Trust fewer principals", n, MaxTrustPolicyChars)
	}
	return nil
}

// replaces says whether an existing inline policy is Update's to replace.
func (r *Request) replaces(policyName string) bool {
	return (r.Replaces != nil && r.Replaces(policyName)) ||
		slices.ContainsFunc(r.Policies, func(p Policy) bool { return p.Name == policyName })
}

// Result names the role create-role made or updated.
type Result struct {
	RoleName string
	Arn      string
}

// Document is the result as create-role prints it.
func (r *Result) Document() pyjson.Map {
	return pyjson.Map{{Key: "RoleName", Value: r.RoleName}, {Key: "Arn", Value: r.Arn}}
}

// Create makes a role with its inline policies, or with r.Update replaces
// those of an existing one. When a step after the first change fails, or
// the run is interrupted, every change is undone and reported, as create
// does.
func (c *Creator) Create(ctx context.Context, r *Request) (res *Result, err error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	name := r.Name

	// Everything that can fail without changing anything comes first.
	var existing *iamtypes.Role
	got, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	switch {
	case err == nil && got.Role != nil:
		if !r.Update {
			return nil, fmt.Errorf("Role %s already exists; nothing was changed. Use --update to replace its bucket policies", name)
		}
		existing = got.Role
	case err != nil && !noSuchEntity(err):
		return nil, err
	}
	account := ""
	if NeedsAccount(r.Trust) && (existing == nil || len(r.Trust) > 0) {
		ident, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, err
		}
		if account = aws.ToString(ident.Account); account == "" {
			return nil, errors.New("GetCallerIdentity returned no account")
		}
	}
	var previous map[string]string
	if existing != nil {
		if previous, err = c.roleBucketPolicies(ctx, r); err != nil {
			return nil, err
		}
	}

	u := undo.New(c.Steps)
	defer func() {
		if err != nil {
			u.Run(ctx)
		}
	}()

	var arn string
	if existing == nil {
		if arn, err = c.createNamedRole(ctx, r, account, u); err != nil {
			return nil, err
		}
	} else {
		arn = aws.ToString(existing.Arn)
		if err := c.updateNamedRole(ctx, r, existing, account, u); err != nil {
			return nil, err
		}
	}
	for _, p := range r.Policies {
		if err := c.putRolePolicy(ctx, name, p, previous, u); err != nil {
			return nil, err
		}
	}
	if existing != nil {
		if err := c.deleteStaleRolePolicies(ctx, r, previous, u); err != nil {
			return nil, err
		}
	}
	return &Result{RoleName: name, Arn: arn}, nil
}

// roleBucketPolicies reads the existing role's inline policies that this
// run may replace or delete (r.Replaces).
func (c *Creator) roleBucketPolicies(ctx context.Context, r *Request) (map[string]string, error) {
	name := r.Name
	docs := map[string]string{}
	p := iam.NewListRolePoliciesPaginator(c.IAM, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, pn := range page.PolicyNames {
			if !r.replaces(pn) {
				continue
			}
			out, err := c.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn)})
			if err != nil {
				return nil, fmt.Errorf("Could not read inline policy %s of role %s, which would be needed to put it back if the update failed; nothing was changed: %s", pn, name, awsclient.ErrorMessage(err))
			}
			if out.PolicyDocument == nil {
				return nil, fmt.Errorf("GetRolePolicy returned no document for %s", pn)
			}
			docs[pn] = iambulk.DecodeDocument(aws.ToString(out.PolicyDocument))
		}
	}
	return docs, nil
}

// createNamedRole makes the role, trusted as asked, with its tags.
func (c *Creator) createNamedRole(ctx context.Context, r *Request, account string, u *undo.Log) (string, error) {
	name := r.Name
	trust := TrustPolicy(r.Trust, account, false)
	in := &iam.CreateRoleInput{
		RoleName:                 aws.String(name),
		Description:              aws.String(createdRoleDescription),
		AssumeRolePolicyDocument: aws.String(string(pyjson.EncodeCompact(trust))),
		MaxSessionDuration:       aws.Int32(int32(r.sessionDuration())),
		Tags:                     r.Tags,
	}
	var lost undo.LostAnswers
	out, err := c.IAM.CreateRole(ctx, in, lost.Option())
	if lost.Happened() && awsclient.ErrorCode(err) == "EntityAlreadyExists" {
		// Missing a moment ago: an attempt whose answer was lost made it.
		err = nil
		out = nil
	}
	if err != nil && !undo.UnknownOutcome(err) {
		if awsclient.ErrorCode(err) == "EntityAlreadyExists" {
			return "", fmt.Errorf("Role %s was created by someone else meanwhile; nothing was changed. Use --update to replace its bucket policies", name)
		}
		return "", err
	}
	u.Push("role "+name, func(ctx context.Context) (string, error) { return c.deleteNewRole(ctx, name) })
	if err != nil {
		return "", err
	}
	var arn string
	if out != nil && out.Role != nil {
		arn = aws.ToString(out.Role.Arn)
	}
	if arn == "" {
		got, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		if err != nil {
			return "", err
		}
		if got.Role == nil || got.Role.Arn == nil {
			return "", errors.New("GetRole returned no role")
		}
		arn = aws.ToString(got.Role.Arn)
	}
	line := fmt.Sprintf("Created role: '%s' with MaxSessionDuration %d seconds, trusted by: %s", name, r.sessionDuration(), Trusted(trust))
	if len(r.Tags) > 0 {
		line += ", tagged " + TagList(r.Tags)
	}
	c.Logf("%s", line)
	return arn, nil
}

// deleteNewRole takes back a role this run created, with any inline policy
// it still holds (one whose PutRolePolicy answer was lost): IAM refuses to
// delete a role that has any. Nothing is said when the role was never made.
// A server that cannot list inline policies still gets the DeleteRole.
func (c *Creator) deleteNewRole(ctx context.Context, name string) (string, error) {
	var listErr error
	p := iam.NewListRolePoliciesPaginator(c.IAM, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if noSuchEntity(err) {
			return "", nil
		}
		if err != nil {
			listErr = err
			break
		}
		for _, pn := range page.PolicyNames {
			if _, err := c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn)}); err != nil && !noSuchEntity(err) {
				return "", err
			}
			c.Warnf("Undone: deleted inline policy %s from role %s", pn, name)
		}
	}
	if _, err := c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)}); err != nil {
		if noSuchEntity(err) {
			return "", nil
		}
		if listErr != nil {
			return "", fmt.Errorf("%s (listing its inline policies failed: %s)", awsclient.ErrorMessage(err), awsclient.ErrorMessage(listErr))
		}
		return "", err
	}
	return "deleted role " + name, nil
}

// noSuchEntity says IAM answered that the role or policy does not exist.
// (A bare 404 is not enough: servers that lack an action answer 404 too.)
func noSuchEntity(err error) bool { return awsclient.ErrorCode(err) == "NoSuchEntity" }

// updateNamedRole changes what was asked of an existing role: its trust
// policy and MaxSessionDuration only when given, and its tags. Each change
// is undone by putting back what was there.
func (c *Creator) updateNamedRole(ctx context.Context, r *Request, role *iamtypes.Role, account string, u *undo.Log) error {
	name := r.Name
	if len(r.Trust) > 0 {
		trust := TrustPolicy(r.Trust, account, false)
		old := iambulk.DecodeDocument(aws.ToString(role.AssumeRolePolicyDocument))
		if old == "" {
			return fmt.Errorf("GetRole returned no trust policy for role %s, so it could not be put back; nothing was changed", name)
		}
		_, err := c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
			RoleName: aws.String(name), PolicyDocument: aws.String(string(pyjson.EncodeCompact(trust))),
		})
		if err != nil && !undo.UnknownOutcome(err) {
			return err
		}
		u.Push("trust policy of role "+name+" (changed)", func(ctx context.Context) (string, error) {
			_, err := c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(name), PolicyDocument: aws.String(old)})
			return "restored the previous trust policy of role " + name, err
		})
		if err != nil {
			return err
		}
		c.Logf("Updated the trust policy of role %s: trusted by: %s", name, Trusted(trust))
	}
	if d, old := r.MaxSessionDuration, int(aws.ToInt32(role.MaxSessionDuration)); d != 0 && d != old {
		// The description is sent as it is: some implementations of
		// UpdateRole clear one that is left out.
		_, err := c.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(name), MaxSessionDuration: aws.Int32(int32(d)), Description: role.Description})
		if err != nil && !undo.UnknownOutcome(err) {
			return err
		}
		u.Push("MaxSessionDuration of role "+name+" (changed)", func(ctx context.Context) (string, error) {
			_, err := c.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String(name), MaxSessionDuration: aws.Int32(int32(old)), Description: role.Description})
			return fmt.Sprintf("restored MaxSessionDuration %d of role %s", old, name), err
		})
		if err != nil {
			return err
		}
		c.Logf("Updated role %s: MaxSessionDuration was %d seconds, now %d", name, old, d)
	}
	if len(r.Tags) > 0 {
		if err := c.tagRole(ctx, name, r.Tags, role.Tags, u); err != nil {
			return err
		}
	}
	return nil
}

// tagRole adds tags to an existing role; undoing removes the new keys and
// gives changed ones their old values back.
func (c *Creator) tagRole(ctx context.Context, name string, tags, had []iamtypes.Tag, u *undo.Log) error {
	in := &iam.TagRoleInput{RoleName: aws.String(name), Tags: tags}
	old := map[string]string{}
	for _, t := range had {
		old[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	_, err := c.IAM.TagRole(ctx, in)
	if err != nil && !undo.UnknownOutcome(err) {
		return err
	}
	u.Push("tags of role "+name+" (changed)", func(ctx context.Context) (string, error) {
		var added []string
		restore := &iam.TagRoleInput{RoleName: aws.String(name)}
		for _, t := range tags {
			k := aws.ToString(t.Key)
			if v, ok := old[k]; ok {
				restore.Tags = append(restore.Tags, iamtypes.Tag{Key: t.Key, Value: aws.String(v)})
			} else if !slices.Contains(added, k) {
				added = append(added, k)
			}
		}
		if len(added) > 0 {
			if _, err := c.IAM.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(name), TagKeys: added}); err != nil {
				return "", err
			}
		}
		if len(restore.Tags) > 0 {
			if _, err := c.IAM.TagRole(ctx, restore); err != nil {
				return "", err
			}
		}
		return "restored the previous tags of role " + name, nil
	})
	if err != nil {
		return err
	}
	c.Logf("Tagged role %s: %s", name, TagList(tags))
	return nil
}

// putRolePolicy attaches one inline policy; previous holds the role's
// policies before this run, put back when it is undone.
func (c *Creator) putRolePolicy(ctx context.Context, name string, p Policy, previous map[string]string, u *undo.Log) error {
	policyName := p.Name
	_, err := c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName:       aws.String(name),
		PolicyName:     aws.String(policyName),
		PolicyDocument: aws.String(string(pyjson.EncodeCompact(p.Document))),
	})
	if err != nil && !undo.UnknownOutcome(err) {
		return err
	}
	what := "inline policy " + policyName + " of role " + name
	old, had := previous[policyName]
	if had {
		u.Push(what+" (changed)", func(ctx context.Context) (string, error) {
			return "restored the previous inline policy " + policyName + " of role " + name, c.putRolePolicyText(ctx, name, policyName, old)
		})
	} else {
		u.Push(what, func(ctx context.Context) (string, error) {
			_, err := c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(policyName)})
			if noSuchEntity(err) {
				return "", nil
			}
			return "deleted inline policy " + policyName + " from role " + name, err
		})
	}
	if err != nil {
		return err
	}
	if had {
		c.Logf("Replaced policy %s of role %s", policyName, name)
	} else {
		c.Logf("Attached policy %s to role %s", policyName, name)
	}
	return nil
}

func (c *Creator) putRolePolicyText(ctx context.Context, role, policyName, doc string) error {
	_, err := c.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(policyName), PolicyDocument: aws.String(doc)})
	return err
}

// deleteStaleRolePolicies deletes the bucket policies of an existing role
// that this run did not write: --update replaces the set, so a bucket left
// out, or a permission changed, leaves no old grant behind.
func (c *Creator) deleteStaleRolePolicies(ctx context.Context, r *Request, previous map[string]string, u *undo.Log) error {
	name := r.Name
	keep := map[string]bool{}
	for _, p := range r.Policies {
		keep[p.Name] = true
	}
	var stale []string
	for pn := range previous {
		if !keep[pn] {
			stale = append(stale, pn)
		}
	}
	slices.Sort(stale)
	for _, pn := range stale {
		_, err := c.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn)})
		if noSuchEntity(err) {
			continue // gone already: nothing to delete, nothing to put back
		}
		if err != nil && !undo.UnknownOutcome(err) {
			return err
		}
		old := previous[pn]
		u.Push("inline policy "+pn+" of role "+name+" (deleted)", func(ctx context.Context) (string, error) {
			return "restored inline policy " + pn + " of role " + name, c.putRolePolicyText(ctx, name, pn, old)
		})
		if err != nil {
			return err
		}
		c.Logf("Deleted policy %s from role %s", pn, name)
	}
	return nil
}

// DryRun writes what Create would do, making no AWS call.
func DryRun(w io.Writer, r *Request) error {
	if err := r.Validate(); err != nil {
		return err
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	name := r.Name
	line := fmt.Sprintf("Would create role: '%s' with MaxSessionDuration %d seconds", name, r.sessionDuration())
	if len(r.Tags) > 0 {
		line += ", tagged " + TagList(r.Tags)
	}
	p("%s", line)
	if r.Update {
		p("... or, if it exists, replace its bucket policies (s3.PERMISSION.BUCKET) with those below,")
		switch {
		case len(r.Trust) > 0:
			p("    set its trust policy to the one below,")
		default:
			p("    keep its trust policy,")
		}
		if r.MaxSessionDuration != 0 {
			p("    set its MaxSessionDuration to %d seconds,", r.MaxSessionDuration)
		} else {
			p("    keep its MaxSessionDuration,")
		}
		if len(r.Tags) > 0 {
			p("    and tag it with: %s", TagList(r.Tags))
		} else {
			p("    and keep its tags")
		}
	}
	if r.Update && len(r.Trust) == 0 {
		p("Trust policy, if the role is created:")
	} else {
		p("Trust policy:")
	}
	p("%s", pyjson.Encode(TrustPolicy(r.Trust, "ACCOUNT_ID", false), 4))
	if NeedsAccount(r.Trust) {
		p("(ACCOUNT_ID is the account of the credentials in use, from sts GetCallerIdentity)")
	}
	if r.Note != "" {
		p("%s", r.Note)
	}
	for _, pol := range r.Policies {
		p("Would attach policy called '%s' to role '%s', details:\n%s", pol.Name, name, pyjson.Encode(pol.Document, 4))
	}
	return nil
}

// TagList renders tags as k=v, k=v for messages.
func TagList(tags []iamtypes.Tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = aws.ToString(t.Key) + "=" + aws.ToString(t.Value)
	}
	return strings.Join(parts, ", ")
}
