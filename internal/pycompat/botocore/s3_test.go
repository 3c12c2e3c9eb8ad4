package botocore

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// Every member present: the model's order, nested objects included.
func TestS3ObjectOrder(t *testing.T) {
	o := &s3types.Object{
		Size:              aws.Int64(12),
		StorageClass:      s3types.ObjectStorageClassGlacier,
		Key:               aws.String("a/b.txt"),
		ETag:              aws.String(`"abc"`),
		LastModified:      aws.Time(time.Date(2021, 11, 3, 1, 38, 24, 0, time.UTC)),
		ChecksumAlgorithm: []s3types.ChecksumAlgorithm{s3types.ChecksumAlgorithmCrc32},
		ChecksumType:      s3types.ChecksumTypeFullObject,
		Owner:             &s3types.Owner{ID: aws.String("id1"), DisplayName: aws.String("me")},
		RestoreStatus: &s3types.RestoreStatus{
			IsRestoreInProgress: aws.Bool(false),
			RestoreExpiryDate:   aws.Time(time.Date(2022, 1, 2, 3, 4, 5, 600000000, time.UTC)),
		},
	}
	got := string(pyjson.EncodeCompact(S3Object(o)))
	want := `{"Key":"a/b.txt","LastModified":"2021-11-03 01:38:24+00:00","ETag":"\"abc\"",` +
		`"ChecksumAlgorithm":["CRC32"],"ChecksumType":"FULL_OBJECT","Size":12,"StorageClass":"GLACIER",` +
		`"Owner":{"DisplayName":"me","ID":"id1"},` +
		`"RestoreStatus":{"IsRestoreInProgress":false,"RestoreExpiryDate":"2022-01-02 03:04:05.600000+00:00"}}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Absent members are left out.
	if got := string(pyjson.EncodeCompact(S3Object(&s3types.Object{Key: aws.String("k"), Size: aws.Int64(0)}))); got != `{"Key":"k","Size":0}` {
		t.Errorf("minimal: %s", got)
	}
}
