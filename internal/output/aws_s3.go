package output

import (
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// S3Object is s3.Object (a ListObjectsV2 entry) in model order: Key,
// LastModified, ETag, ChecksumAlgorithm, ChecksumType, Size, StorageClass,
// Owner, RestoreStatus.
func S3Object(o *s3types.Object) Map {
	m := Map{}
	m.put("Key", o.Key)
	m.put("LastModified", o.LastModified)
	m.put("ETag", o.ETag)
	if len(o.ChecksumAlgorithm) > 0 {
		algs := make([]any, len(o.ChecksumAlgorithm))
		for i, a := range o.ChecksumAlgorithm {
			algs[i] = string(a)
		}
		m.put("ChecksumAlgorithm", algs)
	}
	m.put("ChecksumType", string(o.ChecksumType))
	m.put("Size", o.Size)
	m.put("StorageClass", string(o.StorageClass))
	if o.Owner != nil {
		owner := Map{}
		owner.put("DisplayName", o.Owner.DisplayName)
		owner.put("ID", o.Owner.ID)
		m.put("Owner", owner)
	}
	if o.RestoreStatus != nil {
		rs := Map{}
		rs.put("IsRestoreInProgress", o.RestoreStatus.IsRestoreInProgress)
		rs.put("RestoreExpiryDate", o.RestoreStatus.RestoreExpiryDate)
		m.put("RestoreStatus", rs)
	}
	return m
}
