package awsclient

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
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

// Whether a failed call may still have been carried out: only a refusal or
// throttling says it was not.
func TestMayHaveActed(t *testing.T) {
	answered := func(status int, code string) error {
		resp := &smithyhttp.Response{Response: &http.Response{StatusCode: status}}
		return &smithy.OperationError{ServiceID: "IAM", OperationName: "CreateUser", Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: resp, Err: &smithy.GenericAPIError{Code: code}},
		}}
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"no error", nil, false},
		{"refused", answered(403, "AccessDenied"), false},
		{"exists", answered(409, "EntityAlreadyExists"), false},
		{"throttled", answered(400, "Throttling"), false},
		{"slow down", answered(503, "SlowDown"), false},
		{"internal error", answered(500, "InternalError"), true},
		{"gateway timeout", answered(504, "GatewayTimeout"), true},
		{"service unavailable", answered(503, "ServiceUnavailable"), true},
		{"no answer", &smithy.OperationError{ServiceID: "IAM", OperationName: "CreateUser", Err: &smithyhttp.RequestSendError{Err: io.ErrUnexpectedEOF}}, true},
		{"interrupted", context.Canceled, true},
	} {
		if got := MayHaveActed(tc.err); got != tc.want {
			t.Errorf("%s: MayHaveActed = %v, want %v", tc.name, got, tc.want)
		}
	}
}
