package botocore

import (
	"net/url"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// Converters for the account and bucket inspection commands, in the AWS API
// model's member order (botocore's), absent members left out.

// PolicyDocument turns an IAM policy document as the API returns it
// (URL-encoded JSON) into the JSON value botocore hands its callers. As
// Python's unquote, "+" stays "+" (IAM encodes a plus as %2B). A
// document that is not URL-encoded JSON is returned as the plain string.
func PolicyDocument(doc *string) any {
	if doc == nil {
		return nil
	}
	text, err := url.PathUnescape(*doc)
	if err != nil {
		text = *doc
	}
	v, err := pyjson.Decode([]byte(text))
	if err != nil {
		return text
	}
	return v
}

// Role is iam.Role in model order, with its trust policy decoded.
func Role(r *iamtypes.Role) pyjson.Map {
	m := pyjson.Map{}
	m.Put("Path", r.Path)
	m.Put("RoleName", r.RoleName)
	m.Put("RoleId", r.RoleId)
	m.Put("Arn", r.Arn)
	m.Put("CreateDate", r.CreateDate)
	m.Put("AssumeRolePolicyDocument", PolicyDocument(r.AssumeRolePolicyDocument))
	m.Put("Description", r.Description)
	m.Put("MaxSessionDuration", r.MaxSessionDuration)
	m.Put("PermissionsBoundary", PermissionsBoundary(r.PermissionsBoundary))
	if r.Tags != nil {
		m.Put("Tags", Tags(r.Tags))
	}
	if r.RoleLastUsed != nil {
		last := pyjson.Map{}
		last.Put("LastUsedDate", r.RoleLastUsed.LastUsedDate)
		last.Put("Region", r.RoleLastUsed.Region)
		m.Put("RoleLastUsed", last)
	}
	return m
}

// RolePolicy is a GetRolePolicy answer: RoleName, PolicyName, PolicyDocument.
func RolePolicy(roleName, policyName, document *string) pyjson.Map {
	m := pyjson.Map{}
	m.Put("RoleName", roleName)
	m.Put("PolicyName", policyName)
	m.Put("PolicyDocument", PolicyDocument(document))
	return m
}

// Policy is iam.Policy (a managed policy) in model order.
func Policy(p *iamtypes.Policy) pyjson.Map {
	m := pyjson.Map{}
	m.Put("PolicyName", p.PolicyName)
	m.Put("PolicyId", p.PolicyId)
	m.Put("Arn", p.Arn)
	m.Put("Path", p.Path)
	m.Put("DefaultVersionId", p.DefaultVersionId)
	m.Put("AttachmentCount", p.AttachmentCount)
	m.Put("PermissionsBoundaryUsageCount", p.PermissionsBoundaryUsageCount)
	m.Put("IsAttachable", p.IsAttachable)
	m.Put("Description", p.Description)
	m.Put("CreateDate", p.CreateDate)
	m.Put("UpdateDate", p.UpdateDate)
	if p.Tags != nil {
		m.Put("Tags", Tags(p.Tags))
	}
	return m
}

// PolicyVersion is iam.PolicyVersion in model order, its document decoded.
func PolicyVersion(v *iamtypes.PolicyVersion) pyjson.Map {
	m := pyjson.Map{}
	m.Put("Document", PolicyDocument(v.Document))
	m.Put("VersionId", v.VersionId)
	m.Put("IsDefaultVersion", v.IsDefaultVersion)
	m.Put("CreateDate", v.CreateDate)
	return m
}

// Bucket is s3.Bucket (a ListBuckets entry) in model order.
func Bucket(b *s3types.Bucket) pyjson.Map {
	m := pyjson.Map{}
	m.Put("Name", b.Name)
	m.Put("CreationDate", b.CreationDate)
	m.Put("BucketRegion", b.BucketRegion)
	m.Put("BucketArn", b.BucketArn)
	return m
}

func s3Owner(o *s3types.Owner) pyjson.Map {
	m := pyjson.Map{}
	m.Put("DisplayName", o.DisplayName)
	m.Put("ID", o.ID)
	return m
}

// BucketACL is a GetBucketAcl answer: Owner, Grants.
func BucketACL(owner *s3types.Owner, grants []s3types.Grant) pyjson.Map {
	m := pyjson.Map{}
	if owner != nil {
		m.Put("Owner", s3Owner(owner))
	}
	if grants != nil {
		list := make([]any, 0, len(grants))
		for _, g := range grants {
			gm := pyjson.Map{}
			if g.Grantee != nil {
				ge := pyjson.Map{}
				ge.Put("DisplayName", g.Grantee.DisplayName)
				ge.Put("EmailAddress", g.Grantee.EmailAddress)
				ge.Put("ID", g.Grantee.ID)
				ge.Put("Type", string(g.Grantee.Type))
				ge.Put("URI", g.Grantee.URI)
				gm.Put("Grantee", ge)
			}
			gm.Put("Permission", string(g.Permission))
			list = append(list, gm)
		}
		m.Put("Grants", list)
	}
	return m
}

// PublicAccessBlock is s3.PublicAccessBlockConfiguration in model order.
func PublicAccessBlock(c *s3types.PublicAccessBlockConfiguration) pyjson.Map {
	m := pyjson.Map{}
	m.Put("BlockPublicAcls", c.BlockPublicAcls)
	m.Put("IgnorePublicAcls", c.IgnorePublicAcls)
	m.Put("BlockPublicPolicy", c.BlockPublicPolicy)
	m.Put("RestrictPublicBuckets", c.RestrictPublicBuckets)
	return m
}

// BucketWebsite is a GetBucketWebsite answer: RedirectAllRequestsTo,
// IndexDocument, ErrorDocument, RoutingRules.
func BucketWebsite(redirect *s3types.RedirectAllRequestsTo, index *s3types.IndexDocument, errDoc *s3types.ErrorDocument, rules []s3types.RoutingRule) pyjson.Map {
	m := pyjson.Map{}
	if redirect != nil {
		r := pyjson.Map{}
		r.Put("HostName", redirect.HostName)
		r.Put("Protocol", string(redirect.Protocol))
		m.Put("RedirectAllRequestsTo", r)
	}
	if index != nil {
		i := pyjson.Map{}
		i.Put("Suffix", index.Suffix)
		m.Put("IndexDocument", i)
	}
	if errDoc != nil {
		e := pyjson.Map{}
		e.Put("Key", errDoc.Key)
		m.Put("ErrorDocument", e)
	}
	if rules != nil {
		list := make([]any, 0, len(rules))
		for _, rule := range rules {
			rm := pyjson.Map{}
			if c := rule.Condition; c != nil {
				cm := pyjson.Map{}
				cm.Put("HttpErrorCodeReturnedEquals", c.HttpErrorCodeReturnedEquals)
				cm.Put("KeyPrefixEquals", c.KeyPrefixEquals)
				rm.Put("Condition", cm)
			}
			if r := rule.Redirect; r != nil {
				redir := pyjson.Map{}
				redir.Put("HostName", r.HostName)
				redir.Put("HttpRedirectCode", r.HttpRedirectCode)
				redir.Put("Protocol", string(r.Protocol))
				redir.Put("ReplaceKeyPrefixWith", r.ReplaceKeyPrefixWith)
				redir.Put("ReplaceKeyWith", r.ReplaceKeyWith)
				rm.Put("Redirect", redir)
			}
			list = append(list, rm)
		}
		m.Put("RoutingRules", list)
	}
	return m
}

// CORSRules renders s3 CORS rules, each in model order.
func CORSRules(rules []s3types.CORSRule) []any {
	list := make([]any, 0, len(rules))
	for _, r := range rules {
		m := pyjson.Map{}
		m.Put("ID", r.ID)
		if r.AllowedHeaders != nil {
			m.Put("AllowedHeaders", r.AllowedHeaders)
		}
		if r.AllowedMethods != nil {
			m.Put("AllowedMethods", r.AllowedMethods)
		}
		if r.AllowedOrigins != nil {
			m.Put("AllowedOrigins", r.AllowedOrigins)
		}
		if r.ExposeHeaders != nil {
			m.Put("ExposeHeaders", r.ExposeHeaders)
		}
		m.Put("MaxAgeSeconds", r.MaxAgeSeconds)
		list = append(list, m)
	}
	return list
}

// PolicyStatus is a GetBucketPolicyStatus answer: {"PolicyStatus": {...}}.
func PolicyStatus(s *s3types.PolicyStatus) pyjson.Map {
	m := pyjson.Map{}
	if s != nil {
		ps := pyjson.Map{}
		ps.Put("IsPublic", s.IsPublic)
		m.Put("PolicyStatus", ps)
	}
	return m
}
