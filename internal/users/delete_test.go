package users

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
)

// stubIAM answers the listings of DeleteUser as an IAM stand-in that lacks
// the optional actions would (SeaweedFS answers InvalidAction).
type stubIAM struct {
	DeleteUserAPI // calls not overridden below would panic: none are expected
	deleted       bool
}

var invalidAction = &smithy.GenericAPIError{Code: "InvalidAction", Message: "not valid for this endpoint"}

func (s *stubIAM) ListUserPolicies(context.Context, *iam.ListUserPoliciesInput, ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	return &iam.ListUserPoliciesOutput{}, nil
}
func (s *stubIAM) ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	return &iam.ListAccessKeysOutput{}, nil
}
func (s *stubIAM) ListAttachedUserPolicies(context.Context, *iam.ListAttachedUserPoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	return nil, invalidAction
}
func (s *stubIAM) ListGroupsForUser(context.Context, *iam.ListGroupsForUserInput, ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error) {
	return nil, invalidAction
}
func (s *stubIAM) DeleteLoginProfile(context.Context, *iam.DeleteLoginProfileInput, ...func(*iam.Options)) (*iam.DeleteLoginProfileOutput, error) {
	return nil, invalidAction
}
func (s *stubIAM) ListMFADevices(context.Context, *iam.ListMFADevicesInput, ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error) {
	return nil, invalidAction
}
func (s *stubIAM) ListSSHPublicKeys(context.Context, *iam.ListSSHPublicKeysInput, ...func(*iam.Options)) (*iam.ListSSHPublicKeysOutput, error) {
	return nil, invalidAction
}
func (s *stubIAM) ListSigningCertificates(context.Context, *iam.ListSigningCertificatesInput, ...func(*iam.Options)) (*iam.ListSigningCertificatesOutput, error) {
	return nil, invalidAction
}
func (s *stubIAM) DeleteUser(context.Context, *iam.DeleteUserInput, ...func(*iam.Options)) (*iam.DeleteUserOutput, error) {
	s.deleted = true
	return &iam.DeleteUserOutput{}, nil
}

func TestDeleteUserSkipsActionsTheEndpointLacks(t *testing.T) {
	s := &stubIAM{}
	var out bytes.Buffer
	if err := DeleteUser(context.Background(), s, &out, "u"); err != nil {
		t.Fatal(err)
	}
	if !s.deleted || out.String() != "User: u\n  Deleted user\n" {
		t.Errorf("deleted %v, report %q", s.deleted, out.String())
	}
}

// The listings the reference made are not optional: an endpoint refusing
// them stops the deletion.
type stubNoKeys struct{ stubIAM }

func (s *stubNoKeys) ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	return nil, invalidAction
}

func TestDeleteUserStopsWhenKeysCannotBeListed(t *testing.T) {
	s := &stubNoKeys{}
	var out bytes.Buffer
	if err := DeleteUser(context.Background(), s, &out, "u"); err == nil || s.deleted {
		t.Errorf("err %v, deleted %v", err, s.deleted)
	}
}
