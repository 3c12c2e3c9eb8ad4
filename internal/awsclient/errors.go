package awsclient

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

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
	// The tool's own errors from inside the SDK's stack say it best.
	var noCreds *NoCredentialsError
	var process *CredentialProcessError
	var invalid *InvalidCredentialsError
	var notAWS *NotAWSError
	var network *NetworkError
	switch {
	case errors.As(err, &noCreds):
		return noCreds.Error()
	case errors.As(err, &process):
		return process.Error()
	case errors.As(err, &invalid):
		return invalid.Error()
	case errors.As(err, &notAWS):
		return notAWS.Error()
	case errors.As(err, &network):
		return network.Error()
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

// HTTPStatus is the HTTP status of the response that produced err, or 0:
// also 0 for an answer that was not AWS's or broke off half-way, whose
// status says nothing.
func HTTPStatus(err error) int {
	if IsNotAWS(err) || IsNetworkError(err) {
		return 0
	}
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

// IsServiceError reports whether AWS answered with an error (as botocore's
// ClientError), as opposed to the request not getting through.
func IsServiceError(err error) bool {
	return ErrorCode(err) != "" || HTTPStatus(err) != 0
}

// MayHaveActed reports whether a call that failed with err may still have
// been carried out. A refusal (4xx) or throttling means it was not. No
// answer at all (an interrupt, a timeout, a dropped connection) leaves it
// open, and so does a server error (5xx): a load balancer answers 500 or
// 504 when its backend took too long, and the backend may have acted.
func MayHaveActed(err error) bool {
	if err == nil {
		return false
	}
	if !IsServiceError(err) {
		return true
	}
	if _, throttled := retry.DefaultThrottleErrorCodes[ErrorCode(err)]; throttled {
		return false
	}
	return HTTPStatus(err) >= 500
}

// BotoError words err as botocore's ClientError did:
// "An error occurred (CODE) when calling the OPERATION operation: MESSAGE".
// Errors that did not come from the service keep their own text.
func BotoError(err error) string {
	code := ErrorCode(err)
	if code == "" {
		return ErrorMessage(err)
	}
	op := operationName(err)
	msg := ErrorMessage(err)
	msg = strings.TrimPrefix(msg, code+": ")
	if msg == code {
		msg = "Unknown"
	}
	return "An error occurred (" + code + ") when calling the " + op + " operation: " + msg
}

// operationName is the API operation err came from ("GetBucketAcl").
func operationName(err error) string {
	var opErr *smithy.OperationError
	if errors.As(err, &opErr) {
		return opErr.Operation()
	}
	return "unknown"
}

// IsNotImplemented reports an endpoint saying it does not have an action at
// all (SeaweedFS answers InvalidAction, others NotImplemented or 501), as
// opposed to refusing it.
func IsNotImplemented(err error) bool {
	switch ErrorCode(err) {
	case "InvalidAction", "NotImplemented", "UnknownOperation", "UnsupportedOperation":
		return true
	}
	return HTTPStatus(err) == http.StatusNotImplemented
}

// IsRefusal reports whether AWS answered that this request cannot be done
// (a 4xx answer such as AccessDenied or NoSuchEntity), as opposed to a
// request that did not get through or might succeed if tried again
// (throttling, a 5xx answer, no answer at all).
func IsRefusal(err error) bool {
	if _, throttled := retry.DefaultThrottleErrorCodes[ErrorCode(err)]; throttled || !IsServiceError(err) {
		return false
	}
	status := HTTPStatus(err)
	return status == 0 || status >= 400 && status < 500
}
