package undo

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// LostAnswers counts the attempts of one call that were sent but got no
// answer (a dropped connection, a timeout). The SDK sends such a request
// again, but the server may have acted on the first one: a CreateUser then
// fails with EntityAlreadyExists, and a CreateAccessKey makes two keys.
type LostAnswers struct{ n atomic.Int32 }

// Option counts the attempts of the call it is given to.
func (l *LostAnswers) Option() func(*iam.Options) {
	return func(o *iam.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			// Added last in the finalize step, it runs once per attempt,
			// inside the retry loop.
			return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("CountLostAnswers",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleFinalize(ctx, in)
					var sendErr *smithyhttp.RequestSendError
					if errors.As(err, &sendErr) || awsclient.IsNetworkError(err) {
						l.n.Add(1)
					}
					return out, md, err
				}), middleware.After)
		})
	}
}

// Happened reports whether an attempt may have been acted on unanswered.
func (l *LostAnswers) Happened() bool { return l.n.Load() > 0 }
