// Package botocore presents the SDK's IAM, STS and S3 types as the
// reference printed them: pyjson.Maps whose members follow the AWS API
// model's member order (the order botocore emits), absent members left out.
package botocore

import (
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// The functions below turn SDK structs into Maps whose members follow the
// AWS API model's member order (the order botocore, and so the reference,
// prints them in). Absent (nil) members are left out, as botocore does.

// AccessKey is iam.AccessKey in model order.
func AccessKey(k *iamtypes.AccessKey) pyjson.Map {
	m := pyjson.Map{}
	m.Put("UserName", k.UserName)
	m.Put("AccessKeyId", k.AccessKeyId)
	m.Put("Status", string(k.Status))
	m.Put("SecretAccessKey", k.SecretAccessKey)
	m.Put("CreateDate", k.CreateDate)
	return m
}

// Credentials is sts.Credentials in model order.
func Credentials(c *ststypes.Credentials) pyjson.Map {
	m := pyjson.Map{}
	m.Put("AccessKeyId", c.AccessKeyId)
	m.Put("SecretAccessKey", c.SecretAccessKey)
	m.Put("SessionToken", c.SessionToken)
	m.Put("Expiration", c.Expiration)
	return m
}

// Tags renders IAM tags as a list of {Key, Value}.
func Tags(tags []iamtypes.Tag) []any {
	list := make([]any, 0, len(tags))
	for _, t := range tags {
		m := pyjson.Map{}
		m.Put("Key", t.Key)
		m.Put("Value", t.Value)
		list = append(list, m)
	}
	return list
}

// PermissionsBoundary is iam.AttachedPermissionsBoundary in model order.
func PermissionsBoundary(b *iamtypes.AttachedPermissionsBoundary) any {
	if b == nil {
		return nil
	}
	m := pyjson.Map{}
	m.Put("PermissionsBoundaryType", string(b.PermissionsBoundaryType))
	m.Put("PermissionsBoundaryArn", b.PermissionsBoundaryArn)
	return m
}

// User is iam.User in model order.
func User(u *iamtypes.User) pyjson.Map {
	m := pyjson.Map{}
	m.Put("Path", u.Path)
	m.Put("UserName", u.UserName)
	m.Put("UserId", u.UserId)
	m.Put("Arn", u.Arn)
	m.Put("CreateDate", u.CreateDate)
	m.Put("PasswordLastUsed", u.PasswordLastUsed)
	m.Put("PermissionsBoundary", PermissionsBoundary(u.PermissionsBoundary))
	if u.Tags != nil {
		m.Put("Tags", Tags(u.Tags))
	}
	return m
}
