package output

import (
	"net/url"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
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
	v, err := Decode([]byte(text))
	if err != nil {
		return text
	}
	return v
}

// Role is iam.Role in model order, with its trust policy decoded.
func Role(r *iamtypes.Role) Map {
	m := Map{}
	m.put("Path", r.Path)
	m.put("RoleName", r.RoleName)
	m.put("RoleId", r.RoleId)
	m.put("Arn", r.Arn)
	m.put("CreateDate", r.CreateDate)
	m.put("AssumeRolePolicyDocument", PolicyDocument(r.AssumeRolePolicyDocument))
	m.put("Description", r.Description)
	m.put("MaxSessionDuration", r.MaxSessionDuration)
	m.put("PermissionsBoundary", PermissionsBoundary(r.PermissionsBoundary))
	if r.Tags != nil {
		m.put("Tags", Tags(r.Tags))
	}
	if r.RoleLastUsed != nil {
		last := Map{}
		last.put("LastUsedDate", r.RoleLastUsed.LastUsedDate)
		last.put("Region", r.RoleLastUsed.Region)
		m.put("RoleLastUsed", last)
	}
	return m
}

// RolePolicy is a GetRolePolicy answer: RoleName, PolicyName, PolicyDocument.
func RolePolicy(roleName, policyName, document *string) Map {
	m := Map{}
	m.put("RoleName", roleName)
	m.put("PolicyName", policyName)
	m.put("PolicyDocument", PolicyDocument(document))
	return m
}

// Policy is iam.Policy (a managed policy) in model order.
func Policy(p *iamtypes.Policy) Map {
	m := Map{}
	m.put("PolicyName", p.PolicyName)
	m.put("PolicyId", p.PolicyId)
	m.put("Arn", p.Arn)
	m.put("Path", p.Path)
	m.put("DefaultVersionId", p.DefaultVersionId)
	m.put("AttachmentCount", p.AttachmentCount)
	m.put("PermissionsBoundaryUsageCount", p.PermissionsBoundaryUsageCount)
	m.put("IsAttachable", p.IsAttachable)
	m.put("Description", p.Description)
	m.put("CreateDate", p.CreateDate)
	m.put("UpdateDate", p.UpdateDate)
	if p.Tags != nil {
		m.put("Tags", Tags(p.Tags))
	}
	return m
}

// PolicyVersion is iam.PolicyVersion in model order, its document decoded.
func PolicyVersion(v *iamtypes.PolicyVersion) Map {
	m := Map{}
	m.put("Document", PolicyDocument(v.Document))
	m.put("VersionId", v.VersionId)
	m.put("IsDefaultVersion", v.IsDefaultVersion)
	m.put("CreateDate", v.CreateDate)
	return m
}

// Bucket is s3.Bucket (a ListBuckets entry) in model order.
func Bucket(b *s3types.Bucket) Map {
	m := Map{}
	m.put("Name", b.Name)
	m.put("CreationDate", b.CreationDate)
	m.put("BucketRegion", b.BucketRegion)
	m.put("BucketArn", b.BucketArn)
	return m
}

func s3Owner(o *s3types.Owner) Map {
	m := Map{}
	m.put("DisplayName", o.DisplayName)
	m.put("ID", o.ID)
	return m
}

// BucketACL is a GetBucketAcl answer: Owner, Grants.
func BucketACL(owner *s3types.Owner, grants []s3types.Grant) Map {
	m := Map{}
	if owner != nil {
		m.put("Owner", s3Owner(owner))
	}
	if grants != nil {
		list := make([]any, 0, len(grants))
		for _, g := range grants {
			gm := Map{}
			if g.Grantee != nil {
				ge := Map{}
				ge.put("DisplayName", g.Grantee.DisplayName)
				ge.put("EmailAddress", g.Grantee.EmailAddress)
				ge.put("ID", g.Grantee.ID)
				ge.put("Type", string(g.Grantee.Type))
				ge.put("URI", g.Grantee.URI)
				gm.put("Grantee", ge)
			}
			gm.put("Permission", string(g.Permission))
			list = append(list, gm)
		}
		m.put("Grants", list)
	}
	return m
}

// PublicAccessBlock is s3.PublicAccessBlockConfiguration in model order.
func PublicAccessBlock(c *s3types.PublicAccessBlockConfiguration) Map {
	m := Map{}
	m.put("BlockPublicAcls", c.BlockPublicAcls)
	m.put("IgnorePublicAcls", c.IgnorePublicAcls)
	m.put("BlockPublicPolicy", c.BlockPublicPolicy)
	m.put("RestrictPublicBuckets", c.RestrictPublicBuckets)
	return m
}

// BucketWebsite is a GetBucketWebsite answer: RedirectAllRequestsTo,
// IndexDocument, ErrorDocument, RoutingRules.
func BucketWebsite(redirect *s3types.RedirectAllRequestsTo, index *s3types.IndexDocument, errDoc *s3types.ErrorDocument, rules []s3types.RoutingRule) Map {
	m := Map{}
	if redirect != nil {
		r := Map{}
		r.put("HostName", redirect.HostName)
		r.put("Protocol", string(redirect.Protocol))
		m.put("RedirectAllRequestsTo", r)
	}
	if index != nil {
		i := Map{}
		i.put("Suffix", index.Suffix)
		m.put("IndexDocument", i)
	}
	if errDoc != nil {
		e := Map{}
		e.put("Key", errDoc.Key)
		m.put("ErrorDocument", e)
	}
	if rules != nil {
		list := make([]any, 0, len(rules))
		for _, rule := range rules {
			rm := Map{}
			if c := rule.Condition; c != nil {
				cm := Map{}
				cm.put("HttpErrorCodeReturnedEquals", c.HttpErrorCodeReturnedEquals)
				cm.put("KeyPrefixEquals", c.KeyPrefixEquals)
				rm.put("Condition", cm)
			}
			if r := rule.Redirect; r != nil {
				redir := Map{}
				redir.put("HostName", r.HostName)
				redir.put("HttpRedirectCode", r.HttpRedirectCode)
				redir.put("Protocol", string(r.Protocol))
				redir.put("ReplaceKeyPrefixWith", r.ReplaceKeyPrefixWith)
				redir.put("ReplaceKeyWith", r.ReplaceKeyWith)
				rm.put("Redirect", redir)
			}
			list = append(list, rm)
		}
		m.put("RoutingRules", list)
	}
	return m
}

// CORSRules renders s3 CORS rules, each in model order.
func CORSRules(rules []s3types.CORSRule) []any {
	list := make([]any, 0, len(rules))
	for _, r := range rules {
		m := Map{}
		m.put("ID", r.ID)
		if r.AllowedHeaders != nil {
			m.put("AllowedHeaders", r.AllowedHeaders)
		}
		if r.AllowedMethods != nil {
			m.put("AllowedMethods", r.AllowedMethods)
		}
		if r.AllowedOrigins != nil {
			m.put("AllowedOrigins", r.AllowedOrigins)
		}
		if r.ExposeHeaders != nil {
			m.put("ExposeHeaders", r.ExposeHeaders)
		}
		m.put("MaxAgeSeconds", r.MaxAgeSeconds)
		list = append(list, m)
	}
	return list
}

// PolicyStatus is a GetBucketPolicyStatus answer: {"PolicyStatus": {...}}.
func PolicyStatus(s *s3types.PolicyStatus) Map {
	m := Map{}
	if s != nil {
		ps := Map{}
		ps.put("IsPublic", s.IsPublic)
		m.put("PolicyStatus", ps)
	}
	return m
}
