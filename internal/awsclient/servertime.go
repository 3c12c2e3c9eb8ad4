package awsclient

import (
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// ServerTime is the service's time when it sent an answer (its Date
// header), for decisions that must not rest on this machine's clock; ok is
// false when the answer did not say.
func ServerTime(md middleware.Metadata) (t time.Time, ok bool) {
	t, ok = awsmiddleware.GetServerTime(md)
	return t, ok && !t.IsZero()
}
