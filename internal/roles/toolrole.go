package roles

import (
	"context"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/undo"
)

// ToolRole is the tool's own role, which create --duration assumes: it
// holds S3FullAccessARN, and each session is narrowed by its session
// policy.
const ToolRole = "s3-credentials.AmazonS3FullAccess"

// S3FullAccessARN is AWS's managed policy of full S3 access.
const S3FullAccessARN = "arn:aws:iam::aws:policy/AmazonS3FullAccess"

// roleDescription is the Description the tool's role is created with.
const roleDescription = "Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets"

// EnsureToolRole returns the ARN of the tool's role, creating it when missing
// (its undo goes to u), raising its MaxSessionDuration when it is below what
// is asked (roles made by early versions of the reference allowed one
// hour), and, with tagSession, allowing sts:TagSession in its trust policy.
func (c *Creator) EnsureToolRole(ctx context.Context, duration int, tagSession bool, u *undo.Log) (arn string, created bool, err error) {
	got, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(ToolRole)})
	if err == nil && got.Role != nil {
		if err := c.updateToolRole(ctx, got.Role, duration, tagSession); err != nil {
			return "", false, err
		}
		return aws.ToString(got.Role.Arn), false, nil
	}
	if err != nil && !awsclient.IsNotFound(err) {
		return "", false, err
	}
	return c.createToolRole(ctx, tagSession, u)
}

// updateToolRole brings an existing role up to what this run needs, saying so.
func (c *Creator) updateToolRole(ctx context.Context, role *iamtypes.Role, duration int, tagSession bool) error {
	if tagSession {
		if err := c.allowTagSession(ctx, role); err != nil {
			return err
		}
	}
	maxDur := int(aws.ToInt32(role.MaxSessionDuration))
	if maxDur == 0 || maxDur >= duration {
		return nil
	}
	if _, err := c.IAM.UpdateRole(ctx, &iam.UpdateRoleInput{
		RoleName:           aws.String(ToolRole),
		MaxSessionDuration: aws.Int32(MaxSessionDuration),
	}); err != nil {
		return fmt.Errorf("Role %s allows sessions of at most %d seconds, less than the %d asked for, and raising it failed (%s). "+
			"Fix it with: aws iam update-role --role-name %s --max-session-duration %d",
			ToolRole, maxDur, duration, awsclient.ErrorMessage(err), ToolRole, MaxSessionDuration)
	}
	c.Warnf("Updated role %s: MaxSessionDuration was %d seconds, now %d", ToolRole, maxDur, MaxSessionDuration)
	return nil
}

// createToolRole makes the tool's role: trusted by the account, with full S3
// access that every AssumeRole narrows with a session policy.
func (c *Creator) createToolRole(ctx context.Context, tagSession bool, u *undo.Log) (arn string, created bool, err error) {
	ident, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", false, err
	}
	out, err := c.IAM.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(ToolRole),
		Description:              aws.String(roleDescription),
		AssumeRolePolicyDocument: aws.String(string(pyjson.Encode(TrustPolicy(nil, aws.ToString(ident.Account), tagSession), -1))),
		MaxSessionDuration:       aws.Int32(MaxSessionDuration),
	})
	var role *iamtypes.Role
	forget := func() {}
	switch {
	case err == nil:
		role = out.Role
		// A role without its policy would be found and reused by every later
		// run, handing out credentials that can do nothing: until the policy
		// is attached, a failure takes it back.
		forget = u.Push("role "+ToolRole, c.deleteToolRole)
	case awsclient.ErrorCode(err) == "EntityAlreadyExists":
		// Made since GetRole: by an attempt of this call whose answer was
		// lost, or by another run. Either way it is the role to use.
		got, gerr := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(ToolRole)})
		if gerr != nil || got.Role == nil {
			return "", false, err
		}
		role = got.Role
	case undo.UnknownOutcome(err):
		u.Push("role "+ToolRole, c.deleteToolRole)
		return "", false, err
	default:
		return "", false, err
	}
	if role == nil || role.Arn == nil {
		return "", false, fmt.Errorf("CreateRole returned no role")
	}
	if _, err := c.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{
		RoleName:  aws.String(ToolRole),
		PolicyArn: aws.String(S3FullAccessARN),
	}); err != nil {
		return "", false, err
	}
	// Complete now, the role stays whatever happens next: it is the tool's
	// own, which every later run reuses. Like a new bucket, it is named
	// when the run fails.
	forget()
	u.Keep("role "+ToolRole+", created by this run (the tool's own, which later runs reuse)", c.deleteToolRole)
	c.Warnf("%s", createdRoleLine(aws.ToString(ident.Account)))
	return aws.ToString(role.Arn), true, nil
}

// deleteToolRole takes back the role this run created, detaching its policy
// first. Nothing is said when the role was never made.
func (c *Creator) deleteToolRole(ctx context.Context) (string, error) {
	_, err := c.IAM.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(ToolRole), PolicyArn: aws.String(S3FullAccessARN)})
	if err != nil && !awsclient.IsNotFound(err) {
		return "", err
	}
	if _, err := c.IAM.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(ToolRole)}); err != nil {
		if awsclient.IsNotFound(err) {
			return "", nil
		}
		return "", err
	}
	return "deleted role " + ToolRole, nil
}

// allowTagSession adds sts:TagSession to the trust policy of an existing
// role, which --tag with --duration needs, saying so.
func (c *Creator) allowTagSession(ctx context.Context, role *iamtypes.Role) error {
	text, err := url.QueryUnescape(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil {
		return err
	}
	doc, err := pyjson.Decode([]byte(text))
	if err != nil {
		return fmt.Errorf("role %s has a trust policy that is not JSON: %w", ToolRole, err)
	}
	m, _ := doc.(pyjson.Map)
	stmts, _ := m.Get("Statement")
	list, ok := stmts.([]any)
	if !ok {
		list = []any{stmts}
	}
	changed := false
	for _, s := range list {
		st, ok := s.(pyjson.Map)
		if !ok {
			continue
		}
		if eff, _ := st.Get("Effect"); eff != "Allow" {
			continue
		}
		act, _ := st.Get("Action")
		var actions []any
		switch a := act.(type) {
		case string:
			actions = []any{a}
		case []any:
			actions = a
		}
		hasAssume, hasTag := false, false
		for _, a := range actions {
			hasAssume = hasAssume || a == "sts:AssumeRole"
			hasTag = hasTag || a == "sts:TagSession"
		}
		if hasAssume && !hasTag {
			st.Set("Action", append(actions, "sts:TagSession"))
			changed = true
		}
	}
	if !changed {
		return nil
	}
	m.Set("Statement", list)
	if _, err := c.IAM.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String(ToolRole), PolicyDocument: aws.String(string(pyjson.EncodeCompact(m))),
	}); err != nil {
		return fmt.Errorf("--tag needs sts:TagSession in the trust policy of role %s, and adding it failed: %s", ToolRole, awsclient.ErrorMessage(err))
	}
	c.Warnf("Updated role %s: its trust policy now allows sts:TagSession, which --tag needs", ToolRole)
	return nil
}

// createdRoleLine says that the tool's role was made, and what it allows.
func createdRoleLine(account string) string {
	return "Created role " + ToolRole + ", the tool's role for temporary credentials: it holds AmazonS3FullAccess, " +
		"each session is narrowed by its session policy, and identities of account " + account + " allowed sts:AssumeRole may assume it"
}
