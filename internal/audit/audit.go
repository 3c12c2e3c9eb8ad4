// Package audit answers "who can reach this bucket?": it reads the
// policies of every IAM user and role (inline, attached, and their
// groups') and reports, per principal, bucket and policy, the access
// granted (as policy.Analyze names it), the user's expiry tag and access
// keys. What cannot be read is shown as such, and the run goes on.
package audit

import (
	"context"
	"sync"
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
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/users"
	"github.com/s3-credentials/s3-credentials/policy"
)

// ExpiresTag is the tag `create --expires` puts on users: when their
// credentials stop working, as policy.TimeFormat.
const ExpiresTag = credentials.ExpiresTag

// Headers are the columns of audit's CSV and TSV output.
var Headers = []string{"Type", "Name", "Bucket", "Access", "Prefixes", "Keys", "Policy", "Expires", "AccessKeys"}

// IAMAPI names the IAM calls an audit makes.
type IAMAPI interface {
	iam.ListUsersAPIClient
	iam.ListRolesAPIClient
	iam.ListUserPoliciesAPIClient
	iam.ListAttachedUserPoliciesAPIClient
	iam.ListGroupsForUserAPIClient
	iam.ListGroupPoliciesAPIClient
	iam.ListAttachedGroupPoliciesAPIClient
	iam.ListRolePoliciesAPIClient
	iam.ListAttachedRolePoliciesAPIClient
	iam.ListUserTagsAPIClient
	iam.ListRoleTagsAPIClient
	iam.ListAccessKeysAPIClient
	GetUserPolicy(context.Context, *iam.GetUserPolicyInput, ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
	GetGroupPolicy(context.Context, *iam.GetGroupPolicyInput, ...func(*iam.Options)) (*iam.GetGroupPolicyOutput, error)
	GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	GetAccessKeyLastUsed(context.Context, *iam.GetAccessKeyLastUsedInput, ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error)
	iambulk.DetailsAPI
	iambulk.ReportAPI
	// Whether a principal or group that could not be read was deleted
	// while the audit ran.
	GetUser(context.Context, *iam.GetUserInput, ...func(*iam.Options)) (*iam.GetUserOutput, error)
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetGroup(context.Context, *iam.GetGroupInput, ...func(*iam.Options)) (*iam.GetGroupOutput, error)
}

// Auditor lists who can reach which buckets.
type Auditor struct {
	IAM IAMAPI
	// Buckets limits the report to grants that reach these buckets (a
	// grant on every bucket, "*", reaches them all). Empty: every grant.
	Buckets []string
	// PageSize is asked of every listing call (0: the service's default).
	PageSize int32
	// Steps receives warnings (a policy that is not JSON).
	message.Steps

	managed sync.Map // policy ARN -> *managedPolicy
	// account and report, when IAM gives them, answer most questions in
	// bulk (see iambulk); nil: asked one principal at a time.
	account *iambulk.Account
	report  *iambulk.Report
}

// managedPolicy is a managed policy's grants, fetched once however many
// principals it is attached to.
type managedPolicy struct {
	once   sync.Once
	grants []policy.Grant
	err    error
}

// policyGrants is one policy of a principal and what it grants.
type policyGrants struct {
	name   string // inline:NAME, ARN, or group:GROUP/...
	grants []policy.Grant
	// unreadable: the policies could not be read (name says which and
	// why); they may reach any bucket.
	unreadable bool
}

// Run calls emit with one row per principal, bucket and policy: users
// first, then roles, in AWS's order, several principals looked at at once.
// Principals with no S3 access are left out.
func (a *Auditor) Run(ctx context.Context, emit func(pyjson.Map) error) error {
	emitAll := func(rows []pyjson.Map) error {
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}
	if err := a.readBulk(ctx); err != nil {
		return err
	}
	users := func(ctx context.Context, yield func(principal) error) error {
		if a.account != nil {
			for i := range a.account.Users {
				u := &a.account.Users[i]
				if err := yield(principal{name: u.UserName, user: u}); err != nil {
					return err
				}
			}
			return nil
		}
		return listing.Users(ctx, a.IAM, a.PageSize, func(u iamtypes.User) error { return yield(principal{name: u.UserName}) }, nil)
	}
	if err := ordered.Run(ctx, listing.DetailWorkers, users, a.userRows, emitAll); err != nil {
		return err
	}
	roles := func(ctx context.Context, yield func(principal) error) error {
		if a.account != nil {
			for i := range a.account.Roles {
				r := &a.account.Roles[i]
				if err := yield(principal{name: r.RoleName, role: r}); err != nil {
					return err
				}
			}
			return nil
		}
		p := iam.NewListRolesPaginator(a.IAM, &iam.ListRolesInput{MaxItems: a.maxItems()})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, r := range page.Roles {
				if err := yield(principal{name: r.RoleName}); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return ordered.Run(ctx, listing.DetailWorkers, roles, a.roleRows, emitAll)
}

// principal is a user or role to audit: its name, and its details when
// IAM gave them in bulk.
type principal struct {
	name *string
	user *iamtypes.UserDetail
	role *iamtypes.RoleDetail
}

// readBulk asks IAM for the account's details and its credential report.
// Where it refuses (or a server does not offer them), it says so once and
// the audit asks principal by principal instead.
func (a *Auditor) readBulk(ctx context.Context) error {
	acct, err := iambulk.DetailsOrSay(ctx, a.IAM, true, a.PageSize, a.Warnf)
	if err != nil || acct == nil {
		return err
	}
	a.account = acct
	a.report, err = iambulk.CredentialReportOrSay(ctx, a.IAM, "asking when each access key was last used one key at a time", a.Warnf)
	return err
}

func (a *Auditor) maxItems() *int32 {
	if a.PageSize > 0 {
		return aws.Int32(a.PageSize)
	}
	return nil
}

// part is one kind of detail of a principal, read with one listing.
type part struct {
	what string // as the report names it: "inline policies"
	read func() error
	// field, for a part that is not policies, is the column left empty
	// (null) when it cannot be read.
	field string
}

// readParts reads each part of a principal. A part the service refuses to
// give (AccessDenied, or NoSuchEntity from a server that lists an identity
// it has no details for, as SeaweedFS does its static admin) becomes a
// policyGrants that says so, and the audit goes on; gone reports a
// principal deleted since it was listed, which is left out. Other errors
// (the network, an interrupt) end the audit.
func (a *Auditor) readParts(kind, name string, exists func() bool, parts []part, all *[]policyGrants) (gone bool, err error) {
	for _, p := range parts {
		err := p.read()
		if err == nil || awsclient.IsNotImplemented(err) {
			continue // an endpoint without this kind of thing: the principal has none
		}
		if !awsclient.IsRefusal(err) {
			return false, err
		}
		if awsclient.IsNotFound(err) && !exists() {
			return true, nil
		}
		if p.field != "" {
			a.Warnf("Warning: the %s of %s %s could not be read (%s); %s left empty", p.what, kind, name, awsclient.ErrorMessage(err), p.field)
			continue
		}
		a.Warnf("Warning: the %s of %s %s could not be read (%s); shown with Access unknown", p.what, kind, name, awsclient.ErrorMessage(err))
		*all = append(*all, policyGrants{name: "(" + p.what + " could not be read: " + awsclient.ErrorMessage(err) + ")", unreadable: true})
	}
	return false, nil
}

func (a *Auditor) userRows(ctx context.Context, p principal) ([]pyjson.Map, error) {
	name := p.name
	exists := func() bool {
		_, err := a.IAM.GetUser(ctx, &iam.GetUserInput{UserName: name})
		return !awsclient.IsNotFound(err)
	}
	var all []policyGrants
	var tags []iamtypes.Tag
	tagsKnown := true
	if u := p.user; u != nil {
		owner := "user " + aws.ToString(name)
		for _, pol := range u.UserPolicyList {
			all = append(all, a.inline("inline:"+aws.ToString(pol.PolicyName), owner, pol.PolicyDocument))
		}
		if err := a.attached(ctx, "", u.AttachedManagedPolicies, &all); err != nil {
			return nil, err
		}
		for _, g := range u.GroupList {
			if err := a.groupDetails(ctx, g, &all); err != nil {
				return nil, err
			}
		}
		if !a.reaches(all) {
			return nil, nil
		}
		tags = u.Tags
	} else {
		gone, err := a.readParts("user", aws.ToString(name), exists, []part{
			{"inline policies", func() error {
				return pages(ctx, iam.NewListUserPoliciesPaginator(a.IAM, &iam.ListUserPoliciesInput{UserName: name, MaxItems: a.maxItems()}),
					func(o *iam.ListUserPoliciesOutput) error {
						for _, p := range o.PolicyNames {
							out, err := a.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: name, PolicyName: aws.String(p)})
							if awsclient.IsNotFound(err) && exists() {
								continue // deleted since it was listed
							}
							if err != nil {
								return err
							}
							all = append(all, a.inline("inline:"+p, "user "+aws.ToString(name), out.PolicyDocument))
						}
						return nil
					})
			}, ""},
			{"attached policies", func() error {
				return pages(ctx, iam.NewListAttachedUserPoliciesPaginator(a.IAM, &iam.ListAttachedUserPoliciesInput{UserName: name, MaxItems: a.maxItems()}),
					func(o *iam.ListAttachedUserPoliciesOutput) error {
						return a.attached(ctx, "", o.AttachedPolicies, &all)
					})
			}, ""},
			{"groups", func() error {
				return pages(ctx, iam.NewListGroupsForUserPaginator(a.IAM, &iam.ListGroupsForUserInput{UserName: name, MaxItems: a.maxItems()}),
					func(o *iam.ListGroupsForUserOutput) error {
						for _, g := range o.Groups {
							if err := a.groupPolicies(ctx, g.GroupName, &all); err != nil {
								return err
							}
						}
						return nil
					})
			}, ""},
		}, &all)
		if gone || err != nil || !a.reaches(all) {
			return nil, err
		}
	}
	keys := []any{}
	var details []part
	if p.user == nil {
		details = append(details, part{"tags", func() (err error) {
			tags, err = pagesOfTags(iam.NewListUserTagsPaginator(a.IAM, &iam.ListUserTagsInput{UserName: name, MaxItems: a.maxItems()}))(ctx)
			tagsKnown = err == nil
			return err
		}, "Expires"})
	}
	details = append(details, part{"access keys", func() (err error) {
		marked := func(id string) any {
			if !tagsKnown {
				return nil
			}
			_, ok := iambulk.Tag(tags, credentials.KeyTag(id))
			return ok
		}
		if keys, err = a.accessKeys(ctx, name, marked); err != nil {
			keys = nil
		}
		return err
	}, "AccessKeys"})
	gone, err := a.readParts("user", aws.ToString(name), exists, details, &all)
	if gone || err != nil {
		return nil, err
	}
	var expires any
	if tagsKnown {
		expires = tagValue(tags)
	}
	return a.rows("user", aws.ToString(name), all, expires, keys), nil
}

// groupDetails adds the policies of one of a user's groups, from the
// account's details.
func (a *Auditor) groupDetails(ctx context.Context, group string, all *[]policyGrants) error {
	g, ok := a.account.Groups[group]
	if !ok {
		return nil // deleted between the pages of the details
	}
	prefix := "group:" + group + "/"
	for _, pol := range g.GroupPolicyList {
		*all = append(*all, a.inline(prefix+"inline:"+aws.ToString(pol.PolicyName), "group "+group, pol.PolicyDocument))
	}
	return a.attached(ctx, prefix, g.AttachedManagedPolicies, all)
}

func (a *Auditor) roleRows(ctx context.Context, p principal) ([]pyjson.Map, error) {
	name := p.name
	if r := p.role; r != nil {
		var all []policyGrants
		for _, pol := range r.RolePolicyList {
			all = append(all, a.inline("inline:"+aws.ToString(pol.PolicyName), "role "+aws.ToString(name), pol.PolicyDocument))
		}
		if err := a.attached(ctx, "", r.AttachedManagedPolicies, &all); err != nil || !a.reaches(all) {
			return nil, err
		}
		return a.rows("role", aws.ToString(name), all, tagValue(r.Tags), nil), nil
	}
	exists := func() bool {
		_, err := a.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: name})
		return !awsclient.IsNotFound(err)
	}
	var all []policyGrants
	gone, err := a.readParts("role", aws.ToString(name), exists, []part{
		{"inline policies", func() error {
			return pages(ctx, iam.NewListRolePoliciesPaginator(a.IAM, &iam.ListRolePoliciesInput{RoleName: name, MaxItems: a.maxItems()}),
				func(o *iam.ListRolePoliciesOutput) error {
					for _, p := range o.PolicyNames {
						out, err := a.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: name, PolicyName: aws.String(p)})
						if awsclient.IsNotFound(err) && exists() {
							continue // deleted since it was listed
						}
						if err != nil {
							return err
						}
						all = append(all, a.inline("inline:"+p, "role "+aws.ToString(name), out.PolicyDocument))
					}
					return nil
				})
		}, ""},
		{"attached policies", func() error {
			return pages(ctx, iam.NewListAttachedRolePoliciesPaginator(a.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: name, MaxItems: a.maxItems()}),
				func(o *iam.ListAttachedRolePoliciesOutput) error {
					return a.attached(ctx, "", o.AttachedPolicies, &all)
				})
		}, ""},
	}, &all)
	if gone || err != nil || !a.reaches(all) {
		return nil, err
	}
	var expires any
	gone, err = a.readParts("role", aws.ToString(name), exists, []part{
		{"tags", func() (err error) {
			expires, err = a.expiresTag(ctx, pagesOfTags(iam.NewListRoleTagsPaginator(a.IAM, &iam.ListRoleTagsInput{RoleName: name, MaxItems: a.maxItems()})))
			return err
		}, "Expires"},
	}, &all)
	if gone || err != nil {
		return nil, err
	}
	return a.rows("role", aws.ToString(name), all, expires, nil), nil
}

// groupPolicies adds the policies of one of a user's groups. A group
// deleted since the user's groups were listed gives nothing.
func (a *Auditor) groupPolicies(ctx context.Context, group *string, all *[]policyGrants) error {
	err := a.groupPoliciesOf(ctx, group, all)
	if awsclient.IsNotFound(err) {
		if _, gerr := a.IAM.GetGroup(ctx, &iam.GetGroupInput{GroupName: group, MaxItems: aws.Int32(1)}); awsclient.IsNotFound(gerr) {
			return nil
		}
	}
	return err
}

func (a *Auditor) groupPoliciesOf(ctx context.Context, group *string, all *[]policyGrants) error {
	prefix := "group:" + aws.ToString(group) + "/"
	err := pages(ctx, iam.NewListGroupPoliciesPaginator(a.IAM, &iam.ListGroupPoliciesInput{GroupName: group, MaxItems: a.maxItems()}),
		func(o *iam.ListGroupPoliciesOutput) error {
			for _, p := range o.PolicyNames {
				out, err := a.IAM.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: group, PolicyName: aws.String(p)})
				if err != nil {
					return err
				}
				*all = append(*all, a.inline(prefix+"inline:"+p, "group "+aws.ToString(group), out.PolicyDocument))
			}
			return nil
		})
	if err != nil {
		return err
	}
	return pages(ctx, iam.NewListAttachedGroupPoliciesPaginator(a.IAM, &iam.ListAttachedGroupPoliciesInput{GroupName: group, MaxItems: a.maxItems()}),
		func(o *iam.ListAttachedGroupPoliciesOutput) error {
			return a.attached(ctx, prefix, o.AttachedPolicies, all)
		})
}

// inline analyses an inline policy; one that is not JSON is skipped with a
// warning (IAM would not have accepted it, but a fake server might).
func (a *Auditor) inline(name, owner string, document *string) policyGrants {
	grants, err := policy.Analyze([]byte(iambulk.DecodeDocument(aws.ToString(document))))
	if err != nil {
		a.Warnf("Warning: policy %s of %s is not JSON (%v); left out", name, owner, err)
	}
	return policyGrants{name: name, grants: grants}
}

func (a *Auditor) attached(ctx context.Context, prefix string, policies []iamtypes.AttachedPolicy, all *[]policyGrants) error {
	for _, p := range policies {
		arn := aws.ToString(p.PolicyArn)
		v, _ := a.managed.LoadOrStore(arn, &managedPolicy{})
		m := v.(*managedPolicy)
		m.once.Do(func() {
			if doc, ok := a.localPolicy(arn); ok {
				m.grants = a.analyzeManaged(arn, doc)
				return
			}
			m.grants, m.err = a.fetchManaged(ctx, arn)
		})
		if awsclient.IsNotFound(m.err) {
			continue // deleted since it was listed: it grants nothing
		}
		if m.err != nil {
			return m.err
		}
		*all = append(*all, policyGrants{name: prefix + arn, grants: m.grants})
	}
	return nil
}

func (a *Auditor) fetchManaged(ctx context.Context, arn string) ([]policy.Grant, error) {
	pol, err := a.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return nil, err
	}
	if pol.Policy == nil {
		return nil, nil
	}
	ver, err := a.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: pol.Policy.DefaultVersionId})
	if err != nil {
		return nil, err
	}
	if ver.PolicyVersion == nil {
		return nil, nil
	}
	return a.analyzeManaged(arn, aws.ToString(ver.PolicyVersion.Document)), nil
}

// localPolicy is the document of a customer managed policy from the
// account's details, when they were read.
func (a *Auditor) localPolicy(arn string) (string, bool) {
	if a.account == nil {
		return "", false
	}
	doc, ok := a.account.Policies[arn]
	return doc, ok
}

func (a *Auditor) analyzeManaged(arn, document string) []policy.Grant {
	grants, err := policy.Analyze([]byte(iambulk.DecodeDocument(document)))
	if err != nil {
		a.Warnf("Warning: managed policy %s is not JSON (%v); left out", arn, err)
	}
	return grants
}

// reaches says whether any grant reaches the buckets asked about.
func (a *Auditor) reaches(all []policyGrants) bool {
	for _, p := range all {
		if p.unreadable {
			return true
		}
		for _, g := range p.grants {
			if a.wanted(g) {
				return true
			}
		}
	}
	return false
}

func (a *Auditor) wanted(g policy.Grant) bool {
	if len(a.Buckets) == 0 {
		return true
	}
	for _, b := range a.Buckets {
		if g.Matches(b) {
			return true
		}
	}
	return false
}

func (a *Auditor) rows(kind, name string, all []policyGrants, expires any, keys []any) []pyjson.Map {
	var rows []pyjson.Map
	for _, p := range all {
		if p.unreadable {
			p.grants = []policy.Grant{{Access: "unknown", Prefixes: []string{}, Keys: []string{}}}
		}
		for _, g := range p.grants {
			var bucket any = g.Bucket
			if p.unreadable {
				bucket = nil
			} else if !a.wanted(g) {
				continue
			}
			row := pyjson.Map{
				{Key: "Type", Value: kind},
				{Key: "Name", Value: name},
				{Key: "Bucket", Value: bucket},
				{Key: "Access", Value: g.Access},
				{Key: "Prefixes", Value: g.Prefixes},
				{Key: "Keys", Value: g.Keys},
				{Key: "Policy", Value: p.name},
				{Key: "Expires", Value: expires},
			}
			if kind == "user" {
				row = append(row, pyjson.Field{Key: "AccessKeys", Value: keys})
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// expiresTag is the value of the expiry tag, or nil.
func (a *Auditor) expiresTag(ctx context.Context, tags func(context.Context) ([]iamtypes.Tag, error)) (any, error) {
	list, err := tags(ctx)
	if err != nil {
		return nil, err
	}
	return tagValue(list), nil
}

// tagValue is the value of the expiry tag among tags, or nil.
func tagValue(tags []iamtypes.Tag) any {
	if v, ok := iambulk.Tag(tags, ExpiresTag); ok {
		return v
	}
	return nil
}

// accessKeys describes the user's access keys: when each was made and last
// used (with which service, in which region), in IAM's words and, as ages,
// by IAM's clock; and whether the tool made it (marked: true, false, or
// nil when the user's tags could not be read).
func (a *Auditor) accessKeys(ctx context.Context, user *string, marked func(id string) any) ([]any, error) {
	list, now, err := users.ListKeys(ctx, a.IAM, aws.ToString(user), a.PageSize)
	if err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = time.Now()
	}
	keys := []any{}
	for _, k := range list {
		u, err := a.usage(ctx, aws.ToString(user), k)
		if err != nil {
			return nil, err
		}
		e := KeyEntry(k, u, now)
		e.Set("MadeByS3Credentials", marked(aws.ToString(k.AccessKeyId)))
		keys = append(keys, e)
	}
	return keys, nil
}

// usage is when key k of user was last used: from the credential report
// when it knows the key well enough, else asked of IAM.
func (a *Auditor) usage(ctx context.Context, user string, k iamtypes.AccessKeyMetadata) (users.KeyUsage, error) {
	if a.report != nil {
		if r, ok := a.report.Key(user, aws.ToTime(k.CreateDate)); ok && (r.LastUsed.IsZero() || r.Service != "") {
			return users.KeyUsage{LastUsed: r.LastUsed, Service: r.Service, Region: r.Region}, nil
		}
	}
	u, err := users.LastUsed(ctx, a.IAM, aws.ToString(k.AccessKeyId))
	if awsclient.IsNotImplemented(err) {
		return users.KeyUsage{Unknown: true}, nil // a server that does not keep it
	}
	return u, err
}

// KeyEntry is how audit shows one access key, u its last use and now
// IAM's time.
func KeyEntry(k iamtypes.AccessKeyMetadata, u users.KeyUsage, now time.Time) pyjson.Map {
	m := pyjson.Map{}
	m.Put("AccessKeyId", k.AccessKeyId)
	m.Put("Status", string(k.Status))
	m.Put("CreateDate", k.CreateDate)
	var last, service, region any
	if !u.LastUsed.IsZero() {
		last = u.LastUsed
	}
	if u.Service != "" {
		service = u.Service
	}
	if u.Region != "" {
		region = u.Region
	}
	m.Set("LastUsedDate", last)
	m.Set("LastUsedService", service)
	m.Set("LastUsedRegion", region)
	m.Set("LastUsed", u.Words(now))
	var age any
	if k.CreateDate != nil {
		age = users.Days(now.Sub(*k.CreateDate))
	}
	m.Set("AgeDays", age)
	return m
}

// pager is what the SDK's paginators have in common.
type pager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*iam.Options)) (O, error)
}

func pages[O any](ctx context.Context, p pager[O], each func(O) error) error {
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		if err := each(page); err != nil {
			return err
		}
	}
	return nil
}

type tagPage interface {
	*iam.ListUserTagsOutput | *iam.ListRoleTagsOutput
}

func pagesOfTags[O tagPage](p pager[O]) func(context.Context) ([]iamtypes.Tag, error) {
	return func(ctx context.Context) ([]iamtypes.Tag, error) {
		var tags []iamtypes.Tag
		err := pages(ctx, p, func(o O) error {
			switch x := any(o).(type) {
			case *iam.ListUserTagsOutput:
				tags = append(tags, x.Tags...)
			case *iam.ListRoleTagsOutput:
				tags = append(tags, x.Tags...)
			}
			return nil
		})
		return tags, err
	}
}
