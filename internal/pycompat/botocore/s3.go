package botocore

import (
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// S3Object is s3.Object (a ListObjectsV2 entry) in model order: Key,
// LastModified, ETag, ChecksumAlgorithm, ChecksumType, Size, StorageClass,
// Owner, RestoreStatus.
func S3Object(o *s3types.Object) pyjson.Map {
	m := pyjson.Map{}
	m.Put("Key", o.Key)
	m.Put("LastModified", o.LastModified)
	m.Put("ETag", o.ETag)
	if len(o.ChecksumAlgorithm) > 0 {
		algs := make([]any, len(o.ChecksumAlgorithm))
		for i, a := range o.ChecksumAlgorithm {
			algs[i] = string(a)
		}
		m.Put("ChecksumAlgorithm", algs)
	}
	m.Put("ChecksumType", string(o.ChecksumType))
	m.Put("Size", o.Size)
	m.Put("StorageClass", string(o.StorageClass))
	if o.Owner != nil {
		owner := pyjson.Map{}
		owner.Put("DisplayName", o.Owner.DisplayName)
		owner.Put("ID", o.Owner.ID)
		m.Put("Owner", owner)
	}
	if o.RestoreStatus != nil {
		rs := pyjson.Map{}
		rs.Put("IsRestoreInProgress", o.RestoreStatus.IsRestoreInProgress)
		rs.Put("RestoreExpiryDate", o.RestoreStatus.RestoreExpiryDate)
		m.Put("RestoreStatus", rs)
	}
	return m
}
