package credentials

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/policy"
)

// awsManagedS3Key is the alias of the AWS managed key for S3: every
// principal of the account may use it through S3, so it needs no grant.
const awsManagedS3Key = "alias/aws/s3"

// bucketKMSKey is the customer managed KMS key bucket encrypts new objects
// with by default (SSE-KMS), if any. A bucket without default encryption,
// with SSE-S3, or with the AWS managed key has none. A key named by an
// alias or a bare ID cannot go in a policy as it is: that is an error
// saying to give --kms-key.
func (c *Creator) bucketKMSKey(ctx context.Context, bucket string) (*policy.KMSKey, error) {
	out, err := c.S3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		if awsclient.IsNotFound(err) || awsclient.IsNotImplemented(err) ||
			awsclient.ErrorCode(err) == "ServerSideEncryptionConfigurationNotFoundError" {
			return nil, nil
		}
		return nil, err
	}
	if out.ServerSideEncryptionConfiguration == nil {
		return nil, nil
	}
	for _, rule := range out.ServerSideEncryptionConfiguration.Rules {
		def := rule.ApplyServerSideEncryptionByDefault
		if def == nil || (def.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms && def.SSEAlgorithm != s3types.ServerSideEncryptionAwsKmsDsse) {
			continue
		}
		id := aws.ToString(def.KMSMasterKeyID)
		if id == "" || id == awsManagedS3Key || isAWSManagedAlias(id) {
			return nil, nil
		}
		key, err := policy.NewKMSKey(id, aws.ToBool(rule.BucketKeyEnabled))
		if err != nil {
			return nil, &unnamedKeyError{bucket, id, err}
		}
		return &key, nil
	}
	return nil, nil
}

// unnamedKeyError is a bucket's default key given by alias or bare ID,
// which a policy cannot name.
type unnamedKeyError struct {
	bucket, id string
	err        error
}

func (e *unnamedKeyError) Error() string {
	return fmt.Sprintf("Bucket %s encrypts its objects with KMS key %s, which a policy cannot name as it is (%s); give the key's ARN with --kms-key", e.bucket, e.id, e.err)
}

func isAWSManagedAlias(id string) bool {
	n := len(id) - len(":alias/aws/s3")
	return n > 0 && id[n:] == ":alias/aws/s3"
}

// kmsKeys adds to r's scope the grants on the KMS keys of the buckets
// that exist (buckets this run creates have no default encryption), and
// says which. A bucket whose encryption cannot be read is warned about:
// --kms-key names its key.
func (c *Creator) kmsKeys(ctx context.Context, r *Request, missing map[string]bool) error {
	keys := maps.Clone(r.Scope.KMS)
	if keys == nil {
		keys = map[string][]policy.KMSKey{}
	}
	for _, b := range r.Buckets {
		if missing[b] {
			continue
		}
		key, err := c.bucketKMSKey(ctx, b)
		var unnamed *unnamedKeyError
		switch {
		case errors.As(err, &unnamed) && len(keys[b]) > 0:
			c.Warnf("Warning: bucket %s encrypts its objects with KMS key %s by default; the --kms-key given is granted instead", b, unnamed.id)
			continue
		case err != nil:
			if !awsclient.IsServiceError(err) || awsclient.HTTPStatus(err) != 403 {
				return err
			}
			c.Warnf("Warning: could not read the default encryption of bucket %s (%s); if it uses a KMS key of your own, give it with --kms-key, or the credentials cannot read or write its objects", b, awsclient.ErrorMessage(err))
			continue
		}
		if key == nil || slices.ContainsFunc(keys[b], func(k policy.KMSKey) bool { return k.ARN == key.ARN }) {
			continue
		}
		keys[b] = append(keys[b], *key)
		c.Logf("Bucket %s encrypts its objects with KMS key %s: the credentials may use it, through S3 only, for that bucket's objects", b, key.ARN)
	}
	if len(keys) > 0 {
		r.Scope.KMS = keys
	}
	return nil
}
