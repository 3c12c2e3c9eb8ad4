package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
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

// fakeAWS is an in-memory IAM, STS and S3 with the behaviour create relies
// on (NoSuchEntity, DeleteConflict, the two-key limit, URL-encoded policy
// documents) and a hook that can fail or interrupt any call.
type fakeAWS struct {
	mu      sync.Mutex
	users   map[string]*fakeUser
	buckets map[string]bool
	role    *iamtypes.Role
	// rolePolicies are the managed policies attached to the role.
	rolePolicies []string
	// roleInline are the role's inline policies, by name.
	roleInline map[string]string
	keySeq     int
	calls      []string

	// hook runs before each call with the operation name and how many
	// times that operation was called before; an error it returns is the
	// call's result, and nothing changes.
	hook func(ctx context.Context, op string, n int) error
	// after runs after a call has taken effect; an error it returns
	// replaces the result, like a response lost on the way back.
	after func(ctx context.Context, op string, n int) error
	// encodePolicies makes GetUserPolicy and GetRole return URL-encoded
	// documents, as AWS does.
	encodePolicies bool
	// noCredentials makes AssumeRole and CreateAccessKey return empty results.
	noCredentials bool
	// encryption is each bucket's default encryption (none when absent).
	encryption map[string]*s3types.ServerSideEncryptionConfiguration
}

type fakeUser struct {
	policies map[string]string
	keys     []string
	tags     []iamtypes.Tag
	boundary string
}

func newFake() *fakeAWS {
	return &fakeAWS{users: map[string]*fakeUser{}, buckets: map[string]bool{}}
}

func apiErr(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg}
}

// enter records the call and runs the hook.
func (f *fakeAWS) enter(ctx context.Context, op string) error {
	f.mu.Lock()
	n := 0
	for _, c := range f.calls {
		if c == op {
			n++
		}
	}
	f.calls = append(f.calls, op)
	hook := f.hook
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("operation error %s: %w", op, err)
	}
	if hook != nil {
		return hook(ctx, op, n)
	}
	return nil
}

func (f *fakeAWS) exit(ctx context.Context, op string) error {
	if f.after == nil {
		return nil
	}
	n := -1
	f.mu.Lock()
	for _, c := range f.calls {
		if c == op {
			n++
		}
	}
	f.mu.Unlock()
	return f.after(ctx, op, n)
}

// exitInto runs the after hook once a call has taken effect (returned no
// error), putting its error in the call's place.
func (f *fakeAWS) exitInto(ctx context.Context, op string, err *error) {
	if *err == nil {
		*err = f.exit(ctx, op)
	}
}

// locked holds the fake's lock for the rest of a call; deferred, what it
// returns lets go and then runs exitInto.
func (f *fakeAWS) locked(ctx context.Context, op string, err *error) func() {
	f.mu.Lock()
	return func() {
		f.mu.Unlock()
		f.exitInto(ctx, op, err)
	}
}

// mutations are the calls that change something, in order.
func (f *fakeAWS) mutations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if !strings.HasPrefix(c, "Get") && !strings.HasPrefix(c, "List") && !strings.HasPrefix(c, "Head") {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeAWS) userNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for n := range f.users {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (f *fakeAWS) user(name string) *fakeUser {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.users[name]
}

func (f *fakeAWS) addUser(name string, keys int, policies map[string]string) {
	u := &fakeUser{policies: map[string]string{}}
	for k, v := range policies {
		u.policies[k] = v
	}
	for i := 0; i < keys; i++ {
		f.keySeq++
		u.keys = append(u.keys, fmt.Sprintf("AKIAOLD%03d", f.keySeq))
	}
	f.users[name] = u
}

func (f *fakeAWS) encode(doc string) string {
	if f.encodePolicies {
		return url.PathEscape(doc)
	}
	return doc
}

// IAM

func (f *fakeAWS) GetUser(ctx context.Context, in *iam.GetUserInput, _ ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	if err := f.enter(ctx, "GetUser"); err != nil {
		return nil, err
	}
	if f.user(*in.UserName) == nil {
		return nil, apiErr("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	return &iam.GetUserOutput{User: &iamtypes.User{UserName: in.UserName}}, nil
}

func (f *fakeAWS) CreateUser(ctx context.Context, in *iam.CreateUserInput, _ ...func(*iam.Options)) (*iam.CreateUserOutput, error) {
	if err := f.enter(ctx, "CreateUser"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	if f.users[*in.UserName] != nil {
		f.mu.Unlock()
		return nil, apiErr("EntityAlreadyExists", "User with name "+*in.UserName+" already exists.")
	}
	f.users[*in.UserName] = &fakeUser{policies: map[string]string{}, tags: in.Tags, boundary: aws.ToString(in.PermissionsBoundary)}
	f.mu.Unlock()
	if err := f.exit(ctx, "CreateUser"); err != nil {
		return nil, err
	}
	return &iam.CreateUserOutput{User: &iamtypes.User{UserName: in.UserName}}, nil
}

func (f *fakeAWS) DeleteUser(ctx context.Context, in *iam.DeleteUserInput, _ ...func(*iam.Options)) (_ *iam.DeleteUserOutput, err error) {
	if err := f.enter(ctx, "DeleteUser"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DeleteUser", &err)()
	u := f.users[*in.UserName]
	if u == nil {
		return nil, apiErr("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	if len(u.policies) > 0 || len(u.keys) > 0 {
		return nil, apiErr("DeleteConflict", "Cannot delete entity, must delete policies first.")
	}
	delete(f.users, *in.UserName)
	return &iam.DeleteUserOutput{}, nil
}

func (f *fakeAWS) GetUserPolicy(ctx context.Context, in *iam.GetUserPolicyInput, _ ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error) {
	if err := f.enter(ctx, "GetUserPolicy"); err != nil {
		return nil, err
	}
	u := f.user(*in.UserName)
	if u == nil {
		return nil, apiErr("NoSuchEntity", "no such user")
	}
	f.mu.Lock()
	doc, ok := u.policies[*in.PolicyName]
	f.mu.Unlock()
	if !ok {
		return nil, apiErr("NoSuchEntity", "The user policy with name "+*in.PolicyName+" cannot be found.")
	}
	return &iam.GetUserPolicyOutput{UserName: in.UserName, PolicyName: in.PolicyName, PolicyDocument: aws.String(f.encode(doc))}, nil
}

func (f *fakeAWS) PutUserPolicy(ctx context.Context, in *iam.PutUserPolicyInput, _ ...func(*iam.Options)) (_ *iam.PutUserPolicyOutput, err error) {
	if err := f.enter(ctx, "PutUserPolicy"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutUserPolicy", &err)
	u := f.user(*in.UserName)
	if u == nil {
		return nil, apiErr("NoSuchEntity", "no such user")
	}
	doc := *in.PolicyDocument
	if !strings.HasPrefix(doc, "{") {
		return nil, apiErr("MalformedPolicyDocument", "Syntax errors in policy.")
	}
	f.mu.Lock()
	u.policies[*in.PolicyName] = doc
	f.mu.Unlock()
	return &iam.PutUserPolicyOutput{}, nil
}

func (f *fakeAWS) DeleteUserPolicy(ctx context.Context, in *iam.DeleteUserPolicyInput, _ ...func(*iam.Options)) (_ *iam.DeleteUserPolicyOutput, err error) {
	if err := f.enter(ctx, "DeleteUserPolicy"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "DeleteUserPolicy", &err)
	u := f.user(*in.UserName)
	f.mu.Lock()
	defer f.mu.Unlock()
	if u == nil || u.policies[*in.PolicyName] == "" {
		return nil, apiErr("NoSuchEntity", "no such policy")
	}
	delete(u.policies, *in.PolicyName)
	return &iam.DeleteUserPolicyOutput{}, nil
}

func (f *fakeAWS) ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, _ ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	if err := f.enter(ctx, "ListAccessKeys"); err != nil {
		return nil, err
	}
	u := f.user(*in.UserName)
	if u == nil {
		return nil, apiErr("NoSuchEntity", "no such user")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &iam.ListAccessKeysOutput{}
	for _, k := range u.keys {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(k), UserName: in.UserName})
	}
	return out, nil
}

func (f *fakeAWS) CreateAccessKey(ctx context.Context, in *iam.CreateAccessKeyInput, _ ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error) {
	if err := f.enter(ctx, "CreateAccessKey"); err != nil {
		return nil, err
	}
	u := f.user(*in.UserName)
	if u == nil {
		return nil, apiErr("NoSuchEntity", "no such user")
	}
	f.mu.Lock()
	if len(u.keys) >= 2 {
		f.mu.Unlock()
		return nil, apiErr("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	}
	f.keySeq++
	id := fmt.Sprintf("AKIANEW%03d", f.keySeq)
	u.keys = append(u.keys, id)
	f.mu.Unlock()
	if err := f.exit(ctx, "CreateAccessKey"); err != nil {
		return nil, err
	}
	if f.noCredentials {
		return &iam.CreateAccessKeyOutput{}, nil
	}
	return &iam.CreateAccessKeyOutput{AccessKey: &iamtypes.AccessKey{
		UserName: in.UserName, AccessKeyId: aws.String(id), SecretAccessKey: aws.String("secret-" + id),
		Status: iamtypes.StatusTypeActive, CreateDate: aws.Time(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
	}}, nil
}

func (f *fakeAWS) DeleteAccessKey(ctx context.Context, in *iam.DeleteAccessKeyInput, _ ...func(*iam.Options)) (_ *iam.DeleteAccessKeyOutput, err error) {
	if err := f.enter(ctx, "DeleteAccessKey"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "DeleteAccessKey", &err)
	u := f.user(*in.UserName)
	f.mu.Lock()
	defer f.mu.Unlock()
	if u != nil {
		for i, k := range u.keys {
			if k == *in.AccessKeyId {
				u.keys = append(u.keys[:i], u.keys[i+1:]...)
				return &iam.DeleteAccessKeyOutput{}, nil
			}
		}
	}
	return nil, apiErr("NoSuchEntity", "no such key")
}

func (f *fakeAWS) GetRole(ctx context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if err := f.enter(ctx, "GetRole"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.role == nil || *f.role.RoleName != *in.RoleName {
		return nil, apiErr("NoSuchEntity", "The role with name "+*in.RoleName+" cannot be found.")
	}
	r := *f.role
	r.Tags = slices.Clone(f.role.Tags)
	r.AssumeRolePolicyDocument = aws.String(f.encode(aws.ToString(r.AssumeRolePolicyDocument)))
	return &iam.GetRoleOutput{Role: &r}, nil
}

func (f *fakeAWS) CreateRole(ctx context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (_ *iam.CreateRoleOutput, err error) {
	if err := f.enter(ctx, "CreateRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "CreateRole", &err)()
	if f.role != nil {
		return nil, apiErr("EntityAlreadyExists", "Role already exists.")
	}
	f.role = &iamtypes.Role{
		RoleName: in.RoleName, Arn: aws.String("arn:aws:iam::123456789012:role/" + *in.RoleName),
		AssumeRolePolicyDocument: in.AssumeRolePolicyDocument, MaxSessionDuration: in.MaxSessionDuration,
		Description: in.Description, Tags: append([]iamtypes.Tag(nil), in.Tags...),
	}
	f.roleInline = nil
	return &iam.CreateRoleOutput{Role: f.role}, nil
}

func (f *fakeAWS) DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (_ *iam.DeleteRoleOutput, err error) {
	if err := f.enter(ctx, "DeleteRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DeleteRole", &err)()
	if f.role == nil {
		return nil, apiErr("NoSuchEntity", "no such role")
	}
	if len(f.rolePolicies) > 0 || len(f.roleInline) > 0 {
		return nil, apiErr("DeleteConflict", "Cannot delete entity, must detach all policies first.")
	}
	f.role = nil
	return &iam.DeleteRoleOutput{}, nil
}

func (f *fakeAWS) UpdateRole(ctx context.Context, in *iam.UpdateRoleInput, _ ...func(*iam.Options)) (_ *iam.UpdateRoleOutput, err error) {
	if err := f.enter(ctx, "UpdateRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "UpdateRole", &err)()
	if f.role == nil || *f.role.RoleName != *in.RoleName {
		return nil, apiErr("NoSuchEntity", "no such role")
	}
	f.role.MaxSessionDuration = in.MaxSessionDuration
	return &iam.UpdateRoleOutput{}, nil
}

func (f *fakeAWS) UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.UpdateAssumeRolePolicyOutput, err error) {
	if err := f.enter(ctx, "UpdateAssumeRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "UpdateAssumeRolePolicy", &err)()
	if f.role == nil || *f.role.RoleName != *in.RoleName {
		return nil, apiErr("NoSuchEntity", "no such role")
	}
	f.role.AssumeRolePolicyDocument = in.PolicyDocument
	return &iam.UpdateAssumeRolePolicyOutput{}, nil
}

func (f *fakeAWS) DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.DetachRolePolicyOutput, err error) {
	if err := f.enter(ctx, "DetachRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DetachRolePolicy", &err)()
	for i, p := range f.rolePolicies {
		if p == *in.PolicyArn {
			f.rolePolicies = append(f.rolePolicies[:i], f.rolePolicies[i+1:]...)
			return &iam.DetachRolePolicyOutput{}, nil
		}
	}
	return nil, apiErr("NoSuchEntity", "Policy "+*in.PolicyArn+" was not found.")
}

func (f *fakeAWS) ListUserPolicies(ctx context.Context, in *iam.ListUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	if err := f.enter(ctx, "ListUserPolicies"); err != nil {
		return nil, err
	}
	u := f.user(*in.UserName)
	if u == nil {
		return nil, apiErr("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &iam.ListUserPoliciesOutput{}
	for name := range u.policies {
		out.PolicyNames = append(out.PolicyNames, name)
	}
	sort.Strings(out.PolicyNames)
	return out, nil
}

func (f *fakeAWS) ListUserTags(ctx context.Context, in *iam.ListUserTagsInput, _ ...func(*iam.Options)) (*iam.ListUserTagsOutput, error) {
	if err := f.enter(ctx, "ListUserTags"); err != nil {
		return nil, err
	}
	u := f.user(*in.UserName)
	if u == nil {
		return nil, apiErr("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return &iam.ListUserTagsOutput{Tags: slices.Clone(u.tags)}, nil
}

func (f *fakeAWS) TagUser(ctx context.Context, in *iam.TagUserInput, _ ...func(*iam.Options)) (_ *iam.TagUserOutput, err error) {
	if err := f.enter(ctx, "TagUser"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "TagUser", &err)
	u := f.user(*in.UserName)
	if u == nil {
		return nil, apiErr("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
next:
	for _, t := range in.Tags {
		for i, have := range u.tags {
			if *have.Key == *t.Key {
				u.tags[i] = t
				continue next
			}
		}
		u.tags = append(u.tags, t)
	}
	return &iam.TagUserOutput{}, nil
}

func (f *fakeAWS) UntagUser(ctx context.Context, in *iam.UntagUserInput, _ ...func(*iam.Options)) (_ *iam.UntagUserOutput, err error) {
	if err := f.enter(ctx, "UntagUser"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "UntagUser", &err)
	u := f.user(*in.UserName)
	if u == nil {
		return nil, apiErr("NoSuchEntity", "The user with name "+*in.UserName+" cannot be found.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var kept []iamtypes.Tag
	for _, t := range u.tags {
		if !slices.Contains(in.TagKeys, *t.Key) {
			kept = append(kept, t)
		}
	}
	u.tags = kept
	return &iam.UntagUserOutput{}, nil
}

func (f *fakeAWS) AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.AttachRolePolicyOutput, err error) {
	if err := f.enter(ctx, "AttachRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "AttachRolePolicy", &err)()
	f.rolePolicies = append(f.rolePolicies, *in.PolicyArn)
	return &iam.AttachRolePolicyOutput{}, nil
}

// roleNamed is the role called name, or a NoSuchEntity error; f.mu is held.
func (f *fakeAWS) roleNamed(name *string) error {
	if f.role == nil || *f.role.RoleName != aws.ToString(name) {
		return apiErr("NoSuchEntity", "The role with name "+aws.ToString(name)+" cannot be found.")
	}
	return nil
}

func (f *fakeAWS) PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.PutRolePolicyOutput, err error) {
	if err := f.enter(ctx, "PutRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "PutRolePolicy", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(*in.PolicyDocument, "{") {
		return nil, apiErr("MalformedPolicyDocument", "Syntax errors in policy.")
	}
	if f.roleInline == nil {
		f.roleInline = map[string]string{}
	}
	f.roleInline[*in.PolicyName] = *in.PolicyDocument
	return &iam.PutRolePolicyOutput{}, nil
}

func (f *fakeAWS) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	if err := f.enter(ctx, "GetRolePolicy"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	doc, ok := f.roleInline[*in.PolicyName]
	if !ok {
		return nil, apiErr("NoSuchEntity", "The role policy with name "+*in.PolicyName+" cannot be found.")
	}
	return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(f.encode(doc))}, nil
}

func (f *fakeAWS) DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (_ *iam.DeleteRolePolicyOutput, err error) {
	if err := f.enter(ctx, "DeleteRolePolicy"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DeleteRolePolicy", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	if _, ok := f.roleInline[*in.PolicyName]; !ok {
		return nil, apiErr("NoSuchEntity", "The role policy with name "+*in.PolicyName+" cannot be found.")
	}
	delete(f.roleInline, *in.PolicyName)
	return &iam.DeleteRolePolicyOutput{}, nil
}

func (f *fakeAWS) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	if err := f.enter(ctx, "ListRolePolicies"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	out := &iam.ListRolePoliciesOutput{}
	for name := range f.roleInline {
		out.PolicyNames = append(out.PolicyNames, name)
	}
	sort.Strings(out.PolicyNames)
	return out, nil
}

func (f *fakeAWS) TagRole(ctx context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (_ *iam.TagRoleOutput, err error) {
	if err := f.enter(ctx, "TagRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "TagRole", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
next:
	for _, t := range in.Tags {
		for i, have := range f.role.Tags {
			if *have.Key == *t.Key {
				f.role.Tags[i] = t
				continue next
			}
		}
		f.role.Tags = append(f.role.Tags, t)
	}
	return &iam.TagRoleOutput{}, nil
}

func (f *fakeAWS) UntagRole(ctx context.Context, in *iam.UntagRoleInput, _ ...func(*iam.Options)) (_ *iam.UntagRoleOutput, err error) {
	if err := f.enter(ctx, "UntagRole"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "UntagRole", &err)()
	if err := f.roleNamed(in.RoleName); err != nil {
		return nil, err
	}
	var kept []iamtypes.Tag
	for _, t := range f.role.Tags {
		if !slices.Contains(in.TagKeys, *t.Key) {
			kept = append(kept, t)
		}
	}
	f.role.Tags = kept
	return &iam.UntagRoleOutput{}, nil
}

// roleState is everything about the role a create-role run may change.
type roleState struct {
	Exists      bool
	Trust       string
	MaxDuration int32
	Tags        map[string]string
	Inline      map[string]string
}

func (f *fakeAWS) roleSnapshot() roleState {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.role == nil {
		return roleState{}
	}
	s := roleState{Exists: true, Trust: aws.ToString(f.role.AssumeRolePolicyDocument), MaxDuration: aws.ToInt32(f.role.MaxSessionDuration),
		Tags: map[string]string{}, Inline: map[string]string{}}
	for _, t := range f.role.Tags {
		s.Tags[*t.Key] = *t.Value
	}
	for k, v := range f.roleInline {
		s.Inline[k] = v
	}
	return s
}

// STS

func (f *fakeAWS) GetCallerIdentity(ctx context.Context, _ *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if err := f.enter(ctx, "GetCallerIdentity"); err != nil {
		return nil, err
	}
	return &sts.GetCallerIdentityOutput{Account: aws.String("123456789012"), Arn: aws.String("arn:aws:iam::123456789012:user/admin")}, nil
}

func (f *fakeAWS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (_ *sts.AssumeRoleOutput, err error) {
	if err := f.enter(ctx, "AssumeRole"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "AssumeRole", &err)
	if f.noCredentials {
		return &sts.AssumeRoleOutput{}, nil
	}
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String("ASIATEMP"), SecretAccessKey: aws.String("temp-secret"), SessionToken: aws.String("token"),
		Expiration: aws.Time(time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC)),
	}}, nil
}

// S3

func (f *fakeAWS) HeadBucket(ctx context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	if err := f.enter(ctx, "HeadBucket"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.buckets[*in.Bucket] {
		return nil, apiErr("NotFound", "")
	}
	return &s3.HeadBucketOutput{}, nil
}

func (f *fakeAWS) CreateBucket(ctx context.Context, in *s3.CreateBucketInput, _ ...func(*s3.Options)) (_ *s3.CreateBucketOutput, err error) {
	if err := f.enter(ctx, "CreateBucket"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "CreateBucket", &err)()
	f.buckets[*in.Bucket] = true
	return &s3.CreateBucketOutput{}, nil
}

func (f *fakeAWS) DeleteBucket(ctx context.Context, in *s3.DeleteBucketInput, _ ...func(*s3.Options)) (_ *s3.DeleteBucketOutput, err error) {
	if err := f.enter(ctx, "DeleteBucket"); err != nil {
		return nil, err
	}
	defer f.locked(ctx, "DeleteBucket", &err)()
	if !f.buckets[*in.Bucket] {
		return nil, apiErr("NoSuchBucket", "The specified bucket does not exist")
	}
	delete(f.buckets, *in.Bucket)
	return &s3.DeleteBucketOutput{}, nil
}

func (f *fakeAWS) PutPublicAccessBlock(ctx context.Context, _ *s3.PutPublicAccessBlockInput, _ ...func(*s3.Options)) (_ *s3.PutPublicAccessBlockOutput, err error) {
	if err := f.enter(ctx, "PutPublicAccessBlock"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutPublicAccessBlock", &err)
	return &s3.PutPublicAccessBlockOutput{}, nil
}

func (f *fakeAWS) PutBucketPolicy(ctx context.Context, _ *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (_ *s3.PutBucketPolicyOutput, err error) {
	if err := f.enter(ctx, "PutBucketPolicy"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutBucketPolicy", &err)
	return &s3.PutBucketPolicyOutput{}, nil
}

func (f *fakeAWS) PutBucketWebsite(ctx context.Context, _ *s3.PutBucketWebsiteInput, _ ...func(*s3.Options)) (_ *s3.PutBucketWebsiteOutput, err error) {
	if err := f.enter(ctx, "PutBucketWebsite"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutBucketWebsite", &err)
	return &s3.PutBucketWebsiteOutput{}, nil
}

func (f *fakeAWS) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	if err := f.enter(ctx, "GetBucketEncryption"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if cfg := f.encryption[aws.ToString(in.Bucket)]; cfg != nil {
		return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: cfg}, nil
	}
	return nil, apiErr("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
}

func (f *fakeAWS) PutBucketTagging(ctx context.Context, _ *s3.PutBucketTaggingInput, _ ...func(*s3.Options)) (_ *s3.PutBucketTaggingOutput, err error) {
	if err := f.enter(ctx, "PutBucketTagging"); err != nil {
		return nil, err
	}
	defer f.exitInto(ctx, "PutBucketTagging", &err)
	return &s3.PutBucketTaggingOutput{}, nil
}

// fakeState is what a run can change, for comparing before and after.
type fakeState struct {
	users        map[string]fakeUser
	buckets      map[string]bool
	role         bool
	rolePolicies []string
}

func (f *fakeAWS) snapshot() fakeState {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := fakeState{users: map[string]fakeUser{}, buckets: map[string]bool{}, role: f.role != nil}
	for n, u := range f.users {
		c := fakeUser{policies: map[string]string{}, keys: append([]string(nil), u.keys...), tags: slices.Clone(u.tags), boundary: u.boundary}
		for k, v := range u.policies {
			c.policies[k] = v
		}
		s.users[n] = c
	}
	for b := range f.buckets {
		s.buckets[b] = true
	}
	s.rolePolicies = append(s.rolePolicies, f.rolePolicies...)
	return s
}

// interruptAt makes the n-th call (from 0) of op end as an interrupt ends
// it: "before" it reaches the fake, "after" it took effect (both cancel the
// run's context), or "answer lost" (it took effect, and its answer timed
// out).
func (f *fakeAWS) interruptAt(op string, n int, when string, cancel context.CancelFunc) {
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
		f.hook = fire
	} else {
		f.after = fire
	}
}
