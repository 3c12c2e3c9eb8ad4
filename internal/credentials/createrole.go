package credentials

import (
	"context"
	"errors"
	"io"

	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/internal/roles"
)

// RoleRequest is everything create-role was asked for. The role itself is
// made by package roles; what is said here is its inline policies.
type RoleRequest struct {
	// Request holds the buckets, permission, scope, statements and tags.
	// Its Username is the role's name, so the inline policies are named
	// and written exactly as create writes them for a user.
	Request
	// Trust, MaxSessionDuration and Update are roles.Request's.
	Trust              []roles.Principal
	MaxSessionDuration int
	Update             bool
}

// Name is the role's name.
func (r *RoleRequest) Name() string { return r.Username }

// Role is the role to make: its name, settings and one inline policy per
// bucket. It checks what can be checked without AWS, as Validate does.
func (r *RoleRequest) Role() (*roles.Request, error) {
	if err := roles.CheckName(r.Name()); err != nil {
		return nil, err
	}
	if r.PolicyText != "" {
		return nil, errors.New("create-role takes no --policy")
	}
	for _, b := range r.Buckets {
		if err := names.CheckBucketName(b); err != nil {
			return nil, err
		}
	}
	role := &roles.Request{Name: r.Name(), Replaces: IsPolicyName, Trust: r.Trust, MaxSessionDuration: r.MaxSessionDuration,
		Update: r.Update, Tags: iamTags(r.Tags), Note: literalKeysNote(r.Scope.Keys)}
	for _, b := range r.Buckets {
		doc, err := r.UserPolicy(b)
		if err != nil {
			return nil, err
		}
		role.Policies = append(role.Policies, roles.Policy{Name: r.PolicyName(b), Document: doc})
	}
	return role, role.Validate()
}

// Validate checks what can be checked without AWS: the name, the buckets,
// the session duration, tags and the sizes of the policies.
func (r *RoleRequest) Validate() error {
	_, err := r.Role()
	return err
}

// CreateRole makes the role, or with r.Update brings an existing one up to
// date (see roles.Creator.Create), once every bucket is known to exist.
func (c *Creator) CreateRole(ctx context.Context, r *RoleRequest) (*roles.Result, error) {
	role, err := r.Role()
	if err != nil {
		return nil, err
	}
	if err := c.CheckBuckets(ctx, r.Buckets); err != nil {
		return nil, err
	}
	return c.roles().Create(ctx, role)
}

// DryRunRole writes what CreateRole would do, making no AWS call.
func DryRunRole(w io.Writer, r *RoleRequest) error {
	role, err := r.Role()
	if err != nil {
		return err
	}
	return roles.DryRun(w, role)
}

// roles makes roles with c's clients, saying what it does through c.
func (c *Creator) roles() *roles.Creator {
	return &roles.Creator{IAM: c.IAM, STS: c.STS, Steps: &c.Steps}
}
