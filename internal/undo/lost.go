package undo

import (
	"context"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
)

// LostAnswers counts the attempts of one call that the server may have
// acted on although the tool never learned so: no answer came (a dropped
// connection, a timeout), or a server error did (awsclient.MayHaveActed).
// The SDK sends such a request again: a CreateUser then fails with
// EntityAlreadyExists, and a CreateAccessKey makes two keys.
type LostAnswers struct{ n atomic.Int32 }

// Option counts the attempts of the IAM call it is given to.
func (l *LostAnswers) Option() func(*iam.Options) {
	return func(o *iam.Options) { o.APIOptions = append(o.APIOptions, l.count) }
}

// S3Option counts the attempts of the S3 call it is given to.
func (l *LostAnswers) S3Option() func(*s3.Options) {
	return func(o *s3.Options) { o.APIOptions = append(o.APIOptions, l.count) }
}

func (l *LostAnswers) count(s *middleware.Stack) error {
	// Added last in the finalize step, it runs once per attempt, inside
	// the retry loop.
	return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("CountLostAnswers",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleFinalize(ctx, in)
			if awsclient.MayHaveActed(err) {
				l.n.Add(1)
			}
			return out, md, err
		}), middleware.After)
}

// Happened reports whether an attempt may have been acted on unanswered.
func (l *LostAnswers) Happened() bool { return l.n.Load() > 0 }
