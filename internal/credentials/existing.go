package credentials

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/iambulk"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/undo"
	"github.com/s3-credentials/s3-credentials/policy"
)

// An existing user: create adds a key to it and writes its policies, and
// every key the user already holds gets whatever those policies grant. So
// create never changes what the existing keys may do without being asked:
// a policy of the same name that says something else is refused, with what
// would change, unless the run says --replace-policy; and a user made with
// --expires takes only keys with the same time limit.

// userState is what the checks before any change found of the user.
type userState struct {
	exists bool
	keys   []string // its access keys before this run
	tags   []iamtypes.Tag
	// replaced are the policies this run rewrites with another document
	// (--replace-policy), with what changes, for the step lines.
	replaced map[string][]string
	// others are the user's inline policies this run does not write.
	others []string
}

// checkUser says whether the user exists and what it holds, and refuses,
// before anything is changed, what create may not do to it: a user that
// already holds the two access keys IAM allows; a policy rewritten to say
// something else without --replace-policy; a time limit added to, removed
// from or moved on a user's keys.
func (c *Creator) checkUser(ctx context.Context, r *Request) (userState, error) {
	name := r.UserName()
	_, err := c.IAM.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		if awsclient.IsNotFound(err) {
			return userState{}, nil
		}
		return userState{}, err
	}
	ids, err := c.accessKeys(ctx, name)
	if err != nil {
		return userState{}, err
	}
	if len(ids) >= MaxAccessKeysPerUser {
		return userState{}, fmt.Errorf("User %s already has %d access keys (%s), the most IAM allows per user; nothing was changed. "+
			"Delete one first (aws iam delete-access-key --user-name %s --access-key-id KEY_ID), or choose another user with --username",
			name, len(ids), strings.Join(ids, ", "), name)
	}
	st := userState{exists: true, keys: ids}
	if st.tags, err = c.userTags(ctx, name); err != nil {
		return userState{}, err
	}
	if err := checkExpiry(r, st.tags); err != nil {
		return userState{}, err
	}
	if err := c.checkPolicies(ctx, r, &st); err != nil {
		return userState{}, err
	}
	return st, nil
}

// userTags are the user's tags; a server without ListUserTags has none to
// tell.
func (c *Creator) userTags(ctx context.Context, name string) ([]iamtypes.Tag, error) {
	var tags []iamtypes.Tag
	p := iam.NewListUserTagsPaginator(c.IAM, &iam.ListUserTagsInput{UserName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if awsclient.IsNotImplemented(err) {
				return nil, nil
			}
			return nil, err
		}
		tags = append(tags, page.Tags...)
	}
	return tags, nil
}

// checkExpiry refuses to give a user made with --expires a key without
// that time limit (prune deletes the user, new key included, at that
// time, and its policies stop granting then), and --expires on a user
// whose keys have another limit or none.
func checkExpiry(r *Request, tags []iamtypes.Tag) error {
	name := r.UserName()
	tagged := ""
	for _, t := range tags {
		if aws.ToString(t.Key) == ExpiresTag {
			tagged = aws.ToString(t.Value)
		}
	}
	asked := ""
	if !r.Scope.Expires.IsZero() {
		asked = r.Scope.Expires.UTC().Format(policy.TimeFormat)
	}
	switch {
	case tagged == asked:
		return nil
	case tagged == "":
		return fmt.Errorf("User %s already exists, without a time limit; nothing was changed. --expires only goes on users create makes, or on keys of a user made with the same --expires, since prune deletes an expired user with everything it holds; choose a new --username", name)
	case asked == "":
		return fmt.Errorf("User %s was made with --expires: its credentials stop working at %s, and prune deletes it then; nothing was changed. "+
			"Give --expires %s to add a key with the same limit, or choose another --username", name, tagged, tagged)
	default:
		return fmt.Errorf("User %s was made with --expires %s, not %s; nothing was changed. "+
			"Give --expires %s to add a key with the same limit, or choose another --username", name, tagged, asked, tagged)
	}
}

// checkPolicies compares each inline policy this run would write with the
// one of that name the user already has. A different document changes
// what the user's keys may do: refused without --replace-policy, with
// what would change; with it, recorded for the step lines.
func (c *Creator) checkPolicies(ctx context.Context, r *Request, st *userState) error {
	name := r.UserName()
	have, err := c.userPolicyNames(ctx, name)
	if err != nil {
		return err
	}
	var refusals []string
	for _, b := range r.Buckets {
		policyName := r.PolicyName(b)
		if !slices.Contains(have, policyName) {
			continue
		}
		out, err := c.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(policyName)})
		if err != nil {
			if awsclient.IsNotFound(err) {
				continue // gone since it was listed
			}
			return err
		}
		doc, err := r.UserPolicy(b)
		if err != nil {
			return err
		}
		old, next := []byte(iambulk.DecodeDocument(aws.ToString(out.PolicyDocument))), pyjson.EncodeCompact(doc)
		if policy.Equivalent(old, next) {
			continue
		}
		changes := describeChange(b, old, next)
		if r.ReplacePolicy {
			if st.replaced == nil {
				st.replaced = map[string][]string{}
			}
			st.replaced[policyName] = changes
			continue
		}
		refusals = append(refusals, fmt.Sprintf("  policy %s: %s", policyName, strings.Join(changes, "; ")))
	}
	for _, p := range have {
		if !slices.ContainsFunc(r.Buckets, func(b string) bool { return r.PolicyName(b) == p }) {
			st.others = append(st.others, p)
		}
	}
	if len(refusals) == 0 {
		return nil
	}
	holders := "any key made for it later"
	if len(st.keys) > 0 {
		holders = "its access " + keyWord(len(st.keys)) + " " + strings.Join(st.keys, ", ")
	}
	return fmt.Errorf("User %s already exists, and this run would change what %s may do:\n%s\nNothing was changed. "+
		"Pass --replace-policy to replace the policy, or choose another --username",
		name, holders, strings.Join(refusals, "\n"))
}

func keyWord(n int) string {
	if n == 1 {
		return "key"
	}
	return "keys"
}

// userPolicyNames lists the user's inline policies.
func (c *Creator) userPolicyNames(ctx context.Context, name string) ([]string, error) {
	var names []string
	p := iam.NewListUserPoliciesPaginator(c.IAM, &iam.ListUserPoliciesInput{UserName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		names = append(names, page.PolicyNames...)
	}
	return names, nil
}

// describeChange says, in the terms of create's options, how the policy
// for bucket would change from old to next: permission, prefixes, keys,
// source networks, expiry; or that its statements differ otherwise.
func describeChange(bucket string, old, next []byte) []string {
	var out []string
	was, now := grantOn(bucket, old), grantOn(bucket, next)
	if was.Access != now.Access {
		out = append(out, fmt.Sprintf("permission %s -> %s", was.Access, now.Access))
	}
	if !slices.Equal(was.Prefixes, now.Prefixes) || !slices.Equal(was.Keys, now.Keys) {
		out = append(out, fmt.Sprintf("reach %s -> %s", reach(was), reach(now)))
	}
	lw, _ := policy.LimitsOf(old)
	ln, _ := policy.LimitsOf(next)
	if !slices.Equal(lw.SourceIPs, ln.SourceIPs) {
		out = append(out, fmt.Sprintf("source networks %s -> %s", networks(lw), networks(ln)))
	}
	if !lw.Expires.Equal(ln.Expires) {
		out = append(out, fmt.Sprintf("expiry %s -> %s", expiry(lw.Expires), expiry(ln.Expires)))
	}
	if lw.RequireTLS != ln.RequireTLS {
		out = append(out, fmt.Sprintf("TLS required %s -> %s", yesNo(lw.RequireTLS), yesNo(ln.RequireTLS)))
	}
	if len(out) == 0 {
		out = append(out, "its statements differ")
	}
	return out
}

// grantOn is what a document grants on bucket, as policy.Analyze names it.
func grantOn(bucket string, doc []byte) policy.Grant {
	grants, _ := policy.Analyze(doc)
	for _, g := range grants {
		if g.Bucket == bucket {
			return g
		}
	}
	return policy.Grant{Bucket: bucket, Access: "nothing"}
}

func reach(g policy.Grant) string {
	if g.Access == "nothing" {
		return "nothing"
	}
	var parts []string
	for _, p := range g.Prefixes {
		parts = append(parts, "prefix "+p)
	}
	for _, k := range g.Keys {
		parts = append(parts, "key "+k)
	}
	if len(parts) == 0 {
		return "the whole bucket"
	}
	return strings.Join(parts, ", ")
}

func networks(l policy.Limits) string {
	if len(l.SourceIPs) == 0 {
		return "anywhere"
	}
	return strings.Join(l.SourceIPs, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func expiry(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(policy.TimeFormat)
}

// tagUser puts the --tag tags on an existing user, saying so; undoing
// removes the new keys and gives changed ones their old values back.
func (c *Creator) tagUser(ctx context.Context, name string, tags []Tag, had []iamtypes.Tag, u *undo.Log) error {
	var add []iamtypes.Tag
	var restore []iamtypes.Tag
	var remove []string
	var said []string
	for _, t := range tags {
		i := slices.IndexFunc(had, func(h iamtypes.Tag) bool { return aws.ToString(h.Key) == t.Key })
		switch {
		case i < 0:
			remove = append(remove, t.Key)
			said = append(said, t.Key+"="+t.Value)
		case aws.ToString(had[i].Value) == t.Value:
			continue
		default:
			restore = append(restore, had[i])
			said = append(said, fmt.Sprintf("%s=%s (was %s)", t.Key, t.Value, aws.ToString(had[i].Value)))
		}
		add = append(add, iamtypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	if len(add) == 0 {
		return nil
	}
	_, err := c.IAM.TagUser(ctx, &iam.TagUserInput{UserName: aws.String(name), Tags: add})
	if err != nil && !undo.UnknownOutcome(err) {
		return err
	}
	u.Push("tags of user "+name+" (changed)", func(ctx context.Context) (string, error) {
		if len(remove) > 0 {
			if _, err := c.IAM.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String(name), TagKeys: remove}); err != nil && !awsclient.IsNotFound(err) {
				return "", err
			}
		}
		if len(restore) > 0 {
			if _, err := c.IAM.TagUser(ctx, &iam.TagUserInput{UserName: aws.String(name), Tags: restore}); err != nil && !awsclient.IsNotFound(err) {
				return "", err
			}
		}
		return "restored the previous tags of user " + name, nil
	})
	if err != nil {
		return err
	}
	c.Logf("Tagged user %s with %s", name, strings.Join(said, ", "))
	return nil
}
