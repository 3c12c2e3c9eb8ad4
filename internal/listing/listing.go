// Package listing lists what an account holds, as the listing commands
// print it: users (with their tags), roles (with their policies), buckets
// (with their region, ACL, public access block, website and tags), users'
// inline policies and the objects in a bucket. Pages stream through as
// they arrive; details are fetched several at a time while the output
// keeps AWS's order.
package listing

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/ordered"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/botocore"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// Every listing takes a page size: when above zero it is what each listing
// call asks for (MaxItems / MaxBuckets, the commands' --page-size); zero
// leaves it to the service.

// DetailWorkers bounds how many items have their details fetched at once.
const DetailWorkers = 8

// IAMListAPI names the IAM calls the listings make.
type IAMListAPI interface {
	iam.ListUsersAPIClient
	iam.ListRolesAPIClient
	iam.ListRolePoliciesAPIClient
	iam.ListAttachedRolePoliciesAPIClient
	iam.ListUserPoliciesAPIClient
	GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	GetUserPolicy(context.Context, *iam.GetUserPolicyInput, ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
}

// S3ListAPI names the S3 calls the bucket listing makes.
type S3ListAPI interface {
	s3.ListBucketsAPIClient
	GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketWebsite(context.Context, *s3.GetBucketWebsiteInput, ...func(*s3.Options)) (*s3.GetBucketWebsiteOutput, error)
	GetBucketTagging(context.Context, *s3.GetBucketTaggingInput, ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
}

func maxItems(pageSize int32) *int32 {
	if pageSize > 0 {
		return aws.Int32(pageSize)
	}
	return nil
}

// Users calls fn with each IAM user of the account, page by page, and
// pageDone (when not nil) after each page.
func Users(ctx context.Context, api iam.ListUsersAPIClient, pageSize int32, fn func(iamtypes.User) error, pageDone func() error) error {
	p := iam.NewListUsersPaginator(api, &iam.ListUsersInput{MaxItems: maxItems(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, u := range page.Users {
			if err := fn(u); err != nil {
				return err
			}
		}
		if pageDone != nil {
			if err := pageDone(); err != nil {
				return err
			}
		}
	}
	return nil
}

// nameFilter matches everything when names is empty, else only those names.
func nameFilter(names []string) func(string) bool {
	if len(names) == 0 {
		return func(string) bool { return true }
	}
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return func(n string) bool { return set[n] }
}

// Roles calls emit with each role (only those named, when names is not
// empty) as an AWS-ordered map. With details each role also gets
// inline_policies and attached_policies, fetched for several roles at once
// while the output keeps the listing's order.
func Roles(ctx context.Context, api IAMListAPI, pageSize int32, names []string, details bool, emit func(pyjson.Map) error) error {
	wanted := nameFilter(names)
	produce := func(ctx context.Context, yield func(iamtypes.Role) error) error {
		p := iam.NewListRolesPaginator(api, &iam.ListRolesInput{MaxItems: maxItems(pageSize)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, r := range page.Roles {
				if wanted(aws.ToString(r.RoleName)) {
					if err := yield(r); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	work := func(ctx context.Context, r iamtypes.Role) (pyjson.Map, error) {
		m := botocore.Role(&r)
		if !details {
			return m, nil
		}
		inline, err := roleInlinePolicies(ctx, api, pageSize, r.RoleName)
		if err != nil {
			return nil, err
		}
		attached, err := roleAttachedPolicies(ctx, api, pageSize, r.RoleName)
		if err != nil {
			return nil, err
		}
		m.Set("inline_policies", inline)
		m.Set("attached_policies", attached)
		return m, nil
	}
	workers := 1
	if details {
		workers = DetailWorkers
	}
	return ordered.Run(ctx, workers, produce, work, emit)
}

func roleInlinePolicies(ctx context.Context, api IAMListAPI, pageSize int32, role *string) ([]any, error) {
	list := []any{}
	p := iam.NewListRolePoliciesPaginator(api, &iam.ListRolePoliciesInput{RoleName: role, MaxItems: maxItems(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, name := range page.PolicyNames {
			out, err := api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: role, PolicyName: aws.String(name)})
			if err != nil {
				return nil, err
			}
			list = append(list, botocore.RolePolicy(out.RoleName, out.PolicyName, out.PolicyDocument))
		}
	}
	return list, nil
}

func roleAttachedPolicies(ctx context.Context, api IAMListAPI, pageSize int32, role *string) ([]any, error) {
	list := []any{}
	p := iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: role, MaxItems: maxItems(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.AttachedPolicies {
			pol, err := api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: a.PolicyArn})
			if err != nil {
				return nil, err
			}
			if pol.Policy == nil {
				continue
			}
			m := botocore.Policy(pol.Policy)
			ver, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: a.PolicyArn, VersionId: pol.Policy.DefaultVersionId})
			if err != nil {
				return nil, err
			}
			if ver.PolicyVersion != nil {
				m.Set("PolicyVersion", botocore.PolicyVersion(ver.PolicyVersion))
			}
			list = append(list, m)
		}
	}
	return list, nil
}

// UserPoliciesAPI names the calls that read users' inline policies.
type UserPoliciesAPI interface {
	iam.ListUsersAPIClient
	iam.ListUserPoliciesAPIClient
	GetUserPolicy(context.Context, *iam.GetUserPolicyInput, ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
}

// UserPolicies calls user with each user named (every user of the account,
// in listing order, when names is empty), then policy with each of that
// user's inline policies, its document decoded as botocore decodes it.
func UserPolicies(ctx context.Context, api UserPoliciesAPI, names []string, user func(string) error, policy func(user, name string, doc any) error) error {
	show := func(name string) error {
		if err := user(name); err != nil {
			return err
		}
		p := iam.NewListUserPoliciesPaginator(api, &iam.ListUserPoliciesInput{UserName: aws.String(name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, pol := range page.PolicyNames {
				out, err := api.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(pol)})
				if err != nil {
					return err
				}
				if err := policy(name, pol, botocore.PolicyDocument(out.PolicyDocument)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if len(names) > 0 {
		for _, name := range names {
			if err := show(name); err != nil {
				return err
			}
		}
		return nil
	}
	return Users(ctx, api, 0, func(u iamtypes.User) error { return show(aws.ToString(u.UserName)) }, nil)
}

// BucketRegion is where a bucket lives: GetBucketLocation's answer, with the
// empty constraint meaning us-east-1 (and the legacy "EU" eu-west-1).
func BucketRegion(ctx context.Context, api S3ListAPI, bucket string) (string, error) {
	loc, err := api.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return "", err
	}
	switch region := string(loc.LocationConstraint); region {
	case "":
		return "us-east-1", nil
	case "EU":
		return "eu-west-1", nil
	default:
		return region, nil
	}
}

// Buckets calls emit with each bucket (only those named, when names is not
// empty) as an AWS-ordered map. With details each bucket also gets region,
// bucket_acl, public_access_block and bucket_website; with tags, tags.
func Buckets(ctx context.Context, api S3ListAPI, pageSize int32, names []string, details, tags bool, emit func(pyjson.Map) error) error {
	wanted := nameFilter(names)
	produce := func(ctx context.Context, yield func(s3types.Bucket) error) error {
		p := s3.NewListBucketsPaginator(api, &s3.ListBucketsInput{MaxBuckets: maxItems(pageSize)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, b := range page.Buckets {
				if wanted(aws.ToString(b.Name)) {
					if err := yield(b); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	work := func(ctx context.Context, b s3types.Bucket) (pyjson.Map, error) {
		m := botocore.Bucket(&b)
		if details {
			if err := addBucketDetails(ctx, api, aws.ToString(b.Name), &m); err != nil {
				return nil, err
			}
		}
		if tags {
			t, err := bucketTags(ctx, api, aws.ToString(b.Name))
			if err != nil {
				return nil, err
			}
			m.Set("tags", t)
		}
		return m, nil
	}
	workers := 1
	if details || tags {
		workers = DetailWorkers
	}
	return ordered.Run(ctx, workers, produce, work, emit)
}

func addBucketDetails(ctx context.Context, api S3ListAPI, name string, m *pyjson.Map) error {
	region, err := BucketRegion(ctx, api, name)
	if err != nil {
		return err
	}
	// Ask the bucket's own region, so buckets elsewhere answer too.
	inRegion := func(o *s3.Options) { o.Region = region }
	acl, err := api.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(name)}, inRegion)
	if err != nil {
		return err
	}
	var pab any
	if out, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(name)}, inRegion); err == nil {
		if out.PublicAccessBlockConfiguration != nil {
			pab = botocore.PublicAccessBlock(out.PublicAccessBlockConfiguration)
		}
	} else if !awsclient.IsServiceError(err) {
		return err
	}
	var website any
	if out, err := api.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String(name)}, inRegion); err == nil {
		w := botocore.BucketWebsite(out.RedirectAllRequestsTo, out.IndexDocument, out.ErrorDocument, out.RoutingRules)
		w.Set("url", "http://"+name+".s3-website."+region+".amazonaws.com/")
		website = w
	} else if !awsclient.IsServiceError(err) {
		return err
	}
	m.Set("region", region)
	m.Set("bucket_acl", botocore.BucketACL(acl.Owner, acl.Grants))
	m.Set("public_access_block", pab)
	m.Set("bucket_website", website)
	return nil
}
