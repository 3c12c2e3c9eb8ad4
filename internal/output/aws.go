package output

import (
	"time"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// The functions below turn SDK structs into Maps whose members follow the
// AWS API model's member order (the order botocore, and so the reference,
// prints them in). Absent (nil) members are left out, as botocore does.

// put appends key when v is present.
func (m *Map) put(key string, v any) {
	switch x := v.(type) {
	case nil:
		return
	case *string:
		if x == nil {
			return
		}
		v = *x
	case *time.Time:
		if x == nil {
			return
		}
		v = *x
	case *int32:
		if x == nil {
			return
		}
		v = *x
	case *int64:
		if x == nil {
			return
		}
		v = *x
	case *bool:
		if x == nil {
			return
		}
		v = *x
	case string:
		// enums are named strings; an empty one is absent.
		if x == "" {
			return
		}
	}
	*m = append(*m, Field{key, v})
}

// Put adds key with v unless v is nil or a nil pointer; it is how callers
// outside this package build AWS-ordered maps.
func (m *Map) Put(key string, v any) { m.put(key, v) }

// AccessKey is iam.AccessKey in model order.
func AccessKey(k *iamtypes.AccessKey) Map {
	m := Map{}
	m.put("UserName", k.UserName)
	m.put("AccessKeyId", k.AccessKeyId)
	m.put("Status", string(k.Status))
	m.put("SecretAccessKey", k.SecretAccessKey)
	m.put("CreateDate", k.CreateDate)
	return m
}

// Credentials is sts.Credentials in model order.
func Credentials(c *ststypes.Credentials) Map {
	m := Map{}
	m.put("AccessKeyId", c.AccessKeyId)
	m.put("SecretAccessKey", c.SecretAccessKey)
	m.put("SessionToken", c.SessionToken)
	m.put("Expiration", c.Expiration)
	return m
}

// Tags renders IAM tags as a list of {Key, Value}.
func Tags(tags []iamtypes.Tag) []any {
	list := make([]any, 0, len(tags))
	for _, t := range tags {
		m := Map{}
		m.put("Key", t.Key)
		m.put("Value", t.Value)
		list = append(list, m)
	}
	return list
}

// PermissionsBoundary is iam.AttachedPermissionsBoundary in model order.
func PermissionsBoundary(b *iamtypes.AttachedPermissionsBoundary) any {
	if b == nil {
		return nil
	}
	m := Map{}
	m.put("PermissionsBoundaryType", string(b.PermissionsBoundaryType))
	m.put("PermissionsBoundaryArn", b.PermissionsBoundaryArn)
	return m
}

// User is iam.User in model order.
func User(u *iamtypes.User) Map {
	m := Map{}
	m.put("Path", u.Path)
	m.put("UserName", u.UserName)
	m.put("UserId", u.UserId)
	m.put("Arn", u.Arn)
	m.put("CreateDate", u.CreateDate)
	m.put("PasswordLastUsed", u.PasswordLastUsed)
	m.put("PermissionsBoundary", PermissionsBoundary(u.PermissionsBoundary))
	if u.Tags != nil {
		m.put("Tags", Tags(u.Tags))
	}
	return m
}
