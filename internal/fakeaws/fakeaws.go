// Package fakeaws is an in-memory IAM, STS and S3 for the tests of create
// and create-role (packages credentials and roles): it behaves as they rely
// on AWS to behave, records every call, and can fail or interrupt any of
// them, before or after it takes effect.
package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// AWS is an in-memory IAM, STS and S3 with the behaviour create relies
// on (NoSuchEntity, DeleteConflict, the two-key limit, URL-encoded policy
// documents) and a hook that can fail or interrupt any call.
type AWS struct {
	mu      sync.Mutex
	Users   map[string]*User
	Buckets map[string]bool
	Role    *iamtypes.Role
	// RolePolicies are the managed policies attached to the role.
	RolePolicies []string
	// RoleInline are the role's inline policies, by name.
	RoleInline map[string]string
	keySeq     int
	Calls      []string

	// Hook runs before each call with the operation name and how many
	// times that operation was called before; an error it returns is the
	// call's result, and nothing changes.
	Hook func(ctx context.Context, op string, n int) error
	// After runs after a call has taken effect; an error it returns
	// replaces the result, like a response lost on the way back.
	After func(ctx context.Context, op string, n int) error
	// EncodePolicies makes GetUserPolicy and GetRole return URL-encoded
	// documents, as AWS does.
	EncodePolicies bool
	// NoCredentials makes AssumeRole and CreateAccessKey return empty results.
	NoCredentials bool
	// Encryption is each bucket's default encryption (none when absent).
	Encryption map[string]*s3types.ServerSideEncryptionConfiguration
}

// User is an IAM user: its inline policies, access keys, tags and
// permissions boundary.
type User struct {
	Policies map[string]string
	Keys     []string
	Tags     []iamtypes.Tag
	Boundary string
}

// New is an AWS with no user, bucket or role.
func New() *AWS {
	return &AWS{Users: map[string]*User{}, Buckets: map[string]bool{}}
}

// APIError is an error answer of AWS.
func APIError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg}
}

// enter records the call and runs the hook.
func (f *AWS) enter(ctx context.Context, op string) error {
	f.mu.Lock()
	n := 0
	for _, c := range f.Calls {
		if c == op {
			n++
		}
	}
	f.Calls = append(f.Calls, op)
	hook := f.Hook
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("operation error %s: %w", op, err)
	}
	if hook != nil {
		return hook(ctx, op, n)
	}
	return nil
}

func (f *AWS) exit(ctx context.Context, op string) error {
	if f.After == nil {
		return nil
	}
	n := -1
	f.mu.Lock()
	for _, c := range f.Calls {
		if c == op {
			n++
		}
	}
	f.mu.Unlock()
	return f.After(ctx, op, n)
}

// exitInto runs the after hook once a call has taken effect (returned no
// error), putting its error in the call's place.
func (f *AWS) exitInto(ctx context.Context, op string, err *error) {
	if *err == nil {
		*err = f.exit(ctx, op)
	}
}

// locked holds the fake's lock for the rest of a call; deferred, what it
// returns lets go and then runs exitInto.
func (f *AWS) locked(ctx context.Context, op string, err *error) func() {
	f.mu.Lock()
	return func() {
		f.mu.Unlock()
		f.exitInto(ctx, op, err)
	}
}

// Mutations are the calls that change something, in order.
func (f *AWS) Mutations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.Calls {
		if !strings.HasPrefix(c, "Get") && !strings.HasPrefix(c, "List") && !strings.HasPrefix(c, "Head") {
			out = append(out, c)
		}
	}
	return out
}

func (f *AWS) UserNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for n := range f.Users {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (f *AWS) User(name string) *User {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Users[name]
}

func (f *AWS) AddUser(name string, keys int, policies map[string]string) {
	u := &User{Policies: map[string]string{}}
	for k, v := range policies {
		u.Policies[k] = v
	}
	for i := 0; i < keys; i++ {
		f.keySeq++
		u.Keys = append(u.Keys, fmt.Sprintf("AKIAOLD%03d", f.keySeq))
	}
	f.Users[name] = u
}

func (f *AWS) encode(doc string) string {
	if f.EncodePolicies {
		return url.PathEscape(doc)
	}
	return doc
}

// IAM

func (f *AWS) GetUser(ctx context.Context, in *iam.GetUserInput, _ ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	if err := f.enter(ctx, "GetUser"); err != nil {
		return nil, err
	}
	if f.User(*in.UserName) == nil {
		return nil, APIError("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	return &iam.GetUserOutput{User: &iamtypes.User{UserName: in.UserName}}, nil
}

func (f *AWS) CreateUser(ctx context.Context, in *iam.CreateUserInput, _ ...func(*iam.Options)) (*iam.CreateUserOutput, error) {
	if err := f.enter(ctx, "CreateUser"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	if f.Users[*in.UserName] != nil {
		f.mu.Unlock()
		return nil, APIError("EntityAlreadyExists", "User with name "+*in.UserName+" already exists.")
	}
	f.Users[*in.UserName] = &User{Policies: map[string]string{}, Tags: in.Tags, Boundary: aws.ToString(in.PermissionsBoundary)}
	f.mu.Unlock()
	if err := f.exit(ctx, "CreateUser"); err != nil {
		return nil, err
	}
	return &iam.CreateUserOutput{User: &iamtypes.User{UserName: in.UserName}}, nil
}

func (f *AWS) DeleteUser(ctx context.Context, in *iam.DeleteUserInput, _ ...func(*iam.Options)) (_ *iam.DeleteUserOutput, err error) {
	if err := f.enter(ctx, "DeleteUser"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DeleteUser", &err)()
	u := f.Users[*in.UserName]
	if u == nil {
		return nil, APIError("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	if len(u.Policies) > 0 || len(u.Keys) > 0 {
		return nil, APIError("DeleteConflict", "Cannot delete entity, must delete policies first.")
	}
	delete(f.Users, *in.UserName)
	return &iam.DeleteUserOutput{}, nil
}

func (f *AWS) GetUserPolicy(ctx context.Context, in *iam.GetUserPolicyInput, _ ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error) {
	if err := f.enter(ctx, "GetUserPolicy"); err != nil {
		return nil, err
	}
	u := f.User(*in.UserName)
	if u == nil {
		return nil, APIError("NoSuchEntity", "no such user")
	}
	f.mu.Lock()
	doc, ok := u.Policies[*in.PolicyName]
	f.mu.Unlock()
	if !ok {
		return nil, APIError("NoSuchEntity", "The user policy with name "+*in.PolicyName+" cannot be found.")
	}
	return &iam.GetUserPolicyOutput{UserName: in.UserName, PolicyName: in.PolicyName, PolicyDocument: aws.String(f.encode(doc))}, nil
}

func (f *AWS) PutUserPolicy(ctx context.Context, in *iam.PutUserPolicyInput, _ ...func(*iam.Options)) (_ *iam.PutUserPolicyOutput, err error) {
	if err := f.enter(ctx, "PutUserPolicy"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutUserPolicy", &err)
	u := f.User(*in.UserName)
	if u == nil {
		return nil, APIError("NoSuchEntity", "no such user")
	}
	doc := *in.PolicyDocument
	if !strings.HasPrefix(doc, "{") {
		return nil, APIError("MalformedPolicyDocument", "Syntax errors in policy.")
	}
	f.mu.Lock()
	u.Policies[*in.PolicyName] = doc
	f.mu.Unlock()
	return &iam.PutUserPolicyOutput{}, nil
}

func (f *AWS) DeleteUserPolicy(ctx context.Context, in *iam.DeleteUserPolicyInput, _ ...func(*iam.Options)) (_ *iam.DeleteUserPolicyOutput, err error) {
	if err := f.enter(ctx, "DeleteUserPolicy"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "DeleteUserPolicy", &err)
	u := f.User(*in.UserName)
	f.mu.Lock()
	defer f.mu.Unlock()
	if u == nil || u.Policies[*in.PolicyName] == "" {
		return nil, APIError("NoSuchEntity", "no such policy")
	}
	delete(u.Policies, *in.PolicyName)
	return &iam.DeleteUserPolicyOutput{}, nil
}

func (f *AWS) ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, _ ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	if err := f.enter(ctx, "ListAccessKeys"); err != nil {
		return nil, err
	}
	u := f.User(*in.UserName)
	if u == nil {
		return nil, APIError("NoSuchEntity", "no such user")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &iam.ListAccessKeysOutput{}
	for _, k := range u.Keys {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(k), UserName: in.UserName})
	}
	return out, nil
}

func (f *AWS) CreateAccessKey(ctx context.Context, in *iam.CreateAccessKeyInput, _ ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error) {
	if err := f.enter(ctx, "CreateAccessKey"); err != nil {
		return nil, err
	}
	u := f.User(*in.UserName)
	if u == nil {
		return nil, APIError("NoSuchEntity", "no such user")
	}
	f.mu.Lock()
	if len(u.Keys) >= 2 {
		f.mu.Unlock()
		return nil, APIError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	}
	f.keySeq++
	id := fmt.Sprintf("AKIANEW%03d", f.keySeq)
	u.Keys = append(u.Keys, id)
	f.mu.Unlock()
	if err := f.exit(ctx, "CreateAccessKey"); err != nil {
		return nil, err
	}
	if f.NoCredentials {
		return &iam.CreateAccessKeyOutput{}, nil
	}
	return &iam.CreateAccessKeyOutput{AccessKey: &iamtypes.AccessKey{
		UserName: in.UserName, AccessKeyId: aws.String(id), SecretAccessKey: aws.String("secret-" + id),
		Status: iamtypes.StatusTypeActive, CreateDate: aws.Time(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
	}}, nil
}

func (f *AWS) DeleteAccessKey(ctx context.Context, in *iam.DeleteAccessKeyInput, _ ...func(*iam.Options)) (_ *iam.DeleteAccessKeyOutput, err error) {
	if err := f.enter(ctx, "DeleteAccessKey"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "DeleteAccessKey", &err)
	u := f.User(*in.UserName)
	f.mu.Lock()
	defer f.mu.Unlock()
	if u != nil {
		for i, k := range u.Keys {
			if k == *in.AccessKeyId {
				u.Keys = append(u.Keys[:i], u.Keys[i+1:]...)
				return &iam.DeleteAccessKeyOutput{}, nil
			}
		}
	}
	return nil, APIError("NoSuchEntity", "no such key")
}

func (f *AWS) GetRole(ctx context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if err := f.enter(ctx, "GetRole"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	r := *f.Role
	r.Tags = slices.Clone(f.Role.Tags)
	r.AssumeRolePolicyDocument = aws.String(f.encode(aws.ToString(r.AssumeRolePolicyDocument)))
	return &iam.GetRoleOutput{Role: &r}, nil
}

func (f *AWS) CreateRole(ctx context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (_ *iam.CreateRoleOutput, err error) {
	if err := f.enter(ctx, "CreateRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "CreateRole", &err)()
	if f.Role != nil {
		return nil, APIError("EntityAlreadyExists", "Role already exists.")
	}
	f.Role = &iamtypes.Role{
		RoleName: in.RoleName, Arn: aws.String("arn:aws:iam::123456789012:role/" + *in.RoleName),
		AssumeRolePolicyDocument: in.AssumeRolePolicyDocument, MaxSessionDuration: in.MaxSessionDuration,
		Description: in.Description, Tags: append([]iamtypes.Tag(nil), in.Tags...),
	}
	f.RoleInline = nil
	return &iam.CreateRoleOutput{Role: f.Role}, nil
}

func (f *AWS) DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (_ *iam.DeleteRoleOutput, err error) {
	if err := f.enter(ctx, "DeleteRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DeleteRole", &err)()
	if f.Role == nil {
		return nil, APIError("NoSuchEntity", "no such role")
	}
	if len(f.RolePolicies) > 0 || len(f.RoleInline) > 0 {
		return nil, APIError("DeleteConflict", "Cannot delete entity, must detach all policies first.")
	}
	f.Role = nil
	return &iam.DeleteRoleOutput{}, nil
}

func (f *AWS) UpdateRole(ctx context.Context, in *iam.UpdateRoleInput, _ ...func(*iam.Options)) (_ *iam.UpdateRoleOutput, err error) {
	if err := f.enter(ctx, "UpdateRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "UpdateRole", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	f.Role.MaxSessionDuration = in.MaxSessionDuration
	return &iam.UpdateRoleOutput{}, nil
}

func (f *AWS) UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.UpdateAssumeRolePolicyOutput, err error) {
	if err := f.enter(ctx, "UpdateAssumeRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "UpdateAssumeRolePolicy", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	f.Role.AssumeRolePolicyDocument = in.PolicyDocument
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (f *AWS) DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.DetachRolePolicyOutput, err error) {
	if err := f.enter(ctx, "DetachRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DetachRolePolicy", &err)()
	for i, p := range f.RolePolicies {
		if p == *in.PolicyArn {
			f.RolePolicies = append(f.RolePolicies[:i], f.RolePolicies[i+1:]...)
			return &iam.DetachRolePolicyOutput{}, nil
		}
	}
	return nil, APIError("NoSuchEntity", "Policy "+*in.PolicyArn+" was not found.")
}

func (f *AWS) ListUserPolicies(ctx context.Context, in *iam.ListUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	if err := f.enter(ctx, "ListUserPolicies"); err != nil {
		return nil, err
	}
	u := f.User(*in.UserName)
	if u == nil {
		return nil, APIError("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &iam.ListUserPoliciesOutput{}
	for name := range u.Policies {
		out.PolicyNames = append(out.PolicyNames, name)
	}
	sort.Strings(out.PolicyNames)
	return out, nil
}

func (f *AWS) ListUserTags(ctx context.Context, in *iam.ListUserTagsInput, _ ...func(*iam.Options)) (*iam.ListUserTagsOutput, error) {
	if err := f.enter(ctx, "ListUserTags"); err != nil {
		return nil, err
	}
	u := f.User(*in.UserName)
	if u == nil {
		return nil, APIError("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return &iam.ListUserTagsOutput{Tags: slices.Clone(u.Tags)}, nil
}

func (f *AWS) TagUser(ctx context.Context, in *iam.TagUserInput, _ ...func(*iam.Options)) (_ *iam.TagUserOutput, err error) {
	if err := f.enter(ctx, "TagUser"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "TagUser", &err)
	u := f.User(*in.UserName)
	if u == nil {
		return nil, APIError("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
next:
	for _, t := range in.Tags {
		for i, have := range u.Tags {
			if *have.Key == *t.Key {
				u.Tags[i] = t
				continue next
			}
		}
		u.Tags = append(u.Tags, t)
	}
	return &iam.TagUserOutput{}, nil
}

func (f *AWS) UntagUser(ctx context.Context, in *iam.UntagUserInput, _ ...func(*iam.Options)) (_ *iam.UntagUserOutput, err error) {
	if err := f.enter(ctx, "UntagUser"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "UntagUser", &err)
	u := f.User(*in.UserName)
	if u == nil {
		return nil, APIError("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var kept []iamtypes.Tag
	for _, t := range u.Tags {
		if !slices.Contains(in.TagKeys, *t.Key) {
			kept = append(kept, t)
		}
	}
	u.Tags = kept
	return &iam.UntagUserOutput{}, nil
}

func (f *AWS) AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.AttachRolePolicyOutput, err error) {
	if err := f.enter(ctx, "AttachRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "AttachRolePolicy", &err)()
	f.RolePolicies = append(f.RolePolicies, *in.PolicyArn)
	return &iam.AttachRolePolicyOutput{}, nil
}

// roleNamed is the role called name, or a NoSuchEntity error; f.mu is held.
func (f *AWS) roleNamed(name *string) error {
	if f.Role == nil || *f.Role.RoleName != aws.ToString(name) {
		return APIError("NoSuchEntity", "The role with name "+aws.ToString(name)+" cannot be found.")
	}
	return nil
}

func (f *AWS) PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.PutRolePolicyOutput, err error) {
	if err := f.enter(ctx, "PutRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "PutRolePolicy", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(*in.PolicyDocument, "{") {
		return nil, APIError("MalformedPolicyDocument", "Syntax errors in policy.")
	}
	if f.RoleInline == nil {
		f.RoleInline = map[string]string{}
	}
	f.RoleInline[*in.PolicyName] = *in.PolicyDocument
	return &iam.PutRolePolicyOutput{}, nil
}

func (f *AWS) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	if err := f.enter(ctx, "GetRolePolicy"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	doc, ok := f.RoleInline[*in.PolicyName]
	if !ok {
		return nil, APIError("NoSuchEntity", "The role policy with name "+*in.PolicyName+" cannot be found.")
	}
	return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(f.encode(doc))}, nil
}

func (f *AWS) DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.DeleteRolePolicyOutput, err error) {
	if err := f.enter(ctx, "DeleteRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DeleteRolePolicy", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	if _, ok := f.RoleInline[*in.PolicyName]; !ok {
		return nil, APIError("NoSuchEntity", "The role policy with name "+*in.PolicyName+" cannot be found.")
	}
	delete(f.RoleInline, *in.PolicyName)
	return &iam.DeleteRolePolicyOutput{}, nil
}

func (f *AWS) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	if err := f.enter(ctx, "ListRolePolicies"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	out := &iam.ListRolePoliciesOutput{}
	for name := range f.RoleInline {
		out.PolicyNames = append(out.PolicyNames, name)
	}
	sort.Strings(out.PolicyNames)
	return out, nil
}

func (f *AWS) TagRole(ctx context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (_ *iam.TagRoleOutput, err error) {
	if err := f.enter(ctx, "TagRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "TagRole", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
next:
	for _, t := range in.Tags {
		for i, have := range f.Role.Tags {
			if *have.Key == *t.Key {
				f.Role.Tags[i] = t
				continue next
			}
		}
		f.Role.Tags = append(f.Role.Tags, t)
	}
	return &iam.TagRoleOutput{}, nil
}

func (f *AWS) UntagRole(ctx context.Context, in *iam.UntagRoleInput, _ ...func(*iam.Options)) (_ *iam.UntagRoleOutput, err error) {
	if err := f.enter(ctx, "UntagRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "UntagRole", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	var kept []iamtypes.Tag
	for _, t := range f.Role.Tags {
		if !slices.Contains(in.TagKeys, *t.Key) {
			kept = append(kept, t)
		}
	}
	f.Role.Tags = kept
	return &iam.UntagRoleOutput{}, nil
}

// RoleState is everything about the role a create-role run may change.
type RoleState struct {
	Exists      bool
	Trust       string
	MaxDuration int32
	Tags        map[string]string
	Inline      map[string]string
}

func (f *AWS) RoleSnapshot() RoleState {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Role == nil {
		return RoleState{}
	}
	s := RoleState{Exists: true, Trust: aws.ToString(f.Role.AssumeRolePolicyDocument), MaxDuration: aws.ToInt32(f.Role.MaxSessionDuration),
		Tags: map[string]string{}, Inline: map[string]string{}}
	for _, t := range f.Role.Tags {
		s.Tags[*t.Key] = *t.Value
	}
	for k, v := range f.RoleInline {
		s.Inline[k] = v
	}
	return s
}

// STS

func (f *AWS) GetCallerIdentity(ctx context.Context, _ *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if err := f.enter(ctx, "GetCallerIdentity"); err != nil {
		return nil, err
	}
	return &sts.GetCallerIdentityOutput{Account: aws.String("123456789012"), Arn: aws.String("arn:aws:iam::123456789012:user/admin")}, nil
}

func (f *AWS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (_ *sts.AssumeRoleOutput, err error) {
	if err := f.enter(ctx, "AssumeRole"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "AssumeRole", &err)
	if f.NoCredentials {
		return &sts.AssumeRoleOutput{}, nil
	}
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String("ASIATEMP"), SecretAccessKey: aws.String("temp-secret"), SessionToken: aws.String("token"),
		Expiration: aws.Time(time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC)),
	}}, nil
}

// S3

func (f *AWS) HeadBucket(ctx context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	if err := f.enter(ctx, "HeadBucket"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.Buckets[*in.Bucket] {
		return nil, APIError("NotFound", "")
	}
	return &s3.HeadBucketOutput{}, nil
}

func (f *AWS) CreateBucket(ctx context.Context, in *s3.CreateBucketInput, _ ...func(*s3.Options)) (_ *s3.CreateBucketOutput, err error) {
	if err := f.enter(ctx, "CreateBucket"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "CreateBucket", &err)()
	f.Buckets[*in.Bucket] = true
	return &s3.CreateBucketOutput{}, nil
}

func (f *AWS) DeleteBucket(ctx context.Context, in *s3.DeleteBucketInput, _ ...func(*s3.Options)) (_ *s3.DeleteBucketOutput, err error) {
	if err := f.enter(ctx, "DeleteBucket"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DeleteBucket", &err)()
	if !f.Buckets[*in.Bucket] {
		return nil, APIError("NoSuchBucket", "The specified bucket does not exist")
	}
	delete(f.Buckets, *in.Bucket)
	return &s3.DeleteBucketOutput{}, nil
}

func (f *AWS) PutPublicAccessBlock(ctx context.Context, _ *s3.PutPublicAccessBlockInput, _ ...func(*s3.Options)) (_ *s3.PutPublicAccessBlockOutput, err error) {
	if err := f.enter(ctx, "PutPublicAccessBlock"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutPublicAccessBlock", &err)
	return &s3.PutPublicAccessBlockOutput{}, nil
}

func (f *AWS) PutBucketPolicy(ctx context.Context, _ *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (_ *s3.PutBucketPolicyOutput, err error) {
	if err := f.enter(ctx, "PutBucketPolicy"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutBucketPolicy", &err)
	return &s3.PutBucketPolicyOutput{}, nil
}

func (f *AWS) PutBucketWebsite(ctx context.Context, _ *s3.PutBucketWebsiteInput, _ ...func(*s3.Options)) (_ *s3.PutBucketWebsiteOutput, err error) {
	if err := f.enter(ctx, "PutBucketWebsite"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutBucketWebsite", &err)
	return &s3.PutBucketWebsiteOutput{}, nil
}

func (f *AWS) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	if err := f.enter(ctx, "GetBucketEncryption"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if cfg := f.Encryption[aws.ToString(in.Bucket)]; cfg != nil {
		return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: cfg}, nil
	}
	return nil, APIError("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
}

func (f *AWS) PutBucketTagging(ctx context.Context, _ *s3.PutBucketTaggingInput, _ ...func(*s3.Options)) (_ *s3.PutBucketTaggingOutput, err error) {
	if err := f.enter(ctx, "PutBucketTagging"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutBucketTagging", &err)
	return &s3.PutBucketTaggingOutput{}, nil
}

// State is what a run can change, for comparing before and after.
type State struct {
	Users        map[string]User
	Buckets      map[string]bool
	Role         bool
	RolePolicies []string
}

func (f *AWS) Snapshot() State {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := State{Users: map[string]User{}, Buckets: map[string]bool{}, Role: f.Role != nil}
	for n, u := range f.Users {
		c := User{Policies: map[string]string{}, Keys: append([]string(nil), u.Keys...), Tags: slices.Clone(u.Tags), Boundary: u.Boundary}
		for k, v := range u.Policies {
			c.Policies[k] = v
		}
		s.Users[n] = c
	}
	for b := range f.Buckets {
		s.Buckets[b] = true
	}
	s.RolePolicies = append(s.RolePolicies, f.RolePolicies...)
	return s
}

// EachInterruption runs test, as a subtest named NAME/OP#N/WHEN, for each
// call of calls (a clean run's, in order: OP's N-th, from 0) and each way
// InterruptAt can end it: "before" it for every call, and also "after" and
// "answer lost" for a call among mutating (a read has no effect to undo).
func EachInterruption(t *testing.T, name string, calls, mutating []string, test func(t *testing.T, op string, n int, when string)) {
	t.Helper()
	for i, op := range calls {
		n := 0
		for _, o := range calls[:i] {
			if o == op {
				n++
			}
		}
		whens := []string{"before", "after", "answer lost"}
		if !slices.Contains(mutating, op) {
			whens = whens[:1]
		}
		for _, when := range whens {
			t.Run(fmt.Sprintf("%s/%s#%d/%s", name, op, n, when), func(t *testing.T) { test(t, op, n, when) })
		}
	}
}

// InterruptAt makes the n-th call (from 0) of op end as an interrupt ends
// it: "before" it reaches the fake, "after" it took effect (both cancel the
// context returned, the run's), or "answer lost" (it took effect, and its
// answer timed out). The context ends with the test at the latest.
func (f *AWS) InterruptAt(t testing.TB, op string, n int, when string) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	fire := func(_ context.Context, o string, k int) error {
		if o != op || k != n {
			return nil
		}
		if when == "answer lost" {
			return errors.New("operation error: read tcp: i/o timeout")
		}
		cancel()
		return fmt.Errorf("operation error %s: %w", o, context.Canceled)
	}
	if when == "before" {
		f.Hook = fire
	} else {
		f.After = fire
	}
	return ctx
}

// Denied is IAM's answer to a call the credentials may not make.
func Denied(op string) error {
	return APIError("AccessDenied", "User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:"+op)
}

// FailOn is a Hook that makes the n-th call (0-based) of op fail with err.
func FailOn(op string, n int, err error) func(context.Context, string, int) error {
	return func(_ context.Context, o string, i int) error {
		if o == op && i == n {
			return err
		}
		return nil
	}
}
