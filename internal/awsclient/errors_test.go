package awsclient

import (
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func TestBotoError(t *testing.T) {
	err := &smithy.OperationError{ServiceID: "S3", OperationName: "GetBucketAcl",
		Err: &smithy.GenericAPIError{Code: "NoSuchBucket", Message: "The specified bucket does not exist"}}
	want := "An error occurred (NoSuchBucket) when calling the GetBucketAcl operation: The specified bucket does not exist"
	if got := BotoError(err); got != want {
		t.Errorf("got %q", got)
	}
	err = &smithy.OperationError{ServiceID: "S3", OperationName: "HeadBucket",
		Err: &smithy.GenericAPIError{Code: "Forbidden"}}
	if got := BotoError(err); got != "An error occurred (Forbidden) when calling the HeadBucket operation: Unknown" {
		t.Errorf("no message: %q", got)
	}
	if got := BotoError(fmt.Errorf("dial tcp: refused")); got != "dial tcp: refused" {
		t.Errorf("non-AWS error: %q", got)
	}
}
