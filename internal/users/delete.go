package users

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/undo"
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
//
// A user that does not exist is an error (NoSuchEntity), as in the
// reference. One that another run (a second prune, a delete-user at the
// same time) deletes while this one is at work is deleted all the same:
// what is already gone is skipped, the report ends with
// "  Deleted by someone else meanwhile" instead of "  Deleted user", and
// the error is ErrDeletedMeanwhile. An attachment that was listed, or the
// user itself, found gone after an attempt of this run got no answer or a
// server error, was removed by that attempt, and is reported as removed.
// (The console password is not listed first: one whose deletion went
// unanswered may go unreported, never the reverse.)
func DeleteUser(ctx context.Context, api DeleteUserAPI, w io.Writer, name string) error {
	user := aws.String(name)
	fmt.Fprintf(w, "User: %s\n", name)
	atts := userAttachments(api, user)
	// Policies, keys and groups first, then the console password, then the
	// other credentials: the order the report has always had.
	if err := removeAll(ctx, w, atts[:1], true); err != nil {
		return err // NoSuchEntity here: there is no such user
	}
	err := removeAll(ctx, w, atts[1:4], false)
	if err == nil {
		if _, derr := api.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: user}); derr == nil {
			fmt.Fprintln(w, "  Deleted login profile")
		} else if !awsclient.IsNotFound(derr) && !awsclient.IsNotImplemented(derr) {
			err = derr
		}
	}
	if err == nil {
		err = removeAll(ctx, w, atts[4:], false)
	}
	if err == nil {
		var lost undo.LostAnswers
		_, err = api.DeleteUser(ctx, &iam.DeleteUserInput{UserName: user}, lost.Option())
		if err == nil || lost.Happened() && awsclient.IsNotFound(err) {
			// Gone after an attempt whose answer was lost: that attempt
			// deleted it.
			fmt.Fprintln(w, "  Deleted user")
			return nil
		}
	}
	if errors.Is(err, errUserGone) || awsclient.IsNotFound(err) {
		fmt.Fprintln(w, "  Deleted by someone else meanwhile")
		return ErrDeletedMeanwhile
	}
	return err
}

// ErrDeletedMeanwhile is DeleteUser's answer when the user was deleted by
// someone else while it was at work: the user is gone, as asked, but not
// by this run. Callers count it as done.
var ErrDeletedMeanwhile = errors.New("the user was deleted by someone else meanwhile")

// errUserGone is a user found missing after its deletion began.
var errUserGone = errors.New("the user was deleted meanwhile")

// removeAll lists and removes each kind of attachment, one line per item.
// An item already gone was removed by someone else: it is skipped, unless
// an attempt of this run to remove it went unanswered (no answer, or a
// server error), which then removed it. A listing that finds the user gone
// returns the NoSuchEntity error when first (the user does not exist),
// else errUserGone.
func removeAll(ctx context.Context, w io.Writer, atts []attachment, first bool) error {
	for i, a := range atts {
		ids, err := a.list(ctx)
		if err != nil {
			if a.optional && awsclient.IsNotImplemented(err) {
				continue // this endpoint has no such thing, so the user has none
			}
			if awsclient.IsNotFound(err) && (!first || i != 0) {
				return errUserGone
			}
			return err
		}
		for _, id := range ids {
			var lost undo.LostAnswers
			if err := a.remove(ctx, id, lost.Option()); err != nil {
				if !awsclient.IsNotFound(err) {
					return err
				}
				if !lost.Happened() {
					continue // removed by someone else since it was listed
				}
				// Removed by an attempt of this run whose answer was lost.
			}
			fmt.Fprintf(w, a.line, id)
		}
	}
	return nil
}

// attachment is one kind of thing that keeps IAM from deleting a user.
type attachment struct {
	list   func(context.Context) ([]string, error)
	remove func(ctx context.Context, id string, opts ...func(*iam.Options)) error
	line   string // the report line, with %s for the id
	// what names the kind in prose ("group"); made says create makes
	// things of this kind (inline policies are checked by name).
	what string
	made bool
	// optional kinds go beyond what the reference removed; an endpoint that
	// does not implement their listing (an IAM stand-in) simply has none.
	optional bool
}

func userAttachments(api DeleteUserAPI, user *string) []attachment { //nolint:funlen // a table: one entry per kind

	return []attachment{
		{
			list: func(ctx context.Context) ([]string, error) {
				return collect(ctx, iam.NewListUserPoliciesPaginator(api, &iam.ListUserPoliciesInput{UserName: user}),
					func(o *iam.ListUserPoliciesOutput) []string { return o.PolicyNames })
			},
			remove: func(ctx context.Context, p string, opts ...func(*iam.Options)) error {
				_, err := api.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: user, PolicyName: aws.String(p)}, opts...)
				return err
			},
			line: "  Deleted policy: %s\n",
			what: "inline policy",
			made: true,
		},
		{
			list: func(ctx context.Context) ([]string, error) {
				return collect(ctx, iam.NewListAccessKeysPaginator(api, &iam.ListAccessKeysInput{UserName: user}),
					func(o *iam.ListAccessKeysOutput) (ids []string) {
						for _, k := range o.AccessKeyMetadata {
							ids = append(ids, aws.ToString(k.AccessKeyId))
						}
						return ids
					})
			},
			remove: func(ctx context.Context, k string, opts ...func(*iam.Options)) error {
				_, err := api.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: aws.String(k)}, opts...)
				return err
			},
			line: "  Deleted access key: %s\n",
			what: "access key",
			made: true,
		},
		{
			list: func(ctx context.Context) ([]string, error) {
				return collect(ctx, iam.NewListAttachedUserPoliciesPaginator(api, &iam.ListAttachedUserPoliciesInput{UserName: user}),
					func(o *iam.ListAttachedUserPoliciesOutput) (ids []string) {
						for _, a := range o.AttachedPolicies {
							ids = append(ids, aws.ToString(a.PolicyArn))
						}
						return ids
					})
			},
			remove: func(ctx context.Context, arn string, opts ...func(*iam.Options)) error {
				_, err := api.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: user, PolicyArn: aws.String(arn)}, opts...)
				return err
			},
			line:     "  Detached policy: %s\n",
			what:     "attached managed policy",
			made:     false,
			optional: true,
		},
		{
			list: func(ctx context.Context) ([]string, error) {
				return collect(ctx, iam.NewListGroupsForUserPaginator(api, &iam.ListGroupsForUserInput{UserName: user}),
					func(o *iam.ListGroupsForUserOutput) (ids []string) {
						for _, g := range o.Groups {
							ids = append(ids, aws.ToString(g.GroupName))
						}
						return ids
					})
			},
			remove: func(ctx context.Context, g string, opts ...func(*iam.Options)) error {
				_, err := api.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: user, GroupName: aws.String(g)}, opts...)
				return err
			},
			line:     "  Removed from group: %s\n",
			what:     "group",
			made:     false,
			optional: true,
		},
		{
			list: func(ctx context.Context) ([]string, error) {
				return collect(ctx, iam.NewListMFADevicesPaginator(api, &iam.ListMFADevicesInput{UserName: user}),
					func(o *iam.ListMFADevicesOutput) (ids []string) {
						for _, d := range o.MFADevices {
							ids = append(ids, aws.ToString(d.SerialNumber))
						}
						return ids
					})
			},
			remove: func(ctx context.Context, serial string, opts ...func(*iam.Options)) error {
				_, err := api.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: user, SerialNumber: aws.String(serial)}, opts...)
				return err
			},
			line:     "  Deactivated MFA device: %s\n",
			what:     "MFA device",
			made:     false,
			optional: true,
		},
		{
			list: func(ctx context.Context) ([]string, error) {
				return collect(ctx, iam.NewListSSHPublicKeysPaginator(api, &iam.ListSSHPublicKeysInput{UserName: user}),
					func(o *iam.ListSSHPublicKeysOutput) (ids []string) {
						for _, k := range o.SSHPublicKeys {
							ids = append(ids, aws.ToString(k.SSHPublicKeyId))
						}
						return ids
					})
			},
			remove: func(ctx context.Context, id string, opts ...func(*iam.Options)) error {
				_, err := api.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: user, SSHPublicKeyId: aws.String(id)}, opts...)
				return err
			},
			line:     "  Deleted SSH public key: %s\n",
			what:     "SSH public key",
			made:     false,
			optional: true,
		},
		{
			list: func(ctx context.Context) ([]string, error) {
				return collect(ctx, iam.NewListSigningCertificatesPaginator(api, &iam.ListSigningCertificatesInput{UserName: user}),
					func(o *iam.ListSigningCertificatesOutput) (ids []string) {
						for _, c := range o.Certificates {
							ids = append(ids, aws.ToString(c.CertificateId))
						}
						return ids
					})
			},
			remove: func(ctx context.Context, id string, opts ...func(*iam.Options)) error {
				_, err := api.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: user, CertificateId: aws.String(id)}, opts...)
				return err
			},
			line:     "  Deleted signing certificate: %s\n",
			what:     "signing certificate",
			made:     false,
			optional: true,
		},
	}
}

// pager is what the SDK's IAM paginators have in common.
type pager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*iam.Options)) (O, error)
}

// collect gathers the ids of every page.
func collect[O any](ctx context.Context, p pager[O], ids func(O) []string) ([]string, error) {
	var all []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, ids(page)...)
	}
	return all, nil
}
