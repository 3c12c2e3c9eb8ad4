package account

import (
	"errors"

	"github.com/aws/smithy-go"
)

// operationName is the API operation err came from ("GetBucketAcl").
func operationName(err error) string {
	var opErr *smithy.OperationError
	if errors.As(err, &opErr) {
		return opErr.Operation()
	}
	return "unknown"
}
