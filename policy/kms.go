package policy

import (
	"fmt"
	"regexp"
	"strings"
)

// KMSKey is a customer managed KMS key that objects of a bucket are
// encrypted with (SSE-KMS). S3 asks KMS on the caller's behalf, so
// credentials need kms:Decrypt to read such objects and
// kms:GenerateDataKey (with kms:Decrypt, which multipart uploads need) to
// write them.
type KMSKey struct {
	// ARN is the key's ARN: arn:PARTITION:kms:REGION:ACCOUNT:key/ID.
	ARN string
	// Region is the key's region, which is its bucket's (S3 uses keys of
	// the bucket's region only).
	Region string
	// BucketKey says the bucket uses S3 Bucket Keys: KMS then sees the
	// bucket's ARN as the encryption context, not each object's, so the
	// grant cannot be narrowed to a prefix.
	BucketKey bool
}

var kmsKeyARN = regexp.MustCompile(`^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key/[A-Za-z0-9-]+$`)

// NewKMSKey reads a key's ARN.
func NewKMSKey(arn string, bucketKey bool) (KMSKey, error) {
	m := kmsKeyARN.FindStringSubmatch(arn)
	if m == nil {
		if strings.Contains(arn, ":alias/") || strings.HasPrefix(arn, "alias/") {
			return KMSKey{}, fmt.Errorf("%q is an alias; give the key's own ARN (aws kms describe-key --key-id %s shows it), since a policy names keys by ARN", arn, arn)
		}
		return KMSKey{}, fmt.Errorf("%q is not the ARN of a KMS key (arn:aws:kms:REGION:ACCOUNT:key/ID)", arn)
	}
	return KMSKey{ARN: arn, Region: m[1], BucketKey: bucketKey}, nil
}

// KMSStatement is the smallest grant on key that lets permission p read or
// write the objects of bucket the scope reaches: kms:Decrypt for reading,
// kms:GenerateDataKey and kms:Decrypt for writing, on that key only, only
// through S3 in the key's region (kms:ViaService), and only for objects of
// that bucket (and the scope's prefixes and keys) by their encryption
// context. The scope's limits go on it like on every statement.
func KMSStatement(p Permission, bucket string, s Scope, key KMSKey) Statement {
	actions := []string{"kms:Decrypt"}
	if p == ReadWrite || p == WriteOnly {
		actions = []string{"kms:GenerateDataKey", "kms:Decrypt"}
	}
	var contexts []string
	if key.BucketKey {
		contexts = []string{BucketARN(bucket)}
	} else {
		prefixes, keys, _ := s.patterns()
		contexts = objectARNs(bucket, append(prefixes, keys...))
	}
	st := allow(actions, []string{key.ARN})
	st.Condition = Condition{
		"StringEquals": {"kms:ViaService": "s3." + key.Region + ".amazonaws.com"},
		"StringLike":   {"kms:EncryptionContext:aws:s3:arn": contexts},
	}
	return s.restrict(st)
}
