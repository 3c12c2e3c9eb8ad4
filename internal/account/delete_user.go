package account

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// DeleteUserAPI names the IAM calls deleting a user makes.
type DeleteUserAPI interface {
	iam.ListUserPoliciesAPIClient
	iam.ListAccessKeysAPIClient
	iam.ListAttachedUserPoliciesAPIClient
	iam.ListGroupsForUserAPIClient
	DeleteUserPolicy(context.Context, *iam.DeleteUserPolicyInput, ...func(*iam.Options)) (*iam.DeleteUserPolicyOutput, error)
	DeleteAccessKey(context.Context, *iam.DeleteAccessKeyInput, ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error)
	DetachUserPolicy(context.Context, *iam.DetachUserPolicyInput, ...func(*iam.Options)) (*iam.DetachUserPolicyOutput, error)
	RemoveUserFromGroup(context.Context, *iam.RemoveUserFromGroupInput, ...func(*iam.Options)) (*iam.RemoveUserFromGroupOutput, error)
	DeleteLoginProfile(context.Context, *iam.DeleteLoginProfileInput, ...func(*iam.Options)) (*iam.DeleteLoginProfileOutput, error)
	DeleteUser(context.Context, *iam.DeleteUserInput, ...func(*iam.Options)) (*iam.DeleteUserOutput, error)
	iam.ListMFADevicesAPIClient
	iam.ListSSHPublicKeysAPIClient
	iam.ListSigningCertificatesAPIClient
	DeactivateMFADevice(context.Context, *iam.DeactivateMFADeviceInput, ...func(*iam.Options)) (*iam.DeactivateMFADeviceOutput, error)
	DeleteSSHPublicKey(context.Context, *iam.DeleteSSHPublicKeyInput, ...func(*iam.Options)) (*iam.DeleteSSHPublicKeyOutput, error)
	DeleteSigningCertificate(context.Context, *iam.DeleteSigningCertificateInput, ...func(*iam.Options)) (*iam.DeleteSigningCertificateOutput, error)
}

// DeleteUser removes what keeps IAM from deleting a user (inline policies,
// access keys, attached managed policies, group memberships, a console
// password, MFA devices, SSH public keys, signing certificates), then the
// user, writing one line per step to w:
//
//	User: NAME
//	  Deleted policy: POLICY
//	  Deleted access key: KEY
//	  Detached policy: ARN
//	  Removed from group: GROUP
//	  Deleted login profile
//	  Deactivated MFA device: SERIAL
//	  Deleted SSH public key: ID
//	  Deleted signing certificate: ID
//	  Deleted user
func DeleteUser(ctx context.Context, api DeleteUserAPI, w io.Writer, name string) error {
	user := aws.String(name)
	fmt.Fprintf(w, "User: %s\n", name)

	var policies []string
	if err := UserPolicyNames(ctx, api, name, func(p string) error {
		policies = append(policies, p)
		return nil
	}); err != nil {
		return err
	}
	for _, p := range policies {
		if _, err := api.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: user, PolicyName: aws.String(p)}); err != nil {
			return err
		}
		fmt.Fprintf(w, "  Deleted policy: %s\n", p)
	}

	var keys []string
	kp := iam.NewListAccessKeysPaginator(api, &iam.ListAccessKeysInput{UserName: user, MaxItems: maxItems()})
	for kp.HasMorePages() {
		page, err := kp.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, k := range page.AccessKeyMetadata {
			keys = append(keys, aws.ToString(k.AccessKeyId))
		}
	}
	for _, k := range keys {
		if _, err := api.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: aws.String(k)}); err != nil {
			return err
		}
		fmt.Fprintf(w, "  Deleted access key: %s\n", k)
	}

	var attached []string
	ap := iam.NewListAttachedUserPoliciesPaginator(api, &iam.ListAttachedUserPoliciesInput{UserName: user, MaxItems: maxItems()})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, a := range page.AttachedPolicies {
			attached = append(attached, aws.ToString(a.PolicyArn))
		}
	}
	for _, arn := range attached {
		if _, err := api.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: user, PolicyArn: aws.String(arn)}); err != nil {
			return err
		}
		fmt.Fprintf(w, "  Detached policy: %s\n", arn)
	}

	var groups []string
	gp := iam.NewListGroupsForUserPaginator(api, &iam.ListGroupsForUserInput{UserName: user, MaxItems: maxItems()})
	for gp.HasMorePages() {
		page, err := gp.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, g := range page.Groups {
			groups = append(groups, aws.ToString(g.GroupName))
		}
	}
	for _, g := range groups {
		if _, err := api.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: user, GroupName: aws.String(g)}); err != nil {
			return err
		}
		fmt.Fprintf(w, "  Removed from group: %s\n", g)
	}

	if _, err := api.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: user}); err == nil {
		fmt.Fprintln(w, "  Deleted login profile")
	} else if !awsclient.IsNotFound(err) {
		return err
	}

	var mfa []string
	mp := iam.NewListMFADevicesPaginator(api, &iam.ListMFADevicesInput{UserName: user, MaxItems: maxItems()})
	for mp.HasMorePages() {
		page, err := mp.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, d := range page.MFADevices {
			mfa = append(mfa, aws.ToString(d.SerialNumber))
		}
	}
	for _, serial := range mfa {
		if _, err := api.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: user, SerialNumber: aws.String(serial)}); err != nil {
			return err
		}
		fmt.Fprintf(w, "  Deactivated MFA device: %s\n", serial)
	}

	var sshKeys []string
	sp := iam.NewListSSHPublicKeysPaginator(api, &iam.ListSSHPublicKeysInput{UserName: user, MaxItems: maxItems()})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, k := range page.SSHPublicKeys {
			sshKeys = append(sshKeys, aws.ToString(k.SSHPublicKeyId))
		}
	}
	for _, id := range sshKeys {
		if _, err := api.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: user, SSHPublicKeyId: aws.String(id)}); err != nil {
			return err
		}
		fmt.Fprintf(w, "  Deleted SSH public key: %s\n", id)
	}

	var certs []string
	cp := iam.NewListSigningCertificatesPaginator(api, &iam.ListSigningCertificatesInput{UserName: user, MaxItems: maxItems()})
	for cp.HasMorePages() {
		page, err := cp.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, c := range page.Certificates {
			certs = append(certs, aws.ToString(c.CertificateId))
		}
	}
	for _, id := range certs {
		if _, err := api.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: user, CertificateId: aws.String(id)}); err != nil {
			return err
		}
		fmt.Fprintf(w, "  Deleted signing certificate: %s\n", id)
	}

	if _, err := api.DeleteUser(ctx, &iam.DeleteUserInput{UserName: user}); err != nil {
		return err
	}
	fmt.Fprintln(w, "  Deleted user")
	return nil
}
