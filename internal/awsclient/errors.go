package awsclient

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// ErrorMessage describes an error from an AWS call the way users of the
// reference saw it: "CODE: message" for service errors, the SDK's own
// description otherwise.
func ErrorMessage(err error) string {
	// Checked first: the error it wraps is often a service error.
	var retryErr *retry.MaxAttemptsError
	if errors.As(err, &retryErr) {
		return "gave up after " + strconv.Itoa(retryErr.Attempt) + " attempts: " + ErrorMessage(retryErr.Err)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code, msg := apiErr.ErrorCode(), apiErr.ErrorMessage()
		if msg == "" {
			if code == "" {
				return err.Error()
			}
			// HEAD requests carry no body: say what the status means.
			var re *awshttp.ResponseError
			if errors.As(err, &re) {
				msg = http.StatusText(re.HTTPStatusCode())
			}
			if msg == "" {
				return code
			}
		}
		return code + ": " + msg
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	return err.Error()
}

// ErrorCode is the AWS error code of err, or "" when err is not a service error.
func ErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// HTTPStatus is the HTTP status of the response that produced err, or 0.
func HTTPStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// IsNotFound reports whether err says the thing asked for does not exist
// (IAM NoSuchEntity, S3 NoSuchBucket/NoSuchKey/NotFound or a bare 404).
func IsNotFound(err error) bool {
	switch ErrorCode(err) {
	case "NoSuchEntity", "NoSuchBucket", "NoSuchKey", "NotFound", "404":
		return true
	}
	return HTTPStatus(err) == http.StatusNotFound
}
